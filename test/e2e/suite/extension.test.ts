/**
 * Kayron Releases in a real VS Code: language switching, diagnostics (own file and cross-file), hover, ignored files,
 * and leaving a non-releases folder alone. Runs in the extension host against a multi-root workspace made by
 * test/e2e/harness.js: `releases` (copy of the sample repo) and `not-a-releases-repo`. Every wait polls with a deadline.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KayronExtensionApi } from '../../../client/src/extension';
import { EXTENSION_ID, waitFor, WAIT_MS } from './wait';

const RELEASE_LANGUAGE = 'kayron-release';
const RELEASES_FOLDER = 'releases';
const UNRELATED_FOLDER = 'not-a-releases-repo';
const KAYRON_SOURCES = new Set(['kayron', 'kayron-releases']);
/**
 * Hints from GitHub data (the runner's stand-in; the sample pins outdated kayron and alloy releases). They are
 * github.test.ts's subject; the checks here are the offline ones, so these helpers leave GitHub's hints out.
 */
const ONLINE_CODES = new Set(['release-outdated', 'release-unknown', 'branch-unknown', 'github-repo-unknown']);
// Kayron's own texts, copied from kayron-spec §2.3 (c) and §2.5 rather than imported, so the test checks the server.
const RELEASE_FORMAT_MESSAGE =
  'This critical error indicates that the provided release tag does not comply with the required format [v.MAJOR.MINOR.PATCH(-SUFFIX)], which means that the operator does not know how to proceed safely.';
const INFRASTRUCTURE_COUNT_MESSAGE =
  'This critical error indicates that the resolved release settings do not provide a single infrastructure release, which means that the operator does not know how to proceed safely.';
const KAYRON_LINT_MARKER = '[reported by kayron lint] ';

function folder(name: string): vscode.WorkspaceFolder {
  const found = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === name);
  assert.ok(
    found,
    `workspace folder ${name} is missing: ${JSON.stringify(vscode.workspace.workspaceFolders?.map((f) => f.name))}`,
  );
  return found;
}

const fileIn = (folderName: string, relativePath: string) => vscode.Uri.joinPath(folder(folderName).uri, relativePath);
const releasesFile = (relativePath: string) => fileIn(RELEASES_FOLDER, relativePath);
const openDocumentOf = (uri: vscode.Uri) =>
  vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
const codeOf = (diagnostic: vscode.Diagnostic) =>
  typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
const isOfflineKayronDiagnostic = (diagnostic: vscode.Diagnostic) =>
  KAYRON_SOURCES.has(diagnostic.source ?? '') && !ONLINE_CODES.has(String(codeOf(diagnostic)));

function kayronDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter(isOfflineKayronDiagnostic);
}

/** Every Kayron diagnostic in a workspace folder, as readable lines (for assertions and timeout messages). */
function kayronDiagnosticsUnder(root: vscode.Uri): string[] {
  const prefix = `${root.toString()}/`;
  return vscode.languages
    .getDiagnostics()
    .filter(([uri]) => uri.toString().startsWith(prefix))
    .flatMap(([uri, diagnostics]) =>
      diagnostics
        .filter(isOfflineKayronDiagnostic)
        .map(
          (diagnostic) =>
            `${uri.path.slice(root.path.length + 1)}:${diagnostic.range.start.line + 1} ${diagnostic.source}(${String(codeOf(diagnostic))}) ${diagnostic.message}`,
        ),
    );
}

const describeDiagnostics = () =>
  `Kayron diagnostics now: ${JSON.stringify(kayronDiagnosticsUnder(folder(RELEASES_FOLDER).uri))}`;

async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

async function waitForLanguage(uri: vscode.Uri, languageId: string): Promise<vscode.TextDocument> {
  return waitFor(
    `${uri.path} to get language ${languageId}`,
    () => {
      const document = openDocumentOf(uri);
      return document?.languageId === languageId ? document : undefined;
    },
    () => `language now: ${openDocumentOf(uri)?.languageId ?? '(not open)'}`,
  );
}

