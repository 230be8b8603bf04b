/**
 * Bumps and branch switches: code actions on release entries, plus the requests behind the palette commands
 * ("Bump Service…", "Switch Service to Branch…"). Edits are computed from the server's current text of the file.
 */
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type CodeActionParams, type WorkspaceEdit } from 'vscode-languageserver';
import type { HandlerRegistration } from '../lsp/context';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { acceptedTags, latestTag, type VersionedTag } from '../github/versions';
import { completionSources } from '../features/github-features';
import {
  bumpAllEdits,
  BUMP_ALL_KIND,
  entryActions,
  orderBranchesByRecency,
  toTextEdits,
  type EntryBranch,
} from '../features/entry-actions';
import { pinReleaseEdits, switchBackEdits, switchToBranchEdits } from '../features/release-edits';
import {
  EntryBranchesRequest,
  EntryEditRequest,
  EntryVersionsRequest,
  ReleaseEntriesRequest,
  type EntryBranchesParams,
  type EntryEditParams,
  type EntryVersionsParams,
  type ReleaseEntry,
} from '../protocol';
import type { GitHubSession } from './github-session';
import type { DecodedEntry } from '../yaml/decode';
import { deployStrategyOf, entryStrategyLabel, serviceNameOf } from '../kayron/entry-model';
import { lineFinder } from '../features/text-lines';
import { documentEdit } from '../features/workspace-edits';
import type { ReleaseWorkspace } from './release-workspace';

export interface EntryServiceDeps {
  locate(uri: string): { workspace: ReleaseWorkspace; relativePath: string } | undefined;
  workspaces(): Iterable<ReleaseWorkspace>;
  github(): GitHubSession | undefined;
  /**
   * Settles when the server has applied what it has been told so far (folders, settings, owners): a request that
   * arrives right after a folder is added or a setting changed must not answer from the state before it.
   */
  ready(): Promise<void>;
  /** The open editor document for a URI, if any (positions must match what the editor shows). */
  openDocument(uri: string): TextDocument | undefined;
  /** The client takes `documentChanges`, so edits carry the version they were computed for. */
  versionedEdits(): boolean;
}

async function tagsFor(
  deps: EntryServiceDeps,
  workspace: ReleaseWorkspace,
  github: string,
): Promise<VersionedTag[] | undefined> {
  const context = deps.github()?.context(workspace);
  if (!context) return undefined;
  const result = await context.data.listTags(context.owner, github, { allowStale: true });
  const tags = result.kind === 'fetched' ? result.value : result.kind === 'unknown' ? result.cached?.value : undefined;
  return tags ? acceptedTags(tags.map((tag) => tag.name)) : undefined;
}

async function branchesFor(
  deps: EntryServiceDeps,
  workspace: ReleaseWorkspace,
  github: string,
): Promise<EntryBranch[] | undefined> {
  const context = deps.github()?.context(workspace);
  if (!context) return undefined;
  const branches = await completionSources(context).branches?.(github);
  if (!branches) return undefined;
  return orderBranchesByRecency(branches).map((branch) => ({
    name: branch.name,
    ...(branch.pullRequestTitle ? { pullRequestTitle: branch.pullRequestTitle } : {}),
  }));
}

/**
 * A release file's text and entries once its analysis is current (a deferred one has finished) and describes what
 * the editor shows, so offsets from the entries can become edits. Undefined otherwise, and for a file with a
 * byte-order mark: Kayron rejects it outright (no entries), and its offsets would be the editor's plus one.
 * `document` is a snapshot of that text with the editor's version then (null for a file that is not open): the open
 * document object changes with every edit, and edits must be positioned on, and carry the version of, the text they
 * were computed from.
 */
async function currentEntries(
  deps: EntryServiceDeps,
  uri: string,
): Promise<
  | {
      workspace: ReleaseWorkspace;
      relativePath: string;
      text: string;
      entries: DecodedEntry[];
      document: TextDocument;
      version: number | null;
    }
  | undefined
> {
  const located = deps.locate(uri);
  if (!located) return undefined;
  const { workspace, relativePath } = located;
  await workspace.settled(relativePath);
  const text = workspace.textOf(relativePath);
  const open = deps.openDocument(uri);
  if (text === undefined || text.startsWith('\ufeff') || (open && open.getText() !== text)) return undefined;
  const version = open ? open.version : null;
  const document = TextDocument.create(uri, open?.languageId ?? 'kayron-release', version ?? 0, text);
  return {
    workspace,
    relativePath,
    text,
    entries: workspace.analysisOf(relativePath)?.decoded?.entries ?? [],
    document,
    version,
  };
}

/** Whether the editor still shows the text edits were computed for (for clients that cannot be told the version). */
function stillCurrent(deps: EntryServiceDeps, uri: string, version: number | null): boolean {
  return version === null || deps.openDocument(uri)?.version === version;
}

