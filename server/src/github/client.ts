/**
 * The one place that talks HTTP to GitHub: Octokit with the throttling and retry plugins, a per-attempt timeout,
 * rate-limit bookkeeping, and error classification. Tokens never leave this module: every message that does is
 * passed through `redact`.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { describeRateLimit, GitHubStatus, type GitHubFailureReason, type GitHubProblem } from './status';

export const DEFAULT_API_URL = 'https://api.github.com';
export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_USER_AGENT = 'kayron-releases';
/** GitHub's largest page; fewer pages mean fewer requests against the rate limit. */
export const MAX_PER_PAGE = 100;

export type GitHubLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type GitHubLog = (level: GitHubLogLevel, message: string) => void;

/** A failed GitHub call with a redacted, human-readable message. */
export class GitHubFailure extends Error {
  override readonly name = 'GitHubFailure';
  constructor(
    readonly reason: GitHubFailureReason,
    message: string,
    readonly status?: number,
    readonly resetAt?: number,
  ) {
    super(message);
  }
}

/** One page of a GET: new data, "unchanged since that ETag", or GitHub's 404. */
export type PageResponse =
  | { kind: 'ok'; data: unknown; etag: string | undefined; next: boolean }
  | { kind: 'not-modified' }
  | { kind: 'not-found' };

export interface GitHubClientOptions {
  /** `https://api.github.com` (default) or GitHub Enterprise's `https://HOST/api/v3`. */
  apiUrl?: string;
  token?: string;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  userAgent?: string;
  /** How often a 5xx is retried (plugin-retry waits `retryBaseMs × attempt²` between tries). */
  retries?: number;
  retryBaseMs?: number;
  status?: GitHubStatus;
  log?: GitHubLog;
}

/**
 * Replace the token (and anything shaped like a GitHub token or an Authorization value) in text meant for people,
 * also where it appears encoded: base64 or base64url of the token or of `x-access-token:TOKEN` (git's Basic
 * credentials), at any alignment inside a longer base64 run, and percent-encoded.
 */
export function redact(text: string, token: string | undefined): string {
  let result = text;
  if (token) {
    result = result.split(token).join('[REDACTED]');
    result = redactBase64(result, token);
    result = redactPercentEncoded(result, token);
  }
  result = result.replace(/\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})/g, '[REDACTED]');
  result = result.replace(/(authorization["']?\s*[:=]\s*["']?(?:token|bearer)\s+)[^\s"',}]+/gi, '$1[REDACTED]');
  return result.replace(/(authorization["']?\s*[:=]\s*["']?basic\s+)[A-Za-z0-9+/=_-]+/gi, '$1[REDACTED]');
}

/** Base64 text that only an encoding of the token can contain, for each of the three byte alignments. */
function base64Cores(token: string): string[] {
  const cores = new Set<string>();
  for (const secret of [token, `x-access-token:${token}`]) {
    const bytes = Buffer.from(secret, 'utf8');
    for (let shift = 0; shift < 3; shift++) {
      const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
      // Characters that also depend on the neighbouring bytes are cut off at both ends.
      const core = encoded.slice(shift === 0 ? 0 : shift + 1, encoded.length - 4);
      if (core.length >= 8) {
        cores.add(core);
        cores.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
      }
    }
  }
  return [...cores];
}

function redactBase64(text: string, token: string): string {
  const cores = base64Cores(token);
  return text.replace(/[A-Za-z0-9+/_-]{8,}={0,2}/g, (run) =>
    cores.some((core) => run.includes(core)) ? '[REDACTED]' : run,
  );
}

function redactPercentEncoded(text: string, token: string): string {
  return text.replace(
    /(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~+-])*%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~+-])*/g,
    (run) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(run.replace(/\+/g, ' '));
      } catch {
        return run;
      }
      return decoded.includes(token) || redactBase64(decoded, token) !== decoded ? '[REDACTED]' : run;
    },
  );
}

/** Trailing slashes off; empty means github.com. */
export function normalizeApiUrl(setting: string | undefined): string {
  const trimmed = (setting ?? '').trim().replace(/\/+$/, '');
  return trimmed === '' ? DEFAULT_API_URL : trimmed;
}

