/**
 * GitHub data for features: tags, releases, branches, open pull requests, repositories of the owner — each cached
 * (cache.ts), each returning a GitHubResult that keeps "fetched" apart from "unknown", plus existence checks for
 * diagnostics that answer `missing` only after GitHub really said so. Features depend on the GitHubData interface,
 * so their unit tests can pass a fake.
 */
import { GitHubCache, type CacheEntry, type CacheLoad, type LoadOptions } from './cache';
import {
  GitHubClient,
  GitHubFailure,
  MAX_PER_PAGE,
  type GitHubClientOptions,
  type GitHubLog,
  type PageResponse,
} from './client';
import { GitHubStatus, type GitHubFailureReason, type GitHubState } from './status';
import type {
  BranchCatalog,
  Existence,
  GitHubBranch,
  GitHubPullRequest,
  GitHubRelease,
  GitHubRepository,
  GitHubResult,
  GitHubTag,
  GitHubTree,
} from './types';

/** Files read through the contents API beyond this are refused (templates are a few kilobytes). */
const MAX_FILE_BYTES = 1024 * 1024;
/** Release notes beyond this are cut: hovers show an excerpt and the cache stays small. */
const MAX_RELEASE_BODY = 4000;
/** A "not in the list" verdict older than this is re-confirmed with a (conditional) request first. */
export const DEFAULT_MISS_RECHECK_MS = 60_000;
/** The longest a release list is taken as current because its tag list did not change (see listReleases). */
export const RELEASES_TTL_MS = 60 * 60_000;

