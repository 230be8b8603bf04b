/**
 * Kayron Environments in a real VS Code: the tree (environments, refs, versions, drift badges, group by service), the
 * read-only `kayron-ref` documents and the diff editor, inlay hints after `deploy:`, and the tree following an unsaved
 * edit, a commit and a fetch. The `releases` folder is a clone made by test/e2e/harness.js (initReleasesGitHistory):
 * main = the sample (kayron v0.5.3) with v0.1.0 (kayron v0.5.1) before it, testing = kayron on `branch: "feature/x"`.
 * The tree is read through the internal `_kayron.environments.tree` command. Every wait polls with a deadline.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KayronExtensionApi } from '../../../client/src/extension';
import type { TreeSnapshotNode } from '../../../client/src/environments/tree';
import { scaled, WAIT_MS } from './wait';

const EXTENSION_ID = 'kayron-releases.kayron-releases';
const RELEASES_FOLDER = 'releases';
const SERVICE = 'service/service.yaml';
const ENVIRONMENTS = ['development', 'testing', 'staging', 'production'];

interface TreeSnapshot {
  state: string;
  loads: number;
  grouping: string;
  message: string | undefined;
  nodes: TreeSnapshotNode[];
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  describeState: () => string | Promise<string> = () => '',
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}. ${await describeState()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const tree = async () => vscode.commands.executeCommand<TreeSnapshot>('_kayron.environments.tree');
const describeTree = async () => {
  const snapshot = await tree();
  const lines = (nodes: TreeSnapshotNode[], depth: number): string[] =>
    nodes.flatMap((node) => [
      `${'  '.repeat(depth)}${node.label} — ${node.description ?? ''} [${node.contextValue ?? ''}]${node.badge ? ` (${node.badge})` : ''}`,
      ...lines(node.children, depth + 1),
    ]);
  return `tree (${snapshot.state}, ${snapshot.loads} loads):\n${lines(snapshot.nodes, 0).join('\n')}`;
};

/** Waits until the tree satisfies `accept` (it reloads in the background after the server's notifications). */
function treeWhere(what: string, accept: (snapshot: TreeSnapshot) => boolean): Promise<TreeSnapshot> {
  return waitFor(
    what,
    async () => {
      const snapshot = await tree();
      return snapshot.state === 'ok' && accept(snapshot) ? snapshot : undefined;
    },
    describeTree,
  );
}

const child = (nodes: TreeSnapshotNode[], label: string) => nodes.find((node) => node.label === label);
const cellIn = (snapshot: TreeSnapshot, environment: string, service: string) =>
  child(child(snapshot.nodes, environment)?.children ?? [], service);

function folder(): vscode.WorkspaceFolder {
  const found = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === RELEASES_FOLDER);
  assert.ok(found, `workspace folder ${RELEASES_FOLDER} is missing`);
  return found;
}

function git(cwd: string, args: string[]): string {
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'E2E',
    GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
    GIT_COMMITTER_NAME: 'E2E',
    GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
  };
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

function lineOf(text: string, needle: string): number {
  const lines = text.split(/\r?\n/).flatMap((line, index) => (line.includes(needle) ? [index] : []));
  assert.equal(lines.length, 1, `expected exactly one line containing ${needle}, found ${JSON.stringify(lines)}`);
  return lines[0]!;
}

