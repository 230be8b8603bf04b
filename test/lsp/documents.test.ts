/** Open-document diagnostics, incremental sync, hover and the hidden-BOM case, driven over JSON-RPC. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  DiagnosticSeverity,
  type Diagnostic,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { copySampleWorkspace, fileUri, LspClient, rangeOf, removeTree, startSettled } from './lsp-client';

// Kayron's exact text (kayron-spec §2.3 c), written out here so a drift in the server's copy fails the test.
const RELEASE_FORMAT_MESSAGE =
  'This critical error indicates that the provided release tag does not comply with the required format [v.MAJOR.MINOR.PATCH(-SUFFIX)], which means that the operator does not know how to proceed safely.';
const KAYRON_LINT_MARKER = '[reported by kayron lint] ';

const hasCode = (code: string) => (diagnostics: Diagnostic[]) =>
  diagnostics.some((diagnostic) => diagnostic.code === code);
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

  it("reports a broken tag as Kayron's release-format error on the value, and clears it when fixed", async () => {
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
      await incremental.change(incrementalUri, [
        edit('  deploy:\n    release: "v0.5.3"', '  deploy: {note: "🚀🚀", release: "v0.5.3"}'),
      ]);
      await incremental.change(incrementalUri, [edit('"v0.5.3"', '"0.5.3"')]);
      // Several changes in one notification: each range refers to the text after the previous change.
      await incremental.change(incrementalUri, [
        edit('  github: "alloy"\n', '  github: "alloy"\n  dokcer: "typo"\n'),
        edit('"specta"', '"acme/specta"', 1),
        edit('- docker: "specta"', '- docker: "specta-x"'),
      ]);
      // A deletion spanning lines, then a pure insertion at the very end.
      await incremental.change(incrementalUri, [edit('    release: "v0.2.3"\n    preview: true', '    release: 1.10')]);
      await incremental.change(incrementalUri, [
        append('\n- docker: "late"\n  github: "late"\n  deploy:\n    branch: "main"\n'),
      ]);
      await incremental.change(incrementalUri, [edit('', 'x', 0), edit('x', '')]);

      const finalText = mirror.getText();
      assert.ok(finalText.includes('{note: "🚀🚀", release: "0.5.3"}'), finalText);
      await incremental.replace(fullUri, finalText);

      const expectedCodes = ['coerced-scalar', 'github-format', 'release-format', 'unknown-key'];
      const fullDiagnostics = await incremental.waitForDiagnostics(fullUri, (diagnostics) =>
        expectedCodes.every((code) => hasCode(code)(diagnostics)),
      );
      await incremental.waitFor(
        () =>
          `incremental diagnostics ${JSON.stringify(incremental.latestDiagnostics(incrementalUri))} to equal full-text ones ${JSON.stringify(fullDiagnostics)}`,
        () => (isDeepStrictEqual(incremental.latestDiagnostics(incrementalUri), fullDiagnostics) ? true : undefined),
      );
      const releaseFormat = fullDiagnostics.find(
        (diagnostic) => diagnostic.code === 'release-format' && diagnostic.message.includes('"0.5.3"'),
      );
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
    // goccy reads the BOM as the first character of `- docker`, so the indented `github:` below is the error
    // (real Kayron, kayron-fuzz 1:5747). Line 2, column 3 is the same in the editor's BOM-less text.
    assert.match(
      diagnostic?.message ?? '',
      /^\[reported by kayron lint\] \[2:3\] value is not allowed in this context\. map key-value is pre-defined \(the file starts with a UTF-8 byte order mark/,
    );
    assert.deepEqual(diagnostic?.range.start, { line: 1, character: 2 });
  };

  it('still gets the yaml-syntax error when opened with the BOM-less text VS Code sends', async () => {
    const mark = client.mark();
    await client.open(uri, text);
    const verdict = await client.waitForPublishCycle(mark);
    assertBomError(client.latestDiagnostics(uri));
    assert.deepEqual(
      verdict.verdicts.map((entry) => [entry.file, entry.code, entry.line]),
      [['service/service.yaml', 'yaml-syntax', 1]],
    );
  });

  it('keeps the error through edits of the BOM-less text', async () => {
    const mark = client.mark();
    await client.change(uri, [{ range: rangeOf(text, 'v0.5.3'), text: 'v0.5.4' }]);
    await client.waitForPublishCycle(mark);
    assertBomError(client.latestDiagnostics(uri));
  });
});

/**
 * File watchers drop and delay events, so the server confirms by itself that tracked files are still on disk. Here no
 * `workspace/didChangeWatchedFiles` is ever sent: the diagnostics of a deleted file must go anyway.
 */
describe('deleted files lose their diagnostics without a file-watcher event', () => {
  let root: string;
  let client: LspClient;
  const BROKEN = '- docker: "gone"\n  github: "gone"\n  deploy:\n    release: "0.0.1"\n';
  const uriOf = (relativePath: string) => fileUri(path.join(root, relativePath));

  before(async () => {
    root = await copySampleWorkspace();
    await fs.mkdir(path.join(root, 'service/nested'), { recursive: true });
    for (const name of [
      'service/open-then-deleted.yaml',
      'service/closed-then-deleted.yaml',
      'service/never-opened.yaml',
      'service/nested/folder-gone.yaml',
    ]) {
      await fs.writeFile(path.join(root, name), BROKEN);
    }
    client = await startSettled({ folders: [root] });
    for (const name of [
      'service/open-then-deleted.yaml',
      'service/never-opened.yaml',
      'service/nested/folder-gone.yaml',
    ]) {
      await client.waitForDiagnostics(uriOf(name), hasCode('release-format'));
    }
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
  });

  it('an open file deleted on disk loses them when the editor closes it', async () => {
    const uri = uriOf('service/open-then-deleted.yaml');
    await client.open(uri, BROKEN);
    await client.waitForDiagnostics(uri, hasCode('release-format'));
    await fs.rm(path.join(root, 'service/open-then-deleted.yaml'));
    await client.close(uri);
    await client.waitForDiagnostics(uri, isEmpty);
  });

  it("a file closed first and deleted after (the editor's order) loses them", async () => {
    const uri = uriOf('service/closed-then-deleted.yaml');
    await client.open(uri, BROKEN);
    await client.waitForDiagnostics(uri, hasCode('release-format'));
    const mark = client.mark();
    await client.close(uri);
    await client.waitForPublishCycle(mark);
    assert.ok(hasCode('release-format')(client.latestDiagnostics(uri) ?? []), 'still on disk, still broken');
    await fs.rm(path.join(root, 'service/closed-then-deleted.yaml'));
    await client.waitForDiagnostics(uri, isEmpty);
  });

  it('a file never opened loses them through the periodic check, and so does one whose folder went', async () => {
    await fs.rm(path.join(root, 'service/never-opened.yaml'));
    await fs.rm(path.join(root, 'service/nested'), { recursive: true });
    await client.waitForDiagnostics(uriOf('service/never-opened.yaml'), isEmpty);
    await client.waitForDiagnostics(uriOf('service/nested/folder-gone.yaml'), isEmpty);
    // The other files keep theirs, and the verdict no longer names a deleted file.
    const verdict = await client.waitForVerdict((params) => params.verdicts.every((entry) => entry.file === undefined));
    assert.deepEqual(
      verdict.verdicts.map((entry) => entry.file),
      [undefined],
    );
  });
});
