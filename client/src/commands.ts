/** The command table: every contributed command has exactly one handler here (checked by a manifest test). */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export interface CommandContext {
  client: LanguageClient;
  log: vscode.LogOutputChannel;
}

export const COMMANDS = {
  'kayron.server.restart': async ({ client, log }: CommandContext) => {
    log.info('restarting the language server');
    await client.restart();
  },
  'kayron.output.show': ({ log }: CommandContext) => {
    log.show();
  },
} satisfies Record<string, (context: CommandContext) => unknown>;

export type CommandId = keyof typeof COMMANDS;

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) => vscode.commands.registerCommand(id, () => handler(context)));
}
