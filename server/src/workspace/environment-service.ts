/**
 * The environments of every releases root as the language server serves them: one EnvironmentModel per root,
 * production from GitHub's latest release when the GitHub session can ask (else the model's local-tag fallback),
 * release pins marked outdated where GitHub lists a newer tag of the service,
 * recomputed — debounced, never blocking — on edits, saves and git ref changes, and offered to the client as custom
 * requests (`kayron/environments`, `kayron/readFileAtRef`, `kayron/fetch`) and as inlay hints after `deploy:`.
 * Beside it: the directory watchers, production's provider (environment-providers.ts), the outdated pins, the inlay
 * hints, and the handler registration (environment-handlers.ts).
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type {
  ClientCapabilities,
  Connection,
  InlayHint,
  InlayHintParams,
  TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EnvironmentModel, type EnvironmentModelResult } from '../environments/environment-model';
import { GitError, GitRepository, runGit, type GitAccess } from '../environments/git';
import { workingTreeStatus } from '../environments/matrix';
import type { DevelopmentSource, EnvironmentSnapshot } from '../environments/snapshot';
import type { RunSafe } from '../lsp/run-safe';
import type { KayronSettings, SettingsReader } from '../lsp/settings';
import {
  EnvironmentsChangedNotification,
  type EnvironmentsChangedParams,
  type EnvironmentsParams,
  type EnvironmentsResult,
  type FetchParams,
  type FetchResult,
  type ReadFileAtRefParams,
  type ReadFileAtRefResult,
  type RootEnvironments,
} from '../protocol';
import { analyzeWithoutBlocking, type Analyzer } from './analysis-pool';
import { DirectoryWatchers, refDirectories } from './directory-watchers';
import { environmentInlayHints } from './environment-inlay-hints';
import { githubLink, type GitHubLink } from './environment-providers';
import type { GitHubSession } from './github-session';
import { outdatedReleases } from './outdated-pins';
import { locateInWorkspaces, type ReleaseWorkspace } from './release-workspace';

/** Typing pauses this long before the development column is recomputed. */
export const EDIT_DEBOUNCE_MS = 500;
/** Saves, ref moves and file writes come in bursts (a checkout, a fetch): one computation per burst. */
export const EVENT_DEBOUNCE_MS = 200;
/** GitHub's latest release and the services' tags can change without any local event; their cache lives 5 minutes. */
const GITHUB_RECHECK_MS = 5 * 60_000;
const FETCH_TIMEOUT_MS = 120_000;
/** A repository with thousands of ref folders is watched partly rather than exhausting inotify watches. */
const MAX_WATCHED_DIRECTORIES = 256;
const REMOTE = 'origin';

export interface EnvironmentServiceDeps {
  documents: TextDocuments<TextDocument>;
  /** The releases roots the server found, by root path; the server keeps the map current. */
  workspaces: ReadonlyMap<string, ReleaseWorkspace>;
  github: () => GitHubSession | undefined;
  /** Settles once the server has applied what it received so far (scans, opened documents, file events). */
  ready: () => Promise<void>;
  capabilities: ClientCapabilities;
  /** The `kayron.*` settings (extra environments, whether hints show). */
  settings: SettingsReader;
  runSafe: RunSafe;
  /** Large release files at other refs are analysed without blocking the event loop (sliced, or on this worker). */
  analyzer: Analyzer;
  /** Whether git may run (not in Restricted Mode), and which executable. */
  git: () => GitAccess;
}

/** Shown for testing, staging and production while the folder is not trusted. */
export const RESTRICTED_MESSAGE =
  'Restricted Mode: only development (the working tree) is shown; no git runs until this folder is trusted.';

