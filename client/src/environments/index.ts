/**
 * Environments in the client, set up with one call from activate(): the "Kayron Environments" tree, read-only
 * `kayron-ref` documents, and the context keys that package.json's menus and viewsWelcome match. Its commands are
 * registered from the command table (client/src/commands.ts) with the context returned here.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RootEnvironments } from '../../../server/src/protocol';
import type { EnvironmentCommandContext } from './commands';
import { RefDocuments } from './ref-documents';
import { EnvironmentsStore, EnvironmentsTree, snapshotTree, VIEW_ID, type GroupBy } from './tree';

const GROUP_BY_KEY = 'kayron.environments.groupBy';
export interface EnvironmentViewsOptions {
  client: LanguageClient;
  log: vscode.LogOutputChannel;
  /** Remembers the grouping per workspace. */
  state: vscode.Memento;
}

/** The line above the tree when production is a guess: it is GitHub's latest release, which could not be read. */
export function productionMessage(roots: readonly RootEnvironments[]): string | undefined {
  const guessed = roots.find((root) => root.state === 'ok' && root.productionSource !== 'github');
  if (!guessed) return undefined;
  const production = guessed.matrix?.environments.find((environment) => environment.kind === 'production');
  const what = production?.tag ? `Production shows the newest local tag (${production.tag})` : 'Production is unknown';
  // Production is `<owner>/<origin's repository>` on GitHub: without a GitHub origin there is nothing to ask.
  if (!guessed.github?.repo) return `${what}: origin is not on GitHub.`;
  if (!guessed.github.signedIn) return `${what}: sign in to GitHub to read the latest release.`;
  return `${what}: GitHub did not answer.`;
}

export function registerEnvironmentViews(options: EnvironmentViewsOptions): {
  disposables: vscode.Disposable[];
  commands: EnvironmentCommandContext;
} {
  const { client, log, state } = options;
  const store = new EnvironmentsStore(client, log);
  const tree = new EnvironmentsTree(store, state.get<GroupBy>(GROUP_BY_KEY, 'environment'));
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  const update = () => {
    setContext('kayron.environments.state', store.state);
    view.message = store.state === 'ok' ? productionMessage(store.roots) : undefined;
  };
  setContext(GROUP_BY_KEY, tree.grouping);
  update();
  const setGrouping = (groupBy: GroupBy) => {
    tree.setGrouping(groupBy);
    setContext(GROUP_BY_KEY, groupBy);
    void state.update(GROUP_BY_KEY, groupBy);
  };
  const snapshot = () => ({
    state: store.state,
    loads: store.loadCount,
    grouping: tree.grouping,
    message: view.message,
    nodes: snapshotTree(tree),
  });
  return {
    disposables: [store, tree, view, new RefDocuments(client, log), store.onDidChange(update)],
    commands: { client, log, store, tree, setGrouping, snapshot },
  };
}
