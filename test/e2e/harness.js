'use strict';
// Shared pieces of the real-VS-Code e2e runs: a code-server (VS Code 1.100.3) with throw-away state, headless Debian
// chromium via playwright-core, and a COPY of the workspace (VS Code web edits must never reach the repo's files).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const http = require('node:http');
const { spawn, execFileSync } = require('node:child_process');
const { WAIT_BUDGET_MS } = require('../wait-budget');

const REPO_DIR = path.resolve(__dirname, '../..');
const HOST_DIR = path.resolve(process.env.KAYRON_E2E_HOST || path.join(REPO_DIR, '.vscode-e2e'));
const CODE_SERVER = path.join(HOST_DIR, 'node_modules/.bin/code-server');
const CHROMIUM = process.env.KAYRON_E2E_CHROMIUM || '/usr/bin/chromium';
const SUITE_OUT_DIR = path.join(REPO_DIR, 'out/e2e/suite');
/** Folder names inside the multi-root workspace; the suite looks folders up by these names. */
const RELEASES_FOLDER = 'releases';
const UNRELATED_FOLDER = 'not-a-releases-repo';

/** A fresh user profile: no walkthrough, no telemetry banner, and no auto-save (web defaults to afterDelay). */
const TEST_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'files.autoSave': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  // No file-watcher events from here: the large-files suite deletes a release file in it and the server must notice alone.
  'files.watcherExclude': { '**/service/unwatched/**': true },
};

function createLogger() {
  const start = Date.now();
  return (...parts) => console.log(`[${((Date.now() - start) / 1000).toFixed(1)}s]`, ...parts);
}

function requireInstalledHost() {
  if (!fs.existsSync(CODE_SERVER))
    throw new Error(`code-server is not installed in ${HOST_DIR}: run \`bash test/e2e/setup.sh\` first`);
  return require(require.resolve('playwright-core', { paths: [HOST_DIR] }));
}

