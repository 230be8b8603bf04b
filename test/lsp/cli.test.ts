// The built CLI (dist/cli.js) as CI would run it: exit codes, the JSON contract, GitHub annotations, schema, status.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'diagnostics');

function run(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}) {
  // A run inside GitHub Actions must not leak its workspace or summary file into these runs.
  const base: NodeJS.ProcessEnv = { ...process.env, GITHUB_TOKEN: '' };
  delete base['GITHUB_WORKSPACE'];
  delete base['GITHUB_STEP_SUMMARY'];
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...base, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary copy of the sample releases repository (infrastructure/ and service/). */
function sampleCopy(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kayron-cli-'));
  cpSync(path.join(ROOT, 'infrastructure'), path.join(root, 'infrastructure'), { recursive: true });
  cpSync(path.join(ROOT, 'service'), path.join(root, 'service'), { recursive: true });
  return root;
}

interface JsonOutput {
  root: string;
  files: string[];
  diagnostics: {
    file: string;
    range: { start: { line: number; character: number } };
    severity: string;
    code: string;
    message: string;
    kayron: boolean;
  }[];
}

describe('kayron-releases lint', () => {
  test('the sample workspace passes: exit 0, no Kayron verdict', () => {
    // A copy of the sample folders: the project root also holds .pre-commit-hooks.yaml, a root-level *.yaml that the
    // Kayron operator would load (kayron-spec §1.3).
    const root = sampleCopy();
    try {
      const result = run(['lint', '--json', '.'], root);
      assert.equal(result.code, 0, result.stderr);
      const output = JSON.parse(result.stdout) as JsonOutput;
      assert.deepEqual(output.files, ['infrastructure/infrastructure.yaml', 'service/service.yaml']);
      assert.equal(output.diagnostics.filter((d) => d.kayron).length, 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
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
    const root = sampleCopy();
    try {
      writeFileSync(
        path.join(root, 'service', 'extra.yaml'),
        '- docker: "extra"\n  github: "extra"\n  deploy:\n    release: "0.5.3"\n',
      );
      const result = run(['lint', root]);
      assert.equal(result.code, 1);
      const lines = result.stdout.trim().split('\n');
      assert.match(
        lines[0] ?? '',
        /^service\/extra\.yaml:4:14 error release-format This critical error indicates that the provided release tag .* \[kayron lint\]$/,
      );
      assert.match(lines.at(-1) ?? '', /^3 files checked: 1 error, 0 warnings; kayron lint would fail$/);
      const github = run(['lint', '--format', 'github', root], root);
      assert.match(
        github.stdout,
        /^::error file=service\/extra\.yaml,line=4,col=14,endLine=4,endColumn=21,title=kayron release-format::This critical error/m,
      );
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

describe('kayron-releases basics', () => {
  test('--version prints the version in package.json (injected at build time)', () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = run([flag]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, `${version}\n`);
    }
  });

  test("--help on every command exits 0 and prints that command's usage, not its output", () => {
    for (const command of ['lint', 'status', 'server', 'schema']) {
      for (const flag of ['--help', '-h']) {
        const result = run([command, flag]);
        assert.equal(result.code, 0, `${command} ${flag}: ${result.stderr}`);
        assert.equal(result.stderr, '');
        assert.match(result.stdout, new RegExp(`^usage: kayron-releases ${command}\\b`), `${command} ${flag}`);
        assert.ok(!result.stdout.includes('"$ref"'), 'schema --help does not print the schema');
      }
    }
    const general = run(['--help']);
    assert.equal(general.code, 0);
    for (const command of ['lint', 'status', 'server', 'schema'])
      assert.match(general.stdout, new RegExp(`kayron-releases ${command}\\b`));
    assert.match(run(['help', 'lint']).stdout, /^usage: kayron-releases lint\b/);
  });

  test('arguments: --format=VALUE, --json, -- before a ROOT that starts with a dash; unknown options and extra ROOTs are usage errors', () => {
    const root = sampleCopy();
    try {
      renameSync(root, `${root}-x`);
      const dashed = path.join(path.dirname(root), `-${path.basename(root)}`);
      renameSync(`${root}-x`, dashed);
      const result = run(['lint', '--format=json', '--', path.basename(dashed)], path.dirname(dashed));
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((JSON.parse(result.stdout) as JsonOutput).files, [
        'infrastructure/infrastructure.yaml',
        'service/service.yaml',
      ]);
      assert.equal(run(['lint', '--json', '--format', 'text', dashed]).code, 2);
      const extra = run(['lint', dashed, dashed]);
      assert.equal(extra.code, 2);
      assert.match(extra.stderr, /only one ROOT/);
      assert.match(run(['lint', '--nope']).stderr, /^kayron-releases: Unknown option '--nope'/);
      assert.equal(run(['server']).code, 2, 'server without --stdio');
      assert.equal(run(['schema', 'extra']).code, 2);
      rmSync(dashed, { recursive: true, force: true });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('kayron-releases lint --format github in a GitHub workflow', () => {
  test('annotations name files relative to GITHUB_WORKSPACE, and the job summary has the verdict and the problems', () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'kayron-cli-workspace-'));
    try {
      const releases = path.join(workspace, 'deploy', 'releases');
      mkdirSync(path.dirname(releases), { recursive: true });
      renameSync(sampleCopy(), releases);
      writeFileSync(
        path.join(releases, 'service', 'extra.yaml'),
        '- docker: "extra"\n  github: "extra|pipe"\n  deploy:\n    release: "0.5.3"\n',
      );
      const summaryFile = path.join(workspace, 'summary.md');
      writeFileSync(summaryFile, '# earlier step\n');
      // Run from elsewhere: GITHUB_WORKSPACE, not the working directory, is what annotations are relative to.
      const result = run(['lint', '--format', 'github', 'deploy/releases'], workspace, {
        GITHUB_WORKSPACE: workspace,
        GITHUB_STEP_SUMMARY: summaryFile,
      });
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stdout,
        /^::error file=deploy\/releases\/service\/extra\.yaml,line=4,col=14,endLine=4,endColumn=21,title=kayron release-format::This critical error/m,
      );
      const summary = readFileSync(summaryFile, 'utf8');
      assert.ok(summary.startsWith('# earlier step\n'), 'the summary is appended, not overwritten');
      assert.match(summary, /^## Kayron Releases: ❌ `kayron lint` would fail$/m);
      assert.match(
        summary,
        /^`deploy\/releases`: 3 files checked: \d+ errors?, \d+ warnings?; kayron lint would fail\.$/m,
      );
      assert.match(summary, /^\| Severity \| File \| Line \| Code \| Message \|$/m);
      assert.match(
        summary,
        /^\| error \| `deploy\/releases\/service\/extra\.yaml` \| 4 \| `release-format` \| This critical error[^\n]*\*\*\(what `kayron lint` prints\)\*\* \|$/m,
      );
      // From the releases folder itself, without GITHUB_WORKSPACE: relative to the working directory.
      const local = run(['lint', '--format', 'github', '.'], releases);
      assert.match(local.stdout, /^::error file=service\/extra\.yaml,line=4/m);
      const passing = mkdtempSync(path.join(os.tmpdir(), 'kayron-cli-summary-'));
      try {
        const passingSummary = path.join(passing, 'summary.md');
        const sample = path.join(passing, 'releases');
        renameSync(sampleCopy(), sample);
        const clean = run(['lint', '--format', 'github', sample], passing, {
          GITHUB_WORKSPACE: passing,
          GITHUB_STEP_SUMMARY: passingSummary,
        });
        assert.equal(clean.code, 0);
        assert.match(readFileSync(passingSummary, 'utf8'), /^## Kayron Releases: ✅ `kayron lint` would pass$/m);
        assert.ok(!readFileSync(passingSummary, 'utf8').includes('| Severity |'), 'no table without problems');
      } finally {
        rmSync(passing, { recursive: true, force: true });
      }
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
