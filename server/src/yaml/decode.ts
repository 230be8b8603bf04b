/**
 * Decodes a release file the way Kayron's loader does (goccy/go-yaml into `[]release.Struct`, kayron-spec §1.4),
 * keeping exact source ranges for every key and value. Reports every decode problem, not only goccy's first.
 */
import {
  Alias,
  Composer,
  CST,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Pair,
  Parser,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import type { Node as YamlNode } from 'yaml';
import {
  goBase64Decode,
  goccyTaggedBool,
  goccyTaggedFloat,
  goccyTaggedInt,
  goPrintedPlainScalar,
  goTextOf,
  resolvePlainScalar,
} from './goccy-scalar';
import {
  columnsSkippedBefore,
  extraLinesBefore,
  goccyRead,
  type GoccyReading,
  type GoccySyntaxError,
  type ScalarToken,
} from './goccy-syntax';
import { firstKayronProblem, GOCCY_ITEM_ORDER_STRIDE, type Problem, type Range } from '../kayron/problem';

export type QuoteStyle = 'plain' | 'double' | 'single' | 'block';

export interface DecodedField<T> {
  value: T;
  key: Range;
  /** Range of the value; an empty range right after the key's colon when the value is missing. */
  valueRange: Range;
  quote: QuoteStyle;
  /** Source text of an unquoted scalar that goccy coerced from a non-string type, e.g. `1.10`. */
  coercedFrom?: { source: string; kind: string };
  /**
   * Where the Go string holds bytes that are not UTF-8 (a `!!binary` value): the indices of the U+FFFD characters in
   * `value` that stand for them. distribution/reference's lowercase test sees such a byte as a change.
   */
  invalidUtf8At?: number[];
}

export interface DecodedDeploy {
  key: Range;
  node: Range;
  release?: DecodedField<string>;
  branch?: DecodedField<string>;
  suspend?: DecodedField<boolean>;
  preview?: DecodedField<boolean>;
}

export interface DecodedEntry {
  /** `Labels.Block`: position in the first document's top-level sequence (null items count). */
  index: number;
  /** From the item's `-` to the end of its node. */
  range: Range;
  /** Where to report "missing" problems: the item's first key, or the item itself. */
  anchor: Range;
  docker?: DecodedField<string>;
  github?: DecodedField<string>;
  provider?: DecodedField<string>;
  deploy?: DecodedDeploy;
  /** True when a field of this entry failed to decode; Kayron would stop at the file, so its schema checks are moot. */
  typeError: boolean;
}

export interface UnknownKey {
  name: string;
  range: Range;
  /** `entry` for top-level keys of an entry, `deploy` inside `deploy`. */
  level: 'entry' | 'deploy';
}

export interface DecodedFile {
  entries: DecodedEntry[];
  /** yaml-syntax and yaml-type problems, in source order. */
  problems: Problem[];
  unknownKeys: UnknownKey[];
  /** Start ranges of documents after the first, which Kayron ignores. */
  ignoredDocuments: Range[];
  /** True when the file fails to decode, so Kayron would stop the whole lint at this file. */
  failed: boolean;
  lineCounter: LineCounter;
  /** The parsed first document, for features that need the tree (completion, code actions). */
  document: Document.Parsed | undefined;
  /**
   * Line breaks goccy counts twice (a CRLF after a comment, a block scalar header or inside quotes; see
   * `GoccyReading.extraBreaks`): goccy's line numbers below the text run this many lines ahead of its own.
   */
  goccyExtraLines: number;
}

const STRING_FIELDS = {
  docker: 'Struct.Docker of type docker.String',
  github: 'Struct.Github of type github.String',
  provider: 'Struct.Provider of type provider.String',
} as const;
const DEPLOY_STRING_FIELDS = { release: 'release.String', branch: 'branch.String' } as const;
const DEPLOY_BOOL_FIELDS = { suspend: 'suspend.Bool', preview: 'preview.Bool' } as const;
/**
 * The order of Kayron's Go struct fields (release.Struct: Deploy, Docker, Github, Provider; deploy.Struct: Branch,
 * Preview, Release, Suspend): goccy decodes fields in this order and reports the first type error.
 */
const FIELD_ORDER: ReadonlyMap<string, number> = new Map([
  ['branch', 0],
  ['preview', 1],
  ['release', 2],
  ['suspend', 3],
  ['docker', 10],
  ['github', 11],
  ['provider', 12],
]);
/** Guards the recursive duplicate-key walk against pathological nesting. */
const MAX_DEPTH = 200;
/**
 * Deeper collections are refused before composing. The `yaml` composer recurses once per level and relies on catching
 * the stack overflow; near the stack limit V8 can instead abort the whole process (a fatal RegExp-compiler
 * "out of memory"), which would kill the language server. Real release files nest 3 levels deep.
 */
export const MAX_NESTING_DEPTH = 100;

function goType(node: YamlNode | null | undefined): string {
  if (isSeq(node)) return '[]interface {}';
  if (isMap(node)) return 'map[string]interface {}';
  if (isScalar(node)) {
    if (node.type === 'PLAIN' && !node.tag) {
      const kind = resolvePlainScalar(scalarText(node.source ?? node.value)).kind;
      return kind === 'null' ? 'string' : kind;
    }
    return 'string';
  }
  return 'string';
}

/**
 * goccy's block scalar in a CRLF file: the header's CR ends the header line and the LF starts the content with a line
 * break, and each content line keeps its CR (`docker: |-` + `  server` reads "\nserver\r", kayron-fuzz 1:3186).
 */
function crlfBlockScalarValue(value: string): string {
  const trailing = /\n*$/.exec(value)?.[0] ?? '';
  const body = value.slice(0, value.length - trailing.length);
  return `\n${body
    .split('\n')
    .map((line) => `${line}\r`)
    .join('\n')}${trailing}`;
}

/**
 * What a Go string field receives from an explicitly tagged scalar: goccy applies `!!null`, `!!int`, `!!float` and
 * `!!binary` before the string conversion (a number tag on text gives its zero value, "0").
 */
function taggedScalarValue(tag: string | undefined, text: string, plain: boolean): string {
  switch (tag) {
    case 'tag:yaml.org,2002:null':
      return '';
    case 'tag:yaml.org,2002:int':
      return goccyTaggedInt(text, plain);
    case 'tag:yaml.org,2002:float':
      return goccyTaggedFloat(text, plain);
    case 'tag:yaml.org,2002:binary':
      return goTextOf(goBase64Decode(text)).text;
    default:
      return text;
  }
}

/** A collection under a tag of its own (`deploy: !a` then a mapping): goccy keeps the tag node, which no struct takes. */
function isCustomTagged(node: YamlNode | null | undefined): boolean {
  return (
    (isMap(node) || isSeq(node)) &&
    node.tag !== undefined &&
    node.tag !== 'tag:yaml.org,2002:map' &&
    node.tag !== 'tag:yaml.org,2002:seq'
  );
}

/** goccy's name for a node's type in "… was used where … is expected". */
function goccyNodeName(node: YamlNode | null | undefined): string {
  if (isCustomTagged(node)) return 'tag';
  if (isSeq(node)) return 'sequence';
  if (isMap(node)) return 'mapping';
  if (!isScalar(node)) return 'string';
  if (node.tag) return 'tag';
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return 'scalar';
  if (node.type !== 'PLAIN') return 'string';
  return plainNodeName(scalarText(node.source ?? node.value));
}

/** goccy's node type name for plain text `source`. */
function plainNodeName(source: string): string {
  if (/^\.(nan|NaN|NAN)$/.test(source)) return 'nan';
  // goccy's scanner knows `.inf` and `-.inf` only: `+.inf` is a string token (kayron-fuzz 1:2663).
  if (/^\+\.(inf|Inf|INF)$/.test(source)) return 'string';
  if (/^-?\.(inf|Inf|INF)$/.test(source)) return 'inf';
  const kind = resolvePlainScalar(source).kind;
  if (kind === 'bool') return 'boolean';
  if (kind === 'uint64' || kind === 'int64') return 'int';
  if (kind === 'float64') return 'float';
  if (kind === 'null') return 'null';
  return 'string';
}

/** The offset of the quoted scalar (a token of `tokens`) that ends at `end`, e.g. one whose closing quote is missing. */
function quotedScalarEndingAt(tokens: readonly CST.Token[], end: number): number | undefined {
  let found: number | undefined;
  const check = (token: CST.Token | null | undefined): void => {
    if (
      token &&
      (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') &&
      token.offset + token.source.length === end
    )
      found = token.offset;
  };
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    check(token.value);
    CST.visit(token, (item) => {
      check(item.key);
      check(item.value);
      return found === undefined ? undefined : CST.visit.BREAK;
    });
    if (found !== undefined) break;
  }
  return found;
}

function describeYamlError(code: string, message: string): string {
  const firstLine = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  switch (code) {
    case 'TAB_AS_INDENT':
      return "found character '\\t' that cannot start any token";
    case 'MISSING_CHAR':
      if (firstLine.includes('"')) return 'could not find end character of double-quoted text';
      if (firstLine.includes("'")) return 'could not find end character of single-quoted text';
      if (firstLine.includes(']')) return "sequence end token ']' not found";
      if (firstLine.includes('}')) return "mapping end token '}' not found";
      return firstLine;
    case 'BAD_INDENT':
      if (/Flow sequence/.test(firstLine)) return "sequence end token ']' not found";
      if (/Flow mapping/.test(firstLine)) return "mapping end token '}' not found";
      return `mapping value is not allowed in this context (${firstLine})`;
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return `mapping value is not allowed in this context (${firstLine})`;
    case 'RESOURCE_EXHAUSTION':
      // The `yaml` composer recurses per nesting level; goccy does not run out, so this is ours, not Kayron's text.
      return 'the YAML is nested too deeply to be checked';
    default:
      return firstLine;
  }
}

/**
 * goccy fails in stages and reports the first error of the first failing stage: the scanner's invalid tokens, then the
 * parser (syntax, duplicate keys) in source order, then the decoder's alias lookup, then its type conversions.
 */
export const enum Stage {
  Scan = 0,
  Parse = 1,
  Alias = 2,
  Decode = 3,
}
function staged(problem: Problem, stage: Stage): Problem {
  problem.goccyStage = stage;
  return problem;
}
const stageOf = (problem: Problem): Stage => problem.goccyStage ?? Stage.Parse;
/** Syntax complaints of the `yaml` library (not goccy's): they stand only where the goccy model finds no error itself. */
const libraryProblems = new WeakSet<Problem>();
function fromLibrary(problem: Problem): Problem {
  libraryProblems.add(problem);
  return problem;
}

class Decoder {
  readonly problems: Problem[] = [];
  readonly unknownKeys: UnknownKey[] = [];
  /** goccy's decoding order of the field being decoded (item, then struct field), for its type errors. */
  private fieldOrder: number | undefined;
  private itemOrder = 0;
  /** goccy's folded text of each multi-line quoted scalar, by the offset of its opening quote. */
  private readonly multilineQuotes: ReadonlyMap<number, string>;
  /** goccy's text of plain values the library read with a stand-in character (plainValueStandIns), by library offset. */
  private readonly plainValues: ReadonlyMap<number, string>;

  private readonly takeovers: TagTakeovers;
  private aliasTargets: Map<Alias, YamlNode | undefined> | undefined;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
    private readonly text: string,
    private readonly reading: GoccyReading,
  ) {
    this.multilineQuotes = new Map(reading.multilineQuotes.map((quote) => [quote.offset, quote.value]));
    this.plainValues = new Map(plainValueStandIns(text, reading).map((standIn) => [standIn.valueAt, standIn.value]));
    this.takeovers = findTagTakeovers(doc.contents);
  }

  /** A collection's items as goccy parses them: without the ones a tag above took. */
  itemsOf<T>(container: YAMLMap | YAMLSeq, items: T[]): T[] {
    const kept = this.takeovers.kept.get(container);
    return kept === undefined ? items : items.slice(0, kept);
  }

  position(offset: number): string {
    const { line, col } = this.lineCounter.linePos(offset);
    const reading = this.reading;
    const skipped = columnsSkippedBefore(reading.skippedColumns, offset - col + 1, offset);
    return `[${line + extraLinesBefore(reading.extraBreaks, offset)}:${col - skipped + (reading.columnShifts.get(offset) ?? 0)}]`;
  }

  typeProblem(node: YamlNode | null | undefined, fallback: Range, message: string, messageOffset?: number): void {
    const range = nodeRange(node) ?? fallback;
    const problem = staged(
      {
        code: 'yaml-type',
        severity: 'error',
        kayronCheck: true,
        range,
        message: `${this.position(messageOffset ?? this.tagOffset(node) ?? range[0])} ${message}`,
      },
      Stage.Decode,
    );
    if (this.fieldOrder !== undefined) problem.goccyOrder = this.fieldOrder;
    this.problems.push(problem);
  }

  syntaxProblem(
    range: Range,
    message: string,
    stage: Stage,
    data?: Record<string, unknown>,
    messageOffset?: number,
  ): void {
    this.pushSyntaxProblem(range, `${this.position(messageOffset ?? range[0])} ${message}`, stage, data);
  }

  /** A goccy error as Kayron prints it: `text` is the whole message, with its `[line:col]` if goccy gives one. */
  private pushSyntaxProblem(range: Range, text: string, stage: Stage, data?: Record<string, unknown>): void {
    this.problems.push(
      staged(
        { code: 'yaml-syntax', severity: 'error', kayronCheck: true, range, message: text, ...(data ? { data } : {}) },
        stage,
      ),
    );
  }

  /** goccy positions a tagged node at its tag, which the `yaml` library leaves out of the node's range. */
  tagOffset(node: YamlNode | null | undefined): number | undefined {
    const start = nodeRange(node)?.[0];
    if (start === undefined || !(isScalar(node) || isMap(node) || isSeq(node)) || !node.tag) return undefined;
    const tag = /!\S*\s*$/.exec(this.text.slice(Math.max(0, start - 200), start));
    return tag ? start - tag[0].length : undefined;
  }

  /**
   * What an alias stands for, as the `yaml` library's `Alias.resolve` answers it (the last node anchored with its name
   * before it in document order), found for all aliases in one pass: `resolve` walks the whole document per alias.
   */
  private aliasTarget(alias: Alias): YamlNode | undefined {
    if (!this.aliasTargets) {
      const targets = new Map<Alias, YamlNode | undefined>();
      const anchors = new Map<string, YamlNode>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, anchors.get(node.source));
          else if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(alias);
  }

  resolve(node: YamlNode | null | undefined): YamlNode | null | undefined {
    let current = node;
    for (let hops = 0; isAlias(current) && hops < 32; hops++) {
      const target = this.aliasTarget(current);
      if (!target) {
        // goccy's alias token starts after the `*`, at the name.
        const range = nodeRange(current) ?? [0, 0];
        this.syntaxProblem(range, `could not find alias "${current.source}"`, Stage.Alias, undefined, range[0] + 1);
        return undefined;
      }
      current = target;
    }
    return current;
  }

  /**
   * goccy's merge (`<<: *a`) looks the anchor up in its own table and words a miss without a position: undefined, or
   * the merge sits inside the anchor's own value.
   */
  mergeAliasProblem(alias: Alias): void {
    this.pushSyntaxProblem(nodeRange(alias) ?? [0, 0], `cannot find anchor by alias name ${alias.source}`, Stage.Alias);
  }

  /** The pairs of a mapping with `<<: *anchor` merges expanded, as goccy does; an explicit key that repeats a merged one is an error. */
  pairs(map: YAMLMap): Pair<YamlNode, YamlNode | null>[] {
    const explicit: Pair<YamlNode, YamlNode | null>[] = [];
    const merged: Pair<YamlNode, YamlNode | null>[] = [];
    for (const written of this.itemsOf(map, map.items as Pair<YamlNode, YamlNode | null>[])) {
      const takenOver = isScalar(written.value) ? this.takeovers.values.get(written.value) : undefined;
      const pair = takenOver ? new Pair<YamlNode, YamlNode | null>(written.key, takenOver) : written;
      if (isMergeKey(pair.key)) {
        // goccy v1.18 merges a single mapping (or alias of one); a list of them is a type error at the list.
        if (isSeq(pair.value)) {
          this.typeProblem(pair.value, nodeRange(pair.value) ?? [0, 0], 'sequence was used where mapping is expected');
          continue;
        }
        const source = pair.value;
        if (isAlias(source) && this.aliasTarget(source) === undefined) {
          this.mergeAliasProblem(source);
          continue;
        }
        const target = this.resolve(source);
        if (isMap(target)) for (const pair of target.items as Pair<YamlNode, YamlNode | null>[]) merged.push(pair);
        continue;
      }
      explicit.push(pair);
    }
    const mergedNames = new Set(merged.map((pair) => keyName(pair.key)));
    for (const pair of explicit) {
      const name = keyName(pair.key);
      if (mergedNames.has(name))
        this.syntaxProblem(nodeRange(pair.key) ?? [0, 0], `duplicate key "${name}"`, Stage.Decode);
    }
    const explicitNames = new Set(explicit.map((pair) => keyName(pair.key)));
    return [...explicit, ...merged.filter((pair) => !explicitNames.has(keyName(pair.key)))];
  }

  decodeString(pair: Pair<YamlNode, YamlNode | null>, field: string, key: Range): DecodedField<string> | undefined {
    const raw = pair.value;
    const node = this.resolve(raw);
    const valueRange = nodeRange(raw) ?? [key[1] + 1, key[1] + 1];
    if (node === null || node === undefined) return { value: '', key, valueRange, quote: 'plain' };
    if (!isScalar(node)) {
      this.typeProblem(raw, valueRange, `cannot unmarshal ${goType(node)} into Go struct field ${field}`);
      return undefined;
    }
    const quote = quoteStyle(node);
    if (quote === 'plain' && !node.tag) {
      // goccy drops a tab inside plain text: `t<TAB>he` reads "the".
      const source =
        this.plainValues.get(nodeRange(node)?.[0] ?? -1) ?? scalarText(node.source ?? node.value).replace(/\t/g, '');
      const resolved = resolvePlainScalar(source);
      const result: DecodedField<string> = { value: resolved.asString, key, valueRange, quote };
      if (resolved.kind !== 'string' && resolved.kind !== 'null') result.coercedFrom = { source, kind: resolved.kind };
      return result;
    }
    // The `yaml` library decodes `!!binary` itself (to a Buffer, leniently); goccy's reading starts from the text.
    let text = scalarText(node.value instanceof Uint8Array ? node.source : node.value);
    const nodeStart = nodeRange(node)?.[0];
    const folded = nodeStart === undefined ? undefined : this.multilineQuotes.get(nodeStart);
    if (folded !== undefined && (quote === 'double' || quote === 'single')) text = folded;
    const source = this.text.slice(valueRange[0], valueRange[1]);
    // A block scalar whose last line ends the file without a line break has no final newline for goccy (clip and keep
    // alike): `release: |` + `  v1.0.0` at the very end reads "v1.0.0" (kayron-fuzz 1:3951, 1:1124, 1:2092).
    const endsFileUnbroken = quote === 'block' && valueRange[1] >= this.text.length && !/[\r\n]$/.test(this.text);
    if (endsFileUnbroken) text = text.replace(/\n$/, '');
    if (quote === 'block' && source.includes('\r\n')) {
      text = crlfBlockScalarValue(text);
      if (endsFileUnbroken) text = text.replace(/\r$/, '');
    }
    if (node.tag === 'tag:yaml.org,2002:binary') {
      // The decoded bytes go into the Go string as they are; a byte that is not UTF-8 shows as U+FFFD.
      // The `yaml` library has already decoded it (leniently); goccy decodes the scalar's text.
      const decoded = goTextOf(goBase64Decode(scalarText(node.source ?? node.value)));
      const result: DecodedField<string> = { value: decoded.text, key, valueRange, quote };
      if (decoded.invalidAt.length > 0) result.invalidUtf8At = decoded.invalidAt;
      return result;
    }
    // The `yaml` library resolves a tagged plain scalar itself; goccy starts from its text.
    const tagged = quote === 'plain' ? scalarText(node.source ?? node.value) : text;
    return { value: taggedScalarValue(node.tag, tagged, quote === 'plain'), key, valueRange, quote };
  }

  decodeBool(pair: Pair<YamlNode, YamlNode | null>, type: string, key: Range): DecodedField<boolean> | undefined {
    const raw = pair.value;
    const node = this.resolve(raw);
    const valueRange = nodeRange(raw) ?? [key[1] + 1, key[1] + 1];
    if (node === null || node === undefined) return { value: false, key, valueRange, quote: 'plain' };
    if (isScalar(node)) {
      const quote = quoteStyle(node);
      const text = scalarText(quote === 'plain' ? (node.source ?? node.value) : node.value);
      if (node.tag === 'tag:yaml.org,2002:bool') {
        const value = goccyTaggedBool(quote === 'plain' ? goPrintedPlainScalar(text) : text);
        if (value !== undefined) return { value, key, valueRange, quote };
      } else if (quote === 'plain' && !node.tag) {
        const resolved = resolvePlainScalar(text);
        if (resolved.kind === 'bool') return { value: resolved.bool === true, key, valueRange, quote };
        if (resolved.kind === 'null') return { value: false, key, valueRange, quote };
      }
    }
    this.typeProblem(
      raw,
      valueRange,
      `cannot unmarshal ${goType(node)} into Go struct field Struct.Deploy of type ${type}`,
    );
    return undefined;
  }

  decodeDeploy(pair: Pair<YamlNode, YamlNode | null>, key: Range, entry: DecodedEntry): DecodedDeploy | undefined {
    const raw = pair.value;
    const node = this.resolve(raw);
    const range = nodeRange(raw) ?? [key[1] + 1, key[1] + 1];
    const deploy: DecodedDeploy = { key, node: range };
    // A tagged empty value (`deploy: !a`) is goccy's tag node, not null: it fails like any tagged scalar (1:3257).
    const isNullScalar =
      isScalar(node) &&
      quoteStyle(node) === 'plain' &&
      !node.tag &&
      resolvePlainScalar(String(node.source ?? '')).kind === 'null';
    if (node === null || node === undefined || isNullScalar) return deploy;
    if (!isMap(node) || isCustomTagged(node)) {
      this.typeProblem(raw, range, `${goccyNodeName(node)} was used where mapping is expected`, this.tagOffset(node));
      entry.typeError = true;
      return undefined;
    }
    for (const inner of this.pairs(node)) {
      const name = keyName(inner.key);
      const innerKey = nodeRange(inner.key) ?? range;
      this.fieldOrder = this.itemOrder + (FIELD_ORDER.get(name) ?? 0);
      if (name in DEPLOY_STRING_FIELDS) {
        const field = this.decodeString(
          inner,
          `Struct.Deploy of type ${DEPLOY_STRING_FIELDS[name as keyof typeof DEPLOY_STRING_FIELDS]}`,
          innerKey,
        );
        if (field) deploy[name as 'release' | 'branch'] = field;
        else entry.typeError = true;
      } else if (name in DEPLOY_BOOL_FIELDS) {
        const field = this.decodeBool(inner, DEPLOY_BOOL_FIELDS[name as keyof typeof DEPLOY_BOOL_FIELDS], innerKey);
        if (field) deploy[name as 'suspend' | 'preview'] = field;
        else entry.typeError = true;
      } else {
        this.unknownKeys.push({ name, range: innerKey, level: 'deploy' });
      }
    }
    return deploy;
  }

  decodeEntry(item: YamlNode | null, index: number, dashOffset: number): DecodedEntry | undefined {
    const node = this.resolve(item);
    const itemRange = nodeRange(item);
    const range: Range = itemRange ? [Math.min(dashOffset, itemRange[0]), itemRange[1]] : [dashOffset, dashOffset + 1];
    const entry: DecodedEntry = { index, range, anchor: [dashOffset, dashOffset + 1], typeError: false };
    const isNullScalar =
      isScalar(node) &&
      quoteStyle(node) === 'plain' &&
      !node.tag &&
      resolvePlainScalar(String(node.source ?? '')).kind === 'null';
    if (node === null || node === undefined || isNullScalar) return entry;
    this.itemOrder = index * GOCCY_ITEM_ORDER_STRIDE;
    this.fieldOrder = this.itemOrder;
    if (!isMap(node) || isCustomTagged(node)) {
      this.typeProblem(item, range, `${goccyNodeName(node)} was used where mapping is expected`, this.tagOffset(node));
      return undefined;
    }
    const first = node.items[0];
    if (first && nodeRange(first.key)) entry.anchor = nodeRange(first.key) as Range;
    for (const pair of this.pairs(node)) {
      const name = keyName(pair.key);
      const key = nodeRange(pair.key) ?? range;
      this.fieldOrder = this.itemOrder + (FIELD_ORDER.get(name) ?? 0);
      if (name in STRING_FIELDS) {
        const field = this.decodeString(pair, STRING_FIELDS[name as keyof typeof STRING_FIELDS], key);
        if (field) entry[name as 'docker' | 'github' | 'provider'] = field;
        else entry.typeError = true;
      } else if (name === 'deploy') {
        const deploy = this.decodeDeploy(pair, key, entry);
        if (deploy) entry.deploy = deploy;
      } else {
        this.unknownKeys.push({ name, range: key, level: 'entry' });
      }
    }
    return entry;
  }

  decodeRoot(): DecodedEntry[] {
    const root = this.resolve(this.doc.contents);
    // Where goccy reads the first document as one bare scalar and the `yaml` library reads something else (a `}`
    // outside a flow collection is text for goccy), goccy's reading decides, at goccy's position.
    const goccyRoot = this.reading.rootScalar;
    const name = goccyRoot && (goccyRoot.kind === 'plain' ? plainNodeName(goccyRoot.value) : 'string');
    if (goccyRoot && name !== 'null' && (!isScalar(root) || this.doc.errors.length > 0)) {
      const range: Range = [goccyRoot.offset, Math.max(goccyRoot.offset + 1, goccyRoot.end)];
      const problem = staged(
        {
          code: 'yaml-type',
          severity: 'error',
          kayronCheck: true,
          range,
          message: `[${goccyRoot.line}:${goccyRoot.column}] ${name} was used where sequence is expected`,
        },
        Stage.Decode,
      );
      this.problems.push(problem);
      return [];
    }
    if (root === null || root === undefined) return [];
    if (isScalar(root)) {
      if (quoteStyle(root) === 'plain' && !root.tag && resolvePlainScalar(String(root.source ?? '')).kind === 'null')
        return [];
      this.typeProblem(
        root,
        [0, 0],
        `${goccyNodeName(root)} was used where sequence is expected`,
        this.tagOffset(root),
      );
      return [];
    }
    if (isMap(root)) {
      this.typeProblem(
        root,
        [0, 0],
        'mapping was used where sequence is expected',
        mappingTokenOffset(root, this.text),
      );
      return [];
    }
    if (!isSeq(root)) return [];
    const entries: DecodedEntry[] = [];
    this.itemsOf(root, root.items).forEach((item, index) => {
      const dashOffset = findDash(this.text, root.items, index, root.range?.[0] ?? 0);
      const entry = this.decodeEntry(item as YamlNode | null, index, dashOffset);
      if (entry) entries.push(entry);
    });
    return entries;
  }

  /**
   * goccy's decoder first turns the whole first document into values, unknown keys included and in document order:
   * an undefined alias or a `!!bool` scalar that Go's ParseBool refuses fails the file there, before any field is set.
   */
  checkDocumentValues(): void {
    this.checkValues(true);
  }

  /** goccy fails on an undefined alias in a later document too, one Kayron otherwise ignores (kayron-fuzz 1:674). */
  checkUndefinedAliases(): void {
    this.checkValues(false);
  }

  private checkValues(booleans: boolean): void {
    visit(this.doc, {
      Alias: (key, node, path) => {
        const merge = isMergeSource(key, path);
        // goccy marks an anchor unresolved while it decodes the anchor's own value: an alias inside it reads as null,
        // a merge of it fails.
        const enclosing = path.some(
          (ancestor) => (isMap(ancestor) || isSeq(ancestor)) && ancestor.anchor === node.source,
        );
        if (merge && enclosing) {
          this.mergeAliasProblem(node);
          return visit.BREAK;
        }
        if (enclosing || this.aliasTarget(node) !== undefined) return undefined;
        if (merge) this.mergeAliasProblem(node);
        else this.resolve(node);
        return visit.BREAK;
      },
      Scalar: (_key, node) => {
        if (booleans && node.tag === 'tag:yaml.org,2002:binary') return this.checkBinaryValue(node);
        if (!booleans || node.tag !== 'tag:yaml.org,2002:bool') return undefined;
        const range = nodeRange(node);
        if (!range) return undefined;
        const source = scalarText(node.source ?? node.value);
        if (range[0] === range[1] && source === '') {
          const tag = this.text.lastIndexOf('!!bool', range[0]);
          const at = tag < 0 ? range[0] : tag;
          this.syntaxProblem([at, at + 6], 'cannot convert "<nil>" to boolean', Stage.Alias, undefined, at + 1);
          return visit.BREAK;
        }
        const printed = node.type === 'PLAIN' ? goPrintedPlainScalar(source) : scalarText(node.value);
        if (goccyTaggedBool(printed) !== undefined) return undefined;
        // goccy's column for a value after a tag is one left of the character (its tag scanner skips the blank
        // uncounted, `GoccyReading.skippedColumns`).
        this.syntaxProblem(range, `cannot convert ${JSON.stringify(printed)} to boolean`, Stage.Alias);
        return visit.BREAK;
      },
    });
  }

  /**
   * goccy base64-decodes a `!!binary` value only from a string: a plain scalar it reads as a number, boolean or null
   * fails the document values with `cannot convert "8" to string` (Go's `%v` of the value: `010` is 8, null `<nil>`).
   */
  private checkBinaryValue(node: Scalar): typeof visit.BREAK | undefined {
    const range = nodeRange(node);
    if (!range || quoteStyle(node) !== 'plain') return undefined;
    const resolved = resolvePlainScalar(scalarText(node.source ?? node.value));
    if (resolved.kind === 'string') return undefined;
    const value = resolved.kind === 'null' ? '<nil>' : resolved.asString;
    if (range[0] === range[1]) {
      // No value at all: goccy's null node stands one column after the tag's `!`.
      const tag = this.text.lastIndexOf('!!binary', range[0]);
      const at = tag < 0 ? range[0] : tag;
      this.syntaxProblem([at, at + 8], `cannot convert "${value}" to string`, Stage.Alias, undefined, at + 1);
      return visit.BREAK;
    }
    // goccy's column for a value after a tag is one left of the character (its tag scanner skips the blank uncounted).
    this.syntaxProblem(range, `cannot convert "${value}" to string`, Stage.Alias, undefined, Math.max(0, range[0] - 1));
    return visit.BREAK;
  }

  /** goccy rejects duplicate keys at every level and in every document, even in ignored content. */
  checkDuplicateKeys(node: YamlNode | null | undefined, depth = 0): void {
    if (!node || depth > MAX_DEPTH) return;
    if (isMap(node)) {
      const seen = new Map<string, Range>();
      for (const pair of node.items as Pair<YamlNode, YamlNode | null>[]) {
        const name = keyName(pair.key);
        const range = nodeRange(pair.key) ?? [0, 0];
        if (name !== '<<') {
          const earlier = seen.get(name);
          // The whole pair, key to end of value, so a quick fix can remove it without parsing the file again.
          const pairRange: Range = [range[0], Math.max(range[1], nodeRange(pair.value)?.[1] ?? range[1])];
          if (earlier)
            this.syntaxProblem(
              range,
              `mapping key "${name}" already defined at ${this.position(earlier[0])}`,
              Stage.Parse,
              { pair: pairRange },
            );
          else seen.set(name, range);
        }
        this.checkDuplicateKeys(pair.value, depth + 1);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) this.checkDuplicateKeys(item as YamlNode, depth + 1);
    }
  }
}

