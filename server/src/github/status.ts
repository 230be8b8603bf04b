/**
 * What the editor shows about GitHub (status bar, "unverified" hints): auth, offline, rate limit, cache age,
 * and the last problem — announced once per kind of problem, not once per request.
 */

/** Why GitHub data could not be had. Every one of these means "unknown", never "missing". */
export type GitHubFailureReason =
  | 'offline'
  | 'timeout'
  | 'rate-limited'
  | 'unauthorized'
  | 'forbidden'
  | 'server-error'
  | 'unexpected'
  /** Network use is off (untrusted workspace, or the caller switched it off). */
  | 'disabled';

export interface GitHubProblem {
  reason: GitHubFailureReason;
  /** Human text, already redacted. */
  message: string;
  /** Epoch ms. */
  at: number;
  status?: number;
  /** Epoch ms when a rate limit lifts. */
  resetAt?: number;
}

export interface GitHubState {
  /** A token is set and GitHub has not rejected it. */
  signedIn: boolean;
  /** GitHub answered 401 to the current token; requests pause until the token changes or a manual refresh. */
  tokenRejected: boolean;
  networkAllowed: boolean;
  /** The last request could not reach GitHub (unreachable host or timeout). */
  offline: boolean;
  rateLimitLimit: number | undefined;
  rateLimitRemaining: number | undefined;
  /** Epoch ms. */
  rateLimitReset: number | undefined;
  /** No request will be sent before `rateLimitReset`. */
  rateLimited: boolean;
  /** The current problem, cleared by the next successful response. */
  lastError: GitHubProblem | undefined;
  /** Epoch ms of the last response from GitHub (any status GitHub itself produced). */
  lastContactAt: number | undefined;
  /** Age of the oldest GitHub data currently in use (ms), or undefined before any was used. */
  cacheAgeMs: number | undefined;
  /** Epoch ms when the back-off after an outage ends and GitHub may be asked again; undefined when not backing off. */
  retryAt: number | undefined;
}

/** Why a request is not sent at all right now. */
export interface RequestBlock {
  reason: GitHubFailureReason;
  message: string;
}

export type Unsubscribe = () => void;

export interface GitHubStatusOptions {
  now?: () => number;
  /**
   * After an unreachable host, a timeout, or a 5xx that outlasted the retries, serve from cache without trying the
   * network for this long.
   */
  offlineBackoffMs?: number;
}

export class GitHubStatus {
  private readonly now: () => number;
  private readonly offlineBackoffMs: number;
  private hasToken = false;
  private tokenRejected = false;
  private networkAllowed = true;
  private offlineSince: number | undefined;
  /** When GitHub last failed in a way worth waiting out (offline, timeout, 5xx after retries). */
  private backoffSince: number | undefined;
  private rateLimit: { limit: number | undefined; remaining: number; resetAt: number } | undefined;
  private lastError: GitHubProblem | undefined;
  private lastContactAt: number | undefined;
  private readonly servedFetchedAt = new Map<string, number>();
  private readonly announced = new Set<GitHubFailureReason>();
  private readonly changeListeners = new Set<(state: GitHubState) => void>();
  private readonly problemListeners = new Set<(problem: GitHubProblem) => void>();

  constructor(options: GitHubStatusOptions = {}) {
    this.now = options.now ?? Date.now;
    this.offlineBackoffMs = options.offlineBackoffMs ?? 30_000;
  }

  /** The clock every GitHub module shares (injectable for tests). */
  time(): number {
    return this.now();
  }

  snapshot(): GitHubState {
    const now = this.now();
    const oldest = Math.min(...this.servedFetchedAt.values());
    return {
      signedIn: this.hasToken && !this.tokenRejected,
      tokenRejected: this.tokenRejected,
      networkAllowed: this.networkAllowed,
      offline: this.offlineSince !== undefined,
      rateLimitLimit: this.rateLimit?.limit,
      rateLimitRemaining: this.rateLimit?.remaining,
      rateLimitReset: this.rateLimit?.resetAt,
      rateLimited: this.rateLimit !== undefined && this.rateLimit.remaining <= 0 && this.rateLimit.resetAt > now,
      lastError: this.lastError,
      lastContactAt: this.lastContactAt,
      cacheAgeMs: Number.isFinite(oldest) ? Math.max(0, now - oldest) : undefined,
      retryAt:
        this.backoffSince !== undefined && this.lastError ? this.backoffSince + this.offlineBackoffMs : undefined,
    };
  }

