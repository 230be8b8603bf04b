/**
 * The one way release files (and the few repository files the server looks at) are read: only regular files, the size
 * checked on the opened file, never more than `maxBytes + 1` bytes taken, and a deadline. A FIFO named `a.yaml` would
 * block a plain `readFile` forever, a link to `/dev/zero` would fill memory, and a hung network mount would hold every
 * request queued behind the scan.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import { goTextOf } from '../yaml/goccy-scalar';

/**
 * A release file's text as goccy reads it: Go turns the file into runes, one U+FFFD for each byte that starts no valid
 * UTF-8 sequence. Node's decoder gives one U+FFFD per invalid subsequence instead (`E2 82` before `A` is two
 * characters for goccy and one for Node), which would move goccy's columns.
 */
export function releaseFileText(bytes: Uint8Array): string {
  return goTextOf(bytes).text;
}

/** A read that has not finished by then is reported as unreadable; the scan goes on without it. */
export const FILE_READ_TIMEOUT_MS = 10_000;
const CHUNK_BYTES = 1024 * 1024;
/** Opening a FIFO for reading without O_NONBLOCK waits for a writer; a terminal would become the controlling one. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export type RegularFileRead =
  /** `bytes` is the whole file, or with `prefixOnly` at most `maxBytes` of it. */
  | { kind: 'read'; bytes: Buffer }
  | { kind: 'too-large'; size: number }
  /** A FIFO, socket or device (after following links): never opened for reading. */
  | { kind: 'not-regular'; what: string }
  /**
   * The path does not lead to a file (missing, a dangling link, a link loop, a directory behind a link): Kayron's
   * own read fails on it the same way, so it is an answer rather than an unknown.
   */
  | { kind: 'missing'; error: Error }
  /** Permission denied, an I/O error, or no answer in time: nobody knows what Kayron would read there. */
  | { kind: 'unreadable'; reason: string };

export interface RegularFileReadOptions {
  maxBytes: number;
  /** Read at most `maxBytes` and return them, however large the file is (sniffing a file's start). */
  prefixOnly?: boolean;
  timeoutMs?: number;
}

/** What a non-regular file is, for messages. */
export function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

const MISSING_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENAMETOOLONG']);

function classify(error: unknown): RegularFileRead {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && MISSING_CODES.has(code)) return { kind: 'missing', error: error as Error };
  return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
}

export async function readRegularFile(absolutePath: string, options: RegularFileReadOptions): Promise<RegularFileRead> {
  const timeoutMs = options.timeoutMs ?? FILE_READ_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<RegularFileRead>((resolve) => {
    timer = setTimeout(
      () => resolve({ kind: 'unreadable', reason: `no answer within ${timeoutMs / 1000} s` }),
      timeoutMs,
    );
    timer.unref();
  });
  try {
    // A read that outlives the deadline finishes (and closes its handle) on its own; nobody waits for it.
    return await Promise.race([readNow(absolutePath, options), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function readNow(absolutePath: string, options: RegularFileReadOptions): Promise<RegularFileRead> {
  // stat follows links: a link to /dev/zero is a character device here, and is never opened.
  let before: Stats;
  try {
    before = await fs.stat(absolutePath);
  } catch (error) {
    return classify(error);
  }
  if (before.isDirectory())
    return {
      kind: 'missing',
      error: Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: 'EISDIR' }),
    };
  if (!before.isFile()) return { kind: 'not-regular', what: fileKind(before) };
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(absolutePath, OPEN_FLAGS);
  } catch (error) {
    return classify(error);
  }
  try {
    // The path may have been swapped between stat and open: what counts is the file actually opened.
    const opened = await handle.stat();
    if (!opened.isFile()) return { kind: 'not-regular', what: fileKind(opened) };
    if (!options.prefixOnly && opened.size > options.maxBytes) return { kind: 'too-large', size: opened.size };
    const limit = options.prefixOnly ? options.maxBytes : options.maxBytes + 1;
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limit - total, Math.max(opened.size - total + 1, 4096)));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    // The file grew past the limit while it was read.
    if (!options.prefixOnly && total > options.maxBytes) return { kind: 'too-large', size: total };
    return { kind: 'read', bytes: chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (error) {
    return classify(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
