/**
 * Read-only documents of a release file at a git ref: `kayron-ref:/<environment@commit>/<path>?root=…&ref=…&path=…`.
 * The text comes from the server (`kayron/readFileAtRef`, read with git, no checkout); the path's first segment only
 * names the snapshot in the tab. A file that does not exist at the ref reads as empty, so a diff shows it added.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ReadFileAtRefRequest,
  REF_DOCUMENT_SCHEME,
  RELEASE_LANGUAGE_ID,
  type ReadFileAtRefParams,
} from '../../../server/src/protocol';

export function refDocumentUri(params: ReadFileAtRefParams, snapshot: string): vscode.Uri {
  const query = new URLSearchParams({ root: params.root, ref: params.ref, path: params.path }).toString();
  return vscode.Uri.from({
    scheme: REF_DOCUMENT_SCHEME,
    path: `/${snapshot.replace(/\//g, '-')}/${params.path}`,
    query,
  });
}

export function parseRefDocumentUri(uri: vscode.Uri): ReadFileAtRefParams | undefined {
  if (uri.scheme !== REF_DOCUMENT_SCHEME) return undefined;
  const query = new URLSearchParams(uri.query);
  const root = query.get('root');
  const ref = query.get('ref');
  const path = query.get('path');
  return root && ref && path ? { root, ref, path } : undefined;
}

export class RefDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(REF_DOCUMENT_SCHEME, this),
      // Release files at a ref get the release grammar; they are not `file:` documents, so the server never lints them.
      vscode.workspace.onDidOpenTextDocument((document) => void this.adopt(document)),
    ];
    for (const document of vscode.workspace.textDocuments) void this.adopt(document);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const params = parseRefDocumentUri(uri);
    if (!params) throw new Error(`not a Kayron ref document: ${uri.toString()}`);
    try {
      const result = await this.client.sendRequest(ReadFileAtRefRequest, params, token);
      return result?.text ?? '';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`reading ${params.path} at ${params.ref}: ${message}`);
      throw new Error(`Kayron: cannot read ${params.path} at ${params.ref}: ${message}`);
    }
  }

  private async adopt(document: vscode.TextDocument): Promise<void> {
    if (
      document.uri.scheme !== REF_DOCUMENT_SCHEME ||
      !document.uri.path.endsWith('.yaml') ||
      document.languageId === RELEASE_LANGUAGE_ID
    )
      return;
    await vscode.languages.setTextDocumentLanguage(document, RELEASE_LANGUAGE_ID);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
