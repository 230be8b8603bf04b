/** Activation: log → language client → command table → views. Nothing here waits on the network. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  GitHubStateNotification,
  KayronVerdictNotification,
  ReleaseRootsNotification,
  type GitHubStateParams,
  type KayronVerdictParams,
  type ReleaseRootsParams,
} from '../../server/src/protocol';
import { GitHubAuthentication } from './auth';
import { registerCommands } from './commands';
import { registerPromotion } from './promotion';
import { registerEnvironmentViews } from './environments';
import { GitHubStatusItem } from './github-status';
import { createLanguageClient, setServerToken } from './language-client';
import { ReleaseFiles } from './release-files';
import { KayronStatus } from './status';
import { PlanPreviews } from './plan';

let client: LanguageClient | undefined;

export interface KayronExtensionApi {
  /** Resolves once the language server has reported the releases roots at least once (used by tests). */
  ready: Promise<ReleaseRootsParams>;
  releaseFiles: ReleaseFiles;
  /** The last GitHub state the server reported (used by tests). */
  githubState(): GitHubStateParams | undefined;
  /** What the GitHub status-bar item shows: its text and tooltip (used by tests). */
  githubStatusItem(): { text: string; tooltip: string };
}

export async function activate(context: vscode.ExtensionContext): Promise<KayronExtensionApi> {
  const log = vscode.window.createOutputChannel('Kayron Releases', { log: true });
  const releaseFiles = new ReleaseFiles();
  const status = new KayronStatus();
  const githubStatus = new GitHubStatusItem(log);
  const auth = new GitHubAuthentication(log);
  context.subscriptions.push(log, releaseFiles, status, githubStatus, auth);
  const languageClient = createLanguageClient(context, log);
  client = languageClient;
  const plans = new PlanPreviews(languageClient, log);
  const promotion = registerPromotion({ client: languageClient, log });
  const environments = registerEnvironmentViews({ client: languageClient, log, state: context.workspaceState });
  let lastGitHubState: GitHubStateParams | undefined;
  let resolveReady: (params: ReleaseRootsParams) => void = () => undefined;
  const ready = new Promise<ReleaseRootsParams>((resolve) => (resolveReady = resolve));
  context.subscriptions.push(
    languageClient.onNotification(ReleaseRootsNotification, (params: ReleaseRootsParams) => {
      releaseFiles.update(params);
      // The GitHub item belongs to releases repositories only; the lint item hides itself without verdicts.
      githubStatus.setActive(params.roots.length > 0);
      log.info(
        `Releases repositories: ${params.roots.length === 0 ? 'none' : params.roots.map((root) => vscode.Uri.parse(root.uri).fsPath).join(', ')}`,
      );
      resolveReady(params);
    }),
    languageClient.onNotification(KayronVerdictNotification, (params: KayronVerdictParams) => status.update(params)),
    languageClient.onNotification(GitHubStateNotification, (params: GitHubStateParams) => {
      lastGitHubState = params;
      githubStatus.update(params);
    }),
    plans,
    ...promotion.disposables,
    ...environments.disposables,
    ...registerCommands({
      client: languageClient,
      log,
      auth,
      plans,
      promotion: promotion.commands,
      environments: environments.commands,
    }),
    // A new session, a sign-out or granted trust changes what the server may fetch: restart it with the new environment
    // (the token travels only in the server's environment, never in an LSP message).
    auth.onDidChange(() => {
      setServerToken(auth.token);
      void languageClient.restart();
    }),
    // Trust granted: the server starts again trusted (git, network) and, when signed in, with the token. No reload.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      setServerToken(auth.token);
      void languageClient.restart();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('kayron.github.enabled')) void languageClient.restart();
      // The git executable is read at start-up: a new `git.path` restarts the server (in trusted folders; untrusted ones run no git).
      else if (event.affectsConfiguration('git.path') && vscode.workspace.isTrusted) void languageClient.restart();
    }),
  );
  // Silent: uses an existing session, never prompts on activation.
  await auth.refresh(false);
  setServerToken(auth.token);
  await languageClient.start();
  log.info('Kayron Releases started');
  return { ready, releaseFiles, githubState: () => lastGitHubState, githubStatusItem: () => githubStatus.shown() };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