/** Per-run scratch directory; short, because VS Code puts unix sockets in $TMPDIR (max 107 characters). */
function makeRunDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kayron-${prefix}-`));
}

/** Copies the sample releases workspace (infrastructure/, service/) into `target`. */
function copySampleReleasesRepo(target) {
  for (const folder of ['infrastructure', 'service']) {
    fs.cpSync(path.join(REPO_DIR, folder), path.join(target, folder), { recursive: true });
  }
  return target;
}

/** git with a private configuration (no user settings, hooks or signing) and fixed identity and dates. */
function fixtureGit(cwd, args, date = Date.parse('2025-10-01T00:00:00Z')) {
  const seconds = `${Math.floor(date / 1000)} +0000`;
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Kayron E2E',
    GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
    GIT_COMMITTER_NAME: 'Kayron E2E',
    GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
    GIT_AUTHOR_DATE: seconds,
    GIT_COMMITTER_DATE: seconds,
  };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR']) delete env[name];
  const config = [
    '-c',
    'init.defaultBranch=main',
    '-c',
    'commit.gpgsign=false',
    '-c',
    'tag.gpgsign=false',
    '-c',
    'core.autocrlf=false',
  ];
  return execFileSync('git', [...config, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** The sample's kayron pin, which the history below moves: production and testing run something else. */
const SAMPLE_KAYRON_RELEASE = 'release: "v0.5.3"';

/**
 * Gives a copy of the sample releases repo (in `dir`) a history like a real releases repository's, then replaces it
 * with a clone: on main, the first release tagged v0.1.0 (kayron v0.5.1), then the sample as it is (kayron v0.5.3);
 * a `testing` branch that moves kayron to `branch: "feature/x"`; all pushed to the bare `originDir`. The clone's
 * working tree is the sample exactly, so tests that read it are unaffected. Returns `originDir`.
 */
function initReleasesGitHistory(dir, originDir) {
  const servicePath = path.join(dir, 'service', 'service.yaml');
  const sample = fs.readFileSync(servicePath, 'utf8');
  if (sample.split(SAMPLE_KAYRON_RELEASE).length !== 2)
    throw new Error(`service/service.yaml must contain ${SAMPLE_KAYRON_RELEASE} exactly once`);
  const day = 86_400_000;
  const start = Date.parse('2025-10-01T00:00:00Z');
  fixtureGit(dir, ['init', '-q']);
  fixtureGit(dir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  fs.writeFileSync(servicePath, sample.replace(SAMPLE_KAYRON_RELEASE, 'release: "v0.5.1"'));
  fixtureGit(dir, ['add', '-A']);
  fixtureGit(dir, ['commit', '-q', '-m', 'First production release'], start);
  fixtureGit(dir, ['tag', 'v0.1.0'], start);
  fs.writeFileSync(servicePath, sample);
  fixtureGit(dir, ['commit', '-q', '-am', 'Bump kayron to v0.5.3'], start + 7 * day);
  fixtureGit(dir, ['checkout', '-q', '-b', 'testing']);
  fs.writeFileSync(servicePath, sample.replace(SAMPLE_KAYRON_RELEASE, 'branch: "feature/x"'));
  fixtureGit(dir, ['commit', '-q', '-am', 'Try kayron feature/x on testing'], start + 8 * day);
  fixtureGit(dir, ['checkout', '-q', 'main']);
  fs.mkdirSync(originDir, { recursive: true });
  fixtureGit(originDir, ['init', '-q', '--bare']);
  fixtureGit(originDir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  fixtureGit(dir, ['push', '-q', originDir, 'main', 'testing', '--tags']);
  fs.rmSync(dir, { recursive: true, force: true });
  fixtureGit(path.dirname(dir), ['clone', '-q', originDir, dir]);
  return originDir;
}

/**
 * A release file of `entries` suspended services around one pinned `release: "v0.5.3"` in the middle (the entry the
 * editor bench edits); all name the sample's kayron repository, so GitHub is asked about one repository.
 */
function largeReleaseFile(entries) {
  const lines = [];
  for (let index = 0; index < entries; index++) {
    lines.push(
      `- docker: "large${entries}-${index}"`,
      '  github: "kayron"',
      '  deploy:',
      index === Math.floor(entries / 2) ? '    release: "v0.5.3"' : '    suspend: true',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Builds the multi-root workspace of the integration suite under `runDir`: a copy of the sample releases repo and a
 * repo that merely has a `service/` folder with unrelated YAML. Returns the `.code-workspace` path.
 */
function prepareSuiteWorkspace(runDir, github, extraFiles = {}) {
  const root = path.join(runDir, 'ws');
  copySampleReleasesRepo(path.join(root, RELEASES_FOLDER));
  // committed with the first commit, so every environment has them
  for (const [relativePath, text] of Object.entries(extraFiles))
    fs.writeFileSync(path.join(root, RELEASES_FOLDER, relativePath), text);
  initReleasesGitHistory(path.join(root, RELEASES_FOLDER), path.join(runDir, 'releases-origin.git'));
  // after the clone, which replaces the folder: the settings stay an untracked file, out of the git history
  if (github) writeGitHubSettings(path.join(root, RELEASES_FOLDER), github);
  fs.cpSync(path.join(__dirname, 'fixtures', UNRELATED_FOLDER), path.join(root, UNRELATED_FOLDER), { recursive: true });
  const workspaceFile = path.join(root, 'kayron-e2e.code-workspace');
  fs.writeFileSync(
    workspaceFile,
    JSON.stringify(
      {
        folders: [
          { path: RELEASES_FOLDER, name: RELEASES_FOLDER },
          { path: UNRELATED_FOLDER, name: UNRELATED_FOLDER },
        ],
        settings: { ...TEST_SETTINGS, ...workspaceGitHubSettings(github) },
      },
      null,
      2,
    ),
  );
  return workspaceFile;
}

const GITHUB_STANDIN_OUT = path.join(REPO_DIR, 'out/e2e/github-standin.js');

/**
 * Starts the GitHub stand-in (test/github-standin/server.ts, TypeScript) on 127.0.0.1, seeded with the 0xSplits
 * organization behind the sample workspace (test/github-standin/splits-seed.ts). Both are bundled for plain node into
 * out/e2e/github-standin.js first. Resolves with `{ standin, apiUrl, owner }`; stop it with `standin.close()`.
 */
async function startGitHubStandin() {
  const esbuild = require(require.resolve('esbuild', { paths: [REPO_DIR] }));
  esbuild.buildSync({
    stdin: {
      contents:
        "export { startGitHubStandin } from './server';\nexport { splitsOrganization, SPLITS_OWNER } from './splits-seed';\n",
      resolveDir: path.join(REPO_DIR, 'test/github-standin'),
      sourcefile: 'e2e-github-standin.ts',
      loader: 'ts',
    },
    outfile: GITHUB_STANDIN_OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  delete require.cache[GITHUB_STANDIN_OUT];
  const { startGitHubStandin: start, splitsOrganization, SPLITS_OWNER } = require(GITHUB_STANDIN_OUT);
  const standin = await start({ owners: [splitsOrganization()] });
  return { standin, apiUrl: standin.apiUrl, owner: SPLITS_OWNER };
}

const DEMO_OUT = path.join(REPO_DIR, 'out/e2e/demo.js');

/**
 * `npm start`'s demo (test/e2e/demo.ts, bundled for plain node): the releases repository under `runDir/demo` and the
 * GitHub stand-in serving its organisation, the folder's settings pointing at it. Resolves with
 * `{ folder, apiUrl, token, close() }`.
 */
async function startDemo(runDir) {
  const esbuild = require(require.resolve('esbuild', { paths: [REPO_DIR] }));
  esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'demo.ts')],
    outfile: DEMO_OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  delete require.cache[DEMO_OUT];
  const demo = require(DEMO_OUT);
  const parent = path.join(runDir, 'demo');
  fs.mkdirSync(parent, { recursive: true });
  const { folder, origin } = demo.createDemoRepository(parent);
  const github = await demo.startDemoGitHub(origin);
  demo.writeDemoSettings(folder, github);
  return { folder, apiUrl: github.apiUrl, token: demo.DEMO_TOKEN, close: () => github.close() };
}

/**
 * `kayron.github.apiUrl` is window-scoped: in a multi-root workspace VS Code ignores it in a folder's settings and
 * reads it from the workspace file only (the folder's copy serves when that folder is opened on its own).
 */
function workspaceGitHubSettings(github) {
  return github ? { 'kayron.github.apiUrl': github.apiUrl } : {};
}

/** Points a folder at the stand-in the way a user would: `kayron.github.*` in its .vscode/settings.json. */
function writeGitHubSettings(folder, { apiUrl, owner }) {
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  fs.writeFileSync(
    path.join(folder, '.vscode', 'settings.json'),
    JSON.stringify({ 'kayron.github.apiUrl': apiUrl, 'kayron.github.owner': owner }, null, 2),
  );
}

/** Compiles the TypeScript suite (test/e2e/suite/*.ts) into out/e2e/suite/*.js; vscode and mocha stay external. */
function buildSuite() {
  const esbuild = require(require.resolve('esbuild', { paths: [REPO_DIR] }));
  const suiteDir = path.join(__dirname, 'suite');
  const entryPoints = fs
    .readdirSync(suiteDir)
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => path.join(suiteDir, name));
  fs.rmSync(SUITE_OUT_DIR, { recursive: true, force: true });
  esbuild.buildSync({
    entryPoints,
    outdir: SUITE_OUT_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(SUITE_OUT_DIR, 'index.js');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    http
      .get(url, (response) => {
        response.resume();
        resolve(response.statusCode);
      })
      .on('error', () => resolve(0));
  });
}

/**
 * Starts code-server with all of its state inside `runDir` and waits for /healthz. `vsix`, when given, is installed
 * into the run's own extensions folder first. The server gets its own process group so that stop() also ends the
 * file watcher and extension host it forks.
 */
async function startCodeServer(
  runDir,
  { vsix, env: extraEnv = {}, workspaceTrust = false, settings: extraSettings = {} } = {},
) {
  const userDataDir = path.join(runDir, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  // Workspace trust on: folders open in Restricted Mode without the startup dialog, until trust is granted.
  const trust = workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
    : {};
  const settings = { ...TEST_SETTINGS, ...trust, ...extraSettings };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const env = {
    ...process.env,
    ...extraEnv,
    TMPDIR: runDir,
    XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
    // no extension gallery: no outbound requests to open-vsx.org
    EXTENSIONS_GALLERY: '{"serviceUrl":""}',
  };
  const common = [
    '--config',
    path.join(runDir, 'config.yaml'),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    path.join(runDir, 'extensions'),
  ];
  if (vsix)
    execFileSync(CODE_SERVER, [...common, '--install-extension', vsix], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await freePort();
  const logFile = path.join(runDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'w');
  const child = spawn(
    CODE_SERVER,
    [
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
    ],
    { env, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  fs.closeSync(logFd);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + WAIT_BUDGET_MS;
  while ((await httpStatus(`${baseUrl}/healthz`)) !== 200) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stopProcessGroup(child.pid);
      throw new Error(
        `code-server did not come up on ${baseUrl}; log: ${logFile}\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, baseUrl, authority: `127.0.0.1:${port}`, pid: child.pid, logFile, child };
}

