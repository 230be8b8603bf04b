#!/usr/bin/env node
'use strict';
// UI-level e2e of the environments view: the packaged extension in a fresh code-server 4.100.3, a clone of the sample
// releases repository with history (test/e2e/harness.js initReleasesGitHistory), driven in headless chromium. Shows
// the "Kayron Environments" view, checks its rows and the inlay hints after `deploy:`, opens a compare from the
// view's inline action, edits a release and opens the staging deployment plan from the view (CodeLens, rendered
// preview), and takes the README screenshots environments.png and plan.png.
//
// usage: node test/e2e/ui-environments.js   (after `npm run build` and `npx vsce package --no-dependencies -o dist/kayron-releases.vsix`)
// env:   KAYRON_E2E_SCREENSHOTS=<dir> (default test-results/e2e/screenshots; docs/images to refresh the README's), KAYRON_E2E_KEEP_TMP=1
const path = require('node:path');
const harness = require('./harness');

const {
  VSIX,
  SCREENSHOTS,
  WAIT_MS,
  prepareUiRun,
  quickOpen,
  runFromPalette,
  runSteps,
  exitWith,
  openFolder,
} = require('./ui-common');
const log = harness.createLogger();

/** A row of the Kayron Environments view whose text contains every one of `parts`. */
const viewRow = (page, parts) =>
  parts.reduce(
    (locator, part) => locator.filter({ hasText: part }),
    page.locator('[id="workbench.view.explorer"] .pane-body .monaco-list-row'),
  );

function steps(page, server, workspace) {
  return [
    [
      'loads the workbench with a clone of the sample releases repository',
      async () => {
        await openFolder(page, server, workspace);
      },
    ],
    [
      'opens service/service.yaml with the environments of each service as inlay hints',
      async () => {
        await quickOpen(page, 'service.yaml');
        await page.locator('[id="status.editor.mode"]', { hasText: 'Kayron Release' }).waitFor({ timeout: WAIT_MS });
        // \s: the editor renders spaces as no-break spaces
        await page
          .locator('.monaco-editor .view-line', {
            hasText: /deploy:\s*testing\s+branch\s+feature\/x\s+·\s+prod\s+v0\.5\.1/,
          })
          .waitFor({ timeout: WAIT_MS });
        await page
          .locator('.monaco-editor .view-line', { hasText: /deploy:\s*same\s+in\s+testing,\s+staging,\s+prod/ })
          .first()
          .waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      'shows the Kayron Environments view with environments, refs and versions',
      async () => {
        await runFromPalette(page, 'Explorer: Focus on Kayron Environments View');
        // The folder tree is not the subject: collapse its section so the view gets the height, and widen the side bar.
        await page.locator('.pane-header', { hasText: 'releases' }).first().click();
        const sidebar = await page.locator('.part.sidebar').boundingBox();
        await page.mouse.move(sidebar.x + sidebar.width, sidebar.y + 300);
        await page.mouse.down();
        await page.mouse.move(sidebar.x + sidebar.width + 230, sidebar.y + 300, { steps: 5 });
        await page.mouse.up();
        // off the sash and the rows, so neither is highlighted in the screenshot
        await page.mouse.move(1000, 700);
        for (const parts of [
          ['development', 'working tree (main)'],
          ['testing', 'origin/testing'],
          ['staging', 'origin/main'],
          ['production', 'v0.1.0', 'local tag'],
        ]) {
          await viewRow(page, parts).first().waitFor({ timeout: WAIT_MS });
        }
        await viewRow(page, ['kayron', 'branch feature/x', '≠ staging v0.5.3']).first().waitFor({ timeout: WAIT_MS });
        await viewRow(page, ['kayron', 'v0.5.1']).first().waitFor({ timeout: WAIT_MS });
        // the editor keeps the focus, so the screenshot shows the hints and the tree without a selection
        await page.keyboard.press('Control+1');
        await page.screenshot({ path: path.join(SCREENSHOTS, 'environments.png') });
      },
    ],
    [
      'compares kayron between testing and staging from the inline action',
      async () => {
        const row = viewRow(page, ['kayron', 'branch feature/x']).first();
        await row.hover();
        await row.locator('.action-label[aria-label="Compare with Next Stage"]').click();
        await page
          .locator('.tabs-container .tab', { hasText: 'service.yaml (staging ↔ testing)' })
          .waitFor({ timeout: WAIT_MS });
        await page
          .locator('.monaco-diff-editor .modified .view-line', { hasText: 'branch: "feature/x"' })
          .waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      'edits kayron and shows the staging CodeLens above its entry',
      async () => {
        await page
          .locator('.tabs-container .tab', { hasText: 'service.yaml (staging ↔ testing)' })
          .locator('.codicon-close')
          .click();
        await quickOpen(page, 'service.yaml');
        await page.locator('.monaco-editor .view-line', { hasText: /release:\s*"v0\.5\.3"/ }).click();
        await page.keyboard.press('End');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('Backspace');
        await page.keyboard.type('4');
        await page
          .locator('.monaco-editor .codelens-decoration', { hasText: 'staging: KayronVersion v0.5.3 → v0.5.4' })
          .waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      "opens the staging deployment plan from the view's inline action as a rendered preview (README screenshot plan.png)",
      async () => {
        const row = viewRow(page, ['staging', 'origin/main']).first();
        await row.hover();
        await row.locator('.action-label[aria-label="Show Deployment Plan"]').click();
        await page
          .locator('.tabs-container .tab', { hasText: 'Preview Deployment plan staging.md' })
          .waitFor({ timeout: WAIT_MS });
        // The rendered table inside the Markdown preview's webview (an iframe in an iframe).
        const preview = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
        await preview.locator('td', { hasText: 'KayronVersion' }).first().waitFor({ timeout: WAIT_MS });
        await preview.locator('td', { hasText: 'v0.5.4' }).first().waitFor({ timeout: WAIT_MS });
        // The side bar has served its purpose: the editor with its CodeLens and the plan get the width.
        await runFromPalette(page, 'View: Toggle Primary Side Bar Visibility');
        await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: WAIT_MS });
        await page.mouse.move(640, 780);
        await page.screenshot({ path: path.join(SCREENSHOTS, 'plan.png') });
      },
    ],
  ];
}

async function main() {
  const playwright = prepareUiRun();
  const runDir = harness.makeRunDir('ui-env');
  const workspace = harness.copySampleReleasesRepo(path.join(runDir, 'releases'));
  harness.initReleasesGitHistory(workspace, path.join(runDir, 'releases-origin.git'));
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    server = await harness.startCodeServer(runDir, { vsix: VSIX });
    log(`vsix installed, code-server up at ${server.baseUrl}`);
    browser = await harness.launchChromium(playwright, runDir);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Clicks and navigations without their own timeout get the shared budget (Playwright's 30 s default does not scale).
    page.setDefaultTimeout(WAIT_MS);
    page.setDefaultNavigationTimeout(2 * WAIT_MS);
    page.on('pageerror', (error) => log('[page error]', String(error).slice(0, 200)));
    ({ passed, failed } = await runSteps(page, steps(page, server, workspace), 'ui-environments-failure.png', log));
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    await harness.stopCodeServer(server);
    harness.removeRunDir(runDir, log);
  }
  return { passed, failed };
}

exitWith(main());
