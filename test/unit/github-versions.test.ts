// Which tags a service can pin, newest first, and which is "latest" (server/src/github/versions.ts documents the rule).
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  acceptedTags,
  buildReleaseCatalog,
  latestMinor,
  latestPatch,
  latestTag,
  newerTags,
  sortTextFor,
  versionTag,
} from '../../server/src/github/versions';
import type { GitHubRelease } from '../../server/src/github/types';
import { compareReleaseTags, parseReleaseTag } from '../../server/src/kayron/grammar';

const names = (tags: { name: string }[] | undefined): string[] => (tags ?? []).map((tag) => tag.name);

describe('accepted tags, newest first', () => {
  test('keeps only what Kayron accepts and sorts by semver, not by string', () => {
    const sorted = acceptedTags([
      'v0.5.3',
      'v0.10.0',
      'latest',
      'v0.9.1',
      '0.11.0',
      'v0.5.24',
      'V1.0.0',
      'v1.0.0+build',
      'v0.5.3',
    ]);
    assert.deepEqual(names(sorted), ['v0.10.0', 'v0.9.1', 'v0.5.24', 'v0.5.3']);
  });

  test('commit-suffixed tags order by their version (alloy style)', () => {
    const sorted = acceptedTags([
      'v1.11.3-9fba925',
      'v1.12.2-ce60d74',
      'v1.10.1-de69705',
      'v1.12.0-a556c51',
      'v1.12.1-fd79cf7',
    ]);
    assert.deepEqual(names(sorted), [
      'v1.12.2-ce60d74',
      'v1.12.1-fd79cf7',
      'v1.12.0-a556c51',
      'v1.11.3-9fba925',
      'v1.10.1-de69705',
    ]);
  });

  test('a release sorts above its prereleases; a full tag above its short alias', () => {
    const sorted = acceptedTags(['v1.2.0-rc.1', 'v1.2.0', 'v1.2.0-rc.2', 'v1', 'v1.0.0', 'v1.2']);
    assert.deepEqual(names(sorted), ['v1.2.0', 'v1.2', 'v1.2.0-rc.2', 'v1.2.0-rc.1', 'v1.0.0', 'v1']);
  });

  test('a numeric prerelease identifier sorts before an alphanumeric one, as semver says (all-digit commit suffixes)', () => {
    const tag = (name: string) => parseReleaseTag(name)!;
    assert.ok(compareReleaseTags(tag('v1.12.2-1234567'), tag('v1.12.2-ce60d74')) < 0);
    assert.ok(compareReleaseTags(tag('v1.12.2-ce60d74'), tag('v1.12.2-1234567')) > 0);
    assert.ok(compareReleaseTags(tag('v1.0.0-1'), tag('v1.0.0-alpha')) < 0);
    assert.ok(compareReleaseTags(tag('v1.0.0-alpha.1'), tag('v1.0.0-alpha.beta')) < 0);
    // The completion list (newest first) and "latest" follow the same order.
    assert.deepEqual(names(acceptedTags(['v1.12.2-1234567', 'v1.12.2-ce60d74', 'v1.12.1-fd79cf7'])), [
      'v1.12.2-ce60d74',
      'v1.12.2-1234567',
      'v1.12.1-fd79cf7',
    ]);
    assert.equal(latestTag(acceptedTags(['v1.12.2-ce60d74', 'v1.12.2-1234567']))?.name, 'v1.12.2-ce60d74');
    assert.equal(
      latestPatch('v1.12.1-fd79cf7', acceptedTags(['v1.12.2-ce60d74', 'v1.12.2-1234567', 'v1.12.1-fd79cf7']))?.name,
      'v1.12.2-ce60d74',
    );
    assert.deepEqual(names(acceptedTags(['v1.0.0-alpha', 'v1.0.0-1', 'v1.0.0'])), [
      'v1.0.0',
      'v1.0.0-alpha',
      'v1.0.0-1',
    ]);
  });

  test('channels', () => {
    assert.equal(versionTag('v1.2.3')?.channel, 'release');
    assert.equal(versionTag('v1.12.2-ce60d74')?.channel, 'build');
    assert.equal(versionTag('v1.2.3-rc.1')?.channel, 'prerelease');
    assert.equal(versionTag('v1.2')?.channel, 'alias');
    assert.equal(versionTag('v1.2.3.4'), undefined);
  });

  test('sortText keeps the order lexicographically', () => {
    const texts = [0, 9, 10, 99, 100, 2500].map(sortTextFor);
    assert.deepEqual([...texts].sort(), texts);
  });
});