/** A path relative to a releases root that stays inside it. */
export function isSafeRelativePath(relativePath: string): boolean {
  if (relativePath === '' || relativePath.startsWith('/') || relativePath.includes('\\') || relativePath.includes('\0'))
    return false;
  return relativePath.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

interface RootEntry {
  rootPath: string;
  uri: string;
  model: EnvironmentModel;
  watchers: DirectoryWatchers;
  timer?: NodeJS.Timeout | undefined;
  settings?: KayronSettings | undefined;
  view?: RootEnvironments | undefined;
  /** JSON of the last view the client was told about. */
  sentKey?: string | undefined;
  githubKey?: string | undefined;
  /** The last computation asked GitHub for the services' tags (new releases appear without any local event). */
  asksGitHubTags?: boolean | undefined;
  repository?: GitRepository | undefined;
  /** The newest Restricted Mode computation (only its result is shown). */
  restricted?: Promise<unknown> | undefined;
}

export class EnvironmentService {
  private readonly roots = new Map<string, RootEntry>();
  private readonly recheck: NodeJS.Timeout;

  constructor(
    private readonly connection: Connection,
    private readonly deps: EnvironmentServiceDeps,
  ) {
    this.recheck = setInterval(() => {
      for (const entry of this.roots.values())
        if (entry.githubKey?.startsWith('github') || entry.asksGitHubTags) this.schedule(entry, 0);
    }, GITHUB_RECHECK_MS);
    this.recheck.unref();
  }

  /** Answers `kayron/environments`: the last computation per root, computing first where there is none (or on refresh). */
  async environments(params: EnvironmentsParams): Promise<EnvironmentsResult> {
    await this.deps.ready();
    this.sync();
    const entries = [...this.roots.values()];
    await Promise.all(
      entries.map(async (entry) => {
        if (params.refresh || !entry.view) {
          await this.compute(entry, params.refresh === true);
          // A refresh follows a settings change, which may switch the hints off or on.
          if (params.refresh) this.refreshInlayHints();
        } else if (this.deps.git().allowed && (await this.linkOf(entry)).key !== entry.githubKey) {
          this.schedule(entry, 0);
        }
      }),
    );
    return { roots: entries.map((entry) => entry.view ?? computingView(entry.uri)) };
  }

  /** What each environment (but development) pins for a service, from the last computation: markers in completion. */
  deployedVersions(rootPath: string, key: string): Record<string, string> | undefined {
    const entry = [...this.roots.values()].find((candidate) => candidate.rootPath === rootPath);
    const matrix = entry?.view?.matrix;
    const row = matrix?.rows.find((candidate) => candidate.key === key);
    if (!matrix || !row) return undefined;
    const versions: Record<string, string> = {};
    for (const environment of matrix.environments) {
      const cell = row.cells[environment.name];
      if (environment.workingTree || cell?.strategy?.kind !== 'release' || !cell.strategy.value) continue;
      versions[environment.name] = cell.strategy.value;
    }
    return versions;
  }

  async readFileAtRef(params: ReadFileAtRefParams): Promise<ReadFileAtRefResult> {
    await this.deps.ready();
    this.sync();
    const entry = this.rootOf(params.root);
    if (!isSafeRelativePath(params.path))
      throw new ResponseError(ErrorCodes.InvalidParams, `not a path inside the releases root: ${params.path}`);
    if (typeof params.ref !== 'string' || params.ref === '' || params.ref.startsWith('-'))
      throw new ResponseError(ErrorCodes.InvalidParams, `not a ref: ${String(params.ref)}`);
    const repository = await this.repositoryOf(entry);
    const commit = await repository.revParse(params.ref);
    if (!commit)
      throw new ResponseError(ErrorCodes.InvalidParams, `${params.ref} does not name a commit in ${entry.rootPath}`);
    const text = await repository.readFileAtRef(commit, params.path);
    return text === undefined ? null : { text, commit };
  }

  async fetch(params: FetchParams): Promise<FetchResult> {
    await this.deps.ready();
    this.sync();
    const entry = this.rootOf(params.root);
    if (!this.deps.git().allowed || this.deps.github()?.state()?.networkAllowed === false)
      return {
        ok: false,
        message: 'Restricted Mode: Kayron Releases makes no network calls and runs no git in this workspace.',
      };
    try {
      const repository = await this.repositoryOf(entry);
      const remotes = (await repository.text(['remote'])).split('\n').map((line) => line.trim());
      if (!remotes.includes(REMOTE))
        return { ok: false, message: `the repository has no ${REMOTE} remote to fetch from` };
      await runGit(['fetch', '--prune', '--tags', REMOTE], {
        cwd: repository.root,
        timeoutMs: FETCH_TIMEOUT_MS,
        gitPath: repository.gitPath,
        network: true,
      });
    } catch (error) {
      const message =
        error instanceof GitError
          ? (error.stderr.split('\n').find((line) => /error|fatal/i.test(line)) ?? error.message)
          : error instanceof Error
            ? error.message
            : String(error);
      return { ok: false, message };
    }
    await this.compute(entry, false);
    return { ok: true, message: `fetched ${REMOTE}` };
  }

  async inlayHints(params: InlayHintParams): Promise<InlayHint[]> {
    await this.deps.ready();
    const document = this.deps.documents.get(params.textDocument.uri);
    const located = this.locate(params.textDocument.uri);
    if (!document || !located) return [];
    this.sync();
    const entry = this.roots.get(located.workspace.rootPath);
    if (!entry) return [];
    entry.settings ??= await this.deps.settings.read(entry.rootPath);
    if (!entry.settings.environmentHints) return [];
    const result = entry.model.last;
    if (!result) this.schedule(entry, 0);
    if (result?.kind !== 'ok') return [];

    return environmentInlayHints(document, located, result.status.matrix, params.range);
  }

  /** A document of a releases root changed, was saved, opened or closed: its development column is due. */
  documentEvent(uri: string, delayMs: number): void {
    void this.deps.ready().then(() => {
      this.sync();
      const located = this.locate(uri);
      const entry =
        located && located.workspace.tracks(located.relativePath)
          ? this.roots.get(located.workspace.rootPath)
          : undefined;
      if (entry) this.schedule(entry, delayMs);
    });
  }

  dispose(): void {
    clearInterval(this.recheck);
    for (const entry of this.roots.values()) this.disposeEntry(entry);
    this.roots.clear();
  }

  /** Follows the server's roots: a model per root, dropped with the root. */
  private sync(): void {
    const gone: string[] = [];
    for (const [rootPath, entry] of this.roots) {
      if (this.deps.workspaces.has(rootPath)) continue;
      this.disposeEntry(entry);
      this.roots.delete(rootPath);
      gone.push(entry.uri);
    }
    for (const rootPath of this.deps.workspaces.keys()) {
      if (this.roots.has(rootPath)) continue;
      const entry: RootEntry = {
        rootPath,
        uri: pathToFileURL(rootPath).toString(),
        model: new EnvironmentModel(rootPath),
        watchers: new DirectoryWatchers(() => this.schedule(entry, EVENT_DEBOUNCE_MS)),
      };
      this.roots.set(rootPath, entry);
    }
    if (gone.length > 0)
      void this.connection.sendNotification(EnvironmentsChangedNotification, {
        roots: gone,
      } satisfies EnvironmentsChangedParams);
  }

  private disposeEntry(entry: RootEntry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.watchers.dispose();
  }

  private schedule(entry: RootEntry, delayMs: number): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void this.deps.runSafe('computing environments', undefined, () => this.compute(entry, false));
    }, delayMs);
    entry.timer.unref();
  }

  private async compute(entry: RootEntry, rereadSettings: boolean): Promise<void> {
    await this.deps.ready();
    const workspace = this.deps.workspaces.get(entry.rootPath);
    if (!workspace || this.roots.get(entry.rootPath) !== entry) return;
    if (rereadSettings || !entry.settings) entry.settings = await this.deps.settings.read(entry.rootPath);
    const access = this.deps.git();
    if (!access.allowed) {
      await this.computeRestricted(entry, workspace);
      return;
    }
    const link = await this.linkOf(entry);
    entry.githubKey = link.key;
    entry.model.setOptions({
      gitPath: access.path,
      ...(link.providers ? { providers: link.providers } : {}),
      extraEnvironments: entry.settings.extraEnvironments,
      development: () => developmentSource(workspace),
      analyze: (relativePath, text) => analyzeWithoutBlocking(this.deps.analyzer, relativePath, text),
    });
    const result = await entry.model.compute();
    entry.asksGitHubTags = result.kind === 'ok' && this.deps.github()?.context(workspace) !== undefined;
    const outdated =
      result.kind === 'ok'
        ? await outdatedReleases(this.deps.github()?.context(workspace), result.status.snapshots)
        : undefined;
    // A later computation may have finished first; only the newest result is shown.
    if (entry.model.last !== result || this.roots.get(entry.rootPath) !== entry) return;
    entry.view = toView(entry.uri, result, link, outdated);
    if (result.kind === 'unavailable' && result.reason === 'git-failed')
      this.connection.console.error(`environments of ${entry.rootPath}: ${result.message}`);
    await this.watch(entry, result.kind === 'ok' ? result.status.snapshots : [], true);
    this.announce(entry);
  }

  /** Restricted Mode: development from the working tree, and no git at all (no repository opened, no refs watched). */
  private async computeRestricted(entry: RootEntry, workspace: ReleaseWorkspace): Promise<void> {
    const computation = (entry.restricted = workingTreeStatus(entry.rootPath, {
      development: developmentSource(workspace),
      analyze: (relativePath, text) => analyzeWithoutBlocking(this.deps.analyzer, relativePath, text),
    }));
    const status = await computation;
    if (entry.restricted !== computation || this.roots.get(entry.rootPath) !== entry) return;
    const services: NonNullable<RootEnvironments['services']> = {};
    for (const service of status.snapshots[0]?.services ?? [])
      services[service.key] ??= { docker: service.docker, github: service.github, provider: service.provider };
    entry.view = {
      root: entry.uri,
      state: 'restricted',
      message: RESTRICTED_MESSAGE,
      matrix: status.matrix,
      productionSource: 'none',
      services,
    };
    await this.watch(entry, status.snapshots, false);
    this.announce(entry);
  }

  private announce(entry: RootEntry): void {
    const key = JSON.stringify(entry.view);
    if (key === entry.sentKey) return;
    entry.sentKey = key;
    void this.connection.sendNotification(EnvironmentsChangedNotification, {
      roots: [entry.uri],
    } satisfies EnvironmentsChangedParams);
    this.refreshInlayHints();
  }

  private refreshInlayHints(): void {
    if (this.deps.capabilities.workspace?.inlayHint?.refreshSupport)
      void this.connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  /** Watches the git files that move environments (HEAD, refs, packed-refs, FETCH_HEAD) and the release folders. */
  private async watch(entry: RootEntry, snapshots: readonly EnvironmentSnapshot[], gitAllowed: boolean): Promise<void> {
    const filters = new Map<string, (fileName: string) => boolean>();
    const add = (directory: string, accepts: (fileName: string) => boolean) => {
      const previous = filters.get(directory);
      if (filters.size < MAX_WATCHED_DIRECTORIES || previous)
        filters.set(directory, previous ? (name) => previous(name) || accepts(name) : accepts);
    };
    for (const target of gitAllowed ? await entry.model.refWatchTargets() : []) {
      if (target.pattern.endsWith('/**')) {
        const refsRoot = path.join(target.base, target.pattern.slice(0, -3));
        // Git writes `<ref>.lock` and renames it over the ref: the rename names the ref itself.
        for (const directory of await refDirectories(refsRoot, MAX_WATCHED_DIRECTORIES))
          add(directory, (name) => !name.endsWith('.lock'));
      } else {
        add(target.base, (name) => name === target.pattern);
      }
    }
    // New release folders appear in the root; temp and dot files (`.git`, swap files) do not matter.
    const releaseName = (name: string) => name.endsWith('.yaml') || !name.includes('.');
    add(entry.rootPath, releaseName);
    {
      const development = snapshots.find((snapshot) => snapshot.environment.workingTree);
      for (const file of development?.files ?? []) {
        let directory = path.dirname(path.join(entry.rootPath, ...file.path.split('/')));
        while (directory.startsWith(entry.rootPath) && directory !== entry.rootPath) {
          add(directory, releaseName);
          directory = path.dirname(directory);
        }
      }
    }
    entry.watchers.sync(filters);
  }

  private linkOf(entry: RootEntry): Promise<GitHubLink> {
    return githubLink(entry.rootPath, this.deps.workspaces.get(entry.rootPath), this.deps.github());
  }

  private rootOf(uri: string): RootEntry {
    let rootPath: string;
    try {
      rootPath = fileURLToPath(uri);
    } catch {
      throw new ResponseError(ErrorCodes.InvalidParams, `not a file URI: ${uri}`);
    }
    const entry = this.roots.get(rootPath) ?? this.roots.get(path.resolve(rootPath));
    if (!entry)
      throw new ResponseError(ErrorCodes.InvalidParams, `${rootPath} is not a releases root of this workspace`);
    return entry;
  }

  private async repositoryOf(entry: RootEntry): Promise<GitRepository> {
    const access = this.deps.git();
    if (!access.allowed) throw new ResponseError(ErrorCodes.InvalidRequest, RESTRICTED_MESSAGE);
    if (entry.repository?.gitPath !== access.path) {
      entry.repository = await GitRepository.open(entry.rootPath, { gitPath: access.path }).catch((error: unknown) => {
        throw new ResponseError(ErrorCodes.InvalidRequest, error instanceof Error ? error.message : String(error));
      });
    }
    return entry.repository;
  }

  private locate(uri: string): { workspace: ReleaseWorkspace; relativePath: string } | undefined {
    return locateInWorkspaces(this.deps.workspaces.values(), uri);
  }
}

