/**
 * A local stand-in for GitHub's REST API (the subset Kayron Releases reads), speaking the real wire format:
 * Link-header pagination, ETag/If-None-Match → 304, x-ratelimit-* headers, token auth, private repositories,
 * and scripted faults (rate limit, 5xx, slow responses, 401, 404). Tests seed it, point the client at `apiUrl`
 * and assert on the request log. It listens on 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandinTag {
  name: string;
  sha?: string;
}

export interface StandinRelease {
  tagName: string;
  name?: string;
  body?: string;
  /** ISO date; drafts have none. Also the release's creation date, which orders the list. */
  publishedAt?: string;
  author?: string;
  draft?: boolean;
  prerelease?: boolean;
}

export interface StandinBranch {
  name: string;
  sha?: string;
  protected?: boolean;
}

export interface StandinPull {
  number: number;
  title: string;
  headRef: string;
  state?: 'open' | 'closed';
  author?: string;
  draft?: boolean;
  /** ISO date; defaults to a fixed date so responses stay stable. */
  updatedAt?: string;
  /** ISO date; defaults to `updatedAt`. GitHub lists open pull requests newest first by it. */
  createdAt?: string;
  /** The head branch's repository, `owner/name`; defaults to this repository (a fork's pull request names another). */
  headRepository?: string;
}

export interface StandinRepo {
  name: string;
  private?: boolean;
  archived?: boolean;
  defaultBranch?: string;
  /** Served in this order, as GitHub serves its own order. */
  tags?: StandinTag[];
  /** Served newest first by `publishedAt`. */
  releases?: StandinRelease[];
  branches?: StandinBranch[];
  pulls?: StandinPull[];
  /** Tag of the release explicitly marked "latest"; otherwise the newest non-draft, non-prerelease release. */
  latestRelease?: string;
  /**
   * File contents by ref (a tag, branch or commit SHA) and path, served by the Tree API (`git/trees/{ref}?recursive=1`)
   * and the contents API (`contents/{path}?ref=`).
   */
  files?: Record<string, Record<string, string>>;
}

export interface StandinOwner {
  login: string;
  type?: 'Organization' | 'User';
  repos?: StandinRepo[];
}

export type StandinFault =
  /** Any status with GitHub's JSON error body, e.g. 502. */
  | { kind: 'status'; status: number; message?: string }
  /** Primary rate limit: 403 with x-ratelimit-remaining 0 and x-ratelimit-reset (epoch seconds). */
  | { kind: 'rate-limit'; resetEpochSeconds?: number }
  /** Secondary rate limit: 403 with retry-after. */
  | { kind: 'secondary-rate-limit'; retryAfterSeconds: number }
  /** Answer normally, but only after `ms` (lets a client time out). */
  | { kind: 'delay'; ms: number }
  /** 401 Bad credentials regardless of the token. */
  | { kind: 'unauthorized' }
  /** 200 with this raw text as the body (e.g. JSON cut off mid-way), keeping the normal headers. */
  | { kind: 'malformed'; text: string }
  /** The normal answer with its JSON body passed through `edit` first (e.g. items without `name`). */
  | { kind: 'edit-body'; edit: (body: unknown) => unknown }
  /**
   * The request takes effect (a write is applied), but its answer is lost: the connection is dropped without a response,
   * or, with `status`, a gateway error is sent instead of the real answer.
   */
  | { kind: 'lost-answer'; status?: number };

export interface FaultRule {
  /** Exact request path (without query) or a pattern tested against it. */
  path: string | RegExp;
  /** Only requests with this method (default: any). */
  method?: string;
  /** Only requests whose query has these values, e.g. `{ page: '2' }` (default: any query). */
  query?: Record<string, string>;
  /** How many matching requests get the fault; defaults to 1. */
  times?: number;
  fault: StandinFault;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Whether an Authorization header came and whether its token is known. Tokens are never recorded. */
  auth: 'none' | 'valid' | 'invalid';
  ifNoneMatch: string | undefined;
  userAgent: string | undefined;
  /** 0 while the response is pending or when the client went away first. */
  status: number;
  fault: StandinFault['kind'] | undefined;
  /** Parsed JSON body of a write request (write-endpoints.ts), so tests can assert the exact request. */
  body?: unknown;
  /** The fault applied to this request, with its parameters. */
  faultRule?: StandinFault | undefined;
}

