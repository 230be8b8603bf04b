/**
 * The environments of one releases root as the language server keeps them: one snapshot cache for the root's
 * lifetime, the repository opened once (retried while the folder is not a repository yet), and concurrent refresh
 * requests coalesced so that a burst of saves and ref changes runs at most one computation after the current one.
 * Debouncing the triggers, and sending results to the client, stay with the server.
 */
import { GitError, GitRepository } from './git';
import { computeEnvironmentStatus, type EnvironmentStatus, type EnvironmentStatusOptions } from './matrix';
import { SnapshotCache, type DevelopmentSource } from './snapshot';

export type EnvironmentModelResult =
  | { kind: 'ok'; status: EnvironmentStatus }
  /** `git-not-found` and `not-a-repository` are states to show (viewsWelcome); `git-failed` is an error to log. */
  | { kind: 'unavailable'; reason: 'git-not-found' | 'not-a-repository' | 'git-failed'; message: string };

export interface EnvironmentModelOptions extends Omit<
  EnvironmentStatusOptions,
  'cache' | 'repository' | 'development'
> {
  /** Asked at every computation: the working-tree analyses or unsaved editor contents to use for development. */
  development?: () => DevelopmentSource | undefined;
  /** The git executable (VS Code's `git.path`); `git` on PATH when unset. */
  gitPath?: string;
}

export class EnvironmentModel {
  private readonly cache = new SnapshotCache();
  private repository: GitRepository | undefined;
  private running: Promise<EnvironmentModelResult> | undefined;
  private queued: Promise<EnvironmentModelResult> | undefined;
  private latest: EnvironmentModelResult | undefined;

  constructor(
    readonly root: string,
    private options: EnvironmentModelOptions = {},
  ) {}

  /** New settings or providers (e.g. after sign-in); takes effect at the next computation. */
  setOptions(options: EnvironmentModelOptions): void {
    this.options = options;
  }

  /** The last finished computation, for answering requests without waiting. */
  get last(): EnvironmentModelResult | undefined {
    return this.latest;
  }

  /**
   * Computes the environments. While one computation runs, every further call shares a single follow-up
   * computation that starts when it ends, so the result always reflects the state at or after the call.
   */
  compute(): Promise<EnvironmentModelResult> {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.compute();
    });
    return this.queued;
  }

  /** Git files to watch for this root (HEAD, refs, packed-refs, FETCH_HEAD); empty while it is not a repository. */
  async refWatchTargets(): Promise<{ base: string; pattern: string }[]> {
    const repository = await this.openRepository().catch(() => undefined);
    return repository?.refWatchTargets() ?? [];
  }

  private async openRepository(): Promise<GitRepository> {
    const gitPath = this.options.gitPath || 'git';
    if (this.repository?.gitPath !== gitPath) this.repository = await GitRepository.open(this.root, { gitPath });
    return this.repository;
  }

  private async run(): Promise<EnvironmentModelResult> {
    let result: EnvironmentModelResult;
    try {
      const repository = await this.openRepository();
      const { development, providers, extraEnvironments, remote, analyze } = this.options;
      const source = development?.();
      const status = await computeEnvironmentStatus(this.root, {
        ...(providers ? { providers } : {}),
        ...(extraEnvironments ? { extraEnvironments } : {}),
        ...(remote ? { remote } : {}),
        ...(analyze ? { analyze } : {}),
        repository,
        cache: this.cache,
        ...(source ? { development: source } : {}),
      });
      result = { kind: 'ok', status };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason =
        error instanceof GitError && (error.kind === 'git-not-found' || error.kind === 'not-a-repository')
          ? error.kind
          : 'git-failed';
      // The folder may become a repository (git init, clone) or stop being one; open it afresh next time.
      if (reason !== 'git-failed') this.repository = undefined;
      result = { kind: 'unavailable', reason, message };
    }
    this.latest = result;
    return result;
  }
}
