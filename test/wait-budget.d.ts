/** Multiplier for every test time limit (KAYRON_TEST_TIMEOUT_SCALE, default 1; at least 1). See wait-budget.js. */
export const TIMEOUT_SCALE: number;
/** How long any single wait for an event may take before it fails with what it saw. */
export const WAIT_BUDGET_MS: number;
/** `ms` scaled for this machine. */
export function scaled(ms: number): number;
/** How long one unit or LSP test file may run (each test too, in Node 20). */
export const TEST_FILE_LIMIT_MS: number;