/** A request as extra routes (write-endpoints.ts) see it; `token` only when the stand-in accepts it. */
export interface StandinRouteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  token: string | undefined;
}

/** Extra routes are tried before the read-only ones; undefined passes the request on. */
export type StandinRoute = (
  request: StandinRouteRequest,
) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined;

export interface StandinOptions {
  owners?: StandinOwner[];
  /** Tokens the stand-in accepts (as `token X` or `Bearer X`). */
  tokens?: string[];
  anonymousRateLimit?: number;
  authenticatedRateLimit?: number;
  /** Serve under `/api/v3`, as GitHub Enterprise Server does. */
  enterprise?: boolean;
}

interface RateWindow {
  limit: number;
  remaining: number;
  resetEpochSeconds: number;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DOC_URL = 'https://docs.github.com/rest';
const NOT_FOUND: Reply = { status: 404, body: { message: 'Not Found', documentation_url: DOC_URL } };

export class GitHubStandin {
  readonly requests: LoggedRequest[] = [];
  private readonly owners = new Map<string, StandinOwner>();
  private readonly tokens: Set<string>;
  private readonly faults: (FaultRule & { remaining: number })[] = [];
  private readonly windows = new Map<'anonymous' | 'authenticated', RateWindow>();
  private readonly pendingTimers = new Set<NodeJS.Timeout>();
  private readonly routes: StandinRoute[] = [];
  private readonly server: http.Server;
  private readonly pathPrefix: string;
  private port = 0;
  private inFlight = 0;
  /** Highest number of requests being answered at the same time (for concurrency-cap tests). */
  maxInFlight = 0;

  constructor(options: StandinOptions = {}) {
    for (const owner of options.owners ?? []) this.addOwner(owner);
    this.tokens = new Set(options.tokens ?? []);
    this.pathPrefix = options.enterprise ? '/api/v3' : '';
    const resetEpochSeconds = Math.floor(Date.now() / 1000) + 3600;
    this.windows.set('anonymous', {
      limit: options.anonymousRateLimit ?? 60,
      remaining: options.anonymousRateLimit ?? 60,
      resetEpochSeconds,
    });
    this.windows.set('authenticated', {
      limit: options.authenticatedRateLimit ?? 5000,
      remaining: options.authenticatedRateLimit ?? 5000,
      resetEpochSeconds,
    });
    this.server = http.createServer((request, response) => this.handle(request, response));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What a client sets as its API base URL (`…/api/v3` for an enterprise stand-in). */
  get apiUrl(): string {
    return `${this.origin}${this.pathPrefix}`;
  }

  private get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  addOwner(owner: StandinOwner): StandinOwner {
    const stored = { type: 'Organization' as const, repos: [], ...owner };
    this.owners.set(owner.login.toLowerCase(), stored);
    return stored;
  }

  /** The live seed object of a repository; mutate it to change what the stand-in serves. */
  repo(owner: string, name: string): StandinRepo {
    const found = this.findRepo(owner, name);
    if (!found) throw new Error(`stand-in has no repository ${owner}/${name}`);
    return found;
  }

  addRoute(route: StandinRoute): void {
    this.routes.push(route);
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  setRateLimitRemaining(identity: 'anonymous' | 'authenticated', remaining: number): void {
    this.window(identity).remaining = remaining;
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  /** Requests whose path matches, for exact request-count assertions. */
  requestsTo(path: string | RegExp): LoggedRequest[] {
    return this.requests.filter((entry) => (typeof path === 'string' ? entry.path === path : path.test(entry.path)));
  }

  private window(identity: 'anonymous' | 'authenticated'): RateWindow {
    const window = this.windows.get(identity);
    if (!window) throw new Error(`no rate window ${identity}`);
    return window;
  }

  private findOwner(login: string): StandinOwner | undefined {
    return this.owners.get(login.toLowerCase());
  }

  private findRepo(owner: string, name: string): StandinRepo | undefined {
    return this.findOwner(owner)?.repos?.find((repo) => repo.name.toLowerCase() === name.toLowerCase());
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', this.origin);
    // Routes below see GitHub.com paths; an enterprise prefix is stripped (and required).
    url.pathname = url.pathname.startsWith(`${this.pathPrefix}/`)
      ? url.pathname.slice(this.pathPrefix.length)
      : '/not-under-api-prefix';
    const authorization = request.headers.authorization;
    const token = authorization?.replace(/^(?:token|bearer)\s+/i, '');
    const auth: LoggedRequest['auth'] = token === undefined ? 'none' : this.tokens.has(token) ? 'valid' : 'invalid';
    const entry: LoggedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      auth,
      ifNoneMatch: request.headers['if-none-match'],
      userAgent: request.headers['user-agent'],
      status: 0,
      fault: undefined,
    };
    this.requests.push(entry);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    response.on('close', () => this.inFlight--);

    const fault = this.takeFault(entry.method, url);
    entry.fault = fault?.kind;
    entry.faultRule = fault;
    const respond = (): void => {
      if (response.destroyed) return;
      const reply = this.reply(entry, url, fault, auth === 'valid' ? token : undefined);
      entry.status = reply.status;
      this.send(response, url, entry, reply);
    };
    const start = (): void => {
      if (fault?.kind === 'delay') {
        const timer = setTimeout(() => {
          this.pendingTimers.delete(timer);
          respond();
        }, fault.ms);
        this.pendingTimers.add(timer);
      } else {
        respond();
      }
    };
    if (entry.method === 'GET' || entry.method === 'HEAD') {
      start();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        entry.body = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        entry.body = text;
      }
      start();
    });
  }

