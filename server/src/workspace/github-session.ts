/**
 * The GitHub side of a running server: one provider set per API URL, the owner of each releases root, and the
 * online problems of each release file (kept with the text they were computed for, so stale ranges never show).
 */
export { defaultCacheDirectory } from '../github/cache';
import { GitHubProviders } from '../github/providers';
import { normalizeApiUrl, webUrlForApi, DEFAULT_API_URL } from '../github/client';
import { resolveWorkspaceOwner } from '../github/owner';
import type { GitHubState } from '../github/status';
import type { Problem, Range } from '../kayron/problem';
import type { DecodedEntry } from '../yaml/decode';
import { onlineProblems, type GitHubContext } from '../features/github-features';
import type { ReleaseWorkspace } from './release-workspace';

export interface GitHubSettings {
  /** `kayron.github.owner`: a login or a URL; empty → inferred from the `origin` remote. */
  owner?: string | undefined;
  /** `kayron.github.apiUrl`. */
  apiUrl?: string | undefined;
}

export interface GitHubSessionOptions {
  token: string | undefined;
  cacheDirectory: string | undefined;
  networkAllowed: boolean;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

interface FileOnline {
  text: string;
  problems: Problem[];
  /** Per problem, the range in `text` of the entry it is about: problems of entries an edit left alone carry over. */
  entryRanges: Range[];
  /** The problems carried over to a newer text, the same objects while that text lasts (see carryOver). */
  carried?: { text: string; problems: Problem[] };
}

export class GitHubSession {
  private providers: GitHubProviders | undefined;
  private apiUrl = DEFAULT_API_URL;
  /**
   * The API the token was given for: the first one configured. When the setting later names another API, the token
   * stays behind (the client restarts the server with that host's token, if it has one).
   */
  private tokenApiUrl: string | undefined;
  private readonly owners = new Map<string, string | undefined>();
  private readonly online = new Map<string, FileOnline>();
  private stateListener: ((state: GitHubState) => void) | undefined;
  unverified = 0;

  constructor(private readonly options: GitHubSessionOptions) {}

  /** Applies settings; returns true when anything that affects GitHub data changed. */
  configure(settings: GitHubSettings): boolean {
    const apiUrl = normalizeApiUrl(settings.apiUrl || DEFAULT_API_URL);
    const changed = apiUrl !== this.apiUrl || !this.providers;
    if (changed) {
      this.apiUrl = apiUrl;
      this.tokenApiUrl ??= apiUrl;
      const token = apiUrl === this.tokenApiUrl ? this.options.token : undefined;
      if (this.options.token && !token)
        this.options.log(
          'warn',
          `GitHub API changed to ${apiUrl}: continuing without the token, which was given for ${this.tokenApiUrl}.`,
        );
      this.providers = new GitHubProviders({
        apiUrl,
        token,
        cacheDirectory: this.options.cacheDirectory,
        networkAllowed: this.options.networkAllowed,
        log: this.options.log,
        userAgent: 'kayron-releases',
      });
      if (this.stateListener) this.providers.status.onDidChange(this.stateListener);
      this.online.clear();
    }
    return changed;
  }

  onStateChange(listener: (state: GitHubState) => void): void {
    this.stateListener = listener;
    this.providers?.status.onDidChange(listener);
  }

  state(): GitHubState | undefined {
    return this.providers?.state();
  }

  async resolveOwner(workspace: ReleaseWorkspace, setting: string | undefined): Promise<string | undefined> {
    const resolution = await resolveWorkspaceOwner(workspace.rootPath, setting || undefined);
    const owner = resolution?.owner;
    this.owners.set(workspace.rootPath, owner);
    return owner;
  }

  context(workspace: ReleaseWorkspace): GitHubContext | undefined {
    const owner = this.owners.get(workspace.rootPath);
    if (!owner || !this.providers) return undefined;
    return { data: this.providers, owner, webUrl: webUrlForApi(this.apiUrl) };
  }

  /** Whether GitHub answers (after an outage); false without providers. */
  async probe(): Promise<boolean> {
    return (await this.providers?.probe()) ?? false;
  }

  async refresh(): Promise<void> {
    await this.providers?.refresh();
  }

  /** Recomputes the online problems of every release file of `workspace`. */
  async check(workspace: ReleaseWorkspace): Promise<void> {
    const context = this.context(workspace);
    // Files are checked concurrently, like the entries within a file: the providers cap what goes out at once.
    const counts = await Promise.all(
      workspace.orderedFiles().map(async (file) => {
        const key = `${workspace.rootPath}\0${file.relativePath}`;
        const entries = file.analysis.decoded?.entries ?? [];
        if (!context || entries.length === 0) {
          this.online.delete(key);
          return 0;
        }
        const text = file.text;
        const result = await onlineProblems(context, entries);
        this.online.set(key, { text, problems: result.problems, entryRanges: entryRangesOf(result.problems, entries) });
        return result.unverified;
      }),
    );
    this.unverified = counts.reduce((sum, count) => sum + count, 0);
  }

  /**
   * Online problems for a file: those computed for exactly this text, or, until the next check answers for it, those
   * of the entries the edits since then left untouched, moved with them (without this they blink out on every keystroke
   * and come back when typing pauses). Never a problem about an entry whose text changed.
   */
  problemsFor(workspace: ReleaseWorkspace, relativePath: string, text: string): Problem[] {
    const found = this.online.get(`${workspace.rootPath}\0${relativePath}`);
    if (!found) return [];
    if (found.text === text) return found.problems;
    if (found.carried?.text === text) return found.carried.problems;
    // The entries must be those of `text`: the workspace's analysis, when it describes this very text.
    const entries =
      workspace.textOf(relativePath) === text ? workspace.analysisOf(relativePath)?.decoded?.entries : undefined;
    const problems = entries ? carryOver(found, text, entries) : [];
    found.carried = { text, problems };
    return problems;
  }
}

/** The range of the entry each problem is about (problems come entry by entry, in entry order, inside their entry). */
function entryRangesOf(problems: readonly Problem[], entries: readonly DecodedEntry[]): Range[] {
  let index = 0;
  return problems.map((problem) => {
    while (index < entries.length && entries[index]!.range[1] < problem.range[0]) index++;
    const entry = entries[index];
    // Outside every entry (not expected): a range no entry has, so it is never carried over.
    return entry && entry.range[0] <= problem.range[0] && problem.range[1] <= entry.range[1] ? entry.range : [-1, -1];
  });
}

/**
 * The problems of `before` whose entry lies wholly before or wholly after the part of the text that changed, moved by
 * the change's length, when `entries` (of `text`) has that entry at its moved place: the same entry text, so the same
 * online answer.
 */
function carryOver(before: FileOnline, text: string, entries: readonly DecodedEntry[]): Problem[] {
  const old = before.text;
  const shorter = Math.min(old.length, text.length);
  let prefix = 0;
  while (prefix < shorter && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)
  )
    suffix++;
  const changedEnd = old.length - suffix;
  const shift = text.length - old.length;
  const endOfEntryAt = new Map(entries.map((entry) => [entry.range[0], entry.range[1]]));
  const kept: Problem[] = [];
  before.problems.forEach((problem, index) => {
    const [start, end] = before.entryRanges[index] ?? [-1, -1];
    const delta = end <= prefix ? 0 : start >= changedEnd ? shift : undefined;
    if (delta === undefined || start < 0 || endOfEntryAt.get(start + delta) !== end + delta) return;
    kept.push(delta === 0 ? problem : { ...problem, range: [problem.range[0] + delta, problem.range[1] + delta] });
  });
  return kept;
}
