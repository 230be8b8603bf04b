/**
 * GitHub sign-in through VS Code's authentication providers. The token reaches the language server only through
 * its process environment (never an LSP message, which trace logging would print), and is never written anywhere.
 */
import * as vscode from 'vscode';

const SCOPES = ['repo'];
/** The environment variable the language server and CLI read the token from. */
export const TOKEN_ENVIRONMENT_VARIABLE = 'GITHUB_TOKEN';

export function authenticationProviderId(apiUrl: string): 'github' | 'github-enterprise' {
  try {
    return new URL(apiUrl).hostname === 'api.github.com' ? 'github' : 'github-enterprise';
  } catch {
    return 'github';
  }
}

export class GitHubAuthentication implements vscode.Disposable {
  private session: vscode.AuthenticationSession | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.authentication.onDidChangeSessions((event) => {
        if (event.provider.id === this.providerId()) void this.refresh(false);
      }),
    );
  }

  private providerId(): 'github' | 'github-enterprise' {
    return authenticationProviderId(vscode.workspace.getConfiguration('kayron').get<string>('github.apiUrl', 'https://api.github.com'));
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
    try {
      this.session = await vscode.authentication.getSession(this.providerId(), SCOPES, interactive ? { createIfNone: true } : { silent: true });
    } catch (error) {
      this.log.warn(`GitHub sign-in did not complete: ${error instanceof Error ? error.message : String(error)}`);
      if (interactive) this.session = undefined;
    }
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
