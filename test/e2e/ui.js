#!/usr/bin/env node
'use strict';
// UI-level e2e: the packaged extension (dist/kayron-releases.vsix) installed into a fresh code-server 4.100.3, driven
// with real keys in headless chromium. Opens a copy of the sample workspace, breaks a release tag by typing, checks the
// squiggle, the Problems panel row and the status bar, fixes it again, opens the tag completion (GitHub: a local stand-in
// named in the workspace's .vscode/settings.json), bumps the pin from the Quick Fix menu and switches it to a branch from
// the quick pick (each undone with Ctrl+Z); takes the README screenshots on the way.
//
// usage: node test/e2e/ui.js        (after `npm run build` and `npx vsce package --no-dependencies -o dist/kayron-releases.vsix`)
// env:   KAYRON_E2E_SCREENSHOTS=<dir> (default test-results/e2e/screenshots; docs/images to refresh the README's), KAYRON_E2E_KEEP_TMP=1
const fs = require('node:fs');
const path = require('node:path');
const harness = require('./harness');

const {
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
} = require('./ui-common');
// kayron-spec §2.3 (c)
const RELEASE_FORMAT_MESSAGE =
  'This critical error indicates that the provided release tag does not comply with the required format';
// service/service.yaml of the sample workspace: line 9 is `    release: "v0.5.3"`; column 15 is its `v`
const TAG_LINE = 9;
const TAG_V_COLUMN = 15;
const log = harness.createLogger();
/** A made-up token for the GitHub stand-in of the promotion step (never a real credential). */
const E2E_GITHUB_TOKEN = 'ghp_e2eStandinOnly0000000000000000000000';

/** Resolves a row of the Problems panel whose text contains every one of `parts`. */
const problemsRow = (page, parts) =>
  parts.reduce((locator, part) => locator.filter({ hasText: part }), page.locator('.markers-panel .monaco-list-row'));

async function goTo(page, line, column) {
  await page.keyboard.press('Control+1'); // focus the editor group, whatever had focus before
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: WAIT_MS });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: WAIT_MS });
}

/**
 * Ctrl+Space until the suggest widget shows rows: a key pressed while focus is still returning from the Go to Line box
 * can be lost, and the widget never opens (seen in repeated runs).
 */
async function openSuggestWidget(page, rows) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await page.keyboard.press('Control+Space');
    try {
      await rows.first().waitFor({ timeout: scaled(3000) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      log('the suggest widget did not open; pressing Ctrl+Space again');
    }
  }
}

function statusBarItem(page, text) {
  return page.locator('.statusbar-item', { hasText: text });
}

/**
 * Starts test/e2e/promotion-standin.ts (a releases clone plus the GitHub stand-in with write endpoints) and resolves
 * with what it prints: `{ apiUrl, clone, stagingCommit }`. Closing its stdin stops it.
 */
function startPromotionStandin() {
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'promotion-standin.ts')], {
    cwd: harness.REPO_DIR,
    env: { ...process.env, KAYRON_E2E_GITHUB_TOKEN: E2E_GITHUB_TOKEN },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.on('exit', (code) => reject(new Error(`promotion stand-in exited (${code}) before it was ready`)));
    child.stdout.on('data', (chunk) => {
      output += chunk.toString('utf8');
      const newline = output.indexOf('\n');
      if (newline >= 0) {
        child.removeAllListeners('exit');
        resolve({ ...JSON.parse(output.slice(0, newline)), stop: () => child.stdin.end() });
      }
    });
  });
}

/** The promotion flow from the command palette: preview, the modal's button, the release on the stand-in. */
function promotionSteps(page, server, promotion) {
  return [
    [
      'opens a clone of a releases repository whose GitHub is the stand-in',
      async () => {
        await openFolder(page, server, promotion.clone);
        await quickOpen(page, 'service.yaml');
        await statusBarItem(page, 'Kayron lint passes').waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      'runs "Kayron: Promote Staging to Production…" from the palette and confirms in the modal',
      async () => {
        await runFromPalette(page, 'Kayron: Promote Staging to Production', 'Promote Staging to Production');
        // the tag quick pick proposes the patch bump first
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'v0.6.11' })
          .first()
          .waitFor({ timeout: WAIT_MS });
        await page.keyboard.press('Enter');
        const dialog = page.locator('.monaco-dialog-box', { hasText: 'Release v0.6.11 to production' });
        await dialog.waitFor({ timeout: WAIT_MS });
        await page
          .locator('.monaco-editor .view-line', { hasText: '# Release v0.6.11 to production' })
          .first()
          .waitFor({ timeout: WAIT_MS });
        await page.screenshot({ path: path.join(SCREENSHOTS, 'promotion.png') });
        await dialog.locator('.monaco-button', { hasText: 'Create Release' }).click();
        await page
          .locator('.notifications-toasts', { hasText: 'Created release v0.6.11' })
          .waitFor({ timeout: WAIT_MS });
        const latest = await fetch(`${promotion.apiUrl}/repos/acme/releases/releases/latest`).then((response) =>
          response.json(),
        );
        if (latest.tag_name !== 'v0.6.11')
          throw new Error(`the stand-in's latest release is ${latest.tag_name}, not v0.6.11`);
        const tag = await fetch(`${promotion.apiUrl}/repos/acme/releases/git/ref/tags/v0.6.11`, {
          headers: { authorization: `token ${E2E_GITHUB_TOKEN}` },
        }).then((response) => response.json());
        if (tag.object?.sha !== promotion.stagingCommit)
          throw new Error(`v0.6.11 points at ${tag.object?.sha}, not the staging commit ${promotion.stagingCommit}`);
      },
    ],
  ];
}

