// The promotion preview's diff: minimal, applicable as a patch, and bounded on huge or scrambled files (the earlier
// O(n·m) table ran the server out of memory on a 32,000-line file).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { applyPatch } from 'diff';
import { MAX_EDIT_LENGTH, unifiedDiff } from '../../server/src/promotion/text-diff';
import { generateReleaseFile, seededRandom } from '../bench/release-files';
import { LARGE_DIFF_SCENARIOS, type LargeDiffScenario } from '../helpers/large-diff-child';

const LARGE_DIFF_CHILD = path.join(__dirname, '..', 'helpers', 'large-diff-child.ts');
/** Node's default heap is several GiB: this is what "bounded" means here. */
const CHILD_HEAP_MIB = 256;

/** Lines the diff removes and adds, in order. */
function changedLines(diff: string): { removed: string[]; added: string[] } {
  const body = diff
    .split('\n')
    .filter((line) => !line.startsWith('--- ') && !line.startsWith('+++ ') && !line.startsWith('@@'));
  return {
    removed: body.filter((line) => line.startsWith('-')).map((line) => line.slice(1)),
    added: body.filter((line) => line.startsWith('+')).map((line) => line.slice(1)),
  };
}

/** Length of a longest common subsequence (the textbook table; for small inputs only). */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const lineA of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = lineA === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

describe('preview diff', () => {
  test('is minimal: as many changed lines as a longest common subsequence leaves, for 2,000 random pairs', () => {
    const random = seededRandom(11);
    const pick = (alphabet: string) => alphabet[Math.floor(random() * alphabet.length)]!;
    for (let run = 0; run < 2000; run++) {
      const a = Array.from({ length: Math.floor(random() * 40) }, () => pick('abcdef'));
      const b = a.filter(() => random() > 0.2).map((line) => (random() < 0.2 ? pick('abcdefgh') : line));
      if (random() < 0.5) b.splice(Math.floor(random() * (b.length + 1)), 0, 'inserted');
      const oldText = a.length ? `${a.join('\n')}\n` : '';
      const newText = b.length ? `${b.join('\n')}\n` : '';
      const { removed, added } = changedLines(unifiedDiff(oldText, newText));
      const common = lcsLength(a, b);
      assert.deepEqual(
        [removed.length, added.length],
        [a.length - common, b.length - common],
        `${JSON.stringify(oldText)} → ${JSON.stringify(newText)}`,
      );
      if (oldText !== newText) assert.equal(applyPatch(oldText, unifiedDiff(oldText, newText)), newText);
    }
  });

  test('a 10,000-entry file with changes spread over it: a patch that turns staging into production', () => {
    const before = generateReleaseFile(10_000, { seed: 3 });
    const lines = before.split('\n');
    const after = `${lines
      .map((line, index) => (index % 40 === 3 && line.includes('release:') ? line.replace(/"v(\d+)/, '"v9$1') : line))
      .join('\n')
      .replace('# Releases', '# releases')}- docker: "new"\n`;
    const diff = unifiedDiff(before, after, { oldLabel: 'a/service/service.yaml', newLabel: 'b/service/service.yaml' });
    assert.equal(applyPatch(before, diff), after);
    const { removed, added } = changedLines(diff);
    const changed = lines.filter((line, index) => index % 40 === 3 && line.includes('release:')).length + 1;
    assert.deepEqual(
      [removed.length, added.length],
      [changed, changed + 1],
      'exactly the changed lines, nothing rewritten',
    );
  });

  for (const scenario of Object.keys(LARGE_DIFF_SCENARIOS) as LargeDiffScenario[]) {
    test(`a 32,000-line file with ${scenario}: a correct patch, computed in a ${CHILD_HEAP_MIB} MiB heap`, () => {
      // A child process with a small heap: a diff whose memory grows with n·m dies there instead of passing slowly.
      const child = spawnSync(
        process.execPath,
        [`--max-old-space-size=${CHILD_HEAP_MIB}`, '--import', 'tsx', LARGE_DIFF_CHILD, scenario],
        { encoding: 'utf8', cwd: path.resolve(__dirname, '..', '..') },
      );
      assert.equal(child.status, 0, `the child failed (signal ${String(child.signal)}): ${child.stderr.slice(-1000)}`);
      const result = JSON.parse(child.stdout) as { applies: boolean; removed: number; added: number };
      assert.equal(result.applies, true, 'the diff turns the old text into the new one');
      assert.ok(result.removed >= MAX_EDIT_LENGTH / 2 && result.added === result.removed, JSON.stringify(result));
    });
  }

  test('CRLF and LF texts with the same lines have no diff; removals come before additions', () => {
    assert.equal(unifiedDiff('a\r\nb\r\n', 'a\nb\n'), '');
    assert.equal(
      unifiedDiff('x\na\nb\ny\n', 'x\nA\nB\ny\n', { context: 0 }),
      '--- before\n+++ after\n@@ -2,2 +2,2 @@\n-a\n-b\n+A\n+B\n',
    );
  });
});
