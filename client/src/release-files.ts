/**
 * Gives the `kayron-release` language to exactly the files the server says Kayron loads, and only inside folders
 * the server recognised as releases repositories, so an unrelated `service/` folder is never taken over.
 */
import * as vscode from 'vscode';
import { RELEASE_LANGUAGE_ID, type ReleaseRootsParams } from '../../server/src/protocol';

export class ReleaseFiles implements vscode.Disposable {
  private releaseFiles = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  roots: ReleaseRootsParams['roots'] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((document) => void this.adopt(document)),
      this.changed,
    );
  }

  update(params: ReleaseRootsParams): void {
    this.roots = params.roots;
    this.releaseFiles = new Set(
      params.roots.flatMap((root) => root.releaseFiles.map((uri) => vscode.Uri.parse(uri).toString())),
    );
    void vscode.commands.executeCommand('setContext', 'kayron.isReleasesRepo', params.roots.length > 0);
    for (const document of vscode.workspace.textDocuments) void this.adopt(document);
    this.changed.fire();
  }

  isReleaseFile(uri: vscode.Uri): boolean {
    return this.releaseFiles.has(uri.toString());
  }

  private async adopt(document: vscode.TextDocument): Promise<void> {
    if (document.languageId !== 'yaml' || !this.isReleaseFile(document.uri)) return;
    if (!vscode.workspace.getConfiguration('kayron', document.uri).get<boolean>('associateReleaseFiles', true)) return;
    await vscode.languages.setTextDocumentLanguage(document, RELEASE_LANGUAGE_ID);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
