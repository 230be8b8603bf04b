// Four bundles: the VS Code client, the language server, its analysis worker, and the CLI (which can also run the server).
// Every runtime dependency is bundled, so neither the .vsix nor the npm package installs any. `--production` minifies
// (`vscode:prepublish` and `prepare`); the .vsix leaves the CLI out (.vscodeignore).
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  // `kayron-releases --version` prints the package's version.
  define: { KAYRON_RELEASES_VERSION: JSON.stringify(version) },
};
const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  // Large release files are analysed on this worker thread (started by the server, and by the CLI's server command).
  { ...common, entryPoints: ['server/src/workspace/analysis-worker.ts'], outfile: 'dist/analysis-worker.js' },
  { ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