/** The web origin matching an API URL: api.github.com → https://github.com, https://HOST/api/v3 → https://HOST. */
export function webUrlForApi(apiUrl: string): string {
  const url = new URL(normalizeApiUrl(apiUrl));
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/api\/v3$/, '')}`.replace(/\/+$/, '');
}

export function isGitHubDotCom(apiUrl: string): boolean {
  return new URL(normalizeApiUrl(apiUrl)).hostname === 'api.github.com';
}

/**
 * Octokit rethrows an error named AbortError untouched instead of wrapping it as a retryable 500, so naming transport
 * failures this way keeps plugin-retry from spending seconds on an unreachable host or a server that does not answer.
 */
class TransportError extends Error {
  override readonly name = 'AbortError';
  constructor(
    readonly reason: 'offline' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

const KayronOctokit = Octokit.plugin(throttling, retry);
type KayronOctokitInstance = InstanceType<typeof KayronOctokit>;

export class GitHubClient {
  readonly apiUrl: string;
  readonly status: GitHubStatus;
  private readonly options: GitHubClientOptions;
  private readonly log: GitHubLog;
  private token: string | undefined;
  private octokit: KayronOctokitInstance;

  constructor(options: GitHubClientOptions = {}) {
    this.options = options;
    this.apiUrl = normalizeApiUrl(options.apiUrl);
    this.status = options.status ?? new GitHubStatus();
    this.log = options.log ?? (() => undefined);
    this.token = options.token || undefined;
    this.status.setToken(this.token !== undefined);
    this.octokit = this.createOctokit();
  }

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  /** Sign in, switch accounts or sign out (undefined). */
  /** Returns whether the token changed. */
  setToken(token: string | undefined): boolean {
    if ((token || undefined) === this.token) return false;
    this.token = token || undefined;
    this.octokit = this.createOctokit();
    this.status.setToken(this.token !== undefined);
    return true;
  }

  redact(text: string): string {
    return redact(text, this.token);
  }

  /**
   * One GET. `route` is an Octokit route such as `GET /repos/{owner}/{repo}/tags`. With `etag`, the request is
   * conditional and a 304 comes back as `not-modified`. Throws `GitHubFailure` for anything that is not an answer.
   */
  async get(route: string, params: Record<string, string | number>, etag?: string): Promise<PageResponse> {
    const block = this.status.requestBlock();
    if (block) throw new GitHubFailure(block.reason, block.message);
    const headers: Record<string, string> = etag === undefined ? {} : { 'if-none-match': etag };
    const described = this.describe(route, params);
    try {
      const response = await this.octokit.request(route, { ...params, headers });
      this.status.recordSuccess();
      const link = typeof response.headers.link === 'string' ? response.headers.link : '';
      this.log('debug', `${described} → ${response.status}`);
      return { kind: 'ok', data: response.data, etag: response.headers.etag, next: /<[^>]*>;\s*rel="next"/.test(link) };
    } catch (error) {
      const status = statusOf(error);
      if (status === 304) {
        this.status.recordSuccess();
        this.log('debug', `${described} → 304`);
        return { kind: 'not-modified' };
      }
      if (status === 404) {
        this.status.recordSuccess();
        this.log('debug', `${described} → 404`);
        return { kind: 'not-found' };
      }
      const failure = this.classify(error);
      this.log('warn', `${described} failed: ${failure.message}`);
      const problem: GitHubProblem = { reason: failure.reason, message: failure.message, at: this.status.time() };
      if (failure.status !== undefined) problem.status = failure.status;
      if (failure.resetAt !== undefined) problem.resetAt = failure.resetAt;
      this.status.recordFailure(problem);
      throw failure;
    }
  }

  private describe(route: string, params: Record<string, string | number>): string {
    try {
      const { method, url } = this.octokit.request.endpoint(route, params);
      return this.redact(`${method} ${url.replace(this.apiUrl, '')}`);
    } catch {
      return route;
    }
  }

  private classify(error: unknown): GitHubFailure {
    if (error instanceof TransportError) {
      const message =
        error.reason === 'timeout'
          ? `GitHub did not answer within ${this.timeoutMs()} ms.`
          : `GitHub is unreachable: ${error.message}`;
      return new GitHubFailure(error.reason, this.redact(message));
    }
    const status = statusOf(error);
    const serverMessage = this.redact(error instanceof Error ? error.message : String(error));
    const headers = headersOf(error);
    if (status === 401) {
      const signIn =
        this.token === undefined ? 'GitHub requires sign-in.' : 'GitHub rejected the token (401). Sign in again.';
      return new GitHubFailure(
        'unauthorized',
        `${signIn} Until then release tags and branches are not checked. (${serverMessage})`,
        401,
      );
    }
    if (status === 403 || status === 429) {
      if (headers['x-ratelimit-remaining'] === '0') {
        const resetAt = Number.parseInt(headers['x-ratelimit-reset'] ?? '', 10) * 1000;
        const limit = Number.parseInt(headers['x-ratelimit-limit'] ?? '', 10);
        const reset = Number.isFinite(resetAt) ? resetAt : Date.now() + 60_000;
        return new GitHubFailure(
          'rate-limited',
          describeRateLimit(Number.isFinite(limit) ? limit : undefined, reset, this.token !== undefined),
          status,
          reset,
        );
      }
      const retryAfter = Number.parseInt(headers['retry-after'] ?? '', 10);
      if (Number.isFinite(retryAfter) || /secondary rate limit/i.test(serverMessage)) {
        const reset = Date.now() + (Number.isFinite(retryAfter) ? retryAfter : 60) * 1000;
        return new GitHubFailure(
          'rate-limited',
          `GitHub asked to slow down (secondary rate limit) until ${new Date(reset).toISOString()}.`,
          status,
          reset,
        );
      }
      return new GitHubFailure('forbidden', `GitHub refused access (${status}): ${serverMessage}`, status);
    }
    if (status !== undefined && status >= 500) {
      return new GitHubFailure('server-error', `GitHub answered ${status} (after retries): ${serverMessage}`, status);
    }
    return new GitHubFailure(
      'unexpected',
      `Unexpected answer from GitHub${status === undefined ? '' : ` (${status})`}: ${serverMessage}`,
      status,
    );
  }

  private timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private createOctokit(): KayronOctokitInstance {
    const ignore = (): void => undefined;
    const log = (level: GitHubLogLevel) => (message: string) => this.log(level, this.redact(String(message)));
    return new KayronOctokit({
      baseUrl: this.apiUrl,
      auth: this.token,
      userAgent: this.options.userAgent ?? DEFAULT_USER_AGENT,
      // Octokit's per-request lines duplicate `get`'s own (and call an expected 404 an error); keep its warnings.
      log: { debug: ignore, info: ignore, warn: log('warn'), error: log('debug') },
      request: { fetch: this.createFetch() },
      // An editor must not sit on a request until a rate limit resets (up to an hour): fail and show it instead.
      throttle: { id: 'kayron-releases', onRateLimit: () => false, onSecondaryRateLimit: () => false },
      retry: { retries: this.options.retries ?? 2, retryAfterBaseValue: this.options.retryBaseMs ?? 1000 },
    });
  }

  /** fetch with a deadline covering headers and body, reporting rate-limit headers of every response. */
  private createFetch(): typeof fetch {
    const timeoutMs = this.timeoutMs();
    return async (input, init) => {
      const controller = new AbortController();
      const outer = init?.signal;
      const forwardAbort = (): void => controller.abort();
      outer?.addEventListener('abort', forwardAbort);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      try {
        const response = await fetch(input, { ...init, signal: controller.signal });
        // Read the body inside the deadline too: a server that sends headers and then stalls must not hang features.
        const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
        this.status.recordResponse(response.headers);
        return new Response(body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      } catch (error) {
        if (timedOut) throw new TransportError('timeout', `no answer within ${timeoutMs} ms`);
        if (outer?.aborted) throw error;
        throw new TransportError('offline', describeNetworkError(error));
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', forwardAbort);
      }
    };
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

function headersOf(error: unknown): Record<string, string | undefined> {
  if (typeof error !== 'object' || error === null || !('response' in error)) return {};
  const response = (error as { response?: { headers?: Record<string, string | undefined> } }).response;
  return response?.headers ?? {};
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return error.message;
}