/** goccy's reserved tags, which read their own kind of value; any other tag parses whatever token follows it. */
const GOCCY_RESERVED_TAGS = new Set(
  ['int', 'float', 'null', 'seq', 'map', 'str', 'binary', 'omap', 'set', 'timestamp', 'bool', 'merge'].map(
    (name) => `tag:yaml.org,2002:${name}`,
  ),
);

/** Empty plain values with a tag of no reserved kind (`github: !a`): goccy parses whatever token follows the tag. */
export function isTakingTag(node: unknown): node is Scalar {
  return (
    isScalar(node) &&
    node.tag !== undefined &&
    !GOCCY_RESERVED_TAGS.has(node.tag) &&
    quoteStyle(node) === 'plain' &&
    scalarText(node.source ?? node.value) === ''
  );
}

/** How goccy's tree differs from the `yaml` library's where a tag takes the tokens after it. */
interface TagTakeovers {
  /** The tag's value as goccy builds it, in place of the empty tagged scalar. */
  values: Map<Scalar, YAMLMap<YamlNode, YamlNode | null> | YAMLSeq<YamlNode>>;
  /** How many items a block collection keeps: the ones after the cut belong to a tag above. */
  kept: Map<YAMLMap | YAMLSeq, number>;
}

/**
 * A key whose value is only a tag of no reserved kind (`github: !a`, nothing else on the line): goccy parses the next
 * token as the tag's value. That token is the next key of the same mapping, or the next key or `-` of an enclosing
 * collection, and goccy reads it with everything after it at its column: those keys (or items) become a mapping (or
 * list) under the tag instead of siblings of their own (kayron-fuzz 1:5834, 1:1054, 1:2300).
 */
