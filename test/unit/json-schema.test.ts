/**
 * The shipped JSON Schema (schema/release.schema.json, generated from the zod schema) validated with a real JSON
 * Schema validator (ajv): every release file Kayron accepted in the real history validates, Kayron's clear violations
 * are rejected, and its value patterns agree with Kayron's grammars.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { checkDockerName, checkGithubName, checkReleaseTag } from '../../server/src/kayron/grammar';
import { CORPUS_DIR } from '../helpers/corpus-files';

const ROOT = path.join(__dirname, '..', '..');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'release.schema.json'), 'utf8')) as Record<
  string,
  unknown
>;
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

function valid(yamlText: string): boolean {
  return validate(parse(yamlText)) === true;
}

const service = (deploy: string, docker = '"kayron"', github = '"kayron"') =>
  `- docker: ${docker}\n  github: ${github}\n  deploy:\n${deploy}`;
const infrastructure = (deploy: string) =>
  `- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n${deploy}`;

describe('the JSON Schema against Kayron', () => {
  test('every release file Kayron accepted in the real history validates', () => {
    // INDEX.md: one row per commit folder; `lint HEAD` is OK(n) when Kayron accepted that commit's tree.
    const index = readFileSync(path.join(CORPUS_DIR, 'INDEX.md'), 'utf8');
    const checked: string[] = [];
    for (const line of index.split('\n')) {
      const cells = line.split(' | ');
      const folder = /^\| `([0-9a-f]{7})`$/.exec(cells[0] ?? '')?.[1];
      if (!folder || !(cells[9] ?? '').startsWith('OK(')) continue;
      for (const file of (cells[4] ?? '').split('<br>')) {
        const text = readFileSync(path.join(CORPUS_DIR, folder, file), 'utf8');
        assert.ok(validate(parse(text)), `${folder}/${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
        checked.push(`${folder}/${file}`);
      }
    }
    assert.ok(checked.length >= 100, `checked ${checked.length} accepted files`);
  });

  test('the clear violations are rejected: release "1.2.3", docker "Kayron", github "acme/kayron", an entry without deploy', () => {
    assert.ok(valid(service('    release: "v1.2.3"\n')), 'the valid form');
    assert.ok(!valid(service('    release: "1.2.3"\n')));
    assert.ok(!valid(service('    release: "v1.2.3"\n', '"Kayron"')));
    assert.ok(!valid(service('    release: "v1.2.3"\n', '"kayron"', '"acme/kayron"')));
    assert.ok(!valid('- docker: "kayron"\n  github: "kayron"\n'));
  });

  test('required keys, exactly one strategy, provider: cloudformation, no preview with provider', () => {
    assert.ok(!valid('- github: "kayron"\n  deploy:\n    release: "v1.0.0"\n'), 'neither docker nor provider');
    assert.ok(!valid('- docker: "kayron"\n  deploy:\n    release: "v1.0.0"\n'), 'no github');
    assert.ok(!valid(service('    {}\n'.replace('    {}', '    preview: false'))), 'no strategy');
    assert.ok(!valid(service('    release: "v1.0.0"\n    branch: "main"\n')), 'two strategies');
    assert.ok(!valid(service('    branch: "main"\n    suspend: true\n')), 'two strategies');
    assert.ok(
      valid(service('    branch: "main"\n    suspend: false\n    release: ""\n')),
      'false and "" count as absent',
    );
    assert.ok(valid(service('    suspend: true\n')));
    assert.ok(valid(service('    release: "v1.0.0"\n    preview: true\n')));
    assert.ok(valid(service('    preview: true\n')), 'Kayron accepts previews alone (only previews deploy)');
    assert.ok(valid(infrastructure('    release: "v0.5.8"\n')));
    assert.ok(!valid('- github: "infrastructure"\n  provider: "terraform"\n  deploy:\n    release: "v0.5.8"\n'));
    assert.ok(!valid(infrastructure('    release: "v0.5.8"\n    preview: true\n')), 'preview with provider');
    assert.ok(!valid(infrastructure('    preview: true\n')));
    assert.ok(
      valid('- docker: "kayron"\n  github: "kayron"\n  provider: "cloudformation"\n  deploy:\n    release: "v1.0.0"\n'),
      'docker beside provider is accepted',
    );
    assert.ok(!valid(service('    release: "v1.0.0"\n    relase: "v1.0.0"\n')), 'unknown keys are flagged');
    assert.ok(!valid('docker: "kayron"\n'), 'a file is a list');
  });

  test("the value patterns agree with Kayron's grammars", () => {
    const releases = [
      'v1',
      'v1.2',
      'v1.2.3',
      'v0.0.0',
      'v1.2.3-0',
      'v1.2.3-0a',
      'v1.2.3--x',
      'v1.2.3-x-',
      'v1.2.3-A-B',
      'v1.12.2-ce60d74',
      'v100000000000000000000.0.0',
      '1.2.3',
      'V1.2.3',
      'vv1.2.3',
      'v1.2.3.4',
      'v01.2.3',
      'v1.2-pre',
      'v1-pre',
      'v1.2.3-01',
      'v1.2.3-a.01',
      'v1.2.3+b',
      'v1.2.3-a+b',
      'v1.2.3-',
      ' v1.2.3',
      'v1.2.3 ',
      `v1.2.3-${'x'.repeat(121)}`,
      `v1.2.3-${'x'.repeat(122)}`,
    ];
    const dockers = [
      'repo',
      'library/ubuntu',
      'my-org/my_app',
      'a/b-c_d.e',
      'a__b',
      'a--b',
      'a.b',
      'ghcr.io/foo',
      'localhost/foo',
      'a'.repeat(64),
      'a'.repeat(246),
      'a'.repeat(247),
      'Kayron',
      'UP PER',
      'a___b',
      'a-',
      '-a',
      '_a',
      'a._b',
      'dot..dot',
      'seg-.-bad',
      '/a',
      'a/',
      'a//b',
      'has:colon',
      'foo:5000/bar',
      'foo/bar:tag',
      'has@at',
      'a b',
      'é',
    ];
    const githubs = [
      'kayron',
      'Kayron_1.x-y',
      'FOO.GIT',
      'foo.Git',
      'a'.repeat(100),
      'a'.repeat(101),
      '.git',
      '.hidden',
      'repo.git',
      'acme/kayron',
      'a b',
      'ö',
      'x!',
    ];
    const at = (key: 'release' | 'docker' | 'github', value: string) =>
      valid(
        `- docker: ${JSON.stringify(key === 'docker' ? value : 'kayron')}\n  github: ${JSON.stringify(key === 'github' ? value : 'kayron')}\n  deploy:\n    release: ${JSON.stringify(key === 'release' ? value : 'v1.0.0')}\n`,
      );
    for (const value of releases)
      assert.equal(at('release', value), checkReleaseTag(value) === undefined, `release ${value}`);
    for (const value of dockers)
      assert.equal(at('docker', value), checkDockerName(value) === undefined, `docker ${value}`);
    for (const value of githubs)
      assert.equal(at('github', value), checkGithubName(value) === undefined, `github ${value}`);
  });
});
