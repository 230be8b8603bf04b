// Partial GitHub answers are unverified answers: a list of which one page failed (4xx, 5xx, timeout, a body that is not
// JSON or not a list) or whose items do not parse is unknown as a whole, so no "does not exist" verdict comes from it.
// Fault-injecting stand-in runs over real HTTP, for every list the diagnostics use: tags, branches, repositories and
// releases.
import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GitHubProviders, type GitHubProvidersOptions } from '../../server/src/github/providers';
import type { GitHubResult } from '../../server/src/github/types';
import { ManualClock, organization, semverTags, serviceRepo } from '../github-standin/fixtures';
import { startGitHubStandin, type FaultRule, type GitHubStandin } from '../github-standin/server';

const TOKEN = 'ghp_PartialAnswersTestToken000000000001';
/** 150 tags: v0.14.9 … v0.0.0, so the oldest 50 are on page 2 of 100. */
const TAGS = semverTags(150);
const ON_PAGE_TWO = TAGS[120]?.name ?? '';
const BRANCHES = Array.from({ length: 130 }, (_, index) => ({ name: `feature/${String(index).padStart(3, '0')}` }));
const REPOSITORIES = Array.from({ length: 120 }, (_, index) =>
  serviceRepo(`service-${String(index).padStart(3, '0')}`, 1),
);
let standin: GitHubStandin;

before(async () => {
  standin = await startGitHubStandin({
    tokens: [TOKEN],
    owners: [organization('acme', [serviceRepo('kayron', 150, { tags: TAGS, branches: BRANCHES }), ...REPOSITORIES])],
  });
});
after(() => standin.close());
beforeEach(() => {
  standin.clearFaults();
  standin.clearLog();
});

function providers(options: GitHubProvidersOptions = {}): GitHubProviders {
  return new GitHubProviders({ apiUrl: standin.apiUrl, token: TOKEN, retries: 1, retryBaseMs: 1, ...options });
}

/** Page 2 of `path` fails in each way a page can fail. */
const PAGE_TWO_FAULTS: [string, (path: string) => FaultRule][] = [
  ['a 500', (path) => ({ path, query: { page: '2' }, times: 10, fault: { kind: 'status', status: 500 } })],
  [
    'a 404',
    (path) => ({ path, query: { page: '2' }, times: 10, fault: { kind: 'status', status: 404, message: 'Not Found' } }),
  ],
  [
    'a 403 that is not a rate limit',
    (path) => ({
      path,
      query: { page: '2' },
      times: 10,
      fault: { kind: 'status', status: 403, message: 'Resource protected by organization SAML enforcement' },
    }),
  ],
  [
    'a body cut off mid-way',
    (path) => ({ path, query: { page: '2' }, times: 10, fault: { kind: 'malformed', text: '[{"name": "v0.1' } }),
  ],
  [
    'an object instead of a list',
    (path) => ({
      path,
      query: { page: '2' },
      times: 10,
      fault: { kind: 'edit-body', edit: () => ({ message: 'Moved' }) },
    }),
  ],
  [
    'items without a name',
    (path) => ({
      path,
      query: { page: '2' },
      times: 10,
      fault: { kind: 'edit-body', edit: (body) => (body as object[]).map(() => ({ commit: { sha: 'x' } })) },
    }),
  ],
  ['a timeout', (path) => ({ path, query: { page: '2' }, times: 10, fault: { kind: 'delay', ms: 5_000 } })],
];

function assertUnverified(result: GitHubResult<unknown>, what: string): void {
  assert.equal(result.kind, 'unknown', `${what}: a list with a failed page is not a fetched list (got ${result.kind})`);
}