function findTagTakeovers(contents: unknown): TagTakeovers {
  const takeovers: TagTakeovers = { values: new Map(), kept: new Map() };
  const chain: { container: YAMLMap | YAMLSeq; index: number }[] = [];
  const takeOver = (tagged: Scalar): void => {
    for (let level = chain.length - 1; level >= 0; level--) {
      const { container, index } = chain[level] as { container: YAMLMap | YAMLSeq; index: number };
      if (container.flow) return;
      const kept = takeovers.kept.get(container) ?? container.items.length;
      if (index + 1 >= kept) continue;
      const taken = container.items.slice(index + 1, kept) as (Pair<YamlNode, YamlNode | null> & YamlNode)[];
      const value = isMap(container)
        ? Object.assign(new YAMLMap<YamlNode, YamlNode | null>(), { items: taken })
        : Object.assign(new YAMLSeq<YamlNode>(), { items: taken });
      value.tag = tagged.tag;
      const start = nodeRange(tagged)?.[0] ?? 0;
      const last = taken[taken.length - 1];
      const end = Math.max(start, nodeRange(isPair(last) ? last.value : last)?.[1] ?? start);
      value.range = [start, end, end];
      takeovers.values.set(tagged, value);
      takeovers.kept.set(container, index + 1);
      return;
    }
  };
  const walk = (node: unknown): void => {
    if (chain.length > MAX_DEPTH || !(isMap(node) || isSeq(node)) || node.flow) return;
    for (let index = 0; index < (takeovers.kept.get(node) ?? node.items.length); index++) {
      const item = node.items[index];
      const value = isMap(node) ? (item as Pair).value : item;
      chain.push({ container: node, index });
      if (isMap(node) && isTakingTag(value)) takeOver(value);
      else walk(value);
      chain.pop();
    }
  };
  walk(contents);
  return takeovers;
}