function steps(page, server, workspace) {
  return [
    [
      'loads the workbench with the sample workspace',
      async () => {
        await openFolder(page, server, workspace);
      },
    ],
    [
      'opens service/service.yaml via Quick Open as a Kayron Release file',
      async () => {
        await quickOpen(page, 'service.yaml');
        await page.locator('.tabs-container .tab', { hasText: 'service.yaml' }).waitFor({ timeout: WAIT_MS });
        await page.locator('[id="status.editor.mode"]', { hasText: 'Kayron Release' }).waitFor({ timeout: WAIT_MS });
        await statusBarItem(page, 'Kayron lint passes').waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      'shows the documentation of release: on hover',
      async () => {
        await goTo(page, TAG_LINE, 7); // inside the key `release`
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        await page
          .locator('.monaco-hover', { hasText: 'Pinned tag to deploy' })
          .waitFor({ state: 'visible', timeout: WAIT_MS });
        await page.screenshot({ path: path.join(SCREENSHOTS, 'hover.png') });
        await page.keyboard.press('Escape');
      },
    ],
    [
      'reports the broken tag with a squiggle and a Problems row at the right line',
      async () => {
        await goTo(page, TAG_LINE, TAG_V_COLUMN);
        await page.keyboard.press('Delete'); // "v0.5.3" -> "0.5.3"
        await page.locator('.monaco-editor .view-line', { hasText: 'release: "0.5.3"' }).waitFor({ timeout: WAIT_MS });
        await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: WAIT_MS });
        await statusBarItem(page, 'Kayron lint fails').waitFor({ timeout: WAIT_MS });
        await page.keyboard.press('Control+Shift+M');
        // the range starts at the opening quote of the value
        const row = problemsRow(page, [
          RELEASE_FORMAT_MESSAGE,
          '[reported by kayron lint]',
          `[Ln ${TAG_LINE}, Col ${TAG_V_COLUMN - 1}]`,
        ]);
        await row.waitFor({ timeout: WAIT_MS });
        log('Problems row:', (await row.textContent()).slice(0, 80), '…', (await row.textContent()).slice(-40));
        await page.keyboard.press('Control+1'); // the screenshot shows the editor focused, cursor on the tag
        await page.screenshot({ path: path.join(SCREENSHOTS, 'problems.png') });
      },
    ],
    [
      'clears the problem when the tag is fixed by typing',
      async () => {
        await goTo(page, TAG_LINE, TAG_V_COLUMN);
        await page.keyboard.type('v');
        await page.locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.3"' }).waitFor({ timeout: WAIT_MS });
        await problemsRow(page, [RELEASE_FORMAT_MESSAGE]).first().waitFor({ state: 'detached', timeout: WAIT_MS });
        await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached', timeout: WAIT_MS });
        await statusBarItem(page, 'Kayron lint passes').waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      "hints at the outdated pin and lists kayron's tags newest first in the completion widget",
      async () => {
        await page.keyboard.press('Control+J'); // hide the Problems panel again: the editor gets the room
        await page.locator('.monaco-editor .squiggly-info').first().waitFor({ timeout: WAIT_MS }); // release-outdated
        // right after the opening quote nothing filters the list; accepting an item would replace the whole tag
        await goTo(page, TAG_LINE, TAG_V_COLUMN);
        const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
        await openSuggestWidget(page, rows);
        // the first row is the newest tag, marked latest; the next ones follow in version order
        await rows.first().filter({ hasText: 'v0.5.24' }).filter({ hasText: 'latest' }).waitFor({ timeout: WAIT_MS });
        const labels = await page
          .locator('.editor-widget.suggest-widget.visible .monaco-list-row .label-name')
          .allTextContents();
        log('completion rows:', labels.slice(0, 6).join(', '), '…');
        if (labels.slice(0, 4).join(' ') !== 'v0.5.24 v0.5.23 v0.5.22 v0.5.21')
          throw new Error(`unexpected order of the first rows: ${labels.slice(0, 6).join(', ')}`);
        // the release notes sit in the details pane (Ctrl+Space toggles it; a fresh profile starts with it closed)
        const details = page.locator('.suggest-details', { hasText: "What's changed in v0.5.24" });
        if (!(await details.isVisible())) await page.keyboard.press('Control+Space');
        await details.waitFor({ state: 'visible', timeout: WAIT_MS });
        await page.screenshot({ path: path.join(SCREENSHOTS, 'completion.png') });
        await page.keyboard.press('Escape');
        await rows.first().waitFor({ state: 'detached', timeout: WAIT_MS });
        await page.locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.3"' }).waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      'pops the tag suggestions while typing inside the quotes (no Ctrl+Space: quickSuggestions.strings)',
      async () => {
        await goTo(page, TAG_LINE, TAG_V_COLUMN);
        // select the tag inside the quotes and type over it, as someone retyping a version does
        await page.keyboard.press('Shift+End');
        await page.keyboard.press('Shift+ArrowLeft');
        await page.keyboard.type('v0.5.2');
        await page.locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.2"' }).waitFor({ timeout: WAIT_MS });
        const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
        await rows.filter({ hasText: 'v0.5.24' }).first().waitFor({ timeout: WAIT_MS });
        await page.screenshot({ path: path.join(SCREENSHOTS, 'completion-typing.png') });
        await page.keyboard.press('Escape');
        await rows.first().waitFor({ state: 'detached', timeout: WAIT_MS });
        // typed text may span more than one undo stop: undo until the pin is back (a handful of presses at most)
        const pinned = page.locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.3"' });
        for (let presses = 0; presses < 8 && (await pinned.count()) === 0; presses++) {
          await page.keyboard.press('Control+Z');
          await page
            .locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.2"' })
            .waitFor({ state: 'detached', timeout: 2000 })
            .catch(() => undefined);
        }
        await pinned.waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      'offers the bump in the Quick Fix menu (Ctrl+.), applies it, and Ctrl+Z restores the pin',
      async () => {
        await goTo(page, TAG_LINE, TAG_V_COLUMN + 2); // on the outdated tag, inside the release-outdated hint
        const bump = codeActionRow(page, 'Bump to v0.5.24 (latest)');
        await openQuickFixMenu(page, bump);
        // the team's other moves on this pin are in the same menu
        await codeActionRow(page, 'Switch to branch…').waitFor({ timeout: WAIT_MS });
        await page.screenshot({ path: path.join(SCREENSHOTS, 'quick-fix.png') });
        await chooseCodeAction(page, 'Bump to v0.5.24 (latest)');
        await page
          .locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.24"' })
          .waitFor({ timeout: WAIT_MS });
        await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: WAIT_MS });
        await page.keyboard.press('Control+Z');
        await page.locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.3"' }).waitFor({ timeout: WAIT_MS });
        await page
          .locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.24"' })
          .waitFor({ state: 'detached', timeout: WAIT_MS });
      },
    ],
    [
      'switches the pin to a branch chosen in the "Switch to branch…" quick pick; Ctrl+Z switches back',
      async () => {
        await goTo(page, TAG_LINE, TAG_V_COLUMN + 2);
        const prompt = codeActionRow(page, 'Switch to branch…');
        await openQuickFixMenu(page, prompt);
        await chooseCodeAction(page, 'Switch to branch…');
        // the branches of kayron, open pull requests first with their titles; typing filters, Enter picks
        const picks = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
        await picks.first().filter({ hasText: 'Preview environments' }).waitFor({ timeout: WAIT_MS });
        await page.keyboard.type('old-exp');
        await picks.first().filter({ hasText: 'old-experiment' }).waitFor({ timeout: WAIT_MS });
        await page.keyboard.press('Enter');
        await page
          .locator('.monaco-editor .view-line', { hasText: 'branch: "old-experiment"' })
          .waitFor({ timeout: WAIT_MS });
        await page
          .locator('.monaco-editor .view-line', { hasText: '# release: "v0.5.3"' })
          .waitFor({ timeout: WAIT_MS });
        await page.keyboard.press('Control+Z');
        await page
          .locator('.monaco-editor .view-line', { hasText: 'branch: "old-experiment"' })
          .waitFor({ state: 'detached', timeout: WAIT_MS });
        await page
          .locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.3"' })
          .filter({ hasNotText: '#' })
          .waitFor({ timeout: WAIT_MS });
      },
    ],
    [
      '"Bump All Services to Latest" applies nothing when the file changed while its confirmation was open',
      async () => {
        const file = path.join(workspace, 'service/service.yaml');
        const original = fs.readFileSync(file, 'utf8');
        // Saved, so that VS Code takes the change on disk below into the editor (a new version of the document).
        await page.keyboard.press('Control+S');
        await page
          .locator('.tabs-container .tab.dirty', { hasText: 'service.yaml' })
          .waitFor({ state: 'detached', timeout: WAIT_MS });
        await runFromPalette(page, 'Kayron: Bump All Services to Latest', 'Bump All Services to Latest');
        const dialog = page.locator('.monaco-dialog-box', { hasText: 'to the latest version?' });
        await dialog.waitFor({ timeout: WAIT_MS });
        // While the dialog is open, a line is added above everything (another tool, a git checkout): every edit's
        // range now points one line too high.
        fs.writeFileSync(file, `# changed while the dialog was open\n${original}`);
        await page
          .locator('.monaco-editor .view-line', { hasText: '# changed while the dialog was open' })
          .waitFor({ timeout: WAIT_MS });
        await dialog.locator('.monaco-button', { hasText: 'Bump' }).click();
        await page
          .locator('.notifications-toasts', { hasText: 'the file changed while the edit was prepared' })
          .waitFor({ timeout: WAIT_MS });
        await page
          .locator('.monaco-editor .view-line', { hasText: 'release: "v0.5.3"' })
          .first()
          .waitFor({ timeout: WAIT_MS });
        if ((await page.locator('.monaco-editor .view-line', { hasText: 'v0.5.24' }).count()) > 0)
          throw new Error('a stale bump was applied');
        fs.writeFileSync(file, original);
        await page
          .locator('.monaco-editor .view-line', { hasText: '# changed while the dialog was open' })
          .waitFor({ state: 'detached', timeout: WAIT_MS });
      },
    ],
  ];
}

