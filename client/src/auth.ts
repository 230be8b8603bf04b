/**
 * GitHub sign-in through VS Code's authentication providers. The token reaches the language server only through
 * its process environment (never an LSP message, which trace logging would print), and is never written anywhere.
 */
import * as vscode from 'vscode';

const SCOPES = ['repo'];
/** The environment variable the language server and CLI read the token from. */
export const TOKEN_ENVIRONMENT_VARIABLE = 'GITHUB_TOKEN';

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The VS Code authentication provider whose tokens `apiUrl` may receive, or undefined when none: `github` for
 * api.github.com, `github-enterprise` only for the host that provider signs in to (`github-enterprise.uri`, or its
 * `api.` host on GHE.com). `kayron.github.apiUrl` can come from a workspace's settings, so a token must never follow
 * it to a host that did not issue it.
 */
export function authenticationProviderId(
  apiUrl: string,
  enterpriseUri: string | undefined,
): 'github' | 'github-enterprise' | undefined {
  const host = hostOf(apiUrl);
  if (host === undefined) return undefined;
  if (host === 'api.github.com') return 'github';
  const enterpriseHost = hostOf(enterpriseUri);
  return enterpriseHost !== undefined && (host === enterpriseHost || host === `api.${enterpriseHost}`)
    ? 'github-enterprise'
    : undefined;
}

export class GitHubAuthentication implements vscode.Disposable {
  private session: vscode.AuthenticationSession | undefined;
  /** The provider that issued `session`. */
  private sessionProvider: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.authentication.onDidChangeSessions((event) => {
        if (event.provider.id === this.providerId()) void this.refresh(false);
      }),
      // Another API (or enterprise host) needs that host's session, or none: the old token must not go there.
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('kayron.github.apiUrl') || event.affectsConfiguration('github-enterprise.uri'))
          void this.refresh(false);
      }),
    );
  }

  private apiUrl(): string {
    return (
      vscode.workspace.getConfiguration('kayron').get<string>('github.apiUrl', 'https://api.github.com') ||
      'https://api.github.com'
    );
  }

  private providerId(): 'github' | 'github-enterprise' | undefined {
    return authenticationProviderId(
      this.apiUrl(),
      vscode.workspace.getConfiguration('github-enterprise').get<string>('uri'),
    );
  }

  get signedIn(): boolean {
    return this.session !== undefined;
  }

  get accountLabel(): string | undefined {
    return this.session?.account.label;
  }

  get token(): string | undefined {
    return this.session?.accessToken;
  }

  /** Silent on activation (no prompt); `interactive` from the sign-in command. Returns whether the session changed. */
  async refresh(interactive: boolean): Promise<boolean> {
    const before = this.session?.id;
    const providerId = this.providerId();
    try {
      if (providerId === undefined) {
        this.session = undefined;
        if (interactive) {
          void vscode.window.showWarningMessage(
            `Kayron Releases cannot sign in to ${this.apiUrl()}: set "github-enterprise.uri" to that GitHub Enterprise server, or use https://api.github.com.`,
          );
        }
      } else {
        this.session = await vscode.authentication.getSession(
          providerId,
          SCOPES,
          interactive ? { createIfNone: true } : { silent: true },
        );
      }
    } catch (error) {
      this.log.warn(`GitHub sign-in did not complete: ${error instanceof Error ? error.message : String(error)}`);
      // A session of another provider is for another host: drop it rather than keep sending it.
      if (interactive || providerId !== this.sessionProvider) this.session = undefined;
    }
    this.sessionProvider = this.session ? providerId : undefined;
    const changed = before !== this.session?.id;
    if (changed) {
      this.log.info(this.session ? `signed in to GitHub as ${this.session.account.label}` : 'not signed in to GitHub');
      this.changed.fire();
    }
    return changed;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
