/**
 * Child process for the preview-diff test: diffs a 32,000-line file against a scrambled version of itself under the
 * heap limit the parent sets, checks the patch, and prints what it removed and added as JSON.
 */
import { applyPatch } from 'diff';
import { unifiedDiff } from '../../server/src/promotion/text-diff';

export const LARGE_DIFF_SCENARIOS = {
  'every line different': (lines: string[]) => lines.map((line) => `${line} changed`),
  'the same lines upside down': (lines: string[]) => [...lines].reverse(),
} as const;

export type LargeDiffScenario = keyof typeof LARGE_DIFF_SCENARIOS;

if (require.main === module) {
  const scenario = process.argv[2] as LargeDiffScenario;
  const lines = Array.from({ length: 32_000 }, (_, index) => `- docker: "service-${index}"`);
  const oldText = `${lines.join('\n')}\n`;
  const newText = `${LARGE_DIFF_SCENARIOS[scenario](lines).join('\n')}\n`;
  const diff = unifiedDiff(oldText, newText);
  const body = diff.split('\n').filter((line) => !/^(?:--- |\+\+\+ |@@)/.test(line));
  process.stdout.write(
    JSON.stringify({
      applies: applyPatch(oldText, diff) === newText,
      removed: body.filter((line) => line.startsWith('-')).length,
      added: body.filter((line) => line.startsWith('+')).length,
    }),
  );
}
