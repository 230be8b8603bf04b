/**
 * What the environments tree's commands do (registered from the command table in client/src/commands.ts). Tree
 * commands get the clicked node; from the palette they ask with quick picks. Handlers return what they did (URIs,
 * copied text, fetch results), which tests read through `executeCommand`.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  FetchRequest,
  type FetchResult,
  type MatrixCell,
  type MatrixEnvironment,
  type RootEnvironments,
} from '../../../server/src/protocol';
import { isReadable, releasePageUrl, snapshotName, versionToCopy } from './format';
import { refDocumentUri } from './ref-documents';
import type { EnvironmentsNode, EnvironmentsStore, EnvironmentsTree, GroupBy } from './tree';

export interface EnvironmentCommandContext {
  client: LanguageClient;
  log: vscode.LogOutputChannel;
  store: EnvironmentsStore;
  tree: EnvironmentsTree;
  setGrouping: (groupBy: GroupBy) => void;
  /** The visible tree as plain data (`_kayron.environments.tree`, for tests and bug reports). */
  snapshot: () => unknown;
}

type CellNode = Extract<EnvironmentsNode, { kind: 'cell' }>;

/** Arguments of `kayron.environments.compare` that skip the pickers: environment names and a root-relative path. */
export interface CompareArgs {
  root?: string;
  path: string;
  left: string;
  right: string;
}

/** The document of a release file in an environment: the file itself for the working tree, else a read-only snapshot. */
export function documentUriIn(
  root: RootEnvironments,
  environment: MatrixEnvironment,
  relativePath: string,
): vscode.Uri {
  if (environment.workingTree) return vscode.Uri.joinPath(vscode.Uri.parse(root.root), ...relativePath.split('/'));
  if (!environment.commit)
    throw new Error(
      `${environment.name} has no commit to read: ${environment.unavailable ?? environment.error ?? 'unknown ref'}`,
    );
  return refDocumentUri({ root: root.root, ref: environment.commit, path: relativePath }, snapshotName(environment));
}

function environmentNamed(root: RootEnvironments, name: string | undefined): MatrixEnvironment | undefined {
  return root.matrix?.environments.find((environment) => environment.name === name);
}

async function showAt(uri: vscode.Uri, line: number | undefined): Promise<vscode.Uri> {
  const position = new vscode.Position(line ?? 0, 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
  return uri;
}

function okRoots(store: EnvironmentsStore): RootEnvironments[] {
  return store.roots.filter((root) => root.state === 'ok' && root.matrix);
}

async function pickRoot(store: EnvironmentsStore): Promise<RootEnvironments | undefined> {
  const roots = okRoots(store);
  if (roots.length <= 1) return roots[0];
  const picked = await vscode.window.showQuickPick(
    roots.map((root) => ({
      label: vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(root.root))?.name ?? root.root,
      root,
    })),
    { placeHolder: 'Releases repository' },
  );
  return picked?.root;
}

/** Palette: every service in every readable environment. */
async function pickCell(
  store: EnvironmentsStore,
  placeHolder: string,
  accept: (node: CellNode) => boolean = () => true,
): Promise<CellNode | undefined> {
  const items: (vscode.QuickPickItem & { node: CellNode })[] = [];
  for (const root of okRoots(store)) {
    for (const environment of root.matrix?.environments.filter(isReadable) ?? []) {
      for (const row of root.matrix?.rows ?? []) {
        const cell = row.cells[environment.name];
        if (!cell?.present) continue;
        const node: CellNode = { kind: 'cell', root, environment, row, cell, under: 'environment' };
        if (accept(node))
          items.push({
            label: row.key,
            description: `${environment.name}: ${cell.label}`,
            detail: cell.file ? `${cell.file}:${(cell.line ?? 0) + 1}` : undefined,
            node,
          });
      }
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Kayron: no environment service to choose from.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }))?.node;
}

async function cellOrPick(
  store: EnvironmentsStore,
  node: unknown,
  placeHolder: string,
  accept?: (node: CellNode) => boolean,
): Promise<CellNode | undefined> {
  return isNode(node, 'cell') ? node : pickCell(store, placeHolder, accept);
}

function isNode<K extends EnvironmentsNode['kind']>(
  value: unknown,
  kind: K,
): value is Extract<EnvironmentsNode, { kind: K }> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind && 'root' in value;
}

function diffTitle(relativePath: string, left: string, right: string): string {
  return `${relativePath.split('/').pop() ?? relativePath} (${left} ↔ ${right})`;
}