/** Zero-based line of the only line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const lines = text.split(/\r?\n/).flatMap((line, index) => (line.includes(needle) ? [index] : []));
  assert.equal(lines.length, 1, `expected exactly one line containing ${needle}, found lines ${JSON.stringify(lines)}`);
  return lines[0]!;
}

async function replaceOnce(uri: vscode.Uri, search: string, replacement: string): Promise<void> {
  const document = openDocumentOf(uri);
  assert.ok(document, `${uri.path} is not open`);
  const text = document.getText();
  const offset = text.indexOf(search);
  assert.ok(offset >= 0 && text.indexOf(search, offset + 1) < 0, `expected exactly one ${search} in ${uri.path}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(
    uri,
    new vscode.Range(document.positionAt(offset), document.positionAt(offset + search.length)),
    replacement,
  );
  assert.ok(await vscode.workspace.applyEdit(edit), `edit of ${uri.path} was refused`);
}

async function hoverTexts(
  uri: vscode.Uri,
  position: vscode.Position,
): Promise<{ hovers: vscode.Hover[]; text: string }> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  const text = hovers
    .flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)))
    .join('\n');
  return { hovers, text };
}

/**
 * A request answered by the server for `uri`. The server publishes diagnostics for a state before it answers requests
 * that arrive after that state, so once this returns, every diagnostic for the edits so far has been sent.
 */
async function serverRoundTrip(uri: vscode.Uri): Promise<void> {
  const document = openDocumentOf(uri);
  assert.ok(document, `${uri.path} is not open`);
  const keyLine = lineOf(document.getText(), 'release: "v0.5.3"');
  const position = new vscode.Position(keyLine, document.lineAt(keyLine).firstNonWhitespaceCharacterIndex + 1);
  await waitFor('the language server to answer a hover', async () =>
    (await hoverTexts(uri, position)).hovers.length > 0 ? true : undefined,
  );
}

/** Puts every open release document back to its text on disk (edits are never saved: files.autoSave is off). */
async function restoreOpenDocuments(): Promise<void> {
  const root = folder(RELEASES_FOLDER).uri.toString();
  for (const document of vscode.workspace.textDocuments) {
    if (!document.uri.toString().startsWith(`${root}/`) || document.isClosed) continue;
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(document.uri));
    if (document.getText() === onDisk) continue;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      document.uri,
      new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)),
      onDisk,
    );
    await vscode.workspace.applyEdit(edit);
  }
}

