/** The command table: every contributed command has exactly one handler here (checked by a manifest test). */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RefreshGitHubRequest } from '../../server/src/protocol';
import type { GitHubAuthentication } from './auth';
import type { PlanPreviews } from './plan';
import { bumpAllServices, bumpService, switchEntryToBranch, switchServiceToBranch } from './entry-commands';

export interface CommandContext {
  client: LanguageClient;
  log: vscode.LogOutputChannel;
  auth: GitHubAuthentication;
  plans: PlanPreviews;
}

export const COMMANDS = {
  'kayron.server.restart': async ({ client, log }: CommandContext) => {
    log.info('restarting the language server');
    await client.restart();
  },
  'kayron.output.show': ({ log }: CommandContext) => {
    log.show();
  },
  'kayron.github.signIn': async ({ auth }: CommandContext) => {
    await auth.refresh(true);
  },
  'kayron.github.refresh': async ({ client }: CommandContext) => {
    await client.sendRequest(RefreshGitHubRequest);
  },
  'kayron.bumpService': ({ client }: CommandContext) => bumpService(client),
  'kayron.switchServiceToBranch': ({ client }: CommandContext) => switchServiceToBranch(client),
  'kayron.bumpAllServices': ({ client }: CommandContext) => bumpAllServices(client),
  'kayron.plan.show': ({ plans }: CommandContext, args?: unknown) => plans.show(args),
  'kayron.entry.switchToBranch': ({ client }: CommandContext, target?: unknown) => switchEntryToBranch(client, target as { uri: string; index: number } | undefined),
} satisfies Record<string, (context: CommandContext, ...args: unknown[]) => unknown>;

export type CommandId = keyof typeof COMMANDS;

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const table: Record<string, (context: CommandContext, ...args: unknown[]) => unknown> = COMMANDS;
  return Object.entries(table).map(([id, handler]) => vscode.commands.registerCommand(id, (...args: unknown[]) => handler(context, ...args)));
}