/**
 * Development is the working tree read from disk (fresh after a checkout, whatever order file events arrive in; the
 * snapshot cache skips unchanged blobs) with the text of every open editor in place of its file.
 */
export function developmentSource(workspace: ReleaseWorkspace): DevelopmentSource {
  const open = workspace.orderedFiles().filter((file) => file.open);
  // The newest text: a large file's own analysis may still be running (environments analyse it themselves).
  const overrides = new Map(
    open.map((file) => [file.relativePath, workspace.latestTextOf(file.relativePath) ?? file.text]),
  );
  // Where the workspace's analysis is of that newest text, it serves as is: typing in a large file costs one
  // incremental analysis, not a second whole parse (plus its transfer from the worker) per typing pause.
  const prepared = new Map(
    open.filter((file) => !workspace.isPending(file.relativePath)).map((file) => [file.relativePath, file.analysis]),
  );
  return { overrides, prepared };
}

function computingView(uri: string): RootEnvironments {
  return { root: uri, state: 'computing', productionSource: 'none' };
}

function toView(
  uri: string,
  result: EnvironmentModelResult,
  link: GitHubLink,
  outdated: RootEnvironments['outdated'],
): RootEnvironments {
  const github = link.info ? { github: link.info } : {};
  if (result.kind === 'unavailable')
    return { root: uri, state: result.reason, message: result.message, productionSource: 'none', ...github };
  const production = result.status.matrix.environments.find((environment) => environment.kind === 'production');
  const productionSource = production?.fallback ? 'local-tag' : production?.tag ? 'github' : 'none';
  const services: NonNullable<RootEnvironments['services']> = {};
  for (const snapshot of result.status.snapshots) {
    for (const service of snapshot.services)
      services[service.key] ??= { docker: service.docker, github: service.github, provider: service.provider };
  }
  return {
    root: uri,
    state: 'ok',
    matrix: result.status.matrix,
    productionSource,
    services,
    ...github,
    ...(outdated ? { outdated } : {}),
  };
}
