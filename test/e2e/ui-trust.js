#!/usr/bin/env node
'use strict';
// UI-level e2e of Restricted Mode: the packaged extension in a fresh code-server with workspace trust ON, a clone of the
// sample releases repository opened untrusted. The Environments view shows development and the row "Trust this folder
// to see testing, staging and production"; the language server has started no git (the user's `git.path` points at a
// `git` that records every run); clicking the row opens Manage Workspace Trust, and trusting the folder brings testing,
// staging and production up without a reload, read with that same `git.path`.
//
// usage: node test/e2e/ui-trust.js   (after `npm run build` and `npx vsce package --no-dependencies -o dist/kayron-releases.vsix`)
// env:   KAYRON_E2E_KEEP_TMP=1
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const harness = require('./harness');

const { VSIX, WAIT_MS, prepareUiRun, runSteps, exitWith, openFolder } = require('./ui-common');
const log = harness.createLogger();

const TRUST_ROW = 'Trust this folder to see testing, staging and production';
/** Arguments only the Kayron language server passes (VS Code's git extension asks other questions). */
const KAYRON_GIT_RUN =
  /rev-parse --show-toplevel --show-prefix --absolute-git-dir|for-each-ref --format=%\(refname\)%00/;

const viewRow = (page, parts) =>
  parts.reduce(
    (locator, part) => locator.filter({ hasText: part }),
    page.locator('[id="workbench.view.explorer"] .pane-body .monaco-list-row'),
  );

/** A `git` that appends its arguments to `log` and runs the real git; the user's `git.path` points at it. */
function recordingGit(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'runs.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const executable = path.join(dir, 'git');
  fs.writeFileSync(executable, `#!/bin/sh\necho "git $*" >> '${log}'\nexec '${realGit}' "$@"\n`);
  fs.chmodSync(executable, 0o755);
  return { executable, log };
}

const kayronRuns = (recorder) =>
  fs.existsSync(recorder.log)
    ? fs
        .readFileSync(recorder.log, 'utf8')
        .split('\n')
        .filter((line) => KAYRON_GIT_RUN.test(line))
    : [];

function steps(page, server, workspace, recorder) {
  return [
    [
      'opens a clone of the sample releases repository in Restricted Mode',
      async () => {
        await openFolder(page, server, workspace);
        await page
          .locator('[id="status.workspaceTrust"], .statusbar-item', { hasText: /Restricted Mode/ })
          .first()
          .waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      'the Environments view shows development and the trust row, and no git has run',
      async () => {
        // The folder tree is not the subject: collapse it and expand the view.
        await page.locator('.pane-header', { hasText: 'releases' }).first().click();
        const header = page.locator('.pane-header', { hasText: 'Kayron Environments' }).first();
        await header.waitFor({ timeout: WAIT_MS });
        if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
        await viewRow(page, ['development', 'working tree']).first().waitFor({ timeout: WAIT_MS });
        await viewRow(page, [TRUST_ROW]).first().waitFor({ timeout: WAIT_MS });
        const staging = viewRow(page, ['staging']).filter({ hasNotText: TRUST_ROW });
        if ((await staging.count()) !== 0) throw new Error('staging is shown in Restricted Mode');
        const runs = kayronRuns(recorder);
        if (runs.length > 0) throw new Error(`the language server ran git in Restricted Mode:\n${runs.join('\n')}`);
      },
    ],
    [
      'the trust row opens Manage Workspace Trust; trusting the folder brings testing, staging and production back',
      async () => {
        await viewRow(page, [TRUST_ROW]).first().click();
        const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
        await trust.waitFor({ timeout: WAIT_MS });
        await trust.click();
        for (const parts of [
          ['testing', 'origin/testing'],
          ['staging', 'origin/main'],
          ['production', 'v0.1.0'],
        ]) {
          await viewRow(page, parts).first().waitFor({ timeout: WAIT_MS });
        }
        if ((await viewRow(page, [TRUST_ROW]).count()) !== 0)
          throw new Error('the trust row is still shown after trust was granted');
        if (kayronRuns(recorder).length === 0)
          throw new Error(`the environments were not read with the git of git.path (${recorder.executable})`);
      },
    ],
  ];
}

async function main() {
  const playwright = prepareUiRun();
  const runDir = harness.makeRunDir('ui-trust');
  const workspace = harness.copySampleReleasesRepo(path.join(runDir, 'releases'));
  harness.initReleasesGitHistory(workspace, path.join(runDir, 'releases-origin.git'));
  const recorder = recordingGit(path.join(runDir, 'recording-git'));
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    server = await harness.startCodeServer(runDir, {
      vsix: VSIX,
      workspaceTrust: true,
      settings: { 'git.path': recorder.executable },
    });
    log(`vsix installed, code-server up at ${server.baseUrl} (workspace trust on)`);
    browser = await harness.launchChromium(playwright, runDir);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => log('[page error]', String(error).slice(0, 200)));
    ({ passed, failed } = await runSteps(page, steps(page, server, workspace, recorder), 'ui-trust-failure.png', log));
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    await harness.stopCodeServer(server);
    harness.removeRunDir(runDir, log);
  }
  return { passed, failed };
}

exitWith(main());
