/**
 * A unified diff of two texts for previews: exactly the lines a promotion changes, with a little context. Line
 * endings are kept out of the comparison so a CRLF file does not look rewritten.
 *
 * The comparison is Myers' O(ND) algorithm (the `diff` package) on what can match at all: after the common head and
 * tail are cut, lines that occur in only one of the texts are set aside first (they can never be part of a longest
 * common subsequence, so the result stays minimal), which leaves D small even when many lines changed. Should the
 * rest still be far apart (a file turned upside down), the search stops at MAX_EDIT_LENGTH and the
 * changed region is shown removed and added whole: still exactly the change, just not its shortest description.
 */
import { diffArrays } from 'diff';

export interface DiffOptions {
  /** Unchanged lines shown around each change. */
  context?: number;
  oldLabel?: string;
  newLabel?: string;
}

/** Edit distance (lines removed + added) beyond which the minimal diff is not searched for. */
export const MAX_EDIT_LENGTH = 1000;

type Op = { kind: ' ' | '-' | '+'; line: string; oldNumber: number; newNumber: number };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Pairs [index in a, index in b] of lines kept unchanged, in order: a longest common subsequence, or (past the
 * search bounds) none.
 */
function matchedLines(a: readonly string[], b: readonly string[]): [number, number][] {
  const inA = new Set(a);
  const inB = new Set(b);
  const keptA: number[] = [];
  const keptB: number[] = [];
  a.forEach((line, index) => inB.has(line) && keptA.push(index));
  b.forEach((line, index) => inA.has(line) && keptB.push(index));
  if (keptA.length === 0 || keptB.length === 0) return [];
  const changes = diffArrays(
    keptA.map((index) => a[index]!),
    keptB.map((index) => b[index]!),
    { maxEditLength: MAX_EDIT_LENGTH },
  );
  if (changes === undefined) return [];
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  for (const change of changes) {
    const count = change.value.length;
    if (!change.added && !change.removed) for (let k = 0; k < count; k++) pairs.push([keptA[i + k]!, keptB[j + k]!]);
    if (!change.added) i += count;
    if (!change.removed) j += count;
  }
  return pairs;
}

function diffOps(a: readonly string[], b: readonly string[]): Op[] {
  // Trim the common head and tail first: a promotion changes one or two lines of a file.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: ' ', line: a[i]!, oldNumber: i + 1, newNumber: i + 1 });
  // Between two kept lines: the removed lines, then the added ones (as diff tools show a replaced line).
  let i = start;
  let j = start;
  const advanceTo = (untilA: number, untilB: number): void => {
    for (; i < untilA; i++) ops.push({ kind: '-', line: a[i]!, oldNumber: i + 1, newNumber: j });
    for (; j < untilB; j++) ops.push({ kind: '+', line: b[j]!, oldNumber: i, newNumber: j + 1 });
  };
  for (const [matchA, matchB] of matchedLines(a.slice(start, endA), b.slice(start, endB))) {
    advanceTo(start + matchA, start + matchB);
    ops.push({ kind: ' ', line: a[i]!, oldNumber: i + 1, newNumber: j + 1 });
    i++;
    j++;
  }
  advanceTo(endA, endB);
  for (let k = 0; k < a.length - endA; k++)
    ops.push({ kind: ' ', line: a[endA + k]!, oldNumber: endA + k + 1, newNumber: endB + k + 1 });
  return ops;
}

/** `--- a/x` / `+++ b/x` and `@@` hunks; '' when the texts have the same lines. */
export function unifiedDiff(oldText: string, newText: string, options: DiffOptions = {}): string {
  const context = options.context ?? 3;
  const ops = diffOps(splitLines(oldText), splitLines(newText));
  const hunks: [number, number][] = [];
  for (let index = 0; index < ops.length; index++) {
    if (ops[index]!.kind === ' ') continue;
    const from = Math.max(0, index - context);
    const to = Math.min(ops.length - 1, index + context);
    const last = hunks.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }
  if (hunks.length === 0) return '';
  const lines = [`--- ${options.oldLabel ?? 'before'}`, `+++ ${options.newLabel ?? 'after'}`];
  for (const [from, to] of hunks) {
    const slice = ops.slice(from, to + 1);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    const first = slice[0]!;
    const oldStart =
      oldCount === 0 ? first.oldNumber : (slice.find((op) => op.kind !== '+')?.oldNumber ?? first.oldNumber);
    const newStart =
      newCount === 0 ? first.newNumber : (slice.find((op) => op.kind !== '-')?.newNumber ?? first.newNumber);
    lines.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of slice) lines.push(`${op.kind}${op.line}`);
  }
  return `${lines.join('\n')}\n`;
}
