// The GitHub cache over real HTTP: in-flight de-duplication, the disk cache across instances, TTL expiry with
// conditional requests, stale-while-revalidate, manual refresh, the concurrency cap, and what is stored.
import { strict as assert } from 'node:assert';
import { readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GitHubProviders, type GitHubProvidersOptions } from '../../server/src/github/providers';
import { ManualClock, organization, readAllFiles, serviceRepo, temporaryDirectory } from '../github-standin/fixtures';
import { startGitHubStandin, type GitHubStandin } from '../github-standin/server';

let standin: GitHubStandin;
const repos = Array.from({ length: 8 }, (_, index) => serviceRepo(`service-${index}`, 5));

before(async () => {
  standin = await startGitHubStandin({
    owners: [
      organization('acme', [serviceRepo('kayron', 30), serviceRepo('kayron-ui', 2), serviceRepo('big', 250), ...repos]),
    ],
  });
});
after(() => standin.close());
beforeEach(() => {
  standin.clearFaults();
  standin.clearLog();
  standin.maxInFlight = 0;
});

function providers(options: GitHubProvidersOptions = {}): GitHubProviders {
  return new GitHubProviders({ apiUrl: standin.apiUrl, retryBaseMs: 1, ...options });
}

describe('GitHub cache', () => {
  test('two concurrent calls for the same list make one request', async () => {
    const github = providers();
    const [first, second] = await Promise.all([github.listTags('acme', 'kayron'), github.listTags('acme', 'kayron')]);
    assert.equal(first.kind, 'fetched');
    assert.deepEqual(second, first);
    assert.equal(standin.requestsTo('/repos/acme/kayron/tags').length, 1);
  });

  test('within the TTL a second call is served from memory without a request', async () => {
    const github = providers();
    await github.listTags('acme', 'kayron');
    await github.listTags('acme', 'kayron');
    assert.equal(standin.requestsTo('/repos/acme/kayron/tags').length, 1);
  });

  test('a new instance on the same cache directory reloads from disk, and revalidates conditionally after the TTL', async () => {
    const cache = await temporaryDirectory();
    try {
      const clock = new ManualClock();
      const first = await providers({ cacheDirectory: cache.path, now: clock.now, ttlMs: 10_000 }).listTags(
        'acme',
        'kayron',
      );
      standin.clearLog();

      const reopened = providers({ cacheDirectory: cache.path, now: clock.now, ttlMs: 10_000 });
      const fromDisk = await reopened.listTags('acme', 'kayron');
      assert.deepEqual(fromDisk, first, 'same data and fetch time, straight from disk');
      assert.equal(standin.requests.length, 0);

      clock.advance(10_000);
      const again = providers({ cacheDirectory: cache.path, now: clock.now, ttlMs: 10_000 });
      const revalidated = await again.listTags('acme', 'kayron');
      assert.equal(standin.requests.length, 1);
      assert.ok(standin.requests[0]?.ifNoneMatch, 'the ETag survived on disk');
      assert.equal(standin.requests[0]?.status, 304);
      assert.deepEqual(revalidated.kind === 'fetched' && revalidated.value, first.kind === 'fetched' && first.value);
    } finally {
      await cache.remove();
    }
  });

  test('stale-while-revalidate: stale data at once, marked stale, then fresh after the background refresh', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 1000 });
    await github.listTags('acme', 'kayron');
    clock.advance(1000);
    standin.clearLog();
    const stale = await github.listTags('acme', 'kayron', { allowStale: true });
    assert.equal(stale.kind === 'fetched' && stale.stale, true);
    await github.settled();
    assert.equal(standin.requests.length, 1, 'one background revalidation');
    const fresh = await github.listTags('acme', 'kayron', { allowStale: true });
    assert.equal(fresh.kind === 'fetched' && fresh.stale, false);
    assert.equal(standin.requests.length, 1);
  });

  test('a failed revalidation reports unknown and offers the older data as cached, not as fetched', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 1000, retries: 0 });
    await github.listTags('acme', 'kayron');
    clock.advance(1000);
    standin.addFault({ path: '/repos/acme/kayron/tags', fault: { kind: 'status', status: 500 } });
    const result = await github.listTags('acme', 'kayron');
    assert.equal(result.kind, 'unknown');
    assert.equal(result.kind === 'unknown' && result.cached?.value.length, 30);
  });

  test('manual refresh revalidates within the TTL, conditionally; refresh of one repository leaves the others alone', async () => {
    const github = providers();
    await github.listTags('acme', 'kayron');
    await github.listTags('acme', 'kayron-ui');
    await github.listTags('acme', 'service-0');
    standin.clearLog();
    await github.refresh({ owner: 'acme', repo: 'kayron' });
    await github.listTags('acme', 'kayron');
    await github.listTags('acme', 'kayron-ui');
    await github.listTags('acme', 'service-0');
    assert.deepEqual(
      standin.requests.map((request) => [request.path, request.status]),
      [['/repos/acme/kayron/tags', 304]],
    );
  });

  test('page requests are capped: at most maxConcurrent reach GitHub at once', async () => {
    standin.addFault({ path: /^\/repos\/acme\/service-\d\/tags$/, times: 8, fault: { kind: 'delay', ms: 40 } });
    const github = providers({ maxConcurrent: 2 });
    const results = await Promise.all(repos.map((repo) => github.listTags('acme', repo.name)));
    assert.ok(results.every((result) => result.kind === 'fetched'));
    assert.equal(standin.requests.length, 8);
    assert.ok(standin.maxInFlight <= 2, `at most 2 in flight, saw ${standin.maxInFlight}`);
  });

  test('a list longer than the page cap is served but marked truncated, and absence from it is not "missing"', async () => {
    const github = providers({ maxPages: 2 });
    const result = await github.listTags('acme', 'big');
    assert.equal(result.kind === 'fetched' && result.value.length, 200);
    assert.equal(result.kind === 'fetched' && result.truncated, true);
    assert.equal((await github.checkTag('acme', 'big', 'v0.0.0')).kind, 'unknown', 'v0.0.0 is on page 3');
    assert.equal((await github.checkTag('acme', 'big', 'v0.24.9')).kind, 'found');
  });

  test('a 404 is cached like data, so a missing repository is not asked for again within the TTL', async () => {
    const github = providers();
    assert.equal((await github.listTags('acme', 'nope')).kind, 'not-found');
    assert.equal((await github.listTags('acme', 'nope')).kind, 'not-found');
    assert.equal(standin.requests.length, 1);
  });

  test('disk entries hold mapped data only, and corrupt files are ignored', async () => {
    const cache = await temporaryDirectory();
    try {
      await providers({ cacheDirectory: cache.path }).listReleases('acme', 'kayron');
      const text = await readAllFiles(cache.path);
      assert.match(text, /"tagName":"v0\.2\.9"/);
      assert.doesNotMatch(text, /zipball_url|"author":\{|x-ratelimit|authorization/i);
      for (const name of await readdir(cache.path)) await writeFile(path.join(cache.path, name), '{ not json');
      standin.clearLog();
      const result = await providers({ cacheDirectory: cache.path }).listReleases('acme', 'kayron');
      assert.equal(result.kind, 'fetched');
      assert.equal(standin.requests.length, 1, 'refetched instead of trusting a broken file');
    } finally {
      await cache.remove();
    }
  });
});
