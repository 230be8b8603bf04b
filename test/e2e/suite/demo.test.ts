/**
 * The demo walk: what a newcomer sees after `npm start`, in a real VS Code on the demo's workspace (test/e2e/demo.ts:
 * a releases clone with production v0.6.10, staging ahead, testing on kayron's fix/retry-backoff branch, an uncommitted
 * splits-lite pin to a missing tag) against the demo's GitHub stand-in. run-extension-tests.js --demo opens it as
 * start-demo.ts does. Checks the features and the texts of issue 15 (status, hovers, summaries, tags, words, links).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KayronExtensionApi } from '../../../client/src/extension';
import type { TreeSnapshotNode } from '../../../client/src/environments/tree';
import type { PromotionCommandResult } from '../../../client/src/promotion/flows';
import { EXTENSION_ID, waitFor } from './wait';

const SERVICE = 'service/service.yaml';
const ENVIRONMENTS = ['development', 'testing', 'staging', 'production'];
/** The demo's uncommitted edit (demo.ts DEMO_MISSING_TAG) and production (DEMO_PRODUCTION_TAG). */
const MISSING_TAG = 'v0.2.9';
const PRODUCTION_TAG = 'v0.6.10';

interface TreeSnapshot {
  state: string;
  grouping: string;
  nodes: TreeSnapshotNode[];
}

const labelOf = (item: vscode.CompletionItem) => (typeof item.label === 'string' ? item.label : item.label.label);
const markdownOf = (contents: vscode.Hover['contents']) =>
  contents.map((part) => (typeof part === 'string' ? part : 'value' in part ? part.value : '')).join('\n');
const codeOf = (diagnostic: vscode.Diagnostic) =>
  String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code);
const child = (nodes: TreeSnapshotNode[], label: string) => nodes.find((node) => node.label === label);
/** Emoji and other pictographs whose look depends on the fonts installed. */
const PICTOGRAPH = /[\u{2600}-\u{27BF}\u{1F300}-\u{1FAFF}]/u;

function folder(): vscode.WorkspaceFolder {
  const found = vscode.workspace.workspaceFolders?.[0];
  assert.ok(found, 'the demo folder is open');
  return found;
}

function positionAfter(document: vscode.TextDocument, needle: string, offset = needle.length): vscode.Position {
  const text = document.getText();
  const index = text.indexOf(needle);
  assert.ok(
    index >= 0 && text.indexOf(needle, index + 1) < 0,
    `expected exactly one ${needle} in ${document.uri.path}`,
  );
  return document.positionAt(index + offset);
}

