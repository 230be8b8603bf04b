/**
 * Which files Kayron loads (kayron-spec §1.2–1.3), as pure path logic plus a walker for real trees.
 * Paths here are relative to the releases repo root and `/`-separated, exactly as Kayron's walk sees them from `.`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readRegularFile } from './regular-file';

/** Kayron's whitelist after `filepath.Clean`: the trailing slash is lost, hence the prefix quirk. */
export const WHITELIST = ['infrastructure', 'service'] as const;
/** The folders the releases CI mounts into the lint container. */
export const CI_MOUNTED_FOLDERS = ['infrastructure', 'service'] as const;
export const RELEASE_FILE_EXTENSION = '.yaml';

export interface ReleaseFileClass {
  /** The operator loads it from `.` (also `kayron lint` run in the repo root). */
  loadedByKayron: boolean;
  /** The releases CI lint sees it (only the mounted `infrastructure/` and `service/` trees). */
  seenByCiLint: boolean;
  /** A `.yml`/`.YAML`-style near miss that Kayron silently ignores inside a walked folder. */
  ignoredExtension: boolean;
}

function goExt(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot);
}

/** Whether Kayron's walk descends into every directory on the way to `relativePath` (a file path). */
export function isWalkedDirectoryChain(relativePath: string): boolean {
  const parts = relativePath.split('/');
  parts.pop();
  let current = '';
  for (const part of parts) {
    current = current === '' ? part : `${current}/${part}`;
    if (!WHITELIST.some((entry) => current.startsWith(entry))) return false;
  }
  return true;
}

export function classifyPath(relativePath: string): ReleaseFileClass {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const walked = isWalkedDirectoryChain(relativePath);
  const extension = goExt(name);
  const loadedByKayron = walked && extension === RELEASE_FILE_EXTENSION;
  const topFolder = relativePath.includes('/') ? relativePath.slice(0, relativePath.indexOf('/')) : undefined;
  const seenByCiLint =
    loadedByKayron && topFolder !== undefined && (CI_MOUNTED_FOLDERS as readonly string[]).includes(topFolder);
  const ignoredExtension = walked && !loadedByKayron && /^\.ya?ml$/i.test(extension);
  return { loadedByKayron, seenByCiLint, ignoredExtension };
}

/** Go's `sort.Strings`: byte order of the UTF-8 encoding. */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export interface WalkedFile {
  /** `/`-separated path relative to the root, in Kayron's walk order. */
  relativePath: string;
  absolutePath: string;
  class: ReleaseFileClass;
}

export interface WalkOptions {
  /** Stop collecting after this many files; guards against walking a huge unrelated tree. */
  maxFiles?: number;
  /** Include ignored `.yml` near misses (for warnings). */
  includeIgnored?: boolean;
}

/**
 * Walks `root` as Kayron's loader does with root `.`: depth-first, names sorted bytewise, directories
 * entered only when whitelisted by prefix, `Lstat` semantics (a symlinked directory is treated like a file).
 */
export async function walkReleaseTree(root: string, options: WalkOptions = {}): Promise<WalkedFile[]> {
  const maxFiles = options.maxFiles ?? 100_000;
  const found: WalkedFile[] = [];
  async function visit(relativeDir: string): Promise<void> {
    const absoluteDir = relativeDir === '' ? root : path.join(root, relativeDir);
    const names = (await fs.readdir(absoluteDir)).sort(compareGoStrings);
    for (const name of names) {
      if (found.length >= maxFiles) return;
      const relativePath = relativeDir === '' ? name : `${relativeDir}/${name}`;
      const absolutePath = path.join(absoluteDir, name);
      let stat;
      try {
        stat = await fs.lstat(absolutePath);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (WHITELIST.some((entry) => relativePath.startsWith(entry))) await visit(relativePath);
        continue;
      }
      const fileClass = classifyPath(relativePath);
      if (fileClass.loadedByKayron || (options.includeIgnored && fileClass.ignoredExtension)) {
        found.push({ relativePath, absolutePath, class: fileClass });
      }
    }
  }
  await visit('');
  return found;
}

/** A Kayron release list: a top-level sequence item that starts with one of Kayron's keys. */
const RELEASE_LIST_LINE = /^-\s+(?:docker|github|provider|deploy)\s*:/m;

/**
 * Whether a folder is a releases repository: a file in `infrastructure/` or `service/` (any depth) holds a Kayron
 * release list. A `service/` folder with other YAML (Helm values, say) does not count, so unrelated repos are left alone.
 */
export async function looksLikeReleasesRepo(root: string, maxFilesToRead = 20): Promise<boolean> {
  let files: WalkedFile[];
  try {
    files = await walkReleaseTree(root, { maxFiles: 200 });
  } catch {
    return false;
  }
  const candidates = files.filter((file) => file.class.seenByCiLint).slice(0, maxFilesToRead);
  for (const file of candidates) {
    // Only the start of a regular file: a FIFO or a link to /dev/zero named *.yaml must not stall the detection.
    const read = await readRegularFile(file.absolutePath, { maxBytes: 64 * 1024, prefixOnly: true });
    if (read.kind === 'read' && RELEASE_LIST_LINE.test(read.bytes.toString('utf8'))) return true;
  }
  return false;
}

/**
 * Single-file mode (an editor opened a file outside every releases root): the nearest folder above `filePath` from
 * which Kayron would load it through `infrastructure*`/`service*` folders and that is a releases repository. Only
 * such folders are asked, so opening `~/notes.yaml` reads nothing.
 */
export async function nearestReleasesRoot(filePath: string): Promise<string | undefined> {
  let candidate = path.dirname(filePath);
  for (;;) {
    const parent = path.dirname(candidate);
    if (parent === candidate) return undefined;
    candidate = parent;
    const relativePath = path.relative(candidate, filePath).split(path.sep).join('/');
    const fileClass = classifyPath(relativePath);
    if (
      (fileClass.loadedByKayron || fileClass.ignoredExtension) &&
      relativePath.includes('/') &&
      (await looksLikeReleasesRepo(candidate))
    )
      return candidate;
  }
}