/**
 * Whether a node visited at `key` under `path` is merged: the value of a `<<` key, or an item of a list there (goccy's
 * document-values stage looks up each item's anchor; its field decoding later rejects the list).
 */
function isMergeSource(key: number | 'key' | 'value' | null, path: readonly unknown[]): boolean {
  let parent = path[path.length - 1];
  if (typeof key === 'number' && isSeq(parent)) {
    const grandparent = path[path.length - 2];
    if (!isPair(grandparent) || grandparent.value !== parent) return false;
    parent = grandparent;
  } else if (key !== 'value') return false;
  return isPair(parent) && isMergeKey(parent.key);
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.type === 'PLAIN' && key.source === '<<';
}

/** A scalar's text; with the failsafe schema every value is already a string. */
function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return '';
}

function keyName(key: unknown): string {
  if (isScalar(key)) return key.type === 'PLAIN' ? scalarText(key.value).replace(/\t/g, '') : scalarText(key.value);
  return String(key);
}

function quoteStyle(node: Scalar): QuoteStyle {
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      return 'double';
    case 'QUOTE_SINGLE':
      return 'single';
    case 'BLOCK_FOLDED':
    case 'BLOCK_LITERAL':
      return 'block';
    default:
      return 'plain';
  }
}

export function nodeRange(node: unknown): Range | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}

