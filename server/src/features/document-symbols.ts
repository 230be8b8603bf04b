/**
 * Outline, breadcrumbs and Go to Symbol: one symbol per release entry, named like the service it deploys (the docker
 * name, the github name for the infrastructure entry) with its strategy as detail, and its keys as children. Pure:
 * decoded entries in, symbols with text offsets out; the server maps offsets to positions.
 */
import { SymbolKind, type DocumentSymbol, type Range as LspRange, type SymbolInformation } from 'vscode-languageserver';
import { CLOUDFORMATION_PROVIDER } from '../kayron/grammar';
import { entryStrategyLabel, isInfrastructureEntry } from '../kayron/entry-model';
import type { Range } from '../kayron/problem';
import type { DecodedEntry, DecodedField } from '../yaml/decode';

export interface OffsetSymbol {
  name: string;
  detail: string;
  kind: SymbolKind;
  /** The whole item (entry) or `key: value` pair. */
  range: Range;
  /** What the editor highlights and reveals: the name's value, or the key. */
  selectionRange: Range;
  children: OffsetSymbol[];
}

/** The name an entry is listed under: its docker name; the github name for the infrastructure entry or without docker. */
export function entryName(entry: DecodedEntry): DecodedField<string> | undefined {
  const isInfrastructure = isInfrastructureEntry(entry);
  const docker = entry.docker?.value ? entry.docker : undefined;
  const github = entry.github?.value ? entry.github : undefined;
  return isInfrastructure ? (github ?? docker) : (docker ?? github);
}

const contains = (outer: Range, inner: Range) => outer[0] <= inner[0] && inner[1] <= outer[1];

function keySymbol(name: string, field: DecodedField<unknown>, kind: SymbolKind): OffsetSymbol {
  const end = Math.max(field.key[1], field.valueRange[1]);
  return {
    name,
    detail: String(field.value),
    kind,
    range: [field.key[0], end],
    selectionRange: field.key,
    children: [],
  };
}

function keyChildren(entry: DecodedEntry): OffsetSymbol[] {
  const children: OffsetSymbol[] = [];
  const top: [string, DecodedField<unknown> | undefined][] = [
    ['docker', entry.docker],
    ['github', entry.github],
    ['provider', entry.provider],
  ];
  for (const [name, field] of top) if (field) children.push(keySymbol(name, field, SymbolKind.Property));
  const deploy = entry.deploy;
  if (deploy) {
    const inner: [string, DecodedField<unknown> | undefined][] = [
      ['release', deploy.release],
      ['branch', deploy.branch],
      ['suspend', deploy.suspend],
      ['preview', deploy.preview],
    ];
    const deployChildren: OffsetSymbol[] = [];
    for (const [name, field] of inner) if (field) deployChildren.push(keySymbol(name, field, SymbolKind.Property));
    deployChildren.sort((a, b) => a.range[0] - b.range[0]);
    children.push({
      name: 'deploy',
      detail: entryStrategyLabel(entry),
      kind: SymbolKind.Object,
      range: [deploy.key[0], Math.max(deploy.key[1], deploy.node[1])],
      selectionRange: deploy.key,
      children: deployChildren,
    });
  }
  // Keys in the order they are written (a flow mapping or hand-sorted file need not follow Kayron's field order).
  return children.sort((a, b) => a.range[0] - b.range[0]);
}

/** One symbol per entry, in file order. */
export function documentSymbols(entries: readonly DecodedEntry[]): OffsetSymbol[] {
  return entries.map((entry) => {
    const name = entryName(entry);
    const selectionRange = name && contains(entry.range, name.valueRange) ? name.valueRange : entry.anchor;
    return {
      // An editor needs a non-empty name; an entry without any yet is listed by its position.
      name: name?.value ?? `entry ${entry.index + 1}`,
      detail: entryStrategyLabel(entry),
      kind: entry.provider?.value === CLOUDFORMATION_PROVIDER ? SymbolKind.Package : SymbolKind.Module,
      range: entry.range,
      selectionRange: contains(entry.range, selectionRange) ? selectionRange : entry.range,
      children: keyChildren(entry),
    };
  });
}

/** The hierarchical symbols LSP clients show as an outline. */
export function toDocumentSymbols(
  symbols: readonly OffsetSymbol[],
  toRange: (range: Range) => LspRange,
): DocumentSymbol[] {
  return symbols.map((symbol) => ({
    name: symbol.name,
    detail: symbol.detail,
    kind: symbol.kind,
    range: toRange(symbol.range),
    selectionRange: toRange(symbol.selectionRange),
    children: toDocumentSymbols(symbol.children, toRange),
  }));
}

/** The flat form, for clients without `hierarchicalDocumentSymbolSupport`: children name their container. */
export function toSymbolInformation(
  symbols: readonly OffsetSymbol[],
  uri: string,
  toRange: (range: Range) => LspRange,
  containerName?: string,
): SymbolInformation[] {
  return symbols.flatMap((symbol) => [
    {
      name: symbol.name,
      kind: symbol.kind,
      location: { uri, range: toRange(symbol.range) },
      ...(containerName ? { containerName } : {}),
    },
    ...toSymbolInformation(symbol.children, uri, toRange, symbol.name),
  ]);
}

/** How `lspDocumentSymbols` shares the event loop. */
export interface SymbolSliceOptions {
  /** Milliseconds of work between two yields to the event loop (a 10,000-entry file takes a few hundred). */
  budgetMs?: number;
  /** The document's URI: answers in the flat `SymbolInformation` form (a client without hierarchical support). */
  flatUri?: string;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The symbols of `entries` as LSP answers them, built a few milliseconds at a time so that other requests (and
 * diagnostics) are served in between on large files.
 */
export async function lspDocumentSymbols(
  entries: readonly DecodedEntry[],
  toRange: (range: Range) => LspRange,
  options: SymbolSliceOptions = {},
): Promise<DocumentSymbol[] | SymbolInformation[]> {
  const budgetMs = options.budgetMs ?? 8;
  const hierarchical: DocumentSymbol[] = [];
  const flat: SymbolInformation[] = [];
  let sliceStart = performance.now();
  for (let start = 0; start < entries.length; start += 100) {
    if (performance.now() - sliceStart >= budgetMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    const symbols = documentSymbols(entries.slice(start, start + 100));
    if (options.flatUri === undefined) hierarchical.push(...toDocumentSymbols(symbols, toRange));
    else flat.push(...toSymbolInformation(symbols, options.flatUri, toRange));
  }
  return options.flatUri === undefined ? hierarchical : flat;
}
