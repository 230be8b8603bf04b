/**
 * Hostile input must never take the server down: after each case it still answers hovers, still publishes correct
 * diagnostics for a normal file, and its process keeps running.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiagnosticSeverity, FileChangeType, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { copySampleWorkspace, fileUri, LspClient, rangeOf, removeTree, startSettled } from './lsp-client';
import { scaled } from '../wait-budget';

/** Analysing megabytes of YAML is slow on a loaded CI machine; this bounds a hang, not the expected time. */
const LARGE_INPUT_TIMEOUT_MS = scaled(120_000);

/** Every range must lie inside `text` as the editor sees it (UTF-16 columns, `\n` lines). */
function assertRangesInside(text: string, diagnostics: Diagnostic[]): void {
  const lines = text.split('\n');
  for (const { range } of diagnostics) {
    for (const position of [range.start, range.end]) {
      const line = lines[position.line];
      assert.ok(
        line !== undefined && position.character <= line.length,
        `position ${JSON.stringify(position)} is outside the text`,
      );
    }
  }
}

describe('robustness', () => {
  let root: string;
  let client: LspClient | undefined;
  let serviceUri: string;
  let serviceText: string;

  /** The server every test talks to; a test that killed it gets it replaced so later tests are judged on their own. */
  const server = (): LspClient => {
    assert.ok(client, 'no server');
    return client;
  };

  before(async () => {
    root = await copySampleWorkspace();
    serviceUri = fileUri(path.join(root, 'service/service.yaml'));
    serviceText = await fs.readFile(path.join(root, 'service/service.yaml'), 'utf8');
  });
  async function startServer(): Promise<void> {
    await client?.dispose();
    client = await startSettled({ folders: [root] });
    await client.open(serviceUri, serviceText);
  }
  beforeEach(async () => {
    if (!client || client.exit) await startServer();
  });
  after(async () => {
    await client?.dispose();
    await removeTree(root);
  });

  /** The server is still running, answers a hover, and analyses and publishes a fresh edit of the normal file. */
  async function assertStillHealthy(): Promise<void> {
    const live = server();
    assert.equal(live.exit, undefined, `the server exited: ${JSON.stringify(live.exit)}\n${live.stderr.slice(0, 500)}`);
    const hover = await live.hover(serviceUri, rangeOf(serviceText, 'release').start);
    assert.match(JSON.stringify(hover?.contents), /Pinned tag/);
    const broken = serviceText.replace('"v0.5.3"', '"0.5.3"');
    await live.replace(serviceUri, broken);
    const diagnostics = await live.waitForDiagnostics(serviceUri, (list) =>
      list.some((diagnostic) => diagnostic.code === 'release-format'),
    );
    assert.deepEqual(
      diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range]),
      [['release-format', rangeOf(broken, '"0.5.3"')]],
    );
    await live.replace(serviceUri, serviceText);
    await live.waitForDiagnostics(serviceUri, (list) => list.length === 0);
    assert.equal(live.exit, undefined);
  }

  /** Opens `text` as a new, never saved document, runs `work`, then closes it (which drops it and its diagnostics). */
  async function withOpenDocument<T>(name: string, text: string, work: (uri: string) => Promise<T>): Promise<T> {
    const uri = fileUri(path.join(root, 'service', name));
    await server().open(uri, text);
    const result = await work(uri);
    await server().close(uri);
    await server().waitForDiagnostics(uri, (diagnostics) => diagnostics.length === 0, {
      timeoutMs: LARGE_INPUT_TIMEOUT_MS,
    });
    return result;
  }

  const diagnosticsOf = (uri: string, predicate: (diagnostics: Diagnostic[]) => boolean) =>
    server().waitForDiagnostics(uri, predicate, { timeoutMs: LARGE_INPUT_TIMEOUT_MS });
  const nonEmpty = (diagnostics: Diagnostic[]) => diagnostics.length > 0;

  /** Writes `bytes` as a new file on disk, announces it, waits for `predicate`, then deletes it again. */
  async function withFileOnDisk(
    name: string,
    bytes: Buffer,
    predicate: (diagnostics: Diagnostic[]) => boolean,
  ): Promise<Diagnostic[]> {
    const filePath = path.join(root, 'service', name);
    const uri = fileUri(filePath);
    await fs.writeFile(filePath, bytes);
    await server().fileEvents([{ uri, type: FileChangeType.Created }]);
    const diagnostics = await diagnosticsOf(uri, predicate);
    await fs.rm(filePath);
    await server().fileEvents([{ uri, type: FileChangeType.Deleted }]);
    await diagnosticsOf(uri, (list) => list.length === 0);
    return diagnostics;
  }

  /**
   * Opens a deeply nested document and keeps typing at its end, as an editor would: every keystroke is analysed
   * again, which is what a single parse does not exercise.
   */
  async function typeIntoDeepDocument(name: string, text: string, typed: string): Promise<void> {
    await withOpenDocument(name, text, async (uri) => {
      let current = text;
      assertSyntaxErrorsInside(current, await diagnosticsOf(uri, nonEmpty));
      for (const character of typed) {
        const end = { line: 0, character: current.length };
        const mark = server().mark();
        await server().change(uri, [{ range: { start: end, end }, text: character }]);
        current += character;
        await server().waitForPublishCycle(mark, LARGE_INPUT_TIMEOUT_MS);
        assertSyntaxErrorsInside(current, server().latestDiagnostics(uri));
      }
    });
  }

  function assertSyntaxErrorsInside(text: string, diagnostics: Diagnostic[] | undefined): void {
    assert.ok(diagnostics && diagnostics.length > 0, 'no diagnostics');
    const summary = JSON.stringify(diagnostics.slice(0, 3));
    assert.ok(
      diagnostics.every(
        (diagnostic) => diagnostic.code === 'yaml-syntax' && diagnostic.severity === DiagnosticSeverity.Error,
      ),
      summary,
    );
    assertRangesInside(text, diagnostics);
  }

  it('survives binary content with NUL bytes in an open document', async () => {
    const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)).toString('latin1');
    const text = `- docker: "alloy"\n${binary}`;
    const diagnostics = await withOpenDocument('binary.yaml', text, (uri) => diagnosticsOf(uri, nonEmpty));
    // goccy reads NUL as text: the binary line is left over after the list, which is goccy's error, at its start.
    assert.deepEqual(
      diagnostics.map((diagnostic) => [
        diagnostic.code,
        diagnostic.severity,
        diagnostic.message,
        diagnostic.range.start,
      ]),
      [
        [
          'yaml-syntax',
          DiagnosticSeverity.Error,
          '[reported by kayron lint] [2:1] value is not allowed in this context',
          rangeOf(text, '\u0000').start,
        ],
      ],
    );
    await assertStillHealthy();
  });

  it('survives a 2 MB single-line file', async () => {
    // A minified flow sequence of ~30,000 valid entries; only the last one is wrong.
    const entries = Array.from(
      { length: 30_000 },
      (_, i) => `{docker: "svc-${i}", github: "svc-${i}", deploy: {release: "v1.0.${i}"}}`,
    );
    entries.push('{docker: "last", github: "last", deploy: {release: "latest"}}');
    const text = `[${entries.join(', ')}]`;
    assert.ok(text.length > 2 * 1024 * 1024 && !text.includes('\n'));
    const diagnostics = await withOpenDocument('minified.yaml', text, (uri) => diagnosticsOf(uri, nonEmpty));
    assert.deepEqual(
      diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range]),
      [['release-format', rangeOf(text, '"latest"')]],
    );
    await assertStillHealthy();
  });

  it('survives invalid UTF-8 in a file on disk', async () => {
    const bytes = Buffer.concat([
      Buffer.from('- docker: "caf'),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
      Buffer.from('"\n  github: "cafe"\n  deploy:\n    release: "v1.0.0"\n'),
    ]);
    const diagnostics = await withFileOnDisk('invalid-utf8.yaml', bytes, nonEmpty);
    // "caf\xc3(..." is not a docker reference however the bytes are decoded.
    assert.deepEqual(
      diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]),
      [['docker-format', 0]],
    );
    assertRangesInside(new TextDecoder('utf-8').decode(bytes), diagnostics);
    await assertStillHealthy();
  });

  it('reports a 6 MB file on disk as too large instead of analysing it', async () => {
    const entry = '- docker: "alloy"\n  github: "alloy"\n  deploy:\n    release: "v1.0.0"\n';
    const bytes = Buffer.from(entry.repeat(Math.ceil((6 * 1024 * 1024) / entry.length)));
    const diagnostics = await withFileOnDisk('huge.yaml', bytes, nonEmpty);
    assert.deepEqual(
      diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.severity, diagnostic.source]),
      [['file-too-large', DiagnosticSeverity.Error, 'kayron-releases']],
    );
    assert.match(diagnostics[0]?.message ?? '', /6\.0 MiB/);
    await assertStillHealthy();
  });

  it('keeps diagnostics bounded for a file of 500 pasted copies of one entry', async () => {
    const entry = serviceText.slice(0, serviceText.indexOf('\n\n') + 1);
    const text = entry.repeat(500);
    const serviceBefore = server().latestDiagnostics(serviceUri);
    const { copies, service } = await withOpenDocument('copies.yaml', text, async (uri) => ({
      copies: await diagnosticsOf(uri, (list) => list.length >= 500),
      service: await diagnosticsOf(serviceUri, (list) => list !== serviceBefore && list.length > 0),
    }));
    assert.ok(
      copies.every((diagnostic) => diagnostic.code === 'duplicate-docker'),
      JSON.stringify(copies[0]),
    );
    assert.deepEqual([...new Set(service.map((diagnostic) => diagnostic.code))], ['duplicate-docker']);
    // Each copy collides with all others; naming every one of them makes the payload grow with the square of the count.
    const longest = Math.max(...[...copies, ...service].map((diagnostic) => diagnostic.message.length));
    assert.ok(longest <= 1_000, `a duplicate-docker message is ${longest} characters long`);
    await assertStillHealthy();
  });

  // The nesting tests each get a fresh server: V8 compiles a hot regex to native code on first use, and when that
  // happens deep inside the YAML parser's recursion the compiler runs out of stack and aborts the whole process
  // ("RegExpCompiler Allocation failed"). A server warmed up by the tests above would hide that.
  it('reports deep nesting as a YAML problem rather than a JavaScript stack overflow', async () => {
    await startServer();
    const text = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const diagnostics = await withOpenDocument('deep-balanced.yaml', text, (uri) => diagnosticsOf(uri, nonEmpty));
    assertSyntaxErrorsInside(text, diagnostics);
    for (const diagnostic of diagnostics) assert.doesNotMatch(diagnostic.message, /call stack/i);
    await assertStillHealthy();
  });

  it('survives typing into 10,000 levels of flow nesting', async () => {
    await startServer();
    await typeIntoDeepDocument('deep-flow.yaml', '['.repeat(10_000), '[[[');
    await assertStillHealthy();
  });

  it('survives typing into 10,000 levels of block sequence nesting', async () => {
    await startServer();
    await typeIntoDeepDocument('deep-block.yaml', `${'- '.repeat(10_000)}x`, 'yz');
    await assertStillHealthy();
  });

  it('exits with code 0 on shutdown after all of the above', async () => {
    assert.equal(await server().shutdown(), 0);
  });
});
