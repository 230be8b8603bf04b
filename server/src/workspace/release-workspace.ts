/**
 * The release files of one releases repository (a workspace folder), kept current from disk and open editors,
 * with per-file analyses cached so that an edit re-analyses only the edited file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyPath, walkReleaseTree } from '../kayron/loader';
import { compareWalkOrder } from '../kayron/entry-model';
import {
  analyzeReleaseFile,
  validateWorkspace,
  type FileAnalysis,
  type WorkspaceValidation,
} from '../features/validate';
import { analysisOfUnread, MAX_RELEASE_FILE_BYTES, oversizedFileAnalysis } from '../features/lint-tree';
import { readRegularFile, releaseFileText } from '../kayron/regular-file';
import {
  adoptTransferred,
  analyzeIncrementallyOrDefer,
  analyzeInSlices,
  type DeferLimits,
  type TransferredAnalysis,
} from '../features/incremental-analysis';
import { DEFAULT_DEFER_LIMITS, type Analyzer } from './analysis-pool';

interface TrackedFile {
  relativePath: string;
  text: string;
  analysis: FileAnalysis;
  /** True while an editor owns the text (disk changes are ignored until it closes). */
  open: boolean;
  /** Set when the file on disk starts with a UTF-8 BOM (editors strip it from the text they send). */
  diskHasBom: boolean;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface ReleaseWorkspaceOptions {
  /**
   * Where whole-file parses of large files run (a worker thread). With one, large work is also sliced on this
   * thread; without one, every analysis runs synchronously (the CLI, and unit tests that want it so).
   */
  analyzer?: Analyzer;
  limits?: DeferLimits;
  /** Called when a deferred analysis has been installed (its diagnostics are due). */
  onAnalyzed?: (relativePath: string) => void;
  /** Called when a deferred analysis failed; the file keeps its previous analysis. */
  onError?: (relativePath: string, error: Error) => void;
}

/** The newest text of a file whose analysis runs elsewhere, with how it should be tracked once analysed. */
interface WantedText {
  text: string;
  open: boolean;
  diskHasBom: boolean;
}

export class ReleaseWorkspace {
  private readonly files = new Map<string, TrackedFile>();
  private validation: WorkspaceValidation | undefined;
  /** Texts waiting for (or in) a deferred analysis; a tracked file keeps its last analysed text meanwhile. */
  private readonly wanted = new Map<string, WantedText>();
  /** At most one deferred analysis per file runs at a time; it picks up the newest wanted text when it ends. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    readonly rootPath: string,
    private readonly options: ReleaseWorkspaceOptions = {},
  ) {}

  relativePathOf(absolutePath: string): string | undefined {
    const relative = path.relative(this.rootPath, absolutePath);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }

  /** Whether Kayron loads this path, or it is an ignored near miss worth a warning. */
  tracks(relativePath: string): boolean {
    const fileClass = classifyPath(relativePath);
    return fileClass.loadedByKayron || fileClass.ignoredExtension;
  }

  async scan(): Promise<void> {
    const walked = await walkReleaseTree(this.rootPath, { includeIgnored: true });
    const seen = new Set<string>();
    for (const file of walked) {
      seen.add(file.relativePath);
      const tracked = this.files.get(file.relativePath);
      if (tracked?.open) continue;
      await this.reloadFromDisk(file.relativePath);
    }
    for (const relativePath of [...this.files.keys()]) {
      if (!seen.has(relativePath) && !this.files.get(relativePath)?.open) this.forget(relativePath);
    }
    this.validation = undefined;
    // Files met for the first time are analysed before the scan counts as done.
    await this.settled();
  }

  /** Re-reads one file from disk (file events for files that no editor has open). */
  async reloadFromDisk(relativePath: string): Promise<void> {
    if (this.files.get(relativePath)?.open) return;
    const absolutePath = path.join(this.rootPath, relativePath);
    // Only regular files, never more than the limit: a FIFO or a link to /dev/zero gets a problem, not a hung scan.
    const read = await readRegularFile(absolutePath, { maxBytes: MAX_RELEASE_FILE_BYTES });
    if (this.files.get(relativePath)?.open) return;
    if (read.kind === 'missing') {
      // Gone, or a directory: nothing to track (the CLI reports a dangling link, as Kayron fails on it).
      this.forget(relativePath);
      return;
    }
    if (read.kind !== 'read') {
      this.wanted.delete(relativePath);
      this.files.set(relativePath, {
        relativePath,
        text: '',
        open: false,
        diskHasBom: false,
        analysis: analysisOfUnread(relativePath, read),
      });
      this.validation = undefined;
      return;
    }
    const bytes = read.bytes;
    this.setText(relativePath, releaseFileText(bytes), false, false);
  }

