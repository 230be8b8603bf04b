import type { Connection } from 'vscode-languageserver/node';
import { GitHubStateNotification } from '../protocol';
import type { GitHubSession } from '../workspace/github-session';
import type { EventQueue } from './event-queue';
import type { RunSafe } from './run-safe';
import type { WorkspaceRegistry } from './workspace-registry';

/** Online checks wait for typing to pause; GitHub data is cached, so a pass is cheap once warm. */
const ONLINE_CHECK_DELAY_MS = 400;
/** After the back-off ends: the GitHub clock and the timer's may differ by a few ms. */
const RECOVERY_MARGIN_MS = 50;

export interface GitHubUpdatesDeps {
  connection: Connection;
  queue: EventQueue;
  registry: WorkspaceRegistry;
  runSafe: RunSafe;
  github(): GitHubSession | undefined;
  /** Publishes diagnostics again after a check brought new online problems. */
  republish(): void;
}

/**
 * When the server asks GitHub on its own: the online checks after edits and root changes, the GitHub state sent to the
 * client, and the probe that notices GitHub is back after a back-off.
 */
export class GitHubUpdates {
  private onlineTimer: NodeJS.Timeout | undefined;
  private recoveryTimer: NodeJS.Timeout | undefined;
  private recoveryAt: number | undefined;

  constructor(private readonly deps: GitHubUpdatesDeps) {}

  /** Checks every root against GitHub once typing pauses (or at once with 0), after the queued events. */
  scheduleCheck(delay = ONLINE_CHECK_DELAY_MS): void {
    if (!this.deps.github()) return;
    if (this.onlineTimer) clearTimeout(this.onlineTimer);
    this.onlineTimer = setTimeout(() => {
      this.onlineTimer = undefined;
      this.deps.queue.afterQueued('checking against GitHub', async () => {
        for (const workspace of this.deps.registry.all()) await this.deps.github()?.check(workspace);
        this.sendState();
        this.deps.republish();
      });
    }, delay);
  }

  /** Sends `kayron/githubState` (status, owners, unverified entries) and schedules the recovery probe if offline. */
  sendState(): void {
    const github = this.deps.github();
    const state = github?.state();
    if (!state) return;
    this.scheduleRecoveryProbe(state.offline ? state.retryAt : undefined);
    const owners = this.deps.registry
      .all()
      .map((workspace) => github?.context(workspace)?.owner)
      .filter((owner): owner is string => owner !== undefined);
    void this.deps.connection.sendNotification(GitHubStateNotification, {
      ...state,
      owners,
      unverified: github?.unverified ?? 0,
    });
  }

  /**
   * While GitHub is unreachable, ask it again when the back-off ends (and after every failed attempt, whose failure
   * starts a new back-off), so the status and the unverified entries recover without waiting for an edit or a click.
   */
  private scheduleRecoveryProbe(retryAt: number | undefined): void {
    if (retryAt === undefined) {
      if (this.recoveryTimer) clearTimeout(this.recoveryTimer);
      this.recoveryTimer = undefined;
      this.recoveryAt = undefined;
      return;
    }
    if (this.recoveryTimer && this.recoveryAt === retryAt) return;
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer);
    this.recoveryAt = retryAt;
    this.recoveryTimer = setTimeout(
      () => {
        this.recoveryTimer = undefined;
        this.recoveryAt = undefined;
        void this.deps.runSafe('asking whether GitHub is back', undefined, async () => {
          if (await this.deps.github()?.probe()) this.scheduleCheck(0);
        });
      },
      Math.max(0, retryAt - Date.now()) + RECOVERY_MARGIN_MS,
    );
  }
}
