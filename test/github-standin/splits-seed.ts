/**
 * The stand-in's picture of the `0xSplits` organization behind the sample workspace (service/, infrastructure/), shared
 * by the LSP tests and the real-VS-Code runs (test/e2e bundles this file for plain node).
 *
 * - kayron: 250 tags (three pages of 100) served in GitHub-like name order, so v0.5.9 comes before v0.5.24 and only a
 *   semver sort puts v0.5.24 first; v0.5.0 … v0.5.24 have releases with notes; branches with open pull requests.
 * - alloy: commit-suffixed tags only (`v1.12.2-ce60d74`), in scrambled order.
 * - specta, splits-lite, infrastructure: the sample's pins are their newest releases.
 * - aardvark-legacy: archived (sorts first by name, must be listed last).
 */
import type { StandinOwner, StandinRelease, StandinRepo, StandinTag } from './server';

export const SPLITS_OWNER = '0xSplits';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** kayron's newest release is published this many whole days before the seed is built. */
export const KAYRON_LATEST_AGE_DAYS = 3;
export const KAYRON_LATEST = 'v0.5.24';
/** Every tag kayron has, newest first by semver: v0.5.24 … v0.5.0, then v0.3.74 … v0.1.0 (250 in all). */
export const KAYRON_TAGS_NEWEST_FIRST: readonly string[] = [
  ...Array.from({ length: 25 }, (_, index) => `v0.5.${24 - index}`),
  ...[3, 2, 1].flatMap((minor) => Array.from({ length: 75 }, (_, index) => `v0.${minor}.${74 - index}`)),
];
/** alloy's commit-suffixed tags, newest first by version. */
export const ALLOY_TAGS_NEWEST_FIRST: readonly string[] = [
  'v1.12.10-9f8e7d6',
  'v1.12.3-1a2b3c4',
  'v1.12.2-ce60d74',
  'v1.11.0-aaaaaaa',
  'v1.9.5-bbbbbbb',
];
export const KAYRON_PULL = {
  number: 42,
  title: 'Retry GitHub calls with backoff',
  headRef: 'fix/retry-backoff',
} as const;

export function kayronReleaseNotes(tag: string): string {
  return `## What's changed in ${tag}\n\n- reconcile loop handles ${tag} images\n- **Full changelog**: compare with the previous release`;
}

/** GitHub's tags endpoint does not sort by semver; a descending name sort is close to what it serves. */
function byNameDescending(names: readonly string[]): StandinTag[] {
  return [...names].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).map((name) => ({ name }));
}

function releases(
  tagsNewestFirst: readonly string[],
  newestPublishedAt: number,
  title: (tag: string) => string,
  notes: (tag: string) => string,
): StandinRelease[] {
  return tagsNewestFirst.map((tag, index) => ({
    tagName: tag,
    name: title(tag),
    body: notes(tag),
    publishedAt: new Date(newestPublishedAt - index * DAY_MS).toISOString(),
    author: 'release-bot',
  }));
}

function simpleRepo(name: string, tagsNewestFirst: readonly string[], now: number): StandinRepo {
  return {
    name,
    defaultBranch: 'main',
    tags: tagsNewestFirst.map((tag) => ({ name: tag })),
    releases: releases(
      tagsNewestFirst,
      now - 10 * DAY_MS,
      (tag) => tag,
      (tag) => `Release ${tag} of ${name}.`,
    ),
    branches: [{ name: 'main', protected: true }],
  };
}

/** A fresh seed (the stand-in mutates nothing, but tests may). `now` anchors the release dates. */
export function splitsOrganization(now = Date.now()): StandinOwner {
  const kayronReleased = KAYRON_TAGS_NEWEST_FIRST.slice(0, 25);
  const kayron: StandinRepo = {
    name: 'kayron',
    defaultBranch: 'main',
    tags: byNameDescending(KAYRON_TAGS_NEWEST_FIRST),
    releases: releases(
      kayronReleased,
      now - KAYRON_LATEST_AGE_DAYS * DAY_MS - HOUR_MS,
      (tag) => `Kayron ${tag}`,
      kayronReleaseNotes,
    ),
    branches: [
      { name: 'feature/preview-envs' },
      { name: KAYRON_PULL.headRef },
      { name: 'main', protected: true },
      { name: 'old-experiment' },
    ],
    pulls: [
      { ...KAYRON_PULL, author: 'xh3b4sd' },
      { number: 43, title: 'Preview environments', headRef: 'feature/preview-envs', draft: true },
      { number: 7, title: 'An old experiment', headRef: 'old-experiment', state: 'closed' },
    ],
  };
  const alloy: StandinRepo = {
    name: 'alloy',
    defaultBranch: 'main',
    // Scrambled: a name sort would put v1.9.5 first, GitHub's order is no better.
    tags: ['v1.9.5-bbbbbbb', 'v1.12.2-ce60d74', 'v1.12.10-9f8e7d6', 'v1.11.0-aaaaaaa', 'v1.12.3-1a2b3c4'].map(
      (name) => ({ name }),
    ),
    branches: [{ name: 'main', protected: true }],
  };
  return {
    login: SPLITS_OWNER,
    type: 'Organization',
    repos: [
      {
        name: 'aardvark-legacy',
        archived: true,
        tags: [{ name: 'v0.1.0' }],
        branches: [{ name: 'master' }],
        defaultBranch: 'master',
      },
      alloy,
      simpleRepo('infrastructure', ['v0.5.8', 'v0.5.7'], now),
      kayron,
      simpleRepo('specta', ['v0.3.1', 'v0.3.0'], now),
      simpleRepo('splits-lite', ['v0.2.3', 'v0.2.2'], now),
    ],
  };
}
