/**
 * The environments of every releases root as the language server serves them: one EnvironmentModel per root,
 * production from GitHub's latest release when the GitHub session can ask (else the model's local-tag fallback),
 * release pins marked outdated where GitHub lists a newer tag of the service,
 * recomputed — debounced, never blocking — on edits, saves and git ref changes, and offered to the client as custom
 * requests (`kayron/environments`, `kayron/readFileAtRef`, `kayron/fetch`) and as inlay hints after `deploy:`.
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCodes, ResponseError, type ClientCapabilities, type Connection, type InlayHint, type InlayHintParams, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EnvironmentModel, type EnvironmentModelResult } from '../environments/environment-model';
import { GitError, GitRepository, runGit, type GitAccess } from '../environments/git';
import { workingTreeStatus } from '../environments/matrix';
import type { EnvironmentProviders, ExtraEnvironment } from '../environments/resolve';
import { environmentProvidersFromGitHub } from '../environments/github-environment';
import type { DevelopmentSource, EnvironmentSnapshot } from '../environments/snapshot';
import { environmentHints } from '../features/environment-hints';
import { serviceKeys, type EntrySource } from '../kayron/entry-model';
import { analyzeReleaseFile } from '../features/validate';
import { parseGitRemoteUrl, readOriginUrl } from '../github/owner';
import { acceptedTags, newerTags } from '../github/versions';
import {
  EnvironmentsChangedNotification,
  EnvironmentsRequest,
  FetchRequest,
  ReadFileAtRefRequest,
  type EnvironmentsChangedParams,
  type EnvironmentsParams,
  type EnvironmentsResult,
  type FetchParams,
  type FetchResult,
  type OutdatedMarker,
  type ReadFileAtRefParams,
  type ReadFileAtRefResult,
  type RootEnvironments,
} from '../protocol';
import type { GitHubSession } from './github-session';
import { locateInWorkspaces, type ReleaseWorkspace } from './release-workspace';
import { analyzeWithoutBlocking, DEFAULT_DEFER_LIMITS, type Analyzer } from './analysis-pool';

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

export type RunSafe = <T>(what: string, fallback: T, work: () => T | Promise<T>) => Promise<T>;

export interface EnvironmentServiceDeps {
  documents: TextDocuments<TextDocument>;
  /** The releases roots the server found, by root path; the server keeps the map current. */
  workspaces: ReadonlyMap<string, ReleaseWorkspace>;
  github: () => GitHubSession | undefined;
  /** Settles once the server has applied what it received so far (scans, opened documents, file events). */
  ready: () => Promise<void>;
  capabilities: ClientCapabilities;
  runSafe: RunSafe;
  /** Large release files at other refs are analysed without blocking the event loop (sliced, or on this worker). */
  analyzer: Analyzer;
  /** Whether git may run (not in Restricted Mode), and which executable. */
  git: () => GitAccess;
}

/** Shown for testing, staging and production while the folder is not trusted. */
export const RESTRICTED_MESSAGE = 'Restricted Mode: only development (the working tree) is shown; no git runs until this folder is trusted.';

export interface EnvironmentSettings {
  extraEnvironments: ExtraEnvironment[];
  hints: boolean;
}

/** `kayron.environments`: names (`"qa"`) or `{ "name": "qa", "branch": "qa-env" }`; anything else is skipped. */
export function parseExtraEnvironments(value: unknown): ExtraEnvironment[] {
  if (!Array.isArray(value)) return [];
  const result: ExtraEnvironment[] = [];
  for (const item of value as unknown[]) {
    if (typeof item === 'string' && item.trim() !== '') result.push({ name: item.trim() });
    else if (item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string' && (item as { name: string }).name.trim() !== '') {
      const { name, branch } = item as { name: string; branch?: unknown };
      result.push(typeof branch === 'string' && branch.trim() !== '' ? { name: name.trim(), branch: branch.trim() } : { name: name.trim() });
    }
  }
  return result;
}

/** `KAYRON_ENVIRONMENTS=qa,perf=perf-branch` for the standalone server, like the CLI's `--environment NAME[=BRANCH]`. */
export function parseEnvironmentList(value: string | undefined): ExtraEnvironment[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      return equals < 0 ? { name: part } : { name: part.slice(0, equals), branch: part.slice(equals + 1) };
    })
    .filter((environment) => environment.name !== '' && environment.branch !== '');
}