  private takeFault(method: string, url: URL): StandinFault | undefined {
    const path = url.pathname;
    const rule = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (typeof candidate.path === 'string' ? candidate.path === path : candidate.path.test(path)) &&
        (candidate.method === undefined || candidate.method === method) &&
        Object.entries(candidate.query ?? {}).every(([name, value]) => url.searchParams.get(name) === value),
    );
    if (!rule) return undefined;
    rule.remaining--;
    return rule.fault;
  }

  private reply(entry: LoggedRequest, url: URL, fault: StandinFault | undefined, token?: string): Reply {
    const window = this.window(entry.auth === 'valid' ? 'authenticated' : 'anonymous');
    if (fault?.kind === 'status')
      return { status: fault.status, body: { message: fault.message ?? 'Server Error', documentation_url: DOC_URL } };
    if (fault?.kind === 'unauthorized' || entry.auth === 'invalid') {
      return { status: 401, body: { message: 'Bad credentials', documentation_url: DOC_URL, status: '401' } };
    }
    if (fault?.kind === 'rate-limit') {
      return this.rateLimited({
        ...window,
        remaining: 0,
        resetEpochSeconds: fault.resetEpochSeconds ?? window.resetEpochSeconds,
      });
    }
    if (fault?.kind === 'secondary-rate-limit') {
      return {
        status: 403,
        headers: { 'retry-after': String(fault.retryAfterSeconds) },
        body: {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: DOC_URL,
        },
      };
    }
    if (this.routes.length > 0 && url.pathname !== '/rate_limit') {
      if (window.remaining <= 0) return this.rateLimited(window);
      for (const route of this.routes) {
        const answer = route({
          method: entry.method,
          path: url.pathname,
          query: url.searchParams,
          body: entry.body,
          token,
        });
        if (answer) return answer;
      }
    }
    if (entry.method !== 'GET') return { status: 404, body: { message: 'Not Found', documentation_url: DOC_URL } };
    if (url.pathname === '/rate_limit') {
      const core = {
        limit: window.limit,
        remaining: window.remaining,
        reset: window.resetEpochSeconds,
        used: window.limit - window.remaining,
      };
      return { status: 200, body: { resources: { core }, rate: core } };
    }
    if (window.remaining <= 0) return this.rateLimited(window);
    return this.route(url, entry.auth === 'valid');
  }

  private rateLimited(window: RateWindow): Reply {
    return {
      status: 403,
      headers: this.rateHeaders({ ...window, remaining: 0 }),
      body: {
        message:
          "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)",
        documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
      },
    };
  }

