/**
 * The demo half of `npm start` (test/e2e/start.sh builds, packages and installs first): builds the demo releases
 * repository outside the source tree (test/e2e/demo.ts), starts the GitHub stand-in for it unless `--github` asks for
 * real GitHub, then runs the code-server command given after `--` with the demo folder appended. Ctrl+C stops both.
 *
 * usage: node --import tsx test/e2e/start-demo.ts [--github] -- <code-server> <args…>
 * env:   KAYRON_DEMO_DIR  where the demo repository goes (default: $XDG_CACHE_HOME or ~/.cache, /kayron-releases-demo);
 *        KAYRON_DEMO_GITHUB=real  the same as --github.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDemoRepository, DEMO_TOKEN, startDemoGitHub, writeDemoSettings, type DemoGitHub } from './demo';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const separator = args.indexOf('--');
  if (separator < 0 || separator === args.length - 1)
    throw new Error('usage: start-demo.ts [--github] -- <code-server command>');
  const options = args.slice(0, separator);
  const [command = '', ...commandArgs] = args.slice(separator + 1);
  const realGitHub = options.includes('--github') || process.env.KAYRON_DEMO_GITHUB === 'real';
  const parent = path.resolve(
    process.env.KAYRON_DEMO_DIR ||
      path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'kayron-releases-demo'),
  );
  mkdirSync(parent, { recursive: true });
  const { folder, origin } = createDemoRepository(parent);
  let github: DemoGitHub | undefined;
  if (!realGitHub) github = await startDemoGitHub(origin);
  writeDemoSettings(folder, github);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (github) {
    // The stand-in's token and the status bar's "demo GitHub" label reach the extension host through its environment.
    env.KAYRON_E2E_GITHUB_TOKEN = DEMO_TOKEN;
    env.KAYRON_DEMO_GITHUB = github.apiUrl;
  } else {
    delete env.KAYRON_E2E_GITHUB_TOKEN;
    delete env.KAYRON_DEMO_GITHUB;
  }
  const port = process.env.PORT || '8080';
  console.log('');
  console.log(`Demo releases repository (rebuilt on every start): ${folder}`);
  console.log(
    github
      ? `GitHub: the local stand-in at ${github.apiUrl} (demo data; \`npm start -- --github\` uses github.com)`
      : 'GitHub: github.com (promotions are dry runs: kayron.promotion.dryRun)',
  );
  console.log(`Kayron Releases is running in VS Code at http://127.0.0.1:${port}/?folder=${folder}`);
  console.log('(Ctrl+C stops it)');
  console.log('');
  const child = spawn(command, [...commandArgs, folder], { env, stdio: 'inherit' });
  const stop = (): void => {
    child.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise<number>((resolve) =>
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 0 : 1))),
  );
  await github?.close();
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
