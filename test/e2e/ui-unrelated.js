#!/usr/bin/env node
'use strict';
// UI-level e2e: no Kayron UI outside releases repositories. The packaged extension in a fresh code-server; a folder
// with a service/*.yaml that is not a release list (it activates the extension through workspaceContains) shows no
// Kayron Environments view and no Kayron status bar item once the server has reported that it found no releases
// repository. Then, as a control for the same selectors, a releases repository in the same code-server shows both.
//
// usage: node test/e2e/ui-unrelated.js   (after `npm run build` and `npx vsce package --no-dependencies -o dist/kayron-releases.vsix`)
const fs = require('node:fs');
const path = require('node:path');
const harness = require('./harness');

const {
  VSIX,
  WAIT_MS,
  prepareUiRun,
  quickOpen,
  runFromPalette,
  runSteps,
  exitWith,
  openFolder,
} = require('./ui-common');
const log = harness.createLogger();

const environmentsHeader = (page) => page.locator('.pane-header', { hasText: 'Kayron Environments' });
/** Status bar entries contributed by this extension (their element id starts with the extension's id). */
const kayronStatusItems = (page) => page.locator('.statusbar-item[id^="kayron-releases.kayron-releases"]');

/** The extension logs the releases repositories the server reported; waiting for that line ties the checks to the event. */
async function waitForRootsReport(page, expected) {
  await runFromPalette(page, 'Kayron: Show Output');
  await page
    .locator('.output-view .view-line', { hasText: `Releases repositories: ${expected}` })
    .first()
    .waitFor({ timeout: 2 * WAIT_MS });
}

function steps(page, server, unrelated, releases) {
  return [
    [
      'loads the workbench with a folder that has service/foo.yaml (Helm values, not a release list)',
      async () => {
        await openFolder(page, server, unrelated);
        await quickOpen(page, 'foo.yaml');
        await page.locator('.tabs-container .tab', { hasText: 'foo.yaml' }).waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      'the language server reports no releases repository',
      async () => {
        await waitForRootsReport(page, 'none');
      },
    ],
    [
      'no Kayron Environments view and no Kayron status bar item',
      async () => {
        await page.locator('[id="status.editor.mode"]').waitFor({ timeout: WAIT_MS });
        const items = await kayronStatusItems(page).count();
        if (items !== 0)
          throw new Error(`${items} Kayron status bar item(s): ${await kayronStatusItems(page).allTextContents()}`);
        if ((await environmentsHeader(page).count()) !== 0) throw new Error('the Kayron Environments view is shown');
        if ((await page.locator('.statusbar-item', { hasText: /Kayron lint|Sign in to GitHub/ }).count()) !== 0)
          throw new Error('a Kayron status text is shown');
        // foo.yaml stays YAML: nothing was taken over.
        await page.locator('[id="status.editor.mode"]', { hasText: 'YAML' }).waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      'control: in a releases repository the same selectors find the view and the status bar items',
      async () => {
        await openFolder(page, server, releases);
        await waitForRootsReport(page, releases);
        await environmentsHeader(page).first().waitFor({ timeout: WAIT_MS });
        await page
          .locator('.statusbar-item[id^="kayron-releases.kayron-releases"]', { hasText: 'Kayron lint' })
          .first()
          .waitFor({ timeout: WAIT_MS });
        await page
          .locator('.statusbar-item[id^="kayron-releases.kayron-releases"]', { hasText: 'GitHub' })
          .first()
          .waitFor({ timeout: WAIT_MS });
      },
    ],
  ];
}

async function main() {
  const playwright = prepareUiRun();
  const runDir = harness.makeRunDir('ui-unrelated');
  const unrelated = path.join(runDir, harness.UNRELATED_FOLDER);
  fs.cpSync(path.join(__dirname, 'fixtures', harness.UNRELATED_FOLDER), unrelated, { recursive: true });
  const releases = harness.copySampleReleasesRepo(path.join(runDir, 'releases'));
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    // Offline: the control's GitHub item must not depend on reaching github.com.
    server = await harness.startCodeServer(runDir, { vsix: VSIX, env: { KAYRON_OFFLINE: '1' } });
    log(`vsix installed, code-server up at ${server.baseUrl}`);
    browser = await harness.launchChromium(playwright, runDir);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Clicks and navigations without their own timeout get the shared budget (Playwright's 30 s default does not scale).
    page.setDefaultTimeout(WAIT_MS);
    page.setDefaultNavigationTimeout(2 * WAIT_MS);
    page.on('pageerror', (error) => log('[page error]', String(error).slice(0, 200)));
    ({ passed, failed } = await runSteps(
      page,
      steps(page, server, unrelated, releases),
      'ui-unrelated-failure.png',
      log,
    ));
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    await harness.stopCodeServer(server);
    harness.removeRunDir(runDir, log);
  }
  return { passed, failed };
}

exitWith(main());