  /** Text from an open editor. `diskHasBom` comes from the file on disk, since editors hide the BOM. */
  setOpenText(relativePath: string, text: string, diskHasBom: boolean): void {
    if (text.length > MAX_RELEASE_FILE_BYTES) {
      // The same limit as for files on disk: an editor buffer of a huge dump is reported, not parsed on every keystroke.
      const previous = this.files.get(relativePath);
      this.wanted.delete(relativePath);
      if (previous?.open && previous.text === text) return;
      this.files.set(relativePath, {
        relativePath,
        text,
        open: true,
        diskHasBom,
        analysis: oversizedFileAnalysis(analyzeReleaseFile(relativePath, ''), Buffer.byteLength(text)),
      });
      this.validation = undefined;
      return;
    }
    this.setText(relativePath, diskHasBom && text.charCodeAt(0) !== 0xfeff ? `\ufeff${text}` : text, true, diskHasBom);
  }

  async closeDocument(relativePath: string): Promise<void> {
    const tracked = this.files.get(relativePath);
    if (tracked) tracked.open = false;
    await this.reloadFromDisk(relativePath);
  }

  delete(relativePath: string): void {
    this.forget(relativePath);
  }

  /**
   * Forgets the closed files that Kayron's walk would no longer find (deleted, replaced by a folder, or under a folder
   * that became a file or a link), and returns them. File watchers drop and delay events, so this is checked on other
   * occasions too; it only stats (the file and the folders above it, each once), never reads.
   */
  async dropVanished(): Promise<string[]> {
    const folderChecks = new Map<string, Promise<boolean>>();
    const isRealFolder = (relativeDir: string): Promise<boolean> => {
      let check = folderChecks.get(relativeDir);
      if (!check) {
        const parent = path.posix.dirname(relativeDir);
        check = (parent === '.' ? Promise.resolve(true) : isRealFolder(parent)).then(async (parentOk) => {
          if (!parentOk) return false;
          const stat = await fs.lstat(path.join(this.rootPath, relativeDir)).catch(() => undefined);
          return stat?.isDirectory() === true;
        });
        folderChecks.set(relativeDir, check);
      }
      return check;
    };
    const closed = [...this.files.values()].filter((file) => !file.open && !this.wanted.get(file.relativePath)?.open);
    const vanished: string[] = [];
    await Promise.all(
      closed.map(async ({ relativePath }) => {
        const folder = path.posix.dirname(relativePath);
        const stat = await fs.lstat(path.join(this.rootPath, relativePath)).catch(() => undefined);
        const walked = stat !== undefined && !stat.isDirectory() && (folder === '.' || (await isRealFolder(folder)));
        if (!walked) vanished.push(relativePath);
      }),
    );
    // An editor may have opened one of them meanwhile: its text is the editor's now.
    const dropped = vanished.filter((relativePath) => {
      const file = this.files.get(relativePath);
      return file !== undefined && !file.open;
    });
    for (const relativePath of dropped) this.forget(relativePath);
    return dropped.sort(compareWalkOrder);
  }

  private forget(relativePath: string): void {
    this.wanted.delete(relativePath);
    if (this.files.delete(relativePath)) this.validation = undefined;
  }

  private setText(relativePath: string, text: string, open: boolean, diskHasBom: boolean): void {
    if (!this.tracks(relativePath)) return;
    const previous = this.files.get(relativePath);
    if (previous && previous.text === text) {
      // Back to the analysed text (e.g. an undo) while a deferred analysis runs: that analysis is moot now.
      this.wanted.delete(relativePath);
      previous.open = open;
      return;
    }
    const wanted = this.wanted.get(relativePath);
    if (wanted?.text === text) {
      wanted.open = open;
      return;
    }
    // An edit re-analyses only the entries whose text changed (large files would otherwise stall every keystroke);
    // what would still block the event loop is analysed in slices or on the analyzer, and installed when done.
    const limits = this.options.analyzer
      ? (this.options.limits ?? DEFAULT_DEFER_LIMITS)
      : { wholeTextLength: Infinity, changedLength: Infinity };
    const analysis = analyzeIncrementallyOrDefer(relativePath, text, previous?.analysis, limits);
    if (!analysis) {
      this.wanted.set(relativePath, { text, open, diskHasBom });
      this.runDeferred(relativePath);
      return;
    }
    this.wanted.delete(relativePath);
    this.files.set(relativePath, { relativePath, text, open, diskHasBom, analysis });
    this.validation = undefined;
  }