describe('Kayron Releases in a real VS Code (code-server extension host)', function () {
  let api: KayronExtensionApi;
  const serviceFile = () => releasesFile('service/service.yaml');

  before(async function () {
    const extension = vscode.extensions.getExtension<KayronExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error('the server never reported releases roots')), WAIT_MS)),
    );
    await Promise.race([api.ready, timeout]).finally(() => clearTimeout(timer));
  });

  afterEach(async function () {
    await restoreOpenDocuments();
    await waitFor(
      'the releases folder to be free of Kayron diagnostics again',
      () => (kayronDiagnosticsUnder(folder(RELEASES_FOLDER).uri).length === 0 ? true : undefined),
      describeDiagnostics,
    );
  });

  it('registers every command package.json contributes, and the internal tree snapshot', async function () {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const contributed = (extension?.packageJSON as { contributes: { commands: { command: string }[] } }).contributes
      .commands;
    assert.ok(contributed.length > 0, 'package.json contributes commands');
    // Unfiltered: `getCommands(true)` leaves out names that start with an underscore.
    const registered = new Set(await vscode.commands.getCommands(false));
    const missing = [...contributed.map((entry) => entry.command), '_kayron.environments.tree'].filter(
      (id) => !registered.has(id),
    );
    assert.deepEqual(missing, [], 'every command is registered once the extension is active');
  });

  it('gives service/service.yaml the kayron-release language and no diagnostics', async function () {
    const uri = serviceFile();
    await open(uri);
    await waitForLanguage(uri, RELEASE_LANGUAGE);
    assert.ok(api.releaseFiles.isReleaseFile(uri), 'the server did not report service/service.yaml as a release file');
    await serverRoundTrip(uri);
    assert.deepEqual(kayronDiagnosticsUnder(folder(RELEASES_FOLDER).uri), []);
  });

  it('reports release-format at the edited line, as kayron lint would, and clears it when fixed', async function () {
    const uri = serviceFile();
    const document = await open(uri);
    await waitForLanguage(uri, RELEASE_LANGUAGE);
    const line = lineOf(document.getText(), 'release: "v0.5.3"');

    await replaceOnce(uri, '"v0.5.3"', '"0.5.3"');
    const diagnostic = await waitFor(
      'a release-format diagnostic',
      () => kayronDiagnostics(uri).find((d) => codeOf(d) === 'release-format'),
      describeDiagnostics,
    );
    assert.equal(diagnostic.source, 'kayron');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(
      diagnostic.range.start.line,
      line,
      `expected line ${line + 1}, got ${diagnostic.range.start.line + 1}`,
    );
    assert.ok(
      openDocumentOf(uri)!.getText(diagnostic.range).includes('0.5.3'),
      `range does not cover the tag: ${JSON.stringify(diagnostic.range)}`,
    );
    assert.ok(
      diagnostic.message.startsWith(`${KAYRON_LINT_MARKER}${RELEASE_FORMAT_MESSAGE}`),
      `message: ${diagnostic.message}`,
    );
    assert.ok(diagnostic.message.includes('"0.5.3"'), `message does not name the tag: ${diagnostic.message}`);
    assert.ok(
      diagnostic.message.startsWith(KAYRON_LINT_MARKER),
      `not marked as the kayron lint verdict: ${diagnostic.message}`,
    );

    await replaceOnce(uri, '"0.5.3"', '"v0.5.3"');
    await waitFor(
      'the release-format diagnostic to clear',
      () => (kayronDiagnostics(uri).length === 0 ? true : undefined),
      describeDiagnostics,
    );
  });

  it('leaves service/foo.yaml of a folder that is not a releases repository alone', async function () {
    const root = folder(UNRELATED_FOLDER).uri;
    const uri = fileIn(UNRELATED_FOLDER, 'service/foo.yaml');
    const claimed = api.releaseFiles.roots.map((releaseRoot) => vscode.Uri.parse(releaseRoot.uri).fsPath);
    assert.ok(
      !claimed.includes(root.fsPath),
      `the server treats ${root.fsPath} as a releases repository (roots: ${JSON.stringify(claimed)})`,
    );

    await open(uri);
    // a release file opened afterwards gets adopted; by then the decision on foo.yaml has been taken too
    await open(serviceFile());
    await waitForLanguage(serviceFile(), RELEASE_LANGUAGE);
    await serverRoundTrip(serviceFile());
    assert.equal(openDocumentOf(uri)?.languageId, 'yaml');
    assert.ok(!api.releaseFiles.isReleaseFile(uri), 'foo.yaml is reported as a release file');
    assert.deepEqual(kayronDiagnosticsUnder(root), []);
  });

  it('shows the key documentation when hovering release:', async function () {
    const uri = serviceFile();
    const document = await open(uri);
    await waitForLanguage(uri, RELEASE_LANGUAGE);
    const line = lineOf(document.getText(), 'release: "v0.5.3"');
    const keyStart = document.lineAt(line).firstNonWhitespaceCharacterIndex;
    const { hovers, text } = await waitFor('a hover on release:', async () => {
      const result = await hoverTexts(uri, new vscode.Position(line, keyStart + 3));
      return result.hovers.length > 0 ? result : undefined;
    });
    assert.match(text, /Pinned tag to deploy/);
    const range = hovers.find((hover) => hover.range)?.range;
    assert.ok(range, 'the hover has no range');
    assert.equal(document.getText(range), 'release');
  });

  it('reports infrastructure-count on both files when service.yaml adds a second cloudformation provider', async function () {
    const uri = serviceFile();
    const infrastructureUri = releasesFile('infrastructure/infrastructure.yaml');
    const document = await open(uri);
    await waitForLanguage(uri, RELEASE_LANGUAGE);
    assert.equal(openDocumentOf(infrastructureUri), undefined, 'infrastructure.yaml must stay closed for this test');
    const infrastructureText = new TextDecoder().decode(await vscode.workspace.fs.readFile(infrastructureUri));
    const infrastructureProviderLine = lineOf(infrastructureText, 'provider: "cloudformation"');

    const text = document.getText();
    const addedEntry = `${text.endsWith('\n') ? '' : '\n'}\n- github: "second-infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v0.1.0"\n`;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, document.positionAt(text.length), addedEntry);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const addedProviderLine = lineOf(openDocumentOf(uri)!.getText(), 'provider: "cloudformation"');

    const findCount = (target: vscode.Uri) =>
      kayronDiagnostics(target).find((d) => codeOf(d) === 'infrastructure-count');
    const inService = await waitFor('infrastructure-count in service.yaml', () => findCount(uri), describeDiagnostics);
    const inInfrastructure = await waitFor(
      'infrastructure-count in infrastructure.yaml',
      () => findCount(infrastructureUri),
      describeDiagnostics,
    );
    for (const diagnostic of [inService, inInfrastructure]) {
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
      assert.ok(diagnostic.message.startsWith(INFRASTRUCTURE_COUNT_MESSAGE), `message: ${diagnostic.message}`);
    }
    assert.equal(inService.range.start.line, addedProviderLine);
    assert.equal(inInfrastructure.range.start.line, infrastructureProviderLine);
    assert.equal(openDocumentOf(infrastructureUri), undefined, 'infrastructure.yaml was opened behind the test');

    await restoreOpenDocuments();
    await waitFor(
      'infrastructure-count to clear in both files',
      () => (findCount(uri) || findCount(infrastructureUri) ? undefined : true),
      describeDiagnostics,
    );
  });

  it('lists the entries in the Outline: one symbol per entry, named by docker, strategy as detail, keys as children', async function () {
    const uri = serviceFile();
    await open(uri);
    await waitForLanguage(uri, RELEASE_LANGUAGE);
    const symbols = await waitFor('document symbols of service.yaml', async () => {
      const result = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>(
        'vscode.executeDocumentSymbolProvider',
        uri,
      );
      return result && result.length > 0 ? result : undefined;
    });
    assert.deepEqual(
      symbols.map((symbol) => [symbol.name, symbol.detail]),
      [
        ['alloy', 'v1.12.2-ce60d74'],
        ['kayron', 'v0.5.3'],
        ['specta', 'v0.3.1'],
        ['splits-lite', 'v0.2.3 +preview'],
      ],
    );
    const kayron = symbols[1]!;
    assert.deepEqual(
      kayron.children.map((child) => child.name),
      ['docker', 'github', 'deploy'],
    );
    assert.deepEqual(
      kayron.children[2]!.children.map((child) => [child.name, child.detail]),
      [['release', 'v0.5.3']],
    );
    const document = openDocumentOf(uri)!;
    assert.equal(document.getText(kayron.selectionRange), '"kayron"');
    assert.ok(document.getText(kayron.range).startsWith('- docker: "kayron"'), document.getText(kayron.range));
  });

  it('links a diagnostic code to its row in the README', async function () {
    const uri = serviceFile();
    await open(uri);
    await waitForLanguage(uri, RELEASE_LANGUAGE);
    await replaceOnce(uri, '"v0.5.3"', '"0.5.3"');
    const diagnostic = await waitFor(
      'a release-format diagnostic',
      () => kayronDiagnostics(uri).find((d) => codeOf(d) === 'release-format'),
      describeDiagnostics,
    );
    assert.ok(typeof diagnostic.code === 'object', `the code carries a link: ${JSON.stringify(diagnostic.code)}`);
    assert.match(diagnostic.code.target.toString(), /^https:\/\/github\.com\/[^#]+#release-format$/);
  });

  it('warns that Kayron ignores a .yml file under service/', async function () {
    const uri = releasesFile('service/extra.yml');
    await vscode.workspace.fs.writeFile(
      uri,
      new TextEncoder().encode('- docker: "extra"\n  github: "extra"\n  deploy:\n    release: "v1.0.0"\n'),
    );
    try {
      const diagnostic = await waitFor(
        'an ignored-extension warning on service/extra.yml',
        () => kayronDiagnostics(uri).find((d) => codeOf(d) === 'ignored-extension'),
        describeDiagnostics,
      );
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(diagnostic.source, 'kayron-releases');
      assert.ok(
        diagnostic.message.includes('"extra.yaml"'),
        `message does not suggest the .yaml name: ${diagnostic.message}`,
      );
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
    await waitFor(
      'the warning to go with the file',
      () => (kayronDiagnostics(uri).length === 0 ? true : undefined),
      describeDiagnostics,
    );
  });
});
