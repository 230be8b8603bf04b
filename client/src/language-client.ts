/** Starts the Kayron language server (IPC, the bundled dist/server.js) and its output channels. */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { RELEASE_LANGUAGE_ID } from '../../server/src/protocol';

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
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
  };
  return new LanguageClient('kayron', 'Kayron Releases', serverOptions, clientOptions);
}
