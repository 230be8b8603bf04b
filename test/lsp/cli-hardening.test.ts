/**
 * Issue 11, rows 1–4, through the built CLI: `status` on a repository whose config names programs for `git log` and
 * index refreshes runs none of them and hands git no token; `lint` finishes on a FIFO, a link to /dev/zero and a link
 * to a huge file (every run has a deadline, so a hang fails instead of stalling the suite); a file that was not checked
 * makes the verdict unknown in JSON, text and the exit code.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  ftruncateSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { FixtureScope } from '../helpers/git-fixture';
import { hostileReleasesRepo, recordingGit } from '../helpers/hostile-repo';

const ROOT = path.join(__dirname, '..', '..');
/** KAYRON_CLI points the tests at another build (e.g. an older one, to see them fail). */
const CLI = process.env.KAYRON_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const SECRET = 'ghp_cliHardeningToken0123456789abcdef';
/** A run that has not finished by then has hung on a file (the fixed CLI takes well under a second). */
const DEADLINE_MS = 60_000;

const scope = new FixtureScope();
after(() => scope.dispose());

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: DEADLINE_MS,
    killSignal: 'SIGKILL',
    env: { ...process.env, GITHUB_TOKEN: '', ...env },
  });
  assert.equal(result.signal, null, `kayron-releases ${args.join(' ')} did not finish within ${DEADLINE_MS / 1000} s`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function sampleTree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kayron-cli-hardening-'));
  cpSync(path.join(ROOT, 'infrastructure'), path.join(root, 'infrastructure'), { recursive: true });
  cpSync(path.join(ROOT, 'service'), path.join(root, 'service'), { recursive: true });
  return root;
}

interface LintJson {
  kayronVerdict: 'pass' | 'fail' | 'unknown';
  unchecked?: { file: string; code: string; reason: string }[];
  diagnostics: { file: string; code: string; severity: string }[];
}

describe('kayron-releases status on a repository that names programs in its git config', () => {
  test('runs neither gpg.program nor core.fsmonitor, and git never sees GITHUB_TOKEN', () => {
    const { repo, marker } = hostileReleasesRepo(scope, 'cli');
    const recorder = recordingGit(scope, 'cli-git');
    const result = run(['status', '--json', repo.dir], {
      GITHUB_TOKEN: SECRET,
      PATH: `${recorder.directory}${path.delimiter}${process.env.PATH ?? ''}`,
    });
    assert.equal(result.code, 0, result.stderr);
    const matrix = JSON.parse(result.stdout) as { environments: { name: string }[] };
    assert.ok(matrix.environments.some((environment) => environment.name === 'staging'));
    assert.equal(
      existsSync(marker),
      false,
      `git ran the repository's program:\n${existsSync(marker) ? readFileSync(marker, 'utf8').split('\n')[0] : ''}`,
    );
    const runs = readFileSync(recorder.log, 'utf8');
    assert.match(runs, /^git .*\blog\b/m);
    assert.ok(!runs.includes(SECRET) && !/^GITHUB_TOKEN=/m.test(runs), 'a git child saw the token');
  });
});

describe('kayron-releases lint on special files', () => {
  test('a FIFO: not-a-regular-file, skipped, verdict unknown, exit 1', () => {
    const root = sampleTree();
    try {
      spawnSync('mkfifo', [path.join(root, 'service', 'a.yaml')]);
      const result = run(['lint', '--json', root]);
      assert.equal(result.code, 1);
      const output = JSON.parse(result.stdout) as LintJson;
      assert.equal(output.kayronVerdict, 'unknown');
      assert.deepEqual(
        output.unchecked?.map((file) => [file.file, file.code]),
        [['service/a.yaml', 'not-a-regular-file']],
      );
      assert.match(output.unchecked?.[0]?.reason ?? '', /FIFO/);
      const text = run(['lint', root]);
      assert.equal(text.code, 1);
      assert.match(text.stdout, /^service\/a\.yaml:1:1 error not-a-regular-file /m);
      assert.match(
        text.stdout.trim().split('\n').at(-1) ?? '',
        /^2 files checked: 1 error, 0 warnings; kayron lint verdict unknown: service\/a\.yaml was not checked$/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('links to /dev/zero and to a 64 MiB file are not read whole: not-a-regular-file and file-too-large', () => {
    const root = sampleTree();
    try {
      symlinkSync('/dev/zero', path.join(root, 'service', 'zero.yaml'));
      const huge = path.join(root, 'huge.bin');
      const fd = openSync(huge, 'w');
      ftruncateSync(fd, 64 * 1024 * 1024);
      closeSync(fd);
      symlinkSync(huge, path.join(root, 'service', 'huge.yaml'));
      const result = run(['lint', '--json', root]);
      assert.equal(result.code, 1);
      const output = JSON.parse(result.stdout) as LintJson;
      assert.equal(output.kayronVerdict, 'unknown');
      assert.deepEqual(
        output.unchecked?.map((file) => [file.file, file.code]),
        [
          ['service/huge.yaml', 'file-too-large'],
          ['service/zero.yaml', 'not-a-regular-file'],
        ],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('kayron-releases lint: an honest verdict', () => {
  test('pass, fail and unknown in --json; unknown says why and exits 1 even when the rest passes', () => {
    const root = sampleTree();
    try {
      const passing = run(['lint', '--json', root]);
      assert.equal(passing.code, 0);
      assert.equal((JSON.parse(passing.stdout) as LintJson).kayronVerdict, 'pass');
      writeFileSync(path.join(root, 'service', 'huge.yaml'), `# ${'x'.repeat(6 * 1024 * 1024)}\n`);
      const unknown = run(['lint', '--json', root]);
      assert.equal(unknown.code, 1);
      assert.equal((JSON.parse(unknown.stdout) as LintJson).kayronVerdict, 'unknown');
      const text = run(['lint', root]);
      assert.doesNotMatch(text.stdout, /would pass/);
      assert.match(text.stdout, /kayron lint verdict unknown: service\/huge\.yaml was not checked$/m);
      const github = run(['lint', '--format', 'github', root]);
      assert.match(github.stdout, /kayron lint verdict unknown/);
      writeFileSync(
        path.join(root, 'service', 'extra.yaml'),
        '- docker: "extra"\n  github: "extra"\n  deploy:\n    release: "0.5.3"\n',
      );
      const failing = run(['lint', '--json', root]);
      assert.equal(failing.code, 1);
      assert.equal(
        (JSON.parse(failing.stdout) as LintJson).kayronVerdict,
        'fail',
        'a failure found elsewhere is a failure whatever the unchecked file holds',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
