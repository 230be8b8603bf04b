/**
 * The kayron-fuzz corpus (issue 13): 6,000 generated trees with real `kayron lint` output. Every tree is linted by the
 * CLI's own core and compared on verdict, check, file and exact text (corpus README, "How to compare").
 * `npm run fuzz:compare` prints the same figures with the differences grouped by cause.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatFigures, FUZZ_CORPUS, fuzzFigures, percent, readFuzzCases, runFuzzCases } from '../helpers/kayron-fuzz';

const CASES = path.join(FUZZ_CORPUS, 'cases.jsonl');

test('kayron-fuzz corpus: verdict, check, file and text agree with real kayron lint', { timeout: 600_000 }, async () => {
  assert.ok(existsSync(CASES), `the fuzz corpus exists at ${CASES} (set KAYRON_FUZZ_CORPUS to point elsewhere)`);
  const outcomes = await runFuzzCases(readFuzzCases(CASES));
  const figures = fuzzFigures(outcomes);
  process.stdout.write(`kayron-fuzz (${figures.total} trees)\n${formatFigures(figures)}\n`);
  const differences = outcomes.filter((outcome) => outcome.differs);
  const listing = differences.map((o) => `${o.id} ${o.differs}: kayron ${o.expected.slice(0, 160)} | ours ${o.actual.slice(0, 160)}`).join('\n');
  const verdictDifferences = differences.filter((outcome) => outcome.differs === 'verdict');
  assert.equal(verdictDifferences.length, 0, `verdict agreement must be 100 %, is ${percent(figures.verdict, figures.total)}:\n${listing}`);
  assert.ok(figures.text / figures.total >= 0.995, `same check + file + text must be at least 99.5 %, is ${percent(figures.text, figures.total)}:\n${listing}`);
});
