/** Open-document diagnostics, incremental sync, hover and the hidden-BOM case, driven over JSON-RPC. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { DiagnosticSeverity, type Diagnostic, type TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { copySampleWorkspace, fileUri, LspClient, rangeOf, removeTree, startSettled } from './lsp-client';

// Kayron's exact text (kayron-spec §2.3 c), written out here so a drift in the server's copy fails the test.
const RELEASE_FORMAT_MESSAGE =
  'This critical error indicates that the provided release tag does not comply with the required format [v.MAJOR.MINOR.PATCH(-SUFFIX)], which means that the operator does not know how to proceed safely.';
const KAYRON_LINT_MARKER = '[reported by kayron lint] ';

const hasCode = (code: string) => (diagnostics: Diagnostic[]) => diagnostics.some((diagnostic) => diagnostic.code === code);
const isEmpty = (diagnostics: Diagnostic[]) => diagnostics.length === 0;

describe('open documents', () => {
  let root: string;
  let client: LspClient;
  let serviceUri: string;
  let serviceText: string;

  before(async () => {
    root = await copySampleWorkspace();
    serviceUri = fileUri(path.join(root, 'service/service.yaml'));
    serviceText = await fs.readFile(path.join(root, 'service/service.yaml'), 'utf8');
    client = await startSettled({ folders: [root] });
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
  });

  it('publishes empty diagnostics when a valid file is opened', async () => {
    const mark = client.mark();
    await client.open(serviceUri, serviceText);
    await client.waitForPublishCycle(mark);
    assert.deepEqual(client.latestDiagnostics(serviceUri), []);
  });

  it('reports a broken tag as Kayron\'s release-format error on the value, and clears it when fixed', async () => {
    const broken = serviceText.replace('release: "v0.5.3"', 'release: "0.5.3"');
    await client.replace(serviceUri, broken);
    const diagnostics = await client.waitForDiagnostics(serviceUri, hasCode('release-format'));
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [diagnostic] = diagnostics;
    assert.ok(diagnostic);
    assert.equal(diagnostic.source, 'kayron');
    assert.equal(diagnostic.severity, DiagnosticSeverity.Error);
    assert.ok(diagnostic.message.startsWith(`${KAYRON_LINT_MARKER}${RELEASE_FORMAT_MESSAGE}`), diagnostic.message);
    assert.ok(diagnostic.message.startsWith(KAYRON_LINT_MARKER), diagnostic.message);
    assert.deepEqual(diagnostic.range, rangeOf(broken, '"0.5.3"'));
    assert.equal((diagnostic.data as { kayron?: unknown } | undefined)?.kayron, true);

    await client.replace(serviceUri, serviceText);
    await client.waitForDiagnostics(serviceUri, isEmpty);
  });

  it('analyses the open text rather than the file on disk', async () => {
    const diskPath = path.join(root, 'infrastructure/infrastructure.yaml');
    const uri = fileUri(diskPath);
    const valid = await fs.readFile(diskPath, 'utf8');
    const mark = client.mark();
    await client.open(uri, valid.replace('"v0.5.8"', '"release-me"'));
    const diagnostics = await client.waitForDiagnostics(uri, hasCode('release-format'), { since: mark });
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.code),
      ['release-format'],
    );
    await client.close(uri);
    // Closing hands the file back to the (valid) disk copy.
    await client.waitForDiagnostics(uri, isEmpty);
  });

  it('gives the same diagnostics for a sequence of incremental edits as for the equivalent full-text change', async () => {
    const fullRoot = await copySampleWorkspace();
    const incremental = await startSettled({ folders: [root, fullRoot] });
    try {
      const incrementalUri = fileUri(path.join(root, 'service/service.yaml'));
      const fullUri = fileUri(path.join(fullRoot, 'service/service.yaml'));
      await incremental.open(incrementalUri, serviceText);
      await incremental.open(fullUri, serviceText);

      // The client-side copy applies each edit exactly as the LSP spec says the server must.
      let mirror = TextDocument.create(incrementalUri, 'yaml', 1, serviceText);
      const edit = (find: string, replacement: string, occurrence = 0): TextDocumentContentChangeEvent => {
        const change = { range: rangeOf(mirror.getText(), find, occurrence), text: replacement };
        mirror = TextDocument.update(mirror, [change], mirror.version + 1);
        return change;
      };
      const append = (text: string): TextDocumentContentChangeEvent => {
        const end = mirror.positionAt(mirror.getText().length);
        const change = { range: { start: end, end }, text };
        mirror = TextDocument.update(mirror, [change], mirror.version + 1);
        return change;
      };

      // A flow mapping with astral characters before the edited value checks UTF-16 position arithmetic.
      await incremental.change(incrementalUri, [edit('  deploy:\n    release: "v0.5.3"', '  deploy: {note: "🚀🚀", release: "v0.5.3"}')]);
      await incremental.change(incrementalUri, [edit('"v0.5.3"', '"0.5.3"')]);
      // Several changes in one notification: each range refers to the text after the previous change.
      await incremental.change(incrementalUri, [edit('  github: "alloy"\n', '  github: "alloy"\n  dokcer: "typo"\n'), edit('"specta"', '"acme/specta"', 1), edit('- docker: "specta"', '- docker: "specta-x"')]);
      // A deletion spanning lines, then a pure insertion at the very end.
      await incremental.change(incrementalUri, [edit('    release: "v0.2.3"\n    preview: true', '    release: 1.10')]);
      await incremental.change(incrementalUri, [append('\n- docker: "late"\n  github: "late"\n  deploy:\n    branch: "main"\n')]);
      await incremental.change(incrementalUri, [edit('', 'x', 0), edit('x', '')]);

      const finalText = mirror.getText();
      assert.ok(finalText.includes('{note: "🚀🚀", release: "0.5.3"}'), finalText);
      await incremental.replace(fullUri, finalText);

      const expectedCodes = ['coerced-scalar', 'github-format', 'release-format', 'unknown-key'];
      const fullDiagnostics = await incremental.waitForDiagnostics(fullUri, (diagnostics) => expectedCodes.every((code) => hasCode(code)(diagnostics)));
      await incremental.waitFor(
        () => `incremental diagnostics ${JSON.stringify(incremental.latestDiagnostics(incrementalUri))} to equal full-text ones ${JSON.stringify(fullDiagnostics)}`,
        () => (isDeepStrictEqual(incremental.latestDiagnostics(incrementalUri), fullDiagnostics) ? true : undefined),
      );
      const releaseFormat = fullDiagnostics.find((diagnostic) => diagnostic.code === 'release-format' && diagnostic.message.includes('"0.5.3"'));
      assert.deepEqual(releaseFormat?.range, rangeOf(finalText, '"0.5.3"'));

      // The server's copy of the incrementally edited text matches ours: a hover on the appended key finds it.
      const hover = await incremental.hover(incrementalUri, rangeOf(finalText, 'branch').start);
      assert.match(JSON.stringify(hover?.contents), /deploy\.branch/);
      assert.deepEqual(hover?.range, rangeOf(finalText, 'branch'));
    } finally {
      await incremental.dispose();
      await removeTree(fullRoot);
    }
  });

  it('hovers the release key with its documentation and returns null on whitespace', async () => {
    const position = rangeOf(serviceText, 'release').start;
    const hover = await client.hover(serviceUri, { line: position.line, character: position.character + 2 });
    assert.ok(hover, 'no hover on the release key');
    assert.ok(typeof hover.contents === 'object' && 'kind' in hover.contents, JSON.stringify(hover.contents));
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, /Pinned tag/);
    assert.deepEqual(hover.range, rangeOf(serviceText, 'release'));

    // Column 0 of "  github: ..." is indentation inside the first entry.
    const indentation = { line: rangeOf(serviceText, '  github').start.line, character: 0 };
    assert.equal(await client.hover(serviceUri, indentation), null);
    const blankLine = { line: serviceText.split('\n').indexOf(''), character: 0 };
    assert.equal(await client.hover(serviceUri, blankLine), null);
  });
});

describe('a file whose BOM the editor hides', () => {
  let root: string;
  let client: LspClient;
  let uri: string;
  let text: string;

  before(async () => {
    root = await copySampleWorkspace();
    const diskPath = path.join(root, 'service/service.yaml');
    text = await fs.readFile(diskPath, 'utf8');
    await fs.writeFile(diskPath, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    uri = fileUri(diskPath);
    client = await startSettled({ folders: [root] });
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
  });

  const assertBomError = (diagnostics: Diagnostic[] | undefined) => {
    assert.ok(diagnostics, 'no diagnostics published');
    assert.deepEqual(
      diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.source]),
      [['yaml-syntax', 'kayron']],
    );
    const [diagnostic] = diagnostics;
    assert.match(diagnostic?.message ?? '', /mapping value is not allowed in this context/);
    // Positions refer to the editor's BOM-less text, so the error sits at its very start.
    assert.deepEqual(diagnostic?.range.start, { line: 0, character: 0 });
  };

  it('still gets the yaml-syntax error when opened with the BOM-less text VS Code sends', async () => {
    const mark = client.mark();
    await client.open(uri, text);
    const verdict = await client.waitForPublishCycle(mark);
    assertBomError(client.latestDiagnostics(uri));
    assert.deepEqual(
      verdict.verdicts.map((entry) => [entry.file, entry.code, entry.line]),
      [['service/service.yaml', 'yaml-syntax', 0]],
    );
  });

  it('keeps the error through edits of the BOM-less text', async () => {
    const mark = client.mark();
    await client.change(uri, [{ range: rangeOf(text, 'v0.5.3'), text: 'v0.5.4' }]);
    await client.waitForPublishCycle(mark);
    assertBomError(client.latestDiagnostics(uri));
  });
});
