/**
 * The CLI where CI runs it, from a fresh clone of this working tree: the GitHub Action (action.yml, its steps run as
 * the runner does), the `npm pack` tarball (installed and linting), the pre-commit hook's definition, and
 * `npm install git+file://…` (the `prepare` build). Slow-ish (two dependency installs from the npm cache); the
 * install times are printed as test diagnostics, never asserted.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { runCompositeAction } from '../helpers/run-action';
import { WAIT_BUDGET_MS } from '../wait-budget';

const ROOT = path.join(__dirname, '..', '..');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const BROKEN = '- docker: "extra"\n  github: "extra"\n  deploy:\n    release: "0.5.3"\n';
/** What a fresh install of the package holds: the bundles, the schema and the documents, nothing else. */
const PACKED_FILES = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/analysis-worker.js',
  'dist/cli.js',
  'package.json',
  'schema/release.schema.json',
];

let scratch = '';
let clone = '';
let tarball = '';

/** The environment of npm and git children: no npm lifecycle variables of the test run, no GitHub variables. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(npm_|GITHUB_)/i.test(name)) env[name] = value;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
}

function npm(args: string[], cwd: string): { stdout: string; seconds: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env: childEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  assert.equal(result.status, 0, `npm ${args.join(' ')} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return { stdout: result.stdout, seconds };
}

/** A project with nothing in it, as a CI job that installs the CLI has. */
function emptyProject(name: string): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true })}\n`);
  return dir;
}

/** A releases tree with one release-format error in service/extra.yaml (or none). */
function releasesTree(dir: string, broken: boolean): string {
  for (const folder of ['infrastructure', 'service'])
    cpSync(path.join(ROOT, folder), path.join(dir, folder), { recursive: true });
  if (broken) writeFileSync(path.join(dir, 'service', 'extra.yaml'), BROKEN);
  return dir;
}

function installedPackages(project: string): string[] {
  return readdirSync(path.join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
}

before(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'kayron-packaging-'));
  // A fresh clone of the working tree as it is (tracked and new files, not ignored ones): no node_modules, no dist.
  clone = path.join(scratch, 'kayron-releases');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(path.join(ROOT, file))) continue;
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(clone, file), { verbatimSymlinks: true });
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, env: childEnv(), stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'snapshot');
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('shipping the CLI (fresh clone of this working tree)', () => {
  test('the GitHub Action builds the CLI in its own checkout, annotates files relative to the workspace and writes the job summary', (t) => {
    assert.ok(!existsSync(path.join(clone, 'dist')), 'the action checkout has no build');
    const workspace = path.join(scratch, 'workspace');
    releasesTree(path.join(workspace, 'releases'), true);
    const started = process.hrtime.bigint();
    const run = runCompositeAction({
      actionPath: clone,
      workspace,
      runnerTemp: path.join(scratch, 'runner-temp'),
      inputs: { path: 'releases' },
      env: childEnv(),
    });
    t.diagnostic(`action run with its npm ci build: ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
    assert.equal(
      run.steps.length,
      2,
      JSON.stringify(run.steps.map((step) => [step.name, step.code, step.stderr.slice(-2000)])),
    );
    assert.equal(run.steps[0]?.code, 0, run.steps[0]?.stderr);
    assert.ok(existsSync(path.join(clone, 'dist', 'cli.js')), 'the build step built the CLI');
    const lint = run.steps[1];
    assert.equal(lint?.code, 1, lint?.stderr);
    assert.match(
      lint?.stdout ?? '',
      /^::error file=releases\/service\/extra\.yaml,line=4,col=14,endLine=4,endColumn=21,title=kayron release-format::This critical error/m,
    );
    assert.match(run.summary, /^## Kayron Releases: ❌ `kayron lint` would fail$/m);
    assert.match(run.summary, /^\| error \| `releases\/service\/extra\.yaml` \| 4 \| `release-format` \| /m);

    // A passing tree, the format input, and a mode the action does not know.
    const clean = path.join(scratch, 'workspace-clean');
    releasesTree(clean, false);
    const passing = runCompositeAction({
      actionPath: clone,
      workspace: clean,
      runnerTemp: path.join(scratch, 'runner-temp-clean'),
      env: childEnv(),
    });
    assert.equal(passing.code, 0, passing.steps.map((step) => step.stderr).join('\n'));
    assert.match(passing.summary, /^## Kayron Releases: ✅ `kayron lint` would pass$/m);
    const json = runCompositeAction({
      actionPath: clone,
      workspace,
      runnerTemp: path.join(scratch, 'runner-temp-json'),
      inputs: { path: 'releases', format: 'json' },
      env: childEnv(),
    });
    assert.equal(json.code, 1);
    assert.ok((JSON.parse(json.steps[1]?.stdout ?? '') as { files: string[] }).files.includes('service/extra.yaml'));
    const unknownMode = runCompositeAction({
      actionPath: clone,
      workspace,
      runnerTemp: path.join(scratch, 'runner-temp-mode'),
      inputs: { mode: 'deploy' },
      env: childEnv(),
    });
    assert.equal(unknownMode.code, 2);
    assert.match(unknownMode.steps[1]?.stdout ?? '', /^::error title=kayron-releases::unknown mode 'deploy'/m);
  });

  test('npm pack makes a package of the bundles, schema and documents that installs nothing else and lints a tree', async (t) => {
    assert.ok(existsSync(path.join(clone, 'node_modules')), 'runs after the action test installed the clone');
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], clone).stdout) as {
      filename: string;
      size: number;
      files: { path: string }[];
    }[];
    const pack = packed[0];
    assert.ok(pack);
    assert.deepEqual(pack.files.map((file) => file.path).sort(), PACKED_FILES);
    tarball = path.join(scratch, pack.filename);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' }),
    ) as { dependencies?: unknown; private?: boolean; bin: Record<string, string> };
    assert.equal(manifest.dependencies, undefined, 'every runtime dependency is bundled');
    assert.notEqual(manifest.private, true, 'publishable');
    assert.equal(path.posix.normalize(manifest.bin['kayron-releases'] ?? ''), 'dist/cli.js');

    const project = emptyProject('from-tarball');
    const install = npm(['install', '--offline', tarball], project);
    t.diagnostic(`tarball ${(pack.size / 1024).toFixed(0)} KiB; npm install from it: ${install.seconds.toFixed(1)} s`);
    assert.deepEqual(installedPackages(project), ['kayron-releases']);
    const bin = path.join(project, 'node_modules', '.bin', 'kayron-releases');
    assert.equal(execFileSync(bin, ['--version'], { encoding: 'utf8' }), `${version}\n`);
    const broken = spawnSync(bin, ['lint', releasesTree(path.join(scratch, 'tarball-broken'), true)], {
      encoding: 'utf8',
    });
    assert.equal(broken.status, 1, broken.stderr);
    assert.match(broken.stdout, /^service\/extra\.yaml:4:14 error release-format .*\[kayron lint\]$/m);
    const clean = spawnSync(bin, ['lint', '--json', releasesTree(path.join(scratch, 'tarball-clean'), false)], {
      encoding: 'utf8',
    });
    assert.equal(clean.status, 0, clean.stderr);
    // The installed package also runs the language server for other editors.
    const server = spawn(bin, ['server', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { processId: null, rootUri: null, capabilities: {} },
    });
    server.stdin.write(`Content-Length: ${Buffer.byteLength(initialize)}\r\n\r\n${initialize}`);
    let answer = '';
    for await (const chunk of server.stdout) {
      answer += String(chunk);
      if (answer.includes('"serverInfo"')) break;
    }
    // Wait for the exit: a server still running kept this test file open after its last test (the file guard saw it).
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      server.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    server.kill();
    let timer: NodeJS.Timeout | undefined;
    const status = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), WAIT_BUDGET_MS))),
    ]);
    clearTimeout(timer);
    if (status === 'still running') server.kill('SIGKILL');
    assert.equal(status, 'SIGTERM', 'the language server ends on SIGTERM');
    assert.match(answer, /"serverInfo":\{"name":"kayron-releases"/);
    assert.deepEqual(
      JSON.parse(
        readFileSync(path.join(project, 'node_modules', 'kayron-releases', 'schema', 'release.schema.json'), 'utf8'),
      ),
      JSON.parse(readFileSync(path.join(ROOT, 'schema', 'release.schema.json'), 'utf8')),
    );
  });

  test('the .vsix is a release: minified bundles, the analysis worker, no CLI bundle, ≤ 450 KiB, no vsce warning', (t) => {
    assert.ok(existsSync(path.join(clone, 'node_modules')), 'runs after the action test installed the clone');
    const vsix = path.join(scratch, 'kayron-releases.vsix');
    const result = spawnSync(
      path.join(clone, 'node_modules', '.bin', 'vsce'),
      ['package', '--no-dependencies', '-o', vsix],
      { cwd: clone, env: childEnv(), encoding: 'utf8', input: '' },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.ok(!/WARNING/i.test(result.stdout + result.stderr), result.stdout + result.stderr);
    const size = readFileSync(vsix).length;
    t.diagnostic(`.vsix: ${(size / 1024).toFixed(0)} KiB`);
    assert.ok(size <= 450 * 1024, `${size} bytes`);
    // python3's zipfile (on every machine of this kind; unzip is not).
    const unzip = (script: string) =>
      execFileSync('python3', ['-c', `import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n${script}`, vsix], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
    const listing = unzip("print('\\n'.join(z.namelist()))").trim().split('\n').sort();
    for (const file of [
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/dist/analysis-worker.js',
      'extension/LICENSE.txt',
      'extension/changelog.md',
      'extension/images/icon.png',
    ]) {
      assert.ok(listing.includes(file), `${file} in ${listing.join(', ')}`);
    }
    assert.ok(
      !listing.some((file) => file.includes('cli.js') || file.endsWith('.map') || file.endsWith('.ts')),
      listing.join(', '),
    );
    // vscode:prepublish built for production: minified, no source maps.
    const server = unzip("sys.stdout.write(z.read('extension/dist/server.js').decode('utf-8'))");
    // Minified: long lines (only template literals keep newlines); the development bundle averages ~40 characters a line.
    const lines = server.split('\n').length;
    assert.ok(server.length / lines > 1000, `server.js: ${lines} lines for ${server.length} characters, not minified`);
    assert.ok(!server.includes('sourceMappingURL'));
  });

  test('the pre-commit hook lints the whole tree once when a release file is staged', () => {
    assert.ok(tarball, 'runs after the pack test');
    const [hook, ...others] = parse(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as {
      id: string;
      entry: string;
      language: string;
      files: string;
      pass_filenames: boolean;
    }[];
    assert.equal(others.length, 0);
    assert.ok(hook);
    assert.equal(hook.language, 'node', 'pre-commit installs this repository as an npm package (the prepare build)');
    assert.equal(hook.pass_filenames, false, 'the whole tree once: Kayron checks across files');
    const files = new RegExp(hook.files);
    for (const staged of [
      'service/a.yaml',
      'service/nested/b.yaml',
      'infrastructure/infrastructure.yaml',
      'services-old/x.yaml',
    ])
      assert.ok(files.test(staged), staged);
    for (const staged of ['README.md', '.github/workflows/lint.yaml', 'docs/service/x.yaml'])
      assert.ok(!files.test(staged), staged);
    // What pre-commit runs from the repository root, with the package's bin on PATH: `entry`, and no file names.
    const project = emptyProject('pre-commit-env');
    npm(['install', '--offline', tarball], project);
    const [command, ...args] = hook.entry.split(' ');
    const env = {
      ...childEnv(),
      PATH: `${path.join(project, 'node_modules', '.bin')}${path.delimiter}${process.env['PATH'] ?? ''}`,
    };
    const broken = spawnSync(command ?? '', args, {
      cwd: releasesTree(path.join(scratch, 'hook-broken'), true),
      env,
      encoding: 'utf8',
    });
    assert.equal(broken.status, 1, broken.stderr);
    assert.match(broken.stdout, /^service\/extra\.yaml:4:14 error release-format /m);
    const clean = spawnSync(command ?? '', args, {
      cwd: releasesTree(path.join(scratch, 'hook-clean'), false),
      env,
      encoding: 'utf8',
    });
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  });

  test('npm install git+file://… of a fresh clone builds through `prepare` and runs kayron-releases --version', (t) => {
    const project = emptyProject('from-git');
    const install = npm(['install', '--prefer-offline', `git+file://${clone}`], project);
    t.diagnostic(
      `npm install from git (devDependencies for the prepare build, from the npm cache): ${install.seconds.toFixed(1)} s`,
    );
    assert.deepEqual(
      installedPackages(project),
      ['kayron-releases'],
      'the build-time dependencies are not installed into the project',
    );
    const bin = path.join(project, 'node_modules', '.bin', 'kayron-releases');
    assert.equal(execFileSync(bin, ['--version'], { encoding: 'utf8' }), `${version}\n`);
    const installed = readdirSync(path.join(project, 'node_modules', 'kayron-releases'), {
      recursive: true,
      withFileTypes: true,
    })
      .filter((entry) => entry.isFile())
      .map((entry) =>
        path.relative(path.join(project, 'node_modules', 'kayron-releases'), path.join(entry.parentPath, entry.name)),
      )
      .sort();
    assert.deepEqual(installed, PACKED_FILES);
  });
});
