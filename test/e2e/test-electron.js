#!/usr/bin/env node
'use strict';
// The same integration suite in a desktop VS Code downloaded by @vscode/test-electron, for machines that can reach
// update.code.visualstudio.com (this project's build machines cannot: there, use run-extension-tests.js).
//
// usage: npm run build && node test/e2e/test-electron.js [--vscode-version 1.100.3]
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');
const harness = require('./harness');

const args = process.argv.slice(2);
const versionIndex = args.indexOf('--vscode-version');
// the version code-server 4.100.3 embeds, and the lowest one engines.vscode (^1.100.0) accepts
const version = versionIndex >= 0 ? args[versionIndex + 1] : '1.100.3';

async function main() {
  const extensionTestsPath = harness.buildSuite();
  const runDir = harness.makeRunDir('electron');
  // the suite's GitHub: the local stand-in, as in run-extension-tests.js
  const github = await harness.startGitHubStandin();
  try {
    const workspaceFile = harness.prepareSuiteWorkspace(runDir, github);
    return await runTests({
      version,
      extensionDevelopmentPath: harness.REPO_DIR,
      extensionTestsPath,
      launchArgs: [
        workspaceFile,
        '--user-data-dir',
        path.join(runDir, 'user-data'),
        '--extensions-dir',
        path.join(runDir, 'extensions'),
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } finally {
    await github.standin.close();
    harness.removeRunDir(runDir, console.log);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`test-electron failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
