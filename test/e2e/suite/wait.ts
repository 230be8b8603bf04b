/** Shared by the e2e suites: the extension's id, and polling with a deadline (never a fixed sleep). */
import { scaled, WAIT_BUDGET_MS } from '../../wait-budget';

export { scaled };
export const EXTENSION_ID = 'kayron-releases.kayron-releases';
/** The suite-wide budget of one wait (test/wait-budget.js: scaled by KAYRON_TEST_TIMEOUT_SCALE). */
export const WAIT_MS = WAIT_BUDGET_MS;
const POLL_MS = 100;

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  describeState: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}. ${describeState()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
