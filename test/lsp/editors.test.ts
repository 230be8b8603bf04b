/**
 * What editors other than VS Code need, driven over JSON-RPC: a client without workspace-folder support, single-file
 * mode (no folder, or a file outside every folder), outline symbols, folding and selection ranges, a documentation
 * link on every diagnostic, and file watchers limited to YAML files and release folders.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DocumentSymbol, SymbolInformation } from 'vscode-languageserver-protocol/node';
import { documentationUrl } from '../../server/src/diagnostic-codes';
import { generateReleaseFile } from '../bench/release-files';
import { copySampleWorkspace, fileUri, LspClient, makeTempDir, rangeOf, removeTree, startSettled } from './lsp-client';

const BROKEN_SERVICE = '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "latest"\n';
const codes = (diagnostics: readonly { code?: string | number }[] | undefined) =>
  diagnostics?.map((diagnostic) => diagnostic.code);
const isHierarchical = (symbols: DocumentSymbol[] | SymbolInformation[]): symbols is DocumentSymbol[] =>
  symbols.every((symbol) => 'selectionRange' in symbol);

/** name, detail and children's names of hierarchical symbols. */
const outline = (symbols: DocumentSymbol[] | SymbolInformation[]) => {
  assert.ok(isHierarchical(symbols), `hierarchical symbols: ${JSON.stringify(symbols).slice(0, 300)}`);
  return symbols.map((symbol) => [symbol.name, symbol.detail, symbol.children?.map((child) => child.name)]);
};

describe('a client without workspace-folder support (rootUri only)', () => {
  let root: string;
  let client: LspClient;

  before(async () => {
    root = await copySampleWorkspace();
    client = await startSettled({ folders: [root], workspaceFolders: false });
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
  });

  it('scans rootUri and publishes diagnostics for an opened file', async () => {
    const roots = await client.waitForReleaseRoots((params) => params.roots.length > 0);
    assert.deepEqual(
      roots.roots.map((item) => item.uri),
      [fileUri(root)],
    );
    const uri = fileUri(path.join(root, 'service/service.yaml'));
    await client.open(uri, BROKEN_SERVICE);
    const diagnostics = await client.waitForDiagnostics(uri, (items) => items.length > 0);
    assert.deepEqual(codes(diagnostics), ['release-format']);
    assert.deepEqual(diagnostics[0]?.range, rangeOf(BROKEN_SERVICE, '"latest"'));
    assert.deepEqual(
      client.logMessages.filter((message) => /failed|workspace folder/i.test(message)),
      [],
      'no handler failed (the library throws when folder events are registered for such a client)',
    );
  });
});

describe('single-file mode', () => {
  let root: string;
  let elsewhere: string;

  before(async () => {
    root = await copySampleWorkspace();
    elsewhere = await makeTempDir();
  });
  after(async () => {
    await removeTree(root);
    await removeTree(elsewhere);
  });

  for (const [label, options] of [
    ['with no workspace folder at all', () => ({ folders: [], workspaceFolders: false })],
    ['with the file outside every workspace folder', () => ({ folders: [elsewhere] })],
  ] as const) {
    it(`${label}, the nearest releases repository above an opened file becomes a root`, async () => {
      const client = await startSettled(options());
      try {
        assert.deepEqual(client.releaseRoots.at(-1)?.params.roots, [], 'no root before a file opens');
        const uri = fileUri(path.join(root, 'service/service.yaml'));
        await client.open(uri, BROKEN_SERVICE);
        const roots = await client.waitForReleaseRoots((params) => params.roots.length > 0);
        assert.deepEqual(
          roots.roots.map((item) => item.uri),
          [fileUri(root)],
        );
        assert.ok(
          roots.roots[0]?.releaseFiles.includes(fileUri(path.join(root, 'infrastructure/infrastructure.yaml'))),
          'the whole repository is scanned',
        );
        const diagnostics = await client.waitForDiagnostics(uri, (items) => items.length > 0);
        assert.deepEqual(codes(diagnostics), ['release-format']);
        // Cross-file checks work too: the unopened infrastructure file is part of the root.
        const verdict = await client.waitForVerdict(
          (params) => params.verdicts.length > 0 && params.verdicts[0]?.file !== undefined,
        );
        assert.deepEqual(
          verdict.verdicts.map(({ root: rootUri, file, code }) => ({ root: rootUri, file, code })),
          [{ root: fileUri(root), file: 'service/service.yaml', code: 'release-format' }],
        );
        assert.ok((await client.documentSymbols(uri)).length > 0, 'features answer in the new root');
      } finally {
        await client.dispose();
      }
    });
  }

  it('a YAML file under no releases repository stays without a root', async () => {
    const client = await startSettled({ folders: [], workspaceFolders: false });
    try {
      await fs.mkdir(path.join(elsewhere, 'service'), { recursive: true });
      const uri = fileUri(path.join(elsewhere, 'service/values.yaml'));
      await fs.writeFile(path.join(elsewhere, 'service/values.yaml'), 'replicas: 2\n');
      const mark = client.mark();
      await client.open(uri, 'replicas: 2\n');
      const verdict = await client.waitForPublishCycle(mark);
      assert.deepEqual(verdict.verdicts, []);
      assert.equal(client.latestDiagnostics(uri), undefined);
    } finally {
      await client.dispose();
    }
  });
});

