#!/usr/bin/env node
'use strict';
// Runs the integration suite (test/e2e/suite, mocha + the `vscode` API) inside the real Node extension host of
// code-server 4.100.3 (VS Code 1.100.3), with this repo as the extension under development (it needs `npm run build`).
// Exit code: 0 when every test passed, 1 otherwise, 124 on the overall timeout.
//
// usage: node test/e2e/run-extension-tests.js [--demo] [--bench] [--timeout <seconds, default 600 × KAYRON_TEST_TIMEOUT_SCALE>] [--grep <mocha grep>]
//        --demo: the demo walk (suite/demo.test.ts) in a window on `npm start`'s demo workspace and stand-in
//        --bench: the editor-level bench (suite/bench.editor.test.ts; test/bench/editor-bench.js runs it)
// env:   KAYRON_E2E_KEEP_TMP=1 keeps the run folder (code-server.log, workspace copy)
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const harness = require('./harness');
const { installSquiggleProbe, pairEdits } = require('./squiggle-probe');
const { scaled } = require('../wait-budget');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && index + 1 < args.length ? args[index + 1] : fallback;
};
// A guard against a hung run, not an expectation: the suite takes a few minutes on a quiet machine.
const timeoutSeconds = Number(option('timeout', String(scaled(600_000) / 1000)));
const grep = option('grep', undefined);
const demo = args.includes('--demo');
const bench = args.includes('--bench');
const log = harness.createLogger();
/** A made-up token for the GitHub stand-in the suite starts (never a real credential). */
const E2E_GITHUB_TOKEN = 'ghp_e2eStandinOnly0000000000000000000000';

/** The mocha entry prints this line itself; the runner repeats it last so it is the closing line. */
const SUMMARY = /^(\d+) passed, (\d+) failed$/;
/** Workbench start-up chatter that says nothing about the extension under test. */
const NOISE =
  /^(Resolving connection token|Resolved connection token|Creating a socket|\[Service Worker\]|ChatSessionStore|Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|Creation of workbench contribution)/;

/** The bench suite prints its edits' start times on this line; the squiggles the page drew are paired with them. */
const BENCH_EDITS = 'KAYRON_EDITOR_BENCH_EDITS ';
/** The line the bench suite edits (harness.largeReleaseFile's and the sample's only release pin), before and after. */
const BENCH_LINE_PATTERN = 'release: "[vx]0\\.5\\.3"';
const benchPairings = [];

function stats(values) {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95), runs: sorted.length, missed: values.length - sorted.length };
}

/** Prints `KAYRON_EDITOR_BENCH_DRAWN <json>`: keystroke → squiggle drawn, and → squiggle gone, from the page's probe. */
async function pairWithPage(page, { entries, edits }) {
  const changes = await page.evaluate(() => window.__kayronSquiggleChanges ?? []);
  const times = pairEdits(edits, changes);
  const squiggle = stats(times.filter((_, index) => edits[index].squiggle));
  const cleared = stats(times.filter((_, index) => !edits[index].squiggle));
  console.log(`KAYRON_EDITOR_BENCH_DRAWN ${JSON.stringify({ entries, squiggle, cleared })}`);
}

