// The one time budget of the LSP and end-to-end suites (plain CommonJS so the browser-driving scripts can use it too).
//
// Every wait in those suites is tied to an event (a notification, a diagnostic, an element on the page) and fails
// after WAIT_BUDGET_MS, printing what it saw; nothing sleeps for a fixed time. The budget is generous on purpose: a
// loaded machine is slow, not broken. KAYRON_TEST_TIMEOUT_SCALE multiplies it and every other test time limit
// (mocha's per-test timeouts, the runners' overall limits, node --test's per-test and per-file limits), e.g. 3 on a
// slow machine; `npm run test:stress` sets 2.
'use strict';

const raw = Number(process.env.KAYRON_TEST_TIMEOUT_SCALE ?? '1');
/** Multiplier for every test time limit (KAYRON_TEST_TIMEOUT_SCALE, default 1; at least 1). */
const TIMEOUT_SCALE = Number.isFinite(raw) && raw >= 1 ? raw : 1;

/** `ms` scaled for this machine. */
function scaled(ms) {
  return Math.round(ms * TIMEOUT_SCALE);
}

/** How long any single wait for an event may take before it fails with what it saw. */
const WAIT_BUDGET_MS = scaled(30_000);

/**
 * How long one unit or LSP test file may run (`node --test --test-timeout`, which in Node 20 bounds each test and each
 * file; test/helpers/file-guard.mjs names the open handles just before). The slowest file takes about a minute alone.
 */
const TEST_FILE_LIMIT_MS = scaled(480_000);

module.exports = { TIMEOUT_SCALE, WAIT_BUDGET_MS, TEST_FILE_LIMIT_MS, scaled };
