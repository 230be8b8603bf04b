import type { RunSafe } from './run-safe';

/**
 * The server's event queue: what changes the set of roots or the files in them applies one event at a time, in the
 * order the client sent them. Queued: the scan at start-up and on workspace-folder changes, opened and closed
 * documents (an opened file may bring a new root), watched-file events, settings changes, and the check that tracked
 * files still exist. Requests (hover, completion, the custom `kayron/*` requests) wait for what was queued before
 * them (`settled`), so they answer on the workspace the client has already described.
 *
 * Content changes and the online (GitHub) checks do not join the queue: they run once what is queued ahead of them
 * is done (`afterQueued`), but nothing waits for them, so a burst of typing never holds up the events and requests
 * behind it (each workspace orders the analyses of one document by itself).
 */
export class EventQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly runSafe: RunSafe) {}

  /** Applies `work` after everything queued so far; later events and requests wait for it. */
  enqueue(what: string, work: () => void | Promise<void>): void {
    this.tail = this.tail.then(() => this.runSafe(what, undefined, work));
  }

  /** Runs `work` after everything queued so far, without holding up what is queued after it. */
  afterQueued(what: string, work: () => void | Promise<void>): void {
    void this.tail.then(() => this.runSafe(what, undefined, work));
  }

  /** Settles once everything queued so far has been applied. */
  settled(): Promise<void> {
    return this.tail;
  }
}
