/**
 * Incremental per-file analysis for the editor. Parsing is the cost (`yaml` needs ~66 ms for 1,000 entries and
 * ~860 ms for 10,000), and release files are nearly always a plain top-level block sequence, so each top-level item
 * is analysed on its own and an edit re-analyses only the items whose text changed. The result equals
 * `analyzeReleaseFile` for the whole text; whenever splitting could change the meaning, we use that full analysis.
 */
import { isAlias, isScalar, isSeq, LineCounter, visit, type Document } from 'yaml';
import { GOCCY_ITEM_ORDER_STRIDE, type Problem, type Range } from '../kayron/problem';
import {
  isTakingTag,
  type DecodedDeploy,
  type DecodedEntry,
  type DecodedField,
  type DecodedFile,
  type UnknownKey,
} from '../yaml/decode';
import { analyzeReleaseFile, type FileAnalysis } from './validate';

/** One top-level item (with the comments and blank lines after it) analysed alone, positions in file coordinates. */
interface ItemResult {
  text: string;
  start: number;
  /** 0-based line of `start`, for the `[line:col]` prefixes in decode messages. */
  line: number;
  index: number;
  /** Line breaks goccy counts twice in the item's text (see decode.ts): the items below read that many lines lower. */
  goccyExtraLines: number;
  /**
   * The doubled breaks of the items above that the `[line:col]` of `decodeProblems` include. Set by `alignGoccyLines`
   * once the items are in place: an item analysed alone cannot see them.
   */
  goccyLinesAbove: number;
  /** Zero or one entry: an item that is not a mapping decodes to a problem instead. */
  entries: DecodedEntry[];
  decodeProblems: Problem[];
  checkProblems: Problem[];
  /** The item's extension warnings, without the file-level ones that depend only on the path. */
  extraProblems: Problem[];
  unknownKeys: UnknownKey[];
}

interface ItemCache {
  /** The text that `items` describe exactly; the next text is compared with it. */
  text: string;
  items: ItemResult[];
  /** Set once a later analysis moved some of `items` in place: they no longer describe `text`. */
  consumed: boolean;
  /** Results by item text, for items that moved or came back (e.g. after undo); may hold items no longer present. */
  byText: Map<string, ItemResult>;
}

/** Per-item results hang off the analysis they produced, so nothing outlives the workspace's own cache. */
const caches = new WeakMap<FileAnalysis, ItemCache>();

const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const DASH = 45;
const HASH = 35;

interface Context {
  relativePath: string;
  /** Warnings that depend only on the path (they come once per file, not once per item). */
  pathProblems: readonly Problem[];
}

interface LineScan {
  /** Item starts found, as offsets. */
  starts: number[];
  /** 0-based line of each start. */
  lines: number[];
  /** Line breaks in the scanned range. */
  lineBreaks: number;
}

/**
 * Scans the lines starting in `[from, to)` (both line starts) of a top-level block sequence: a line starting with
 * `-` plus space or end of line starts an item; comments and blank lines may start at column 0; indented lines
 * continue the current item. Undefined for anything else at column 0 (a key, `---`, `...`, a directive, a flow
 * collection, a scalar), and for indented content before the first item.
 */