async function main() {
  const playwright = harness.requireInstalledHost();
  if (!fs.existsSync(path.join(harness.REPO_DIR, 'dist/extension.js')))
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  const testsEntry = harness.buildSuite();
  const label = demo ? 'demo' : bench ? 'bench' : 'it';
  const runDir = harness.makeRunDir(label);
  // A failed test writes its evidence here from the extension host (suite/evidence.ts); the runner adds the logs.
  const resultsDir = harness.evidenceDir(label);
  // GitHub for the suite: the stand-in on 127.0.0.1, named in the releases folder's settings (no test touches the internet)
  let github;
  let workspaceQuery;
  let suiteEnv;
  if (demo) {
    const started = await harness.startDemo(runDir);
    github = { apiUrl: started.apiUrl, owner: '0xSplits', standin: { close: started.close } };
    workspaceQuery = `folder=${encodeURIComponent(started.folder)}`;
    // what start-demo.ts gives code-server: the stand-in's token and the demo label
    suiteEnv = { KAYRON_E2E_GITHUB_TOKEN: started.token, KAYRON_DEMO_GITHUB: started.apiUrl, KAYRON_E2E_SUITE: 'demo' };
  } else {
    github = await harness.startGitHubStandin();
    const extraFiles = bench
      ? {
          'service/large-1000.yaml': harness.largeReleaseFile(1000),
          'service/large-5000.yaml': harness.largeReleaseFile(5000),
        }
      : {};
    try {
      workspaceQuery = `workspace=${encodeURIComponent(harness.prepareSuiteWorkspace(runDir, github, extraFiles))}`;
    } catch (error) {
      await github.standin.close();
      throw error;
    }
    suiteEnv = {
      KAYRON_E2E_GITHUB_TOKEN: E2E_GITHUB_TOKEN,
      ...(bench
        ? {
            KAYRON_E2E_SUITE: 'bench',
            ...(process.env.KAYRON_EDITOR_BENCH_ROUNDS
              ? { KAYRON_EDITOR_BENCH_ROUNDS: process.env.KAYRON_EDITOR_BENCH_ROUNDS }
              : {}),
          }
        : {}),
    };
  }
  log(`GitHub stand-in up at ${github.apiUrl} (owner ${github.owner})`);
  let server;
  let browser;
  let summary;
  let code = 1;
  try {
    // the extension host inherits the server's environment: that is how options reach the suite
    // KAYRON_E2E_GITHUB_TOKEN: the token the suite's GitHub stand-in accepts and the language server uses for promotions
    // (there is no VS Code GitHub session in these runs).
    server = await harness.startCodeServer(runDir, {
      env: { ...suiteEnv, KAYRON_E2E_RESULTS_DIR: resultsDir, ...(grep ? { KAYRON_E2E_GREP: grep } : {}) },
    });
    log(`code-server up at ${server.baseUrl} (pid ${server.pid})`);
    browser = await harness.launchChromium(playwright, runDir);
    const page = await browser.newPage();
    page.setDefaultNavigationTimeout(scaled(60_000));
    let reportExit;
    const exited = new Promise((resolve) => (reportExit = resolve));
    // VS Code web calls these when started with extensionTestsPath: every extension-host console line, then the
    // exit code of the suite's run(). Both must exist before the page loads.
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const line = util.format(...logArgs);
      if (bench && line.startsWith(BENCH_EDITS))
        benchPairings.push(pairWithPage(page, JSON.parse(line.slice(BENCH_EDITS.length))));
      const match = SUMMARY.exec(line.trim());
      if (match) {
        summary = line.trim();
        log('suite finished, waiting for the extension host to exit');
      }
      if (NOISE.test(line)) return;
      (type === 'error' ? console.error : console.log)(line);
    });
    await page.exposeFunction('codeAutomationExit', (code) => reportExit(code));
    page.on('pageerror', (error) => console.error('[page error]', String(error).slice(0, 300)));
    const remote = (absolutePath) => `vscode-remote://${server.authority}${absolutePath}`;
    const payload = [
      ['extensionDevelopmentPath', remote(harness.REPO_DIR)],
      ['extensionTestsPath', remote(testsEntry)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(`${server.baseUrl}/?${workspaceQuery}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    if (bench) await page.evaluate(installSquiggleProbe, BENCH_LINE_PATTERN);
    log('workbench loaded, running the suite in the extension host');
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000)));
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    await Promise.all(benchPairings);
    if (result === 'timeout') {
      console.error(
        `timed out after ${timeoutSeconds}s (code-server log: ${server.logFile}; keep it with KAYRON_E2E_KEEP_TMP=1)`,
      );
      code = 124;
      return { code, summary };
    }
    code = result === 0 && summary !== undefined ? 0 : 1;
    return { code, summary };
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    await harness.stopCodeServer(server);
    // after the stop, so the logs are complete; a failure of its own must not hide the run's result
    if (code !== 0) {
      try {
        log(`kept the evidence of the failure in ${harness.keepEvidence(runDir, resultsDir, github)}`);
      } catch (error) {
        console.error(`could not keep the evidence: ${String(error)}`);
      }
    }
    await github.standin.close();
    harness.removeRunDir(runDir, log);
  }
}

main().then(
  ({ code, summary }) => {
    log(`extension tests finished with exit code ${code}`);
    // a run that never reported counts as one failure, so the closing line never claims success
    console.log(summary ?? '0 passed, 1 failed');
    process.exit(code);
  },
  (error) => {
    console.error(`harness error: ${error instanceof Error ? error.stack : String(error)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
