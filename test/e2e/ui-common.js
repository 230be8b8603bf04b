'use strict';
/**
 * What the two UI scripts (ui.js, ui-environments.js) share: the packaged extension they install, palette and Quick
 * Open gestures, and running a list of dependent steps with a screenshot at the first failure.
 */
const fs = require('node:fs');
const path = require('node:path');
const harness = require('./harness');

const VSIX = path.join(harness.REPO_DIR, 'dist/kayron-releases.vsix');
const SCREENSHOTS = path.resolve(
  process.env.KAYRON_E2E_SCREENSHOTS || path.join(harness.REPO_DIR, 'test-results/e2e/screenshots'),
);
const FAILURE_DIR = path.join(harness.REPO_DIR, 'test-results/e2e');
/** One wait's budget, shared with the other suites (test/wait-budget.js: scaled by KAYRON_TEST_TIMEOUT_SCALE). */
const { WAIT_BUDGET_MS: WAIT_MS, scaled } = require('../wait-budget');

/** The installed test host (playwright-core), after checking that the packaged extension exists. */
function prepareUiRun() {
  const playwright = harness.requireInstalledHost();
  if (!fs.existsSync(VSIX))
    throw new Error(
      `${VSIX} is missing: run \`npm run build && npx vsce package --no-dependencies -o dist/kayron-releases.vsix\``,
    );
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return playwright;
}

/** Types `text` into the quick input opened by `keys` and accepts the row that shows `rowText` (not just any row). */
async function pickInQuickInput(page, keys, text, rowText) {
  await page.keyboard.press(keys);
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: WAIT_MS });
  await page.keyboard.type(text);
  // the specific row: Enter on a stale list picks the wrong one
  await page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first().waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('Enter');
}

/** Quick Open (Ctrl+P) of a file by name. */
const quickOpen = (page, fileName) => pickInQuickInput(page, 'Control+P', fileName, fileName);

/** Runs a command from the palette (Ctrl+Shift+P); `rowText` defaults to the title typed. */
const runFromPalette = (page, title, rowText = title) => pickInQuickInput(page, 'Control+Shift+P', title, rowText);

/**
 * Runs dependent steps in order. At the first failure the screen is saved as `failureShot` and the remaining steps
 * count as failed rather than run on a broken screen.
 */
async function runSteps(page, all, failureShot, log) {
  let passed = 0;
  let failed = 0;
  for (const [index, [name, run]] of all.entries()) {
    try {
      await run();
      passed++;
      log(`✔ ${name}`);
    } catch (error) {
      failed += all.length - index;
      log(`✘ ${name}\n${error instanceof Error ? error.message : String(error)}`);
      fs.mkdirSync(FAILURE_DIR, { recursive: true });
      const shot = path.join(FAILURE_DIR, failureShot);
      await page.screenshot({ path: shot }).catch(() => undefined);
      log(`screen at the failure: ${shot}; skipped ${all.length - index - 1} later step(s)`);
      break;
    }
  }
  return { passed, failed };
}

/** Opens `folder` in the workbench and waits until the Explorer lists it. */
async function openFolder(page, server, folder) {
  await page.goto(`${server.baseUrl}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 2 * WAIT_MS });
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ timeout: 2 * WAIT_MS });
}

/** Prints the closing `N passed, M failed` line CI looks for and exits accordingly. */
function exitWith(run) {
  run.then(
    ({ passed, failed }) => {
      console.log(`${passed} passed, ${failed} failed`);
      process.exit(failed === 0 && passed > 0 ? 0 : 1);
    },
    (error) => {
      console.error(`harness error: ${error instanceof Error ? error.stack : String(error)}`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    },
  );
}

module.exports = {
  VSIX,
  SCREENSHOTS,
  WAIT_MS,
  scaled,
  prepareUiRun,
  quickOpen,
  runFromPalette,
  runSteps,
  exitWith,
  openFolder,
};
