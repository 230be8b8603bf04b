/**
 * Promotions in the client, set up with one call from activate(): the preview documents, and the context the palette
 * commands run with (they are registered from the command table in client/src/commands.ts).
 */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PromotionContext } from './flows';
import { PromotionPreviews } from './preview';

export function registerPromotion(options: { client: LanguageClient; log: vscode.LogOutputChannel }): {
  disposables: vscode.Disposable[];
  commands: PromotionContext;
} {
  const previews = new PromotionPreviews(options.log);
  return { disposables: [previews], commands: { client: options.client, log: options.log, previews } };
}