  private route(url: URL, authenticated: boolean): Reply {
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const [head, ownerName = '', repoName = '', resource, ...rest] = segments;
    if ((head === 'orgs' || head === 'users') && repoName === 'repos' && segments.length === 3) {
      const owner = this.findOwner(ownerName);
      if (!owner || (head === 'orgs' && owner.type !== 'Organization')) return NOT_FOUND;
      const visible = (owner.repos ?? []).filter((repo) => !repo.private || (head === 'orgs' && authenticated));
      return this.page(
        url,
        visible.map((repo) => this.repoJson(owner, repo)),
      );
    }
    if (head !== 'repos') return NOT_FOUND;
    const owner = this.findOwner(ownerName);
    const repo = this.findRepo(ownerName, repoName);
    if (!owner || !repo || (repo.private && !authenticated)) return NOT_FOUND;
    const fullName = `${owner.login}/${repo.name}`;
    const base = this.apiUrl;
    if (resource === undefined) return { status: 200, body: this.repoJson(owner, repo) };
    if (resource === 'tags' && rest.length === 0) {
      return this.page(
        url,
        (repo.tags ?? []).map((tag) => {
          const sha = tag.sha ?? fakeSha(`${fullName}@${tag.name}`);
          return {
            name: tag.name,
            zipball_url: `${base}/repos/${fullName}/zipball/refs/tags/${tag.name}`,
            tarball_url: `${base}/repos/${fullName}/tarball/refs/tags/${tag.name}`,
            commit: { sha, url: `${base}/repos/${fullName}/commits/${sha}` },
            node_id: `REF_${sha.slice(0, 12)}`,
          };
        }),
      );
    }
    if (resource === 'releases') {
      const releases = [...(repo.releases ?? [])]
        .filter((release) => !release.draft || authenticated)
        .sort((a, b) => (b.publishedAt ?? '9999').localeCompare(a.publishedAt ?? '9999'));
      const toJson = (release: StandinRelease, index: number): unknown => this.releaseJson(owner, repo, release, index);
      if (rest.length === 0) return this.page(url, releases.map(toJson));
      if (rest[0] === 'latest' && rest.length === 1) {
        const latest =
          repo.latestRelease !== undefined
            ? releases.find((release) => release.tagName === repo.latestRelease)
            : releases.find((release) => !release.draft && !release.prerelease);
        return latest ? { status: 200, body: toJson(latest, releases.indexOf(latest)) } : NOT_FOUND;
      }
      if (rest[0] === 'tags' && rest.length >= 2) {
        const tagName = rest.slice(1).join('/');
        const release = releases.find((candidate) => candidate.tagName === tagName && !candidate.draft);
        return release ? { status: 200, body: toJson(release, releases.indexOf(release)) } : NOT_FOUND;
      }
      return NOT_FOUND;
    }
    if (resource === 'branches') {
      const toJson = (branch: StandinBranch): unknown => {
        const sha = branch.sha ?? fakeSha(`${fullName}#${branch.name}`);
        return {
          name: branch.name,
          commit: { sha, url: `${base}/repos/${fullName}/commits/${sha}` },
          protected: branch.protected ?? false,
        };
      };
      if (rest.length === 0) return this.page(url, (repo.branches ?? []).map(toJson));
      // Branch names may contain slashes; GitHub takes the rest of the path.
      const branch = (repo.branches ?? []).find((candidate) => candidate.name === rest.join('/'));
      if (!branch) return { status: 404, body: { message: 'Branch not found', documentation_url: DOC_URL } };
      return {
        status: 200,
        body: { ...(toJson(branch) as object), _links: { html: `https://github.com/${fullName}/tree/${branch.name}` } },
      };
    }
    if (resource === 'git' && rest[0] === 'trees' && rest.length >= 2) {
      const ref = rest.slice(1).join('/');
      const files = repo.files?.[ref];
      if (!files) return NOT_FOUND;
      const recursive = url.searchParams.get('recursive') !== null;
      const blobs = Object.entries(files).map(([filePath, content]) => ({
        path: filePath,
        mode: '100644',
        type: 'blob',
        sha: gitBlobSha(content),
        size: Buffer.byteLength(content),
        url: `${base}/repos/${fullName}/git/blobs/${gitBlobSha(content)}`,
      }));
      const directories = [
        ...new Set(
          Object.keys(files).flatMap((filePath) =>
            filePath
              .split('/')
              .slice(0, -1)
              .map((_, index, parts) => parts.slice(0, index + 1).join('/')),
          ),
        ),
      ];
      const trees = directories.map((directory) => ({
        path: directory,
        mode: '040000',
        type: 'tree',
        sha: fakeSha(`${fullName}@${ref}:${directory}`),
        url: `${base}/repos/${fullName}/git/trees/${fakeSha(`${fullName}@${ref}:${directory}`)}`,
      }));
      const all = [...trees, ...blobs]
        .filter((item) => recursive || !item.path.includes('/'))
        .sort((a, b) => a.path.localeCompare(b.path));
      const sha = fakeSha(`${fullName}@${ref}`);
      return {
        status: 200,
        body: { sha, url: `${base}/repos/${fullName}/git/trees/${sha}`, tree: all, truncated: false },
      };
    }
    if (resource === 'contents' && rest.length > 0) {
      const filePath = rest.join('/');
      const ref = url.searchParams.get('ref') ?? repo.defaultBranch ?? 'main';
      const files = repo.files?.[ref];
      if (!files)
        return { status: 404, body: { message: `No commit found for the ref ${ref}`, documentation_url: DOC_URL } };
      const content = files[filePath];
      if (content === undefined) return NOT_FOUND;
      const sha = gitBlobSha(content);
      const encoded = Buffer.from(content, 'utf8').toString('base64').replace(/.{60}/g, '$&\n');
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: 'base64',
          size: Buffer.byteLength(content),
          name: filePath.split('/').pop(),
          path: filePath,
          content: `${encoded}\n`,
          sha,
          url: `${base}/repos/${fullName}/contents/${filePath}?ref=${ref}`,
          html_url: `https://github.com/${fullName}/blob/${ref}/${filePath}`,
        },
      };
    }
    if (resource === 'pulls' && rest.length === 0) {
      const state = url.searchParams.get('state') ?? 'open';
      // GitHub's default order: newest first by creation (seeds without `createdAt` keep their order).
      const pulls = (repo.pulls ?? [])
        .filter((pull) => state === 'all' || (pull.state ?? 'open') === state)
        .map((pull, index) => ({ pull, index }))
        .sort((a, b) => (b.pull.createdAt ?? '').localeCompare(a.pull.createdAt ?? '') || a.index - b.index)
        .map(({ pull }) => pull);
      return this.page(
        url,
        pulls.map((pull) => ({
          number: pull.number,
          title: pull.title,
          state: pull.state ?? 'open',
          draft: pull.draft ?? false,
          html_url: `https://github.com/${fullName}/pull/${pull.number}`,
          user: { login: pull.author ?? 'octocat' },
          created_at: pull.createdAt ?? pull.updatedAt ?? '2026-01-01T00:00:00Z',
          updated_at: pull.updatedAt ?? '2026-01-01T00:00:00Z',
          head: {
            ref: pull.headRef,
            sha: fakeSha(`${fullName}!${pull.number}`),
            repo: { full_name: pull.headRepository ?? fullName },
          },
          base: { ref: repo.defaultBranch ?? 'main' },
        })),
      );
    }
    return NOT_FOUND;
  }

  private repoJson(owner: StandinOwner, repo: StandinRepo): unknown {
    const fullName = `${owner.login}/${repo.name}`;
    return {
      id: Number.parseInt(fakeSha(fullName).slice(0, 8), 16),
      name: repo.name,
      full_name: fullName,
      owner: { login: owner.login, type: owner.type },
      private: repo.private ?? false,
      archived: repo.archived ?? false,
      html_url: `https://github.com/${fullName}`,
      default_branch: repo.defaultBranch ?? 'main',
    };
  }

  private releaseJson(owner: StandinOwner, repo: StandinRepo, release: StandinRelease, index: number): unknown {
    const fullName = `${owner.login}/${repo.name}`;
    return {
      id: 1000 + index,
      tag_name: release.tagName,
      name: release.name ?? release.tagName,
      body: release.body ?? '',
      draft: release.draft ?? false,
      prerelease: release.prerelease ?? false,
      created_at: release.publishedAt ?? null,
      published_at: release.draft ? null : (release.publishedAt ?? null),
      html_url: `https://github.com/${fullName}/releases/tag/${release.tagName}`,
      author: { login: release.author ?? 'octocat', type: 'User' },
      target_commitish: repo.defaultBranch ?? 'main',
    };
  }

  /** GitHub's pagination: per_page (default 30, max 100), page (from 1), Link header with next/last/first/prev. */
  private page(url: URL, items: unknown[]): Reply {
    const perPage = Math.min(Math.max(Number.parseInt(url.searchParams.get('per_page') ?? '30', 10) || 30, 1), 100);
    const page = Math.max(Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1, 1);
    const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (target: number): string => {
      const next = new URL(`${this.pathPrefix}${url.pathname}${url.search}`, this.origin);
      next.searchParams.set('per_page', String(perPage));
      next.searchParams.set('page', String(target));
      return next.toString();
    };
    const relations: string[] = [];
    if (page > 1) relations.push(`<${link(page - 1)}>; rel="prev"`);
    if (page < lastPage) relations.push(`<${link(page + 1)}>; rel="next"`, `<${link(lastPage)}>; rel="last"`);
    if (page > 1) relations.push(`<${link(1)}>; rel="first"`);
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: relations.length > 0 ? { link: relations.join(', ') } : {},
    };
  }

  private rateHeaders(window: RateWindow): Record<string, string> {
    return {
      'x-ratelimit-limit': String(window.limit),
      'x-ratelimit-remaining': String(window.remaining),
      'x-ratelimit-reset': String(window.resetEpochSeconds),
      'x-ratelimit-used': String(window.limit - window.remaining),
      'x-ratelimit-resource': 'core',
    };
  }

  private send(response: http.ServerResponse, url: URL, entry: LoggedRequest, reply: Reply): void {
    const fault = entry.faultRule;
    if (fault?.kind === 'lost-answer') {
      // The reply was computed, so a write took effect; the client never learns of it.
      if (fault.status === undefined) {
        entry.status = 0;
        response.socket?.destroy();
        return;
      }
      reply = { status: fault.status, body: { message: 'Bad Gateway', documentation_url: DOC_URL } };
    }
    if (fault?.kind === 'edit-body' && reply.status === 200) reply = { ...reply, body: fault.edit(reply.body) };
    const window = this.window(entry.auth === 'valid' ? 'authenticated' : 'anonymous');
    const text =
      fault?.kind === 'malformed' && reply.status === 200
        ? fault.text
        : reply.body === undefined
          ? ''
          : JSON.stringify(reply.body);
    const etag = `W/"${createHash('sha256').update(text).digest('hex').slice(0, 40)}"`;
    let status = reply.status;
    if (status === 200 && entry.ifNoneMatch !== undefined && etagMatches(entry.ifNoneMatch, etag)) status = 304;
    entry.status = status;
    // GitHub does not count a 304 against the primary limit when the request was authorized; /rate_limit is free.
    const counts =
      url.pathname !== '/rate_limit' &&
      reply.headers?.['x-ratelimit-remaining'] === undefined &&
      !(status === 304 && entry.auth === 'valid');
    if (counts && window.remaining > 0) window.remaining--;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': createHash('sha1')
        .update(`${this.requests.length}`)
        .digest('hex')
        .slice(0, 16)
        .toUpperCase(),
      'x-github-api-version-selected': '2022-11-28',
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
      ...this.rateHeaders(window),
      ...reply.headers,
    };
    if (reply.status === 200) {
      headers.etag = etag;
      headers['cache-control'] =
        entry.auth === 'valid' ? 'private, max-age=60, s-maxage=60' : 'public, max-age=60, s-maxage=60';
    }
    if (status === 304) {
      delete headers['content-type'];
      delete headers.link;
      response.writeHead(304, headers);
      response.end();
      return;
    }
    response.writeHead(status, headers);
    response.end(text);
  }
}

function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const strip = (value: string): string => value.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => candidate.trim() === '*' || strip(candidate) === strip(etag));
}

/** The id git gives `content` as a blob. */
function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** Start a stand-in with the given seed; close it with `await standin.close()`. */
export async function startGitHubStandin(options: StandinOptions = {}): Promise<GitHubStandin> {
  return new GitHubStandin(options).start();
}
