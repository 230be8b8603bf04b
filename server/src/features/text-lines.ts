/**
 * Line numbers of offsets without splitting the text: release files reach 10,000 entries (700 KiB), where a
 * `slice().split('\n')` per entry would be quadratic.
 */

/** 0-based line of `offset` in `text`. */
export function lineOfOffset(text: string, offset: number): number {
  return lineFinder(text)(offset);
}

/** 0-based lines of offsets asked in increasing order, in one pass over the text (an earlier offset starts over). */
export function lineFinder(text: string): (offset: number) => number {
  let line = 0;
  // Every line break before `counted` is included in `line`.
  let counted = 0;
  return (offset) => {
    if (offset < counted) {
      line = 0;
      counted = 0;
    }
    for (let next = text.indexOf('\n', counted); next !== -1 && next < offset; next = text.indexOf('\n', next + 1))
      line++;
    counted = Math.max(counted, offset);
    return line;
  };
}

/**
 * How the server's text of a file lines up with an editor's: 0 when they are the same, 1 when the server's text has a
 * byte-order mark the editor hides (offsets in the server's text are then one more than the editor's), undefined
 * when the editor shows other text (it has moved on, or not caught up).
 */
export function editorBomShift(serverText: string, editorText: string): 0 | 1 | undefined {
  if (serverText === editorText) return 0;
  return serverText === `\ufeff${editorText}` ? 1 : undefined;
}
