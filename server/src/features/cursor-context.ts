/**
 * Where the cursor is in a release file, read from the text around it so that it works while the YAML is
 * half-typed (the parser's view of an incomplete line is not reliable).
 */
export type CursorContext =
  | { kind: 'entry-key'; prefix: string; replace: [number, number]; existingKeys: string[]; newItem: boolean }
  | { kind: 'deploy-key'; prefix: string; replace: [number, number]; existingKeys: string[] }
  | {
      kind: 'value';
      key: string;
      /** `deploy` when the key sits under `deploy:`. */
      parent: 'entry' | 'deploy';
      prefix: string;
      /** The value's quote character, if the user typed one. */
      quote: '"' | "'" | '';
      /** False while the typed opening quote has no closing quote yet. */
      closed: boolean;
      /** Range to replace: the whole value between the quotes (or the whole plain value). */
      replace: [number, number];
      /** Values of sibling keys in the same entry (e.g. `github` for a release completion). */
      entry: Record<string, string>;
    }
  | { kind: 'none' };

interface Line {
  start: number;
  text: string;
  indent: number;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const raw of text.split('\n')) {
    const body = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    lines.push({ start, text: body, indent: body.length - body.trimStart().length });
    start += raw.length + 1;
  }
  return lines;
}

const KEY_LINE = /^(\s*)(-\s+)?([A-Za-z_.][\w.-]*)\s*:(?:\s|$)/;

function unquote(value: string): string {
  const trimmed = value.replace(/\s+#.*$/, '').trim();
  if ((trimmed.startsWith('"') && trimmed.endsWith('"')) || (trimmed.startsWith("'") && trimmed.endsWith("'")))
    return trimmed.slice(1, -1);
  return trimmed;
}

/** The lines of the top-level item around `lineIndex`, as key → value for the entry and for its deploy block. */
function entryAround(
  lines: Line[],
  lineIndex: number,
): { entry: Record<string, string>; deploy: Record<string, string>; first: number } {
  let first = lineIndex;
  while (first > 0 && !/^-(\s|$)/.test(lines[first]?.text ?? '')) first--;
  let last = lineIndex;
  while (last + 1 < lines.length && !/^-(\s|$)/.test(lines[last + 1]?.text ?? '')) last++;
  const entry: Record<string, string> = {};
  const deploy: Record<string, string> = {};
  let entryIndent = -1;
  let inDeploy = false;
  for (let i = first; i <= last; i++) {
    const line = lines[i];
    if (!line || line.text.trim() === '' || line.text.trim().startsWith('#')) continue;
    const match = KEY_LINE.exec(line.text);
    if (!match) continue;
    const column = (match[1] ?? '').length + (match[2] ?? '').length;
    const key = match[3] ?? '';
    const value = line.text.slice(match[0].length);
    if (entryIndent < 0 || column <= entryIndent) {
      entryIndent = column;
      inDeploy = key === 'deploy';
      entry[key] = unquote(value);
    } else if (inDeploy) {
      deploy[key] = unquote(value);
    }
  }
  return { entry, deploy, first };
}

export function cursorContext(text: string, offset: number): CursorContext {
  const lines = linesOf(text);
  let lineIndex = lines.findIndex(
    (line, i) => offset >= line.start && (i + 1 >= lines.length || offset < (lines[i + 1]?.start ?? Infinity)),
  );
  if (lineIndex < 0) lineIndex = lines.length - 1;
  const line = lines[lineIndex];
  if (!line) return { kind: 'none' };
  const column = offset - line.start;
  const before = line.text.slice(0, column);
  if (before.includes('#')) return { kind: 'none' };
  const { entry, deploy } = entryAround(lines, lineIndex);

  const keyMatch = KEY_LINE.exec(line.text);
  if (keyMatch && column >= keyMatch[0].trimEnd().length) {
    const key = keyMatch[3] ?? '';
    const keyColumn = (keyMatch[1] ?? '').length + (keyMatch[2] ?? '').length;
    const rest = line.text.slice(keyMatch[0].length);
    const valueStartColumn = keyMatch[0].length + (rest.length - rest.trimStart().length);
    const valueText = line.text.slice(valueStartColumn).replace(/\s+#.*$/, '');
    const quote = valueText.startsWith('"') ? '"' : valueText.startsWith("'") ? "'" : '';
    const innerStart = valueStartColumn + (quote ? 1 : 0);
    let innerEnd = valueStartColumn + valueText.trimEnd().length;
    const closed = quote === '' || (valueText.trimEnd().length > 1 && valueText.trimEnd().endsWith(quote));
    if (quote && closed) innerEnd -= 1;
    if (column < innerStart && column > valueStartColumn) return { kind: 'none' };
    const parent = isUnderDeploy(lines, lineIndex, keyColumn) ? 'deploy' : 'entry';
    return {
      kind: 'value',
      key,
      parent,
      prefix: line.text.slice(innerStart, Math.max(innerStart, column)),
      quote,
      closed,
      replace: [line.start + innerStart, line.start + Math.max(innerStart, innerEnd, column)],
      entry: { ...entry, ...Object.fromEntries(Object.entries(deploy).map(([k, v]) => [`deploy.${k}`, v])) },
    };
  }

  const partial = /^(\s*)(-\s+)?([A-Za-z_.]*)$/.exec(before);
  if (!partial) return { kind: 'none' };
  const after = line.text.slice(column);
  if (after.trim() !== '' && !/^[A-Za-z_.-]*$/.test(after)) return { kind: 'none' };
  const prefix = partial[3] ?? '';
  const replace: [number, number] = [offset - prefix.length, offset + (after.match(/^[A-Za-z_.-]*/)?.[0].length ?? 0)];
  const keyColumn = (partial[1] ?? '').length + (partial[2] ?? '').length;
  if (partial[2] !== undefined || keyColumn === 0) {
    const newItem = partial[2] !== undefined || keyColumn === 0;
    return {
      kind: 'entry-key',
      prefix,
      replace,
      existingKeys: partial[2] !== undefined ? [] : Object.keys(entry),
      newItem,
    };
  }
  if (isUnderDeploy(lines, lineIndex, keyColumn))
    return { kind: 'deploy-key', prefix, replace, existingKeys: Object.keys(deploy) };
  return { kind: 'entry-key', prefix, replace, existingKeys: Object.keys(entry), newItem: false };
}

/** True when the nearest less-indented key line above is `deploy:`. */
function isUnderDeploy(lines: Line[], lineIndex: number, column: number): boolean {
  for (let i = lineIndex - 1; i >= 0; i--) {
    const line = lines[i];
    if (!line || line.text.trim() === '' || line.text.trim().startsWith('#')) continue;
    const match = KEY_LINE.exec(line.text);
    const keyColumn = match ? (match[1] ?? '').length + (match[2] ?? '').length : line.indent;
    if (keyColumn < column) return match?.[3] === 'deploy';
    if (/^-(\s|$)/.test(line.text)) return false;
  }
  return false;
}