function scanLines(
  text: string,
  from: number,
  to: number,
  firstLine: number,
  itemsBefore: boolean,
): LineScan | undefined {
  const starts: number[] = [];
  const lines: number[] = [];
  let line = firstLine;
  let offset = from;
  while (offset < to) {
    const newline = text.indexOf('\n', offset);
    const end = newline < 0 ? text.length : newline;
    const first = text.charCodeAt(offset);
    if (first === DASH) {
      const next = text.charCodeAt(offset + 1);
      if (offset + 1 < end && next !== SPACE && next !== CARRIAGE_RETURN) return undefined;
      starts.push(offset);
      lines.push(line);
    } else if (first === SPACE) {
      if (!itemsBefore && starts.length === 0 && !/^[ \r]*(#|$)/.test(text.slice(offset, end))) return undefined;
    } else if (first !== HASH && first !== LINE_FEED && first !== CARRIAGE_RETURN) {
      return undefined;
    }
    if (newline < 0) break;
    offset = newline + 1;
    line++;
  }
  return { starts, lines, lineBreaks: line - firstLine };
}

/** Characters that make a file unsplittable wherever they appear: tabs (goccy's indentation rules), NUL, lone CR. */
function hasUnsplittableCharacter(text: string, from: number, to: number): boolean {
  for (let offset = Math.max(0, from); offset < Math.min(text.length, to); offset++) {
    const code = text.charCodeAt(offset);
    if (code === 9 || code === 0) return true;
    if (code === CARRIAGE_RETURN && text.charCodeAt(offset + 1) !== LINE_FEED) return true;
  }
  return false;
}

/** Item starts of a whole text, or undefined when it is not a plain top-level block sequence (see `scanLines`). */
export function splitTopLevelItems(text: string): number[] | undefined {
  if (text.charCodeAt(0) === 0xfeff || hasUnsplittableCharacter(text, 0, text.length)) return undefined;
  const scan = scanLines(text, 0, text.length, 0, false);
  return scan && scan.starts.length > 0 ? scan.starts : undefined;
}

/**
 * Anchors, aliases and merge keys tie items together, and so does a value that is only a tag (goccy gives it the keys
 * or items after it, see decode.ts): an item using them cannot be analysed alone.
 */
function usesAnchorsOrMerges(text: string, document: Document.Parsed): boolean {
  if (!text.includes('&') && !text.includes('*') && !text.includes('<<') && !text.includes('!')) return false;
  let found = false;
  visit(document, {
    Node(_key, node) {
      if (isAlias(node) || ('anchor' in node && node.anchor) || isTakingTag(node)) {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.source === '<<') {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

const sameProblem = (a: Problem, b: Problem): boolean =>
  a.code === b.code &&
  a.message === b.message &&
  a.severity === b.severity &&
  a.range[0] === b.range[0] &&
  a.range[1] === b.range[1];

/** Decode problems whose position we know how to move: type errors and duplicate keys. Others need the full parse. */
const isMovableDecodeProblem = (problem: Problem): boolean =>
  problem.code === 'yaml-type' ||
  (problem.code === 'yaml-syntax' && / already defined at \[\d+:\d+\]$/.test(problem.message));

/** Analyses one item as if it were the whole file; undefined when only a full parse can give the exact result. */
function analyzeItem(
  context: Context,
  text: string,
  start: number,
  line: number,
  index: number,
): ItemResult | undefined {
  const analysis = analyzeReleaseFile(context.relativePath, text);
  const decoded = analysis.decoded;
  // No document means a YAML syntax error: its message and recovery depend on the text around the item.
  if (!decoded?.document || decoded.ignoredDocuments.length > 0) return undefined;
  // Text goccy reads but the `yaml` library stumbles on: its recovery depends on the items around it.
  if (decoded.document.errors.length > 0) return undefined;
  const root = decoded.document.contents;
  if (!isSeq(root) || root.items.length !== 1) return undefined;
  if (usesAnchorsOrMerges(text, decoded.document)) return undefined;
  if (!decoded.problems.every(isMovableDecodeProblem)) return undefined;
  const decodeProblems = analysis.kayronProblems.slice(0, decoded.problems.length);
  const checkProblems = analysis.kayronProblems.slice(decoded.problems.length);
  const pathLeft = [...context.pathProblems];
  const extraProblems = analysis.extraProblems.filter((problem) => {
    const at = pathLeft.findIndex((pathProblem) => sameProblem(pathProblem, problem));
    if (at < 0) return true;
    pathLeft.splice(at, 1);
    return false;
  });
  if (pathLeft.length > 0) return undefined;
  // decode.ts falls back to [0, 0] for nodes without a range; that offset is file-absolute and cannot be moved.
  const all = [...decodeProblems, ...checkProblems, ...extraProblems];
  if (all.some((problem) => problem.range[0] === 0 && problem.range[1] === 0)) return undefined;
  const item: ItemResult = {
    text,
    start: 0,
    line: 0,
    index: 0,
    goccyExtraLines: decoded.goccyExtraLines,
    goccyLinesAbove: 0,
    entries: decoded.entries,
    decodeProblems,
    checkProblems,
    extraProblems,
    unknownKeys: decoded.unknownKeys,
  };
  ownRanges(item);
  moveItemInPlace(item, start, line, index);
  return item;
}

const shiftRangeInPlace = (range: Range, delta: number): void => {
  range[0] += delta;
  range[1] += delta;
};

function shiftFieldInPlace(field: DecodedField<unknown> | undefined, delta: number): void {
  if (!field) return;
  shiftRangeInPlace(field.key, delta);
  shiftRangeInPlace(field.valueRange, delta);
}

/**
 * Shifts every `[start, end]` array of an entry in place (the slots `ownRanges` made unshared). Field by field, with no
 * array of slots: an edit near the top of a 10,000-entry file moves thousands of entries.
 */
function shiftEntryInPlace(entry: DecodedEntry, delta: number): void {
  shiftRangeInPlace(entry.range, delta);
  shiftRangeInPlace(entry.anchor, delta);
  shiftFieldInPlace(entry.docker, delta);
  shiftFieldInPlace(entry.github, delta);
  shiftFieldInPlace(entry.provider, delta);
  const deploy = entry.deploy;
  if (!deploy) return;
  shiftRangeInPlace(deploy.key, delta);
  shiftRangeInPlace(deploy.node, delta);
  shiftFieldInPlace(deploy.release, delta);
  shiftFieldInPlace(deploy.branch, delta);
  shiftFieldInPlace(deploy.suspend, delta);
  shiftFieldInPlace(deploy.preview, delta);
}

/**
 * Gives every range slot of a freshly analysed item its own array, so entries can later be moved by changing their
 * arrays in place (see `moveItemInPlace`) without touching a problem that shares one (decode.ts and the rules reuse
 * key ranges for problems and their data) or another slot.
 */
function ownRanges(item: ItemResult): void {
  const seen = new Set<Range>();
  const own = (range: Range): Range => {
    if (!seen.has(range)) {
      seen.add(range);
      return range;
    }
    return [range[0], range[1]];
  };
  for (const entry of item.entries) {
    entry.range = own(entry.range);
    entry.anchor = own(entry.anchor);
    for (const field of [
      entry.docker,
      entry.github,
      entry.provider,
      entry.deploy?.release,
      entry.deploy?.branch,
      entry.deploy?.suspend,
      entry.deploy?.preview,
    ]) {
      if (!field) continue;
      field.key = own(field.key);
      field.valueRange = own(field.valueRange);
    }
    if (entry.deploy) {
      entry.deploy.key = own(entry.deploy.key);
      entry.deploy.node = own(entry.deploy.node);
    }
  }
  // Problems are copied whenever they move, but must not share an array that an entry will change.
  for (const problems of [item.decodeProblems, item.checkProblems, item.extraProblems]) {
    for (const problem of problems) {
      problem.range = [problem.range[0], problem.range[1]];
      if (problem.data) problem.data = shiftData(problem.data, 0) as Record<string, unknown>;
    }
  }
}

const shiftRange = (range: Range, delta: number): Range => [range[0] + delta, range[1] + delta];

function shiftField<T>(field: DecodedField<T>, delta: number): DecodedField<T> {
  return { ...field, key: shiftRange(field.key, delta), valueRange: shiftRange(field.valueRange, delta) };
}

function shiftDeploy(deploy: DecodedDeploy, delta: number): DecodedDeploy {
  const copy: DecodedDeploy = { ...deploy, key: shiftRange(deploy.key, delta), node: shiftRange(deploy.node, delta) };
  if (deploy.release) copy.release = shiftField(deploy.release, delta);
  if (deploy.branch) copy.branch = shiftField(deploy.branch, delta);
  if (deploy.suspend) copy.suspend = shiftField(deploy.suspend, delta);
  if (deploy.preview) copy.preview = shiftField(deploy.preview, delta);
  return copy;
}

/** Spread first, so a field decode.ts adds later is carried over (and the property test shows if it holds a range). */
function shiftEntry(entry: DecodedEntry, delta: number, index: number): DecodedEntry {
  const copy: DecodedEntry = {
    ...entry,
    index,
    range: shiftRange(entry.range, delta),
    anchor: shiftRange(entry.anchor, delta),
  };
  if (entry.docker) copy.docker = shiftField(entry.docker, delta);
  if (entry.github) copy.github = shiftField(entry.github, delta);
  if (entry.provider) copy.provider = shiftField(entry.provider, delta);
  if (entry.deploy) copy.deploy = shiftDeploy(entry.deploy, delta);
  return copy;
}

/**
 * Problem data holds ranges only as `[start, end]` number pairs (e.g. `strategyKeys`); move every such pair. Data
 * without any (most of it: a tag, a suggestion) is returned as it is, so moving thousands of problems allocates little.
 */
function shiftData(value: unknown, delta: number): unknown {
  if (Array.isArray(value)) {
    if (value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number')
      return [value[0] + delta, value[1] + delta];
    let changed = false;
    const shifted = value.map((element: unknown) => {
      const moved = shiftData(element, delta);
      changed ||= moved !== element;
      return moved;
    });
    return changed ? shifted : value;
  }
  if (value !== null && typeof value === 'object') {
    let copy: Record<string, unknown> | undefined;
    for (const [key, element] of Object.entries(value)) {
      const moved = shiftData(element, delta);
      if (moved !== element) (copy ??= { ...(value as Record<string, unknown>) })[key] = moved;
    }
    return copy ?? value;
  }
  return value;
}

function shiftProblem(problem: Problem, delta: number): Problem {
  const copy: Problem = { ...problem, range: shiftRange(problem.range, delta) };
  if (problem.data) copy.data = shiftData(problem.data, delta) as Record<string, unknown>;
  return copy;
}

/** Decode messages start with `[line:col]`, and a duplicate key also names the first key's position. */
function shiftMessageLines(message: string, lineDelta: number): string {
  if (lineDelta === 0) return message;
  const move = (_match: string, before: string, line: string, col: string) =>
    `${before}[${Number(line) + lineDelta}:${col}]`;
  return message.replace(/^()\[(\d+):(\d+)\]/, move).replace(/( already defined at )\[(\d+):(\d+)\]$/, move);
}

/** A decode problem of an item moved by `delta` characters, `lineDelta` lines (goccy's) and `indexDelta` items. */
function moveDecodeProblem(problem: Problem, delta: number, lineDelta: number, indexDelta: number): Problem {
  const copy = shiftProblem(problem, delta);
  copy.message = shiftMessageLines(problem.message, lineDelta);
  if (indexDelta !== 0 && problem.goccyOrder !== undefined)
    copy.goccyOrder = problem.goccyOrder + indexDelta * GOCCY_ITEM_ORDER_STRIDE;
  return copy;
}

/**
 * The item as it reads at another position (items start at column 0, so columns stay), with `goccyLinesAbove` doubled
 * breaks above it.
 */
function moveItem(
  item: ItemResult,
  start: number,
  line: number,
  index: number,
  copy = false,
  goccyLinesAbove = item.goccyLinesAbove,
): ItemResult {
  if (!copy && item.start === start && item.line === line && item.index === index) return item;
  const delta = start - item.start;
  const lineDelta = line - item.line + goccyLinesAbove - item.goccyLinesAbove;
  return {
    text: item.text,
    start,
    line,
    index,
    goccyExtraLines: item.goccyExtraLines,
    goccyLinesAbove,
    entries: item.entries.map((entry) => shiftEntry(entry, delta, index)),
    decodeProblems: item.decodeProblems.map((problem) =>
      moveDecodeProblem(problem, delta, lineDelta, index - item.index),
    ),
    checkProblems: item.checkProblems.map((problem) => shiftProblem(problem, delta)),
    extraProblems: item.extraProblems.map((problem) => shiftProblem(problem, delta)),
    unknownKeys: item.unknownKeys.map((key) => ({ ...key, range: shiftRange(key.range, delta) })),
  };
}

/**
 * Moves an item of the previous analysis to its place in the next one. An insertion in a 10,000-entry file moves
 * thousands of entries; copying them all would cost more than the edit and leave the garbage collector long-lived
 * copies to promote, so entries are moved in place, range arrays included (`ownRanges` made them unshared): the
 * previous analysis must not be used afterwards (the workspace replaces it). Problems are few and are copied, so a
 * Problem object never changes once handed out.
 */
function moveItemInPlace(item: ItemResult, delta: number, lineDelta: number, indexDelta: number): void {
  item.start += delta;
  item.line += lineDelta;
  item.index += indexDelta;
  for (const entry of item.entries) {
    entry.index = item.index;
    if (delta !== 0) shiftEntryInPlace(entry, delta);
  }
  // Most items have no problems: keep their empty arrays rather than allocate new ones.
  if (delta !== 0) {
    if (item.checkProblems.length > 0)
      item.checkProblems = item.checkProblems.map((problem) => shiftProblem(problem, delta));
    if (item.extraProblems.length > 0)
      item.extraProblems = item.extraProblems.map((problem) => shiftProblem(problem, delta));
    if (item.unknownKeys.length > 0)
      item.unknownKeys = item.unknownKeys.map((key) => ({ ...key, range: shiftRange(key.range, delta) }));
  }
  if ((delta !== 0 || lineDelta !== 0 || indexDelta !== 0) && item.decodeProblems.length > 0) {
    item.decodeProblems = item.decodeProblems.map((problem) =>
      moveDecodeProblem(problem, delta, lineDelta, indexDelta),
    );
  }
}

interface Reuse {
  byText: Map<string, ItemResult>;
  /** Items that are about to be moved in place: reusing one elsewhere needs a copy. */
  movesInPlace: (item: ItemResult) => boolean;
}

/** Reuses an earlier result for the same text (moved), or analyses the item. */
function itemAt(
  context: Context,
  reuse: Reuse | undefined,
  text: string,
  start: number,
  line: number,
  index: number,
): ItemResult | undefined {
  const known = reuse?.byText.get(text);
  return known
    ? moveItem(known, start, line, index, reuse?.movesInPlace(known))
    : analyzeItem(context, text, start, line, index);
}

/** The items of `scan` (covering `[scan.starts[0], end)` of `text`); the first item of a file also owns the lines above it. */
function itemsOfScan(
  context: Context,
  reuse: Reuse | undefined,
  text: string,
  scan: LineScan,
  end: number,
  firstIndex: number,
): ItemResult[] | undefined {
  const items: ItemResult[] = [];
  for (let k = 0; k < scan.starts.length; k++) {
    const index = firstIndex + k;
    const start = index === 0 ? 0 : (scan.starts[k] as number);
    const line = index === 0 ? 0 : (scan.lines[k] as number);
    const item = itemAt(context, reuse, text.slice(start, scan.starts[k + 1] ?? end), start, line, index);
    if (!item) return undefined;
    items.push(item);
  }
  return items;
}

/** All items of a text seen for the first time (or after a fallback without cache). */
function itemsFromScratch(context: Context, text: string): EditedItems | undefined {
  if (text.charCodeAt(0) === 0xfeff || hasUnsplittableCharacter(text, 0, text.length)) return undefined;
  const scan = scanLines(text, 0, text.length, 0, false);
  if (!scan || scan.starts.length === 0) return undefined;
  const items = itemsOfScan(context, undefined, text, scan, text.length, 0);
  return items && { items, added: items };
}

/** Compared a block at a time first: native string comparison is far faster than a loop over characters. */
const COMPARE_BLOCK = 1024;

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let length = 0;
  while (
    length + COMPARE_BLOCK <= limit &&
    a.slice(length, length + COMPARE_BLOCK) === b.slice(length, length + COMPARE_BLOCK)
  )
    length += COMPARE_BLOCK;
  while (length < limit && a.charCodeAt(length) === b.charCodeAt(length)) length++;
  return length;
}

function commonSuffixLength(a: string, b: string, limit: number): number {
  let length = 0;
  while (
    length + COMPARE_BLOCK <= limit &&
    a.slice(a.length - length - COMPARE_BLOCK, a.length - length) ===
      b.slice(b.length - length - COMPARE_BLOCK, b.length - length)
  )
    length += COMPARE_BLOCK;
  while (length < limit && a.charCodeAt(a.length - 1 - length) === b.charCodeAt(b.length - 1 - length)) length++;
  return length;
}

interface EditedItems {
  items: ItemResult[];
  /** Items that are new in this text (analysed, or found by text), to remember by their text. */
  added: ItemResult[];
}

/**
 * Items of `text` given the items of the cached earlier text: items before the first changed character are kept as
 * they are, items after the last one are moved, and only the lines in between are scanned and their items analysed.
 */
function itemsAfterEdit(context: Context, cache: ItemCache, text: string): EditedItems | undefined {
  const before = cache.text;
  const items = cache.items;
  const prefix = commonPrefixLength(before, text);
  const suffix = commonSuffixLength(before, text, Math.min(before.length, text.length) - prefix);
  const delta = text.length - before.length;
  const changedEnd = before.length - suffix;
  // Only the changed characters (and a CR just before them) can make the new text unsplittable.
  if (
    (prefix === 0 && text.charCodeAt(0) === 0xfeff) ||
    hasUnsplittableCharacter(text, prefix - 1, text.length - suffix + 1)
  )
    return undefined;
  const endOf = (index: number) => items[index + 1]?.start ?? before.length;
  // Kept: items ending before the first change, so the `-` that ends them is unchanged too.
  let kept = 0;
  while (kept < items.length && endOf(kept) < prefix) kept++;
  // Moved: items starting after the last change, so the line break before them is unchanged too.
  let moved = items.length;
  while (moved > kept && (items[moved - 1] as ItemResult).start > changedEnd) moved--;
  // With nothing kept, scan from the top: the lines above the first item belong to no item but must stay plain.
  const from = kept === 0 ? 0 : (items[kept] as ItemResult).start;
  const firstLine = kept === 0 ? 0 : (items[kept] as ItemResult).line;
  for (;;) {
    const to = moved < items.length ? (items[moved] as ItemResult).start + delta : text.length;
    const scan = scanLines(text, from, to, firstLine, kept > 0);
    if (!scan) return undefined;
    // With nothing kept, the first scanned item becomes item 0 and must take in the lines above it.
    if (scan.starts.length === 0 && moved < items.length) {
      moved++;
      continue;
    }
    if (scan.starts.length === 0) return undefined;
    const firstMoved = moved;
    const movesInPlace = (item: ItemResult) => item.index >= firstMoved && items[item.index] === item;
    const middle = itemsOfScan(context, { byText: cache.byText, movesInPlace }, text, scan, to, kept);
    if (!middle) return undefined;
    const result = items.slice(0, kept);
    for (const item of middle) result.push(item);
    const lineDelta = firstLine + scan.lineBreaks - (items[moved]?.line ?? 0);
    const indexDelta = kept + middle.length - moved;
    if (moved < items.length && (delta !== 0 || lineDelta !== 0 || indexDelta !== 0)) cache.consumed = true;
    for (let index = moved; index < items.length; index++) {
      const item = items[index] as ItemResult;
      moveItemInPlace(item, delta, lineDelta, indexDelta);
      result.push(item);
    }
    return { items: result, added: middle };
  }
}

/**
 * Below this length a full parse costs a few milliseconds, less than splitting a fresh file into items (many small
 * files are scanned at start-up), so such texts are analysed whole and keep no item cache.
 */
export const INCREMENTAL_MIN_LENGTH = 4096;

/** When to hand the work to the analysis worker instead of doing it on the server's event loop. */
export interface DeferLimits {
  /** Texts at least this long that need a whole-file parse or a from-scratch split are deferred. */
  wholeTextLength: number;
  /** Edits whose changed text (in the new text) is at least this long are deferred. */
  changedLength: number;
}

/** Never defer: the synchronous behaviour of `analyzeReleaseFileIncremental`. */
const NEVER_DEFER: DeferLimits = { wholeTextLength: Infinity, changedLength: Infinity };

/**
 * Like `analyzeReleaseFileIncremental`, but returns undefined instead of doing work that `limits` call too big for
 * one turn of the event loop (a whole-file parse, a from-scratch split, or re-analysing a large changed span): the
 * caller then uses `analyzeInSlices`, or, for a text that cannot be split, `analyzeForTransfer` on a worker thread.
 */
export function analyzeIncrementallyOrDefer(
  relativePath: string,
  text: string,
  previous: FileAnalysis | undefined,
  limits: DeferLimits,
  minLength = INCREMENTAL_MIN_LENGTH,
): FileAnalysis | undefined {
  const pathOnly = analyzeReleaseFile(relativePath, '');
  if (text.length < minLength || !pathOnly.fileClass.loadedByKayron || pathOnly.kayronProblems.length > 0) {
    return text.length >= limits.wholeTextLength && pathOnly.fileClass.loadedByKayron
      ? undefined
      : analyzeReleaseFile(relativePath, text);
  }
  const known = previous && previous.relativePath === relativePath ? caches.get(previous) : undefined;
  // A previous analysis used a second time has had its items moved on: start afresh rather than trust them.
  const cache = known?.consumed ? undefined : known;
  const context: Context = { relativePath, pathProblems: pathOnly.extraProblems };
  let edited: EditedItems | undefined;
  if (cache) {
    if (changedLength(cache.text, text) >= limits.changedLength) return undefined;
    edited = itemsAfterEdit(context, cache, text);
  } else {
    if (text.length >= limits.wholeTextLength) return undefined;
    edited = itemsFromScratch(context, text);
  }
  if (!edited) {
    // Not a plain block sequence, or a YAML error, anchors or another construct that ties items together: only the
    // full parse is exact. The earlier items stay cached, so the edit that fixes it is incremental again.
    if (text.length >= limits.wholeTextLength) return undefined;
    const full = analyzeReleaseFile(relativePath, text);
    if (cache) caches.set(full, cache);
    return full;
  }
  return remember(relativePath, text, pathOnly, edited, cache?.byText);
}

/**
 * `analyzeReleaseFile(relativePath, text)`, reusing the per-item results behind `previous` (the analysis of an
 * earlier text of the same file) for items whose text did not change. Entries of `previous` may be moved to their
 * new positions (see `moveItemInPlace`), so it should not be read afterwards; passing it again is safe but slow.
 */
export function analyzeReleaseFileIncremental(
  relativePath: string,
  text: string,
  previous?: FileAnalysis,
  minLength = INCREMENTAL_MIN_LENGTH,
): FileAnalysis {
  return analyzeIncrementallyOrDefer(relativePath, text, previous, NEVER_DEFER, minLength) as FileAnalysis;
}

/** Characters of `after` that differ from `before` once their common prefix and suffix are set aside. */
function changedLength(before: string, after: string): number {
  const prefix = commonPrefixLength(before, after);
  const suffix = commonSuffixLength(before, after, Math.min(before.length, after.length) - prefix);
  return after.length - prefix - suffix;
}

function remember(
  relativePath: string,
  text: string,
  pathOnly: FileAnalysis,
  edited: EditedItems,
  known: Map<string, ItemResult> | undefined,
): FileAnalysis {
  const items = edited.items;
  let byText = known ?? new Map<string, ItemResult>();
  for (const item of edited.added) byText.set(item.text, item);
  // Removed items stay findable (undo brings them back) until the map holds twice the live items.
  if (byText.size > 2 * items.length + 64) byText = new Map(items.map((item) => [item.text, item]));
  const analysis = assemble(relativePath, text, pathOnly, items);
  caches.set(analysis, { text, items, byText, consumed: false });
  return analysis;
}

/** How `analyzeInSlices` shares the event loop. */
export interface SliceOptions {
  /** Milliseconds of work between two yields to the event loop. */
  budgetMs?: number;
  /** Asked after every yield: true abandons the work (a newer text has arrived). */
  isStale?: () => boolean;
  /**
   * False when the result will never be edited (a file at another ref): it then keeps no per-entry cache, which would
   * otherwise stay in memory as long as the analysis does.
   */
  keepItems?: boolean;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The item-by-item analysis of a whole text (a file opened for the first time, or a change too large for one
 * turn of the event loop), done a few milliseconds at a time so requests are answered in between. Items whose
 * text `previous` already analysed are copied, not analysed again, and `previous` stays usable. Resolves to
 * undefined when the text is not a plain block sequence (then only a whole-file parse is exact: see
 * `analyzeForTransfer`), and to 'stale' when `isStale` said so.
 */
export async function analyzeInSlices(
  relativePath: string,
  text: string,
  previous: FileAnalysis | undefined,
  options: SliceOptions = {},
): Promise<FileAnalysis | 'stale' | undefined> {
  const budgetMs = options.budgetMs ?? 8;
  const pathOnly = analyzeReleaseFile(relativePath, '');
  if (!pathOnly.fileClass.loadedByKayron || pathOnly.kayronProblems.length > 0) return undefined;
  if (text.charCodeAt(0) === 0xfeff || hasUnsplittableCharacter(text, 0, text.length)) return undefined;
  const scan = scanLines(text, 0, text.length, 0, false);
  if (!scan || scan.starts.length === 0) return undefined;
  const known = previous && previous.relativePath === relativePath ? caches.get(previous) : undefined;
  const byText = known && !known.consumed ? known.byText : undefined;
  const context: Context = { relativePath, pathProblems: pathOnly.extraProblems };
  const items: ItemResult[] = [];
  let sliceStart = performance.now();
  for (let index = 0; index < scan.starts.length; index++) {
    if (performance.now() - sliceStart >= budgetMs) {
      await yieldToEventLoop();
      if (options.isStale?.()) return 'stale';
      // An edit may have moved the previous items in place meanwhile (it consumed them): stop copying from them.
      if (known?.consumed) return analyzeInSlices(relativePath, text, undefined, options);
      sliceStart = performance.now();
    }
    const start = index === 0 ? 0 : (scan.starts[index] as number);
    const line = index === 0 ? 0 : (scan.lines[index] as number);
    const itemText = text.slice(start, scan.starts[index + 1] ?? text.length);
    const reused = byText?.get(itemText);
    const item = reused
      ? moveItem(reused, start, line, index, true)
      : analyzeItem(context, itemText, start, line, index);
    if (!item) return undefined;
    items.push(item);
  }
  if (options.keepItems === false) return assemble(relativePath, text, pathOnly, items);
  return remember(relativePath, text, pathOnly, { items, added: items }, undefined);
}

/** A whole-file analysis without the parts that cannot cross a thread (the YAML tree and its line counter). */
export type PlainFileAnalysis = Omit<FileAnalysis, 'decoded'> & {
  decoded: Omit<DecodedFile, 'document' | 'lineCounter'> | undefined;
};

/** What the analysis worker sends back: plain data only, so that structured cloning keeps it exact. */
export interface TransferredAnalysis {
  relativePath: string;
  text: string;
  analysis: PlainFileAnalysis;
}

/** The worker's side: the whole-file analysis, for texts that cannot be split into items (see `analyzeInSlices`). */
export function analyzeForTransfer(relativePath: string, text: string): TransferredAnalysis {
  const analysis = analyzeReleaseFile(relativePath, text);
  const decoded = analysis.decoded && {
    entries: analysis.decoded.entries,
    problems: analysis.decoded.problems,
    unknownKeys: analysis.decoded.unknownKeys,
    ignoredDocuments: analysis.decoded.ignoredDocuments,
    failed: analysis.decoded.failed,
    goccyExtraLines: analysis.decoded.goccyExtraLines,
  };
  return { relativePath, text, analysis: { ...analysis, decoded } };
}

/**
 * The server's side: the worker's result as a `FileAnalysis`. It keeps the item cache of `previous` (the analysis
 * it replaces), so the edit that makes the file splittable again (e.g. fixes a syntax error) is incremental again.
 */
export function adoptTransferred(result: TransferredAnalysis, previous?: FileAnalysis): FileAnalysis {
  const { relativePath, text } = result;
  const plain = result.analysis;
  const decoded = plain.decoded && lazyDecoded(relativePath, text, plain.decoded);
  const analysis: FileAnalysis = { ...plain, decoded };
  const known = previous && previous.relativePath === relativePath ? caches.get(previous) : undefined;
  if (known && !known.consumed) caches.set(analysis, known);
  return analysis;
}

/**
 * goccy counts some CRLF breaks twice, so the `[line:col]` of a decode message also counts the doubled breaks of every
 * item above. Adds them once the items are in place; an item whose sum changed is copied (the earlier analysis and the
 * results by text keep theirs), and only items with decode problems care, so this costs one addition per item.
 */
function alignGoccyLines(items: ItemResult[]): void {
  let above = 0;
  for (let k = 0; k < items.length; k++) {
    const item = items[k] as ItemResult;
    if (item.decodeProblems.length > 0 && item.goccyLinesAbove !== above)
      items[k] = moveItem(item, item.start, item.line, item.index, true, above);
    above += item.goccyExtraLines;
  }
}

function assemble(relativePath: string, text: string, pathOnly: FileAnalysis, items: ItemResult[]): FileAnalysis {
  alignGoccyLines(items);
  const entries: DecodedEntry[] = [];
  const decodeProblems: Problem[] = [];
  const checkProblems: Problem[] = [];
  const extraProblems: Problem[] = [];
  const unknownKeys: UnknownKey[] = [];
  let goccyExtraLines = 0;
  for (const item of items) {
    goccyExtraLines += item.goccyExtraLines;
    for (const entry of item.entries) entries.push(entry);
    for (const problem of item.decodeProblems) decodeProblems.push(problem);
    for (const problem of item.checkProblems) checkProblems.push(problem);
    for (const problem of item.extraProblems) extraProblems.push(problem);
    for (const key of item.unknownKeys) unknownKeys.push(key);
  }
  // Same orders as the full analysis: items are disjoint and in file order, and the path-level warnings come last.
  decodeProblems.sort(byStart);
  extraProblems.push(...pathOnly.extraProblems);
  extraProblems.sort(byStart);
  const decoded = lazyDecoded(relativePath, text, {
    entries,
    problems: decodeProblems,
    unknownKeys,
    ignoredDocuments: [],
    failed: decodeProblems.length > 0,
    goccyExtraLines,
  });
  return {
    relativePath,
    fileClass: pathOnly.fileClass,
    decoded,
    kayronProblems: [...decodeProblems, ...checkProblems],
    extraProblems,
  };
}

/**
 * A decoded file whose line counter and whole-file tree are built on first use: nothing on the edit path reads them,
 * and the tree costs a full parse (a worker's result or an assembled analysis has none of its own).
 */
function lazyDecoded(
  relativePath: string,
  text: string,
  fields: Omit<DecodedFile, 'document' | 'lineCounter'>,
): DecodedFile {
  let lineCounter: LineCounter | undefined;
  let document: Document.Parsed | undefined;
  let parsed = false;
  return {
    ...fields,
    get lineCounter() {
      lineCounter ??= lineCounterFor(text);
      return lineCounter;
    },
    get document() {
      if (!parsed) {
        document = analyzeReleaseFile(relativePath, text).decoded?.document;
        parsed = true;
      }
      return document;
    },
  };
}

/** The line starts decode.ts records while parsing: offset 0 and every offset after a line feed or a lone CR. */
function lineCounterFor(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (const match of text.matchAll(/\r(?!\n)|\n/g)) lineCounter.addNewLine((match.index ?? 0) + 1);
  return lineCounter;
}

const byStart = (a: { range: Range }, b: { range: Range }): number => a.range[0] - b.range[0];
