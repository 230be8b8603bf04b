// lintTree on real trees: unreadable release files are per-file Kayron errors; an oversized file is not "no definitions".
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { lintTree, MAX_RELEASE_FILE_BYTES } from '../../server/src/features/lint-tree';

const VALID = '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v0.5.8"\n';

function tree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kayron-lint-tree-'));
  mkdirSync(path.join(root, 'infrastructure'));
  mkdirSync(path.join(root, 'service'));
  writeFileSync(path.join(root, 'infrastructure', 'infrastructure.yaml'), VALID);
  return root;
}

test('a dangling symlink named *.yaml is the Kayron verdict, and the lint still completes', async () => {
  const root = tree();
  try {
    symlinkSync(path.join(root, 'nowhere.yaml'), path.join(root, 'service', 'broken.yaml'));
    const result = await lintTree(root);
    assert.equal(result.kayronVerdict?.relativePath, 'service/broken.yaml');
    assert.equal(result.kayronVerdict?.problem.code, 'yaml-syntax');
    assert.match(result.kayronVerdict?.problem.message ?? '', /^cannot read the file: ENOENT/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an oversized file is reported, and does not turn into "no release definitions"', async () => {
  const root = tree();
  try {
    rmSync(path.join(root, 'infrastructure', 'infrastructure.yaml'));
    writeFileSync(path.join(root, 'service', 'huge.yaml'), `# ${'x'.repeat(MAX_RELEASE_FILE_BYTES)}\n`);
    const result = await lintTree(root);
    const codes = [...result.problems.values()].flat().map((problem) => problem.code);
    assert.deepEqual(codes, ['file-too-large']);
    assert.equal(result.kayronVerdict, undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
