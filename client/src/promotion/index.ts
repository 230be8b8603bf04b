/** Promotions in the client: the preview documents and the palette commands, registered with one call from activate(). */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerPromotionCommandTable } from './commands';
import { PromotionPreviews } from './preview';

export function registerPromotion(options: { client: LanguageClient; log: vscode.LogOutputChannel }): vscode.Disposable[] {
  const previews = new PromotionPreviews(options.log);
  return [previews, ...registerPromotionCommandTable({ client: options.client, log: options.log, previews })];
}
