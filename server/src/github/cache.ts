/**
 * Response cache for GitHub list and item GETs: memory first, then JSON files in a directory, with a TTL.
 * A stale entry is revalidated page by page with If-None-Match, so an unchanged list costs one 304 per page and no
 * body. Concurrent loads of one key share one revalidation, page requests are capped, and a stale entry can be served
 * while it is revalidated in the background. Entries hold mapped data only: no request headers, so never a token.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitHubFailure, type GitHubLog, type PageResponse } from './client';

const CACHE_FORMAT = 1;
/** A runaway Link chain must not loop forever: 50 pages × 100 items; longer lists are kept but marked truncated. */
export const MAX_PAGES = 50;
export const DEFAULT_TTL_MS = 5 * 60_000;
export const DEFAULT_MAX_CONCURRENT = 4;

export interface CachedPage {
  etag: string | undefined;
  data: unknown;
  next: boolean;
}

export interface CacheEntry {
  key: string;
  /** Epoch ms of the last successful (re)validation. */
  fetchedAt: number;
  /** Epoch ms of the last validation that found different content (absent in older files: use fetchedAt). */
  changedAt?: number;
  /**
   * Marked stale by `expire()` (a manual refresh): revalidate on next use. The fetch time stays true, so an entry
   * that could not be revalidated (offline) still shows its real age.
   */
  expired?: boolean;
  /** GitHub answered 404. */
  notFound: boolean;
  /** More pages existed than MAX_PAGES; the list is incomplete. */
  truncated: boolean;
  pages: CachedPage[];
}

/** Fetch one page (from 1), conditionally when an ETag is given. Throws GitHubFailure when there is no answer. */
export type PageFetcher = (page: number, etag: string | undefined) => Promise<PageResponse>;

export interface LoadOptions {
  /** Revalidate now even when fresh (still conditional: unchanged pages cost a 304). */
  force?: boolean;
  /** Serve a stale entry at once and revalidate in the background (stale-while-revalidate). */
  allowStale?: boolean;
  /** A stale entry counts as fresh while this says so (e.g. a list derived from another one that did not change). */
  stillFresh?: (entry: CacheEntry) => Promise<boolean>;
}

export type CacheLoad =
  | { ok: true; entry: CacheEntry; stale: boolean; source: 'memory' | 'disk' | 'network' }
  | { ok: false; failure: GitHubFailure; stale: CacheEntry | undefined };

export interface GitHubCacheOptions {
  /** Where JSON files go; memory only when absent. */
  directory?: string;
  ttlMs?: number;
  /** Page requests in flight at once, across all keys. */
  maxConcurrent?: number;
  /** Pages fetched per list at most (default MAX_PAGES). */
  maxPages?: number;
  now?: () => number;
  log?: GitHubLog;
}

export class GitHubCache {
  readonly ttlMs: number;
  private readonly directory: string | undefined;
  private readonly now: () => number;
  private readonly log: GitHubLog;
  private readonly memory = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<CacheLoad>>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly limiter: Limiter;
  private readonly maxPages: number;

