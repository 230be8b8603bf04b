// Builds syntaxes/kayron-release.tmLanguage.json: `node syntaxes/build-grammar.mjs syntaxes/kayron-release.tmLanguage.json` (drift-tested).
import { writeFileSync } from 'node:fs';

const r = String.raw;

// Where a block mapping key may start: at the line's indentation, or after `- ` / `? ` on the same line.
// (After a tab too: tab indentation is marked invalid but the key on that line is still shown as a key.)
const BLOCK_KEY_POS = r`(?:^|(?<=[-?][ \t]|\t))[ \t]*`;
// Where a flow mapping key may start: after `{`, `[`, `,` (or at a continuation line's start).
const FLOW_KEY_POS = r`(?:^|(?<=[{\[,]))[ \t]*`;
const BLOCK_KEY_END = r`[ \t]*(:)(?=[ \t]|$)`;
const FLOW_KEY_END = r`[ \t]*(:)(?=[\s,\[\]{}]|$)`;
// A scalar may start after whitespace, a flow indicator or at the line start.
const VALUE_POS = r`(?<![^\s,\[{])`;
const BLOCK_SCALAR_END = r`(?=[ \t]*$|[ \t]+#)`;
const FLOW_SCALAR_END = r`(?=[ \t]*(?:$|[,\]}]|:(?:[\s,\[\]{}]|$))|[ \t]+#)`;

const PLAIN_FIRST_BLOCK = r`(?:[^\s\-?:,\[\]{}#&*!|>'"%@` + '`' + r`]|[-?:](?=\S))`;
const PLAIN_REST_BLOCK = r`(?:[^\s:]|:(?=\S)|[ \t]+(?=[^\s#:]|:\S))*`;
const PLAIN_BLOCK = PLAIN_FIRST_BLOCK + PLAIN_REST_BLOCK;
const PLAIN_FIRST_FLOW = r`(?:[^\s\-?:,\[\]{}#&*!|>'"%@` + '`' + r`]|[-?:](?=[^\s,\[\]{}]))`;
const PLAIN_REST_FLOW = r`(?:[^\s:,\[\]{}]|:(?=[^\s,\[\]{}])|[ \t]+(?=[^\s#:,\[\]{}]|:[^\s,\[\]{}]))*`;
const PLAIN_FLOW = PLAIN_FIRST_FLOW + PLAIN_REST_FLOW;

const DQ_TEXT = r`"(?:[^"\\]|\\.)*"`;
const SQ_TEXT = r`'(?:[^']|'')*'`;
const PROPERTY = r`(?:&[^\s\[\]{},]+|!<[^>]*>|![^\s\[\]{},]*)`;

// Kayron's release grammar (spec §2.4): v + MAJOR[.MINOR[.PATCH[-PRERELEASE]]], no leading zeros, no +build.
const NUM = r`(?:0|[1-9][0-9]*)`;
const PRE_ID = r`(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)`;
const VERSION = r`(v)(?:(` + NUM + r`\.` + NUM + r`\.` + NUM + r`)(?:(-)(` + PRE_ID + r`(?:\.` + PRE_ID + r`)*))?|(` + NUM + r`(?:\.` + NUM + r`)?))`;
const VERSION_CAPTURES = {
  1: { name: 'punctuation.definition.version.kayron' },
  3: { name: 'punctuation.separator.prerelease.kayron' },
  // A scope themes do not colour on its own: the suffix of a valid tag keeps the version's colour (entity.other.* is
  // red in several themes, and red reads as an error).
  4: { name: 'meta.version.prerelease.kayron' },
};

const KAYRON_KEYS = ['docker', 'github', 'provider', 'deploy', 'release', 'branch', 'suspend', 'preview'];
// Keys whose values get Kayron-specific scopes; the others only get their key scoped.
const VALUE_SCOPED_KEYS = ['release', 'branch', 'provider'];

