/** Which ref and commit each environment reads (kayron-spec §4.1), including every fallback, on real git repositories. */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { GitRepository } from '../../server/src/environments/git';
import {
  newestReleaseTag,
  resolveEnvironments,
  type EnvironmentProviders,
  type ResolvedEnvironment,
} from '../../server/src/environments/resolve';
import { FixtureScope, GitFixture, infrastructureFile, serviceFile } from '../helpers/git-fixture';

const scope = new FixtureScope();
after(() => scope.dispose());

async function resolve(dir: string, options: Parameters<typeof resolveEnvironments>[1] = {}) {
  const resolution = await resolveEnvironments(await GitRepository.open(dir), options);
  const byName = (name: string): ResolvedEnvironment => {
    const environment = resolution.environments.find((candidate) => candidate.name === name);
    assert.ok(environment, `environment ${name}`);
    return environment;
  };
  return { ...resolution, byName };
}

function releases(work: GitFixture, message: string, release: string): string {
  return work.commit(message, {
    'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
    'service/service.yaml': serviceFile([['kayron', release]]),
  });
}

describe('a clone of a releases repo with origin, testing and release tags', () => {
  let work: GitFixture;
  let clone: GitFixture;
  const commits: Record<string, string> = {};

  before(() => {
    work = scope.init('work');
    commits['v0.9.0'] = releases(work, 'release 0.9', 'v0.9.0');
    work.tag('v0.9.0');
    commits['v0.10.0'] = releases(work, 'release 0.10', 'v0.10.0');
    work.tag('v0.10.0', 'HEAD', 'annotated release');
    commits['rc'] = releases(work, 'release candidate', 'v0.11.0-rc.1');
    work.tag('v0.11.0-rc.1').tag('not-a-release');
    commits['main'] = releases(work, 'main head', 'v0.11.0');
    work.checkoutNew('testing');
    commits['testing~1'] = releases(work, 'try a branch', 'branch:feature/x');
    commits['testing'] = releases(work, 'try another branch', 'branch:feature/y');
    work.checkout('main');
    clone = scope.publish(work).clone;
  });

  test('development is the working tree on the checked-out branch', async () => {
    const { byName } = await resolve(clone.dir);
    const development = byName('development');
    assert.equal(development.kind, 'development');
    assert.equal(development.workingTree, true);
    assert.equal(development.ref, 'main');
    assert.equal(development.commit, commits['main']);
    assert.equal(development.shortCommit, commits['main']?.slice(0, 7));
    assert.deepEqual(development.localVsRemote, { local: 'main', remote: 'origin/main', ahead: 0, behind: 0 });
  });

  test('testing reads origin/testing, staging origin/HEAD, with dates and no fallback', async () => {
    const { byName, repository } = await resolve(clone.dir);
    const testing = byName('testing');
    assert.deepEqual(
      [testing.ref, testing.commit, testing.fallback, testing.branch],
      ['origin/testing', commits['testing'], undefined, 'testing'],
    );
    assert.match(testing.date ?? '', /^2025-10-01T00:0\d:00\+00:00$/);
    const staging = byName('staging');
    assert.deepEqual(
      [staging.ref, staging.commit, staging.fallback, staging.branch],
      ['origin/main', commits['main'], undefined, 'main'],
    );
    assert.equal(repository.defaultBranch?.source, 'origin/HEAD');
    assert.equal(repository.hasRemote, true);
  });

  test('production without GitHub falls back to the newest local v* release tag by semver, labelled', async () => {
    const production = (await resolve(clone.dir)).byName('production');
    // v0.10.0 > v0.9.0 by semver (not by string), and the prerelease v0.11.0-rc.1 is not a GitHub "latest release".
    assert.deepEqual([production.ref, production.tag, production.commit], ['v0.10.0', 'v0.10.0', commits['v0.10.0']]);
    assert.equal(production.fallback, 'newest local v* tag (GitHub not connected)');
  });

  test("production follows GitHub's latest release when the provider knows it", async () => {
    const providers: EnvironmentProviders = { latestReleaseTag: () => Promise.resolve('v0.9.0') };
    const production = (await resolve(clone.dir, { providers })).byName('production');
    assert.deepEqual(
      [production.ref, production.tag, production.commit, production.fallback, production.behindRemote],
      ['v0.9.0', 'v0.9.0', commits['v0.9.0'], undefined, undefined],
    );
  });

  test('production offline (provider says unknown or throws) is labelled "(offline)"', async () => {
    for (const latestReleaseTag of [
      () => Promise.resolve('unknown' as const),
      () => Promise.reject(new Error('ENOTFOUND api.github.com')),
    ]) {
      const production = (await resolve(clone.dir, { providers: { latestReleaseTag } })).byName('production');
      assert.equal(production.tag, 'v0.10.0');
      assert.equal(production.fallback, 'newest local v* tag (offline)');
    }
  });

  test('a latest release that is not fetched yet is "behind remote" and not read', async () => {
    const production = (
      await resolve(clone.dir, { providers: { latestReleaseTag: () => Promise.resolve('v0.12.0') } })
    ).byName('production');
    assert.equal(production.behindRemote, true);
    assert.equal(production.commit, undefined);
    assert.equal(production.tag, 'v0.12.0');
    assert.match(production.remoteNote ?? '', /v0\.12\.0 is not in this clone: fetch --tags/);
    assert.ok(production.unavailable);
  });

  test('no GitHub release at all leaves production unavailable, as Kayron refuses to deploy', async () => {
    const production = (
      await resolve(clone.dir, { providers: { latestReleaseTag: () => Promise.resolve(undefined) } })
    ).byName('production');
    assert.equal(production.commit, undefined);
    assert.match(production.unavailable ?? '', /no GitHub release/);
  });

  test('GitHub branch heads that differ from the remote-tracking refs mean "fetch to update"', async () => {
    const providers: EnvironmentProviders = {
      remoteBranchHead: (branch) =>
        Promise.resolve(branch === 'testing' ? 'f'.repeat(40) : branch === 'main' ? commits['main'] : undefined),
    };
    const { byName } = await resolve(clone.dir, { providers });
    assert.equal(byName('testing').behindRemote, true);
    assert.match(byName('testing').remoteNote ?? '', /GitHub's testing is at fffffff, not .{7}: fetch to update/);
    assert.equal(byName('staging').behindRemote, undefined);
  });

  test('the local branch is compared with its remote-tracking ref', async () => {
    const local = scope.clone(scope.publish(work, ['--all'], 'again').origin, 'local-branches');
    local.branch('testing', commits['testing~1'] ?? '');
    local.commit('local change on main', { 'notes.txt': 'x' });
    const { byName } = await resolve(local.dir);
    assert.deepEqual(byName('testing').localVsRemote, {
      local: 'testing',
      remote: 'origin/testing',
      ahead: 0,
      behind: 1,
    });
    assert.equal(
      byName('testing').commit,
      commits['testing'],
      'testing is what the remote has, not the stale local branch',
    );
    assert.deepEqual(byName('staging').localVsRemote, { local: 'main', remote: 'origin/main', ahead: 1, behind: 0 });
    assert.equal(byName('staging').commit, commits['main'], 'staging is what the remote has, not the local branch');
    assert.deepEqual(byName('development').localVsRemote, {
      local: 'main',
      remote: 'origin/main',
      ahead: 1,
      behind: 0,
    });
  });

  test("a tag at an environment's commit is shown", async () => {
    const tagged = scope.clone(scope.publish(work, ['--all'], 'tagged').origin, 'tagged');
    tagged.tag('v0.11.0', 'origin/main');
    const { byName } = await resolve(tagged.dir);
    assert.equal(byName('staging').tag, 'v0.11.0');
    assert.equal(byName('testing').tag, undefined);
  });

  test('detached HEAD: development reads the working tree at HEAD, the other environments are unchanged', async () => {
    const detached = scope.clone(scope.publish(work, ['--all'], 'detached').origin, 'detached');
    detached.detach('v0.9.0');
    const { byName } = await resolve(detached.dir);
    assert.deepEqual(
      [byName('development').ref, byName('development').commit, byName('development').remoteNote],
      ['HEAD', commits['v0.9.0'], 'detached HEAD'],
    );
    assert.equal(byName('staging').ref, 'origin/main');
  });

  test('without origin/HEAD the default branch is guessed from origin/main and labelled', async () => {
    const noHead = scope.clone(scope.publish(work, ['--all'], 'nohead').origin, 'nohead');
    noHead.git(['remote', 'set-head', 'origin', '-d']);
    const { byName, repository } = await resolve(noHead.dir);
    assert.equal(repository.defaultBranch?.source, 'remote main');
    assert.equal(byName('staging').ref, 'origin/main');
    assert.match(byName('staging').fallback ?? '', /default branch guessed as origin\/main: origin\/HEAD is not set/);
  });

  test('extra test environments read their branch, else fall back like testing; built-in names are not duplicated', async () => {
    const extra = scope.clone(scope.publish(work, ['--all'], 'extra').origin, 'extra');
    extra.git(['push', '-q', 'origin', `${commits['testing~1']}:refs/heads/qa`]);
    extra.git(['fetch', '-q', 'origin']);
    const { environments, byName } = await resolve(extra.dir, {
      extraEnvironments: ['qa', { name: 'perf', branch: 'perf-branch' }, 'testing', 'qa'],
    });
    assert.deepEqual(
      environments.map((environment) => `${environment.name}:${environment.kind}`),
      [
        'development:development',
        'testing:testing',
        'qa:custom',
        'perf:custom',
        'staging:staging',
        'production:production',
      ],
    );
    assert.deepEqual(
      [byName('qa').ref, byName('qa').commit, byName('qa').fallback],
      ['origin/qa', commits['testing~1'], undefined],
    );
    assert.deepEqual([byName('perf').ref, byName('perf').branch], ['origin/main', 'perf-branch']);
    assert.match(byName('perf').fallback ?? '', /no perf-branch branch: Kayron falls back to the default branch/);
  });
});

describe('repositories without a remote', () => {
  test('local testing and local main are used; only the default-branch guess is labelled', async () => {
    const repo = scope.init('local');
    const main = releases(repo, 'one', 'v1.0.0');
    repo.checkoutNew('testing');
    const testing = releases(repo, 'two', 'v1.1.0');
    repo.checkout('main');
    const { byName, repository } = await resolve(repo.dir);
    assert.equal(repository.hasRemote, false);
    assert.deepEqual(
      [byName('testing').ref, byName('testing').commit, byName('testing').fallback],
      ['testing', testing, undefined],
    );
    assert.deepEqual([byName('staging').ref, byName('staging').commit], ['main', main]);
    assert.match(byName('staging').fallback ?? '', /guessed as local main/);
    assert.match(byName('production').unavailable ?? '', /no local v\* tag/);
  });

  test('no testing branch: testing falls back to the default branch, as Kayron does', async () => {
    const repo = scope.init('no-testing');
    const main = releases(repo, 'one', 'v1.0.0');
    const testing = (await resolve(repo.dir)).byName('testing');
    assert.deepEqual([testing.ref, testing.commit], ['main', main]);
    assert.equal(testing.fallback, 'no testing branch: Kayron falls back to the default branch');
  });

  test('master, then the current branch, stand in for the default branch', async () => {
    const master = scope.init('master');
    master.git(['symbolic-ref', 'HEAD', 'refs/heads/master']);
    releases(master, 'one', 'v1.0.0');
    assert.equal((await resolve(master.dir)).byName('staging').ref, 'master');
    const trunk = scope.init('trunk');
    trunk.git(['symbolic-ref', 'HEAD', 'refs/heads/trunk']);
    releases(trunk, 'one', 'v1.0.0');
    const staging = (await resolve(trunk.dir)).byName('staging');
    assert.equal(staging.ref, 'trunk');
    assert.match(staging.fallback ?? '', /using the current branch trunk/);
  });

  test('a repository without commits resolves nothing but development', async () => {
    const repo = scope.init('empty');
    const { environments } = await resolve(repo.dir);
    assert.deepEqual(
      environments.map((environment) => [environment.name, environment.commit, environment.unavailable !== undefined]),
      [
        ['development', undefined, false],
        ['testing', undefined, true],
        ['staging', undefined, true],
        ['production', undefined, true],
      ],
    );
  });
});

describe('a shallow clone', () => {
  test('testing falls back to the default branch and says the clone may lack branches', async () => {
    const work = scope.init('shallow-work');
    releases(work, 'one', 'v1.0.0');
    work.tag('v1.0.0');
    work.checkoutNew('testing');
    releases(work, 'two', 'branch:feature/x');
    work.checkout('main');
    const main = releases(work, 'three', 'v1.1.0');
    const { origin } = scope.publish(work);
    const shallow = scope.clone(origin, 'shallow', { shallow: true });
    const { byName, repository } = await resolve(shallow.dir);
    assert.equal(repository.shallow, true);
    assert.deepEqual([byName('staging').ref, byName('staging').commit], ['origin/main', main]);
    assert.equal(byName('testing').commit, main);
    assert.match(byName('testing').fallback ?? '', /shallow clone: other branches may not be fetched/);
  });
});

describe('newestReleaseTag', () => {
  test('orders by semver, prefers releases to prereleases, ignores other tags', () => {
    assert.equal(newestReleaseTag(['v0.9.0', 'v0.10.0', 'v0.11.0-rc.1', 'latest', 'v1.0']), 'v0.10.0');
    assert.equal(newestReleaseTag(['v1.0.0-rc.1', 'v1.0.0-rc.2', 'nightly']), 'v1.0.0-rc.2');
    assert.equal(newestReleaseTag(['latest', '1.0.0']), undefined);
  });
});
