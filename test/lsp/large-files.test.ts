/**
 * A release file large enough to be analysed off the event loop (1,500 entries, ~100 KiB: sliced when it opens, on the
 * worker thread while it has a syntax error), driven through the built server: its diagnostics equal the synchronous
 * analysis, a syntax error typed into it is reported and fixed again, hover waits for the analysis of the text it was
 * asked about, the duplicate-key quick fix takes its range from diagnostic data, and a file with more problems than
 * VS Code shows gets the first 1,000 with a note. A CRLF file edited above an entry with two type errors keeps goccy's
 * line numbers (it counts a comment's CRLF twice) and marks the problem the CLI reports (goccy's field order).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CodeActionRequest,
  CodeActionTriggerKind,
  type CodeAction,
  type Diagnostic,
  type Position,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeReleaseFile } from '../../server/src/features/validate';
import { INCREMENTAL_MIN_LENGTH } from '../../server/src/features/incremental-analysis';
import { lintDiagnostics, lintTree } from '../../server/src/features/lint-tree';
import { KAYRON_LINT_MARKER, MAX_DIAGNOSTICS_PER_FILE } from '../../server/src/features/diagnostics';
import { ReleaseWorkspace } from '../../server/src/workspace/release-workspace';
import { DEFAULT_DEFER_LIMITS } from '../../server/src/workspace/analysis-pool';
import { generateReleaseFile } from '../bench/release-files';
import { copySampleWorkspace, fileUri, rangeOf, removeTree, startSettled, type LspClient } from './lsp-client';

const RELATIVE_PATH = 'service/large.yaml';
/** What is on disk when the server starts: small, so opening the large text is what sends it to the worker. */
const PLACEHOLDER = '- docker: "large-placeholder"\n  github: "large-placeholder"\n  deploy:\n    release: "v1.0.0"\n';
const DUPLICATE_LINE = '  github: "large-dup-2"\n';
/** A duplicate key near the end, so its pair offsets are large and move with every edit above them. */
const DUPLICATE_ENTRY = `- docker: "large-dup"\n  github: "large-dup"\n${DUPLICATE_LINE}  deploy:\n    release: "v1.0.0"\n`;
const LARGE = `${generateReleaseFile(1500, { problemRate: 0.004, seed: 91, namePrefix: 'large' })}${DUPLICATE_ENTRY}`;

interface Summary {
  code: string | number | undefined;
  range: Diagnostic['range'];
  message: string;
}

const summarize = (diagnostics: readonly Diagnostic[]): Summary[] =>
  diagnostics.map((diagnostic) => ({
    code: diagnostic.code,
    range: diagnostic.range,
    message: diagnostic.message.replace(KAYRON_LINT_MARKER, ''),
  }));

const isDuplicateKey = (diagnostic: Diagnostic) =>
  diagnostic.code === 'yaml-syntax' && / already defined at /.test(diagnostic.message);

