/**
 * GitHub-backed editing in a real VS Code, against the GitHub stand-in that test/e2e/run-extension-tests.js starts on
 * 127.0.0.1 and names in the releases folder's .vscode/settings.json (`kayron.github.apiUrl`, `kayron.github.owner`),
 * seeded with test/github-standin/splits-seed.ts: tag completion, the outdated hint, the release hover. Every wait polls
 * with a deadline.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KayronExtensionApi } from '../../../client/src/extension';
import {
  KAYRON_LATEST,
  KAYRON_TAGS_NEWEST_FIRST,
  kayronReleaseNotes,
  SPLITS_OWNER,
} from '../../github-standin/splits-seed';
import { EXTENSION_ID, waitFor } from './wait';

const RELEASE_LANGUAGE = 'kayron-release';
const RELEASES_FOLDER = 'releases';
const KAYRON_PIN = 'release: "v0.5.3"';

function serviceFile(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === RELEASES_FOLDER);
  assert.ok(folder, `workspace folder ${RELEASES_FOLDER} is missing`);
  return vscode.Uri.joinPath(folder.uri, 'service/service.yaml');
}

const openDocumentOf = (uri: vscode.Uri) =>
  vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
const codeOf = (diagnostic: vscode.Diagnostic) =>
  String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code);
const labelOf = (item: vscode.CompletionItem) => (typeof item.label === 'string' ? item.label : item.label.label);
const markdownOf = (value: string | vscode.MarkdownString | undefined) =>
  typeof value === 'string' ? value : (value?.value ?? '');

/** Opens service/service.yaml and waits until the extension has given it the release language (the server serves that). */
async function openService(): Promise<vscode.TextDocument> {
  const uri = serviceFile();
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  return waitFor(`${uri.path} to get language ${RELEASE_LANGUAGE}`, () => {
    const document = openDocumentOf(uri);
    return document?.languageId === RELEASE_LANGUAGE ? document : undefined;
  });
}

/** Position of `needle` (exactly one occurrence) plus `offset` characters. */
function positionOf(document: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const text = document.getText();
  const index = text.indexOf(needle);
  assert.ok(
    index >= 0 && text.indexOf(needle, index + 1) < 0,
    `expected exactly one ${needle} in ${document.uri.path}`,
  );
  return document.positionAt(index + offset);
}

async function replaceOnce(document: vscode.TextDocument, search: string, replacement: string): Promise<void> {
  const start = positionOf(document, search);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(start, start.translate(0, search.length)), replacement);
  assert.ok(await vscode.workspace.applyEdit(edit), `edit of ${document.uri.path} was refused`);
}

function githubDiagnostics(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((diagnostic) => diagnostic.source === 'kayron-releases')
    .map(
      (diagnostic) =>
        `${diagnostic.range.start.line + 1} ${codeOf(diagnostic)} ${vscode.DiagnosticSeverity[diagnostic.severity]}: ${diagnostic.message}`,
    );
}

