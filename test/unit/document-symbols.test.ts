// Outline symbols: one per entry, named by docker (github for the infrastructure entry), strategy as detail, keys as children.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { SymbolKind } from 'vscode-languageserver';
import { analyzeReleaseFile } from '../../server/src/features/validate';
import {
  documentSymbols,
  lspDocumentSymbols,
  toDocumentSymbols,
  toSymbolInformation,
  type OffsetSymbol,
} from '../../server/src/features/document-symbols';
import { generateReleaseFile } from '../bench/release-files';
import { parseRanges } from '../helpers/cursor';

function symbolsOf(text: string, relativePath = 'service/service.yaml'): OffsetSymbol[] {
  return documentSymbols(analyzeReleaseFile(relativePath, text).decoded?.entries ?? []);
}

/** name → detail, recursively, for compact expectations. */
const outline = (symbols: readonly OffsetSymbol[]): unknown[] =>
  symbols.map((symbol) =>
    symbol.children.length > 0 ? [symbol.name, symbol.detail, outline(symbol.children)] : [symbol.name, symbol.detail],
  );

describe('document symbols', () => {
  test('one symbol per entry, spanning the entry, with the name value selected', () => {
    const { text, ranges } = parseRanges(
      '«- docker: «"kayron"»\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"»\n\n«- docker: «"alloy"»\n  github: "alloy-repo"\n  deploy:\n    branch: "feature/x"»\n',
    );
    const symbols = symbolsOf(text);
    assert.deepEqual(
      symbols.map((symbol) => [symbol.name, symbol.detail, symbol.kind]),
      [
        ['kayron', 'v0.5.3', SymbolKind.Module],
        ['alloy', 'branch feature/x', SymbolKind.Module],
      ],
    );
    const [firstEntry, firstName, secondEntry, secondName] = ranges;
    // The entry range runs to the end of its node (the line break included); the marked range stops before it.
    assert.equal(
      text.slice(symbols[0]?.range[0], symbols[0]?.range[1]).trimEnd(),
      text.slice(firstEntry?.[0], firstEntry?.[1]),
    );
    assert.deepEqual(symbols[0]?.selectionRange, firstName);
    assert.equal(
      text.slice(symbols[1]?.range[0], symbols[1]?.range[1]).trimEnd(),
      text.slice(secondEntry?.[0], secondEntry?.[1]),
    );
    assert.deepEqual(symbols[1]?.selectionRange, secondName);
  });

  test('keys as children in written order, deploy keys nested under deploy', () => {
    const symbols = symbolsOf(
      '- github: "kayron"\n  docker: "kayron"\n  deploy:\n    preview: true\n    release: "v1.2.3"\n',
    );
    assert.deepEqual(outline(symbols), [
      [
        'kayron',
        'v1.2.3 +preview',
        [
          ['github', 'kayron'],
          ['docker', 'kayron'],
          [
            'deploy',
            'v1.2.3 +preview',
            [
              ['preview', 'true'],
              ['release', 'v1.2.3'],
            ],
          ],
        ],
      ],
    ]);
  });

  test('the infrastructure entry is named by its github repository', () => {
    const [symbol] = symbolsOf(
      '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    suspend: true\n',
      'infrastructure/infrastructure.yaml',
    );
    assert.deepEqual([symbol?.name, symbol?.detail, symbol?.kind], ['infrastructure', 'suspended', SymbolKind.Package]);
  });

  test('a key child spans key and value, with the key selected', () => {
    const { text, ranges } = parseRanges(
      '- docker: "kayron"\n  «github»: "kayron"\n  deploy:\n    «release»: «"v0.5.3"»\n',
    );
    const [entry] = symbolsOf(text);
    const github = entry?.children.find((child) => child.name === 'github');
    assert.deepEqual(github?.selectionRange, ranges[0]);
    assert.equal(text.slice(github?.range[0], github?.range[1]), 'github: "kayron"');
    const release = entry?.children.find((child) => child.name === 'deploy')?.children[0];
    assert.deepEqual(release?.selectionRange, ranges[1]);
    assert.deepEqual(release?.range, [ranges[1]?.[0], ranges[2]?.[1]]);
  });

  test('an entry without a name yet is listed by its position, never with an empty name', () => {
    const symbols = symbolsOf(
      '- docker: "a"\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n- deploy:\n    branch: "main"\n- docker: ""\n',
    );
    assert.deepEqual(
      symbols.map((symbol) => symbol.name),
      ['a', 'entry 2', 'entry 3'],
    );
    for (const symbol of symbols) {
      assert.ok(
        symbol.range[0] <= symbol.selectionRange[0] && symbol.selectionRange[1] <= symbol.range[1],
        `${symbol.name}: selection inside range`,
      );
    }
  });

  test('flow mappings and a file that does not decode', () => {
    assert.deepEqual(outline(symbolsOf('- {docker: "a", github: "a", deploy: {release: "v1.0.0"}}\n')), [
      [
        'a',
        'v1.0.0',
        [
          ['docker', 'a'],
          ['github', 'a'],
          ['deploy', 'v1.0.0', [['release', 'v1.0.0']]],
        ],
      ],
    ]);
    assert.deepEqual(symbolsOf('docker: "a"\n'), []);
    assert.deepEqual(symbolsOf('- docker: "a\n'), []);
  });

  test("the flat form names each key's container", () => {
    const flat = toSymbolInformation(
      symbolsOf('- docker: "a"\n  github: "b"\n  deploy:\n    release: "v1.0.0"\n'),
      'file:///x.yaml',
      () => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }),
    );
    assert.deepEqual(
      flat.map((symbol) => [symbol.name, symbol.containerName]),
      [
        ['a', undefined],
        ['docker', 'a'],
        ['github', 'a'],
        ['deploy', 'a'],
        ['release', 'deploy'],
      ],
    );
  });

  test('built in slices (yielding between them) equals the one-shot answer, in both forms', async () => {
    const text = generateReleaseFile(450, { seed: 4 });
    const entries = analyzeReleaseFile('service/service.yaml', text).decoded?.entries ?? [];
    const toRange = ([start, end]: readonly [number, number]) => ({
      start: { line: 0, character: start },
      end: { line: 0, character: end },
    });
    let yielded = false;
    setImmediate(() => (yielded = true));
    const sliced = await lspDocumentSymbols(entries, toRange, { budgetMs: 0 });
    assert.ok(yielded, 'the event loop ran in between');
    assert.equal(sliced.length, 450);
    assert.deepEqual(sliced, toDocumentSymbols(documentSymbols(entries), toRange));
    assert.deepEqual(
      await lspDocumentSymbols(entries, toRange, { budgetMs: 0, flatUri: 'file:///x' }),
      toSymbolInformation(documentSymbols(entries), 'file:///x', toRange),
    );
  });
});