function stopProcessGroup(pid, signal = 'SIGTERM') {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** SIGTERM the server's process group, then SIGKILL whatever is left once the deadline passes. */
async function stopCodeServer(server) {
  if (!server) return;
  stopProcessGroup(server.pid, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    try {
      process.kill(-server.pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  stopProcessGroup(server.pid, 'SIGKILL');
}

async function launchChromium(playwright, runDir) {
  return playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Debian chromium's crashpad writes ~/.config/chromium whatever the profile is
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(runDir, 'chromium-config'),
      XDG_CACHE_HOME: path.join(runDir, 'chromium-cache'),
    },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Keeps what explains a failed run in test-results/e2e/<label>-<time>/: the VS Code logs of the run (the extension
 * host's output channels, among them "Kayron Releases" with the language server's console: GitHub failures, errors),
 * code-server's own log and, when given, the request log of the runner's GitHub stand-in (method, path, status, fault;
 * never a token). The suite writes its own stand-ins' logs next to them (suite/evidence.ts). Returns the folder.
 */
function keepEvidence(runDir, resultsDir, { standin } = {}) {
  fs.mkdirSync(resultsDir, { recursive: true });
  const logs = path.join(runDir, 'user-data', 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(resultsDir, 'vscode-logs'), { recursive: true });
  const serverLog = path.join(runDir, 'code-server.log');
  if (fs.existsSync(serverLog)) fs.copyFileSync(serverLog, path.join(resultsDir, 'code-server.log'));
  if (standin?.requests)
    fs.writeFileSync(path.join(resultsDir, 'runner-standin-requests.json'), JSON.stringify(standin.requests, null, 1));
  return resultsDir;
}

/** Where a run keeps its evidence: test-results/e2e/<label>-<UTC time>. */
function evidenceDir(label) {
  return path.join(REPO_DIR, 'test-results', 'e2e', `${label}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
}

function removeRunDir(runDir, log) {
  if (process.env.KAYRON_E2E_KEEP_TMP) log(`kept ${runDir}`);
  else fs.rmSync(runDir, { recursive: true, force: true });
}

module.exports = {
  REPO_DIR,
  HOST_DIR,
  CODE_SERVER,
  SUITE_OUT_DIR,
  RELEASES_FOLDER,
  UNRELATED_FOLDER,
  TEST_SETTINGS,
  createLogger,
  requireInstalledHost,
  makeRunDir,
  copySampleReleasesRepo,
  initReleasesGitHistory,
  prepareSuiteWorkspace,
  largeReleaseFile,
  startGitHubStandin,
  startDemo,
  writeGitHubSettings,
  buildSuite,
  startCodeServer,
  stopCodeServer,
  launchChromium,
  keepEvidence,
  evidenceDir,
  removeRunDir,
};
