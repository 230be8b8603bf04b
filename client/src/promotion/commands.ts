/**
 * The promotion command table (checked against package.json by the manifest test, like client/src/commands.ts).
 * Each handler takes an optional argument with answers ({ root, service, branch, bumps, tag, confirm }) so that the
 * environments tree and tests can skip the pickers; the preview is always computed and shown.
 */
import * as vscode from 'vscode';
import { deployBranchToTesting, promoteServiceToStaging, promoteStagingToProduction, resetTestingToStaging, type PromotionContext } from './flows';

export const PROMOTION_COMMANDS = {
  'kayron.promote.toProduction': (context: PromotionContext, args?: unknown) => promoteStagingToProduction(context, args),
  'kayron.promote.toStaging': (context: PromotionContext, args?: unknown) => promoteServiceToStaging(context, args),
  'kayron.promote.branchToTesting': (context: PromotionContext, args?: unknown) => deployBranchToTesting(context, args),
  'kayron.promote.resetTesting': (context: PromotionContext, args?: unknown) => resetTestingToStaging(context, args),
} satisfies Record<string, (context: PromotionContext, args?: unknown) => unknown>;

export type PromotionCommandId = keyof typeof PROMOTION_COMMANDS;

export function registerPromotionCommandTable(context: PromotionContext): vscode.Disposable[] {
  return Object.entries(PROMOTION_COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (args?: unknown) => {
      try {
        return await handler(context, args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.log.error(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`Kayron: the promotion failed: ${message}`);
        return { status: 'failed', message, links: [] };
      }
    }),
  );
}