  /** Called on every state change (the status bar re-renders; debounce there if needed). */
  onDidChange(listener: (state: GitHubState) => void): Unsubscribe {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called once per kind of problem until GitHub answers successfully again: show it, then stay quiet. */
  onProblem(listener: (problem: GitHubProblem) => void): Unsubscribe {
    this.problemListeners.add(listener);
    return () => this.problemListeners.delete(listener);
  }

  /** Whether a request must not go out now, and why; undefined when the network may be used. */
  requestBlock(): RequestBlock | undefined {
    const now = this.now();
    if (!this.networkAllowed) return { reason: 'disabled', message: 'GitHub access is off in this workspace.' };
    if (this.tokenRejected)
      return { reason: 'unauthorized', message: this.lastError?.message ?? 'GitHub rejected the token.' };
    if (this.rateLimit && this.rateLimit.remaining <= 0 && this.rateLimit.resetAt > now) {
      return {
        reason: 'rate-limited',
        message: describeRateLimit(this.rateLimit.limit, this.rateLimit.resetAt, this.hasToken),
      };
    }
    // A GitHub that is down answers each request only after the retries' waits (seconds): asking again for every
    // entry on every edit would keep completion waiting and add load to an outage.
    if (this.backoffSince !== undefined && now - this.backoffSince < this.offlineBackoffMs && this.lastError) {
      return { reason: this.lastError.reason, message: this.lastError.message };
    }
    return undefined;
  }

  setToken(present: boolean): void {
    this.hasToken = present;
    this.tokenRejected = false;
    if (this.lastError?.reason === 'unauthorized') this.lastError = undefined;
    this.announced.delete('unauthorized');
    this.changed();
  }

  setNetworkAllowed(allowed: boolean): void {
    this.networkAllowed = allowed;
    this.changed();
  }

  /** A manual refresh: try the network again now even after an offline spell or a rejected token. */
  retryNow(): void {
    this.offlineSince = undefined;
    this.backoffSince = undefined;
    this.tokenRejected = false;
    this.announced.clear();
    this.changed();
  }

  /** Every HTTP response (success or error) passes its rate-limit headers here. */
  recordResponse(headers: { get(name: string): string | null }): void {
    this.lastContactAt = this.now();
    this.offlineSince = undefined;
    const remaining = Number.parseInt(headers.get('x-ratelimit-remaining') ?? '', 10);
    const reset = Number.parseInt(headers.get('x-ratelimit-reset') ?? '', 10);
    const limit = Number.parseInt(headers.get('x-ratelimit-limit') ?? '', 10);
    if (Number.isFinite(remaining) && Number.isFinite(reset)) {
      this.rateLimit = { limit: Number.isFinite(limit) ? limit : undefined, remaining, resetAt: reset * 1000 };
    }
    this.changed();
  }

  recordSuccess(): void {
    this.backoffSince = undefined;
    if (this.lastError === undefined && this.announced.size === 0) return;
    this.lastError = undefined;
    this.announced.clear();
    this.changed();
  }

  recordFailure(problem: GitHubProblem): void {
    this.lastError = problem;
    if (problem.reason === 'unauthorized') this.tokenRejected = true;
    if (problem.reason === 'offline' || problem.reason === 'timeout') this.offlineSince = problem.at;
    if (problem.reason === 'offline' || problem.reason === 'timeout' || problem.reason === 'server-error')
      this.backoffSince = problem.at;
    if (problem.reason === 'rate-limited' && problem.resetAt !== undefined) {
      this.rateLimit = { limit: this.rateLimit?.limit, remaining: 0, resetAt: problem.resetAt };
    }
    this.changed();
    if (this.announced.has(problem.reason)) return;
    this.announced.add(problem.reason);
    for (const listener of this.problemListeners) listener(problem);
  }

  /** The fetch time of data just handed to a feature (for the cache-age display). */
  recordServed(key: string, fetchedAt: number): void {
    this.servedFetchedAt.set(key, fetchedAt);
  }

  forgetServed(): void {
    this.servedFetchedAt.clear();
  }

  private changed(): void {
    if (this.changeListeners.size === 0) return;
    const state = this.snapshot();
    for (const listener of this.changeListeners) listener(state);
  }
}

export function describeRateLimit(limit: number | undefined, resetAt: number, signedIn: boolean): string {
  const of = limit === undefined ? '' : ` (${limit} requests per hour)`;
  const hint = signedIn ? '' : ' Sign in to GitHub for a higher limit.';
  return `GitHub API rate limit reached${of}; it resets at ${new Date(resetAt).toISOString()}.${hint}`;
}
