/**
 * Code actions in a real VS Code, against the GitHub stand-in that test/e2e/run-extension-tests.js starts (seeded with
 * test/github-standin/splits-seed.ts; the sample pins kayron v0.5.3, the latest is v0.5.24): the bump quick fix through
 * `vscode.executeCodeActionProvider`, applied as VS Code applies it, undone in one step; and the "Switch to branch…"
 * flows, whose quick picks are answered by executing VS Code's own quick-open commands while the pick is open. Every
 * wait polls with a deadline; the edited documents are put back to their text on disk after each test.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KayronExtensionApi } from '../../../client/src/extension';
import { KAYRON_LATEST } from '../../github-standin/splits-seed';
import { EXTENSION_ID, scaled, waitFor } from './wait';

const RELEASE_LANGUAGE = 'kayron-release';
const RELEASES_FOLDER = 'releases';
const KAYRON_PIN = 'release: "v0.5.3"';

function releasesFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === RELEASES_FOLDER);
  assert.ok(folder, `workspace folder ${RELEASES_FOLDER} is missing`);
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

const openDocumentOf = (uri: vscode.Uri) =>
  vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
const readDisk = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));

/** Opens a release file in an editor (focused) and waits until it has the release language. */
async function openReleaseFile(
  relativePath: string,
): Promise<{ document: vscode.TextDocument; editor: vscode.TextEditor }> {
  const uri = releasesFile(relativePath);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  const document = await waitFor(`${uri.path} to get language ${RELEASE_LANGUAGE}`, () => {
    const open = openDocumentOf(uri);
    return open?.languageId === RELEASE_LANGUAGE ? open : undefined;
  });
  return { document, editor };
}

/** Position `offset` characters into the only occurrence of `needle`. */
function positionOf(document: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const text = document.getText();
  const index = text.indexOf(needle);
  assert.ok(
    index >= 0 && text.indexOf(needle, index + 1) < 0,
    `expected exactly one ${needle} in ${document.uri.path}`,
  );
  return document.positionAt(index + offset);
}

/** The code actions VS Code's lightbulb would get at `position` (an empty range there), polled until `accept` holds. */
function codeActionsAt(
  document: vscode.TextDocument,
  position: vscode.Position,
  what: string,
  accept: (actions: vscode.CodeAction[]) => boolean,
): Promise<vscode.CodeAction[]> {
  let last: vscode.CodeAction[] = [];
  return waitFor(
    what,
    async () => {
      last =
        (await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          document.uri,
          new vscode.Range(position, position),
        )) ?? [];
      return accept(last) ? last : undefined;
    },
    () => `actions now: ${JSON.stringify(last.map((action) => action.title))}`,
  );
}

/**
 * Runs a command that asks with one or more quick picks and answers each with its first (active) item, the way a user
 * presses Enter: while the command runs, `workbench.action.acceptSelectedQuickOpenItem` is executed every poll. It is a
 * no-op while no quick pick is open, so it lands only once a pick shows, whatever the timing.
 */
async function runAnsweringQuickPicks(command: string, ...args: unknown[]): Promise<void> {
  let settled = false;
  const running = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => (settled = true));
  running.catch(() => undefined); // a failure is rethrown by the `await running` below
  await waitFor(`${command} to finish (its quick picks answered)`, async () => {
    if (settled) return true;
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    return undefined;
  });
  await running;
}

/** Replaces `document`'s text with its text on disk (files.autoSave is off: nothing the tests edit is ever saved). */
async function restoreFromDisk(uri: vscode.Uri): Promise<void> {
  const document = openDocumentOf(uri);
  if (!document || document.isClosed) return;
  const onDisk = await readDisk(uri);
  if (document.getText() === onDisk) return;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), onDisk);
  assert.ok(await vscode.workspace.applyEdit(edit), `restoring ${uri.path} was refused`);
}