describe('The demo (npm start): the whole product on a demo releases repository and the demo GitHub', function () {
  this.timeout(180_000);
  let api: KayronExtensionApi;
  let document: vscode.TextDocument;
  let root: string;

  before(async function () {
    const extension = vscode.extensions.getExtension<KayronExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.ready;
    root = folder().uri.toString();
    document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder().uri, SERVICE));
    await vscode.window.showTextDocument(document, { preview: false });
    await waitFor('the release language', () => (document.languageId === 'kayron-release' ? true : undefined));
  });

  it('labels the data as demo GitHub in the status bar, with rate-limit figures from the headers', async () => {
    const shown = await waitFor(
      'the status item to show demo GitHub',
      () => {
        const item = api.githubStatusItem();
        return item.text.includes('demo GitHub') && item.tooltip.includes('Rate limit:') ? item : undefined;
      },
      () => JSON.stringify(api.githubStatusItem()),
    );
    assert.equal(shown.text, '$(github) demo GitHub');
    assert.match(shown.tooltip, /Demo data:\*\* a local GitHub stand-in at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(shown.tooltip, /Rate limit: \d+ of 5000 left/);
    assert.doesNotMatch(shown.tooltip, /60 requests an hour/);
    assert.match(shown.tooltip, /Owner: \*\*0xSplits\*\*/);
  });

  it('shows diagnostics at once: the uncommitted pin to a tag splits-lite does not have', async () => {
    const unknown = await waitFor(
      'release-unknown on the uncommitted splits-lite pin',
      () =>
        vscode.languages.getDiagnostics(document.uri).find((diagnostic) => codeOf(diagnostic) === 'release-unknown'),
      () =>
        JSON.stringify(
          vscode.languages
            .getDiagnostics(document.uri)
            .map((diagnostic) => `${codeOf(diagnostic)}: ${diagnostic.message}`),
        ),
    );
    assert.equal(unknown.message, `0xSplits/splits-lite has no tag ${MISSING_TAG}.`);
    assert.equal(document.getText(unknown.range), `"${MISSING_TAG}"`);
    assert.deepEqual(
      await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri),
      [],
      'no value is underlined as a link',
    );
  });

  it('completes kayron tags from the stand-in, newest first, with a one-line plain summary of the notes', async () => {
    const position = positionAfter(document, 'release: "v0.5.23"', 'release: "'.length);
    const list = await waitFor('tag completion from the stand-in', async () => {
      const result = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        document.uri,
        position,
      );
      return result.items.some((item) => labelOf(item) === 'v0.5.24') ? result : undefined;
    });
    const latest = list.items.find((item) => labelOf(item) === 'v0.5.24');
    assert.ok(latest);
    assert.match(
      latest.detail ?? '',
      /^latest · published 3 days ago — Retry GitHub calls with backoff by @xh3b4sd in #\d+$/,
    );
    assert.doesNotMatch(latest.detail ?? '', /##|\*\*/, 'no raw Markdown in the detail');
    const documentation = latest.documentation;
    assert.ok(documentation instanceof vscode.MarkdownString, 'the notes are Markdown, rendered by the editor');
    assert.match(documentation.value, /## What's Changed/);
  });

  it("hovers: a missing tag is not 'the newest release' and links no release page; a valid tag links its release", async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      positionAfter(document, MISSING_TAG, 2),
    );
    const missing = markdownOf(hovers.flatMap((hover) => hover.contents));
    assert.match(missing, /No such tag in the repository\./, missing);
    assert.doesNotMatch(missing, /newest release/);
    assert.ok(!missing.includes(`/releases/tag/${MISSING_TAG}`), missing);
    assert.match(missing, /The latest release is \*\*v0\.2\.3\*\*/);

    const valid = markdownOf(
      (
        await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          document.uri,
          positionAfter(document, 'v1.12.2-ce60d74', 3),
        )
      ).flatMap((hover) => hover.contents),
    );
    assert.match(valid, /\/alloy\/releases\/tag\/v1\.12\.2-ce60d74\)/);
    // (The suffix's colour: VS Code web has no token-capture command; test/unit/grammar.test.ts checks its scopes with
    // the same grammar through vscode-textmate.)
  });

  it('bumps kayron to its latest release with the code action', async () => {
    const position = positionAfter(document, 'v0.5.23', 2);
    const actions = await waitFor('the bump action', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        new vscode.Range(position, position),
        undefined,
        10,
      );
      return found.some((action) => /v0\.5\.24/.test(action.title)) ? found : undefined;
    });
    const bump = actions.find((action) => /v0\.5\.24/.test(action.title));
    assert.ok(bump?.edit, `a bump with an edit: ${actions.map((action) => action.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(bump.edit));
    assert.ok(document.getText().includes('release: "v0.5.24"'));
    await vscode.commands.executeCommand('undo');
    await waitFor('the bump undone', () => (document.getText().includes('release: "v0.5.23"') ? true : undefined));
  });

  it('the Environments tree shows all four environments; a service summary names the odd one out', async () => {
    const snapshot = await waitFor(
      'the environments tree with four environments and production from GitHub',
      async () => {
        const tree = await vscode.commands.executeCommand<TreeSnapshot>('_kayron.environments.tree');
        return tree.state === 'ok' &&
          ENVIRONMENTS.every((name) => child(tree.nodes, name)) &&
          child(tree.nodes, 'production')?.description?.includes(PRODUCTION_TAG)
          ? tree
          : undefined;
      },
      () => 'tree not ready',
    );
    assert.deepEqual(
      snapshot.nodes.map((node) => node.label),
      ENVIRONMENTS,
    );
    assert.match(
      child(child(snapshot.nodes, 'testing')?.children ?? [], 'kayron')?.description ?? '',
      /^branch fix\/retry-backoff/,
    );
    await vscode.commands.executeCommand('kayron.environments.groupByService');
    try {
      const byService = await waitFor('grouped by service', async () => {
        const tree = await vscode.commands.executeCommand<TreeSnapshot>('_kayron.environments.tree');
        return tree.grouping === 'service' && child(tree.nodes, 'splits-lite') ? tree : undefined;
      });
      assert.equal(child(byService.nodes, 'splits-lite')?.description, 'development differs (others v0.2.3 +preview)');
    } finally {
      await vscode.commands.executeCommand('kayron.environments.groupByEnvironment');
    }
  });

  it('walks the four promotions as dry runs: a new tag for production, plain previews, nothing sent', async () => {
    const settings = vscode.workspace.getConfiguration('kayron', folder().uri);
    await settings.update('promotion.dryRun', true, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      const production = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.toProduction', {
        root,
        tag: 'patch',
        confirm: 'yes',
      });
      assert.equal(production.status, 'dry-run', production.message);
      assert.equal(production.plan?.release?.tag, 'v0.6.11', 'a tag that does not exist yet');
      assert.equal(production.plan?.checks.find((check) => check.id === 'tag')?.status, 'ok');
      assert.doesNotMatch(production.plan?.preview ?? '', PICTOGRAPH, 'the preview labels checks in words');
      const tabs = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs);
      await waitFor(
        'the preview rendered as Markdown (a markdown.preview webview)',
        () =>
          tabs().some(
            (tab) =>
              tab.input instanceof vscode.TabInputWebview &&
              /markdown\.preview/.test(tab.input.viewType) &&
              tab.label.includes('Release-v0.6.11'),
          )
            ? true
            : undefined,
        () =>
          tabs()
            .map(
              (tab) =>
                `${tab.label} (${tab.input instanceof vscode.TabInputWebview ? tab.input.viewType : tab.input instanceof vscode.TabInputText ? tab.input.uri.toString() : 'other'})`,
            )
            .join(', '),
      );

      const staging = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.toStaging', {
        root,
        bumps: [{ service: 'kayron' }],
        confirm: 'yes',
      });
      assert.equal(staging.status, 'dry-run', staging.message);
      assert.deepEqual(
        staging.plan?.changes.map((change) => `${change.service} ${change.from} → ${change.to}`),
        ['kayron v0.5.23 → v0.5.24'],
      );

      const testing = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.branchToTesting', {
        root,
        service: 'kayron',
        branch: 'feature/preview-envs',
        confirm: 'yes',
      });
      assert.equal(testing.status, 'dry-run', testing.message);

      const reset = await vscode.commands.executeCommand<PromotionCommandResult>('kayron.promote.resetTesting', {
        root,
        confirm: 'yes',
      });
      assert.equal(reset.status, 'dry-run', reset.message);
    } finally {
      await settings.update('promotion.dryRun', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it('after Refresh GitHub Data the data age is minutes, not decades', async () => {
    await vscode.commands.executeCommand('kayron.github.refresh');
    const state = await waitFor('a GitHub state with a data age', () => {
      const current = api.githubState();
      return current?.cacheAgeMs !== undefined ? current : undefined;
    });
    assert.ok((state.cacheAgeMs ?? Infinity) < 3_600_000, `data age ${state.cacheAgeMs} ms`);
    assert.equal(state.offline, false);
    assert.doesNotMatch(api.githubStatusItem().tooltip, /Data age: \d{4,} min/);
  });
});
