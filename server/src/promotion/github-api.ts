/**
 * Uncached GitHub REST calls for promotions. Promotions must see GitHub as it is now (no TTL cache) and must never
 * repeat a write on their own: a POST retried after a lost answer could open a second pull request or release. So this
 * is plain fetch with a deadline, no retry, and every line meant for people passes through `redact`.
 */
import { redact } from '../github/client';

export const PROMOTION_TIMEOUT_MS = 20_000;

export interface ApiResponse<T = unknown> {
  status: number;
  data: T;
  headers: Headers;
}

/** A call that could not be made (network, timeout) or an answer the caller did not expect, with a redacted message. */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export interface GitHubApiOptions {
  apiUrl: string;
  token: string | undefined;
  timeoutMs?: number;
  userAgent?: string;
  /** One line per call: method, path and status (never headers or bodies, so never a token). */
  log?: (line: string) => void;
}

/** `heads/feature/x` stays one path with its slashes; every segment is escaped on its own. */
export function encodePath(value: string): string {
  return value.split('/').map(encodeURIComponent).join('/');
}

export class GitHubApi {
  readonly apiUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly log: (line: string) => void;

  constructor(options: GitHubApiOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.token = options.token || undefined;
    this.timeoutMs = options.timeoutMs ?? PROMOTION_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? 'kayron-releases';
    this.log = options.log ?? (() => undefined);
  }

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  redact(text: string): string {
    return redact(text, this.token);
  }

  /** One request; any HTTP status comes back as a response. Throws GitHubApiError only when there is no answer. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': this.userAgent,
    };
    if (this.token) headers.authorization = `token ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers,
        signal: controller.signal,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let data: unknown = undefined;
      if (text !== '') {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      this.log(this.redact(`${method} ${path} → ${response.status}`));
      return { status: response.status, data: data as T, headers: response.headers };
    } catch (error) {
      const reason = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(error);
      const message = this.redact(`${method} ${path} failed: ${reason}`);
      this.log(message);
      throw new GitHubApiError(message, undefined, method, path);
    } finally {
      clearTimeout(timer);
    }
  }

  /** GitHub's own explanation of a failed call (message plus the `errors` details), redacted. */
  describeFailure(response: ApiResponse, what: string): string {
    return this.redact(`${what}: GitHub answered ${response.status}${githubMessage(response.data)}`);
  }
}

/** ` (message; detail, detail)` from GitHub's JSON error body, or ''. */
export function githubMessage(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const body = data as { message?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (typeof body.message === 'string') parts.push(body.message);
  if (Array.isArray(body.errors)) {
    for (const error of body.errors) {
      if (typeof error === 'string') parts.push(error);
      else if (typeof error === 'object' && error !== null) {
        const detail = error as { message?: unknown; code?: unknown; field?: unknown };
        const text = [detail.field, detail.code, detail.message].filter((part) => typeof part === 'string').join(' ');
        if (text) parts.push(text);
      }
    }
  }
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}
