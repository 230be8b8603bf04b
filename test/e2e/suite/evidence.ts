/**
 * What a failed e2e test leaves behind, so a failure that happens only under load explains itself: every suite
 * registers what it can see (its GitHub stand-in's request log, the extension's GitHub state), and the root hook in
 * index.ts writes all of it to KAYRON_E2E_RESULTS_DIR (test-results/e2e/<run>/, set by run-extension-tests.js) when a
 * test fails. Nothing is written for a passing test. The stand-in's log holds no token (it records only valid/invalid).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const sources = new Map<string, () => unknown>();

/** Registers a source of evidence until the returned function is called (from the suite's `after`). */
export function keepOnFailure(name: string, read: () => unknown): () => void {
  sources.set(name, read);
  return () => sources.delete(name);
}

/** Writes every registered source for the failed test `title`; returns the file, or undefined without a results folder. */
export function writeEvidence(title: string, error: unknown): string | undefined {
  const dir = process.env.KAYRON_E2E_RESULTS_DIR;
  if (!dir) return undefined;
  const evidence: Record<string, unknown> = {
    test: title,
    at: new Date().toISOString(),
    error: error instanceof Error ? error.stack : String(error),
  };
  for (const [name, read] of sources) {
    try {
      evidence[name] = read();
    } catch (failure) {
      evidence[name] = `could not be read: ${String(failure)}`;
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${title.replace(/[^\w.-]+/g, '-').slice(0, 100)}.json`);
  fs.writeFileSync(file, JSON.stringify(evidence, null, 1));
  return file;
}
