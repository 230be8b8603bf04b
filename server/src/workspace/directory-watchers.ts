/** Watching many directories with fs.watch, for the environments' git refs and release folders. */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

/**
 * fs.watch on a set of directories, each with a file-name filter; re-synced after every computation. Watchers are
 * not persistent, so they never keep the server alive, and a directory that cannot be watched is simply left out.
 */
export class DirectoryWatchers {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly onEvent: () => void) {}

  sync(filters: ReadonlyMap<string, (fileName: string) => boolean>): void {
    for (const [directory, watcher] of this.watchers) {
      if (filters.has(directory)) continue;
      watcher.close();
      this.watchers.delete(directory);
    }
    for (const [directory, accepts] of filters) {
      if (this.watchers.has(directory)) continue;
      try {
        const watcher = watch(directory, { persistent: false }, (_event, fileName) => {
          // Linux names the file; where the platform does not, any change counts.
          if (fileName === null || accepts(fileName.toString())) this.onEvent();
        });
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(directory);
        });
        this.watchers.set(directory, watcher);
      } catch {
        // Missing (a refs folder not created yet) or out of watches: its parent's events still trigger a re-sync.
      }
    }
  }

  dispose(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

/** The directories under `refsRoot`, breadth first, at most `limit`. */
export async function refDirectories(refsRoot: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const queue = [refsRoot];
  while (queue.length > 0 && found.length < limit) {
    const directory = queue.shift()!;
    const entries = await fs.readdir(directory, { withFileTypes: true }).catch(() => undefined);
    if (!entries) continue;
    found.push(directory);
    for (const entry of entries) if (entry.isDirectory()) queue.push(path.join(directory, entry.name));
  }
  return found;
}
