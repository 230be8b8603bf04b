import type { EventQueue } from './event-queue';
import type { WorkspaceRegistry } from './workspace-registry';

/**
 * How often tracked files are confirmed to still be on disk while documents are open or diagnostics are shown: file
 * watchers drop and delay events, and a deleted file must not keep its problems. A stat per file, so cheap.
 */
export const VANISHED_CHECK_INTERVAL_MS = 5_000;

export interface VanishedFilesDeps {
  queue: EventQueue;
  registry: WorkspaceRegistry;
  /** Whether a periodic check is worth running: documents are open or some file shows problems. */
  needed(): boolean;
  /** Publishes diagnostics again after files were dropped. */
  republish(): void;
}

/** Drops the diagnostics of tracked files gone from disk, without relying on the file watcher. */
export class VanishedFilesCheck {
  private timer: NodeJS.Timeout | undefined;
  private queued = false;
  private lastCheck = 0;
  private stopped = false;

  constructor(private readonly deps: VanishedFilesDeps) {}

  /** Queues one check (however often it is asked for meanwhile). While typing, at most one per interval. */
  check(options: { whileTyping?: boolean } = {}): void {
    if (this.queued || this.stopped) return;
    if (options.whileTyping && Date.now() - this.lastCheck < VANISHED_CHECK_INTERVAL_MS) return;
    this.lastCheck = Date.now();
    this.queued = true;
    this.deps.queue.enqueue('checking that tracked files still exist', async () => {
      this.queued = false;
      let dropped = false;
      for (const workspace of this.deps.registry.all()) if ((await workspace.dropVanished()).length > 0) dropped = true;
      if (dropped) this.deps.republish();
    });
  }

  /** The periodic check runs only while it is needed, and never keeps the process alive. */
  updateTimer(): void {
    const needed = !this.stopped && this.deps.needed();
    if (needed && !this.timer) {
      this.timer = setInterval(() => this.check(), VANISHED_CHECK_INTERVAL_MS);
      this.timer.unref();
    } else if (!needed && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** On shutdown: no further checks. */
  stop(): void {
    this.stopped = true;
    this.updateTimer();
  }
}
