/**
 * The "Kayron Environments" tree: environments (name, ref, short commit, age, tag) with what each service runs there,
 * or grouped by service (service → environments). Data comes from `kayron/environments`; the server says when it
 * changed. Badges (a FileDecoration on each service node) mark errors at that ref, drift against the next stage, and
 * a pinned release with a newer one on GitHub, in that order of precedence.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import {
  EnvironmentsChangedNotification,
  EnvironmentsRequest,
  type EnvironmentsParams,
  type MatrixCell,
  type MatrixEnvironment,
  type MatrixRow,
  type RootEnvironments,
} from '../../../server/src/protocol';
import {
  cellDescription,
  cellOutdated,
  contextValue,
  environmentDescription,
  environmentDetails,
  isReadable,
  releasePageUrl,
  serviceSummary,
  visibleCell,
} from './format';

export const VIEW_ID = 'kayron.environments';
const DECORATION_SCHEME = 'kayron-environments';
/** Environments with up to this many services open expanded; bigger ones stay collapsed until asked. */
const EXPAND_UP_TO_SERVICES = 12;

export type GroupBy = 'environment' | 'service';

export type EnvironmentsNode =
  | { kind: 'root'; root: RootEnvironments }
  | { kind: 'environment'; root: RootEnvironments; environment: MatrixEnvironment }
  | { kind: 'service'; root: RootEnvironments; row: MatrixRow }
  | {
      kind: 'cell';
      root: RootEnvironments;
      environment: MatrixEnvironment;
      row: MatrixRow;
      cell: MatrixCell;
      under: GroupBy;
    }
  /** Restricted Mode: the one row that stands for testing, staging and production until the folder is trusted. */
  | { kind: 'trust'; root: RootEnvironments };

/** The label of the Restricted Mode row (tests look for it). */
export const TRUST_ROW_LABEL = 'Trust this folder to see testing, staging and production';

/** What the view shows when it has no nodes (package.json's viewsWelcome matches these). */
export type ViewState = 'loading' | 'noReleasesRepo' | 'notARepository' | 'noGit' | 'failed' | 'ok';

/** Holds the last answer of `kayron/environments` and reloads it when the server, the settings or the folders change. */
export class EnvironmentsStore implements vscode.Disposable {
  roots: RootEnvironments[] = [];
  state: ViewState = 'loading';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private loading: Promise<void> | undefined;
  private again: EnvironmentsParams | undefined;
  private loads = 0;

