// GitHub-backed completion data with a fake GitHubData: newest first, latest marked, environment markers, no guesses.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { completionSources, onlineProblems } from '../../server/src/features/github-features';
import type { GitHubData } from '../../server/src/github/providers';
import { analyzeReleaseFile } from '../../server/src/features/validate';

const NOW = Date.parse('2026-11-26T12:00:00Z');

function fake(overrides: Partial<GitHubData>): GitHubData {
  return overrides as GitHubData;
}

const fetched = <T>(value: T) => ({ kind: 'fetched' as const, value, fetchedAt: NOW, stale: false, truncated: false });

test('versions: newest first, "latest", publication age and what other environments run', async () => {
  const data = fake({
    listTags: () =>
      Promise.resolve(fetched(['v0.5.1', 'v0.5.3', 'v0.5.24', 'junk'].map((name) => ({ name, sha: 'a'.repeat(40) })))),
    listReleases: () =>
      Promise.resolve(
        fetched([
          {
            tagName: 'v0.5.24',
            name: 'Webhooks',
            body: 'Adds webhooks.',
            publishedAt: '2026-11-23T12:00:00Z',
            htmlUrl: '',
            author: 'a',
            draft: false,
            prerelease: false,
          },
        ]),
      ),
  });
  const sources = completionSources({
    data,
    owner: '0xSplits',
    webUrl: 'https://github.com',
    now: () => NOW,
    environmentsOf: () => ({ staging: 'v0.5.3', production: 'v0.5.1' }),
  });
  const versions = await sources.versions?.('kayron');
  assert.deepEqual(
    versions?.map((version) => [version.tag, version.detail]),
    [
      ['v0.5.24', 'latest · published 3 days ago'],
      ['v0.5.3', 'staging'],
      ['v0.5.1', 'production'],
    ],
  );
  assert.equal(versions?.[0]?.documentation, '**Webhooks**\n\nAdds webhooks.');
  assert.equal(versions?.[0]?.summary, 'Adds webhooks.');
});

test("versions: a one-line plain summary of GitHub's generated notes, not their heading", async () => {
  const body =
    "## What's Changed\n* Adds **webhooks** by @a in https://github.com/0xSplits/kayron/pull/9\n\n**Full Changelog**: https://github.com/0xSplits/kayron/compare/v0.5.3...v0.5.24";
  const data = fake({
    listTags: () => Promise.resolve(fetched([{ name: 'v0.5.24', sha: 'a'.repeat(40) }])),
    listReleases: () =>
      Promise.resolve(
        fetched([
          {
            tagName: 'v0.5.24',
            name: 'v0.5.24',
            body,
            publishedAt: '2026-11-23T12:00:00Z',
            htmlUrl: '',
            author: 'a',
            draft: false,
            prerelease: false,
          },
        ]),
      ),
  });
  const versions = await completionSources({
    data,
    owner: '0xSplits',
    webUrl: 'https://github.com',
    now: () => NOW,
  }).versions?.('kayron');
  assert.equal(versions?.[0]?.summary, 'Adds webhooks by @a in #9');
  assert.ok(
    versions?.[0]?.documentation?.includes("## What's Changed"),
    'the documentation keeps the Markdown, rendered by the editor',
  );
});

test('versions: nothing (not an empty guess) when GitHub did not answer and nothing is cached', async () => {
  const data = fake({
    listTags: () =>
      Promise.resolve({ kind: 'unknown' as const, reason: 'offline' as const, message: 'offline', cached: undefined }),
  });
  assert.equal(
    await completionSources({ data, owner: 'o', webUrl: 'https://github.com' }).versions?.('kayron'),
    undefined,
  );
});

test('online problems stay silent when GitHub cannot tell', async () => {
  const text = '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n';
  const entries = analyzeReleaseFile('service/service.yaml', text).decoded?.entries ?? [];
  const unknown = { kind: 'unknown' as const, reason: 'rate-limited' as const, message: 'rate limited' };
  const data = fake({
    checkReleaseEntry: () => Promise.resolve({ repository: unknown, item: unknown, tags: undefined }),
  });
  const result = await onlineProblems({ data, owner: 'o', webUrl: 'https://github.com' }, entries);
  assert.deepEqual(result, { problems: [], unverified: 1 });
});

test('hover on a tag GitHub does not have: says so, claims no place among the releases, links only the latest release', async () => {
  const { releaseHoverMarkdown } = await import('../../server/src/features/github-features');
  const data = fake({
    listTags: () => Promise.resolve(fetched(['v0.5.24', 'v0.5.3'].map((name) => ({ name, sha: 'a'.repeat(40) })))),
    getReleaseByTag: () => Promise.resolve({ kind: 'not-found' as const, fetchedAt: NOW }),
  });
  const context = { data, owner: '0xSplits', webUrl: 'https://github.com', now: () => NOW };
  for (const broken of ['0.5.3', 'v0.5.99']) {
    const markdown = (await releaseHoverMarkdown(context, 'kayron', broken)) ?? '';
    assert.match(markdown, /No such tag in the repository\./, markdown);
    assert.doesNotMatch(markdown, /newest release/, markdown);
    assert.ok(
      !markdown.includes(`/releases/tag/${broken})`),
      `no link to a release page that does not exist: ${markdown}`,
    );
    assert.match(markdown, /The latest release is \*\*v0\.5\.24\*\*\./);
    assert.ok(
      markdown.includes('[Release v0.5.24](https://github.com/0xSplits/kayron/releases/tag/v0.5.24)'),
      markdown,
    );
  }
  // A tag GitHub has keeps its release page and its place.
  const known = (await releaseHoverMarkdown(context, 'kayron', 'v0.5.24')) ?? '';
  assert.match(known, /This is the newest release\./);
  assert.ok(known.includes('(https://github.com/0xSplits/kayron/releases/tag/v0.5.24)'), known);
});