describe('GitHub-backed editing in a real VS Code (against the local GitHub stand-in)', function () {
  let api: KayronExtensionApi;
  const describeState = () =>
    `GitHub state: ${JSON.stringify(api.githubState())}; diagnostics: ${JSON.stringify(githubDiagnostics(serviceFile()))}`;

  before(async function () {
    const extension = vscode.extensions.getExtension<KayronExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
  });

  afterEach(async function () {
    // Put service.yaml back to its text on disk (edits are never saved: files.autoSave is off).
    const document = openDocumentOf(serviceFile());
    if (!document || document.isClosed) return;
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(document.uri));
    if (document.getText() === onDisk) return;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      document.uri,
      new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)),
      onDisk,
    );
    await vscode.workspace.applyEdit(edit);
  });

  it('takes the owner and the API from the settings, and gets answers from the stand-in', async function () {
    // Rate-limit figures come from response headers: present once the stand-in has answered a check of every entry.
    const answered = (state = api.githubState()) =>
      state && state.owners.includes(SPLITS_OWNER) && state.rateLimitRemaining !== undefined && state.unverified === 0;
    const state = await waitFor(
      'a GitHub state after a check against the stand-in',
      () => (answered() ? api.githubState() : undefined),
      describeState,
    );
    assert.deepEqual(state.owners, [SPLITS_OWNER]);
    assert.equal(state.rateLimitLimit, 60, "the stand-in's anonymous limit");
    assert.equal(state.networkAllowed, true);
    assert.equal(state.rateLimited, false);
    assert.equal(state.offline, false);
  });

  it('hints that kayron v0.5.3 is outdated, naming the newest release', async function () {
    const document = await openService();
    const line = positionOf(document, KAYRON_PIN).line;
    const diagnostic = await waitFor(
      'a release-outdated hint on the kayron pin',
      () =>
        vscode.languages
          .getDiagnostics(document.uri)
          .find((candidate) => codeOf(candidate) === 'release-outdated' && candidate.range.start.line === line),
      describeState,
    );
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(diagnostic.message, `newer release available: ${KAYRON_LATEST}`);
    assert.equal(diagnostic.source, 'kayron-releases');
    assert.equal(document.getText(diagnostic.range), '"v0.5.3"');
  });

  it('completes release: "" with kayron\'s tags, newest first, "latest" and the notes on the first', async function () {
    const document = await openService();
    await replaceOnce(document, KAYRON_PIN, 'release: ""');
    const inside = positionOf(document, 'release: ""', 'release: "'.length);
    const items = await waitFor(
      'tag completions',
      async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          document.uri,
          inside,
        );
        // The server's tags are constants; the editor adds words of the document (other versions) as plain text.
        const tags = list.items.filter((item) => item.kind === vscode.CompletionItemKind.Constant);
        return tags.length > 0 ? tags : undefined;
      },
      describeState,
    );
    // The order the widget shows: by sortText.
    const ordered = [...items].sort((a, b) => (a.sortText ?? labelOf(a)).localeCompare(b.sortText ?? labelOf(b)));
    assert.deepEqual(ordered.map(labelOf), KAYRON_TAGS_NEWEST_FIRST);
    const [first] = ordered;
    assert.ok(first);
    const description = typeof first.label === 'string' ? '' : (first.label.description ?? '');
    assert.match(`${first.detail ?? ''} ${description}`, /\blatest\b/);
    assert.ok(
      markdownOf(first.documentation).includes(kayronReleaseNotes(KAYRON_LATEST)),
      markdownOf(first.documentation),
    );
    assert.ok(
      ordered.slice(1).every((item) => !/\blatest\b/.test(item.detail ?? '')),
      'only the first is "latest"',
    );
    // Inside the quotes the bare tag is inserted.
    const inserted =
      first.insertText instanceof vscode.SnippetString
        ? first.insertText.value
        : (first.insertText ?? first.textEdit?.newText);
    assert.equal(inserted, KAYRON_LATEST);
  });

  it('shows the release title, notes and what is newer when hovering the release value', async function () {
    const document = await openService();
    const onTag = positionOf(document, KAYRON_PIN, 'release: "v0'.length);
    const text = await waitFor(
      'a hover with the release notes',
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          document.uri,
          onTag,
        );
        const joined = hovers
          .flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)))
          .join('\n');
        return joined.includes(kayronReleaseNotes('v0.5.3')) ? joined : undefined;
      },
      describeState,
    );
    assert.ok(text.includes(`**Kayron v0.5.3** — ${SPLITS_OWNER}/kayron`), text);
    assert.ok(text.includes(`21 newer releases; latest is **${KAYRON_LATEST}**`), text);
    assert.match(
      text,
      /\[Compare v0\.5\.3…v0\.5\.24\]\(http:\/\/127\.0\.0\.1:\d+\/0xSplits\/kayron\/compare\/v0\.5\.3\.\.\.v0\.5\.24\)/,
    );
  });
});