const DQ_BEGIN_CAPTURES = { 0: { name: 'punctuation.definition.string.begin.yaml' } };
const SQ_BEGIN_CAPTURES = DQ_BEGIN_CAPTURES;
const STRING_END_CAPTURES = { 1: { name: 'punctuation.definition.string.end.yaml' } };
// A quoted scalar may span lines in YAML, but release files never do: a line that starts a new item, a `key:` or a
// document ends an unterminated string early so one missing quote does not recolour the rest of the file.
const RECOVER = r`^(?=[ \t]*(?:-(?:[ \t]|$)|[\w.\-/]+[ \t]*:(?:[ \t]|$))|(?:---|\.\.\.)(?:[ \t]|$))`;
// A `- ` item or a document marker cannot occur inside a flow collection: an unclosed one ends there.
const FLOW_RECOVER = r`^(?=[ \t]*-[ \t]|(?:---|\.\.\.)(?:[ \t]|$))`;
const DQ_END = r`(")|` + RECOVER;
const SQ_END = r`(')(?!')|` + RECOVER;

function kayronKeyName(key) {
  return `entity.name.tag.yaml keyword.other.kayron.${key}`;
}
function keyCaptures(key) {
  return {
    1: { name: 'punctuation.definition.string.begin.yaml' },
    2: { name: kayronKeyName(key) },
    3: { name: 'punctuation.definition.string.end.yaml' },
    4: { name: 'punctuation.separator.key-value.mapping.yaml' },
  };
}
// `(["']?)key\1` accepts the key plain, double- or single-quoted: all three decode to the same Kayron field.
const kayronKeyText = (key) => r`(["']?)(` + key + r`)(\1)`;

function quotedValue(kind, key, contentPatterns, contentName) {
  const dq = kind === 'dq';
  const rule = {
    name: dq ? 'string.quoted.double.yaml' : 'string.quoted.single.yaml',
    begin: dq ? '"' : "'",
    beginCaptures: dq ? DQ_BEGIN_CAPTURES : SQ_BEGIN_CAPTURES,
    end: dq ? DQ_END : SQ_END,
    endCaptures: STRING_END_CAPTURES,
    patterns: [...contentPatterns, { include: dq ? '#double-quoted-content' : '#single-quoted-content' }],
  };
  if (contentName) rule.contentName = contentName;
  return rule;
}

const repository = {};
function quotedKeyCaptures(content) {
  return {
    1: { name: 'punctuation.definition.string.begin.yaml' },
    2: { name: 'entity.name.tag.yaml', patterns: [{ include: content }] },
    3: { name: 'punctuation.definition.string.end.yaml' },
    4: { name: 'punctuation.separator.key-value.mapping.yaml' },
  };
}
const QUOTED_KEY_CAPTURES = { dq: quotedKeyCaptures('#double-quoted-content'), sq: quotedKeyCaptures('#single-quoted-content') };

// ---------------------------------------------------------------------------------------------- Kayron values
repository['release-value-block'] = {
  patterns: [
    {
      comment: 'A plain release version: the whole scalar must match Kayron\'s tag grammar, or it stays a generic value.',
      match: VALUE_POS + VERSION + BLOCK_SCALAR_END,
      name: 'string.unquoted.plain.out.yaml constant.numeric.version.kayron',
      captures: VERSION_CAPTURES,
    },
    { include: '#release-quoted' },
    { include: '#block-value' },
  ],
};
repository['release-value-flow'] = {
  patterns: [
    {
      match: VALUE_POS + VERSION + FLOW_SCALAR_END,
      name: 'string.unquoted.plain.in.yaml constant.numeric.version.kayron',
      captures: VERSION_CAPTURES,
    },
    { include: '#release-quoted' },
    { include: '#flow-value' },
  ],
};
repository['release-quoted'] = {
  patterns: [
    quotedValue('dq', 'release', [{ match: r`\G` + VERSION + r`(?=")`, name: 'constant.numeric.version.kayron', captures: VERSION_CAPTURES }]),
    quotedValue('sq', 'release', [{ match: r`\G` + VERSION + r`(?=')`, name: 'constant.numeric.version.kayron', captures: VERSION_CAPTURES }]),
  ],
};

