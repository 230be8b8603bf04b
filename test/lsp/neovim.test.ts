/**
 * The language server in a real third-party client: Debian's Neovim, headless, configured with the README's own
 * blocks (the command swapped for this checkout's `node dist/cli.js server --stdio`). test/neovim/drive.lua opens a
 * broken release file and reports, as JSON, the client that attached, the diagnostics Neovim holds, the document
 * symbols it got and what it answered to the server's settings request. Neovim is installed by test/neovim/setup.sh
 * (run by `npm test` and `npm run test:lsp`).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { documentationUrl } from '../../server/src/diagnostic-codes';
import { copySampleWorkspace, makeTempDir, REPO_ROOT, removeTree } from './lsp-client';

const NVIM = process.env.KAYRON_NVIM ?? 'nvim';
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const DRIVER = path.join(REPO_ROOT, 'test', 'neovim', 'drive.lua');
/** Per wait inside Neovim; generous because CI machines stall. A passing run returns as soon as the state is reached. */
const BUDGET_MS = 60_000;
const README_COMMAND = "cmd = { 'kayron-releases', 'server', '--stdio' }";
const README_OWNER = "owner = ''";
/** Swapped into the README's settings, so the test can see them reach the server (it announces the owner it uses). */
const TEST_OWNER = 'kayron-nvim-test';
const SETTINGS = { github: { owner: TEST_OWNER, apiUrl: 'https://api.github.com' } };
const BROKEN_SERVICE =
  '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "latest"\n\n- docker: "specta"\n  github: "specta"\n  deploy:\n    branch: "main"\n';

interface DriveResult {
  nvim: string;
  shim?: string;
  steps: string[];
  error?: string;
  filetype?: string;
  client?: { name: string; root_dir: string };
  diagnostics?: {
    lnum: number;
    col: number;
    severity: number;
    source: string | null;
    code: string | null;
    href: string | null;
    message: string;
  }[];
  symbols?: { name: string; detail: string | null; line: number; children: string[] | Record<string, never> }[];
  configuration: { section: string | null; value: unknown }[];
  owners: string[];
}