/** goccy positions a block mapping at its first `:` (its token), a flow mapping at its `{`. */
function mappingTokenOffset(map: YAMLMap, text: string): number | undefined {
  const start = nodeRange(map)?.[0];
  if (map.flow) return start;
  const firstKey = nodeRange((map.items[0] as Pair<YamlNode, YamlNode | null> | undefined)?.key);
  if (!firstKey) return start;
  const colon = text.indexOf(':', firstKey[1]);
  return colon >= 0 ? colon : start;
}

/** Offset of the `-` that introduces item `index`; null items have no node, so scan from the previous item. */
function findDash(text: string, items: unknown[], index: number, sequenceStart: number): number {
  const here = nodeRange(items[index]);
  if (here) {
    let offset = here[0] - 1;
    while (offset >= 0 && (text[offset] === ' ' || text[offset] === '\t')) offset--;
    return text[offset] === '-' ? offset : here[0];
  }
  const previousEnd = index > 0 ? (nodeRange(items[index - 1])?.[1] ?? sequenceStart) : sequenceStart;
  const dash = /(^|\n)[ \t]*-(?=[ \t\r\n]|$)/g;
  dash.lastIndex = Math.max(0, previousEnd - 1);
  const match = dash.exec(text);
  return match ? match.index + match[0].length - 1 : previousEnd;
}

