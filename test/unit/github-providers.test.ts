// Providers and existence checks against the stand-in: releases, branches with pull requests, owner repositories,
// and the rule that "missing" is only said after GitHub really answered.
import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GitHubProviders, RELEASES_TTL_MS, type GitHubProvidersOptions } from '../../server/src/github/providers';
import { ManualClock, organization, serviceRepo } from '../github-standin/fixtures';
import { startGitHubStandin, type GitHubStandin } from '../github-standin/server';

const TOKEN = 'ghp_ProvidersTestToken00000000000000001';
let standin: GitHubStandin;

before(async () => {
  standin = await startGitHubStandin({
    tokens: [TOKEN],
    owners: [
      organization('acme', [
        serviceRepo('kayron', 3, {
          releases: [
            {
              tagName: 'v0.0.2',
              name: 'Faster loops',
              body: '- faster',
              publishedAt: '2025-09-03T10:00:00Z',
              author: 'xh3b4sd',
            },
            {
              tagName: 'v0.0.1',
              name: 'First',
              body: '- first',
              publishedAt: '2025-09-01T10:00:00Z',
              author: 'xh3b4sd',
            },
            { tagName: 'v0.1.0-rc.1', name: 'Preview', publishedAt: '2025-09-04T10:00:00Z', prerelease: true },
            { tagName: 'v0.3.0', name: 'Unannounced', draft: true },
          ],
          branches: [{ name: 'main', protected: true }, { name: 'feature/login' }, { name: 'fix-loop' }],
          pulls: [
            { number: 7, title: 'Add login', headRef: 'feature/login' },
            { number: 8, title: 'Old', headRef: 'fix-loop', state: 'closed' },
          ],
        }),
        serviceRepo('legacy', 1, { archived: true }),
        serviceRepo('hidden', 1, { private: true }),
      ]),
      { login: 'solo', type: 'User', repos: [serviceRepo('tool', 2)] },
    ],
  });
});
after(() => standin.close());
beforeEach(() => {
  standin.clearFaults();
  standin.clearLog();
});

function providers(options: GitHubProvidersOptions = {}): GitHubProviders {
  return new GitHubProviders({ apiUrl: standin.apiUrl, retryBaseMs: 1, ...options });
}

describe('providers', () => {
  test('releases are mapped; drafts are not visible anonymously', async () => {
    const result = await providers().listReleases('acme', 'kayron');
    assert.equal(result.kind, 'fetched');
    const releases = result.kind === 'fetched' ? result.value : [];
    assert.deepEqual(
      releases.map((release) => release.tagName),
      ['v0.1.0-rc.1', 'v0.0.2', 'v0.0.1'],
    );
    assert.deepEqual(releases[1], {
      tagName: 'v0.0.2',
      name: 'Faster loops',
      body: '- faster',
      publishedAt: '2025-09-03T10:00:00Z',
      htmlUrl: 'https://github.com/acme/kayron/releases/tag/v0.0.2',
      author: 'xh3b4sd',
      draft: false,
      prerelease: false,
    });
  });

  test("GitHub's latest release skips prereleases; one release by tag costs one request", async () => {
    const github = providers();
    const latest = await github.latestRelease('acme', 'kayron');
    assert.equal(latest.kind === 'fetched' && latest.value.tagName, 'v0.0.2');
    const byTag = await github.getReleaseByTag('acme', 'kayron', 'v0.0.1');
    assert.equal(byTag.kind === 'fetched' && byTag.value.name, 'First');
    assert.equal((await github.getReleaseByTag('acme', 'kayron', 'v9.9.9')).kind, 'not-found');
    assert.equal((await github.latestRelease('acme', 'legacy')).kind, 'fetched');
  });

  test('branch catalog: default branch and open pull requests by head branch', async () => {
    const result = await providers().branchCatalog('acme', 'kayron');
    assert.equal(result.kind, 'fetched');
    if (result.kind !== 'fetched') return;
    assert.deepEqual(
      result.value.branches.map((branch) => [branch.name, branch.protected]),
      [
        ['main', true],
        ['feature/login', false],
        ['fix-loop', false],
      ],
    );
    assert.equal(result.value.defaultBranch, 'main');
    assert.deepEqual(
      [...(result.value.pullRequestsByBranch?.entries() ?? [])].map(([ref, pulls]) => [
        ref,
        pulls.map((pull) => pull.title),
      ]),
      [['feature/login', ['Add login']]],
    );
    assert.equal(standin.requestsTo('/repos/acme/kayron/pulls')[0]?.query.state, 'open');
  });

  test('branch catalog still lists branches when pull requests cannot be fetched', async () => {
    standin.addFault({ path: '/repos/acme/kayron/pulls', fault: { kind: 'status', status: 500 } });
    const result = await providers({ retries: 0 }).branchCatalog('acme', 'kayron');
    assert.equal(result.kind, 'fetched');
    assert.equal(result.kind === 'fetched' && result.value.pullRequestsByBranch, undefined);
  });

  test('owner repositories: an organization with its archived flag; a user through /users when /orgs is 404', async () => {
    const github = providers();
    const org = await github.listOwnerRepositories('acme');
    assert.deepEqual(org.kind === 'fetched' && org.value.map((repo) => [repo.name, repo.archived]), [
      ['kayron', false],
      ['legacy', true],
    ]);
    const user = await github.listOwnerRepositories('solo');
    assert.deepEqual(user.kind === 'fetched' && user.value.map((repo) => repo.name), ['tool']);
    assert.deepEqual(
      standin.requests.map((request) => [request.path, request.status]),
      [
        ['/orgs/acme/repos', 200],
        ['/orgs/solo/repos', 404],
        ['/users/solo/repos', 200],
      ],
    );
    standin.clearLog();
    await github.listOwnerRepositories('solo');
    assert.equal(standin.requests.length, 0, 'the 404 and the user list are both cached');
  });
});