repository['branch-value-block'] = {
  patterns: [
    { include: '#comment' },
    { include: '#properties' },
    { include: '#typed-block-scalar' },
    { match: VALUE_POS + PLAIN_BLOCK, name: 'string.unquoted.plain.out.yaml string.unquoted.branch.kayron' },
    { include: '#branch-quoted' },
    { include: '#block-value' },
  ],
};
repository['branch-value-flow'] = {
  patterns: [
    { include: '#comment' },
    { include: '#properties' },
    { include: '#typed-flow-scalar' },
    { match: VALUE_POS + PLAIN_FLOW, name: 'string.unquoted.plain.in.yaml string.unquoted.branch.kayron' },
    { include: '#branch-quoted' },
    { include: '#flow-value' },
  ],
};
repository['branch-quoted'] = {
  patterns: [
    quotedValue('dq', 'branch', [], 'string.unquoted.branch.kayron'),
    quotedValue('sq', 'branch', [], 'string.unquoted.branch.kayron'),
  ],
};

repository['provider-value-block'] = {
  patterns: [
    { match: VALUE_POS + r`(cloudformation)` + BLOCK_SCALAR_END, name: 'string.unquoted.plain.out.yaml support.constant.provider.kayron' },
    { include: '#provider-quoted' },
    { include: '#block-value' },
  ],
};
repository['provider-value-flow'] = {
  patterns: [
    { match: VALUE_POS + r`(cloudformation)` + FLOW_SCALAR_END, name: 'string.unquoted.plain.in.yaml support.constant.provider.kayron' },
    { include: '#provider-quoted' },
    { include: '#flow-value' },
  ],
};
repository['provider-quoted'] = {
  patterns: [
    quotedValue('dq', 'provider', [{ match: r`\Gcloudformation(?=")`, name: 'support.constant.provider.kayron' }]),
    quotedValue('sq', 'provider', [{ match: r`\Gcloudformation(?=')`, name: 'support.constant.provider.kayron' }]),
  ],
};

// ---------------------------------------------------------------------------------------------- keys
repository['block-pair-kayron'] = {
  comment: 'Keys whose value is scoped by the key: the value is everything after the colon on the same line.',
  patterns: VALUE_SCOPED_KEYS.map((key) => ({
    begin: BLOCK_KEY_POS + kayronKeyText(key) + BLOCK_KEY_END,
    beginCaptures: keyCaptures(key),
    comment: 'Ends at the line end, or at the next line start when a recovering unterminated string let go there.',
    end: '$|^',
    patterns: [{ include: `#${key}-value-block` }],
  })),
};
function kayronKeyRules(position, end) {
  return KAYRON_KEYS.map((key) => ({ match: position + kayronKeyText(key) + end, captures: keyCaptures(key) }));
}
repository['block-key'] = {
  patterns: [
    ...kayronKeyRules(BLOCK_KEY_POS, BLOCK_KEY_END),
    {
      match: BLOCK_KEY_POS + '(' + PLAIN_BLOCK + ')' + BLOCK_KEY_END,
      captures: { 1: { name: 'entity.name.tag.yaml' }, 2: { name: 'punctuation.separator.key-value.mapping.yaml' } },
    },
    {
      match: BLOCK_KEY_POS + r`(")((?:[^"\\]|\\.)*)(")` + BLOCK_KEY_END,
      captures: QUOTED_KEY_CAPTURES.dq,
    },
    {
      match: BLOCK_KEY_POS + r`(')((?:[^']|'')*)(')` + BLOCK_KEY_END,
      captures: QUOTED_KEY_CAPTURES.sq,
    },
  ],
};
repository['flow-pair-kayron'] = {
  patterns: VALUE_SCOPED_KEYS.map((key) => ({
    begin: FLOW_KEY_POS + kayronKeyText(key) + FLOW_KEY_END,
    beginCaptures: keyCaptures(key),
    end: r`(?=[,\]}])`,
    patterns: [{ include: `#${key}-value-flow` }],
  })),
};
repository['flow-key'] = {
  patterns: [
    ...kayronKeyRules(FLOW_KEY_POS, FLOW_KEY_END),
    {
      match: FLOW_KEY_POS + '(' + PLAIN_FLOW + ')' + FLOW_KEY_END,
      captures: { 1: { name: 'entity.name.tag.yaml' }, 2: { name: 'punctuation.separator.key-value.mapping.yaml' } },
    },
    {
      comment: 'JSON-like keys: after a quoted key the colon needs no following space.',
      match: FLOW_KEY_POS + r`(")((?:[^"\\]|\\.)*)(")[ \t]*(:)`,
      captures: QUOTED_KEY_CAPTURES.dq,
    },
    {
      match: FLOW_KEY_POS + r`(')((?:[^']|'')*)(')[ \t]*(:)`,
      captures: QUOTED_KEY_CAPTURES.sq,
    },
  ],
};