export async function openDefinition(store: EnvironmentsStore, node: unknown): Promise<vscode.Uri | undefined> {
  const target = await cellOrPick(
    store,
    node,
    'Open the definition of…',
    (candidate) => candidate.cell.file !== undefined,
  );
  if (!target?.cell.file) return undefined;
  return showAt(documentUriIn(target.root, target.environment, target.cell.file), target.cell.line);
}

/** The service's entry in the working tree: where development defines it now (the file may differ from the ref's). */
export async function openInWorkingTree(store: EnvironmentsStore, node: unknown): Promise<vscode.Uri | undefined> {
  const target = await cellOrPick(
    store,
    node,
    'Open in the working tree…',
    (candidate) => candidate.cell.file !== undefined,
  );
  if (!target) return undefined;
  const development = target.root.matrix?.environments.find((environment) => environment.workingTree);
  const here = development ? target.row.cells[development.name] : undefined;
  const file = here?.present ? here.file : target.cell.file;
  if (!file) return undefined;
  return showAt(
    vscode.Uri.joinPath(vscode.Uri.parse(target.root.root), ...file.split('/')),
    here?.present ? here.line : undefined,
  );
}

async function diff(
  root: RootEnvironments,
  left: MatrixEnvironment,
  leftPath: string,
  right: MatrixEnvironment,
  rightPath: string,
): Promise<{ left: vscode.Uri; right: vscode.Uri }> {
  const leftUri = documentUriIn(root, left, leftPath);
  const rightUri = documentUriIn(root, right, rightPath);
  const title =
    leftPath === rightPath
      ? diffTitle(rightPath, left.name, right.name)
      : `${leftPath} (${left.name}) ↔ ${rightPath} (${right.name})`;
  await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, title, { preview: true });
  return { left: leftUri, right: rightUri };
}

/** A release file that differs between an environment and its next stage (asks when several do). */
async function pickDriftingFile(root: RootEnvironments, environment: MatrixEnvironment): Promise<string | undefined> {
  const files = new Set<string>();
  for (const row of root.matrix?.rows ?? []) {
    const cell = row.cells[environment.name];
    if (cell?.drift) files.add(cell.file ?? row.cells[cell.drift.against]?.file ?? '');
  }
  files.delete('');
  const list = [...files].sort();
  if (list.length <= 1) return list[0];
  return vscode.window.showQuickPick(list, {
    placeHolder: `Release file of ${environment.name} to compare with ${environment.nextStage ?? 'the next stage'}`,
  });
}

/** Left: the next stage (where this environment's changes go), right: this environment. */
export async function compareWithNextStage(
  store: EnvironmentsStore,
  node: unknown,
): Promise<{ left: vscode.Uri; right: vscode.Uri } | undefined> {
  if (isNode(node, 'environment')) {
    const { root, environment } = node;
    const next = environmentNamed(root, environment.nextStage);
    const file = await pickDriftingFile(root, environment);
    if (!next || !file) {
      void vscode.window.showInformationMessage(
        `Kayron: ${environment.name} runs what ${environment.nextStage ?? 'its next stage'} runs.`,
      );
      return undefined;
    }
    return diff(root, next, file, environment, file);
  }
  const target = await cellOrPick(
    store,
    node,
    'Compare with the next stage…',
    (candidate) => candidate.environment.nextStage !== undefined && candidate.cell.file !== undefined,
  );
  if (!target) return undefined;
  const next = environmentNamed(target.root, target.environment.nextStage);
  if (!next || !isReadable(next)) {
    void vscode.window.showWarningMessage(
      `Kayron: ${target.environment.nextStage ?? 'the next stage'} cannot be read.`,
    );
    return undefined;
  }
  const nextCell: MatrixCell | undefined = target.row.cells[next.name];
  const file = target.cell.file ?? nextCell?.file;
  if (!file) return undefined;
  return diff(target.root, next, nextCell?.file ?? file, target.environment, file);
}

export async function compareWithWorkingTree(
  store: EnvironmentsStore,
  node: unknown,
): Promise<{ left: vscode.Uri; right: vscode.Uri } | undefined> {
  const target = await cellOrPick(
    store,
    node,
    'Compare with the working tree…',
    (candidate) => !candidate.environment.workingTree && candidate.cell.file !== undefined,
  );
  if (!target?.cell.file) return undefined;
  const file = target.cell.file;
  const leftUri = documentUriIn(target.root, target.environment, file);
  const rightUri = vscode.Uri.joinPath(vscode.Uri.parse(target.root.root), ...file.split('/'));
  await vscode.commands.executeCommand(
    'vscode.diff',
    leftUri,
    rightUri,
    diffTitle(file, target.environment.name, 'working tree'),
    { preview: true },
  );
  return { left: leftUri, right: rightUri };
}

