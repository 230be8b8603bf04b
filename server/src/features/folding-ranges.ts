/**
 * Folding for release files: each entry, each `deploy` mapping, and runs of comment lines. With a folding provider
 * VS Code drops its indentation-based folding, so this folds at least what indentation did for release lists. Pure:
 * text and decoded entries in, 0-based line spans out.
 */
import type { DecodedEntry } from '../yaml/decode';

export interface LineFold {
  startLine: number;
  endLine: number;
  kind?: 'comment';
}

/** Sorted offsets of every line start, so each line lookup is a binary search (files reach 10,000 entries). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

/** 0-based line of `offset`, given `lineStartsOf(text)`. */
export function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** `end` moved back over trailing whitespace and line breaks (a node's range ends after its last line break). */
export function trimmedEnd(text: string, start: number, end: number): number {
  let trimmed = end;
  while (trimmed > start && /\s/.test(text.charAt(trimmed - 1))) trimmed--;
  return trimmed;
}

export function foldingRanges(text: string, entries: readonly DecodedEntry[]): LineFold[] {
  const starts = lineStartsOf(text);
  const folds: LineFold[] = [];
  const add = (start: number, end: number) => {
    const startLine = lineAt(starts, start);
    const endLine = lineAt(starts, trimmedEnd(text, start, end));
    if (endLine > startLine) folds.push({ startLine, endLine });
  };
  for (const entry of entries) {
    add(entry.range[0], entry.range[1]);
    if (entry.deploy) add(entry.deploy.key[0], Math.max(entry.deploy.key[1], entry.deploy.node[1]));
  }
  folds.push(...commentBlocks(text, starts));
  return folds.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

/** Runs of two or more lines holding only a comment. */
function commentBlocks(text: string, starts: readonly number[]): LineFold[] {
  const blocks: LineFold[] = [];
  let runStart = -1;
  for (let line = 0; line <= starts.length; line++) {
    const isComment = line < starts.length && isCommentLine(text, starts[line] ?? 0);
    if (isComment && runStart < 0) runStart = line;
    if (!isComment && runStart >= 0) {
      if (line - 1 > runStart) blocks.push({ startLine: runStart, endLine: line - 1, kind: 'comment' });
      runStart = -1;
    }
  }
  return blocks;
}

/** Whether the line starting at `start` holds only a comment (after spaces or tabs). */
function isCommentLine(text: string, start: number): boolean {
  let index = start;
  while (text.charCodeAt(index) === 32 || text.charCodeAt(index) === 9) index++;
  return text.charCodeAt(index) === 35;
}
