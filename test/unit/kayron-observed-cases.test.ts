/**
 * kayron-spec §6.2, row by row: single-file trees (`service/x.yaml`) whose verdict was observed by running Kayron.
 * `ok` rows must produce no verdict; the others must produce exactly the verdict code, with Kayron's text at the
 * start of the message (YAML errors: goccy's text after the `[line:col]` position).
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { KAYRON_MESSAGES } from '../../server/src/kayron/messages';
import { assertStartsWith, goccyText, lintText } from '../helpers/cursor';

const entry = (deploy: string, head = '- docker: "kayron"\n  github: "kayron"\n'): string =>
  `${head}  deploy:\n${deploy}`;
const VALID = entry('    release: "v0.5.3"\n');

interface Row {
  name: string;
  yaml: string;
  /** `ok` with the entry count, or the verdict. */
  expect: { ok: number } | { code: string; text: string; index?: number };
}

const deployMissing = { code: 'deploy-missing', text: KAYRON_MESSAGES['deploy-missing'] };
const atLeastOne = { code: 'no-release-definitions', text: KAYRON_MESSAGES['no-release-definitions'] };
const releaseFormat = { code: 'release-format', text: KAYRON_MESSAGES['release-format'] };
const yamlSyntax = (text: string) => ({ code: 'yaml-syntax', text });
const yamlType = (text: string) => ({ code: 'yaml-type', text });
const suspendType = yamlType('cannot unmarshal string into Go struct field Struct.Deploy of type suspend.Bool');

