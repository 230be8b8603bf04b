/**
 * The release files of one releases repository (a workspace folder), kept current from disk and open editors,
 * with per-file analyses cached so that an edit re-analyses only the edited file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { classifyPath, compareGoStrings, walkReleaseTree } from '../kayron/loader';
import { analyzeReleaseFile, validateWorkspace, type FileAnalysis, type WorkspaceValidation } from '../features/validate';
import { MAX_RELEASE_FILE_BYTES, oversizedFileAnalysis } from '../features/lint-tree';
import { analyzeReleaseFileIncremental } from '../features/incremental-analysis';

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

export class ReleaseWorkspace {
  private readonly files = new Map<string, TrackedFile>();
  private validation: WorkspaceValidation | undefined;

  constructor(readonly rootPath: string) {}

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
      if (!seen.has(relativePath) && !this.files.get(relativePath)?.open) this.files.delete(relativePath);
    }
    this.validation = undefined;
  }

  /** Re-reads one file from disk (file events for files that no editor has open). */
  async reloadFromDisk(relativePath: string): Promise<void> {
    if (this.files.get(relativePath)?.open) return;
    const absolutePath = path.join(this.rootPath, relativePath);
    let bytes: Buffer;
    try {
      const stat = await fs.lstat(absolutePath);
      if (stat.isDirectory()) return;
      if (stat.size > MAX_RELEASE_FILE_BYTES) {
        this.files.set(relativePath, { relativePath, text: '', open: false, diskHasBom: false, analysis: oversizedFileAnalysis(analyzeReleaseFile(relativePath, ''), stat.size) });
        this.validation = undefined;
        return;
      }
      bytes = await fs.readFile(absolutePath);
    } catch {
      this.files.delete(relativePath);
      this.validation = undefined;
      return;
    }
    this.setText(relativePath, bytes.toString('utf8'), false, false);
  }

  /** Text from an open editor. `diskHasBom` comes from the file on disk, since editors hide the BOM. */
  setOpenText(relativePath: string, text: string, diskHasBom: boolean): void {
    if (text.length > MAX_RELEASE_FILE_BYTES) {
      // The same limit as for files on disk: an editor buffer of a huge dump is reported, not parsed on every keystroke.
      const previous = this.files.get(relativePath);
      if (previous?.open && previous.text === text) return;
      this.files.set(relativePath, { relativePath, text, open: true, diskHasBom, analysis: oversizedFileAnalysis(analyzeReleaseFile(relativePath, ''), Buffer.byteLength(text)) });
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
    if (this.files.delete(relativePath)) this.validation = undefined;
  }

  private setText(relativePath: string, text: string, open: boolean, diskHasBom: boolean): void {
    if (!this.tracks(relativePath)) return;
    const previous = this.files.get(relativePath);
    if (previous && previous.text === text) {
      previous.open = open;
      return;
    }
    // An edit re-analyses only the entries whose text changed (large files would otherwise stall every keystroke).
    const analysis = analyzeReleaseFileIncremental(relativePath, text, previous?.analysis);
    this.files.set(relativePath, { relativePath, text, open, diskHasBom, analysis });
    this.validation = undefined;
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
    try {
      const handle = await fs.open(absolutePath, 'r');
      try {
        const buffer = Buffer.alloc(3);
        const { bytesRead } = await handle.read(buffer, 0, 3, 0);
        return bytesRead === 3 && buffer.equals(BOM);
      } finally {
        await handle.close();
      }
    } catch {
      return false;
    }
  }
}

/** Kayron's depth-first walk with byte-sorted names, expressed as a comparison of two file paths. */
export function compareWalkOrder(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? '';
    const y = right[i] ?? '';
    if (x !== y) return compareGoStrings(x, y);
  }
  return left.length - right.length;
}
