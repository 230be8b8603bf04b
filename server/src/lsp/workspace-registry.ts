/**
 * The releases roots the server serves: the workspace folders' and those found above files opened outside every
 * folder; locating the root and path of a URI; and the editor's view of an open release file, which owns the one
 * offset shift between the server's text and the editor's (a byte-order mark the editor hides).
 */
import { fileURLToPath } from 'node:url';
import type { Position, Range, TextDocuments, WorkspaceFolder } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileAnalysis } from '../features/validate';
import { editorBomShift } from '../features/text-lines';
import { looksLikeReleasesRepo } from '../kayron/loader';
import { locateInWorkspaces, ReleaseWorkspace } from '../workspace/release-workspace';

export interface Located {
  workspace: ReleaseWorkspace;
  relativePath: string;
}

/**
 * An open release file whose analysis describes what the editor shows. Offsets are the server's (into `text`);
 * positions are the editor's.
 */
export interface EditorView extends Located {
  document: TextDocument;
  analysis: FileAnalysis;
  /** The server's text of the file (with a BOM the editor may hide). */
  text: string;
  /** The server's offset of an editor position. */
  offsetAt: (position: Position) => number;
  /** The editor position of a server offset. */
  positionAt: (offset: number) => Position;
  /** The editor range of a server `[start, end]`. */
  rangeOf: (range: readonly [number, number]) => Range;
}

export function filePath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export class WorkspaceRegistry {
  /** The releases roots, by root path. */
  readonly workspaces = new Map<string, ReleaseWorkspace>();
  private folders: WorkspaceFolder[] = [];
  /** Roots found above files opened outside every folder (single-file mode: `nvim service/service.yaml`). */
  private readonly fileRoots = new Set<string>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly newWorkspace: (rootPath: string) => ReleaseWorkspace,
  ) {}

  setFolders(folders: WorkspaceFolder[]): void {
    this.folders = folders;
  }

  changeFolders(added: readonly WorkspaceFolder[], removed: readonly WorkspaceFolder[]): void {
    const kept = this.folders.filter((folder) => !removed.some((gone) => gone.uri === folder.uri));
    this.folders = [...kept, ...added];
  }

  /** Remembers a root found above an opened file; false if it was known already. */
  addFileRoot(rootPath: string): boolean {
    if (this.fileRoots.has(rootPath)) return false;
    this.fileRoots.add(rootPath);
    return true;
  }

  all(): ReleaseWorkspace[] {
    return [...this.workspaces.values()];
  }

  locate(uri: string): Located | undefined {
    return locateInWorkspaces(this.workspaces.values(), uri);
  }

  /** Finds the roots among the folders and file roots again, scans each, and applies every open document to them. */
  async rescan(): Promise<void> {
    const next = new Map<string, ReleaseWorkspace>();
    const candidates = new Set([...this.folders.map((folder) => filePath(folder.uri)), ...this.fileRoots]);
    for (const rootPath of candidates) {
      if (!rootPath || next.has(rootPath) || !(await looksLikeReleasesRepo(rootPath))) continue;
      const workspace = this.workspaces.get(rootPath) ?? this.newWorkspace(rootPath);
      await workspace.scan();
      next.set(rootPath, workspace);
    }
    this.workspaces.clear();
    for (const [key, value] of next) this.workspaces.set(key, value);
    for (const document of this.documents.all()) await this.applyOpenDocument(document, true);
  }

  /**
   * Gives the workspace the editor's text of an open tracked file. `checkBom`: read from disk whether the file starts
   * with a BOM (the editor hides it); otherwise what the server's text says still holds.
   */
  async applyOpenDocument(document: TextDocument, checkBom: boolean): Promise<void> {
    const located = this.locate(document.uri);
    if (!located || !located.workspace.tracks(located.relativePath)) return;
    const absolute = filePath(document.uri);
    const known = located.workspace.textOf(located.relativePath);
    const bom =
      checkBom && absolute
        ? await ReleaseWorkspace.hasBom(absolute)
        : known?.charCodeAt(0) === 0xfeff && !document.getText().startsWith('\ufeff');
    located.workspace.setOpenText(located.relativePath, document.getText(), bom);
  }

  /**
   * The open release file at `uri` once its analysis describes the editor's text (a deferred analysis has finished);
   * undefined if it is not open, not a release file, or the editor has moved on meanwhile.
   */
  async editorView(uri: string): Promise<EditorView | undefined> {
    const located = this.locate(uri);
    if (!located) return undefined;
    await located.workspace.settled(located.relativePath);
    const document = this.documents.get(uri);
    const text = located.workspace.textOf(located.relativePath);
    const analysis = located.workspace.analysisOf(located.relativePath);
    if (!document || text === undefined || !analysis) return undefined;
    const shift = editorBomShift(text, document.getText());
    if (shift === undefined) return undefined;
    const positionAt = (offset: number) => document.positionAt(Math.max(0, offset - shift));
    return {
      ...located,
      document,
      analysis,
      text,
      offsetAt: (position) => document.offsetAt(position) + shift,
      positionAt,
      rangeOf: ([start, end]) => ({ start: positionAt(start), end: positionAt(end) }),
    };
  }
}