const rows: Row[] = [
  { name: 'normal list entry', yaml: VALID, expect: { ok: 1 } },
  {
    name: 'top-level mapping',
    yaml: 'docker: "kayron"\ngithub: "kayron"\n',
    expect: yamlType('mapping was used where sequence is expected'),
  },
  { name: 'empty file', yaml: '', expect: atLeastOne },
  { name: 'comments only', yaml: '# a\n# b\n', expect: atLeastOne },
  { name: 'null', yaml: 'null\n', expect: atLeastOne },
  { name: '[]', yaml: '[]\n', expect: atLeastOne },
  { name: 'top-level scalar', yaml: 'kayron\n', expect: yamlType('string was used where sequence is expected') },
  { name: '2 docs, 2nd semantically invalid', yaml: `${VALID}---\n- docker: "BAD"\n`, expect: { ok: 1 } },
  {
    name: '2 docs, 2nd has a syntax error',
    yaml: `${VALID}---\n- docker: [unclosed\n`,
    expect: yamlSyntax("sequence end token ']' not found"),
  },
  { name: '---\\n---\\n<list>', yaml: `---\n---\n${VALID}`, expect: atLeastOne },
  {
    name: 'unknown keys (foo, labels, deploy.webhook)',
    yaml: '- docker: "kayron"\n  github: "kayron"\n  foo: "bar"\n  labels:\n    source: "x"\n  deploy:\n    release: "v0.5.3"\n    webhook:\n      - "POST:https://example.com"\n',
    expect: { ok: 1 },
  },
  {
    name: 'webhook-only deploy',
    yaml: entry('    webhook:\n      - "POST:https://example.com"\n'),
    expect: deployMissing,
  },
  {
    name: 'capitalised keys',
    yaml: '- Docker: "kayron"\n  Github: "kayron"\n  Deploy:\n    Release: "v0.5.3"\n',
    expect: deployMissing,
  },
  {
    name: 'deploy.release: flat key',
    yaml: '- docker: "kayron"\n  github: "kayron"\n  deploy.release: "v0.5.3"\n',
    expect: deployMissing,
  },
  {
    name: 'duplicate key at the top level',
    yaml: '- docker: "kayron"\n  docker: "specta"\n  github: "kayron"\n',
    expect: yamlSyntax('mapping key "docker" already defined at [1:3]'),
  },
  {
    name: 'duplicate key in deploy',
    yaml: entry('    release: "v0.5.3"\n    release: "v0.5.4"\n'),
    expect: yamlSyntax('mapping key "release" already defined at [4:5]'),
  },
  // goccy registers keys by path and quotes a key holding `.`: `deploy.release` is `$[0].'deploy.release'`, not a
  // repeat of `deploy:` + `release:` (`$[0].deploy.release`).
  {
    name: 'deploy.release beside deploy: release:',
    yaml: entry('    release: "v0.5.3"\n') + '  deploy.release: "v0.5.4"\n',
    expect: { ok: 1 },
  },
  {
    name: 'deploy.release twice',
    yaml: `${VALID}  deploy.release: "v0.5.4"\n  deploy.release: "v0.5.5"\n`,
    expect: yamlSyntax('mapping key "deploy.release" already defined at [5:3]'),
  },
  {
    name: 'merge key then override',
    yaml: '- &x\n  docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n- <<: *x\n  docker: "specta"\n',
    expect: yamlSyntax('duplicate key "docker"'),
  },
  {
    name: 'merge without override',
    yaml: '- &x\n  docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n- <<: *x\n',
    expect: { ok: 2 },
  },
  {
    name: 'whole-item alias',
    yaml: '- &x\n  docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n- *x\n',
    expect: { ok: 2 },
  },
  { name: 'undefined alias', yaml: `${VALID}- *nope\n`, expect: yamlSyntax('could not find alias "nope"') },
  { name: 'flow style', yaml: '[{docker: kayron, github: kayron, deploy: {release: v0.5.3}}]\n', expect: { ok: 1 } },
  {
    name: 'tab indent',
    yaml: '- docker: "kayron"\n\tgithub: "kayron"\n',
    expect: yamlSyntax("found character '\t' that cannot start any token"),
  },
  // Real Kayron words these two as below on the kayron-fuzz corpus (1:313, 1:5747), not as the spec's §6.2 table does.
  {
    name: 'bad indent',
    yaml: '- docker: "kayron"\n   github: "kayron"\n',
    expect: yamlSyntax('value is not allowed in this context. map key-value is pre-defined'),
  },
  {
    name: 'unterminated quote',
    yaml: '- docker: "kayron\n',
    expect: yamlSyntax('could not find end character of double-quoted text'),
  },
  {
    name: 'UTF-8 BOM',
    yaml: `\ufeff${VALID}`,
    expect: yamlSyntax('value is not allowed in this context. map key-value is pre-defined'),
  },
  { name: 'CRLF', yaml: VALID.replace(/\n/g, '\r\n'), expect: { ok: 1 } },
  {
    name: 'inline comments',
    yaml: '- docker: "kayron" # c\n  github: "kayron" # c\n  deploy: # c\n    release: "v0.5.3" # c\n',
    expect: { ok: 1 },
  },
  { name: 'suspend: true', yaml: entry('    suspend: true\n'), expect: { ok: 1 } },
  { name: 'suspend: True', yaml: entry('    suspend: True\n'), expect: { ok: 1 } },
  { name: 'suspend: TRUE', yaml: entry('    suspend: TRUE\n'), expect: { ok: 1 } },
  { name: 'suspend: !!bool "true"', yaml: entry('    suspend: !!bool "true"\n'), expect: { ok: 1 } },
  // goccy's !!bool: Go's ParseBool of the lower-cased printed value, or yes/no (kayron-fuzz 1:2064, 1:2432).
  { name: 'suspend: !!bool yes', yaml: entry('    suspend: !!bool yes\n'), expect: { ok: 1 } },
  { name: 'suspend: !!bool 1 (an integer, printed "1")', yaml: entry('    suspend: !!bool 1\n'), expect: { ok: 1 } },
  {
    name: 'suspend: !!bool kayron',
    yaml: entry('    suspend: !!bool kayron\n'),
    expect: yamlSyntax('cannot convert "kayron" to boolean'),
  },
  { name: 'suspend: "true"', yaml: entry('    suspend: "true"\n'), expect: suspendType },
  { name: 'suspend: yes', yaml: entry('    suspend: yes\n'), expect: suspendType },
  { name: 'suspend: on', yaml: entry('    suspend: on\n'), expect: suspendType },
  {
    name: 'suspend: 1',
    yaml: entry('    suspend: 1\n'),
    expect: yamlType('cannot unmarshal uint64 into Go struct field Struct.Deploy of type suspend.Bool'),
  },
  { name: 'suspend: false alone', yaml: entry('    suspend: false\n'), expect: deployMissing },
  { name: 'preview: true alone (with docker + github)', yaml: entry('    preview: true\n'), expect: { ok: 1 } },
  { name: 'preview: false alone', yaml: entry('    preview: false\n'), expect: deployMissing },
  {
    name: 'preview: "true"',
    yaml: entry('    preview: "true"\n'),
    expect: yamlType('cannot unmarshal string into Go struct field Struct.Deploy of type preview.Bool'),
  },
  { name: 'release: 1.2', yaml: entry('    release: 1.2\n'), expect: releaseFormat },
  { name: 'release: 1', yaml: entry('    release: 1\n'), expect: releaseFormat },
  { name: 'release: 2001-12-14', yaml: entry('    release: 2001-12-14\n'), expect: releaseFormat },
  { name: 'release: block |', yaml: entry('    release: |\n      v0.5.3\n'), expect: releaseFormat },
  { name: 'release: >-', yaml: entry('    release: >-\n      v0.5.3\n'), expect: { ok: 1 } },
  { name: 'release: !!str', yaml: entry('    release: !!str v0.5.3\n'), expect: { ok: 1 } },
  { name: 'release: unquoted v1.2.3', yaml: entry('    release: v1.2.3\n'), expect: { ok: 1 } },
  { name: 'release: null', yaml: entry('    release:\n'), expect: deployMissing },
  { name: 'release: ""', yaml: entry('    release: ""\n'), expect: deployMissing },
  ...['456', '010', '0x1F', '1.10', 'true'].map((github) => ({
    name: `github: ${github} (coerced)`,
    yaml: entry('    release: "v0.5.3"\n', `- docker: "kayron"\n  github: ${github}\n`),
    expect: { ok: 1 },
  })),
  {
    name: 'github: .inf (→ +Inf)',
    yaml: entry('    release: "v0.5.3"\n', '- docker: "kayron"\n  github: .inf\n'),
    expect: { code: 'github-format', text: KAYRON_MESSAGES['github-format'] },
  },
  {
    name: 'docker: [a]',
    yaml: entry('    release: "v0.5.3"\n', '- docker: [a]\n  github: "kayron"\n'),
    expect: yamlType('cannot unmarshal []interface {} into Go struct field Struct.Docker of type docker.String'),
  },
  {
    name: 'docker: ~',
    yaml: entry('    release: "v0.5.3"\n', '- docker: ~\n  github: "kayron"\n'),
    expect: { code: 'docker-or-provider-missing', text: KAYRON_MESSAGES['docker-or-provider-missing'] },
  },
  {
    name: 'deploy: "release"',
    yaml: '- docker: "kayron"\n  github: "kayron"\n  deploy: "release"\n',
    expect: yamlType('string was used where mapping is expected'),
  },
  {
    name: 'deploy: as a list',
    yaml: entry('    - release: "v0.5.3"\n'),
    expect: yamlType('sequence was used where mapping is expected'),
  },
  { name: 'deploy: {}', yaml: '- docker: "kayron"\n  github: "kayron"\n  deploy: {}\n', expect: deployMissing },
  { name: 'deploy: null', yaml: '- docker: "kayron"\n  github: "kayron"\n  deploy:\n', expect: deployMissing },
  { name: '- a', yaml: '- a\n', expect: yamlType('string was used where mapping is expected') },
  { name: '- - x', yaml: '- - x\n', expect: yamlType('sequence was used where mapping is expected') },
  { name: '- (null item)', yaml: `${VALID}-\n`, expect: { ...deployMissing, index: 1 } },
  { name: '- {}', yaml: `${VALID}- {}\n`, expect: { ...deployMissing, index: 1 } },
  { name: 'branch: 123', yaml: entry('    branch: 123\n'), expect: { ok: 1 } },
  { name: 'branch: "feature/x y"', yaml: entry('    branch: "feature/x y"\n'), expect: { ok: 1 } },
  {
    name: 'suspend + release(bad) + branch',
    yaml: entry('    suspend: true\n    release: "bad"\n    branch: "main"\n'),
    expect: {
      code: 'deploy-strategy-conflict',
      text: `${KAYRON_MESSAGES['deploy-strategy-conflict']} (enabled: [branch, release, suspend])`,
    },
  },
  {
    name: 'infra branch + suspend',
    yaml: '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    branch: "lite"\n    suspend: true\n',
    expect: {
      code: 'deploy-strategy-conflict',
      text: `${KAYRON_MESSAGES['deploy-strategy-conflict']} (enabled: [branch, suspend])`,
    },
  },
  {
    name: 'docker + bad release, no github',
    yaml: '- docker: "kayron"\n  deploy:\n    release: "1.2.3"\n',
    expect: releaseFormat,
  },
  {
    name: 'github .bad + provider aws + preview',
    yaml: '- github: ".bad"\n  provider: "aws"\n  deploy:\n    preview: true\n',
    expect: { code: 'github-format', text: KAYRON_MESSAGES['github-format'] },
  },
  {
    name: 'provider aws + preview',
    yaml: '- github: "infrastructure"\n  provider: "aws"\n  deploy:\n    preview: true\n',
    expect: { code: 'preview-with-provider', text: KAYRON_MESSAGES['preview-with-provider'] },
  },
  {
    name: 'provider cloudformation + preview + release',
    yaml: '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v0.5.8"\n    preview: true\n',
    expect: { code: 'preview-with-provider', text: KAYRON_MESSAGES['preview-with-provider'] },
  },
  {
    name: 'provider aws + release',
    yaml: '- github: "infrastructure"\n  provider: "aws"\n  deploy:\n    release: "v0.5.8"\n',
    expect: { code: 'provider-name', text: KAYRON_MESSAGES['provider-name'] },
  },
  {
    name: 'docker BAD + provider aws',
    yaml: '- docker: "BAD"\n  github: "infrastructure"\n  provider: "aws"\n  deploy:\n    release: "v0.5.8"\n',
    expect: {
      code: 'docker-format',
      text: 'invalid reference format: repository name (registry/BAD) must be lowercase',
    },
  },
  {
    name: 'docker + provider cloudformation',
    yaml: '- docker: "kayron"\n  github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v0.5.8"\n',
    expect: { ok: 1 },
  },
  {
    name: 'github bad/x + docker BAD',
    yaml: '- docker: "BAD"\n  github: "bad/x"\n  deploy:\n    release: "v0.5.8"\n',
    expect: { code: 'github-format', text: KAYRON_MESSAGES['github-format'] },
  },
  { name: 'docker only', yaml: '- docker: "kayron"\n', expect: deployMissing },
  {
    name: '2nd entry lacks docker',
    yaml: `${VALID}- github: "specta"\n  deploy:\n    release: "v0.3.1"\n`,
    expect: { code: 'docker-or-provider-missing', text: KAYRON_MESSAGES['docker-or-provider-missing'], index: 1 },
  },
  { name: 'two identical entries', yaml: `${VALID}${VALID}`, expect: { ok: 2 } },
];