/** What completion, hover and diagnostics need; implemented by GitHubProviders, faked in feature tests. */
export interface GitHubData {
  state(): GitHubState;
  listTags(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubTag[]>>;
  listReleases(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubRelease[]>>;
  getReleaseByTag(
    owner: string,
    repo: string,
    tag: string,
    options?: LoadOptions,
  ): Promise<GitHubResult<GitHubRelease>>;
  latestRelease(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubRelease>>;
  listBranches(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubBranch[]>>;
  branchCatalog(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<BranchCatalog>>;
  listOpenPullRequests(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubPullRequest[]>>;
  getBranch(owner: string, repo: string, branch: string, options?: LoadOptions): Promise<GitHubResult<GitHubBranch>>;
  getTree(owner: string, repo: string, ref: string, options?: LoadOptions): Promise<GitHubResult<GitHubTree>>;
  getFileText(
    owner: string,
    repo: string,
    filePath: string,
    ref: string,
    options?: LoadOptions,
  ): Promise<GitHubResult<string>>;
  getRepository(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubRepository>>;
  listOwnerRepositories(owner: string, options?: LoadOptions): Promise<GitHubResult<GitHubRepository[]>>;
  checkTag(owner: string, repo: string, tag: string): Promise<Existence<GitHubTag>>;
  checkBranch(owner: string, repo: string, branch: string): Promise<Existence<GitHubBranch>>;
  checkRepository(owner: string, repo: string): Promise<Existence<GitHubRepository>>;
  checkReleaseEntry(owner: string, repo: string, tag: string): Promise<EntryCheck<GitHubTag>>;
  checkBranchEntry(owner: string, repo: string, branch: string): Promise<EntryCheck<GitHubBranch>>;
}

/** What diagnostics need for one entry: does the repository exist, does the tag/branch, and the tag list if fetched. */
export interface EntryCheck<T> {
  /** `found` with an undefined value when the item's list proved the repository exists without fetching it. */
  repository: Existence<GitHubRepository | undefined>;
  item: Existence<T>;
  /** The fetched tag list (for `release-outdated`); undefined when not fetched or for branches. */
  tags: GitHubTag[] | undefined;
}

export interface GitHubProvidersOptions extends GitHubClientOptions {
  /** Directory for the JSON cache (VS Code global storage, or the user cache dir); memory only when absent. */
  cacheDirectory?: string;
  ttlMs?: number;
  maxConcurrent?: number;
  /** Pages per list at most; a longer list is served but marked truncated. */
  maxPages?: number;
  missRecheckMs?: number;
  /** False in an untrusted workspace: only cached data is served. */
  networkAllowed?: boolean;
  /** Shared clock for TTLs, backoff and the state (tests inject one). */
  now?: () => number;
  offlineBackoffMs?: number;
}

export class GitHubProviders implements GitHubData {
  readonly client: GitHubClient;
  readonly cache: GitHubCache;
  readonly status: GitHubStatus;
  private readonly now: () => number;
  private readonly missRecheckMs: number;

  constructor(options: GitHubProvidersOptions = {}) {
    this.now = options.now ?? Date.now;
    const log: GitHubLog = options.log ?? (() => undefined);
    this.status =
      options.status ??
      new GitHubStatus({
        now: this.now,
        ...(options.offlineBackoffMs === undefined ? {} : { offlineBackoffMs: options.offlineBackoffMs }),
      });
    this.status.setNetworkAllowed(options.networkAllowed ?? true);
    this.client = new GitHubClient({ ...options, status: this.status, log });
    this.cache = new GitHubCache({
      directory: options.cacheDirectory,
      ttlMs: options.ttlMs,
      maxConcurrent: options.maxConcurrent,
      maxPages: options.maxPages,
      now: this.now,
      log,
    });
    this.missRecheckMs = options.missRecheckMs ?? DEFAULT_MISS_RECHECK_MS;
  }

  state(): GitHubState {
    return this.status.snapshot();
  }

  /** Sign in, switch accounts, or sign out (undefined). Cached data is kept but revalidated, since visibility may differ. */
  async setToken(token: string | undefined): Promise<void> {
    if (this.client.setToken(token)) await this.cache.expire(this.client.apiUrl);
  }

  setNetworkAllowed(allowed: boolean): void {
    this.status.setNetworkAllowed(allowed);
  }

  /** Manual refresh: retry the network now, and revalidate everything (or one repository) on next use. */
  async refresh(scope?: { owner: string; repo?: string }): Promise<void> {
    this.status.retryNow();
    this.status.forgetServed();
    const prefix =
      scope === undefined
        ? this.client.apiUrl
        : scope.repo === undefined
          ? `${this.client.apiUrl}|${scope.owner.toLowerCase()}/`
          : `${this.client.apiUrl}|${scope.owner.toLowerCase()}/${scope.repo.toLowerCase()}|`;
    await this.cache.expire(prefix);
  }

  /**
   * Asks GitHub whether it answers again (`GET /rate_limit`, which GitHub does not count against the limit), so an
   * offline status clears when GitHub is back rather than at the next edit. Returns whether GitHub answered.
   */
  async probe(): Promise<boolean> {
    try {
      await this.client.get('GET /rate_limit', {});
      return true;
    } catch {
      return false;
    }
  }

  /** Resolves when background revalidations have finished (shutdown, tests). */
  settled(): Promise<void> {
    return this.cache.settled();
  }

  listTags(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubTag[]>> {
    return this.list(
      this.repoKey(owner, repo, 'tags'),
      'GET /repos/{owner}/{repo}/tags',
      { owner, repo },
      mapTag,
      options,
    );
  }

  /**
   * Releases follow tags: publishing one adds a tag, so while the tag list has not changed since the releases were
   * fetched they are taken as current, for up to RELEASES_TTL_MS (edited notes show within that, or at once after
   * "Refresh GitHub data"). Completion then costs one conditional request per repository after the TTL, not two.
   */
  listReleases(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubRelease[]>> {
    const tagsKey = this.repoKey(owner, repo, 'tags');
    const stillFresh = async (releases: CacheEntry): Promise<boolean> => {
      if (releases.expired === true || this.now() - releases.fetchedAt >= RELEASES_TTL_MS) return false;
      const tags = await this.cache.cached(tagsKey);
      return tags !== undefined && GitHubCache.changedAt(tags) <= releases.fetchedAt;
    };
    return this.list(
      this.repoKey(owner, repo, 'releases'),
      'GET /repos/{owner}/{repo}/releases',
      { owner, repo },
      mapRelease,
      { stillFresh, ...options },
    );
  }

  /** One release without paging through all of them (hover on a pinned tag). */
  getReleaseByTag(
    owner: string,
    repo: string,
    tag: string,
    options?: LoadOptions,
  ): Promise<GitHubResult<GitHubRelease>> {
    return this.item(
      this.repoKey(owner, repo, `release-tag:${tag}`),
      'GET /repos/{owner}/{repo}/releases/tags/{tag}',
      { owner, repo, tag },
      mapRelease,
      options,
    );
  }

  /** GitHub's "latest release": what Kayron runs in production (kayron-spec §4.1); 404 when there is none. */
  latestRelease(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubRelease>> {
    return this.item(
      this.repoKey(owner, repo, 'release-latest'),
      'GET /repos/{owner}/{repo}/releases/latest',
      { owner, repo },
      mapRelease,
      options,
    );
  }

  listBranches(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubBranch[]>> {
    return this.list(
      this.repoKey(owner, repo, 'branches'),
      'GET /repos/{owner}/{repo}/branches',
      { owner, repo },
      mapBranch,
      options,
    );
  }

  /** One branch through GitHub's branch API (what Kayron's GetBranch asks): its head commit; 404 when it does not exist. */
  getBranch(owner: string, repo: string, branch: string, options?: LoadOptions): Promise<GitHubResult<GitHubBranch>> {
    return this.item(
      this.repoKey(owner, repo, `branch:${branch}`),
      'GET /repos/{owner}/{repo}/branches/{branch}',
      { owner, repo, branch },
      mapBranch,
      options,
    );
  }

  /** Every file path of the repository at `ref` (a branch, tag or SHA), as Kayron reads templates (Tree API). */
  getTree(owner: string, repo: string, ref: string, options?: LoadOptions): Promise<GitHubResult<GitHubTree>> {
    return this.item(
      this.repoKey(owner, repo, `tree:${ref}`),
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
      { owner, repo, tree_sha: ref, recursive: 1 },
      mapTree,
      options,
    );
  }

  /** A file's text at `ref` (contents API); 404 when the file (or the ref) does not exist. */
  getFileText(
    owner: string,
    repo: string,
    filePath: string,
    ref: string,
    options?: LoadOptions,
  ): Promise<GitHubResult<string>> {
    return this.item(
      this.repoKey(owner, repo, `file:${ref}:${filePath}`),
      'GET /repos/{owner}/{repo}/contents/{path}',
      { owner, repo, path: filePath, ref },
      mapFileText,
      options,
    );
  }

  listOpenPullRequests(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubPullRequest[]>> {
    const fullName = `${owner}/${repo}`.toLowerCase();
    return this.list(
      this.repoKey(owner, repo, 'pulls-open'),
      'GET /repos/{owner}/{repo}/pulls',
      { owner, repo, state: 'open' },
      (raw) => mapPullRequest(raw, fullName),
      options,
    );
  }

  getRepository(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<GitHubRepository>> {
    return this.item(
      this.repoKey(owner, repo, 'repo'),
      'GET /repos/{owner}/{repo}',
      { owner, repo },
      mapRepository,
      options,
    );
  }

  /** Branches plus the default branch and open pull requests by head branch; fetched when the branch list is. */
  async branchCatalog(owner: string, repo: string, options?: LoadOptions): Promise<GitHubResult<BranchCatalog>> {
    const [branches, repository, pulls] = await Promise.all([
      this.listBranches(owner, repo, options),
      this.getRepository(owner, repo, options),
      this.listOpenPullRequests(owner, repo, options),
    ]);
    const defaultBranch = repository.kind === 'fetched' ? repository.value.defaultBranch : undefined;
    const pullRequestsByBranch = pulls.kind === 'fetched' ? groupByHead(pulls.value) : undefined;
    const catalog = (value: GitHubBranch[]): BranchCatalog => ({
      branches: value,
      defaultBranch,
      pullRequestsByBranch,
    });
    if (branches.kind === 'fetched') return { ...branches, value: catalog(branches.value) };
    if (branches.kind === 'not-found') return branches;
    return {
      ...branches,
      cached: branches.cached && { value: catalog(branches.cached.value), fetchedAt: branches.cached.fetchedAt },
    };
  }

  /** Repositories of an organization, or of a user when the owner is not one (public repositories only, then). */
  async listOwnerRepositories(owner: string, options?: LoadOptions): Promise<GitHubResult<GitHubRepository[]>> {
    const ownerKey = (kind: string): string => `${this.client.apiUrl}|${owner.toLowerCase()}/|${kind}`;
    const organization = await this.list(
      ownerKey('org-repos'),
      'GET /orgs/{org}/repos',
      { org: owner, type: 'all' },
      mapRepository,
      options,
    );
    if (organization.kind !== 'not-found') return organization;
    return this.list(
      ownerKey('user-repos'),
      'GET /users/{username}/repos',
      { username: owner, type: 'owner' },
      mapRepository,
      options,
    );
  }

  /**
   * Does the tag exist? `missing` only when a tag list fetched within `missRecheckMs` lacks it: a miss on an older
   * list is re-confirmed with a conditional request first (a tag pushed a minute ago must not be flagged).
   */
  async checkTag(owner: string, repo: string, tag: string): Promise<Existence<GitHubTag>> {
    return this.checkInList(
      (options) => this.listTags(owner, repo, options),
      (item) => item.name === tag,
    );
  }

  async checkBranch(owner: string, repo: string, branch: string): Promise<Existence<GitHubBranch>> {
    return this.checkInList(
      (options) => this.listBranches(owner, repo, options),
      (item) => item.name === branch,
    );
  }

  /**
   * Does `<owner>/<repo>` exist? Looked up in the owner's repository list (one request for up to 100 services),
   * then directly. A 404 is `missing` only when signed in: signed out, private repositories look the same.
   */
  async checkRepository(owner: string, repo: string): Promise<Existence<GitHubRepository>> {
    const wanted = repo.toLowerCase();
    const listed = await this.checkInList(
      (options) => this.listOwnerRepositories(owner, options),
      (item) => item.name.toLowerCase() === wanted,
    );
    if (listed.kind === 'found' || (listed.kind === 'unknown' && listed.reason !== 'repository-not-found'))
      return listed;
    const direct = await this.getRepository(owner, repo);
    if (direct.kind === 'fetched') return { kind: 'found', value: direct.value };
    if (direct.kind === 'unknown') return unknownOf(direct);
    if (!this.state().signedIn) {
      return {
        kind: 'unknown',
        reason: 'not-visible',
        message: `${owner}/${repo} is not visible without signing in to GitHub (it may be private).`,
      };
    }
    return { kind: 'missing', fetchedAt: direct.fetchedAt };
  }

  /**
   * Diagnostics for one release entry in as few requests as possible: the tag list answers both questions when it
   * comes back (a fetched list proves the repository exists), so the repository is looked up only after a 404.
   * Cold: one request per repository (≤ 100 tags); after the TTL: one conditional request.
   */
  async checkReleaseEntry(owner: string, repo: string, tag: string): Promise<EntryCheck<GitHubTag>> {
    const check = await this.checkTag(owner, repo, tag);
    // checkTag just loaded the list. Ask again only when that worked: after a failure the cache has nothing, and a
    // second load would repeat the failed request (with its retries and timeouts) for every entry.
    const listed = check.kind === 'unknown' ? undefined : await this.listTags(owner, repo, { allowStale: true });
    const tags = listed?.kind === 'fetched' ? listed.value : undefined;
    return { ...(await this.repositoryFor(owner, repo, check)), item: check, tags };
  }

  /** As checkReleaseEntry, for a `branch:` entry. */
  async checkBranchEntry(owner: string, repo: string, branch: string): Promise<EntryCheck<GitHubBranch>> {
    const check = await this.checkBranch(owner, repo, branch);
    return { ...(await this.repositoryFor(owner, repo, check)), item: check, tags: undefined };
  }

  private async repositoryFor(
    owner: string,
    repo: string,
    check: Existence<unknown>,
  ): Promise<{ repository: Existence<GitHubRepository | undefined> }> {
    if (check.kind === 'found' || check.kind === 'missing') return { repository: { kind: 'found', value: undefined } };
    if (check.reason === 'repository-not-found') return { repository: await this.checkRepository(owner, repo) };
    return { repository: check };
  }

  private async checkInList<T>(
    load: (options: LoadOptions) => Promise<GitHubResult<T[]>>,
    matches: (item: T) => boolean,
  ): Promise<Existence<T>> {
    let result = await load({ allowStale: true });
    const hit = (value: T[]): Existence<T> | undefined => {
      const found = value.find(matches);
      return found === undefined ? undefined : { kind: 'found', value: found };
    };
    if (result.kind === 'fetched') {
      const found = hit(result.value);
      if (found) return found;
      if (result.stale || this.now() - result.fetchedAt >= this.missRecheckMs) result = await load({ force: true });
    }
    if (result.kind === 'fetched') {
      const found = hit(result.value);
      if (found) return found;
      if (result.truncated)
        return { kind: 'unknown', reason: 'unexpected', message: 'The list is too long to fetch completely.' };
      return { kind: 'missing', fetchedAt: result.fetchedAt };
    }
    if (result.kind === 'not-found') {
      return {
        kind: 'unknown',
        reason: 'repository-not-found',
        message: 'GitHub does not know this repository (or it is not visible).',
      };
    }
    return unknownOf(result);
  }

  private repoKey(owner: string, repo: string, kind: string): string {
    return `${this.client.apiUrl}|${owner.toLowerCase()}/${repo.toLowerCase()}|${kind}`;
  }

  private async list<T>(
    key: string,
    route: string,
    params: Record<string, string | number>,
    map: (raw: unknown) => T | typeof NOT_OURS | undefined,
    options?: LoadOptions,
  ): Promise<GitHubResult<T[]>> {
    const mapPage = (data: unknown): T[] => {
      if (!Array.isArray(data))
        throw new GitHubFailure('unexpected', `GitHub answered ${route} with something other than a list.`);
      const items: T[] = [];
      for (const raw of data) {
        const item = map(raw);
        // An item that does not parse makes the whole list unverified: what it named is unknown, not absent.
        if (item === undefined)
          throw new GitHubFailure('unexpected', `GitHub answered ${route} with an item of an unexpected shape.`);
        // Items GitHub lists that are not ours (a fork's pull request) are left out on purpose.
        if (item !== NOT_OURS) items.push(item);
      }
      return items;
    };
    const load = await this.cache.load(
      key,
      (page, etag) => this.fetchPage(route, { ...params, per_page: MAX_PER_PAGE, page }, etag, mapPage),
      options,
    );
    return this.toResult(key, load, (entry) => entry.pages.flatMap((page) => page.data as T[]));
  }

  private async item<T>(
    key: string,
    route: string,
    params: Record<string, string | number>,
    map: (raw: unknown) => T | undefined,
    options?: LoadOptions,
  ): Promise<GitHubResult<T>> {
    const mapItem = (data: unknown): T => {
      const item = map(data);
      if (item === undefined)
        throw new GitHubFailure('unexpected', `GitHub answered ${route} with data of an unexpected shape.`);
      return item;
    };
    // Single resources are one page; plugin-paginate is not involved, so `page` is never sent.
    const load = await this.cache.load(key, (_page, etag) => this.fetchPage(route, params, etag, mapItem), options);
    return this.toResult(key, load, (entry) => entry.pages[0]?.data as T | undefined);
  }

  /** Fetch one page and map its data before it reaches the cache (the cache holds mapped data only). */
  private async fetchPage(
    route: string,
    params: Record<string, string | number>,
    etag: string | undefined,
    mapData: (data: unknown) => unknown,
  ): Promise<PageResponse> {
    const response = await this.client.get(route, params, etag);
    if (response.kind !== 'ok') return response;
    return { ...response, data: mapData(response.data) };
  }

  private toResult<V>(key: string, load: CacheLoad, read: (entry: CacheEntry) => V | undefined): GitHubResult<V> {
    if (load.ok) {
      this.status.recordServed(key, load.entry.fetchedAt);
      if (load.entry.notFound) return { kind: 'not-found', fetchedAt: load.entry.fetchedAt };
      const value = read(load.entry);
      if (value === undefined)
        return {
          kind: 'unknown',
          reason: 'unexpected',
          message: 'GitHub answered with data of an unexpected shape.',
          cached: undefined,
        };
      return {
        kind: 'fetched',
        value,
        fetchedAt: load.entry.fetchedAt,
        stale: load.stale,
        truncated: load.entry.truncated,
      };
    }
    const stale = load.stale && !load.stale.notFound ? read(load.stale) : undefined;
    if (load.stale && stale !== undefined) this.status.recordServed(key, load.stale.fetchedAt);
    return {
      kind: 'unknown',
      reason: load.failure.reason,
      message: load.failure.message,
      cached: load.stale && stale !== undefined ? { value: stale, fetchedAt: load.stale.fetchedAt } : undefined,
    };
  }
}

function unknownOf(result: { reason: GitHubFailureReason; message: string }): Existence<never> {
  return { kind: 'unknown', reason: result.reason, message: result.message };
}

function groupByHead(pulls: GitHubPullRequest[]): Map<string, GitHubPullRequest[]> {
  const byHead = new Map<string, GitHubPullRequest[]>();
  for (const pull of pulls) byHead.set(pull.headRef, [...(byHead.get(pull.headRef) ?? []), pull]);
  return byHead;
}

type Json = Record<string, unknown>;

/** A well-formed list item that is deliberately left out (a pull request from a fork). */
const NOT_OURS = Symbol('not ours');

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function mapTag(raw: unknown): GitHubTag | undefined {
  const tag = asObject(raw);
  const name = text(tag?.name);
  if (name === undefined) return undefined;
  return { name, sha: text(asObject(tag?.commit)?.sha) ?? '' };
}

function mapRelease(raw: unknown): GitHubRelease | undefined {
  const release = asObject(raw);
  const tagName = text(release?.tag_name);
  if (release === undefined || tagName === undefined) return undefined;
  const body = text(release.body) ?? '';
  return {
    tagName,
    name: text(release.name) || tagName,
    body: body.length > MAX_RELEASE_BODY ? `${body.slice(0, MAX_RELEASE_BODY)}…` : body,
    publishedAt: text(release.published_at),
    htmlUrl: text(release.html_url) ?? '',
    author: text(asObject(release.author)?.login),
    draft: release.draft === true,
    prerelease: release.prerelease === true,
  };
}

function mapBranch(raw: unknown): GitHubBranch | undefined {
  const branch = asObject(raw);
  const name = text(branch?.name);
  if (name === undefined) return undefined;
  return { name, sha: text(asObject(branch?.commit)?.sha) ?? '', protected: branch?.protected === true };
}

function mapPullRequest(raw: unknown, fullName: string): GitHubPullRequest | typeof NOT_OURS | undefined {
  const pull = asObject(raw);
  const head = asObject(pull?.head);
  const headRef = text(head?.ref);
  const headRepo = text(asObject(head?.repo)?.full_name)?.toLowerCase();
  if (pull === undefined || headRef === undefined || typeof pull.number !== 'number') return undefined;
  // A fork's branch of the same name is not a branch of this repository (a deleted fork has no repo at all).
  if (headRepo !== fullName) return NOT_OURS;
  return {
    number: pull.number,
    title: text(pull.title) ?? '',
    headRef,
    htmlUrl: text(pull.html_url) ?? '',
    author: text(asObject(pull.user)?.login),
    draft: pull.draft === true,
    updatedAt: text(pull.updated_at),
    createdAt: text(pull.created_at),
  };
}

function mapTree(raw: unknown): GitHubTree | undefined {
  const tree = asObject(raw);
  if (!tree || !Array.isArray(tree.tree)) return undefined;
  const paths = (tree.tree as unknown[])
    .map(asObject)
    .filter((item) => item?.type === 'blob')
    .map((item) => text(item?.path))
    .filter((item): item is string => item !== undefined);
  return { paths, truncated: tree.truncated === true };
}

function mapFileText(raw: unknown): string | undefined {
  const file = asObject(raw);
  if (file?.type !== 'file' || file.encoding !== 'base64' || typeof file.content !== 'string') return undefined;
  if (typeof file.size === 'number' && file.size > MAX_FILE_BYTES) return undefined;
  return Buffer.from(file.content.replace(/\s+/g, ''), 'base64').toString('utf8');
}

function mapRepository(raw: unknown): GitHubRepository | undefined {
  const repository = asObject(raw);
  const name = text(repository?.name);
  if (repository === undefined || name === undefined) return undefined;
  return {
    name,
    archived: repository.archived === true,
    private: repository.private === true,
    htmlUrl: text(repository.html_url) ?? '',
    defaultBranch: text(repository.default_branch) ?? 'main',
  };
}