  constructor(
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      client.onNotification(EnvironmentsChangedNotification, () => void this.load()),
      // After a (re)start the server has fresh models: ask again.
      client.onDidChangeState((event) => {
        if (event.newState === State.Running) void this.load();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.load()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (
          event.affectsConfiguration('kayron.environments') ||
          event.affectsConfiguration('kayron.environmentHints') ||
          event.affectsConfiguration('kayron.github')
        )
          void this.load({ refresh: true });
      }),
    );
    if (client.state === State.Running) void this.load();
  }

  /** How many answers have arrived (tests wait for "one more"). */
  get loadCount(): number {
    return this.loads;
  }

  /** Asks the server; calls during a load are merged into one more load after it. */
  load(params: EnvironmentsParams = {}): Promise<void> {
    if (this.loading) {
      this.again = { refresh: (this.again?.refresh ?? false) || (params.refresh ?? false) };
      return this.loading.then(() => this.loading ?? Promise.resolve());
    }
    this.loading = this.fetch(params).finally(() => {
      this.loading = undefined;
      const next = this.again;
      this.again = undefined;
      if (next) void this.load(next);
    });
    return this.loading;
  }

  private async fetch(params: EnvironmentsParams): Promise<void> {
    if (this.client.state !== State.Running) return;
    try {
      const result = await this.client.sendRequest(EnvironmentsRequest, params);
      this.roots = result.roots;
      this.state = viewStateOf(result.roots);
    } catch (error) {
      // A restart cancels requests in flight; the Running state change asks again.
      if (this.client.state !== State.Running) return;
      this.log.error(`reading the environments failed: ${error instanceof Error ? error.message : String(error)}`);
      this.state = 'failed';
    }
    this.loads++;
    this.changed.fire();
  }

  root(uri: string): RootEnvironments | undefined {
    return this.roots.find((root) => root.root === uri);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function viewStateOf(roots: readonly RootEnvironments[]): ViewState {
  if (roots.length === 0) return 'noReleasesRepo';
  if (roots.some((root) => root.state === 'ok' || root.state === 'restricted')) return 'ok';
  if (roots.length > 1) return 'ok';
  switch (roots[0]?.state) {
    case 'not-a-repository':
      return 'notARepository';
    case 'git-not-found':
      return 'noGit';
    case 'git-failed':
      return 'failed';
    default:
      return 'loading';
  }
}

const STRATEGY_ICONS: Record<string, string> = {
  release: 'tag',
  branch: 'git-branch',
  suspend: 'debug-pause',
  none: 'eye',
  conflict: 'warning',
};
const ENVIRONMENT_ICONS: Record<MatrixEnvironment['kind'], string> = {
  development: 'edit',
  testing: 'beaker',
  custom: 'beaker',
  staging: 'server-environment',
  production: 'rocket',
};
const DRIFT_COLORS = {
  changed: 'gitDecoration.modifiedResourceForeground',
  added: 'gitDecoration.addedResourceForeground',
  removed: 'gitDecoration.deletedResourceForeground',
} as const;

export function nodeId(node: EnvironmentsNode): string {
  switch (node.kind) {
    case 'root':
      return node.root.root;
    case 'environment':
      return `${node.root.root}|environment|${node.environment.name}`;
    case 'service':
      return `${node.root.root}|service|${node.row.key}`;
    case 'cell':
      return `${node.root.root}|${node.under}|${node.under === 'environment' ? `${node.environment.name}|${node.row.key}` : `${node.row.key}|${node.environment.name}`}`;
    case 'trust':
      return `${node.root.root}|trust`;
  }
}

export class EnvironmentsTree
  implements vscode.TreeDataProvider<EnvironmentsNode>, vscode.FileDecorationProvider, vscode.Disposable
{
  private readonly treeChanged = new vscode.EventEmitter<EnvironmentsNode | undefined>();
  readonly onDidChangeTreeData = this.treeChanged.event;
  private readonly decorationsChanged = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.treeChanged, this.decorationsChanged];
  /** Badges by decoration URI, rebuilt with the nodes. */
  private readonly badges = new Map<string, vscode.FileDecoration>();

  constructor(
    private readonly store: EnvironmentsStore,
    private groupBy: GroupBy,
    private readonly now: () => number = Date.now,
  ) {
    this.disposables.push(
      store.onDidChange(() => this.refresh()),
      vscode.window.registerFileDecorationProvider(this),
    );
  }

  get grouping(): GroupBy {
    return this.groupBy;
  }

  setGrouping(groupBy: GroupBy): void {
    this.groupBy = groupBy;
    this.refresh();
  }

  refresh(): void {
    this.treeChanged.fire(undefined);
    this.decorationsChanged.fire(undefined);
  }

  getChildren(node?: EnvironmentsNode): EnvironmentsNode[] {
    if (!node) {
      const roots = this.store.roots;
      if (this.store.state !== 'ok') return [];
      if (roots.length === 1 && roots[0]) return this.rootChildren(roots[0]);
      return roots.map((root) => ({ kind: 'root', root }));
    }
    switch (node.kind) {
      case 'root':
        return this.rootChildren(node.root);
      case 'environment':
        return (node.root.matrix?.rows ?? []).flatMap((row): EnvironmentsNode[] => {
          const cell = row.cells[node.environment.name];
          return visibleCell(cell) && isReadable(node.environment)
            ? [{ kind: 'cell', root: node.root, environment: node.environment, row, cell, under: 'environment' }]
            : [];
        });
      case 'service':
        return (node.root.matrix?.environments ?? []).flatMap((environment): EnvironmentsNode[] => {
          const cell = node.row.cells[environment.name];
          return visibleCell(cell) && isReadable(environment)
            ? [{ kind: 'cell', root: node.root, environment, row: node.row, cell, under: 'service' }]
            : [];
        });
      case 'cell':
      case 'trust':
        return [];
    }
  }

  private rootChildren(root: RootEnvironments): EnvironmentsNode[] {
    const matrix = root.matrix;
    if (!matrix) return [];
    const nodes: EnvironmentsNode[] =
      this.groupBy === 'service'
        ? matrix.rows.map((row) => ({ kind: 'service', root, row }))
        : matrix.environments.map((environment) => ({ kind: 'environment', root, environment }));
    if (root.state === 'restricted') nodes.push({ kind: 'trust', root });
    return nodes;
  }

  getTreeItem(node: EnvironmentsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'root':
        return this.rootItem(node);
      case 'environment':
        return this.environmentItem(node);
      case 'service':
        return this.serviceItem(node);
      case 'cell':
        return this.cellItem(node);
      case 'trust':
        return this.trustItem(node);
    }
  }

  private trustItem(node: Extract<EnvironmentsNode, { kind: 'trust' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(TRUST_ROW_LABEL, vscode.TreeItemCollapsibleState.None);
    item.id = nodeId(node);
    item.iconPath = new vscode.ThemeIcon('workspace-untrusted');
    item.tooltip = new vscode.MarkdownString(
      'Restricted Mode: Kayron Releases runs no git in an untrusted folder (its git config could name programs git would run) and makes no network call. Development shows the working tree; trust the folder to read testing, staging and production from git and GitHub.',
    );
    item.contextValue = contextValue('trust', {});
    item.command = { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' };
    return item;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    return uri.scheme === DECORATION_SCHEME ? this.badges.get(uri.toString()) : undefined;
  }

  private rootItem(node: Extract<EnvironmentsNode, { kind: 'root' }>): vscode.TreeItem {
    const uri = vscode.Uri.parse(node.root.root);
    const item = new vscode.TreeItem(
      vscode.workspace.getWorkspaceFolder(uri)?.name ?? uri.path.split('/').pop() ?? uri.path,
      vscode.TreeItemCollapsibleState.Expanded,
    );
    item.id = nodeId(node);
    item.iconPath = new vscode.ThemeIcon('repo');
    item.description =
      node.root.state === 'ok'
        ? undefined
        : node.root.state === 'restricted'
          ? 'Restricted Mode'
          : (node.root.message ?? node.root.state);
    item.contextValue = contextValue('root', { ok: node.root.state === 'ok' });
    return item;
  }

  private environmentItem(node: Extract<EnvironmentsNode, { kind: 'environment' }>): vscode.TreeItem {
    const { environment, root } = node;
    const readable = isReadable(environment);
    const expand = readable && (root.matrix?.rows.length ?? 0) <= EXPAND_UP_TO_SERVICES;
    const item = new vscode.TreeItem(
      environment.name,
      readable
        ? expand
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = nodeId(node);
    item.description = environmentDescription(environment, this.now());
    const hasErrors = environment.error !== undefined || environment.verdict !== undefined;
    item.iconPath = !readable
      ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'))
      : new vscode.ThemeIcon(
          ENVIRONMENT_ICONS[environment.kind],
          hasErrors ? new vscode.ThemeColor('errorForeground') : undefined,
        );
    const tooltip = new vscode.MarkdownString(environmentDetails(environment, this.now()).join('\n'));
    if (environment.kind === 'production' && root.productionSource !== 'github') {
      const why = !root.github?.repo
        ? ', which cannot be read: origin is not on GitHub'
        : root.github.signedIn
          ? ', which GitHub did not return'
          : ': sign in to GitHub to read it';
      tooltip.appendMarkdown(`\n\nProduction is GitHub's latest release of the releases repository${why}.`);
    }
    item.tooltip = tooltip;
    const productionPage =
      environment.kind === 'production' ? releasePageUrl(root, { tag: environment.tag }) : undefined;
    item.contextValue = contextValue('environment', {
      [environment.kind]: true,
      readable,
      atRef: readable && !environment.workingTree,
      workingTree: environment.workingTree === true,
      hasNext: environment.nextStage !== undefined,
      hasTag: environment.tag !== undefined,
      fallback: environment.fallback !== undefined,
      behind: environment.behindRemote === true,
      hasErrors,
      releasePage: productionPage !== undefined,
      // Signing in helps only when the releases repository is on GitHub (the inline action offers it then).
      productionUnknown:
        environment.kind === 'production' &&
        root.productionSource !== 'github' &&
        root.github?.repo !== undefined &&
        !root.github.signedIn,
    });
    return item;
  }

  private serviceItem(node: Extract<EnvironmentsNode, { kind: 'service' }>): vscode.TreeItem {
    const { row, root } = node;
    const environments = root.matrix?.environments ?? [];
    const item = new vscode.TreeItem(row.key, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = nodeId(node);
    item.description = serviceSummary(row, environments);
    const drift = environments.some((environment) => isReadable(environment) && row.cells[environment.name]?.drift);
    const hasErrors = environments.some((environment) => row.cells[environment.name]?.hasErrors);
    const outdated = environments.some(
      (environment) => isReadable(environment) && cellOutdated(root, row, environment) !== undefined,
    );
    item.iconPath = new vscode.ThemeIcon(
      row.kind === 'infrastructure' ? 'cloud' : 'package',
      hasErrors ? new vscode.ThemeColor('errorForeground') : undefined,
    );
    item.tooltip = new vscode.MarkdownString(serviceTooltip(root, row).join('\n'));
    item.contextValue = contextValue('serviceGroup', { drift, hasErrors, outdated, [row.kind]: true });
    return item;
  }

  private cellItem(node: Extract<EnvironmentsNode, { kind: 'cell' }>): vscode.TreeItem {
    const { cell, environment, row, root } = node;
    const item = new vscode.TreeItem(
      node.under === 'environment' ? row.key : environment.name,
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = nodeId(node);
    const outdated = cellOutdated(root, row, environment);
    item.description = cellDescription(cell, outdated);
    const icon = cell.present ? (STRATEGY_ICONS[cell.strategy?.kind ?? 'none'] ?? 'question') : 'circle-slash';
    item.iconPath = new vscode.ThemeIcon(
      cell.hasErrors ? 'error' : icon,
      cell.hasErrors
        ? new vscode.ThemeColor('errorForeground')
        : cell.drift
          ? new vscode.ThemeColor(DRIFT_COLORS[cell.drift.kind])
          : undefined,
    );
    const names = root.services?.[row.key];
    const lines = [`**${row.key}** in **${environment.name}**: \`${cell.present ? cell.label : 'not defined'}\``, ''];
    if (names)
      lines.push(
        `- docker: \`${names.docker || '—'}\` · github: \`${names.github || '—'}\`${names.provider ? ` · provider: \`${names.provider}\`` : ''}`,
      );
    if (cell.file)
      lines.push(
        `- defined in ${cell.file}:${(cell.line ?? 0) + 1}${environment.workingTree ? ' (working tree)' : ` at ${environment.ref ?? ''} ${environment.shortCommit ?? ''}`}`,
      );
    if (cell.drift)
      lines.push(
        `- differs from ${cell.drift.against}: ${cell.drift.kind === 'added' ? 'not defined there' : `\`${cell.drift.nextLabel ?? ''}\``}`,
      );
    if (outdated) lines.push(`- newer release available: \`${outdated.latest}\``);
    if (cell.hasErrors) lines.push('- Kayron rejects this entry at this ref');
    item.tooltip = new vscode.MarkdownString(lines.join('\n'));
    const releasePage =
      cell.strategy?.kind === 'release'
        ? releasePageUrl(root, { github: names?.github, tag: cell.strategy.value })
        : undefined;
    item.contextValue = contextValue('service', {
      drift: cell.drift !== undefined,
      hasErrors: cell.hasErrors === true,
      outdated: outdated !== undefined,
      hasFile: cell.file !== undefined,
      atRef: !environment.workingTree,
      workingTree: environment.workingTree === true,
      hasNext: environment.nextStage !== undefined,
      [cell.strategy?.kind ?? 'absent']: true,
      preview: cell.preview === true,
      releasePage: releasePage !== undefined,
      infrastructure: row.kind === 'infrastructure',
    });
    if (cell.file)
      item.command = { title: 'Open Definition', command: 'kayron.environments.openDefinition', arguments: [node] };
    const badge = cell.hasErrors
      ? new vscode.FileDecoration('!', 'errors at this ref', new vscode.ThemeColor('errorForeground'))
      : cell.drift
        ? new vscode.FileDecoration(
            DRIFT_BADGES[cell.drift.kind],
            `differs from ${cell.drift.against}`,
            new vscode.ThemeColor(DRIFT_COLORS[cell.drift.kind]),
          )
        : outdated
          ? new vscode.FileDecoration(
              OUTDATED_BADGE,
              `newer release available: ${outdated.latest}`,
              new vscode.ThemeColor('editorInfo.foreground'),
            )
          : undefined;
    // The decoration URI only carries the badge; the label stays the one set above.
    const uri = vscode.Uri.from({ scheme: DECORATION_SCHEME, path: `/${encodeURIComponent(item.id)}` });
    if (badge) {
      this.badges.set(uri.toString(), badge);
      item.resourceUri = uri;
    } else {
      this.badges.delete(uri.toString());
    }
    return item;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

const DRIFT_BADGES = { changed: '≠', added: '+', removed: '−' } as const;
const OUTDATED_BADGE = '↑';

function serviceTooltip(root: RootEnvironments, row: MatrixRow): string[] {
  const names = root.services?.[row.key];
  const lines = [
    `**${row.key}**${names ? ` — docker \`${names.docker || '—'}\`, github \`${names.github || '—'}\`` : ''}`,
    '',
  ];
  for (const environment of root.matrix?.environments ?? []) {
    const cell = row.cells[environment.name];
    const outdated = isReadable(environment) ? cellOutdated(root, row, environment) : undefined;
    lines.push(
      `- ${environment.name}: ${isReadable(environment) && cell ? `\`${cell.present ? cell.label : 'not defined'}\`` : 'not readable'}${outdated ? ` — newer release available: \`${outdated.latest}\`` : ''}`,
    );
  }
  return lines;
}

/** A plain copy of the visible tree (labels, descriptions, contextValues), for tests and bug reports. */
export interface TreeSnapshotNode {
  label: string;
  description: string | undefined;
  contextValue: string | undefined;
  badge?: string | undefined;
  /** The node itself: pass it to a `kayron.environments.*` command as a click in the tree would. */
  node: EnvironmentsNode;
  children: TreeSnapshotNode[];
}

export function snapshotTree(tree: EnvironmentsTree, node?: EnvironmentsNode): TreeSnapshotNode[] {
  return tree.getChildren(node).map((child) => {
    const item = tree.getTreeItem(child);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const badge = item.resourceUri ? tree.provideFileDecoration(item.resourceUri)?.badge : undefined;
    return {
      label,
      description: typeof item.description === 'string' ? item.description : undefined,
      contextValue: item.contextValue,
      badge,
      node: child,
      children: snapshotTree(tree, child),
    };
  });
}
