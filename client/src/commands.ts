/** The command table: every contributed command has exactly one handler here (checked by a manifest test). */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RefreshGitHubRequest } from '../../server/src/protocol';
import type { GitHubAuthentication } from './auth';

export interface CommandContext {
  client: LanguageClient;
  log: vscode.LogOutputChannel;
  auth: GitHubAuthentication;
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
} satisfies Record<string, (context: CommandContext) => unknown>;

export type CommandId = keyof typeof COMMANDS;

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) => vscode.commands.registerCommand(id, () => handler(context)));
}