// ---------------------------------------------------------------------------------------------- structure
repository['comment'] = {
  comment: 'A # starts a comment only at the line start or after whitespace (a#b is a plain scalar).',
  match: r`(?:^|(?<=[ \t]))(#).*$`,
  name: 'comment.line.number-sign.yaml',
  captures: { 1: { name: 'punctuation.definition.comment.yaml' } },
};
repository['directive'] = {
  begin: r`^(%)`,
  beginCaptures: { 1: { name: 'punctuation.definition.directive.begin.yaml' } },
  end: '$',
  name: 'meta.directive.yaml',
  patterns: [
    {
      match: r`\G(YAML)(?:[ \t]+([0-9]+\.[0-9]+))?`,
      captures: { 1: { name: 'keyword.other.directive.yaml.yaml' }, 2: { name: 'constant.numeric.yaml-version.yaml' } },
    },
    {
      match: r`\G(TAG)(?:[ \t]+(!(?:[\w-]*!)?)(?:[ \t]+(\S+))?)?`,
      captures: {
        1: { name: 'keyword.other.directive.tag.yaml' },
        2: { name: 'storage.type.tag-handle.yaml' },
        3: { name: 'support.type.tag-prefix.yaml' },
      },
    },
    { match: r`\G\S+`, name: 'keyword.other.directive.reserved.yaml' },
    { include: '#comment' },
  ],
};
repository['document-marker'] = {
  patterns: [
    { match: r`^---(?=[ \t]|$)`, name: 'entity.other.document.begin.yaml' },
    { match: r`^\.\.\.(?=[ \t]|$)`, name: 'entity.other.document.end.yaml' },
  ],
};
repository['tab-indentation'] = {
  comment: 'goccy/go-yaml rejects tabs in indentation, and they are invisible: mark them.',
  match: r`^[ ]*(\t[ \t]*)(?=\S)`,
  captures: { 1: { name: 'invalid.illegal.tab-indentation.yaml' } },
};
repository['block-indicator'] = {
  patterns: [
    {
      match: r`(?:^[ \t]*|(?<=-[ \t]|\t)[ \t]*)(-)(?=[ \t]|$)`,
      captures: { 1: { name: 'punctuation.definition.block.sequence.item.yaml' } },
    },
    {
      match: r`(?:^[ \t]*|(?<=-[ \t])[ \t]*)(\?)(?=[ \t]|$)`,
      captures: { 1: { name: 'punctuation.definition.key-value.begin.yaml' } },
    },
    {
      match: r`^[ \t]*(:)(?=[ \t]|$)`,
      captures: { 1: { name: 'punctuation.separator.key-value.mapping.yaml' } },
    },
  ],
};