/** Code actions for the entries under `params.range`, and "Bump all services to latest" for the file. */
export async function entryCodeActions(deps: EntryServiceDeps, params: CodeActionParams): Promise<CodeAction[]> {
  if (!deps.openDocument(params.textDocument.uri)) return [];
  const current = await currentEntries(deps, params.textDocument.uri);
  if (!current || current.version === null) return [];
  const { workspace, text, entries, document, version } = current;
  const versionedEdits = deps.versionedEdits();
  const only = params.context.only;
  const wants = (kind: string) =>
    !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
  const start = document.offsetAt(params.range.start);
  const end = document.offsetAt(params.range.end);
  const actions: CodeAction[] = [];
  for (const entry of entries) {
    const deploy = entry.deploy;
    const onValue = [deploy?.release, deploy?.branch].some(
      (field) => field && start <= field.valueRange[1] && end >= field.key[0],
    );
    if (!onValue || !entry.github?.value) continue;
    const outdated = params.context.diagnostics.find(
      (diagnostic) =>
        diagnostic.code === 'release-outdated' &&
        deploy?.release &&
        document.offsetAt(diagnostic.range.start) === deploy.release.valueRange[0],
    );
    const tags = await tagsFor(deps, workspace, entry.github.value);
    const branches = deploy?.release ? await branchesFor(deps, workspace, entry.github.value) : undefined;
    actions.push(
      ...entryActions({ document, text, entry, tags, branches, outdated, versionedEdits }).filter((action) =>
        wants(action.kind ?? CodeActionKind.Empty),
      ),
    );
  }
  if (only?.some((kind) => BUMP_ALL_KIND.startsWith(kind)) && deps.github()?.context(workspace)) {
    const tagCache = new Map<string, VersionedTag[] | undefined>();
    for (const github of new Set(
      entries.map((entry) => entry.github?.value).filter((value): value is string => !!value),
    )) {
      tagCache.set(github, await tagsFor(deps, workspace, github));
    }
    const edits = bumpAllEdits(text, entries, (github) => tagCache.get(github));
    if (edits.length > 0) {
      actions.push({
        title: `Bump all services to latest (${edits.length})`,
        kind: BUMP_ALL_KIND,
        edit: documentEdit({ uri: document.uri, version }, toTextEdits(document, edits), versionedEdits),
      });
    }
  }
  // GitHub lookups above take time: a client that cannot reject a stale edit by its version gets none.
  if (!versionedEdits && !stillCurrent(deps, document.uri, version)) return [];
  return actions;
}

/** The code actions on release entries, for the server's one code-action handler. */
export interface EntryService {
  codeActions(params: CodeActionParams): Promise<CodeAction[]>;
}

/** The entry requests behind the palette commands; the code actions are answered with the quick fixes. */
export const registerEntryHandlers: HandlerRegistration<EntryService> = (context) => {
  const { connection, runSafe } = context;
  const deps: EntryServiceDeps = {
    locate: (uri) => context.registry.locate(uri),
    workspaces: () => context.registry.all(),
    github: () => context.github(),
    ready: () => context.queue.settled(),
    openDocument: (uri) => context.documents.get(uri),
    versionedEdits: () => context.versionedEdits(),
  };
  connection.onRequest(ReleaseEntriesRequest, () =>
    runSafe('listing release entries', [] as ReleaseEntry[], () => {
      const result: ReleaseEntry[] = [];
      for (const workspace of deps.workspaces()) {
        const root = pathToFileURL(workspace.rootPath).toString();
        for (const file of workspace.orderedFiles()) {
          const lineAt = lineFinder(file.text);
          for (const entry of file.analysis.decoded?.entries ?? []) {
            const strategy = deployStrategyOf(entry);
            result.push({
              root,
              uri: pathToFileURL(`${workspace.rootPath}/${file.relativePath}`).toString(),
              relativePath: file.relativePath,
              index: entry.index,
              line: lineAt(entry.anchor[0]),
              name: serviceNameOf(entry) || `entry ${entry.index}`,
              github: entry.github?.value ?? '',
              strategy: strategy.kind,
              value: strategy.value,
              label: entryStrategyLabel(entry),
            });
          }
        }
      }
      return result;
    }),
  );

  connection.onRequest(EntryVersionsRequest, (params: EntryVersionsParams) =>
    runSafe('listing versions', null, async () => {
      await deps.ready();
      const located = deps.locate(params.uri);
      const context = located && deps.github()?.context(located.workspace);
      if (!context) return null;
      return (await completionSources(context).versions?.(params.github)) ?? null;
    }),
  );

  connection.onRequest(EntryBranchesRequest, (params: EntryBranchesParams) =>
    runSafe('listing branches', null, async () => {
      await deps.ready();
      const located = deps.locate(params.uri);
      if (!located) return null;
      return (await branchesFor(deps, located.workspace, params.github)) ?? null;
    }),
  );

  connection.onRequest(EntryEditRequest, (params: EntryEditParams) =>
    runSafe('editing a release entry', null, async (): Promise<WorkspaceEdit | null> => {
      const current = await currentEntries(deps, params.uri);
      const entry = current?.entries.find((candidate) => candidate.index === params.index);
      if (!current || !entry) return null;
      const { workspace, text } = current;
      let edits;
      if (params.action.kind === 'release') {
        edits = pinReleaseEdits(text, entry, params.action.tag);
      } else if (params.action.kind === 'branch') {
        edits = switchToBranchEdits(text, entry, params.action.name);
      } else {
        const github = entry.github?.value;
        const tags = github ? await tagsFor(deps, workspace, github) : undefined;
        // The latest stable tag, as the code action offers; the newest accepted tag may be a prerelease or a short alias.
        edits = switchBackEdits(text, entry, tags ? latestTag(tags)?.name : undefined);
      }
      if (!edits) return null;
      const versionedEdits = deps.versionedEdits();
      if (!versionedEdits && !stillCurrent(deps, params.uri, current.version)) return null;
      return documentEdit(
        { uri: params.uri, version: current.version },
        toTextEdits(current.document, edits),
        versionedEdits,
      );
    }),
  );
  return { codeActions: (params) => entryCodeActions(deps, params) };
};