describe('releases follow tags', () => {
  const releasesRequests = () =>
    standin.requests.filter((request) => request.path === '/repos/acme/kayron/releases').length;
  const release = { tagName: 'v0.0.3', name: 'Third', body: '- third', publishedAt: '2025-09-05T10:00:00Z' };

  test('after the TTL, unchanged tags (a 304) keep the releases current without asking for them', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 300_000 });
    await github.listTags('acme', 'kayron');
    await github.listReleases('acme', 'kayron');
    clock.advance(300_000);
    standin.clearLog();
    await github.listTags('acme', 'kayron');
    const releases = await github.listReleases('acme', 'kayron');
    assert.equal(releases.kind, 'fetched');
    assert.equal(releasesRequests(), 0);
    assert.equal(standin.requests.length, 1, 'one conditional request for the tags');
    assert.equal(standin.requests[0]?.status, 304);
  });

  test('a new tag since the releases were fetched makes the next listing ask for them again', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 300_000 });
    await github.listTags('acme', 'kayron');
    await github.listReleases('acme', 'kayron');
    const repo = standin.repo('acme', 'kayron');
    repo.tags?.unshift({ name: 'v0.0.3' });
    repo.releases?.unshift(release);
    try {
      clock.advance(300_000);
      await github.listTags('acme', 'kayron');
      standin.clearLog();
      const releases = await github.listReleases('acme', 'kayron');
      assert.equal(releasesRequests(), 1);
      assert.ok(
        releases.kind === 'fetched' && releases.value.some((candidate) => candidate.tagName === 'v0.0.3'),
        'the new release is listed',
      );
    } finally {
      repo.tags?.shift();
      repo.releases?.shift();
    }
  });

  test('releases are asked for again after RELEASES_TTL_MS, and at once after a refresh', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 300_000 });
    await github.listTags('acme', 'kayron');
    await github.listReleases('acme', 'kayron');
    clock.advance(RELEASES_TTL_MS);
    await github.listTags('acme', 'kayron');
    standin.clearLog();
    await github.listReleases('acme', 'kayron');
    assert.equal(releasesRequests(), 1, 'an hour on, edited notes are picked up');
    await github.refresh();
    await github.listTags('acme', 'kayron');
    standin.clearLog();
    await github.listReleases('acme', 'kayron');
    assert.equal(releasesRequests(), 1, 'a refresh revalidates them whatever the tags say');
  });

  test('without a tag list at hand the releases keep the usual TTL', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 300_000 });
    await github.listReleases('acme', 'kayron');
    clock.advance(300_000);
    standin.clearLog();
    await github.listReleases('acme', 'kayron');
    assert.equal(releasesRequests(), 1);
  });
});

