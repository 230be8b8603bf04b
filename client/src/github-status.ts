/** Status-bar item for GitHub: signed in or not, offline, rate limit, cache age; click to sign in or refresh. */
import * as vscode from 'vscode';
import type { GitHubStateParams } from '../../server/src/protocol';
import { githubEnabled } from './language-client';

function minutes(ms: number): string {
  const value = Math.round(ms / 60_000);
  return value < 1 ? 'less than a minute' : `${value} min`;
}

/**
 * `npm start`'s demo (test/e2e/start-demo.ts) names the API of its local GitHub stand-in here, so the status bar
 * labels what it serves as demo data. Nothing else sets it; without it, or with another API configured, no label.
 */
const DEMO_GITHUB_VARIABLE = 'KAYRON_DEMO_GITHUB';

function demoApiUrl(): string | undefined {
  const demo = process.env[DEMO_GITHUB_VARIABLE];
  if (!demo) return undefined;
  const configured = vscode.workspace.getConfiguration('kayron').get<string>('github.apiUrl', '');
  return configured.replace(/\/+$/, '') === demo.replace(/\/+$/, '') ? demo : undefined;
}

/** "60 requests an hour" from GitHub's own x-ratelimit-limit header, or nothing before GitHub has said. */
function hourlyLimit(limit: number | undefined): string | undefined {
  return limit === undefined ? undefined : `${limit.toLocaleString('en-US')} requests an hour`;
}

export class GitHubStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kayron.githubStatus', vscode.StatusBarAlignment.Left, 9);
  /** Problems already explained to the user, by reason: each is shown once until GitHub answers again. */
  private readonly explained = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.item.name = 'Kayron GitHub';
  }

  /** Shown only for releases repositories; until the server reports one, the item stays hidden. */
  private active = false;
  private last: GitHubStateParams | undefined;

  setActive(active: boolean): void {
    this.active = active;
    if (!active) this.item.hide();
    else if (this.last) this.update(this.last);
  }

  update(state: GitHubStateParams): void {
    this.last = state;
    if (!this.active) return;
    const tooltip = new vscode.MarkdownString('', true);
    let text: string;
    let command: string | vscode.Command;
    const demo = demoApiUrl();
    if (!state.networkAllowed && !githubEnabled()) {
      text = '$(circle-slash) GitHub off';
      tooltip.appendMarkdown(
        '`kayron.github.enabled` is off: Kayron Releases makes no network calls. Click to change the setting.',
      );
      command = {
        title: 'Open the setting',
        command: 'workbench.action.openSettings',
        arguments: ['kayron.github.enabled'],
      };
    } else if (!state.networkAllowed) {
      text = '$(shield) GitHub off';
      tooltip.appendMarkdown(
        'Restricted Mode: Kayron Releases makes no network calls. Trust the workspace to check tags and branches on GitHub.',
      );
      command = 'workbench.trust.manage';
    } else if (state.tokenRejected) {
      text = '$(github) Sign in again';
      tooltip.appendMarkdown('GitHub rejected the token. Click to sign in again.');
      command = 'kayron.github.signIn';
    } else if (state.rateLimited) {
      const reset = state.rateLimitReset ? new Date(state.rateLimitReset).toLocaleTimeString() : 'later';
      text = `$(watch) GitHub rate limit until ${reset}`;
      const limit = hourlyLimit(state.rateLimitLimit);
      tooltip.appendMarkdown(
        `GitHub's rate limit${limit ? ` (${limit})` : ''} is used up until ${reset}.${state.signedIn ? '' : ' Signing in raises it.'}`,
      );
      command = state.signedIn ? 'kayron.github.refresh' : 'kayron.github.signIn';
    } else if (state.offline) {
      text = '$(debug-disconnect) GitHub offline';
      const retry =
        state.retryAt === undefined ? '' : ` Asking again at ${new Date(state.retryAt).toLocaleTimeString()}.`;
      tooltip.appendMarkdown(`GitHub cannot be reached: tags and branches are unverified.${retry} Click to retry now.`);
      command = 'kayron.github.refresh';
    } else if (demo) {
      text = '$(github) demo GitHub';
      tooltip.appendMarkdown(
        `**Demo data:** a local GitHub stand-in at ${demo} serves this workspace (\`npm start\`; \`npm start -- --github\` uses github.com). Click to refresh.`,
      );
      command = 'kayron.github.refresh';
    } else {
      text = state.signedIn ? '$(github) GitHub' : '$(github) Sign in to GitHub';
      const limit = hourlyLimit(state.rateLimitLimit);
      tooltip.appendMarkdown(
        state.signedIn
          ? 'Signed in to GitHub.'
          : `Not signed in: public repositories only${limit ? `, ${limit}` : ''}. Click to sign in.`,
      );
      command = state.signedIn ? 'kayron.github.refresh' : 'kayron.github.signIn';
    }
    if (state.owners.length > 0) tooltip.appendMarkdown(`\n\nOwner: **${state.owners.join(', ')}**`);
    else tooltip.appendMarkdown('\n\nOwner unknown: set `kayron.github.owner` or add an `origin` remote on GitHub.');
    if (state.rateLimitRemaining !== undefined)
      tooltip.appendMarkdown(`\n\nRate limit: ${state.rateLimitRemaining} of ${state.rateLimitLimit ?? '?'} left`);
    if (state.cacheAgeMs !== undefined) tooltip.appendMarkdown(`\n\nData age: ${minutes(state.cacheAgeMs)}`);
    if (state.unverified > 0) {
      text += ` (${state.unverified} unverified)`;
      tooltip.appendMarkdown(
        `\n\n${state.unverified} release entr${state.unverified === 1 ? 'y is' : 'ies are'} unverified: GitHub did not answer.`,
      );
    }
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.show();
    this.explain(state);
  }

  private explain(state: GitHubStateParams): void {
    const problem = state.lastError;
    if (!problem) {
      this.explained.clear();
      return;
    }
    if (this.explained.has(problem.reason)) return;
    this.explained.add(problem.reason);
    this.log.warn(`GitHub: ${problem.message}`);
    // Signing in helps with a rejected token or the anonymous rate limit; retrying a used-up limit before its reset
    // only asks again to be refused, so a signed-in rate limit gets no button.
    const action =
      problem.reason === 'unauthorized' || (problem.reason === 'rate-limited' && !state.signedIn)
        ? 'Sign in'
        : problem.reason === 'rate-limited'
          ? undefined
          : 'Retry';
    const shown = action
      ? vscode.window.showWarningMessage(`Kayron Releases: ${problem.message}`, action)
      : vscode.window.showWarningMessage(`Kayron Releases: ${problem.message}`);
    void shown.then((choice) => {
      if (choice === 'Sign in') void vscode.commands.executeCommand('kayron.github.signIn');
      else if (choice === 'Retry') void vscode.commands.executeCommand('kayron.github.refresh');
    });
  }

  /** The item's text and tooltip as shown. */
  shown(): { text: string; tooltip: string } {
    const tooltip = this.item.tooltip;
    return { text: this.item.text, tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '') };
  }

  dispose(): void {
    this.item.dispose();
  }
}
