/**
 * The edits the team makes by hand in a releases repo — pin another tag, follow a testing branch and back — as
 * minimal text edits: only the changed value or lines move, everything else stays byte-identical.
 */
import type { DecodedEntry } from '../yaml/decode';
import type { Range } from '../kayron/problem';

export interface OffsetEdit {
  range: Range;
  newText: string;
}

/** Applies non-overlapping offset edits (any order). */
export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.range[0] - a.range[0])) {
    result = result.slice(0, edit.range[0]) + edit.newText + result.slice(edit.range[1]);
  }
  return result;
}

function innerValue(text: string, range: Range): Range {
  const raw = text.slice(range[0], range[1]);
  const quoted = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0]);
  return quoted ? [range[0] + 1, range[1] - 1] : range;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline;
}

function eol(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

/** The quote characters around a value, reused for a new value in the same place ("" for plain). */
function quoteOf(text: string, range: Range): string {
  const first = text[range[0]];
  return first === '"' || first === "'" ? first : '';
}

/**
 * Whether `key: value` is alone on its line (a trailing comment aside): only then can whole-line edits replace it.
 * A flow mapping (`deploy: { release: "v1" }`) or a multi-line value is left alone.
 */
function ownsLine(text: string, field: { key: Range; valueRange: Range }): boolean {
  const before = text.slice(lineStart(text, field.key[0]), field.key[0]);
  const after = text.slice(field.valueRange[1], lineEnd(text, field.valueRange[1]));
  return (
    before.trim() === '' &&
    /^[ \t]*(#.*)?\r?$/.test(after) &&
    !text.slice(field.key[0], field.valueRange[1]).includes('\n')
  );
}

/** Replace the pinned tag, keeping the value's quoting. */
export function setReleaseEdit(text: string, entry: DecodedEntry, tag: string): OffsetEdit | undefined {
  const release = entry.deploy?.release;
  if (!release) return undefined;
  return { range: innerValue(text, release.valueRange), newText: tag };
}

/**
 * `release: "vX"` → `# release: "vX"` directly above `branch: "<name>"`, the convention of the real releases history.
 * The commented pin keeps its original text so that switching back restores the bytes exactly.
 */
export function switchToBranchEdits(text: string, entry: DecodedEntry, branch: string): OffsetEdit[] | undefined {
  const release = entry.deploy?.release;
  if (!release || entry.deploy?.branch || !ownsLine(text, release)) return undefined;
  const start = lineStart(text, release.key[0]);
  const end = lineEnd(text, release.valueRange[1]);
  const line = text.slice(start, end).replace(/\r$/, '');
  const indent = line.slice(0, line.length - line.trimStart().length);
  const quote = quoteOf(text, release.valueRange) || '"';
  const pinned = line.trimStart();
  const newline = eol(text);
  return [
    {
      range: [start, start + line.length],
      newText: `${indent}# ${pinned}${newline}${indent}branch: ${quote}${branch}${quote}`,
    },
  ];
}

const COMMENTED_RELEASE = /^(\s*)#\s?(release:\s*.*)$/;

/** The `# release: "vX"` comment directly above the branch line, if any. */
export function commentedReleaseAbove(
  text: string,
  entry: DecodedEntry,
): { range: Range; line: string; tag: string } | undefined {
  const branch = entry.deploy?.branch;
  if (!branch) return undefined;
  const branchLineStart = lineStart(text, branch.key[0]);
  if (branchLineStart === 0) return undefined;
  const previousStart = lineStart(text, branchLineStart - 1);
  const previous = text.slice(previousStart, branchLineStart).replace(/\r?\n$/, '');
  const match = COMMENTED_RELEASE.exec(previous);
  if (!match) return undefined;
  const tag = (match[2] ?? '')
    .replace(/^release:\s*/, '')
    .replace(/\s+#.*$/, '')
    .trim()
    .replace(/^(["'])(.*)\1$/, '$2');
  // The restored line takes the branch line's indentation: a comment written at another column must not break the mapping.
  const branchLine = text.slice(branchLineStart, lineEnd(text, branchLineStart));
  const indent = branchLine.slice(0, branchLine.length - branchLine.trimStart().length);
  return { range: [previousStart, branchLineStart], line: `${indent}${match[2] ?? ''}`, tag };
}

/**
 * `branch:` → back to a pinned release: restores the commented pin directly above (removing the comment), or pins
 * `fallbackTag` (e.g. the latest release) when there is none.
 */
export function switchBackEdits(text: string, entry: DecodedEntry, fallbackTag?: string): OffsetEdit[] | undefined {
  const branch = entry.deploy?.branch;
  if (!branch || entry.deploy?.release || !ownsLine(text, branch)) return undefined;
  const start = lineStart(text, branch.key[0]);
  const end = lineEnd(text, branch.valueRange[1]);
  const branchLine = text.slice(start, end).replace(/\r$/, '');
  const commented = commentedReleaseAbove(text, entry);
  if (commented) {
    return [{ range: [commented.range[0], start + branchLine.length], newText: commented.line }];
  }
  if (!fallbackTag) return undefined;
  // Only `branch: "<name>"` changes: the indentation and a trailing comment stay.
  const quote = quoteOf(text, branch.valueRange) || '"';
  return [{ range: [branch.key[0], branch.valueRange[1]], newText: `release: ${quote}${fallbackTag}${quote}` }];
}

/**
 * Pin `tag` on an entry, whether it pins a release now (the value changes) or follows a branch (it switches back, and
 * the commented pin above, if any, becomes the release line with the new tag, keeping its quoting and trailing comment).
 */
export function pinReleaseEdits(text: string, entry: DecodedEntry, tag: string): OffsetEdit[] | undefined {
  const deploy = entry.deploy;
  if (deploy?.release && !deploy.branch) {
    const edit = setReleaseEdit(text, entry, tag);
    return edit ? [edit] : undefined;
  }
  const restored = switchBackEdits(text, entry, tag);
  const commented = commentedReleaseAbove(text, entry);
  const [edit] = restored ?? [];
  if (!edit || !commented || commented.tag === tag) return restored;
  const parts = /^(\s*release:[ \t]*)(.*?)([ \t]+#.*)?$/.exec(commented.line);
  const value = parts?.[2] ?? '';
  const quote = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) ? value[0] : '';
  const indent = commented.line.slice(0, commented.line.length - commented.line.trimStart().length);
  const line = parts ? `${parts[1]}${quote}${tag}${quote}${parts[3] ?? ''}` : `${indent}release: "${tag}"`;
  return [{ range: edit.range, newText: line }];
}
