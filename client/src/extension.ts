/** Activation: log → language client → command table → views. Nothing here waits on the network. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { KayronVerdictNotification, ReleaseRootsNotification, type KayronVerdictParams, type ReleaseRootsParams } from '../../server/src/protocol';
import { registerCommands } from './commands';
import { createLanguageClient } from './language-client';
import { ReleaseFiles } from './release-files';
import { KayronStatus } from './status';

let client: LanguageClient | undefined;

export interface KayronExtensionApi {
  /** Resolves once the language server has reported the releases roots at least once (used by tests). */
  ready: Promise<ReleaseRootsParams>;
  releaseFiles: ReleaseFiles;
}

export async function activate(context: vscode.ExtensionContext): Promise<KayronExtensionApi> {
  const log = vscode.window.createOutputChannel('Kayron Releases', { log: true });
  const releaseFiles = new ReleaseFiles();
  const status = new KayronStatus();
  context.subscriptions.push(log, releaseFiles, status);
  client = createLanguageClient(context, log);
  let resolveReady: (params: ReleaseRootsParams) => void = () => undefined;
  const ready = new Promise<ReleaseRootsParams>((resolve) => (resolveReady = resolve));
  context.subscriptions.push(
    client.onNotification(ReleaseRootsNotification, (params: ReleaseRootsParams) => {
      releaseFiles.update(params);
      resolveReady(params);
    }),
    client.onNotification(KayronVerdictNotification, (params: KayronVerdictParams) => status.update(params)),
    ...registerCommands({ client, log }),
  );
  await client.start();
  log.info('Kayron Releases started');
  return { ready, releaseFiles };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