  private runDeferred(relativePath: string): void {
    const analyzer = this.options.analyzer;
    const wanted = this.wanted.get(relativePath);
    if (!analyzer || !wanted || this.running.has(relativePath)) return;
    const isStale = () => this.wanted.get(relativePath) !== wanted;
    const job = (async () => {
      try {
        // Entry by entry, a few milliseconds at a time; only a text that cannot be split goes to the worker.
        const sliced = await analyzeInSlices(relativePath, wanted.text, this.files.get(relativePath)?.analysis, {
          isStale,
        });
        if (sliced === 'stale') return;
        const transferred = sliced ? undefined : await analyzer.analyze(relativePath, wanted.text);
        // Install only if nothing newer was asked for meanwhile (that text then gets its own run below).
        if (isStale()) return;
        this.wanted.delete(relativePath);
        const analysis =
          sliced ?? adoptTransferred(transferred as TransferredAnalysis, this.files.get(relativePath)?.analysis);
        this.files.set(relativePath, {
          relativePath,
          text: wanted.text,
          open: wanted.open,
          diskHasBom: wanted.diskHasBom,
          analysis,
        });
        this.validation = undefined;
        this.options.onAnalyzed?.(relativePath);
      } catch (error) {
        if (!isStale()) this.wanted.delete(relativePath);
        this.options.onError?.(relativePath, error instanceof Error ? error : new Error(String(error)));
      } finally {
        this.running.delete(relativePath);
        this.runDeferred(relativePath);
      }
    })();
    this.running.set(relativePath, job);
  }

  /** Resolves once no deferred analysis is pending (for one file, or for all): text and analysis then match. */
  async settled(relativePath?: string): Promise<void> {
    for (;;) {
      const jobs =
        relativePath === undefined
          ? [...this.running.values()]
          : [this.running.get(relativePath)].filter((job) => job !== undefined);
      if (jobs.length === 0) return;
      await Promise.all(jobs);
    }
  }

  /** The newest text of a tracked file: the one being analysed elsewhere, else the analysed one. */
  latestTextOf(relativePath: string): string | undefined {
    return this.wanted.get(relativePath)?.text ?? this.files.get(relativePath)?.text;
  }

  /** Whether some text of this file is still being analysed elsewhere (its tracked text is older). */
  isPending(relativePath: string): boolean {
    return this.wanted.has(relativePath);
  }

  /** Text as the server analysed it (a BOM the editor hid is restored at offset 0). */
  textOf(relativePath: string): string | undefined {
    return this.files.get(relativePath)?.text;
  }

  analysisOf(relativePath: string): FileAnalysis | undefined {
    return this.files.get(relativePath)?.analysis;
  }

  /** Files in Kayron's walk order. */
  orderedFiles(): TrackedFile[] {
    return [...this.files.values()].sort((a, b) => compareWalkOrder(a.relativePath, b.relativePath));
  }

  validate(): WorkspaceValidation {
    this.validation ??= validateWorkspace(this.orderedFiles().map((file) => file.analysis));
    return this.validation;
  }

  static async hasBom(absolutePath: string): Promise<boolean> {
    const read = await readRegularFile(absolutePath, { maxBytes: 3, prefixOnly: true });
    return read.kind === 'read' && read.bytes.equals(BOM);
  }
}

/** A release file's place: the innermost releases root holding the `file:` URI, and the path relative to it. */
export function locateInWorkspaces(
  workspaces: Iterable<ReleaseWorkspace>,
  uri: string,
): { workspace: ReleaseWorkspace; relativePath: string } | undefined {
  let absolute: string;
  try {
    if (!uri.startsWith('file:')) return undefined;
    absolute = fileURLToPath(uri);
  } catch {
    return undefined;
  }
  let best: { workspace: ReleaseWorkspace; relativePath: string } | undefined;
  for (const workspace of workspaces) {
    const relativePath = workspace.relativePathOf(absolute);
    if (relativePath !== undefined && (!best || workspace.rootPath.length > best.workspace.rootPath.length))
      best = { workspace, relativePath };
  }
  return best;
}
