/**
 * The deployment plan in a real VS Code: *Kayron: Show Deployment Plan…* for staging against an unsaved edit of the
 * working tree (the `releases` clone of test/e2e/harness.js: main runs kayron v0.5.3), the rendered Markdown preview,
 * the plan following further typing, the CodeLens above the changed entry, and the Environments view's plan action.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KayronExtensionApi } from '../../../client/src/extension';
import type { ShowPlanResult } from '../../../client/src/plan';
import type { TreeSnapshotNode } from '../../../client/src/environments/tree';
import { EXTENSION_ID, waitFor } from './wait';

const RELEASES_FOLDER = 'releases';
const SERVICE = 'service/service.yaml';

const planDocuments = () => vscode.workspace.textDocuments.filter((document) => document.uri.scheme === 'kayron-plan');
const describePlans = () =>
  planDocuments()
    .map((document) => `${document.uri.toString()}:\n${document.getText()}`)
    .join('\n---\n') || 'no plan document open';

function releasesFolder(): vscode.WorkspaceFolder {
  const found = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === RELEASES_FOLDER);
  assert.ok(found, `workspace folder ${RELEASES_FOLDER} is missing`);
  return found;
}

async function replaceInDocument(document: vscode.TextDocument, from: string, to: string): Promise<void> {
  const offset = document.getText().indexOf(from);
  assert.ok(offset >= 0, `${from} is not in ${document.uri.toString()}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(
    document.uri,
    new vscode.Range(document.positionAt(offset), document.positionAt(offset + from.length)),
    to,
  );
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was applied');
}

const markdownPreviewOpen = () =>
  vscode.window.tabGroups.all.some((group) =>
    group.tabs.some(
      (tab) =>
        tab.input instanceof vscode.TabInputWebview &&
        /markdown\.preview/.test(tab.input.viewType) &&
        tab.label.includes('Deployment plan staging'),
    ),
  );

describe('Deployment plan (preview, CodeLens, environments action)', function () {
  this.timeout(120_000);
  let root: vscode.Uri;
  let service: vscode.TextDocument;

  before(async () => {
    const extension = vscode.extensions.getExtension<KayronExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    await (
      await extension.activate()
    ).ready;
    root = releasesFolder().uri;
    service = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, ...SERVICE.split('/')));
    await vscode.window.showTextDocument(service);
    await replaceInDocument(service, 'release: "v0.5.3"', 'release: "v0.5.4"');
  });

  after(async () => {
    await vscode.window.showTextDocument(service);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens the rendered plan for staging vs the working tree and shows the parameter change', async () => {
    const result = await vscode.commands.executeCommand<ShowPlanResult | undefined>('kayron.plan.show', {
      root: root.toString(),
      environment: 'staging',
    });
    assert.ok(result, 'the command answered');
    assert.ok(result.result.ok, JSON.stringify(result.result));
    // The server may have answered before it saw the edit; the open plan follows the working tree. Earlier suites may
    // have left thousands of other entries (their rows then fill the table): the change shows in its row or its problem.
    const shows = (text: string) =>
      text.includes('| `KayronVersion` | `v0.5.3` | `v0.5.4` | upgrade |') ||
      /\(`KayronVersion`\) — v0\.5\.4 /.test(text);
    await waitFor(
      'the plan document to show KayronVersion v0.5.3 → v0.5.4',
      () => planDocuments().find((document) => shows(document.getText())),
      describePlans,
    );
    const plan = planDocuments().find((document) => shows(document.getText()))!;
    assert.match(plan.getText(), /^### Kayron deployment plan: staging\n/);
    // Earlier suites may have left other release files in the working tree: only kayron's change is this suite's.
    assert.match(plan.getText(), /staging: \d+ parameters? changes? \((?:.*, )?1 upgrade\b/);
    assert.ok(!plan.getText().includes('<!-- kayron-releases:plan -->'), 'the editor preview has no PR-comment marker');
    await waitFor(
      'the Markdown preview of the plan',
      () => (markdownPreviewOpen() ? true : undefined),
      () => JSON.stringify(vscode.window.tabGroups.all.map((group) => group.tabs.map((tab) => tab.label))),
    );
  });

  it('refreshes the open plan as the release file is edited', async () => {
    await replaceInDocument(service, 'release: "v0.5.4"', 'release: "v0.5.5"');
    await waitFor(
      'the open plan to show v0.5.5',
      () =>
        planDocuments().find(
          (document) =>
            document.getText().includes('| `KayronVersion` | `v0.5.3` | `v0.5.5` | upgrade |') ||
            /\(`KayronVersion`\) — v0\.5\.5 /.test(document.getText()),
        ),
      describePlans,
    );
  });

  it('shows a CodeLens above the changed entry', async () => {
    const kayronLine = service
      .getText()
      .split('\n')
      .findIndex((line) => line.includes('docker: "kayron"'));
    assert.ok(kayronLine >= 0);
    const lenses = await waitFor('the CodeLens on the kayron entry', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        service.uri,
      );
      return found.some((lens) => lens.command?.title === 'staging: KayronVersion v0.5.3 → v0.5.5') ? found : undefined;
    });
    const lens = lenses.find((candidate) => candidate.command?.title === 'staging: KayronVersion v0.5.3 → v0.5.5')!;
    assert.equal(lens.range.start.line, kayronLine);
    assert.equal(lens.command?.command, 'kayron.plan.show');
    assert.equal(
      lenses.filter((candidate) => candidate.command?.command === 'kayron.plan.show').length,
      1,
      'only the changed entry has one',
    );
  });

  it('opens the plan of an environment from the Environments view', async () => {
    const tree = await vscode.commands.executeCommand<{ nodes: TreeSnapshotNode[] }>('_kayron.environments.tree');
    const testing = tree.nodes.find((node) => node.label === 'testing');
    assert.ok(testing, 'the tree shows testing');
    assert.match(testing.contextValue ?? '', /\batRef\b/, 'the plan action is offered on environments read at a ref');
    const result = await vscode.commands.executeCommand<ShowPlanResult | undefined>(
      'kayron.environments.showPlan',
      testing.node,
    );
    assert.ok(result?.result.ok, JSON.stringify(result?.result));
    assert.equal(result.result.plan.environment, 'testing');
    assert.equal(new URLSearchParams(vscode.Uri.parse(result.uri).query).get('environment'), 'testing');
    // testing runs kayron on branch feature/x: the working tree moves it to a release.
    assert.ok(
      result.result.plan.parameters.some(
        (parameter) =>
          parameter.key === 'KayronVersion' && parameter.change === 'to-release' && parameter.after === 'v0.5.5',
      ),
      JSON.stringify(result.result.plan.parameters),
    );
  });
});