describe('outline, folding and selection ranges', () => {
  let root: string;
  let client: LspClient;
  let serviceUri: string;
  let serviceText: string;

  before(async () => {
    root = await copySampleWorkspace();
    serviceUri = fileUri(path.join(root, 'service/service.yaml'));
    serviceText = await fs.readFile(path.join(root, 'service/service.yaml'), 'utf8');
    client = await startSettled({ folders: [root] });
    await client.open(serviceUri, serviceText);
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
  });

  it('announces documentSymbol, foldingRange and selectionRange', () => {
    const capabilities = client.initializeResult?.capabilities;
    assert.ok(capabilities?.documentSymbolProvider);
    assert.equal(capabilities.foldingRangeProvider, true);
    assert.equal(capabilities.selectionRangeProvider, true);
  });

  it('lists one symbol per entry, named by docker with the strategy as detail and the keys as children', async () => {
    const symbols = await client.documentSymbols(serviceUri);
    assert.deepEqual(outline(symbols), [
      ['alloy', 'v1.12.2-ce60d74', ['docker', 'github', 'deploy']],
      ['kayron', 'v0.5.3', ['docker', 'github', 'deploy']],
      ['specta', 'v0.3.1', ['docker', 'github', 'deploy']],
      ['splits-lite', 'v0.2.3 +preview', ['docker', 'github', 'deploy']],
    ]);
    const first = (symbols as DocumentSymbol[])[0];
    assert.deepEqual(first?.selectionRange, rangeOf(serviceText, '"alloy"'));
    assert.deepEqual(first?.range.start, { line: 0, character: 0 });
    assert.deepEqual(
      first?.children?.[2]?.children?.map((child) => [child.name, child.detail]),
      [['release', 'v1.12.2-ce60d74']],
    );
  });

  it('names the infrastructure entry by its github repository', async () => {
    const uri = fileUri(path.join(root, 'infrastructure/infrastructure.yaml'));
    await client.open(uri, await fs.readFile(path.join(root, 'infrastructure/infrastructure.yaml'), 'utf8'));
    assert.deepEqual(outline(await client.documentSymbols(uri)), [
      ['infrastructure', 'v0.5.8', ['github', 'provider', 'deploy']],
    ]);
  });

  it('folds every entry and its deploy mapping', async () => {
    const folds = await client.foldingRanges(serviceUri);
    const entryLines = [...serviceText.matchAll(/^- /gm)].map(
      (match) => rangeOf(serviceText, serviceText.slice(match.index, match.index + 20)).start.line,
    );
    assert.deepEqual(
      folds.filter((fold) => entryLines.includes(fold.startLine)).map((fold) => fold.startLine),
      entryLines,
    );
    const first = folds.find((fold) => fold.startLine === 0);
    assert.equal(first?.endLine, 3, 'the first entry folds to its release line');
    assert.ok(
      folds.some((fold) => fold.startLine === 2 && fold.endLine === 3),
      'its deploy mapping folds too',
    );
  });

  it('expands a selection from inside a quoted tag outwards', async () => {
    const tag = rangeOf(serviceText, 'v0.5.3');
    const [selection] = await client.selectionRanges(serviceUri, [
      { line: tag.start.line, character: tag.start.character + 2 },
    ]);
    const texts: string[] = [];
    for (let current = selection; current; current = current.parent) {
      const { start, end } = current.range;
      const lines = serviceText.split('\n');
      texts.push(
        start.line === end.line
          ? (lines[start.line] ?? '').slice(start.character, end.character)
          : `${start.line}:${start.character}-${end.line}:${end.character}`,
      );
    }
    assert.deepEqual(texts.slice(0, 3), ['v0.5.3', '"v0.5.3"', 'release: "v0.5.3"']);
    assert.ok(texts.length >= 6, `deploy, entry, list and file follow: ${JSON.stringify(texts)}`);
  });

  it('answers flat symbols to a client without hierarchical support', async () => {
    const flat = await startSettled({ folders: [root], hierarchicalSymbols: false });
    try {
      await flat.open(serviceUri, serviceText);
      const symbols = (await flat.documentSymbols(serviceUri)) as SymbolInformation[];
      assert.ok(
        symbols.every((symbol) => 'location' in symbol),
        'SymbolInformation',
      );
      assert.deepEqual(
        symbols.filter((symbol) => symbol.containerName === undefined).map((symbol) => symbol.name),
        ['alloy', 'kayron', 'specta', 'splits-lite'],
      );
      assert.equal(symbols.find((symbol) => symbol.name === 'release')?.containerName, 'deploy');
    } finally {
      await flat.dispose();
    }
  });
});