function blockScalarCaptures(prefixGroup, propertyGroup, indicatorGroup, headerGroup, commentGroup) {
  return {
    [prefixGroup]: { patterns: [{ include: '#block-indicator' }, { include: '#block-key' }] },
    [propertyGroup]: { patterns: [{ include: '#properties' }] },
    [indicatorGroup]: {
      patterns: [
        { match: r`\|`, name: 'keyword.control.flow.block-scalar.literal.yaml' },
        { match: '>', name: 'keyword.control.flow.block-scalar.folded.yaml' },
      ],
    },
    [headerGroup]: {
      patterns: [
        { match: '[1-9]', name: 'constant.numeric.indentation-indicator.yaml' },
        { match: '[-+]', name: 'storage.modifier.chomping-indicator.yaml' },
      ],
    },
    [commentGroup]: { patterns: [{ include: '#comment' }] },
  };
}
const KEY_TEXT = '(?:' + PLAIN_BLOCK + '|' + DQ_TEXT + '|' + SQ_TEXT + ')';
const BLOCK_SCALAR_HEADER = r`((?:` + PROPERTY + r`[ \t]+)*)([|>])([1-9][-+]?|[-+][1-9]?)?(?:[ \t]+(#.*)|[ \t]*)$`;
repository['block-scalar'] = {
  comment:
    'A line ending in a | or > header starts a block scalar; its content is every following line indented more than the ' +
    'parent node (the key after `- `, else the line), plus blank lines. Matched from the line start to capture that indentation.',
  patterns: [
    {
      begin: r`^([ \t]*)(-)([ \t]+)(` + KEY_TEXT + r`[ \t]*:[ \t]+)` + BLOCK_SCALAR_HEADER,
      beginCaptures: {
        2: { name: 'punctuation.definition.block.sequence.item.yaml' },
        ...blockScalarCaptures(4, 5, 6, 7, 8),
      },
      end: r`^(?=[ \t]*\S)(?!\1 \3[ \t])`,
      contentName: 'string.unquoted.block.yaml',
    },
    {
      comment: 'The indentation is captured in a lookahead so the prefix capture starts at column 0, where keys are recognised.',
      begin: r`^(?=([ \t]*))([ \t]*(?:-[ \t]+)*(?:` + KEY_TEXT + r`[ \t]*:[ \t]+)?)` + BLOCK_SCALAR_HEADER,
      beginCaptures: blockScalarCaptures(2, 3, 4, 5, 6),
      end: r`^(?=[ \t]*\S)(?!\1[ \t])`,
      contentName: 'string.unquoted.block.yaml',
    },
  ],
};

repository['properties'] = {
  patterns: [
    {
      match: r`(&)([^\s\[\]{},]+)`,
      captures: {
        1: { name: 'keyword.control.property.anchor.yaml punctuation.definition.anchor.yaml' },
        2: { name: 'entity.name.type.anchor.yaml' },
      },
    },
    {
      match: r`(\*)([^\s\[\]{},]+)`,
      name: 'keyword.control.flow.alias.yaml',
      captures: { 1: { name: 'punctuation.definition.alias.yaml' }, 2: { name: 'variable.other.alias.yaml' } },
    },
    { match: r`!<[^>]*>|!(?:[\w-]*!)?[^\s\[\]{},!]*`, name: 'storage.type.tag-handle.yaml' },
  ],
};

function typedScalars(end) {
  return [
    { match: VALUE_POS + r`(?:null|Null|NULL|~)` + end, name: 'constant.language.null.yaml' },
    { match: VALUE_POS + r`(?:true|True|TRUE|false|False|FALSE)` + end, name: 'constant.language.boolean.yaml' },
    {
      match:
        VALUE_POS +
        r`[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?` +
        end,
      name: 'constant.other.timestamp.yaml',
    },
    { match: VALUE_POS + r`[-+]?0x[0-9a-fA-F_]+` + end, name: 'constant.numeric.integer.hexadecimal.yaml' },
    {
      comment: 'goccy/go-yaml also reads YAML 1.1 octals (010 is 8), so Kayron sees those as octal too.',
      match: VALUE_POS + r`[-+]?0(?:o[0-7_]+|[0-7_]+)` + end,
      name: 'constant.numeric.integer.octal.yaml',
    },
    { match: VALUE_POS + r`[-+]?0b[01_]+` + end, name: 'constant.numeric.integer.binary.yaml' },
    { match: VALUE_POS + r`[-+]?[0-9][0-9_]*` + end, name: 'constant.numeric.integer.decimal.yaml' },
    {
      match: VALUE_POS + r`(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))` + end,
      name: 'constant.numeric.float.yaml',
    },
  ];
}
repository['typed-block-scalar'] = { patterns: typedScalars(BLOCK_SCALAR_END) };
repository['typed-flow-scalar'] = { patterns: typedScalars(FLOW_SCALAR_END) };