/** Palette: a release file and two environments (or `CompareArgs` from code). */
export async function compare(
  store: EnvironmentsStore,
  args: unknown,
): Promise<{ left: vscode.Uri; right: vscode.Uri } | undefined> {
  const given =
    typeof args === 'object' && args !== null && 'path' in args && !('kind' in args)
      ? (args as CompareArgs)
      : undefined;
  const root = given?.root ? store.root(given.root) : await pickRoot(store);
  if (!root?.matrix) return undefined;
  const readable = root.matrix.environments.filter(isReadable);
  let file = given?.path;
  if (!file) {
    const files = [
      ...new Set(root.matrix.rows.flatMap((row) => Object.values(row.cells).map((cell) => cell.file ?? ''))),
    ]
      .filter((name) => name !== '')
      .sort();
    file = await vscode.window.showQuickPick(files, { placeHolder: 'Release file to compare' });
  }
  if (!file) return undefined;
  const pick = async (placeHolder: string, except?: string) =>
    (
      await vscode.window.showQuickPick(
        readable
          .filter((environment) => environment.name !== except)
          .map((environment) => ({ label: environment.name, description: environment.ref, environment })),
        { placeHolder },
      )
    )?.environment;
  const left = given ? environmentNamed(root, given.left) : await pick(`Compare ${file} in…`);
  if (!left) return undefined;
  const right = given ? environmentNamed(root, given.right) : await pick(`…with ${file} in`, left.name);
  if (!right) return undefined;
  return diff(root, left, file, right, file);
}

export async function openReleasePage(store: EnvironmentsStore, node: unknown): Promise<string | undefined> {
  let url: string | undefined;
  if (isNode(node, 'environment')) {
    url = releasePageUrl(node.root, { tag: node.environment.tag });
  } else {
    const target = await cellOrPick(
      store,
      node,
      'Open the GitHub release of…',
      (candidate) => candidate.cell.strategy?.kind === 'release',
    );
    if (!target) return undefined;
    const { row, cell } = target;
    url = releasePageUrl(target.root, {
      github: target.root.services?.[row.key]?.github,
      tag: cell.strategy?.kind === 'release' ? cell.strategy.value : undefined,
    });
  }
  if (!url) {
    void vscode.window.showWarningMessage(
      'Kayron: the GitHub owner is unknown: set kayron.github.owner or add an origin remote on GitHub.',
    );
    return undefined;
  }
  await vscode.env.openExternal(vscode.Uri.parse(url));
  return url;
}

export async function copyVersion(store: EnvironmentsStore, node: unknown): Promise<string | undefined> {
  const text = isNode(node, 'environment')
    ? versionToCopy({ environment: node.environment })
    : versionToCopy({ cell: (await cellOrPick(store, node, 'Copy the version of…'))?.cell });
  if (!text) return undefined;
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
  return text;
}

export async function fetchOrigin({ client, store }: EnvironmentCommandContext, node: unknown): Promise<FetchResult[]> {
  const roots =
    isNode(node, 'root') || isNode(node, 'environment')
      ? [node.root]
      : store.roots.filter((root) => root.state === 'ok');
  return vscode.window.withProgress(
    { location: { viewId: 'kayron.environments' }, title: 'Fetching origin' },
    async () => {
      const results: FetchResult[] = [];
      for (const root of roots) {
        const result = await client.sendRequest(FetchRequest, { root: root.root });
        results.push(result);
        if (!result.ok)
          void vscode.window.showErrorMessage(`Kayron: git fetch failed: ${result.message ?? 'unknown error'}`);
      }
      await store.load();
      return results;
    },
  );
}

/** Root URI and service key of a clicked tree node, handed to the promotion commands (which preview and ask first). */
export function promotionTarget(node: unknown): { root?: string; service?: string } {
  const value = node as Partial<EnvironmentsNode> | undefined;
  if (!value || typeof value !== 'object' || !('root' in value) || !value.root) return {};
  const service = 'row' in value && value.row ? value.row.key : undefined;
  return { root: value.root.root, ...(service ? { service } : {}) };
}

/** Root URI and environment name of a clicked environment node, handed to `kayron.plan.show`. */
export function planTarget(node: unknown): { root?: string; environment?: string } {
  const value = node as Partial<Extract<EnvironmentsNode, { kind: 'environment' }>> | undefined;
  const root = value && typeof value === 'object' && value.root ? value.root.root : undefined;
  return { ...(root ? { root } : {}), ...(value?.environment?.name ? { environment: value.environment.name } : {}) };
}