/** Block scalar bodies, multi-line quoted scalars and flow collections, where goccy's indentation scan does not apply. */
function nonIndentationRanges(documents: readonly Document.Parsed[], text: string): Range[] {
  const ranges: Range[] = [];
  // Iterative, so that pathological nesting cannot overflow the stack here.
  const pending: unknown[] = documents.map((doc) => doc.contents);
  while (pending.length > 0) {
    const node = pending.pop();
    const range = nodeRange(node);
    if (isScalar(node)) {
      const multiLineQuote =
        (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') &&
        range &&
        text.slice(range[0], range[1]).includes('\n');
      if (range && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' || multiLineQuote))
        ranges.push(range);
    } else if (isMap(node) || isSeq(node)) {
      if (node.flow && range) {
        ranges.push(range);
        continue;
      }
      for (const item of node.items as unknown[]) {
        if (isMap(node)) pending.push((item as Pair).key, (item as Pair).value);
        else pending.push(item);
      }
    }
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

/**
 * Column of the last block delimiter on a line as goccy's scanner records it (`lastDelimColumn`): a `-` or `?`
 * indicator, or the start of a mapping key (`<<` included). Tabs take no column in goccy's count.
 */
function lineDelimiterColumn(content: string, startColumn: number): number | undefined {
  let column = startColumn;
  let rest = content;
  let delimiter: number | undefined;
  for (let indicator = /^[-?](?:[ \t]+|$)/.exec(rest); indicator; indicator = /^[-?](?:[ \t]+|$)/.exec(rest)) {
    delimiter = column;
    column += indicator[0].replace(/\t/g, '').length;
    rest = rest.slice(indicator[0].length);
  }
  if (/^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#[\]{},&*!|>'"%@`][^#]*?)[ \t]*:(?:[ \t]|$)/.test(rest))
    delimiter = column;
  return delimiter;
}

/**
 * goccy (v1.18) rejects a tab in a line's indentation unless it lies right of the last block delimiter's column;
 * the `yaml` library accepts some of these (e.g. a tab-indented comment) and words the others differently.
 * Returns the offset of the first such tab.
 */
function findIndentationTab(text: string, exempt: readonly Range[]): number | undefined {
  if (!text.includes('\t')) return undefined;
  let lastDelimiterColumn = 0;
  let exemptIndex = 0;
  for (let lineStart = 0; lineStart <= text.length;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    while (exemptIndex < exempt.length && (exempt[exemptIndex]?.[1] ?? 0) <= lineStart) exemptIndex++;
    const inside = exempt.slice(exemptIndex).some(([start, end]) => start < lineStart && lineStart < end);
    if (!inside) {
      let column = 1;
      let offset = lineStart;
      for (; offset < lineEnd; offset++) {
        const char = text[offset];
        if (char === ' ') column++;
        else if (char === '\t') {
          if (lastDelimiterColumn >= column) return offset;
        } else break;
      }
      const content = text.slice(offset, lineEnd).replace(/\r$/, '');
      if (column === 1 && /^(?:---|\.\.\.)(?:[ \t]|$)/.test(content)) lastDelimiterColumn = 0;
      else lastDelimiterColumn = lineDelimiterColumn(content, column) ?? lastDelimiterColumn;
    }
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  return undefined;
}

/** Offset of the first collection nested deeper than MAX_NESTING_DEPTH, found on the CST without recursion. */
function findExcessiveNesting(tokens: readonly CST.Token[]): number | undefined {
  const pending: { token: CST.Token | null | undefined; depth: number }[] = tokens.map((token) => ({
    token,
    depth: 0,
  }));
  while (pending.length > 0) {
    const { token, depth } = pending.pop() as { token: CST.Token | null | undefined; depth: number };
    if (!token) continue;
    if (token.type === 'document') {
      pending.push({ token: token.value, depth });
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth >= MAX_NESTING_DEPTH) return token.offset;
      for (const item of token.items as { key?: CST.Token | null; value?: CST.Token }[]) {
        pending.push({ token: item.key, depth: depth + 1 }, { token: item.value, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** Identical problems (same code, range and message) come from the parser's error recovery; keep one. */
function uniqueProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.code}\u0000${problem.range[0]}\u0000${problem.range[1]}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const EMPTY_FILE_PROBLEMS: Problem[] = [];

export function decodeReleaseFile(text: string): DecodedFile {
  const lineCounter = new LineCounter();
  const result: DecodedFile = {
    entries: [],
    problems: EMPTY_FILE_PROBLEMS,
    unknownKeys: [],
    ignoredDocuments: [],
    failed: false,
    lineCounter,
    document: undefined,
    goccyExtraLines: 0,
  };
  const bom = text.charCodeAt(0) === 0xfeff;
  // The nesting check below keeps hostile depth away from the `yaml` library and the goccy model; a BOM or NUL file
  // gets goccy's verdict first (the model's recursion is bounded by its own depth check).
  const reading = bom || text.includes('\u0000') ? goccyRead(text) : undefined;
  if (reading?.error) {
    // goccy reads a byte order mark as the first character of a plain scalar and a NUL as text: the `yaml` library
    // reads neither so, and its follow-up errors would only mislead. goccy's own error is the one.
    const goccy = reading.error;
    result.problems = [
      {
        code: 'yaml-syntax',
        severity: 'error',
        kayronCheck: true,
        range: goccyRange(goccy, text),
        message: `[${goccy.line}:${goccy.column}] ${goccy.message}${bom ? BOM_HINT : ''}`,
      },
    ];
    result.failed = true;
    result.goccyExtraLines = reading.extraBreaks.length;
    return result;
  }
  const decoded = decodeParsed(text, result, reading);
  if (bom) {
    const kayron = firstKayronProblem(decoded.problems);
    if (kayron)
      decoded.problems = decoded.problems.map((problem) =>
        problem === kayron ? { ...problem, message: `${problem.message}${BOM_HINT}` } : problem,
      );
  }
  return decoded;
}

const BOM_HINT =
  " (the file starts with a UTF-8 byte order mark, which Kayron's YAML parser reads as text; save the file as UTF-8 without BOM)";

function decodeParsed(text: string, result: DecodedFile, knownReading: GoccyReading | undefined): DecodedFile {
  const lineCounter = result.lineCounter;
  // Parse to the CST once, check its depth, then compose the same tokens (what parseAllDocuments does in one go).
  // A lone CR is a line break for goccy (and for LSP clients); the `yaml` library would read it as text. Same length,
  // so every offset stays valid.
  // A leading byte order mark is text for goccy (the first character of a plain scalar); for the `yaml` library it
  // is a stand-in letter of the same length, so that both read the same structure.
  const yamlText = text.replace(/\r(?!\n)/g, '\n').replace(/^\ufeff/, 'x');
  // Line starts come from the text itself: the parser reports only the line breaks of the tokens it recognises, and
  // text it cannot lex (a quoted scalar continued left of its key) would hide some (kayron-fuzz 1:1509).
  lineCounter.addNewLine(0);
  for (let at = yamlText.indexOf('\n'); at >= 0; at = yamlText.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
  let tokens = Array.from(new Parser().parse(yamlText));
  const tooDeep = findExcessiveNesting(tokens);
  if (tooDeep !== undefined) {
    const { line, col } = lineCounter.linePos(tooDeep);
    result.problems = [
      {
        code: 'yaml-syntax',
        severity: 'error',
        kayronCheck: true,
        range: [tooDeep, tooDeep + 1],
        message: `[${line}:${col}] the YAML is nested more than ${MAX_NESTING_DEPTH} levels deep, too deep to be checked`,
      },
    ];
    result.failed = true;
    return result;
  }
  const reading = knownReading ?? goccyRead(text);
  // goccy continues a quoted scalar on any later line, even one left of its key; the `yaml` library ends it at a line
  // indented too little and loses the keys after it. Where goccy parses the file, the library reads each multi-line
  // quoted scalar as one line (its breaks become blanks, same length, so lines and offsets stay) and the value is
  // goccy's own folding (Decoder.multilineQuotes).
  const standIns = reading.error === undefined ? plainValueStandIns(yamlText, reading) : [];
  if (reading.error === undefined && (reading.multilineQuotes.length > 0 || standIns.length > 0)) {
    // Same length, one character each; the values are goccy's (Decoder.plainValues). Built in one pass: a copy of the
    // text per stand-in would be quadratic.
    const joined = joinQuotedLines(yamlText, reading.multilineQuotes);
    const pieces: string[] = [];
    let from = 0;
    for (const standIn of [...standIns].sort((a, b) => a.offset - b.offset)) {
      pieces.push(joined.slice(from, standIn.offset), standIn.char);
      from = standIn.offset + 1;
    }
    pieces.push(joined.slice(from));
    tokens = Array.from(new Parser().parse(pieces.join('')));
  }
  const list = Array.from(
    new Composer({ schema: 'failsafe', uniqueKeys: false, strict: false, prettyErrors: false }).compose(tokens),
  );
  const first = list[0];
  const problems: Problem[] = [];
  result.goccyExtraLines = reading.extraBreaks.length;
  const position = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    const skipped = columnsSkippedBefore(reading.skippedColumns, offset - col + 1, offset);
    return `[${line + extraLinesBefore(reading.extraBreaks, offset)}:${col - skipped}]`;
  };
  const tab = findIndentationTab(text, nonIndentationRanges(list, text));
  const tabLine = tab === undefined ? undefined : lineCounter.linePos(tab).line;
  if (tab !== undefined) {
    problems.push(
      fromLibrary(
        staged(
          {
            code: 'yaml-syntax',
            severity: 'error',
            kayronCheck: true,
            range: [tab, tab + 1],
            message: `${position(tab)} found character '\t' that cannot start any token`,
          },
          Stage.Scan,
        ),
      ),
    );
  }
  for (const doc of list) {
    for (const error of doc.errors) {
      // goccy reports an unterminated quote where it opens (`yaml`: where the text ends); the squiggle goes there too.
      const openingQuote = error.code === 'MISSING_CHAR' ? quotedScalarEndingAt(tokens, error.pos[0]) : undefined;
      const start = openingQuote ?? error.pos[0];
      const end = openingQuote === undefined ? Math.max(error.pos[1], start) : openingQuote + 1;
      // The parser's own complaints on the tab's line are follow-ups of the tab.
      if (tabLine !== undefined && lineCounter.linePos(start).line === tabLine) continue;
      const stage = openingQuote === undefined ? Stage.Parse : Stage.Scan;
      problems.push(
        fromLibrary(
          staged(
            {
              code: 'yaml-syntax',
              severity: 'error',
              kayronCheck: true,
              range: [start, end],
              message: `${position(start)} ${describeYamlError(error.code, error.message)}`,
            },
            stage,
          ),
        ),
      );
    }
  }
  // goccy's verdict decides whether the file parses; where the `yaml` library stumbles on text goccy reads, decode anyway.
  const goccyParses = reading.error === undefined;
  if (first && (first.errors.length === 0 || goccyParses)) {
    const decoder = new Decoder(first, lineCounter, text, reading);
    decoder.checkDocumentValues();
    result.entries = decoder.decodeRoot();
    result.unknownKeys = decoder.unknownKeys;
    decoder.checkDuplicateKeys(first.contents);
    // A loop, not a spread: a hostile file can hold more problems than a call has room for arguments.
    for (const problem of decoder.problems) problems.push(problem);
    result.document = first;
  }
  for (const doc of list.slice(1)) {
    const decoder = new Decoder(doc, lineCounter, text, reading);
    // Observed: with an empty first document goccy decodes nothing and checks no alias (kayron-fuzz 1:5540).
    const firstContents = first?.contents;
    if (firstContents && !(isScalar(firstContents) && (firstContents.source ?? '') === ''))
      decoder.checkUndefinedAliases();
    decoder.checkDuplicateKeys(doc.contents);
    // A loop, not a spread: a hostile file can hold more problems than a call has room for arguments.
    for (const problem of decoder.problems) problems.push(problem);
    const start = doc.range[0];
    result.ignoredDocuments.push([start, Math.max(start, Math.min(doc.range[1], start + 3))]);
  }
  problems.sort((a, b) => a.range[0] - b.range[0]);
  result.problems = oneSyntaxError(uniqueProblems(problems), text, reading.error);
  result.failed = result.problems.length > 0;
  return result;
}

interface StandIn {
  /** The character the `yaml` library reads instead of the text's, at `offset`. */
  offset: number;
  char: string;
  /** Where the library's scalar then starts, and goccy's text for it. */
  valueAt: number;
  value: string;
}

/**
 * Plain values goccy reads that the `yaml` library would read otherwise, each with a one-character stand-in that
 * makes the library read a scalar in the same place: text (not a key) opening with a flow indicator
 * (`release: }"v1"`, 1:5505; a file that is only `}`, 1:3819), or with `-`, `?`, `:` before a blank or a flow
 * indicator (`{github: -, …}`, 1:92): its first character is a letter. A value glued to its key's colon in a flow
 * mapping (`{release:v1}`, 1:3285), which the library reads as part of one key: its first character is a blank, so
 * the library's value starts one character later.
 */
function plainValueStandIns(text: string, reading: GoccyReading): StandIn[] {
  const standIns: StandIn[] = [];
  for (const { offset, end, value } of reading.plainScalars) {
    const first = text[offset] ?? '';
    const next = text[offset + 1] ?? '';
    const opensWithIndicator =
      ',[]{}'.includes(first) || ('-?:'.includes(first) && (next === '' || /[\s,[\]{}]/.test(next)));
    const isKey = /^[ \t]*:(?:[\s,[\]{}]|$)/.test(text.slice(end, end + 40));
    if (opensWithIndicator && !isKey) standIns.push({ offset, char: 'x', valueAt: offset, value });
    else if (text[offset - 1] === ':' && end - offset >= 2 && !isKey && !/\s/.test(next))
      standIns.push({ offset, char: ' ', valueAt: offset + 1, value });
  }
  return standIns;
}

/** `text` with the line breaks inside the given quoted scalars turned into blanks (offsets stay valid). */
function joinQuotedLines(text: string, quotes: readonly ScalarToken[]): string {
  if (quotes.length === 0) return text;
  let joined = '';
  let from = 0;
  for (const quote of quotes) {
    joined += text.slice(from, quote.offset) + text.slice(quote.offset, quote.end).replace(/[\r\n]/g, ' ');
    from = quote.end;
  }
  return joined + text.slice(from);
}

function goccyRange(error: GoccySyntaxError, text: string): Range {
  const offset = Math.min(error.offset, text.length);
  return [offset, Math.min(text.length, offset + error.length)];
}

/**
 * goccy stops at its first syntax error, and so does Kayron: a file that does not parse gets exactly that one error,
 * in goccy's words and at goccy's position, instead of every follow-up complaint of an error-recovering parser.
 */
function oneSyntaxError(problems: Problem[], text: string, goccy: GoccySyntaxError | undefined): Problem[] {
  if (!goccy) problems = problems.filter((problem) => !libraryProblems.has(problem));
  if (goccy) {
    const message = `[${goccy.line}:${goccy.column}] ${goccy.message}`;
    // The decoder's own problem for the same error (a duplicate key) carries the data its quick fix needs.
    const same = problems.find((problem) => problem.message === message);
    // Every duplicate key is its own mistake (each one Kayron's error once the ones before it are fixed): all stay.
    if (same?.data?.['pair']) return problems.filter((problem) => !libraryProblems.has(problem));
    return [
      same ??
        staged(
          { code: 'yaml-syntax', severity: 'error', kayronCheck: true, range: goccyRange(goccy, text), message },
          Stage.Parse,
        ),
    ];
  }
  const firstSyntax = firstKayronProblem(problems.filter((problem) => stageOf(problem) <= Stage.Parse));
  return firstSyntax
    ? problems.filter((problem) => stageOf(problem) > Stage.Parse || problem === firstSyntax)
    : problems;
}
