/**
 * The command table: every command the extension registers, name → handler, registered here and nowhere else (the
 * shape rust-analyzer's editors/code uses). The contributed ones are checked against package.json's
 * `contributes.commands` (test/unit/manifest.test.ts); `_kayron.*` commands are internal, with no palette entry.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RefreshGitHubRequest } from '../../server/src/protocol';
import type { GitHubAuthentication } from './auth';
import type { PlanPreviews } from './plan';
import { bumpAllServices, bumpService, switchEntryToBranch, switchServiceToBranch } from './entry-commands';
import {
  compare,
  compareWithNextStage,
  compareWithWorkingTree,
  copyVersion,
  fetchOrigin,
  openDefinition,
  openInWorkingTree,
  openReleasePage,
  planTarget,
  promotionTarget,
  type EnvironmentCommandContext,
} from './environments/commands';
import {
  deployBranchToTesting,
  promoteServiceToStaging,
  promoteStagingToProduction,
  resetTestingToStaging,
  type PromotionCommandResult,
  type PromotionContext,
} from './promotion/flows';

export interface CommandContext {
  client: LanguageClient;
  log: vscode.LogOutputChannel;
  auth: GitHubAuthentication;
  plans: PlanPreviews;
  promotion: PromotionContext;
  environments: EnvironmentCommandContext;
}

/** Makes a command's callback from the context; `id` is the command's name, for its log line when it fails. */
type CommandFactory = (context: CommandContext, id: string) => (arg?: unknown) => unknown;

/** A command whose failure VS Code reports itself (its "Running the contributed command … failed" notification). */
function command(run: (context: CommandContext, arg?: unknown) => unknown): CommandFactory {
  return (context) => (arg?: unknown) => run(context, arg);
}

/**
 * A promotion command: the argument carries answers ({ root, service, branch, bumps, tag, confirm }) so that the
 * environments tree and tests can skip the pickers; a failure is logged, shown, and returned as a failed result.
 */
function promotion(
  run: (context: PromotionContext, args?: unknown) => Promise<PromotionCommandResult>,
): CommandFactory {
  return ({ promotion: context }, id) =>
    async (args?: unknown) => {
      try {
        return await run(context, args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.log.error(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`Kayron: the promotion failed: ${message}`);
        return { status: 'failed', message, links: [] };
      }
    };
}

/** An environments command: gets the clicked tree node (or nothing, from the palette); a failure is logged and shown. */
function environments(run: (context: EnvironmentCommandContext, node?: unknown) => unknown): CommandFactory {
  return ({ environments: context }, id) =>
    async (node?: unknown) => {
      try {
        return await run(context, node);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.log.error(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`Kayron: ${message}`);
        return undefined;
      }
    };
}

export const COMMANDS = {
  'kayron.server.restart': command(async ({ client, log }) => {
    log.info('restarting the language server');
    await client.restart();
  }),
  'kayron.output.show': command(({ log }) => log.show()),
  'kayron.github.signIn': command(async ({ auth }) => {
    await auth.refresh(true);
  }),
  'kayron.github.refresh': command(async ({ client }) => {
    await client.sendRequest(RefreshGitHubRequest);
  }),
  'kayron.bumpService': command(({ client }) => bumpService(client)),
  'kayron.switchServiceToBranch': command(({ client }) => switchServiceToBranch(client)),
  'kayron.bumpAllServices': command(({ client }) => bumpAllServices(client)),
  'kayron.plan.show': command(({ plans }, args) => plans.show(args)),
  'kayron.entry.switchToBranch': command(({ client }, target) =>
    switchEntryToBranch(client, target as { uri: string; index: number } | undefined),
  ),

  'kayron.promote.toProduction': promotion(promoteStagingToProduction),
  'kayron.promote.toStaging': promotion(promoteServiceToStaging),
  'kayron.promote.branchToTesting': promotion(deployBranchToTesting),
  'kayron.promote.resetTesting': promotion(resetTestingToStaging),

  'kayron.environments.promoteToProduction': environments((_, node) =>
    vscode.commands.executeCommand('kayron.promote.toProduction', { root: promotionTarget(node).root }),
  ),
  'kayron.environments.promoteServiceToStaging': environments((_, node) => {
    const { root, service } = promotionTarget(node);
    return vscode.commands.executeCommand('kayron.promote.toStaging', {
      root,
      ...(service ? { bumps: [{ service }] } : {}),
    });
  }),
  'kayron.environments.deployBranchToTesting': environments((_, node) =>
    vscode.commands.executeCommand('kayron.promote.branchToTesting', promotionTarget(node)),
  ),
  'kayron.environments.resetTesting': environments((_, node) =>
    vscode.commands.executeCommand('kayron.promote.resetTesting', { root: promotionTarget(node).root }),
  ),
  'kayron.environments.showPlan': environments((_, node) =>
    vscode.commands.executeCommand('kayron.plan.show', planTarget(node)),
  ),
  'kayron.environments.refresh': environments(({ store }) => store.load({ refresh: true })),
  'kayron.environments.fetch': environments((context, node) => fetchOrigin(context, node)),
  'kayron.environments.groupByService': environments(({ setGrouping }) => setGrouping('service')),
  'kayron.environments.groupByEnvironment': environments(({ setGrouping }) => setGrouping('environment')),
  'kayron.environments.openDefinition': environments(({ store }, node) => openDefinition(store, node)),
  'kayron.environments.openInWorkingTree': environments(({ store }, node) => openInWorkingTree(store, node)),
  'kayron.environments.compareWithNextStage': environments(({ store }, node) => compareWithNextStage(store, node)),
  'kayron.environments.compareWithWorkingTree': environments(({ store }, node) => compareWithWorkingTree(store, node)),
  'kayron.environments.compare': environments(({ store }, args) => compare(store, args)),
  'kayron.environments.openReleasePage': environments(({ store }, node) => openReleasePage(store, node)),
  'kayron.environments.copyVersion': environments(({ store }, node) => copyVersion(store, node)),

  /** Internal (not contributed): the visible environments tree as plain data, for tests and bug reports. */
  '_kayron.environments.tree': command(({ environments: context }) => context.snapshot()),
} satisfies Record<string, CommandFactory>;

export type CommandId = keyof typeof COMMANDS;

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const table: Record<string, CommandFactory> = COMMANDS;
  return Object.entries(table).map(([id, factory]) => vscode.commands.registerCommand(id, factory(context, id)));
}