describe('a large file: symbols wait for the analysis of the opened text', () => {
  let root: string;
  let client: LspClient;

  before(async () => {
    root = await copySampleWorkspace();
    await fs.writeFile(
      path.join(root, 'service/large.yaml'),
      '- docker: "placeholder"\n  github: "placeholder"\n  deploy:\n    release: "v1.0.0"\n',
    );
    client = await startSettled({ folders: [root] });
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
  });

  it('lists every entry of a 3,000-entry text asked for right after it opens', async () => {
    const uri = fileUri(path.join(root, 'service/large.yaml'));
    const text = generateReleaseFile(3000, { seed: 12, namePrefix: 'big' });
    await client.open(uri, text);
    const [symbols, folds] = await Promise.all([client.documentSymbols(uri), client.foldingRanges(uri)]);
    assert.equal(symbols.length, 3000);
    assert.equal(symbols[0]?.name, 'big-0');
    assert.equal(symbols.at(-1)?.name, 'big-2999');
    assert.ok(folds.length >= 3000, `${folds.length} folds`);
    assert.deepEqual(
      client.logMessages.filter((message) => /failed/.test(message)),
      [],
    );
  });
});

describe("diagnostics link their code's documentation", () => {
  it('codeDescription.href on every published diagnostic', async () => {
    const root = await copySampleWorkspace();
    const client = await startSettled({ folders: [root] });
    try {
      const uri = fileUri(path.join(root, 'service/service.yaml'));
      const text = '- docker: "Kayron"\n  github: "kayron"\n  relase: "v1"\n  deploy:\n    release: 1.10\n';
      await client.open(uri, text);
      const diagnostics = await client.waitForDiagnostics(uri, (items) => items.length >= 3);
      assert.ok(new Set(codes(diagnostics)).size >= 3, JSON.stringify(codes(diagnostics)));
      for (const diagnostic of diagnostics)
        assert.deepEqual(
          diagnostic.codeDescription,
          { href: documentationUrl(String(diagnostic.code)) },
          String(diagnostic.code),
        );
      assert.match(diagnostics[0]?.codeDescription?.href ?? '', /^https:\/\/github\.com\/[^#]+#[a-z-]+$/);
    } finally {
      await client.dispose();
      await removeTree(root);
    }
  });
});

describe('file watchers', () => {
  it('are registered for YAML files and the creation or deletion of release folders only', async () => {
    const root = await copySampleWorkspace();
    const client = await startSettled({ folders: [root] });
    try {
      const registration = client.registrations.find((item) => item.method === 'workspace/didChangeWatchedFiles');
      const watchers = (
        registration?.registerOptions as { watchers: { globPattern: string; kind?: number }[] } | undefined
      )?.watchers;
      assert.deepEqual(watchers, [
        { globPattern: '**/*.{yaml,yml,YAML,YML,Yaml,Yml}' },
        { globPattern: '**/{infrastructure,service}*', kind: 1 | 4 },
        { globPattern: '**/{infrastructure,service}*/**', kind: 1 | 4 },
      ]);
    } finally {
      await client.dispose();
      await removeTree(root);
    }
  });
});