describe('existence checks', () => {
  test('a tag: found, or missing from a list GitHub just sent', async () => {
    const github = providers();
    assert.equal((await github.checkTag('acme', 'kayron', 'v0.0.1')).kind, 'found');
    assert.equal((await github.checkTag('acme', 'kayron', 'v7.7.7')).kind, 'missing');
    assert.equal(standin.requests.length, 1);
  });

  test('a miss on an older list is re-checked first, so a tag pushed since is found', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 600_000, missRecheckMs: 60_000 });
    await github.listTags('acme', 'kayron');
    standin.repo('acme', 'kayron').tags?.unshift({ name: 'v0.0.3' });
    try {
      clock.advance(60_000);
      standin.clearLog();
      assert.equal((await github.checkTag('acme', 'kayron', 'v0.0.3')).kind, 'found');
      assert.equal(standin.requests.length, 1);
      assert.ok(standin.requests[0]?.ifNoneMatch, 'the recheck is conditional');
    } finally {
      standin.repo('acme', 'kayron').tags?.shift();
    }
  });

  test('unknown, never missing, when GitHub does not answer — even with an older list at hand', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, missRecheckMs: 1000, retries: 0 });
    await github.listTags('acme', 'kayron');
    clock.advance(1000);
    standin.addFault({ path: '/repos/acme/kayron/tags', fault: { kind: 'status', status: 502 } });
    const verdict = await github.checkTag('acme', 'kayron', 'v7.7.7');
    assert.equal(verdict.kind, 'unknown');
    assert.equal(verdict.kind === 'unknown' && verdict.reason, 'server-error');
  });

  test('a tag of a repository GitHub does not know is unknown (the repository check reports that)', async () => {
    const verdict = await providers().checkTag('acme', 'ghost', 'v1.0.0');
    assert.equal(verdict.kind === 'unknown' && verdict.reason, 'repository-not-found');
  });

  test('a branch, including one with a slash', async () => {
    const github = providers();
    assert.equal((await github.checkBranch('acme', 'kayron', 'feature/login')).kind, 'found');
    assert.equal((await github.checkBranch('acme', 'kayron', 'feature/logout')).kind, 'missing');
  });

  test('repositories: listed, private when signed in, and a 404 is missing only when signed in', async () => {
    const anonymous = providers();
    assert.equal(
      (await anonymous.checkRepository('acme', 'Kayron')).kind,
      'found',
      'GitHub names are case-insensitive',
    );
    const hiddenAnonymous = await anonymous.checkRepository('acme', 'hidden');
    assert.equal(hiddenAnonymous.kind === 'unknown' && hiddenAnonymous.reason, 'not-visible');
    assert.equal((await anonymous.checkRepository('acme', 'ghost')).kind, 'unknown');

    const signedIn = providers({ token: TOKEN });
    assert.equal((await signedIn.checkRepository('acme', 'hidden')).kind, 'found');
    assert.equal((await signedIn.checkRepository('acme', 'ghost')).kind, 'missing');
  });
});