describe('a large release file, analysed on the worker', () => {
  let root: string;
  let client: LspClient;
  let uri: string;

  /** The problems of `text` as the synchronous workspace (the CLI's path) reports them, as LSP ranges. */
  async function expectedFor(text: string): Promise<Summary[]> {
    const workspace = new ReleaseWorkspace(root);
    await workspace.scan();
    workspace.setOpenText(RELATIVE_PATH, text, false);
    const problems = workspace.validate().problems.get(RELATIVE_PATH) ?? [];
    const document = TextDocument.create(uri, 'kayron-release', 0, text);
    return problems.map((problem) => ({
      code: problem.code,
      range: { start: document.positionAt(problem.range[0]), end: document.positionAt(problem.range[1]) },
      message: problem.message,
    }));
  }

  /** Every problem of `text` at `relativePath` as the synchronous workspace reports them (uncapped). */
  async function expectedForPath(relativePath: string, text: string) {
    const workspace = new ReleaseWorkspace(root);
    await workspace.scan();
    workspace.setOpenText(relativePath, text, false);
    return workspace.validate().problems.get(relativePath) ?? [];
  }

  /** Codes and lines of `analyzeReleaseFile`, sorted, for comparison with what the server published. */
  function codesAndLines(text: string): string[] {
    const analysis = analyzeReleaseFile(RELATIVE_PATH, text);
    const document = TextDocument.create(uri, 'kayron-release', 0, text);
    return [...analysis.kayronProblems, ...analysis.extraProblems]
      .map((problem) => `${document.positionAt(problem.range[0]).line} ${problem.code}`)
      .sort();
  }
  const publishedCodesAndLines = (diagnostics: readonly Diagnostic[]) =>
    diagnostics.map((diagnostic) => `${diagnostic.range.start.line} ${String(diagnostic.code)}`).sort();

  const sameAs = (expected: Summary[]) => (diagnostics: Diagnostic[]) =>
    JSON.stringify(summarize(diagnostics)) === JSON.stringify(expected);
  const hoverFailures = () => client.logMessages.filter((message) => message.startsWith('hover failed'));

  /** The `docker` key of the entry named `name`, where a hover shows the key's documentation. */
  const dockerKeyOf = (text: string, name: string): Position => {
    const { start } = rangeOf(text, `- docker: "${name}"`);
    return { line: start.line, character: start.character + 3 };
  };

  before(async () => {
    root = await copySampleWorkspace();
    uri = fileUri(path.join(root, RELATIVE_PATH));
    await fs.writeFile(path.join(root, RELATIVE_PATH), PLACEHOLDER);
    client = await startSettled({ folders: [root] });
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
  });

  let original: Summary[];

  it('publishes the same diagnostics as the synchronous analysis once the worker is done', async () => {
    assert.ok(
      LARGE.length > DEFAULT_DEFER_LIMITS.wholeTextLength,
      `${LARGE.length} characters are analysed on the worker`,
    );
    original = await expectedFor(LARGE);
    assert.ok(
      original.length >= 3 && original.length <= 20,
      `a few problems: ${JSON.stringify(original.map((item) => item.code))}`,
    );
    assert.ok(
      original.some((item) => item.code === 'yaml-syntax'),
      'the duplicate key is among them',
    );

    const mark = client.mark();
    await client.open(uri, LARGE);
    // Asked before the analysis can have finished: the answer must describe the large text, not the placeholder.
    const position = dockerKeyOf(LARGE, 'large-1400');
    const hover = await client.hover(uri, position);
    assert.ok(hover, 'hover on the docker key of an entry of the opened text');
    assert.deepEqual(hover.range, {
      start: { line: position.line, character: 2 },
      end: { line: position.line, character: 8 },
    });
    assert.match(JSON.stringify(hover.contents), /\*\*docker\*\*/);

    const diagnostics = await client.waitForDiagnostics(uri, sameAs(original), { since: mark });
    assert.deepEqual(publishedCodesAndLines(diagnostics), codesAndLines(LARGE));
    assert.deepEqual(hoverFailures(), []);
  });

  it('reports a syntax error typed into it, answers hover meanwhile, and returns to the original diagnostics when fixed', async () => {
    const quoteAt = rangeOf(LARGE, '"large-700"').start;
    const broken = `${LARGE.slice(0, LARGE.indexOf('"large-700"'))}"${LARGE.slice(LARGE.indexOf('"large-700"'))}`;
    const brokenExpected = await expectedFor(broken);
    assert.ok(
      brokenExpected.some((item) => item.code === 'yaml-syntax' && item.range.start.line === quoteAt.line),
      JSON.stringify(brokenExpected),
    );

    const mark = client.mark();
    await client.change(uri, [{ range: { start: quoteAt, end: quoteAt }, text: '"' }]);
    // Right after the edit: the server waits for the (worker's) analysis of the broken text, which has no entries.
    const hover = await client.hover(uri, dockerKeyOf(LARGE, 'large-10'));
    assert.equal(hover, null);
    assert.deepEqual(hoverFailures(), []);
    const brokenDiagnostics = await client.waitForDiagnostics(uri, sameAs(brokenExpected), { since: mark });
    assert.deepEqual(publishedCodesAndLines(brokenDiagnostics), codesAndLines(broken));

    const fixMark = client.mark();
    await client.change(uri, [
      { range: { start: quoteAt, end: { line: quoteAt.line, character: quoteAt.character + 1 } }, text: '' },
    ]);
    const hoverAfterFix = await client.hover(uri, dockerKeyOf(LARGE, 'large-10'));
    assert.ok(hoverAfterFix, 'hover answers for the fixed text');
    await client.waitForDiagnostics(uri, sameAs(original), { since: fixMark });
  });

  it('offers "Remove the duplicate key" with the range of the duplicate line', async () => {
    const diagnostic = client.latestDiagnostics(uri)?.find(isDuplicateKey);
    assert.ok(diagnostic, 'the duplicate-key diagnostic is published');
    const result = await client.request<CodeAction[] | null>(CodeActionRequest.method, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], triggerKind: CodeActionTriggerKind.Invoked },
    });
    const fix = (result ?? []).find((action) => action.title === 'Remove the duplicate key');
    assert.ok(fix, `offered: ${JSON.stringify((result ?? []).map((action) => action.title))}`);
    const line = rangeOf(LARGE, DUPLICATE_LINE).start.line;
    const edits = fix.edit?.changes?.[uri];
    assert.deepEqual(edits, [
      { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '' },
    ]);
    assert.equal(
      TextDocument.applyEdits(TextDocument.create(uri, 'kayron-release', 0, LARGE), edits ?? []),
      LARGE.replace(DUPLICATE_LINE, ''),
    );
  });

  it('sends at most 1,000 diagnostics for a file with more problems, errors first, with a note on top', async () => {
    const manyUri = fileUri(path.join(root, 'service', 'many.yaml'));
    const text = generateReleaseFile(1200, { problemRate: 1, seed: 17, namePrefix: 'many' });
    const problems = (await expectedForPath('service/many.yaml', text)).filter(
      (problem) => problem.code !== 'too-many-problems',
    );
    assert.ok(problems.length > MAX_DIAGNOSTICS_PER_FILE, `${problems.length} problems`);
    const mark = client.mark();
    await client.open(manyUri, text);
    const diagnostics = await client.waitForDiagnostics(manyUri, (published) => published.length > 0, { since: mark });
    assert.equal(diagnostics.length, MAX_DIAGNOSTICS_PER_FILE);
    assert.equal(diagnostics[0]?.code, 'too-many-problems');
    assert.match(
      diagnostics[0]?.message ?? '',
      new RegExp(`This file has ${problems.length.toLocaleString('en')} problems; the first 999 are shown`),
    );
    const errors = problems.filter((problem) => problem.severity === 'error').length;
    assert.equal(
      diagnostics.filter((diagnostic) => diagnostic.severity === 1).length,
      Math.min(errors, MAX_DIAGNOSTICS_PER_FILE - 1),
    );
    await client.close(manyUri);
  });
});

