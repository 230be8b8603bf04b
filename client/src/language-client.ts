/** Starts the Kayron language server (IPC, the bundled dist/server.js) and its output channels. */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { RELEASE_LANGUAGE_ID, type InitializationOptions } from '../../server/src/protocol';
import { TOKEN_ENVIRONMENT_VARIABLE } from './auth';

/**
 * The server's environment. The GitHub token travels only here (never in an LSP message, which tracing would
 * print); the language client reads this object on every (re)start.
 */
export const serverEnvironment: NodeJS.ProcessEnv = { ...process.env };

export function setServerToken(token: string | undefined): void {
  if (token) serverEnvironment[TOKEN_ENVIRONMENT_VARIABLE] = token;
  else delete serverEnvironment[TOKEN_ENVIRONMENT_VARIABLE];
}

/** `kayron.github.enabled`: off means no network request at all (read at each server start). */
export function githubEnabled(): boolean {
  return vscode.workspace.getConfiguration('kayron').get<boolean>('github.enabled', true);
}

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  // Whatever the user's shell exported must not silently become the extension's GitHub identity.
  delete serverEnvironment[TOKEN_ENVIRONMENT_VARIABLE];
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env: serverEnvironment } },
    debug: { module, transport: TransportKind.ipc, options: { env: serverEnvironment, execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Release files, plus `.yml`-style near misses in release folders so their rename quick fix works.
    documentSelector: [
      { scheme: 'file', language: RELEASE_LANGUAGE_ID },
      { scheme: 'file', language: 'yaml', pattern: '**/{infrastructure,service}*/**/*.{yml,YML,Yml,YAML,Yaml}' },
    ],
    outputChannel: log,
    traceOutputChannel: vscode.window.createOutputChannel('Kayron Releases (trace)'),
    synchronize: { configurationSection: 'kayron' },
    initializationOptions: (): InitializationOptions => ({
      cacheDirectory: vscode.Uri.joinPath(context.globalStorageUri, 'github').fsPath,
      trusted: vscode.workspace.isTrusted,
      githubEnabled: githubEnabled(),
    }),
  };
  return new LanguageClient('kayron', 'Kayron Releases', serverOptions, clientOptions);
}
