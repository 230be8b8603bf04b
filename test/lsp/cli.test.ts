// The built CLI (dist/cli.js) as CI would run it: exit codes, the JSON contract, GitHub annotations, schema, status.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'diagnostics');

function run(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, GITHUB_TOKEN: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonOutput {
  root: string;
  files: string[];
  diagnostics: { file: string; range: { start: { line: number; character: number } }; severity: string; code: string; message: string; kayron: boolean }[];
}

describe('kayron-releases lint', () => {
  test('the sample workspace passes: exit 0, no Kayron verdict', () => {
    const result = run(['lint', '--json', '.']);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as JsonOutput;
    assert.deepEqual(output.files, ['infrastructure/infrastructure.yaml', 'service/service.yaml']);
    assert.equal(output.diagnostics.filter((d) => d.kayron).length, 0);
  });

  test('a failing tree: exit 1, exactly one diagnostic marked as what kayron lint prints, relative / paths, 0-based ranges', () => {
    const result = run(['lint', '--json', path.join(FIXTURES, 'yaml-error-wins')]);
    assert.equal(result.code, 1);
    const output = JSON.parse(result.stdout) as JsonOutput;
    const marked = output.diagnostics.filter((d) => d.kayron);
    assert.equal(marked.length, 1);
    for (const diagnostic of output.diagnostics) {
      assert.ok(!diagnostic.file.includes('\\') && !path.isAbsolute(diagnostic.file), diagnostic.file);
      assert.ok(['error', 'warning', 'information', 'hint'].includes(diagnostic.severity));
    }
  });

  test('text output: file:line:col severity code message, the [kayron lint] marker, and a summary', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'kayron-cli-'));
    try {
      cpSync(path.join(ROOT, 'infrastructure'), path.join(root, 'infrastructure'), { recursive: true });
      cpSync(path.join(ROOT, 'service'), path.join(root, 'service'), { recursive: true });
      writeFileSync(path.join(root, 'service', 'extra.yaml'), '- docker: "extra"\n  github: "extra"\n  deploy:\n    release: "0.5.3"\n');
      const result = run(['lint', root]);
      assert.equal(result.code, 1);
      const lines = result.stdout.trim().split('\n');
      assert.match(lines[0] ?? '', /^service\/extra\.yaml:4:14 error release-format This critical error indicates that the provided release tag .* \[kayron lint\]$/);
      assert.match(lines.at(-1) ?? '', /^3 files checked: 1 error, 0 warnings; kayron lint would fail$/);
      const github = run(['lint', '--format', 'github', root]);
      assert.match(github.stdout, /^::error file=service\/extra\.yaml,line=4,col=14,endLine=4,endColumn=21,title=kayron release-format::This critical error/m);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('usage and I/O errors exit 2', () => {
    assert.equal(run(['lint', '--nope']).code, 2);
    assert.equal(run(['lint', '--format', 'xml', '.']).code, 2);
    assert.equal(run(['lint', path.join(os.tmpdir(), 'does-not-exist-kayron')]).code, 2);
    assert.equal(run(['frobnicate']).code, 2);
  });
});

describe('kayron-releases schema and status', () => {
  test('schema prints the generated JSON Schema', () => {
    const result = run(['schema']);
    assert.equal(result.code, 0);
    const schema = JSON.parse(result.stdout) as { title: string };
    assert.equal(schema.title, 'Kayron release file');
  });

  test('status outside a git repository is a clear error, exit 2', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'kayron-cli-status-'));
    try {
      const result = run(['status', root]);
      assert.equal(result.code, 2);
      assert.ok(result.stderr.length > 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
