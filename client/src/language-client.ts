/** Starts the Kayron language server (IPC, the bundled dist/server.js) and its output channels. */
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { RELEASE_LANGUAGE_ID, type InitializationOptions } from '../../server/src/protocol';
import { TOKEN_ENVIRONMENT_VARIABLE } from './auth';

/**
 * The server's environment. The GitHub token travels only here (never in an LSP message, which tracing would
 * print); the language client reads this object on every (re)start.
 */
export const serverEnvironment: NodeJS.ProcessEnv = { ...process.env };

/** Sets the token the next (re)start hands to the server: none while the workspace is not trusted. */
export function setServerToken(token: string | undefined): void {
  if (token && vscode.workspace.isTrusted) serverEnvironment[TOKEN_ENVIRONMENT_VARIABLE] = token;
  else delete serverEnvironment[TOKEN_ENVIRONMENT_VARIABLE];
}

/**
 * VS Code's `git.path` (a path or a list of paths, the first one that exists wins there): the server runs the first
 * one given, so the environments use the same git as the Source Control view.
 */
export function configuredGitPath(): string | undefined {
  const value = vscode.workspace.getConfiguration('git').get<unknown>('path');
  const candidates = Array.isArray(value) ? (value as unknown[]) : [value];
  return candidates.find((candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '');
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
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { env: serverEnvironment, execArgv: ['--nolazy', '--inspect=6011'] },
    },
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
    initializationOptions: (): InitializationOptions => {
      const gitPath = configuredGitPath();
      return {
        cacheDirectory: vscode.Uri.joinPath(context.globalStorageUri, 'github').fsPath,
        trusted: vscode.workspace.isTrusted,
        githubEnabled: githubEnabled(),
        ...(gitPath ? { gitPath } : {}),
      };
    },
  };
  return new LanguageClient('kayron', 'Kayron Releases', serverOptions, clientOptions);
}