describe('latest', () => {
  test('the newest release, skipping newer prereleases and aliases', () => {
    assert.equal(latestTag(acceptedTags(['v0.5.2', 'v0.6.0-rc.1', 'v0.5.24', 'v1']))?.name, 'v0.5.24');
  });

  test('a repository with only commit-suffixed tags still has a latest: the highest version', () => {
    assert.equal(
      latestTag(acceptedTags(['v1.12.1-fd79cf7', 'v1.12.2-ce60d74', 'v1.9.0-0123abc']))?.name,
      'v1.12.2-ce60d74',
    );
  });

  test('only prereleases: the newest of them; no tags: none', () => {
    assert.equal(latestTag(acceptedTags(['v0.1.0-rc.1', 'v0.1.0-rc.2']))?.name, 'v0.1.0-rc.2');
    assert.equal(latestTag([]), undefined);
  });

  test('latest patch and latest minor of a pinned tag', () => {
    const tags = acceptedTags(['v0.4.1', 'v0.4.3', 'v0.5.0', 'v0.5.3', 'v0.5.24', 'v0.5.25-rc.1', 'v1.0.0']);
    assert.equal(latestPatch('v0.5.3', tags)?.name, 'v0.5.24');
    assert.equal(latestPatch('v0.4.1', tags)?.name, 'v0.4.3');
    assert.equal(latestMinor('v0.4.1', tags)?.name, 'v0.5.24');
    assert.equal(latestMinor('v1.0.0', tags)?.name, 'v1.0.0');
    assert.equal(latestPatch('not-a-tag', tags), undefined);
  });

  test('newer tags: by version; another build of the same version is not newer; aliases are never outdated', () => {
    const tags = acceptedTags(['v1.12.2-ce60d74', 'v1.12.2-0abc123', 'v1.12.3-1111111', 'v1.13.0-rc.1', 'v2']);
    assert.deepEqual(names(newerTags('v1.12.2-ce60d74', tags)), ['v1.12.3-1111111']);
    assert.deepEqual(names(newerTags('v1.12.3-1111111', tags)), []);
    assert.deepEqual(names(newerTags('v1', tags)), []);
    assert.deepEqual(names(newerTags('v1.12.3-rc.1', acceptedTags(['v1.12.3']))), ['v1.12.3']);
  });
});

describe('release catalog', () => {
  test('tags newest first with their published release, the latest marked, drafts ignored', () => {
    const release = (tagName: string, draft = false): GitHubRelease => ({
      tagName,
      name: `Release ${tagName}`,
      body: 'notes',
      publishedAt: draft ? undefined : '2025-09-01T00:00:00Z',
      htmlUrl: `https://github.com/acme/kayron/releases/tag/${tagName}`,
      author: 'bot',
      draft,
      prerelease: false,
    });
    const catalog = buildReleaseCatalog(
      [
        { name: 'v0.5.3', sha: 'a' },
        { name: 'main-build', sha: 'b' },
        { name: 'v0.5.24', sha: 'c' },
        { name: 'v0.6.0-rc.1', sha: 'd' },
      ],
      [release('v0.5.3'), release('v0.6.0-rc.1', true)],
    );
    assert.deepEqual(
      catalog.map((entry) => [entry.tag.name, entry.latest, entry.release?.name, entry.sha, entry.sortText]),
      [
        ['v0.6.0-rc.1', false, undefined, 'd', '000000'],
        ['v0.5.24', true, undefined, 'c', '000001'],
        ['v0.5.3', false, 'Release v0.5.3', 'a', '000002'],
      ],
    );
  });
});
