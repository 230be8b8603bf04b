/** Real releases trees in temporary folders, for tests of the walker and of lintTree. */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export type TreeSpec = Record<string, string | Buffer | { symlinkTo: string }>;

/**
 * Writes `spec` (relative path → content, or a symlink target relative to the link's folder) into a fresh temporary
 * folder; a path ending in `/` creates an empty folder.
 */
export function makeTree(spec: TreeSpec, prefix = 'kayron-tree-'): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  writeTree(root, spec);
  return root;
}

export function writeTree(root: string, spec: TreeSpec): void {
  for (const [relativePath, content] of Object.entries(spec)) {
    const absolutePath = path.join(root, relativePath);
    if (relativePath.endsWith('/')) {
      mkdirSync(absolutePath, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(absolutePath), { recursive: true });
    if (typeof content === 'object' && !Buffer.isBuffer(content)) symlinkSync(content.symlinkTo, absolutePath);
    else writeFileSync(absolutePath, content);
  }
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** Creates a tree, runs `body`, and removes the tree afterwards even when `body` fails. */
export async function withTree<T>(spec: TreeSpec, body: (root: string) => Promise<T> | T): Promise<T> {
  const root = makeTree(spec);
  try {
    return await body(root);
  } finally {
    removeTree(root);
  }
}
