/**
 * Wires LSP handlers to the pure feature modules. No domain logic lives here.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  WatchKind,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { GitAccess } from './environments/git';
import { looksLikeReleasesRepo, nearestReleasesRoot } from './kayron/loader';
import { limitProblems, toDiagnostic } from './features/diagnostics';
import { lineOfOffset } from './features/text-lines';
import type { Problem } from './kayron/problem';
import { quickFixes } from './features/code-actions';
import { complete } from './features/complete';
import { completionSources, githubLinkAt, githubValueHoverMarkdown, releaseHoverMarkdown } from './features/github-features';
import { hoverAt } from './features/hover';
import { lspDocumentSymbols } from './features/document-symbols';
import { foldingRanges } from './features/folding-ranges';
import { selectionChain, toSelectionRange } from './features/selection-ranges';
import { locateInWorkspaces, ReleaseWorkspace } from './workspace/release-workspace';
import { analyzeWithoutBlocking, defaultAnalyzer } from './workspace/analysis-pool';
import { defaultCacheDirectory, GitHubSession, type GitHubSettings } from './workspace/github-session';
import { entryCodeActions, registerEntryHandlers, type EntryServiceDeps } from './workspace/entry-service';
import { registerEnvironmentHandlers, type EnvironmentService } from './workspace/environment-service';
import { registerPromotionHandlers } from './promotion/service';
import { registerPlanHandlers } from './workspace/plan-service';
import { BUMP_ALL_KIND, BUMP_KIND, SWITCH_KIND } from './features/entry-actions';
import {
  GitHubStateNotification,
  KayronVerdictNotification,
  RefreshGitHubRequest,
  ReleaseRootsNotification,
  type InitializationOptions,
  type KayronVerdictParams,
  type ReleaseRootsParams,
} from './protocol';

/** Online checks wait for typing to pause; GitHub data is cached, so a pass is cheap once warm. */
const ONLINE_CHECK_DELAY_MS = 400;
/**
 * How often tracked files are confirmed to still be on disk while documents are open or diagnostics are shown: file
 * watchers drop and delay events, and a deleted file must not keep its problems. A stat per file, so cheap.
 */