/** A row of the code action menu (the Quick Fix / refactor widget) by its title. */
function codeActionRow(page, title) {
  return page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
}

/** Arrow keys down the open code action menu to the row titled `title`, then Enter, as a keyboard user does. */
async function chooseCodeAction(page, title) {
  const focused = page.locator('.action-widget .monaco-list-row.focused');
  const rows = await page.locator('.action-widget .monaco-list-row').count();
  for (let step = 0; step <= rows; step++) {
    if ((await focused.count()) > 0 && (await focused.first().textContent()).includes(title)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`the code action menu has no row "${title}" to focus`);
}

/** Ctrl+. until the code action menu shows `row`: a key pressed while focus returns from Go to Line can be lost. */
async function openQuickFixMenu(page, row) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await page.keyboard.press('Control+.');
    try {
      await row.waitFor({ timeout: scaled(3000) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      log('the Quick Fix menu did not show the action; pressing Escape and Ctrl+. again');
      await page.keyboard.press('Escape');
    }
  }
}

async function main() {
  const playwright = prepareUiRun();
  const runDir = harness.makeRunDir('ui');
  const workspace = harness.copySampleReleasesRepo(path.join(runDir, 'releases'));
  let github;
  let server;
  let browser;
  let promotion;
  let passed = 0;
  let failed = 0;
  try {
    github = await harness.startGitHubStandin();
    harness.writeGitHubSettings(workspace, github);
    log(`GitHub stand-in up at ${github.apiUrl}`);
    promotion = await startPromotionStandin();
    server = await harness.startCodeServer(runDir, { vsix: VSIX, env: { KAYRON_E2E_GITHUB_TOKEN: E2E_GITHUB_TOKEN } });
    log(`vsix installed, code-server up at ${server.baseUrl}`);
    browser = await harness.launchChromium(playwright, runDir);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Clicks and navigations without their own timeout get the shared budget (Playwright's 30 s default does not scale).
    page.setDefaultTimeout(WAIT_MS);
    page.setDefaultNavigationTimeout(2 * WAIT_MS);
    page.on('pageerror', (error) => log('[page error]', String(error).slice(0, 200)));
    ({ passed, failed } = await runSteps(
      page,
      [...steps(page, server, workspace), ...promotionSteps(page, server, promotion)],
      'ui-failure.png',
      log,
    ));
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    await harness.stopCodeServer(server);
    promotion?.stop();
    await github?.standin.close();
    harness.removeRunDir(runDir, log);
  }
  return { passed, failed };
}

exitWith(main());