describe('entry checks for diagnostics', () => {
  test('a release entry: one tag-list request answers both repository and tag', async () => {
    const github = providers();
    const present = await github.checkReleaseEntry('acme', 'kayron', 'v0.0.1');
    assert.equal(present.repository.kind, 'found');
    assert.equal(present.item.kind, 'found');
    assert.deepEqual(
      present.tags?.map((tag) => tag.name),
      ['v0.0.2', 'v0.0.1', 'v0.0.0'],
    );
    const absent = await github.checkReleaseEntry('acme', 'kayron', 'v0.0.9');
    assert.equal(absent.item.kind, 'missing');
    assert.deepEqual(
      standin.requests.map((request) => request.path),
      ['/repos/acme/kayron/tags'],
    );
  });

  test('a release entry of a repository that does not exist: repository missing (signed in), tag unknown', async () => {
    const check = await providers({ token: TOKEN }).checkReleaseEntry('acme', 'ghost', 'v1.0.0');
    assert.equal(check.repository.kind, 'missing');
    assert.equal(check.item.kind, 'unknown');
    assert.equal(check.tags, undefined);
  });

  test('a branch entry, and an entry check while offline stays unknown on both counts', async () => {
    assert.equal((await providers().checkBranchEntry('acme', 'kayron', 'fix-loop')).item.kind, 'found');
    standin.addFault({ path: '/repos/acme/kayron/branches', fault: { kind: 'delay', ms: 5000 } });
    const offline = await providers({ timeoutMs: 100 }).checkBranchEntry('acme', 'kayron', 'fix-loop');
    assert.equal(offline.item.kind, 'unknown');
    assert.equal(offline.repository.kind, 'unknown');
  });
});

describe('state', () => {
  test('rate limit figures from the headers, cache age from served data, problems announced once per kind', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, token: TOKEN, retries: 0 });
    assert.equal(github.state().cacheAgeMs, undefined);
    await github.listTags('acme', 'kayron');
    let state = github.state();
    assert.equal(state.signedIn, true);
    assert.equal(state.rateLimitLimit, 5000);
    assert.ok((state.rateLimitRemaining ?? 0) > 0 && (state.rateLimitRemaining ?? 0) < 5000);
    clock.advance(90_000);
    assert.equal(github.state().cacheAgeMs, 90_000);

    const announced: string[] = [];
    github.status.onProblem((problem) => announced.push(problem.reason));
    standin.addFault({ path: /\/releases$/, times: 3, fault: { kind: 'status', status: 500 } });
    await github.listReleases('acme', 'kayron');
    await github.listReleases('acme', 'legacy');
    assert.deepEqual(announced, ['server-error']);
    state = github.state();
    assert.equal(state.lastError?.reason, 'server-error');
    // A 5xx that outlasted the retries pauses requests for the back-off (30 s by default).
    assert.equal((await github.listTags('acme', 'legacy')).kind, 'unknown');
    clock.advance(30_000);
    await github.listTags('acme', 'legacy');
    assert.equal(github.state().lastError, undefined, 'a success clears the problem');
  });
});

describe('offline and back', () => {
  test('a refresh while GitHub is unreachable keeps the true age of the data it could not renew', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, retries: 0, timeoutMs: 100 });
    assert.equal((await github.listTags('acme', 'kayron')).kind, 'fetched');
    clock.advance(120_000);
    standin.addFault({ path: '/repos/acme/kayron/tags', times: 5, fault: { kind: 'delay', ms: 5000 } });
    await github.refresh();
    const served = await github.listTags('acme', 'kayron');
    assert.equal(served.kind, 'unknown');
    assert.equal(
      served.kind === 'unknown' && served.cached?.fetchedAt,
      clock.now() - 120_000,
      'the cached list keeps its fetch time',
    );
    const state = github.state();
    assert.equal(state.offline, true);
    assert.equal(state.cacheAgeMs, 120_000, 'the age is what it is, not the time since 1970');
  });

  test('while offline the state names when GitHub may be asked again; a probe then clears the offline status', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, retries: 0, timeoutMs: 100 });
    standin.addFault({ path: '/repos/acme/kayron/tags', fault: { kind: 'delay', ms: 5000 } });
    assert.equal((await github.listTags('acme', 'kayron')).kind, 'unknown');
    let state = github.state();
    assert.equal(state.offline, true);
    assert.equal(state.retryAt, clock.now() + 30_000);
    assert.equal(await github.probe(), false, 'during the back-off nothing is sent');
    assert.equal(standin.requestsTo('/rate_limit').length, 0);
    clock.advance(30_000);
    assert.equal(await github.probe(), true);
    assert.equal(standin.requestsTo('/rate_limit').length, 1);
    state = github.state();
    assert.equal(state.offline, false);
    assert.equal(state.retryAt, undefined);
    assert.equal(state.lastError, undefined);
  });
});
