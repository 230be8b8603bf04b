/**
 * The language server: wires LSP requests and events to the feature modules. No domain logic lives here; the roots,
 * the diagnostics, the event queue, the settings and error handling are the lsp/ modules beside this one.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  WatchKind,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { GitAccess } from '../environments/git';
import { nearestReleasesRoot } from '../kayron/loader';
import { quickFixes } from '../features/code-actions';
import { complete } from '../features/complete';
import {
  completionSources,
  githubLinkAt,
  githubValueHoverMarkdown,
  releaseHoverMarkdown,
} from '../features/github-features';
import { hoverAt } from '../features/hover';
import { lspDocumentSymbols } from '../features/document-symbols';
import { foldingRanges } from '../features/folding-ranges';
import { selectionChain, toSelectionRange } from '../features/selection-ranges';
import { ReleaseWorkspace } from '../workspace/release-workspace';
import { defaultAnalyzer } from '../workspace/analysis-pool';
import { defaultCacheDirectory, GitHubSession } from '../workspace/github-session';
import { registerEntryHandlers, type EntryService } from '../workspace/entry-service';
import { registerEnvironmentHandlers } from '../workspace/environment-handlers';
import type { EnvironmentService } from '../workspace/environment-service';
import { registerPromotionHandlers } from '../workspace/promotion-service';
import { registerPlanHandlers } from '../workspace/plan-service';
import { BUMP_ALL_KIND, BUMP_KIND, SWITCH_KIND } from '../features/entry-actions';
import {
  RefreshGitHubRequest,
  ReleaseRootsNotification,
  type InitializationOptions,
  type ReleaseRootsParams,
} from '../protocol';
import type { LspContext } from './context';
import { DiagnosticsPublisher } from './diagnostics-publisher';
import { EventQueue } from './event-queue';
import { createRunSafe } from './run-safe';
import { SettingsReader } from './settings';
import { filePath, WorkspaceRegistry } from './workspace-registry';
import { GitHubUpdates } from './github-updates';
import { VanishedFilesCheck } from './vanished-files';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const runSafe = createRunSafe(connection.console);
  const queue = new EventQueue(runSafe);
  const settings = new SettingsReader(connection);
  let canWatchFiles = false;
  let canNotifyFolders = false;
  let hierarchicalSymbols = false;
  let foldingRangeLimit: number | undefined;
  /** The client takes `documentChanges` in WorkspaceEdits: every edit then carries the version it was computed for. */
  let versionedEdits = false;
  let github: GitHubSession | undefined;
  let environmentService: EnvironmentService | undefined;
  let entryService: EntryService | undefined;
  /** No git before `initialize` has said whether the folder is trusted, and none at all in Restricted Mode. */
  let gitAccess: GitAccess = { allowed: false };
  // Large release files are parsed on a worker thread, so no request waits behind a ~1 s parse.
  const analyzer = defaultAnalyzer();
  const registry = new WorkspaceRegistry(
    documents,
    (rootPath) =>
      new ReleaseWorkspace(rootPath, {
        analyzer,
        onAnalyzed: () => {
          publisher.schedule();
          githubUpdates.scheduleCheck();
        },
        onError: (relativePath, error) =>
          connection.console.error(`analysing ${relativePath} failed: ${error.message}`),
      }),
  );
  const publisher = new DiagnosticsPublisher({
    connection,
    documents,
    registry,
    github: () => github,
    runSafe,
    onSent: () => vanishedFiles.updateTimer(),
  });
  const vanishedFiles = new VanishedFilesCheck({
    queue,
    registry,
    needed: () => documents.keys().length > 0 || publisher.showsProblems(),
    republish: () => publisher.schedule(),
  });
  const githubUpdates = new GitHubUpdates({
    connection,
    queue,
    registry,
    runSafe,
    github: () => github,
    republish: () => publisher.schedule(),
  });

  async function discoverRoots(): Promise<void> {
    await registry.rescan();
    notifyRoots();
    publisher.schedule();
    await configureGitHub();
  }

  async function configureGitHub(): Promise<void> {
    if (!github) return;
    const first = registry.all()[0];
    github.configure((await settings.read(first?.rootPath)).github);
    for (const workspace of registry.all()) {
      await github.resolveOwner(workspace, (await settings.read(workspace.rootPath)).github.owner);
    }
    githubUpdates.sendState();
    githubUpdates.scheduleCheck(0);
  }

  function notifyRoots(): void {
    const params: ReleaseRootsParams = {
      roots: registry.all().map((workspace) => {
        const files = workspace.orderedFiles();
        const uri = (relativePath: string) => pathToFileURL(`${workspace.rootPath}/${relativePath}`).toString();
        const loaded = files.filter((file) => file.analysis.fileClass.loadedByKayron);
        const ignored = files.filter((file) => !file.analysis.fileClass.loadedByKayron);
        return {
          uri: pathToFileURL(workspace.rootPath).toString(),
          releaseFiles: loaded.map((file) => uri(file.relativePath)),
          ignoredFiles: ignored.map((file) => uri(file.relativePath)),
        };
      }),
    };
    void connection.sendNotification(ReleaseRootsNotification, params);
  }

  connection.onInitialize((params): InitializeResult => {
    registry.setFolders(params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []));
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canNotifyFolders = params.capabilities.workspace?.workspaceFolders === true;
    hierarchicalSymbols = params.capabilities.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true;
    foldingRangeLimit = params.capabilities.textDocument?.foldingRange?.rangeLimit;
    settings.setCanReadConfiguration(params.capabilities.workspace?.configuration === true);
    versionedEdits = params.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    const trusted = options.trusted !== false;
    const gitPath = typeof options.gitPath === 'string' && options.gitPath.trim() !== '' ? options.gitPath : 'git';
    gitAccess = trusted ? { allowed: true, path: gitPath } : { allowed: false };
    // Restricted Mode: the client sends no token; one in the environment (the standalone server) is not used either.
    const token = (trusted && process.env['GITHUB_TOKEN']) || undefined;
    github = new GitHubSession({
      token,
      cacheDirectory: options.cacheDirectory ?? defaultCacheDirectory(),
      // Restricted Mode, `kayron.github.enabled: false` or KAYRON_OFFLINE=1: no network call at all.
      networkAllowed:
        options.trusted !== false && options.githubEnabled !== false && process.env['KAYRON_OFFLINE'] !== '1',
      log: (level, message) => {
        const text = token ? message.split(token).join('***') : message;
        if (level === 'error') connection.console.error(text);
        else if (level === 'warn') connection.console.warn(text);
        else if (level === 'info') connection.console.info(text);
      },
    });
    github.onStateChange(() => githubUpdates.sendState());
    const context: LspContext = {
      connection,
      documents,
      capabilities: params.capabilities,
      registry,
      queue,
      settings,
      runSafe,
      analyzer,
      github: () => github,
      git: () => gitAccess,
      versionedEdits: () => versionedEdits,
    };
    environmentService = registerEnvironmentHandlers(context);
    registerPlanHandlers(context);
    entryService = registerEntryHandlers(context);
    registerPromotionHandlers(context);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, BUMP_KIND, SWITCH_KIND, BUMP_ALL_KIND] },
        completionProvider: { triggerCharacters: ['"', "'", ':', '-'] },
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: { label: 'Kayron releases' },
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'kayron-releases' },
    };
  });

  connection.onInitialized(() => {
    if (canWatchFiles) {
      // YAML files (`.yml` and other cases too: they draw an ignored-extension warning), and the creation or deletion of
      // the folders Kayron walks (a deleted folder reports no event for the files in it).
      const folderEvents = WatchKind.Create | WatchKind.Delete;
      const watchers = [
        { globPattern: '**/*.{yaml,yml,YAML,YML,Yaml,Yml}' },
        { globPattern: '**/{infrastructure,service}*', kind: folderEvents },
        { globPattern: '**/{infrastructure,service}*/**', kind: folderEvents },
      ];
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
    }
    // vscode-languageserver throws when these are registered for a client that does not announce them.
    if (canNotifyFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        registry.changeFolders(event.added, event.removed);
        queue.enqueue('rescanning workspace folders', discoverRoots);
      });
    }
    queue.enqueue('scanning workspace folders', discoverRoots);
  });

  // Opening, editing and closing also confirm that the closed tracked files are still there (see VanishedFilesCheck).
  documents.onDidOpen((event) => {
    queue.enqueue('opening a document', async () => {
      const absolute = filePath(event.document.uri);
      if (absolute && !registry.locate(event.document.uri)) {
        const rootPath = await nearestReleasesRoot(absolute);
        if (rootPath && registry.addFileRoot(rootPath)) {
          // Scans the new root and applies every open document, this one included.
          await discoverRoots();
          return;
        }
      }
      await registry.applyOpenDocument(event.document, true);
      publisher.schedule();
    });
    vanishedFiles.check();
    vanishedFiles.updateTimer();
  });
  documents.onDidChangeContent((event) => {
    queue.afterQueued('updating a document', async () => {
      await registry.applyOpenDocument(event.document, false);
      publisher.schedule();
      githubUpdates.scheduleCheck();
    });
    vanishedFiles.check({ whileTyping: true });
  });
  documents.onDidClose((event) => {
    queue.enqueue('closing a document', async () => {
      const located = registry.locate(event.document.uri);
      if (located) await located.workspace.closeDocument(located.relativePath);
      publisher.schedule();
    });
    vanishedFiles.check();
    vanishedFiles.updateTimer();
  });

  connection.onShutdown(() => {
    vanishedFiles.stop();
  });

  connection.onDidChangeWatchedFiles((params) => {
    queue.enqueue('handling file events', async () => {
      let structural = false;
      for (const change of params.changes) {
        const located = registry.locate(change.uri);
        if (!located) {
          structural ||= change.type !== FileChangeType.Changed;
          continue;
        }
        if (change.type === FileChangeType.Deleted) {
          located.workspace.delete(located.relativePath);
          structural = true;
        } else if (located.workspace.tracks(located.relativePath)) {
          await located.workspace.reloadFromDisk(located.relativePath);
          structural ||= change.type === FileChangeType.Created;
        } else if (change.type !== FileChangeType.Changed) {
          structural = true;
        }
      }
      if (structural) await discoverRoots();
      else publisher.schedule();
    });
  });

  connection.onHover((params, token) =>
    runSafe(
      'hover',
      null,
      async () => {
        await queue.settled();
        const view = await registry.editorView(params.textDocument.uri);
        if (!view) return null;
        const offset = view.offsetAt(params.position);
        const context = github?.context(view.workspace);
        const found = hoverAt(view.analysis, offset);
        if (!found) {
          // `github:` and `branch:` values: their page on GitHub, as a link in the hover (no always-on underline).
          const link =
            context && githubLinkAt(view.analysis.decoded?.entries ?? [], offset, context.owner, context.webUrl);
          if (!link || link.target.includes('/releases/tag/')) return null;
          return {
            contents: { kind: 'markdown', value: githubValueHoverMarkdown(link) },
            range: view.rangeOf(link.range),
          };
        }
        let markdown = found.markdown;
        const entries = view.analysis.decoded?.entries ?? [];
        const entry = entries.find((candidate) => offset >= candidate.range[0] && offset <= candidate.range[1]);
        const release = entry?.deploy?.release;
        if (
          context &&
          entry?.github?.value &&
          release &&
          offset >= release.valueRange[0] &&
          offset <= release.valueRange[1]
        ) {
          const online = await releaseHoverMarkdown(context, entry.github.value, release.value);
          if (online) markdown = `${online}\n\n---\n\n${markdown}`;
        }
        return { contents: { kind: 'markdown', value: markdown }, range: view.rangeOf(found.range) };
      },
      token,
    ),
  );

  connection.onDocumentSymbol((params, token) =>
    runSafe(
      'document symbols',
      null,
      async () => {
        await queue.settled();
        const view = await registry.editorView(params.textDocument.uri);
        if (!view) return null;
        const flat = hierarchicalSymbols ? {} : { flatUri: params.textDocument.uri };
        return lspDocumentSymbols(view.analysis.decoded?.entries ?? [], view.rangeOf, flat);
      },
      token,
    ),
  );

  connection.onFoldingRanges((params, token) =>
    runSafe(
      'folding ranges',
      null,
      async () => {
        await queue.settled();
        const view = await registry.editorView(params.textDocument.uri);
        if (!view) return null;
        // Offsets are the server's text's; a BOM the editor hides changes no line number.
        const folds = foldingRanges(view.text, view.analysis.decoded?.entries ?? []);
        return foldingRangeLimit === undefined ? folds : folds.slice(0, foldingRangeLimit);
      },
      token,
    ),
  );

  connection.onSelectionRanges((params, token) =>
    runSafe(
      'selection ranges',
      null,
      async () => {
        await queue.settled();
        const view = await registry.editorView(params.textDocument.uri);
        if (!view) return null;
        return params.positions.map((position) => {
          const chain = selectionChain(view.text, view.analysis.decoded?.entries ?? [], view.offsetAt(position));
          return toSelectionRange(chain, view.rangeOf) ?? { range: { start: position, end: position } };
        });
      },
      token,
    ),
  );

  connection.onCompletion((params, token) =>
    runSafe(
      'completion',
      [],
      async () => {
        await queue.settled();
        const document = documents.get(params.textDocument.uri);
        const located = registry.locate(params.textDocument.uri);
        if (!document || !located) return [];
        const context = github?.context(located.workspace);
        const rootPath = located.workspace.rootPath;
        const withEnvironments = context && {
          ...context,
          environmentsOf: (name: string) => environmentService?.deployedVersions(rootPath, name),
        };
        const sources = withEnvironments ? completionSources(withEnvironments) : {};
        return complete(document, document.offsetAt(params.position), sources);
      },
      token,
    ),
  );

  connection.onCodeAction((params, token) =>
    runSafe(
      'code actions',
      [],
      async () => {
        await queue.settled();
        const document = documents.get(params.textDocument.uri);
        const located = registry.locate(params.textDocument.uri);
        if (!document || !located) return [];
        const { workspace, relativePath } = located;
        const fixes = quickFixes(document, params.context.diagnostics, {
          rootUri: pathToFileURL(workspace.rootPath).toString(),
          relativePath,
          exists: (candidate) => existsSync(path.join(workspace.rootPath, candidate)),
          versionedEdits,
        });
        return [...fixes, ...((await entryService?.codeActions(params)) ?? [])];
      },
      token,
    ),
  );

  connection.onRequest(RefreshGitHubRequest, () =>
    runSafe('refreshing GitHub data', undefined, async () => {
      await github?.refresh();
      await configureGitHub();
    }),
  );

  connection.onDidChangeConfiguration((params) => {
    settings.push(params.settings);
    queue.enqueue('applying settings', configureGitHub);
  });

  documents.listen(connection);
  connection.listen();
}
