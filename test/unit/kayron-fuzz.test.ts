/**
 * The kayron-fuzz corpus (issue 13): 6,000 generated trees with real `kayron lint` output. Every tree is linted by the
 * CLI's own core and compared on verdict, check, file and exact text (corpus README, "How to compare").
 * `npm run fuzz:compare` prints the same figures with the differences grouped by cause.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  formatFigures,
  FUZZ_CORPUS,
  fuzzFigures,
  percent,
  readFuzzCases,
  runFuzzCases,
  type FuzzOutcome,
} from '../helpers/kayron-fuzz';

const CASES = path.join(FUZZ_CORPUS, 'cases.jsonl');

/** Measured when the last cause was fixed: the figure may only go up (the README lists every remaining difference). */
const TEXT_AGREEMENT_FLOOR = 0.9998;
/** Issue 13's target. */
const TEXT_AGREEMENT_TARGET = 0.995;
const REMAINING_HEADING = '#### Remaining differences';

let outcomes: FuzzOutcome[] | undefined;
async function fuzzOutcomes(): Promise<FuzzOutcome[]> {
  assert.ok(existsSync(CASES), `the fuzz corpus exists at ${CASES} (set KAYRON_FUZZ_CORPUS to point elsewhere)`);
  outcomes ??= await runFuzzCases(readFuzzCases(CASES));
  return outcomes;
}

function listing(list: readonly FuzzOutcome[]): string {
  return list
    .filter((outcome) => outcome.differs)
    .map((o) => `${o.id} ${o.differs}: kayron ${o.expected.slice(0, 160)} | ours ${o.actual.slice(0, 160)}`)
    .join('\n');
}

test(
  'kayron-fuzz corpus: verdict, check, file and text agree with real kayron lint',
  { timeout: 600_000 },
  async () => {
    const all = await fuzzOutcomes();
    const figures = fuzzFigures(all);
    process.stdout.write(`kayron-fuzz (${figures.total} trees)\n${formatFigures(figures)}\n`);
    const verdictDifferences = all.filter((outcome) => outcome.differs === 'verdict');
    assert.equal(
      verdictDifferences.length,
      0,
      `verdict agreement must be 100 %, is ${percent(figures.verdict, figures.total)}:\n${listing(verdictDifferences)}`,
    );
    assert.ok(
      figures.text / figures.total >= TEXT_AGREEMENT_FLOOR,
      `same check + file + text fell below ${TEXT_AGREEMENT_FLOOR * 100} %: ${percent(figures.text, figures.total)}:\n${listing(all)}`,
    );
  },
);

/**
 * The README's "Remaining differences" table: one row per case that still differs, `| \`1:5505\` | … | why |`. The
 * list must be exactly the differing cases, so that a fix (or a new difference) updates the README with it.
 */
function readmeListedDifferences(): string[] {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf(REMAINING_HEADING);
  assert.ok(start >= 0, `README.md has the heading "${REMAINING_HEADING}"`);
  const section = readme.slice(start, readme.indexOf('\n#', start + REMAINING_HEADING.length));
  return [...section.matchAll(/^\| `(\d+:\d+)` \|/gm)].map((match) => match[1] as string);
}

test(
  `kayron-fuzz corpus: same check + file + text on at least ${TEXT_AGREEMENT_TARGET * 100} %, every other case listed in the README`,
  { timeout: 600_000 },
  async () => {
    const all = await fuzzOutcomes();
    const figures = fuzzFigures(all);
    assert.ok(
      figures.text / figures.total >= TEXT_AGREEMENT_TARGET,
      `same check + file + text must be at least 99.5 %, is ${percent(figures.text, figures.total)}:\n${listing(all)}`,
    );
    const differing = all.filter((outcome) => outcome.differs).map((outcome) => outcome.id);
    assert.deepEqual(
      [...readmeListedDifferences()].sort(),
      [...differing].sort(),
      `the README's "${REMAINING_HEADING}" lists exactly the cases that differ:\n${listing(all)}`,
    );
  },
);