describe('a failed page makes the whole list unverified', () => {
  for (const [name, fault] of PAGE_TWO_FAULTS) {
    test(`tags: page 2 answers with ${name}, so a tag on page 2 is unknown, never missing`, async () => {
      standin.addFault(fault('/repos/acme/kayron/tags'));
      const github = providers({ timeoutMs: 300 });
      assertUnverified(await github.listTags('acme', 'kayron'), 'tags');
      const check = await github.checkReleaseEntry('acme', 'kayron', ON_PAGE_TWO);
      assert.equal(check.item.kind, 'unknown', `${ON_PAGE_TWO} is on the page that failed`);
      assert.notEqual(check.repository.kind, 'missing');
    });
  }

  test('branches: page 2 answers 502, so a branch on page 2 is unknown, never missing', async () => {
    standin.addFault({
      path: '/repos/acme/kayron/branches',
      query: { page: '2' },
      times: 10,
      fault: { kind: 'status', status: 502 },
    });
    const github = providers();
    assertUnverified(await github.listBranches('acme', 'kayron'), 'branches');
    assert.equal((await github.checkBranchEntry('acme', 'kayron', 'feature/120')).item.kind, 'unknown');
  });

  test('branches: items without a name on page 2 make the list unverified', async () => {
    standin.addFault({
      path: '/repos/acme/kayron/branches',
      query: { page: '2' },
      times: 10,
      fault: { kind: 'edit-body', edit: (body) => (body as object[]).map((item) => ({ ...item, name: null })) },
    });
    assert.equal((await providers().checkBranch('acme', 'kayron', 'feature/120')).kind, 'unknown');
  });

  test('repositories: page 2 of the organization answers 404, so a repository on page 2 is unknown, never missing', async () => {
    standin.addFault({
      path: '/orgs/acme/repos',
      query: { page: '2' },
      times: 10,
      fault: { kind: 'status', status: 404, message: 'Not Found' },
    });
    const github = providers();
    assertUnverified(await github.listOwnerRepositories('acme'), 'repositories');
    assert.equal((await github.checkRepository('acme', 'service-110')).kind, 'unknown');
    assert.equal(
      standin.requestsTo('/users/acme/repos').length,
      0,
      'a failed page 2 is not "this owner is no organization"',
    );
  });

  test('repositories: an item without a name makes the owner list unverified', async () => {
    standin.addFault({
      path: '/orgs/acme/repos',
      query: { page: '2' },
      times: 10,
      fault: {
        kind: 'edit-body',
        edit: (body) => (body as Record<string, unknown>[]).map(({ name: _name, ...rest }) => rest),
      },
    });
    assertUnverified(await providers().listOwnerRepositories('acme'), 'repositories');
  });

  test('releases: page 2 malformed, or releases without tag_name, make the release list unverified', async () => {
    standin.repo('acme', 'kayron').releases = TAGS.map((tag, index) => ({
      tagName: tag.name,
      publishedAt: new Date(Date.UTC(2025, 0, 1) + (TAGS.length - index) * 86_400_000).toISOString(),
    }));
    standin.addFault({
      path: '/repos/acme/kayron/releases',
      query: { page: '2' },
      fault: { kind: 'malformed', text: '<html>502 Bad Gateway</html>' },
    });
    assertUnverified(await providers().listReleases('acme', 'kayron'), 'releases (malformed)');
    standin.addFault({
      path: '/repos/acme/kayron/releases',
      query: { page: '2' },
      fault: { kind: 'edit-body', edit: (body) => (body as object[]).map((item) => ({ ...item, tag_name: 42 })) },
    });
    assertUnverified(await providers().listReleases('acme', 'kayron'), 'releases (items without tag_name)');
  });

  test('a revalidation whose page 2 fails keeps the older complete list as cached data, not as fetched', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 1000 });
    assert.equal((await github.listTags('acme', 'kayron')).kind, 'fetched');
    clock.advance(5000);
    standin.addFault({
      path: '/repos/acme/kayron/tags',
      query: { page: '2' },
      times: 10,
      fault: { kind: 'status', status: 404, message: 'Not Found' },
    });
    const again = await github.listTags('acme', 'kayron', { force: true });
    assert.equal(again.kind, 'unknown');
    assert.equal(
      again.kind === 'unknown' && again.cached?.value.length,
      150,
      'the older complete list is still offered for completion',
    );
  });

  test('pull requests from forks are still left out without making the list unverified', async () => {
    standin.repo('acme', 'kayron').pulls = [
      { number: 1, title: 'Mine', headRef: 'feature/000' },
      { number: 2, title: 'Fork', headRef: 'feature/001' },
    ];
    standin.addFault({
      path: '/repos/acme/kayron/pulls',
      fault: {
        kind: 'edit-body',
        edit: (body) =>
          (body as { number: number; head: { repo: object } }[]).map((pull) =>
            pull.number === 2 ? { ...pull, head: { ...pull.head, repo: { full_name: 'someone/kayron' } } } : pull,
          ),
      },
    });
    const pulls = await providers().listOpenPullRequests('acme', 'kayron');
    assert.equal(pulls.kind, 'fetched');
    assert.deepEqual(pulls.kind === 'fetched' && pulls.value.map((pull) => pull.number), [1]);
  });

  test('a complete, well-formed list still proves absence', async () => {
    const check = await providers().checkReleaseEntry('acme', 'kayron', 'v9.9.9');
    assert.equal(check.item.kind, 'missing');
  });
});