/** The README's ```lua block that contains `needle`. */
function readmeLuaBlock(needle: string): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```lua\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
  const found = blocks.filter((block) => block.includes(needle));
  assert.equal(found.length, 1, `exactly one README lua block contains ${needle}`);
  return found[0] ?? '';
}

function nvimVersion(): [number, number] | undefined {
  const probe = spawnSync(NVIM, ['--version'], { encoding: 'utf8' });
  const match = /NVIM v(\d+)\.(\d+)/.exec(probe.stdout ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const version = nvimVersion();

describe('Neovim (headless) with the README configuration', () => {
  let root: string;
  let scratch: string;

  before(async () => {
    assert.ok(version, `${NVIM} is not installed: run \`bash test/neovim/setup.sh\` (npm test runs it)`);
    await fs.access(CLI).catch(() => assert.fail(`${CLI} is missing: run \`npm run build\` first`));
    root = await copySampleWorkspace();
    scratch = await makeTempDir();
    await fs.writeFile(path.join(root, 'service/service.yaml'), BROKEN_SERVICE);
  });
  after(async () => {
    if (root) await removeTree(root);
    if (scratch) await removeTree(scratch);
  });

  /** Runs drive.lua on `file` with `config` (a README block, the command swapped for this checkout's CLI). */
  async function drive(config: string, file: string): Promise<DriveResult> {
    assert.ok(config.includes(README_COMMAND), `the README block starts the server with ${README_COMMAND}`);
    const command = `cmd = { ${[process.execPath, CLI, 'server', '--stdio'].map((part) => JSON.stringify(part)).join(', ')} }`;
    const configPath = path.join(scratch, `config-${Date.now()}.lua`);
    assert.ok(config.includes(README_OWNER), `the README block sets ${README_OWNER}`);
    await fs.writeFile(
      configPath,
      config.replace(README_COMMAND, command).replace(README_OWNER, `owner = '${TEST_OWNER}'`),
    );
    const outPath = path.join(scratch, `result-${Date.now()}.json`);
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The server inherits Neovim's environment: no GitHub credentials or network from a developer's shell.
    for (const name of ['GITHUB_TOKEN', 'KAYRON_GITHUB_OWNER', 'KAYRON_GITHUB_API_URL']) delete env[name];
    Object.assign(env, {
      KAYRON_OFFLINE: '1',
      KAYRON_NVIM_CONFIG: configPath,
      KAYRON_NVIM_FILE: file,
      KAYRON_NVIM_OUT: outPath,
      KAYRON_NVIM_BUDGET_MS: String(BUDGET_MS),
      KAYRON_NVIM_EXPECT_OWNER: TEST_OWNER,
      // Neovim's own state (LSP log, shada) stays in the scratch folder.
      XDG_STATE_HOME: path.join(scratch, 'state'),
      XDG_DATA_HOME: path.join(scratch, 'data'),
      XDG_CONFIG_HOME: path.join(scratch, 'config'),
      XDG_CACHE_HOME: path.join(scratch, 'cache'),
    });
    // Started from an unrelated folder: the configuration finds the root from the file's path.
    const child = spawn(NVIM, ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '+luafile ' + DRIVER], {
      cwd: scratch,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    // Three waits of BUDGET_MS at most inside Neovim, plus start-up: a hung Neovim is ended, not waited for forever.
    const killer = setTimeout(() => child.kill('SIGKILL'), 3 * BUDGET_MS + 30_000);
    const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    clearTimeout(killer);
    const written = await fs.readFile(outPath, 'utf8').catch(() => undefined);
    assert.ok(written, `Neovim wrote no result (exit ${status}); its output:\n${output.slice(-3000)}`);
    const result = JSON.parse(written) as DriveResult;
    assert.equal(
      result.error,
      undefined,
      `Neovim ${result.nvim} after steps ${result.steps.join(' → ')}: ${result.error}\n${output.slice(-3000)}`,
    );
    return result;
  }

  function assertKayronSession(result: DriveResult): void {
    assert.equal(result.filetype, 'yaml');
    assert.deepEqual(result.client, { name: 'kayron', root_dir: root });
    const diagnostics = result.diagnostics ?? [];
    assert.deepEqual(
      diagnostics.map(({ lnum, col, code, source }) => ({ lnum, col, code, source })),
      [{ lnum: 3, col: 13, code: 'release-format', source: 'kayron' }],
    );
    assert.match(diagnostics[0]?.message ?? '', /latest/);
    // Neovim 0.7 keeps codeDescription in user_data; later versions may drop it, so only a present href is checked.
    if (diagnostics[0]?.href !== null) assert.equal(diagnostics[0]?.href, documentationUrl('release-format'));
    assert.deepEqual(
      (result.symbols ?? []).map(({ name, detail, line, children }) => ({
        name,
        detail,
        line,
        children: Array.isArray(children) ? children : [],
      })),
      [
        { name: 'kayron', detail: 'latest', line: 0, children: ['docker', 'github', 'deploy'] },
        { name: 'specta', detail: 'branch main', line: 5, children: ['docker', 'github', 'deploy'] },
      ],
    );
    // The block's `settings` reach the server: answered to workspace/configuration (Neovim 0.8+ announces it) or
    // pushed with didChangeConfiguration (0.7); either way the server resolves the owner from them.
    assert.ok(result.owners.includes(TEST_OWNER), `owners the server announced: ${JSON.stringify(result.owners)}`);
    for (const answer of result.configuration.filter((item) => item.section === 'kayron'))
      assert.deepEqual(answer.value, SETTINGS, "Neovim answers from the block's `settings`");
  }

  it('0.8+ block (vim.lsp.start in a FileType autocmd): attaches, shows the diagnostics and lists the entries as symbols', async () => {
    const result = await drive(readmeLuaBlock('vim.lsp.start('), path.join(root, 'service/service.yaml'));
    assertKayronSession(result);
  });

  it(
    '0.11+ block (vim.lsp.config + vim.lsp.enable): the same session',
    {
      skip:
        version && (version[0] > 0 || version[1] >= 11)
          ? false
          : `Neovim ${version?.join('.') ?? '(missing)'} has no vim.lsp.config (0.11+); Debian 12 ships 0.7.2`,
    },
    async () => {
      const result = await drive(readmeLuaBlock('vim.lsp.enable('), path.join(root, 'service/service.yaml'));
      assertKayronSession(result);
    },
  );
});
