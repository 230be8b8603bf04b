/**
 * A unified diff of two small texts (release files are a few hundred lines at most), for previews: exactly the
 * lines a promotion changes, with a little context. Longest-common-subsequence on lines; line endings are kept
 * out of the comparison so a CRLF file does not look rewritten.
 */

export interface DiffOptions {
  /** Unchanged lines shown around each change. */
  context?: number;
  oldLabel?: string;
  newLabel?: string;
}

type Op = { kind: ' ' | '-' | '+'; line: string; oldNumber: number; newNumber: number };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
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
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const lengths: number[][] = Array.from({ length: midA.length + 1 }, () => new Array<number>(midB.length + 1).fill(0));
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lengths[i]![j] = midA[i] === midB[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: ' ', line: a[i]!, oldNumber: i + 1, newNumber: i + 1 });
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      ops.push({ kind: ' ', line: midA[i]!, oldNumber: start + i + 1, newNumber: start + j + 1 });
      i++;
      j++;
    } else if (i < midA.length && (j >= midB.length || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      // Removals before additions on a tie, as diff tools show a replaced line.
      ops.push({ kind: '-', line: midA[i]!, oldNumber: start + i + 1, newNumber: start + j });
      i++;
    } else {
      ops.push({ kind: '+', line: midB[j]!, oldNumber: start + i, newNumber: start + j + 1 });
      j++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) ops.push({ kind: ' ', line: a[endA + k]!, oldNumber: endA + k + 1, newNumber: endB + k + 1 });
  return ops;
}

/** `--- a/x` / `+++ b/x` and `@@` hunks; '' when the texts have the same lines. */
export function unifiedDiff(oldText: string, newText: string, options: DiffOptions = {}): string {
  const context = options.context ?? 3;
  const ops = diffOps(splitLines(oldText), splitLines(newText));
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return '';
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(ops.length - 1, index + context);
    const last = hunks.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }
  const lines = [`--- ${options.oldLabel ?? 'before'}`, `+++ ${options.newLabel ?? 'after'}`];
  for (const [from, to] of hunks) {
    const slice = ops.slice(from, to + 1);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    const first = slice[0]!;
    const oldStart = oldCount === 0 ? first.oldNumber : (slice.find((op) => op.kind !== '+')?.oldNumber ?? first.oldNumber);
    const newStart = newCount === 0 ? first.newNumber : (slice.find((op) => op.kind !== '-')?.newNumber ?? first.newNumber);
    lines.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of slice) lines.push(`${op.kind}${op.line}`);
  }
  return `${lines.join('\n')}\n`;
}
