/**
 * `npm run fuzz:compare [-- CASES.jsonl] [--all]`: lints every tree of the kayron-fuzz corpus with the CLI's core and
 * prints the four agreement figures, then the differences grouped by cause (a few example case ids each).
 */
import { formatFigures, fuzzFigures, readFuzzCases, runFuzzCases, type FuzzOutcome } from '../helpers/kayron-fuzz';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const showAll = args.includes('--all');
  const file = args.find((arg) => !arg.startsWith('--'));
  const cases = readFuzzCases(file);
  const outcomes = await runFuzzCases(cases);
  process.stdout.write(`${formatFigures(fuzzFigures(outcomes))}\n`);
  const groups = new Map<string, FuzzOutcome[]>();
  for (const outcome of outcomes) {
    if (!outcome.differs) continue;
    const key = outcome.cause ?? outcome.differs;
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  process.stdout.write(`\n${outcomes.filter((o) => o.differs).length} differences in ${sorted.length} groups\n`);
  for (const [cause, list] of sorted) {
    process.stdout.write(`\n${String(list.length).padStart(5)}  ${cause}\n`);
    for (const outcome of showAll ? list : list.slice(0, 3)) {
      process.stdout.write(
        `       ${outcome.id} (${outcome.gen})\n         kayron: ${outcome.expected.slice(0, 200)}\n         ours:   ${outcome.actual.slice(0, 200)}\n`,
      );
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
