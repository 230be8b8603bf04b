/**
 * Which GitHub tags a service can pin, in which order, and which one is "latest".
 *
 * Only tags Kayron accepts as `release` values are kept (grammar.ts). They are ordered newest first by semver
 * precedence (compareReleaseTags); a tag with a commit suffix such as `v1.12.2-ce60d74` therefore sits with its
 * version 1.12.2, below `v1.12.3-…` and above `v1.12.1-…`.
 *
 * Tags fall into channels:
 * - `release`    `vX.Y.Z`
 * - `build`      `vX.Y.Z-<7 to 40 hex digits>`: a release built from a commit (alloy's only style). Strict semver calls
 *                this a prerelease, but treating it as one would leave such repositories without any "latest".
 * - `prerelease` `vX.Y.Z-<anything else>` (`-rc.1`, `-beta`)
 * - `alias`      `v1`, `v1.2`: short forms Kayron accepts, usually moving tags; never "latest", never "outdated".
 *
 * Latest rule: the newest tag of channel `release` or `build` (on equal versions the plain `release` wins, per semver).
 * A repository with neither falls back to its newest full tag, then to its newest tag of any kind.
 * This is the semver answer; GitHub's own "latest release" (what Kayron runs in production) is `latestRelease()` in
 * the providers and can differ.
 */
import { checkReleaseTag, compareReleaseTags, parseReleaseTag, type ParsedReleaseTag } from '../kayron/grammar';
import type { GitHubRelease, GitHubTag } from './types';

export type TagChannel = 'release' | 'build' | 'prerelease' | 'alias';

export interface VersionedTag {
  name: string;
  version: ParsedReleaseTag;
  channel: TagChannel;
}

const COMMIT_SUFFIX = /^[0-9a-f]{7,40}$/;

/** The tag with its version and channel, or undefined when Kayron would reject it as a `release` value. */
export function versionTag(name: string): VersionedTag | undefined {
  if (checkReleaseTag(name) !== undefined) return undefined;
  const version = parseReleaseTag(name);
  if (!version) return undefined;
  const channel: TagChannel = version.short
    ? 'alias'
    : version.prerelease === undefined
      ? 'release'
      : COMMIT_SUFFIX.test(version.prerelease)
        ? 'build'
        : 'prerelease';
  return { name, version, channel };
}

export function isStable(tag: VersionedTag): boolean {
  return tag.channel === 'release' || tag.channel === 'build';
}

/** Newest first: semver precedence, then full forms before the short alias of the same version, then by name. */
export function compareNewestFirst(a: VersionedTag, b: VersionedTag): number {
  const byVersion = compareReleaseTags(b.version, a.version);
  if (byVersion !== 0) return byVersion;
  if (a.version.short !== b.version.short) return a.version.short ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The names Kayron accepts, de-duplicated, newest first. */
export function acceptedTags(names: Iterable<string>): VersionedTag[] {
  const seen = new Set<string>();
  const tags: VersionedTag[] = [];
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const tag = versionTag(name);
    if (tag) tags.push(tag);
  }
  return tags.sort(compareNewestFirst);
}

export function latestTag(tags: readonly VersionedTag[]): VersionedTag | undefined {
  const sorted = [...tags].sort(compareNewestFirst);
  return sorted.find(isStable) ?? sorted.find((tag) => tag.channel !== 'alias') ?? sorted[0];
}

/** Versions compared on MAJOR.MINOR.PATCH only. */
function compareCore(a: ParsedReleaseTag, b: ParsedReleaseTag): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return 0;
}

function newestStable(tags: readonly VersionedTag[], keep: (tag: VersionedTag) => boolean): VersionedTag | undefined {
  return [...tags].sort(compareNewestFirst).find((tag) => isStable(tag) && keep(tag));
}

/** Newest stable tag with the same MAJOR.MINOR as `current` (may be `current` itself). */
export function latestPatch(current: string, tags: readonly VersionedTag[]): VersionedTag | undefined {
  const base = versionTag(current);
  if (!base) return undefined;
  return newestStable(
    tags,
    (tag) => tag.version.major === base.version.major && tag.version.minor === base.version.minor,
  );
}

/** Newest stable tag with the same MAJOR as `current` (may be `current` itself). */
export function latestMinor(current: string, tags: readonly VersionedTag[]): VersionedTag | undefined {
  const base = versionTag(current);
  if (!base) return undefined;
  return newestStable(tags, (tag) => tag.version.major === base.version.major);
}

/**
 * Stable tags that are newer than `current`, newest first. Another commit build of the same version is not newer;
 * the release of a version is newer than its prereleases. Aliases are never outdated.
 */
export function newerTags(current: string, tags: readonly VersionedTag[]): VersionedTag[] {
  const base = versionTag(current);
  if (!base || base.channel === 'alias') return [];
  return [...tags].sort(compareNewestFirst).filter((tag) => {
    if (!isStable(tag)) return false;
    const byCore = compareCore(tag.version, base.version);
    return byCore > 0 || (byCore === 0 && base.channel === 'prerelease');
  });
}

/** LSP `sortText` that keeps the newest-first order in the completion list. */
export function sortTextFor(index: number): string {
  return String(index).padStart(6, '0');
}

export interface CatalogEntry {
  tag: VersionedTag;
  sha: string | undefined;
  /** The published GitHub release of this tag, when there is one. */
  release: GitHubRelease | undefined;
  /** True for the one tag `latestTag` picks. */
  latest: boolean;
  sortText: string;
}

/**
 * Everything completion and hover need about a repository's pinnable tags, newest first.
 * `releases` may be undefined when they could not be fetched: tags still list, without notes.
 */
export function buildReleaseCatalog(
  tags: readonly GitHubTag[],
  releases: readonly GitHubRelease[] | undefined,
): CatalogEntry[] {
  const releaseByTag = new Map(
    (releases ?? []).filter((release) => !release.draft).map((release) => [release.tagName, release]),
  );
  const shaByTag = new Map(tags.map((tag) => [tag.name, tag.sha]));
  const versioned = acceptedTags(tags.map((tag) => tag.name));
  const latest = latestTag(versioned);
  return versioned.map((tag, index) => ({
    tag,
    sha: shaByTag.get(tag.name),
    release: releaseByTag.get(tag.name),
    latest: tag === latest,
    sortText: sortTextFor(index),
  }));
}