const VANISHED_CHECK_INTERVAL_MS = 5_000;
/** After the back-off ends: the GitHub clock and the timer's may differ by a few ms. */
const RECOVERY_MARGIN_MS = 50;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspaces = new Map<string, ReleaseWorkspace>();
  const published = new Map<string, string>();
  /** Per URI, what its last diagnostics were built from: unchanged files are not converted and compared again. */
  const convertedFrom = new Map<string, { text: string; shift: number; verdict: Problem | undefined; problems: readonly Problem[] }>();
  const sameProblems = (a: readonly Problem[], b: readonly Problem[]): boolean => a.length === b.length && a.every((problem, index) => problem === b[index]);
  let folders: WorkspaceFolder[] = [];
  /** Roots found above files opened outside every folder (single-file mode: `nvim service/service.yaml`). */
  const fileRoots = new Set<string>();
  let canWatchFiles = false;
  let canNotifyFolders = false;
  let hierarchicalSymbols = false;
  let foldingRangeLimit: number | undefined;
  let pending: NodeJS.Immediate | undefined;
  let ready: Promise<void> = Promise.resolve();
  let canReadConfiguration = false;
  /** The client takes `documentChanges` in WorkspaceEdits: every edit then carries the version it was computed for. */
  let versionedEdits = false;
  /** `kayron` settings pushed with didChangeConfiguration by a client that does not announce `workspace/configuration` (Neovim 0.7). */
  let pushedSettings: { github?: { owner?: string; apiUrl?: string } } | undefined;
  let github: GitHubSession | undefined;
  let onlineTimer: NodeJS.Timeout | undefined;
  let recoveryTimer: NodeJS.Timeout | undefined;
  let recoveryAt: number | undefined;
  let environmentService: EnvironmentService | undefined;
  let vanishedTimer: NodeJS.Timeout | undefined;
  let vanishedCheckQueued = false;
  let lastVanishedCheck = 0;
  let shuttingDown = false;
  /** No git before `initialize` has said whether the folder is trusted, and none at all in Restricted Mode. */
  let gitAccess: GitAccess = { allowed: false };
  // Large release files are parsed on a worker thread, so no request waits behind a ~1 s parse.
  const analyzer = defaultAnalyzer();
  const newWorkspace = (rootPath: string) =>
    new ReleaseWorkspace(rootPath, {
      analyzer,
      onAnalyzed: () => {
        schedulePublish();
        scheduleOnlineCheck();
      },
      onError: (relativePath, error) => connection.console.error(`analysing ${relativePath} failed: ${error.message}`),
    });

  /** Every handler goes through here: errors are logged and answered with a safe default, never thrown. */
  async function runSafe<T>(what: string, fallback: T, work: () => T | Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      connection.console.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  }

  function toPath(uri: string): string | undefined {
    try {
      return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    } catch {
      return undefined;
    }
  }

  function locate(uri: string): { workspace: ReleaseWorkspace; relativePath: string } | undefined {
    return locateInWorkspaces(workspaces.values(), uri);
  }

  /**
   * An open release file with its analysis, once that analysis describes the editor's text (a deferred analysis has
   * finished); undefined if the editor has moved on meanwhile. `shift` is 1 when the server's text has a BOM the
   * editor hides.
   */
  async function analysedDocument(uri: string) {
    const located = locate(uri);
    if (!located) return undefined;
    await located.workspace.settled(located.relativePath);
    const document = documents.get(uri);
    const text = located.workspace.textOf(located.relativePath);
    const analysis = located.workspace.analysisOf(located.relativePath);
    if (!document || text === undefined || !analysis) return undefined;
    const shown = document.getText();
    const shift = text !== shown && text === `\ufeff${shown}` ? 1 : 0;
    if (!shift && text !== shown) return undefined;
    return { located, document, analysis, shift };
  }

  async function discoverRoots(): Promise<void> {
    const next = new Map<string, ReleaseWorkspace>();
    const candidates = new Set([...folders.map((folder) => toPath(folder.uri)), ...fileRoots]);
    for (const rootPath of candidates) {
      if (!rootPath || next.has(rootPath) || !(await looksLikeReleasesRepo(rootPath))) continue;
      const workspace = workspaces.get(rootPath) ?? newWorkspace(rootPath);
      await workspace.scan();
      next.set(rootPath, workspace);
    }
    workspaces.clear();
    for (const [key, value] of next) workspaces.set(key, value);
    for (const document of documents.all()) await applyOpenDocument(document, true);
    notifyRoots();
    schedulePublish();
    await configureGitHub();
  }

  /** Reads `kayron.*` settings (per root) from the client, or from the environment for the standalone server. */
  async function githubSettings(rootPath: string | undefined): Promise<GitHubSettings> {
    if (canReadConfiguration) {
      const section = (await connection.workspace.getConfiguration({ section: 'kayron', ...(rootPath ? { scopeUri: pathToFileURL(rootPath).toString() } : {}) })) as
        | { github?: { owner?: string; apiUrl?: string } }
        | null;
      return { owner: section?.github?.owner, apiUrl: section?.github?.apiUrl };
    }
    return { owner: pushedSettings?.github?.owner || process.env['KAYRON_GITHUB_OWNER'], apiUrl: pushedSettings?.github?.apiUrl || process.env['KAYRON_GITHUB_API_URL'] };
  }

  async function configureGitHub(): Promise<void> {
    if (!github) return;
    const first = [...workspaces.values()][0];
    github.configure(await githubSettings(first?.rootPath));
    for (const workspace of workspaces.values()) await github.resolveOwner(workspace, (await githubSettings(workspace.rootPath)).owner);
    sendGitHubState();
    scheduleOnlineCheck(0);
  }

  function sendGitHubState(): void {
    const state = github?.state();
    if (!state) return;
    scheduleRecoveryProbe(state.offline ? state.retryAt : undefined);
    const owners = [...workspaces.values()].map((workspace) => github?.context(workspace)?.owner).filter((owner): owner is string => owner !== undefined);
    void connection.sendNotification(GitHubStateNotification, { ...state, owners, unverified: github?.unverified ?? 0 });
  }

  /**
   * While GitHub is unreachable, ask it again when the back-off ends (and after every failed attempt, whose failure
   * starts a new back-off), so the status and the unverified entries recover without waiting for an edit or a click.
   */
  function scheduleRecoveryProbe(retryAt: number | undefined): void {
    if (retryAt === undefined) {
      if (recoveryTimer) clearTimeout(recoveryTimer);
      recoveryTimer = undefined;
      recoveryAt = undefined;
      return;
    }
    if (recoveryTimer && recoveryAt === retryAt) return;
    if (recoveryTimer) clearTimeout(recoveryTimer);
    recoveryAt = retryAt;
    recoveryTimer = setTimeout(() => {
      recoveryTimer = undefined;
      recoveryAt = undefined;
      void runSafe('asking whether GitHub is back', undefined, async () => {
        if (await github?.probe()) scheduleOnlineCheck(0);
      });
    }, Math.max(0, retryAt - Date.now()) + RECOVERY_MARGIN_MS);
  }

  function scheduleOnlineCheck(delay = ONLINE_CHECK_DELAY_MS): void {
    if (!github) return;
    if (onlineTimer) clearTimeout(onlineTimer);
    onlineTimer = setTimeout(() => {
      onlineTimer = undefined;
      void ready.then(() =>
        runSafe('checking against GitHub', undefined, async () => {
          for (const workspace of workspaces.values()) await github?.check(workspace);
          sendGitHubState();
          schedulePublish();
        }),
      );
    }, delay);
  }

  function notifyRoots(): void {
    const params: ReleaseRootsParams = {
      roots: [...workspaces.values()].map((workspace) => {
        const files = workspace.orderedFiles();
        const uri = (relativePath: string) => pathToFileURL(`${workspace.rootPath}/${relativePath}`).toString();
        return {
          uri: pathToFileURL(workspace.rootPath).toString(),
          releaseFiles: files.filter((file) => file.analysis.fileClass.loadedByKayron).map((file) => uri(file.relativePath)),
          ignoredFiles: files.filter((file) => !file.analysis.fileClass.loadedByKayron).map((file) => uri(file.relativePath)),
        };
      }),
    };
    void connection.sendNotification(ReleaseRootsNotification, params);
  }

  async function applyOpenDocument(document: TextDocument, checkBom: boolean): Promise<void> {
    const located = locate(document.uri);
    if (!located || !located.workspace.tracks(located.relativePath)) return;
    const absolute = toPath(document.uri);
    const bom = checkBom && absolute ? await ReleaseWorkspace.hasBom(absolute) : (located.workspace.textOf(located.relativePath)?.charCodeAt(0) === 0xfeff && !document.getText().startsWith('\ufeff'));
    located.workspace.setOpenText(located.relativePath, document.getText(), bom);
  }

  function schedulePublish(): void {
    if (pending) return;
    pending = setImmediate(() => {
      pending = undefined;
      void runSafe('publishing diagnostics', undefined, publishAll);
    });
  }

  function publishAll(): void {
    const seen = new Set<string>();
    const verdicts: KayronVerdictParams['verdicts'] = [];
    for (const workspace of workspaces.values()) {
      const validation = workspace.validate();
      for (const [relativePath, problems] of validation.problems) {
        const uri = pathToFileURL(`${workspace.rootPath}/${relativePath}`).toString();
        seen.add(uri);
        const open = documents.get(uri);
        const text = workspace.textOf(relativePath) ?? '';
        // A BOM the editor hides sits at offset 0 of our text; shift so positions match the editor's text.
        const shift = open && text.startsWith('\ufeff') && !open.getText().startsWith('\ufeff') ? 1 : 0;
        const online = github?.problemsFor(workspace, relativePath, text) ?? [];
        const verdictHere = validation.kayronVerdict && (problems.includes(validation.kayronVerdict.problem) || online.includes(validation.kayronVerdict.problem)) ? validation.kayronVerdict.problem : undefined;
        const all = limitProblems(online.length > 0 ? [...problems, ...online] : problems, verdictHere);
        const before = convertedFrom.get(uri);
        // Problem objects never change: the same objects over the same text give the same diagnostics.
        if (before && before.text === text && before.shift === shift && before.verdict === verdictHere && sameProblems(before.problems, all)) continue;
        convertedFrom.set(uri, { text, shift, verdict: verdictHere, problems: all });
        // The open document already knows its line starts; building them again costs milliseconds on large files.
        const document = open && !shift && open.getText() === text ? open : TextDocument.create(uri, 'yaml', 0, shift ? text.slice(1) : text);
        const diagnostics: Diagnostic[] = all.map((problem) =>
          toDiagnostic(
            document,
            shift ? { ...problem, range: [Math.max(0, problem.range[0] - shift), Math.max(0, problem.range[1] - shift)] } : problem,
            validation.kayronVerdict?.problem === problem,
          ),
        );
        send(uri, diagnostics);
      }
      const verdict = validation.kayronVerdict;
      const rootUri = pathToFileURL(workspace.rootPath).toString();
      if (verdict) {
        const text = workspace.textOf(verdict.relativePath) ?? '';
        const line = lineOfOffset(text, verdict.problem.range[0]);
        verdicts.push({ root: rootUri, file: verdict.relativePath, code: verdict.problem.code, message: verdict.problem.message, line });
      } else if (validation.unchecked.length > 0) {
        // Not checked is not passed: Kayron's verdict is unknown until those files can be read.
        verdicts.push({ root: rootUri, unchecked: validation.unchecked.map((file) => ({ file: file.relativePath, code: file.problem.code, message: file.problem.message })) });
      } else verdicts.push({ root: rootUri });
    }
    for (const uri of [...convertedFrom.keys()]) if (!seen.has(uri)) convertedFrom.delete(uri);
    for (const uri of [...published.keys()]) {
      if (seen.has(uri)) continue;
      send(uri, []);
      published.delete(uri);
    }
    void connection.sendNotification(KayronVerdictNotification, { verdicts } satisfies KayronVerdictParams);
  }

  function send(uri: string, diagnostics: Diagnostic[]): void {
    const key = JSON.stringify(diagnostics);
    if (published.get(uri) === key) return;
    published.set(uri, key);
    void connection.sendDiagnostics({ uri, diagnostics });
    updateVanishedTimer();
  }

  /**
   * Queues one check (however often it is asked for meanwhile) that drops the diagnostics of files gone from disk.
   * While typing, at most one per interval.
   */
  function checkVanishedFiles(options: { whileTyping?: boolean } = {}): void {
    if (vanishedCheckQueued || shuttingDown) return;
    if (options.whileTyping && Date.now() - lastVanishedCheck < VANISHED_CHECK_INTERVAL_MS) return;
    lastVanishedCheck = Date.now();
    vanishedCheckQueued = true;
    ready = ready.then(() =>
      runSafe('checking that tracked files still exist', undefined, async () => {
        vanishedCheckQueued = false;
        let dropped = false;
        for (const workspace of workspaces.values()) if ((await workspace.dropVanished()).length > 0) dropped = true;
        if (dropped) schedulePublish();
      }),
    );
  }

  /** The periodic check runs only while documents are open or some file shows problems, and never keeps the process alive. */
  function updateVanishedTimer(): void {
    const needed = !shuttingDown && (documents.keys().length > 0 || [...published.values()].some((key) => key !== '[]'));
    if (needed && !vanishedTimer) {
      vanishedTimer = setInterval(() => checkVanishedFiles(), VANISHED_CHECK_INTERVAL_MS);
      vanishedTimer.unref();
    } else if (!needed && vanishedTimer) {
      clearInterval(vanishedTimer);
      vanishedTimer = undefined;
    }
  }

  connection.onInitialize((params): InitializeResult => {
    folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canNotifyFolders = params.capabilities.workspace?.workspaceFolders === true;
    hierarchicalSymbols = params.capabilities.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true;
    foldingRangeLimit = params.capabilities.textDocument?.foldingRange?.rangeLimit;
    canReadConfiguration = params.capabilities.workspace?.configuration === true;
    versionedEdits = params.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    const trusted = options.trusted !== false;
    gitAccess = trusted ? { allowed: true, path: typeof options.gitPath === 'string' && options.gitPath.trim() !== '' ? options.gitPath : 'git' } : { allowed: false };
    // Restricted Mode: the client sends no token; one in the environment (the standalone server) is not used either.
    const token = (trusted && process.env['GITHUB_TOKEN']) || undefined;
    github = new GitHubSession({
      token,
      cacheDirectory: options.cacheDirectory ?? defaultCacheDirectory(),
      // Restricted Mode, `kayron.github.enabled: false` or KAYRON_OFFLINE=1: no network call at all.
      networkAllowed: options.trusted !== false && options.githubEnabled !== false && process.env['KAYRON_OFFLINE'] !== '1',
      log: (level, message) => {
        const text = token ? message.split(token).join('***') : message;
        if (level === 'error') connection.console.error(text);
        else if (level === 'warn') connection.console.warn(text);
        else if (level === 'info') connection.console.info(text);
      },
    });
    github.onStateChange(() => sendGitHubState());
    environmentService = registerEnvironmentHandlers(connection, { documents, workspaces, github: () => github, ready: () => ready, capabilities: params.capabilities, runSafe, analyzer, git: () => gitAccess });
    registerPlanHandlers({ connection, documents, workspaces, github: () => github, ready: () => ready, canReadConfiguration: () => canReadConfiguration, analyzer, runSafe, git: () => gitAccess });
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
        folders = [...folders.filter((folder) => !event.removed.some((removed) => removed.uri === folder.uri)), ...event.added];
        ready = ready.then(() => runSafe('rescanning workspace folders', undefined, discoverRoots));
      });
    }
    ready = runSafe('scanning workspace folders', undefined, discoverRoots);
  });

  // Opening, editing and closing also confirm that the closed tracked files are still there (see checkVanishedFiles).
  documents.onDidOpen((event) => {
    ready = ready.then(() => runSafe('opening a document', undefined, async () => {
      const absolute = toPath(event.document.uri);
      if (absolute && !locate(event.document.uri)) {
        const rootPath = await nearestReleasesRoot(absolute);
        if (rootPath && !fileRoots.has(rootPath)) {
          fileRoots.add(rootPath);
          // Scans the new root and applies every open document, this one included.
          await discoverRoots();
          return;
        }
      }
      await applyOpenDocument(event.document, true);
      schedulePublish();
    }));
    checkVanishedFiles();
    updateVanishedTimer();
  });
  documents.onDidChangeContent((event) => {
    void ready.then(() => runSafe('updating a document', undefined, async () => {
      await applyOpenDocument(event.document, false);
      schedulePublish();
      scheduleOnlineCheck();
    }));
    checkVanishedFiles({ whileTyping: true });
  });
  documents.onDidClose((event) => {
    ready = ready.then(() => runSafe('closing a document', undefined, async () => {
      const located = locate(event.document.uri);
      if (located) await located.workspace.closeDocument(located.relativePath);
      schedulePublish();
    }));
    checkVanishedFiles();
    updateVanishedTimer();
  });

  connection.onShutdown(() => {
    shuttingDown = true;
    updateVanishedTimer();
  });

  connection.onDidChangeWatchedFiles((params) => {
    ready = ready.then(() => runSafe('handling file events', undefined, async () => {
      let structural = false;
      for (const change of params.changes) {
        const located = locate(change.uri);
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
      else schedulePublish();
    }));
  });

  connection.onHover((params) =>
    runSafe('hover', null, async () => {
      await ready;
      const current = await analysedDocument(params.textDocument.uri);
      if (!current) return null;
      const { located, document, analysis, shift } = current;
      const offset = document.offsetAt(params.position) + shift;
      const context = github?.context(located.workspace);
      const found = hoverAt(analysis, offset);
      if (!found) {
        // `github:` and `branch:` values: their page on GitHub, as a link in the hover (no always-on underline).
        const link = context && githubLinkAt(analysis.decoded?.entries ?? [], offset, context.owner, context.webUrl);
        if (!link || link.target.includes('/releases/tag/')) return null;
        return {
          contents: { kind: 'markdown', value: githubValueHoverMarkdown(link) },
          range: { start: document.positionAt(link.range[0] - shift), end: document.positionAt(link.range[1] - shift) },
        };
      }
      let markdown = found.markdown;
      const entry = analysis.decoded?.entries.find((candidate) => offset >= candidate.range[0] && offset <= candidate.range[1]);
      const release = entry?.deploy?.release;
      if (context && entry?.github?.value && release && offset >= release.valueRange[0] && offset <= release.valueRange[1]) {
        const online = await releaseHoverMarkdown(context, entry.github.value, release.value);
        if (online) markdown = `${online}\n\n---\n\n${markdown}`;
      }
      return {
        contents: { kind: 'markdown', value: markdown },
        range: { start: document.positionAt(found.range[0] - shift), end: document.positionAt(found.range[1] - shift) },
      };
    }),
  );

  connection.onDocumentSymbol((params) =>
    runSafe('document symbols', null, async () => {
      await ready;
      const current = await analysedDocument(params.textDocument.uri);
      if (!current) return null;
      const { document, analysis, shift } = current;
      const toRange = ([start, end]: readonly [number, number]) => ({ start: document.positionAt(start - shift), end: document.positionAt(end - shift) });
      return lspDocumentSymbols(analysis.decoded?.entries ?? [], toRange, hierarchicalSymbols ? {} : { flatUri: params.textDocument.uri });
    }),
  );

  connection.onFoldingRanges((params) =>
    runSafe('folding ranges', null, async () => {
      await ready;
      const current = await analysedDocument(params.textDocument.uri);
      if (!current) return null;
      const { located, analysis } = current;
      // Offsets are the server's text's; a BOM the editor hides changes no line number.
      const folds = foldingRanges(located.workspace.textOf(located.relativePath) ?? '', analysis.decoded?.entries ?? []);
      return foldingRangeLimit === undefined ? folds : folds.slice(0, foldingRangeLimit);
    }),
  );

  connection.onSelectionRanges((params) =>
    runSafe('selection ranges', null, async () => {
      await ready;
      const current = await analysedDocument(params.textDocument.uri);
      if (!current) return null;
      const { located, document, analysis, shift } = current;
      const text = located.workspace.textOf(located.relativePath) ?? '';
      const toRange = ([start, end]: readonly [number, number]) => ({ start: document.positionAt(Math.max(0, start - shift)), end: document.positionAt(Math.max(0, end - shift)) });
      return params.positions.map((position) => {
        const chain = selectionChain(text, analysis.decoded?.entries ?? [], document.offsetAt(position) + shift);
        return toSelectionRange(chain, toRange) ?? { range: { start: position, end: position } };
      });
    }),
  );

  connection.onCompletion((params) =>
    runSafe('completion', [], async () => {
      await ready;
      const document = documents.get(params.textDocument.uri);
      const located = locate(params.textDocument.uri);
      if (!document || !located) return [];
      const context = github?.context(located.workspace);
      const rootPath = located.workspace.rootPath;
      const withEnvironments = context && { ...context, environmentsOf: (name: string) => environmentService?.deployedVersions(rootPath, name) };
      return complete(document, document.offsetAt(params.position), withEnvironments ? completionSources(withEnvironments) : {});
    }),
  );

  connection.onCodeAction((params) =>
    runSafe('code actions', [], async () => {
      await ready;
      const document = documents.get(params.textDocument.uri);
      const located = locate(params.textDocument.uri);
      if (!document || !located) return [];
      const { workspace, relativePath } = located;
      const fixes = quickFixes(document, params.context.diagnostics, {
        rootUri: pathToFileURL(workspace.rootPath).toString(),
        relativePath,
        exists: (candidate) => existsSync(path.join(workspace.rootPath, candidate)),
        versionedEdits,
      });
      return [...fixes, ...(await entryCodeActions(entryDeps, params))];
    }),
  );

  connection.onRequest(RefreshGitHubRequest, () =>
    runSafe('refreshing GitHub data', undefined, async () => {
      await github?.refresh();
      await configureGitHub();
    }),
  );

  connection.onDidChangeConfiguration((params) => {
    const pushed = (params.settings as { kayron?: unknown } | null | undefined)?.kayron;
    if (!canReadConfiguration && pushed && typeof pushed === 'object') pushedSettings = pushed;
    ready = ready.then(() => runSafe('applying settings', undefined, configureGitHub));
  });

  const entryDeps: EntryServiceDeps = {
    locate,
    workspaces: () => workspaces.values(),
    github: () => github,
    ready: () => ready,
    openDocument: (uri) => documents.get(uri),
    versionedEdits: () => versionedEdits,
  };
  registerEntryHandlers(connection, entryDeps, runSafe);
  registerPromotionHandlers(connection, { ...entryDeps, git: () => gitAccess, analyzeText: (relativePath, text) => analyzeWithoutBlocking(analyzer, relativePath, text) }, runSafe);

  documents.listen(connection);
  connection.listen();
}