describe('Kayron Environments (tree, compare, inlay hints) on a releases clone with history', function () {
  this.timeout(scaled(120_000));
  let root: string;

  before(async function () {
    const extension = vscode.extensions.getExtension<KayronExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
    await (
      await extension.activate()
    ).ready;
    root = folder().uri.fsPath;
  });

  afterEach(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows each environment with its ref, commit, age and tag, and what every service runs there', async function () {
    // The suite's GitHub stand-in (splits-seed) lists kayron up to v0.5.24 and alloy up to v1.12.10-9f8e7d6: wait for those markers too.
    const snapshot = await treeWhere(
      'four environments with services and outdated markers',
      (candidate) =>
        ENVIRONMENTS.every((name) => (child(candidate.nodes, name)?.children.length ?? 0) > 0) &&
        cellIn(candidate, 'production', 'kayron')?.description?.includes('↑') === true,
    );
    assert.deepEqual(
      snapshot.nodes.map((node) => node.label),
      ENVIRONMENTS,
    );
    const [development, testing, staging, production] = snapshot.nodes;
    assert.match(development!.description ?? '', /^working tree \(main\) · [0-9a-f]{7}/);
    assert.match(testing!.description ?? '', /^origin\/testing · [0-9a-f]{7} · \d+ \w+ ago$/);
    assert.match(staging!.description ?? '', /^origin\/main · [0-9a-f]{7} · \d+ \w+ ago$/);
    assert.match(production!.description ?? '', /^v0\.1\.0 · [0-9a-f]{7} · \d+ \w+ ago · local tag: GitHub unknown$/);
    assert.match(production!.contextValue ?? '', /^environment production readable atRef hasTag fallback/);
    assert.equal(snapshot.message, 'Production shows the newest local tag (v0.1.0): origin is not on GitHub.');

    const labels = (environment: TreeSnapshotNode) =>
      environment.children.map((service) => `${service.label}: ${service.description ?? ''}`);
    assert.deepEqual(labels(staging!), [
      'infrastructure: v0.5.8',
      'alloy: v1.12.2-ce60d74 · ↑ v1.12.10-9f8e7d6',
      'kayron: v0.5.3 · ≠ production v0.5.1 · ↑ v0.5.24',
      'specta: v0.3.1',
      'splits-lite: v0.2.3 +preview',
    ]);
    assert.deepEqual(labels(production!), [
      'infrastructure: v0.5.8',
      'alloy: v1.12.2-ce60d74 · ↑ v1.12.10-9f8e7d6',
      'kayron: v0.5.1 · ↑ v0.5.24',
      'specta: v0.3.1',
      'splits-lite: v0.2.3 +preview',
    ]);
    const productionKayron = cellIn(snapshot, 'production', 'kayron');
    assert.equal(productionKayron?.badge, '↑');
    assert.match(productionKayron?.contextValue ?? '', /^service outdated\b/);
    assert.equal(cellIn(snapshot, 'staging', 'kayron')?.badge, '≠', 'drift outranks the outdated badge');
    const testingKayron = cellIn(snapshot, 'testing', 'kayron');
    assert.equal(testingKayron?.description, 'branch feature/x · ≠ staging v0.5.3');
    assert.equal(testingKayron?.badge, '≠');
    assert.match(testingKayron?.contextValue ?? '', /^service drift hasFile atRef hasNext branch\b/);
    assert.equal(
      cellIn(snapshot, 'staging', 'specta')?.badge,
      undefined,
      'no badge where nothing differs and nothing is newer',
    );
    assert.equal(cellIn(snapshot, 'staging', 'alloy')?.badge, '↑');
  });

  it('registers the promotion commands of the service context menu', async function () {
    // Only registration is checked: invoking them opens modal confirmations a test cannot answer.
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const command of ['kayron.environments.deployBranchToTesting', 'kayron.environments.promoteServiceToStaging'])
      assert.ok(commands.has(command), `${command} is not registered`);
  });

  it('groups by service and back', async function () {
    await vscode.commands.executeCommand('kayron.environments.groupByService');
    try {
      // The development column follows open editors: earlier suites' edits (undone since) may still be recomputing.
      const byService = await treeWhere(
        'services at the top level, development settled',
        (candidate) =>
          candidate.grouping === 'service' &&
          child(candidate.nodes, 'kayron')?.description === 'testing, production differ (others v0.5.3)',
      );
      assert.deepEqual(
        byService.nodes.map((node) => node.label),
        ['infrastructure', 'alloy', 'kayron', 'specta', 'splits-lite'],
      );
      const kayron = child(byService.nodes, 'kayron');
      assert.equal(kayron?.description, 'testing, production differ (others v0.5.3)');
      assert.deepEqual(
        kayron?.children.map((cell) => `${cell.label}: ${cell.description ?? ''}`),
        [
          'development: v0.5.3 · ↑ v0.5.24',
          'testing: branch feature/x · ≠ staging v0.5.3',
          'staging: v0.5.3 · ≠ production v0.5.1 · ↑ v0.5.24',
          'production: v0.5.1 · ↑ v0.5.24',
        ],
      );
      assert.match(kayron?.contextValue ?? '', /^serviceGroup drift outdated\b/);
      assert.equal(child(byService.nodes, 'alloy')?.description, 'v1.12.2-ce60d74 everywhere');
    } finally {
      await vscode.commands.executeCommand('kayron.environments.groupByEnvironment');
    }
    await treeWhere(
      'environments at the top level again',
      (candidate) => candidate.grouping === 'environment' && candidate.nodes[0]?.label === 'development',
    );
  });

  it('compares a release file between two environments in the diff editor', async function () {
    const result = await vscode.commands.executeCommand<{ left: vscode.Uri; right: vscode.Uri }>(
      'kayron.environments.compare',
      { path: SERVICE, left: 'staging', right: 'testing' },
    );
    assert.ok(result, 'the compare command returned nothing');
    const input = await waitFor(
      'a diff editor tab',
      () => {
        const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return active instanceof vscode.TabInputTextDiff ? active : undefined;
      },
      () => `active tab: ${vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '(none)'}`,
    );
    assert.equal(input.original.toString(), result.left.toString());
    assert.equal(input.modified.toString(), result.right.toString());
    assert.equal(input.original.scheme, 'kayron-ref');
    assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.label, 'service.yaml (staging ↔ testing)');
    const left = await vscode.workspace.openTextDocument(input.original);
    const right = await vscode.workspace.openTextDocument(input.modified);
    assert.equal(
      left.getText(),
      readFileSync(path.join(root, SERVICE), 'utf8'),
      'staging is main, which the working tree checks out',
    );
    assert.match(right.getText(), /docker: "kayron"\n {2}github: "kayron"\n {2}deploy:\n {4}branch: "feature\/x"/);
    await waitFor(
      'the release grammar on the ref document',
      () => (left.languageId === 'kayron-release' ? true : undefined),
      () => `language: ${left.languageId}`,
    );
  });

  it('compares a service with its next stage and opens its definition at the ref and in the working tree, at its line', async function () {
    const snapshot = await treeWhere(
      'the testing kayron node',
      (candidate) => cellIn(candidate, 'testing', 'kayron') !== undefined,
    );
    const testingKayron = cellIn(snapshot, 'testing', 'kayron')!;
    const compared = await vscode.commands.executeCommand<{ left: vscode.Uri; right: vscode.Uri }>(
      'kayron.environments.compareWithNextStage',
      testingKayron.node,
    );
    assert.match(compared.left.path, /^\/staging@[0-9a-f]{7}\/service\/service\.yaml$/);
    assert.match(compared.right.path, /^\/testing@[0-9a-f]{7}\/service\/service\.yaml$/);
    await waitFor('the next-stage diff', () =>
      vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff ? true : undefined,
    );

    const productionKayron = cellIn(snapshot, 'production', 'kayron')!;
    const opened = await vscode.commands.executeCommand<vscode.Uri>(
      'kayron.environments.openDefinition',
      productionKayron.node,
    );
    const editor = await waitFor('the definition at v0.1.0', () =>
      vscode.window.activeTextEditor?.document.uri.toString() === opened.toString()
        ? vscode.window.activeTextEditor
        : undefined,
    );
    assert.equal(editor.document.uri.scheme, 'kayron-ref');
    const line = lineOf(editor.document.getText(), 'docker: "kayron"');
    assert.equal(editor.selection.active.line, line, 'the cursor is on the entry');
    assert.match(editor.document.lineAt(line + 3).text, /release: "v0\.5\.1"/);

    const working = await vscode.commands.executeCommand<vscode.Uri>(
      'kayron.environments.openInWorkingTree',
      productionKayron.node,
    );
    assert.equal(working.toString(), vscode.Uri.joinPath(folder().uri, SERVICE).toString());
    const workingEditor = await waitFor('the working-tree file', () =>
      vscode.window.activeTextEditor?.document.uri.toString() === working.toString()
        ? vscode.window.activeTextEditor
        : undefined,
    );
    assert.equal(workingEditor.selection.active.line, lineOf(workingEditor.document.getText(), 'docker: "kayron"'));
  });

  it('shows what the other environments run after each deploy: key, and follows an unsaved edit', async function () {
    const uri = vscode.Uri.joinPath(folder().uri, SERVICE);
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    await waitFor(
      'the kayron-release language',
      () => (document.languageId === 'kayron-release' ? true : undefined),
      () => document.languageId,
    );
    const deployLine = lineOf(document.getText(), 'release: "v0.5.3"') - 1;
    const hints = await waitFor('an inlay hint on the kayron deploy line', async () => {
      const found = await vscode.commands.executeCommand<vscode.InlayHint[]>(
        'vscode.executeInlayHintProvider',
        uri,
        new vscode.Range(0, 0, document.lineCount, 0),
      );
      const onLine = found.filter((hint) => hint.position.line === deployLine);
      return onLine.length > 0 ? onLine : undefined;
    });
    assert.deepEqual(
      hints.map((hint) =>
        typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join(''),
      ),
      ['testing branch feature/x · prod v0.5.1'],
    );
    assert.equal(hints[0]?.position.character, document.lineAt(deployLine).text.length);

    const offset = document.getText().indexOf('"v0.5.3"');
    await editor.edit((edit) =>
      edit.replace(new vscode.Range(document.positionAt(offset), document.positionAt(offset + 8)), '"v0.6.0"'),
    );
    await treeWhere(
      'development to follow the unsaved edit',
      (candidate) => cellIn(candidate, 'development', 'kayron')?.description === 'v0.6.0 · ≠ staging v0.5.3',
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await treeWhere(
      'development back to the file on disk',
      (candidate) => cellIn(candidate, 'development', 'kayron')?.description === 'v0.5.3 · ↑ v0.5.24',
    );
  });

  it('follows a commit (HEAD moves) and a fetch (origin moves)', async function () {
    const before = await treeWhere('the tree', () => true);
    git(root, ['commit', '-q', '--allow-empty', '-m', 'An empty commit on main']);
    const head = git(root, ['rev-parse', '--short=7', 'HEAD']);
    const afterCommit = await treeWhere(
      'development at the new commit',
      (candidate) => child(candidate.nodes, 'development')?.description?.includes(head) === true,
    );
    assert.match(child(afterCommit.nodes, 'development')?.description ?? '', / · 1↑ 0↓$/);
    const refAndCommit = (snapshot: TreeSnapshot) =>
      child(snapshot.nodes, 'staging')?.description?.split(' · ').slice(0, 2).join(' · ');
    assert.equal(refAndCommit(afterCommit), refAndCommit(before), 'origin/main did not move');
    // Staging compares local main with origin/main: the commit is not pushed yet.
    assert.match(child(afterCommit.nodes, 'staging')?.description ?? '', / · main 1↑ 0↓$/);

    const origin = git(root, ['remote', 'get-url', 'origin']);
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'kayron-e2e-push-'));
    try {
      git(scratch, ['clone', '-q', '--branch', 'testing', origin, 'work']);
      const work = path.join(scratch, 'work');
      const file = path.join(work, SERVICE);
      writeFileSync(file, readFileSync(file, 'utf8').replace('branch: "feature/x"', 'branch: "feature/y"'));
      git(work, ['commit', '-q', '-am', 'kayron feature/y']);
      git(work, ['push', '-q', 'origin', 'testing']);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const results =
      await vscode.commands.executeCommand<{ ok: boolean; message?: string }[]>('kayron.environments.fetch');
    assert.deepEqual(results, [{ ok: true, message: 'fetched origin' }]);
    await treeWhere(
      'testing at the fetched commit',
      (candidate) => cellIn(candidate, 'testing', 'kayron')?.description === 'branch feature/y · ≠ staging v0.5.3',
    );
  });
});
