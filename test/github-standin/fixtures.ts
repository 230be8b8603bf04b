/** Seeds and helpers shared by the GitHub tests and the request bench. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { StandinOwner, StandinRelease, StandinRepo, StandinTag } from './server';

/** `count` distinct tags `v0.<minor>.<patch>` listed newest first, as GitHub lists most repositories. */
export function semverTags(count: number): StandinTag[] {
  const tags: StandinTag[] = [];
  for (let index = count - 1; index >= 0; index--) tags.push({ name: `v0.${Math.floor(index / 10)}.${index % 10}` });
  return tags;
}

/** A published release for every tag, one day apart, newest first. */
export function releasesFor(tags: StandinTag[], start = Date.UTC(2025, 0, 1)): StandinRelease[] {
  return tags.map((tag, index) => ({
    tagName: tag.name,
    name: `Release ${tag.name}`,
    body: `## Changes in ${tag.name}\n\n- fixes`,
    publishedAt: new Date(start + (tags.length - index) * 86_400_000).toISOString(),
    author: 'release-bot',
  }));
}

export function serviceRepo(name: string, tagCount: number, extra: Partial<StandinRepo> = {}): StandinRepo {
  const tags = semverTags(tagCount);
  return { name, tags, releases: releasesFor(tags), branches: [{ name: 'main' }], defaultBranch: 'main', ...extra };
}

export function organization(login: string, repos: StandinRepo[]): StandinOwner {
  return { login, type: 'Organization', repos };
}

export async function temporaryDirectory(
  prefix = 'kayron-github-',
): Promise<{ path: string; remove: () => Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), prefix));
  return { path: directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** Concatenated text of every file in a directory (to prove a secret never reached the disk cache). */
export async function readAllFiles(directory: string): Promise<string> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const contents = await Promise.all(names.map((name) => readFile(path.join(directory, name), 'utf8')));
  return contents.join('\n');
}

/** A clock tests move by hand, so TTLs expire without waiting. */
export class ManualClock {
  constructor(private current = Date.now()) {}
  readonly now = (): number => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
}