describe('a CRLF release file edited above an entry with two type errors', () => {
  const relativePath = 'service/crlf-order.yaml';
  // goccy counts the CRLF after a comment as two lines, and decodes Docker before Github (the Go struct's order): the
  // docker error is Kayron's, though the github one comes first in the text.
  const broken = '- github: [1]\n  docker: [2]\n  deploy:\n    release: "v1.0.0"\n';
  const text = `${generateReleaseFile(80, { seed: 33, namePrefix: 'crlf' })}${broken}`.replace(/\n/g, '\r\n');
  let root: string;
  /** The CLI's copy of the folder. */
  let cliRoot: string;
  let client: LspClient;
  let uri: string;
  const sameAs = (expected: Summary[]) => (diagnostics: Diagnostic[]) =>
    JSON.stringify(summarize(diagnostics)) === JSON.stringify(expected);

  /** What `kayron-releases lint --json` reports for the file with `edited` on disk, in a copy of the same folder. */
  async function expectedFor(edited: string) {
    await fs.writeFile(path.join(cliRoot, relativePath), edited);
    const diagnostics = lintDiagnostics(await lintTree(cliRoot)).filter((item) => item.file === relativePath);
    const summaries: Summary[] = diagnostics.map(({ code, range, message }) => ({ code, range, message }));
    return { summaries, kayron: diagnostics.filter((item) => item.kayron).map((item) => item.message) };
  }

  before(async () => {
    root = await copySampleWorkspace();
    cliRoot = await copySampleWorkspace();
    uri = fileUri(path.join(root, relativePath));
    await fs.writeFile(path.join(root, relativePath), PLACEHOLDER.replace(/large/g, 'crlf'));
    client = await startSettled({ folders: [root] });
  });
  after(async () => {
    await client.dispose();
    await removeTree(root);
    await removeTree(cliRoot);
  });

  it("publishes goccy's lines and marks the docker error, as the CLI does, after comments and entries are added above", async () => {
    assert.ok(text.length > INCREMENTAL_MIN_LENGTH, 'edits take the incremental path');
    const steps: { change: TextDocumentContentChangeEvent; text: string }[] = [];
    let current = text;
    for (const [before, inserted] of [
      ['- docker: "crlf-0"', '# one more comment\r\n'],
      ['- docker: "crlf-2"', '  # a comment in the entry above\r\n'],
      [
        '- docker: "crlf-1"',
        '- docker: "crlf-new"\r\n  github: "crlf-new"\r\n  deploy:\r\n    branch: "main" # why\r\n',
      ],
    ] as const) {
      const position = rangeOf(current, before).start;
      const change = { range: { start: position, end: position }, text: inserted };
      current = TextDocument.applyEdits(TextDocument.create(uri, 'kayron-release', 0, current), [
        { range: change.range, newText: inserted },
      ]);
      steps.push({ change, text: current });
    }

    let mark = client.mark();
    await client.open(uri, text);
    for (const [step, { change, text: edited }] of [{ change: undefined, text }, ...steps].entries()) {
      if (change) {
        mark = client.mark();
        await client.change(uri, [change]);
      }
      const expected = await expectedFor(edited);
      assert.equal(expected.kayron.length, 1, `step ${step}: Kayron fails on this file`);
      assert.match(expected.kayron[0] ?? '', /docker/, `step ${step}: goccy reports the docker field`);
      const diagnostics = await client.waitForDiagnostics(uri, sameAs(expected.summaries), { since: mark });
      const marked = diagnostics.filter((diagnostic) => diagnostic.message.startsWith(KAYRON_LINT_MARKER));
      assert.deepEqual(
        marked.map((diagnostic) => diagnostic.message.replace(KAYRON_LINT_MARKER, '')),
        expected.kayron,
        `step ${step}`,
      );
    }
  });
});
