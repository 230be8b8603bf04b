/** Status-bar item for GitHub: signed in or not, offline, rate limit, cache age; click to sign in or refresh. */
import * as vscode from 'vscode';
import type { GitHubStateParams } from '../../server/src/protocol';
import { githubEnabled } from './language-client';

function minutes(ms: number): string {
  const value = Math.round(ms / 60_000);
  return value < 1 ? 'less than a minute' : `${value} min`;
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
    if (!state.networkAllowed && !githubEnabled()) {
      text = '$(circle-slash) GitHub off';
      tooltip.appendMarkdown('`kayron.github.enabled` is off: Kayron Releases makes no network calls. Click to change the setting.');
      command = { title: 'Open the setting', command: 'workbench.action.openSettings', arguments: ['kayron.github.enabled'] };
    } else if (!state.networkAllowed) {
      text = '$(shield) GitHub off';
      tooltip.appendMarkdown('Restricted Mode: Kayron Releases makes no network calls. Trust the workspace to check tags and branches on GitHub.');
      command = 'workbench.trust.manage';
    } else if (state.tokenRejected) {
      text = '$(github) Sign in again';
      tooltip.appendMarkdown('GitHub rejected the token. Click to sign in again.');
      command = 'kayron.github.signIn';
    } else if (state.rateLimited) {
      const reset = state.rateLimitReset ? new Date(state.rateLimitReset).toLocaleTimeString() : 'later';
      text = `$(watch) GitHub rate limit until ${reset}`;
      tooltip.appendMarkdown(`GitHub's rate limit is used up until ${reset}. ${state.signedIn ? '' : 'Signing in raises it from 60 to 5,000 requests an hour.'}`);
      command = state.signedIn ? 'kayron.github.refresh' : 'kayron.github.signIn';
    } else if (state.offline) {
      text = '$(cloud-offline) GitHub offline';
      tooltip.appendMarkdown('GitHub cannot be reached: tags and branches are unverified. Click to retry.');
      command = 'kayron.github.refresh';
    } else {
      text = state.signedIn ? '$(github) GitHub' : '$(github) Sign in to GitHub';
      tooltip.appendMarkdown(state.signedIn ? 'Signed in to GitHub.' : 'Not signed in: public repositories only, 60 requests an hour. Click to sign in.');
      command = state.signedIn ? 'kayron.github.refresh' : 'kayron.github.signIn';
    }
    if (state.owners.length > 0) tooltip.appendMarkdown(`\n\nOwner: **${state.owners.join(', ')}**`);
    else tooltip.appendMarkdown('\n\nOwner unknown: set `kayron.github.owner` or add an `origin` remote on GitHub.');
    if (state.rateLimitRemaining !== undefined) tooltip.appendMarkdown(`\n\nRate limit: ${state.rateLimitRemaining} of ${state.rateLimitLimit ?? '?'} left`);
    if (state.cacheAgeMs !== undefined) tooltip.appendMarkdown(`\n\nData age: ${minutes(state.cacheAgeMs)}`);
    if (state.unverified > 0) {
      text += ` (${state.unverified} unverified)`;
      tooltip.appendMarkdown(`\n\n${state.unverified} release entr${state.unverified === 1 ? 'y is' : 'ies are'} unverified: GitHub did not answer.`);
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
    const action = problem.reason === 'unauthorized' || (problem.reason === 'rate-limited' && !state.signedIn) ? 'Sign in' : problem.reason === 'rate-limited' ? undefined : 'Retry';
    const shown = action ? vscode.window.showWarningMessage(`Kayron Releases: ${problem.message}`, action) : vscode.window.showWarningMessage(`Kayron Releases: ${problem.message}`);
    void shown.then((choice) => {
      if (choice === 'Sign in') void vscode.commands.executeCommand('kayron.github.signIn');
      else if (choice === 'Retry') void vscode.commands.executeCommand('kayron.github.refresh');
    });
  }

  dispose(): void {
    this.item.dispose();
  }
}
