/**
 * Read-only preview documents of promotion plans (`kayron-promotion:` URIs, Markdown): exactly what a promotion will
 * change — services, checks, file diffs and the GitHub requests — shown before the confirmation dialog, as source and
 * rendered (VS Code's Markdown preview) side by side.
 */
import * as vscode from 'vscode';
import type { PromotionPlan } from '../../../server/src/protocol';

export const PREVIEW_SCHEME = 'kayron-promotion';
/** Previews kept for re-opening; older ones are dropped. */
const MAX_PREVIEWS = 20;

export class PromotionPreviews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '# Preview expired\n\nRun the promotion command again to preview it.\n';
  }

  uriOf(plan: PromotionPlan): vscode.Uri {
    const name = plan.title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'promotion';
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name}.md`, query: plan.id });
  }

  /** Opens the plan's preview beside the current editor (Markdown, read-only) and returns its document. */
  async show(plan: PromotionPlan): Promise<vscode.TextDocument> {
    this.texts.set(plan.id, plan.preview);
    while (this.texts.size > MAX_PREVIEWS) {
      const oldest = this.texts.keys().next().value;
      if (oldest === undefined) break;
      this.texts.delete(oldest);
    }
    const uri = this.uriOf(plan);
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, {
      preview: true,
      preserveFocus: false,
      viewColumn: vscode.ViewColumn.Active,
    });
    // Rendered beside its source: headings, links and the notes read as Markdown; the source keeps the exact diff text.
    await Promise.resolve(vscode.commands.executeCommand('markdown.showPreviewToSide', uri)).catch((error: unknown) => {
      this.log.warn(
        `the rendered promotion preview did not open: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    return document;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