/** A path relative to a releases root that stays inside it. */
export function isSafeRelativePath(relativePath: string): boolean {
  if (relativePath === '' || relativePath.startsWith('/') || relativePath.includes('\\') || relativePath.includes('\0')) return false;
  return relativePath.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/**
 * fs.watch on a set of directories, each with a file-name filter; re-synced after every computation. Watchers are
 * not persistent, so they never keep the server alive, and a directory that cannot be watched is simply left out.
 */
class DirectoryWatchers {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly onEvent: () => void) {}

  sync(filters: ReadonlyMap<string, (fileName: string) => boolean>): void {
    for (const [directory, watcher] of this.watchers) {
      if (filters.has(directory)) continue;
      watcher.close();
      this.watchers.delete(directory);
    }
    for (const [directory, accepts] of filters) {
      if (this.watchers.has(directory)) continue;
      try {
        const watcher = watch(directory, { persistent: false }, (_event, fileName) => {
          // Linux names the file; where the platform does not, any change counts.
          if (fileName === null || accepts(fileName.toString())) this.onEvent();
        });
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(directory);
        });
        this.watchers.set(directory, watcher);
      } catch {
        // Missing (a refs folder not created yet) or out of watches: its parent's events still trigger a re-sync.
      }
    }
  }

  dispose(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

async function refDirectories(refsRoot: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const queue = [refsRoot];
  while (queue.length > 0 && found.length < limit) {
    const directory = queue.shift()!;
    const entries = await fs.readdir(directory, { withFileTypes: true }).catch(() => undefined);
    if (!entries) continue;
    found.push(directory);
    for (const entry of entries) if (entry.isDirectory()) queue.push(path.join(directory, entry.name));
  }
  return found;
}

interface GitHubLink {
  providers: EnvironmentProviders | undefined;
  info: RootEnvironments['github'];
  /** Identity of what production is asked from; a change means the environments are due again. */
  key: string;
}

interface RootEntry {
  rootPath: string;
  uri: string;
  model: EnvironmentModel;
  watchers: DirectoryWatchers;
  timer?: NodeJS.Timeout | undefined;
  settings?: EnvironmentSettings | undefined;
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
      for (const entry of this.roots.values()) if (entry.githubKey?.startsWith('github') || entry.asksGitHubTags) this.schedule(entry, 0);
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
        } else if (this.deps.git().allowed && (await this.githubLink(entry)).key !== entry.githubKey) {
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
    if (!isSafeRelativePath(params.path)) throw new ResponseError(ErrorCodes.InvalidParams, `not a path inside the releases root: ${params.path}`);
    if (typeof params.ref !== 'string' || params.ref === '' || params.ref.startsWith('-')) throw new ResponseError(ErrorCodes.InvalidParams, `not a ref: ${String(params.ref)}`);
    const repository = await this.repositoryOf(entry);
    const commit = await repository.revParse(params.ref);
    if (!commit) throw new ResponseError(ErrorCodes.InvalidParams, `${params.ref} does not name a commit in ${entry.rootPath}`);
    const text = await repository.readFileAtRef(commit, params.path);
    return text === undefined ? null : { text, commit };
  }

  async fetch(params: FetchParams): Promise<FetchResult> {
    await this.deps.ready();
    this.sync();
    const entry = this.rootOf(params.root);
    if (!this.deps.git().allowed || this.deps.github()?.state()?.networkAllowed === false) return { ok: false, message: 'Restricted Mode: Kayron Releases makes no network calls and runs no git in this workspace.' };
    try {
      const repository = await this.repositoryOf(entry);
      const remotes = (await repository.text(['remote'])).split('\n').map((line) => line.trim());
      if (!remotes.includes(REMOTE)) return { ok: false, message: `the repository has no ${REMOTE} remote to fetch from` };
      await runGit(['fetch', '--prune', '--tags', REMOTE], { cwd: repository.root, timeoutMs: FETCH_TIMEOUT_MS, gitPath: repository.gitPath, network: true });
    } catch (error) {
      const message = error instanceof GitError ? (error.stderr.split('\n').find((line) => /error|fatal/i.test(line)) ?? error.message) : error instanceof Error ? error.message : String(error);
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
    entry.settings ??= await this.readSettings(entry.rootPath);
    if (!entry.settings.hints) return [];
    const result = entry.model.last;
    if (!result) this.schedule(entry, 0);
    if (result?.kind !== 'ok') return [];

    const { workspace, relativePath } = located;
    // A large file may still be analysed on the worker: hints follow once its analysis matches the editor.
    await workspace.settled(relativePath);
    const text = document.getText();
    const known = workspace.textOf(relativePath);
    // The server's copy carries a BOM the editor hides; offsets shift by one then.
    const shift = known !== undefined && known !== text && known === `\ufeff${text}` ? 1 : 0;
    const current = known === text || shift === 1;
    // Analysing here is for the rare text the workspace does not track yet; never a large one on the event loop.
    if (!current && text.length >= DEFAULT_DEFER_LIMITS.wholeTextLength) return [];
    const analysis = current ? workspace.analysisOf(relativePath) : analyzeReleaseFile(relativePath, text);
    if (!analysis?.fileClass.loadedByKayron) return [];
    const sources: EntrySource[] = workspace.orderedFiles().map((file) => ({
      relativePath: file.relativePath,
      loadedByKayron: file.analysis.fileClass.loadedByKayron,
      entries: (file.relativePath === relativePath ? analysis : file.analysis).decoded?.entries ?? [],
    }));
    if (!sources.some((source) => source.relativePath === relativePath)) sources.push({ relativePath, loadedByKayron: true, entries: analysis.decoded?.entries ?? [] });
    const analysedText = known === text || shift === 1 ? (known ?? text) : text;
    // Only the entries whose `deploy:` line is in the asked range (the editor asks for what is visible): a hint per
    // entry of a 5,000-entry file on every request would cost the server and the editor for lines nobody sees.
    const from = document.offsetAt({ line: params.range.start.line, character: 0 }) + shift;
    const to = document.offsetAt({ line: params.range.end.line + 1, character: 0 }) + shift;
    const visible = (analysis.decoded?.entries ?? []).filter((entry) => entry.deploy !== undefined && entry.deploy.key[1] >= from && entry.deploy.key[0] <= to);
    const hints = environmentHints(analysedText, relativePath, visible, serviceKeys(sources), result.status.matrix);
    return hints
      .map((hint): InlayHint => ({
        position: document.positionAt(Math.max(0, hint.offset - shift)),
        label: hint.label,
        paddingLeft: true,
        tooltip: { kind: 'markdown', value: hint.tooltip },
      }))
      .filter((hint) => hint.position.line >= params.range.start.line && hint.position.line <= params.range.end.line);
  }

  /** A document of a releases root changed, was saved, opened or closed: its development column is due. */
  documentEvent(uri: string, delayMs: number): void {
    void this.deps.ready().then(() => {
      this.sync();
      const located = this.locate(uri);
      const entry = located && located.workspace.tracks(located.relativePath) ? this.roots.get(located.workspace.rootPath) : undefined;
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
      const entry: RootEntry = { rootPath, uri: pathToFileURL(rootPath).toString(), model: new EnvironmentModel(rootPath), watchers: new DirectoryWatchers(() => this.schedule(entry, EVENT_DEBOUNCE_MS)) };
      this.roots.set(rootPath, entry);
    }
    if (gone.length > 0) void this.connection.sendNotification(EnvironmentsChangedNotification, { roots: gone } satisfies EnvironmentsChangedParams);
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
    if (rereadSettings || !entry.settings) entry.settings = await this.readSettings(entry.rootPath);
    const access = this.deps.git();
    if (!access.allowed) {
      await this.computeRestricted(entry, workspace);
      return;
    }
    const link = await this.githubLink(entry);
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
    const outdated = result.kind === 'ok' ? await this.outdatedReleases(workspace, result.status.snapshots) : undefined;
    // A later computation may have finished first; only the newest result is shown.
    if (entry.model.last !== result || this.roots.get(entry.rootPath) !== entry) return;
    entry.view = toView(entry.uri, result, link, outdated);
    if (result.kind === 'unavailable' && result.reason === 'git-failed') this.connection.console.error(`environments of ${entry.rootPath}: ${result.message}`);
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
    for (const service of status.snapshots[0]?.services ?? []) services[service.key] ??= { docker: service.docker, github: service.github, provider: service.provider };
    entry.view = { root: entry.uri, state: 'restricted', message: RESTRICTED_MESSAGE, matrix: status.matrix, productionSource: 'none', services };
    await this.watch(entry, status.snapshots, false);
    this.announce(entry);
  }

  private announce(entry: RootEntry): void {
    const key = JSON.stringify(entry.view);
    if (key === entry.sentKey) return;
    entry.sentKey = key;
    void this.connection.sendNotification(EnvironmentsChangedNotification, { roots: [entry.uri] } satisfies EnvironmentsChangedParams);
    this.refreshInlayHints();
  }

  private refreshInlayHints(): void {
    if (this.deps.capabilities.workspace?.inlayHint?.refreshSupport) void this.connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  /** Watches the git files that move environments (HEAD, refs, packed-refs, FETCH_HEAD) and the release folders. */
  private async watch(entry: RootEntry, snapshots: readonly EnvironmentSnapshot[], gitAllowed: boolean): Promise<void> {
    const filters = new Map<string, (fileName: string) => boolean>();
    const add = (directory: string, accepts: (fileName: string) => boolean) => {
      const previous = filters.get(directory);
      if (filters.size < MAX_WATCHED_DIRECTORIES || previous) filters.set(directory, previous ? (name) => previous(name) || accepts(name) : accepts);
    };
    for (const target of gitAllowed ? await entry.model.refWatchTargets() : []) {
      if (target.pattern.endsWith('/**')) {
        const refsRoot = path.join(target.base, target.pattern.slice(0, -3));
        // Git writes `<ref>.lock` and renames it over the ref: the rename names the ref itself.
        for (const directory of await refDirectories(refsRoot, MAX_WATCHED_DIRECTORIES)) add(directory, (name) => !name.endsWith('.lock'));
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

  private async readSettings(rootPath: string): Promise<EnvironmentSettings> {
    if (this.deps.capabilities.workspace?.configuration) {
      const section = (await this.connection.workspace.getConfiguration({ section: 'kayron', scopeUri: pathToFileURL(rootPath).toString() })) as { environments?: unknown; environmentHints?: unknown } | null;
      return { extraEnvironments: parseExtraEnvironments(section?.environments), hints: section?.environmentHints !== false };
    }
    return { extraEnvironments: parseEnvironmentList(process.env['KAYRON_ENVIRONMENTS']), hints: process.env['KAYRON_ENVIRONMENT_HINTS'] !== 'off' };
  }

  /**
   * GitHub's side of the root: the releases repository is `<owner>/<name of origin's repository>`, the owner being the
   * one `github:` values resolve under (the setting, else origin's owner), as Kayron's release source is.
   */
  private async githubLink(entry: RootEntry): Promise<GitHubLink> {
    const workspace = this.deps.workspaces.get(entry.rootPath);
    const session = this.deps.github();
    const context = workspace ? session?.context(workspace) : undefined;
    const origin = parseGitRemoteUrl((await readOriginUrl(entry.rootPath).catch(() => undefined)) ?? '');
    const signedIn = session?.state()?.signedIn ?? false;
    const owner = context?.owner ?? origin?.owner;
    const webUrl = context?.webUrl ?? (origin ? `https://${origin.host}` : undefined);
    const repo = origin?.repo;
    const info = owner && webUrl ? { webUrl, owner, repo, signedIn, connected: context !== undefined && repo !== undefined } : undefined;
    if (!context || !repo) return { providers: undefined, info, key: `local|${owner ?? ''}|${repo ?? ''}` };
    const providers = environmentProvidersFromGitHub(context.data, context.owner, repo, () => session?.state()?.signedIn ?? false);
    return { providers, info, key: `github|${context.owner}|${repo}|${signedIn}` };
  }

  /**
   * Release pins with a newer stable tag in the service's repository, by row key and environment. Only a tag list
   * GitHub returned counts (stale is fine: newer tags only get added); without one the pin is simply not marked.
   */
  private async outdatedReleases(workspace: ReleaseWorkspace, snapshots: readonly EnvironmentSnapshot[]): Promise<RootEnvironments['outdated']> {
    const context = this.deps.github()?.context(workspace);
    if (!context) return undefined;
    const pins = snapshots.flatMap((snapshot) =>
      snapshot.error ? [] : snapshot.services.filter((service) => service.strategy.kind === 'release' && service.strategy.value !== '' && service.github !== '').map((service) => ({ environment: snapshot.environment.name, key: service.key, github: service.github, tag: service.strategy.value })),
    );
    const repositories = [...new Set(pins.map((pin) => pin.github))];
    const tagsByRepository = new Map(
      await Promise.all(
        repositories.map(async (github) => {
          const listed = await context.data.listTags(context.owner, github, { allowStale: true });
          return [github, listed.kind === 'fetched' ? acceptedTags(listed.value.map((tag) => tag.name)) : undefined] as const;
        }),
      ),
    );
    const outdated: NonNullable<RootEnvironments['outdated']> = {};
    for (const pin of pins) {
      const tags = tagsByRepository.get(pin.github);
      const newest = tags ? newerTags(pin.tag, tags)[0] : undefined;
      if (newest) (outdated[pin.key] ??= {})[pin.environment] = { latest: newest.name } satisfies OutdatedMarker;
    }
    return Object.keys(outdated).length > 0 ? outdated : undefined;
  }

  private rootOf(uri: string): RootEntry {
    let rootPath: string;
    try {
      rootPath = fileURLToPath(uri);
    } catch {
      throw new ResponseError(ErrorCodes.InvalidParams, `not a file URI: ${uri}`);
    }
    const entry = this.roots.get(rootPath) ?? this.roots.get(path.resolve(rootPath));
    if (!entry) throw new ResponseError(ErrorCodes.InvalidParams, `${rootPath} is not a releases root of this workspace`);
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
  const overrides = new Map(open.map((file) => [file.relativePath, workspace.latestTextOf(file.relativePath) ?? file.text]));
  // Where the workspace's analysis is of that newest text, it serves as is: typing in a large file costs one
  // incremental analysis, not a second whole parse (plus its transfer from the worker) per typing pause.
  const prepared = new Map(open.filter((file) => !workspace.isPending(file.relativePath)).map((file) => [file.relativePath, file.analysis]));
  return { overrides, prepared };
}

function computingView(uri: string): RootEnvironments {
  return { root: uri, state: 'computing', productionSource: 'none' };
}

function toView(uri: string, result: EnvironmentModelResult, link: GitHubLink, outdated: RootEnvironments['outdated']): RootEnvironments {
  const github = link.info ? { github: link.info } : {};
  if (result.kind === 'unavailable') return { root: uri, state: result.reason, message: result.message, productionSource: 'none', ...github };
  const production = result.status.matrix.environments.find((environment) => environment.kind === 'production');
  const productionSource = production?.fallback ? 'local-tag' : production?.tag ? 'github' : 'none';
  const services: NonNullable<RootEnvironments['services']> = {};
  for (const snapshot of result.status.snapshots) {
    for (const service of snapshot.services) services[service.key] ??= { docker: service.docker, github: service.github, provider: service.provider };
  }
  return { root: uri, state: 'ok', matrix: result.status.matrix, productionSource, services, ...github, ...(outdated ? { outdated } : {}) };
}

/** Wires the environment service to the connection: custom requests, inlay hints, and document events. */
export function registerEnvironmentHandlers(connection: Connection, deps: EnvironmentServiceDeps): EnvironmentService {
  const service = new EnvironmentService(connection, deps);
  connection.onRequest(EnvironmentsRequest, (params: EnvironmentsParams | null) => deps.runSafe('answering kayron/environments', { roots: [] }, () => service.environments(params ?? {})));
  // Errors here are answers (a bad ref, a missing root): they go back to the client, which shows them; git failures are logged too.
  connection.onRequest(ReadFileAtRefRequest, (params: ReadFileAtRefParams) =>
    service.readFileAtRef(params).catch((error: unknown) => {
      if (error instanceof ResponseError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      connection.console.error(`reading ${params.path} at ${params.ref} failed: ${message}`);
      throw new ResponseError(ErrorCodes.InternalError, message);
    }),
  );
  connection.onRequest(FetchRequest, (params: FetchParams) => deps.runSafe('fetching', { ok: false, message: 'the fetch failed; see the Kayron Releases output' }, () => service.fetch(params)));
  connection.languages.inlayHint.on((params) => deps.runSafe('inlay hints', [], () => service.inlayHints(params)));
  deps.documents.onDidChangeContent((event) => service.documentEvent(event.document.uri, EDIT_DEBOUNCE_MS));
  deps.documents.onDidSave((event) => service.documentEvent(event.document.uri, EVENT_DEBOUNCE_MS));
  deps.documents.onDidClose((event) => service.documentEvent(event.document.uri, EVENT_DEBOUNCE_MS));
  return service;
}