describe('Code actions in a real VS Code: bump quick fix, undo, testing-branch quick picks', function () {
  this.timeout(scaled(120_000));

  before(async function () {
    const extension = vscode.extensions.getExtension<KayronExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    const api = await extension.activate();
    await api.ready;
  });

  afterEach(async function () {
    await restoreFromDisk(releasesFile('service/service.yaml'));
    await restoreFromDisk(releasesFile('infrastructure/infrastructure.yaml'));
  });

  it('offers "Bump to the latest" as the preferred quick fix on the outdated kayron pin; applying it changes exactly the value; undo restores in one step', async function () {
    const { document } = await openReleaseFile('service/service.yaml');
    const original = document.getText();
    assert.equal(original, await readDisk(document.uri), 'the document starts as the file on disk');
    const onTag = positionOf(document, KAYRON_PIN, 'release: "v0'.length);
    const bumpTitle = `Bump to ${KAYRON_LATEST} (latest)`;
    // The quick fix needs the release-outdated hint under the cursor, which arrives once the stand-in has answered.
    const actions = await codeActionsAt(document, onTag, `the "${bumpTitle}" quick fix`, (list) =>
      list.some((action) => action.title === bumpTitle && action.kind?.value === 'quickfix'),
    );
    const bump = actions.find((action) => action.title === bumpTitle);
    assert.ok(bump?.edit, 'the bump carries a workspace edit');
    assert.equal(bump.isPreferred, true);
    assert.equal(bump.kind?.value, vscode.CodeActionKind.QuickFix.value);
    // (executeCodeActionProvider does not hand back an action's diagnostics; the one it fixes is the hint under the cursor.)
    const hint = vscode.languages.getDiagnostics(document.uri).find((diagnostic) => diagnostic.range.contains(onTag));
    assert.equal(hint?.message, `newer release available: ${KAYRON_LATEST}`);

    assert.ok(await vscode.workspace.applyEdit(bump.edit), 'VS Code refused the bump edit');
    assert.equal(document.getText(), original.replace(KAYRON_PIN, `release: "${KAYRON_LATEST}"`));

    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), original, 'one undo restores the original text');
  });

  it('"Switch to branch…" (kayron.entry.switchToBranch) picks from the quick pick, keeps the pin as a comment, and undoes in one step', async function () {
    const { document } = await openReleaseFile('service/service.yaml');
    const original = document.getText();
    const onTag = positionOf(document, KAYRON_PIN, 'release: "v0'.length);
    const actions = await codeActionsAt(
      document,
      onTag,
      'the "Switch to branch…" action with branch actions before it',
      (list) =>
        list.some((action) => action.title === 'Switch to branch…') &&
        list.some((action) => action.title.startsWith('Switch to branch feature/preview-envs')),
    );
    const prompt = actions.find((action) => action.title === 'Switch to branch…');
    assert.equal(prompt?.command?.command, 'kayron.entry.switchToBranch');
    assert.equal(prompt?.kind?.value, 'refactor.rewrite.kayron.switch');
    // As VS Code does when the user chooses the action: run its command with its arguments. The pick lists branches
    // with open pull requests first; Enter takes the first, feature/preview-envs.
    await runAnsweringQuickPicks(prompt.command.command, ...(prompt.command.arguments ?? []));
    const switched = original.replace(
      `    ${KAYRON_PIN}\n`,
      `    # ${KAYRON_PIN}\n    branch: "feature/preview-envs"\n`,
    );
    assert.notEqual(switched, original);
    assert.equal(document.getText(), switched);

    assert.equal(
      vscode.window.activeTextEditor?.document.uri.toString(),
      document.uri.toString(),
      'the command shows the edited file',
    );
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), original, 'one undo restores the original text');
  });

  it('"Kayron: Switch Service to Branch…" picks the service, then the branch, from quick picks', async function () {
    const infrastructure = releasesFile('infrastructure/infrastructure.yaml');
    const original = await readDisk(infrastructure);
    // The service pick lists entries in Kayron's walk order: infrastructure/infrastructure.yaml's entry comes first;
    // the stand-in's infrastructure repository has one branch, main.
    await runAnsweringQuickPicks('kayron.switchServiceToBranch');
    const document = await waitFor('infrastructure.yaml to be open', () => openDocumentOf(infrastructure));
    assert.equal(
      document.getText(),
      original.replace('    release: "v0.5.8"\n', '    # release: "v0.5.8"\n    branch: "main"\n'),
    );
  });

  it('"Switch back to release" restores the commented pin byte for byte', async function () {
    const { document } = await openReleaseFile('service/service.yaml');
    const original = document.getText();
    const onBranch = original.replace(
      `    ${KAYRON_PIN}\n`,
      `    # ${KAYRON_PIN}\n    branch: "feature/preview-envs"\n`,
    );
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      document.uri,
      new vscode.Range(document.positionAt(0), document.positionAt(original.length)),
      onBranch,
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const onValue = positionOf(document, 'branch: "feature/preview-envs"', 'branch: "f'.length);
    const actions = await codeActionsAt(document, onValue, 'the "Switch back to release v0.5.3" action', (list) =>
      list.some((action) => action.title === 'Switch back to release v0.5.3'),
    );
    const back = actions.find((action) => action.title === 'Switch back to release v0.5.3');
    assert.ok(back?.edit);
    assert.ok(await vscode.workspace.applyEdit(back.edit));
    assert.equal(document.getText(), original);
  });
});