repository['double-quoted-content'] = {
  patterns: [
    { match: r`\\(?:[0abtnvfre "/\\N_LP\t]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|$)`, name: 'constant.character.escape.yaml' },
    { match: r`\\.`, name: 'invalid.illegal.constant.character.escape.yaml' },
  ],
};
repository['single-quoted-content'] = {
  patterns: [{ match: "''", name: 'constant.character.escape.single-quoted.yaml' }],
};
repository['quoted'] = {
  patterns: [
    {
      name: 'string.quoted.double.yaml',
      begin: '"',
      beginCaptures: DQ_BEGIN_CAPTURES,
      end: DQ_END,
      endCaptures: STRING_END_CAPTURES,
      patterns: [{ include: '#double-quoted-content' }],
    },
    {
      name: 'string.quoted.single.yaml',
      begin: "'",
      beginCaptures: SQ_BEGIN_CAPTURES,
      end: SQ_END,
      endCaptures: STRING_END_CAPTURES,
      patterns: [{ include: '#single-quoted-content' }],
    },
  ],
};
repository['flow-collection'] = {
  patterns: [
    {
      name: 'meta.flow-mapping.yaml',
      begin: r`\{`,
      beginCaptures: { 0: { name: 'punctuation.definition.mapping.begin.yaml' } },
      end: r`(\})|` + FLOW_RECOVER,
      endCaptures: { 1: { name: 'punctuation.definition.mapping.end.yaml' } },
      patterns: [{ match: ',', name: 'punctuation.separator.mapping.yaml' }, { include: '#flow-content' }],
    },
    {
      name: 'meta.flow-sequence.yaml',
      begin: r`\[`,
      beginCaptures: { 0: { name: 'punctuation.definition.sequence.begin.yaml' } },
      end: r`(\])|` + FLOW_RECOVER,
      endCaptures: { 1: { name: 'punctuation.definition.sequence.end.yaml' } },
      patterns: [{ match: ',', name: 'punctuation.separator.sequence.yaml' }, { include: '#flow-content' }],
    },
  ],
};
repository['flow-content'] = {
  patterns: [
    { include: '#comment' },
    { include: '#flow-pair-kayron' },
    { include: '#flow-key' },
    {
      match: r`(\?)(?=[ \t]|$)`,
      name: 'punctuation.definition.key-value.begin.yaml',
    },
    { match: r`:(?=[\s,\[\]{}]|$)`, name: 'punctuation.separator.key-value.mapping.yaml' },
    { include: '#flow-value' },
  ],
};
repository['flow-value'] = {
  patterns: [
    { include: '#comment' },
    { include: '#flow-collection' },
    { include: '#properties' },
    { include: '#quoted' },
    { include: '#typed-flow-scalar' },
    { match: VALUE_POS + PLAIN_FLOW, name: 'string.unquoted.plain.in.yaml' },
  ],
};
repository['block-value'] = {
  patterns: [
    { include: '#comment' },
    { include: '#flow-collection' },
    { include: '#properties' },
    { include: '#quoted' },
    { include: '#typed-block-scalar' },
    { match: VALUE_POS + PLAIN_BLOCK, name: 'string.unquoted.plain.out.yaml' },
  ],
};

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Kayron Release',
  scopeName: 'source.kayron-release',
  comment:
    'Self-contained YAML grammar for Kayron release files, with Kayron keys and key-dependent values (release versions, ' +
    'branch names, the cloudformation provider). Scope names follow VS Code\'s YAML grammar so themes colour them.',
  patterns: [
    { include: '#comment' },
    { include: '#directive' },
    { include: '#document-marker' },
    { include: '#block-scalar' },
    { include: '#tab-indentation' },
    { include: '#block-indicator' },
    { include: '#block-pair-kayron' },
    { include: '#block-key' },
    { include: '#block-value' },
  ],
  repository,
};

writeFileSync(process.argv[2], JSON.stringify(grammar, null, 2) + '\n');
