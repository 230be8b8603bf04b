/**
 * Expand/shrink selection (smart select) for release files: quoted text → value → `key: value` → `deploy` mapping →
 * `deploy:` pair → entry → the whole list. Pure: decoded entries and an offset in, nested offset ranges out
 * (innermost first); the server links them as LSP `SelectionRange` parents.
 */
import type { Range as LspRange, SelectionRange } from 'vscode-languageserver';
import type { Range } from '../kayron/problem';
import type { DecodedEntry, DecodedField } from '../yaml/decode';
import { trimmedEnd } from './folding-ranges';

const within = (range: Range, offset: number) => offset >= range[0] && offset <= range[1];

function fieldChain(field: DecodedField<unknown>, offset: number): Range[] {
  const pair: Range = [field.key[0], Math.max(field.key[1], field.valueRange[1])];
  if (within(field.key, offset)) return [field.key, pair];
  if (!within(field.valueRange, offset)) return within(pair, offset) ? [pair] : [];
  const chain: Range[] = [];
  const [start, end] = field.valueRange;
  if ((field.quote === 'double' || field.quote === 'single') && end - start >= 2 && offset > start && offset < end)
    chain.push([start + 1, end - 1]);
  chain.push(field.valueRange, pair);
  return chain;
}

function fieldsOf(entry: DecodedEntry): DecodedField<unknown>[] {
  return [entry.docker, entry.github, entry.provider].filter(
    (field): field is DecodedField<string> => field !== undefined,
  );
}

function deployFieldsOf(entry: DecodedEntry): DecodedField<unknown>[] {
  const deploy = entry.deploy;
  if (!deploy) return [];
  return [deploy.release, deploy.branch, deploy.suspend, deploy.preview].filter(
    (field): field is DecodedField<never> => field !== undefined,
  );
}

/** Ranges around `offset`, innermost first, each strictly containing the one before. */
export function selectionChain(text: string, entries: readonly DecodedEntry[], offset: number): Range[] {
  const chain: Range[] = [];
  const entry = entries.find((candidate) => within(candidate.range, offset));
  if (entry) {
    for (const field of fieldsOf(entry)) chain.push(...fieldChain(field, offset));
    const deploy = entry.deploy;
    if (deploy) {
      const pair: Range = [deploy.key[0], Math.max(deploy.key[1], deploy.node[1])];
      if (within(deploy.key, offset)) chain.push(deploy.key);
      else if (within(deploy.node, offset)) {
        for (const field of deployFieldsOf(entry)) chain.push(...fieldChain(field, offset));
        chain.push([deploy.node[0], trimmedEnd(text, deploy.node[0], deploy.node[1])]);
      }
      if (within(pair, offset)) chain.push([pair[0], trimmedEnd(text, pair[0], pair[1])]);
    }
    chain.push([entry.range[0], trimmedEnd(text, entry.range[0], entry.range[1])]);
  }
  const first = entries[0];
  const last = entries.at(-1);
  if (first && last) chain.push([first.range[0], trimmedEnd(text, first.range[0], last.range[1])]);
  chain.push([0, text.length]);
  return nested(chain, offset);
}

/** Keeps each range that contains the offset and strictly grows the one before (drops repeats and strays). */
function nested(chain: readonly Range[], offset: number): Range[] {
  const result: Range[] = [];
  for (const range of chain) {
    if (!within(range, offset)) continue;
    const previous = result.at(-1);
    if (
      previous &&
      !(range[0] <= previous[0] && previous[1] <= range[1] && (range[0] < previous[0] || previous[1] < range[1]))
    )
      continue;
    result.push(range);
  }
  return result;
}

/** An innermost-first chain as LSP's linked `SelectionRange` (each `parent` the next range out). */
export function toSelectionRange(
  chain: readonly Range[],
  toRange: (range: Range) => LspRange,
): SelectionRange | undefined {
  let result: SelectionRange | undefined;
  for (const range of [...chain].reverse()) result = { range: toRange(range), ...(result ? { parent: result } : {}) };
  return result;
}