describe('§6.2 observed cases, one single-file tree each (service/x.yaml)', () => {
  for (const row of rows) {
    const expectation = 'ok' in row.expect ? `OK(${row.expect.ok})` : `${row.expect.code}: ${row.expect.text}`;
    test(`${row.name} → ${expectation}`, () => {
      const result = lintText(row.yaml);
      if ('ok' in row.expect) {
        assert.equal(result.verdict, undefined, `Kayron accepts it; the core says ${result.verdict?.message}`);
        assert.equal(result.entryCount, row.expect.ok);
        return;
      }
      assert.ok(result.verdict, 'Kayron rejects it; the core accepts it');
      assert.equal(result.verdict.code, row.expect.code, result.verdict.message);
      const message = row.expect.code.startsWith('yaml-') ? goccyText(result.verdict.message) : result.verdict.message;
      assertStartsWith(message, row.expect.text);
      if (row.expect.index !== undefined) {
        const entries = result.analyses[0]?.decoded?.entries ?? [];
        const failing = entries.find(
          (decoded) =>
            decoded.range[0] <= result.verdict!.problem.range[0] && result.verdict!.problem.range[0] < decoded.range[1],
        );
        assert.equal(failing?.index, row.expect.index, 'the failing entry index');
      }
      assert.equal(result.problems.filter((problem) => problem.kayron).length, 1, 'exactly one problem is the verdict');
    });
  }
});