  constructor(options: GitHubCacheOptions = {}) {
    this.directory = options.directory;
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.limiter = new Limiter(options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
    this.maxPages = options.maxPages ?? MAX_PAGES;
  }

  isFresh(entry: CacheEntry): boolean {
    return entry.expired !== true && this.now() - entry.fetchedAt < this.ttlMs;
  }

  /** The entry in memory, if any, without touching disk or network. */
  peek(key: string): CacheEntry | undefined {
    return this.memory.get(key);
  }

  /** The entry in memory or on disk, without touching the network. */
  async cached(key: string): Promise<CacheEntry | undefined> {
    return this.memory.get(key) ?? (await this.readDisk(key));
  }

  /** When the entry's content last changed. */
  static changedAt(entry: CacheEntry): number {
    return entry.changedAt ?? entry.fetchedAt;
  }

  async load(key: string, fetchPage: PageFetcher, options: LoadOptions = {}): Promise<CacheLoad> {
    const running = this.inFlight.get(key);
    if (running && !options.allowStale) return running;
    const fromMemory = this.memory.get(key);
    const cached = fromMemory ?? (await this.readDisk(key));
    const source = fromMemory ? 'memory' : 'disk';
    if (cached && !options.force && (this.isFresh(cached) || (await options.stillFresh?.(cached))))
      return { ok: true, entry: cached, stale: false, source };
    if (cached && options.allowStale && !options.force) {
      this.revalidateInBackground(key, cached, fetchPage);
      return { ok: true, entry: cached, stale: true, source };
    }
    return this.revalidate(key, cached, fetchPage);
  }

  /**
   * Mark entries stale (all, or those whose key starts with `prefix`) so the next load revalidates them.
   * ETags are kept, so a manual refresh of unchanged data costs only 304s.
   */
  async expire(prefix = ''): Promise<void> {
    for (const entry of this.memory.values()) if (entry.key.startsWith(prefix)) entry.expired = true;
    for (const file of await this.diskFiles()) {
      const entry = await this.readFile(file);
      if (!entry || !entry.key.startsWith(prefix) || this.memory.has(entry.key)) continue;
      entry.expired = true;
      this.memory.set(entry.key, entry);
      await this.writeDisk(entry);
    }
  }

  /** Forget everything, on disk too. */
  async clear(): Promise<void> {
    this.memory.clear();
    for (const file of await this.diskFiles()) await rm(file, { force: true });
  }

  /** Resolves once no revalidation (foreground or background) is running; for shutdown and tests. */
  async settled(): Promise<void> {
    while (this.background.size > 0 || this.inFlight.size > 0) {
      await Promise.allSettled([...this.background, ...this.inFlight.values()]);
    }
  }

  private revalidateInBackground(key: string, cached: CacheEntry, fetchPage: PageFetcher): void {
    if (this.inFlight.has(key)) return;
    const task = this.revalidate(key, cached, fetchPage).finally(() => this.background.delete(task));
    this.background.add(task);
  }

  private revalidate(key: string, cached: CacheEntry | undefined, fetchPage: PageFetcher): Promise<CacheLoad> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const task = this.fetchAllPages(key, cached, fetchPage).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, task);
    return task;
  }

  private async fetchAllPages(key: string, cached: CacheEntry | undefined, fetchPage: PageFetcher): Promise<CacheLoad> {
    const pages: CachedPage[] = [];
    let notFound = false;
    try {
      for (let page = 1; page <= this.maxPages; page++) {
        const previous = cached?.pages[page - 1];
        const response = await this.limiter.run(() => fetchPage(page, previous?.etag));
        if (response.kind === 'not-found') {
          // A 404 for the list itself is an answer; for a later page it leaves the list incomplete, and absence from
          // an incomplete list proves nothing.
          if (page > 1)
            throw new GitHubFailure(
              'unexpected',
              `GitHub answered 404 for page ${page} of ${key}; the list is incomplete.`,
              404,
            );
          notFound = true;
          break;
        }
        if (response.kind === 'not-modified') {
          if (!previous)
            throw new GitHubFailure('unexpected', `GitHub answered 304 to an unconditional request (${key}).`);
          pages.push(previous);
          if (!previous.next) break;
          continue;
        }
        pages.push({ etag: response.etag, data: response.data, next: response.next });
        if (!response.next) break;
      }
    } catch (error) {
      const failure = error instanceof GitHubFailure ? error : new GitHubFailure('unexpected', String(error));
      return { ok: false, failure, stale: cached };
    }
    const truncated = pages.length === this.maxPages && pages[this.maxPages - 1]?.next === true;
    if (truncated) this.log('warn', `${key}: more than ${this.maxPages} pages; using the first ${this.maxPages}.`);
    // A 304 keeps the very page object, so unchanged content is the same pages in the same order.
    const unchanged =
      cached !== undefined &&
      cached.notFound === notFound &&
      cached.pages.length === pages.length &&
      pages.every((page, index) => page === cached.pages[index]);
    const fetchedAt = this.now();
    const entry: CacheEntry = {
      key,
      fetchedAt,
      changedAt: unchanged ? GitHubCache.changedAt(cached) : fetchedAt,
      notFound,
      truncated,
      pages,
    };
    this.memory.set(key, entry);
    await this.writeDisk(entry);
    return { ok: true, entry, stale: false, source: 'network' };
  }

  private fileFor(key: string): string | undefined {
    if (this.directory === undefined) return undefined;
    return path.join(this.directory, `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  private async readDisk(key: string): Promise<CacheEntry | undefined> {
    const file = this.fileFor(key);
    if (file === undefined) return undefined;
    const entry = await this.readFile(file);
    if (!entry || entry.key !== key) return undefined;
    this.memory.set(key, entry);
    return entry;
  }

  private async readFile(file: string): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as { format?: unknown; entry?: unknown };
      return parsed.format === CACHE_FORMAT && isCacheEntry(parsed.entry) ? parsed.entry : undefined;
    } catch {
      this.log('warn', `Ignoring unreadable GitHub cache file ${file}`);
      return undefined;
    }
  }

  private async writeDisk(entry: CacheEntry): Promise<void> {
    const file = this.fileFor(entry.key);
    if (file === undefined || this.directory === undefined) return;
    // Write then rename, so a reader (or a second editor window) never sees half a file.
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(this.directory, { recursive: true });
      await writeFile(temporary, JSON.stringify({ format: CACHE_FORMAT, entry }), 'utf8');
      await rename(temporary, file);
    } catch (error) {
      this.log('warn', `Could not write the GitHub cache (${String(error)}); continuing from memory.`);
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }

  private async diskFiles(): Promise<string[]> {
    if (this.directory === undefined) return [];
    try {
      const directory = this.directory;
      return (await readdir(directory))
        .filter((name) => /^[0-9a-f]{64}\.json$/.test(name))
        .map((name) => path.join(directory, name));
    } catch {
      return [];
    }
  }
}

function isCacheEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.key === 'string' &&
    typeof entry.fetchedAt === 'number' &&
    (entry.changedAt === undefined || typeof entry.changedAt === 'number') &&
    (entry.expired === undefined || typeof entry.expired === 'boolean') &&
    typeof entry.notFound === 'boolean' &&
    typeof entry.truncated === 'boolean' &&
    Array.isArray(entry.pages) &&
    entry.pages.every(
      (page: unknown) =>
        typeof page === 'object' && page !== null && typeof (page as { next?: unknown }).next === 'boolean',
    )
  );
}

/** A counting semaphore: at most `limit` tasks run at once, the rest wait in order. */
class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so a newcomer cannot slip in between.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** Where the CLI and the standalone server keep the cache (VS Code passes its global storage instead). */
export function defaultCacheDirectory(): string {
  const base = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'kayron-releases', 'github');
}
