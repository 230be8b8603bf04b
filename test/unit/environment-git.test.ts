/** The git runner and repository helpers behind the environment model, on real repositories in temp folders. */
import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { GitError, GitRepository, isGitRepository, runGit } from '../../server/src/environments/git';
import { BASE_DATE, FixtureScope, serviceFile } from '../helpers/git-fixture';

const scope = new FixtureScope();
after(() => scope.dispose());

describe('runGit', () => {
  test('passes arguments without a shell and returns stdout as bytes', async () => {
    const dir = scope.tempDir('plain');
    const { stdout, exitCode } = await runGit(['-c', 'x.y=$(echo injected);`id`', 'config', 'x.y'], { cwd: dir });
    assert.equal(exitCode, 0);
    assert.equal(stdout.toString('utf8'), '$(echo injected);`id`\n');
  });

  test('gives git no GitHub token from the environment (a shell alias prints what git and its helpers would see)', async () => {
    const dir = scope.tempDir('plain');
    const saved = { GITHUB_TOKEN: process.env.GITHUB_TOKEN, GH_TOKEN: process.env.GH_TOKEN };
    process.env.GITHUB_TOKEN = 'ghp_neverForGit000000000000000000000000';
    process.env.GH_TOKEN = 'ghp_neverForGit111111111111111111111111';
    try {
      const { stdout } = await runGit(['-c', 'alias.showenv=!env', 'showenv'], { cwd: dir });
      const seen = stdout.toString('utf8');
      assert.ok(seen.includes('GIT_TERMINAL_PROMPT=0'), "the alias printed git's environment");
      assert.ok(!seen.includes('ghp_neverForGit'), seen);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('classifies "not a git repository"', async () => {
    const dir = scope.tempDir('plain');
    await assert.rejects(
      runGit(['rev-parse', 'HEAD'], { cwd: dir }),
      (error: unknown) => error instanceof GitError && error.kind === 'not-a-repository',
    );
    assert.equal(await isGitRepository(dir), false);
  });

  test('accepts listed exit codes as answers and rejects others with the exit code', async () => {
    const repo = scope.init();
    const answer = await runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: repo.dir, okExitCodes: [1] });
    assert.equal(answer.stdout.toString('utf8').trim(), 'refs/heads/main');
    await assert.rejects(
      runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo.dir }),
      (error: unknown) => error instanceof GitError && error.kind === 'failed' && error.exitCode === 128,
    );
  });

  test('caps the output instead of buffering it all', async () => {
    const repo = scope.init();
    repo.commit('big', { 'big.txt': 'x'.repeat(100_000) });
    await assert.rejects(
      runGit(['show', 'HEAD:big.txt'], { cwd: repo.dir, maxOutputBytes: 1_000 }),
      (error: unknown) => error instanceof GitError && error.kind === 'output-too-large',
    );
  });

  test('kills git at the timeout', async () => {
    const repo = scope.init();
    // A shell alias that outlives the timeout; its output is redirected so the orphaned sleep holds no pipe of ours.
    const started = Date.now();
    await assert.rejects(
      runGit(['-c', 'alias.hang=!sleep 3 >/dev/null 2>&1 </dev/null', 'hang'], { cwd: repo.dir, timeoutMs: 200 }),
      (error: unknown) => error instanceof GitError && error.kind === 'timeout',
    );
    assert.ok(Date.now() - started < 3_000, 'returned before the command would have finished');
  });

  test('reports cancellation', async () => {
    const repo = scope.init();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      runGit(['status'], { cwd: repo.dir, signal: controller.signal }),
      (error: unknown) => error instanceof GitError && error.kind === 'aborted',
    );
  });
});

describe('GitRepository', () => {
  test('opens the repository around a subfolder and knows the prefix', async () => {
    const repo = scope.init();
    repo.commit('nested releases', { 'deploy/releases/service/a.yaml': serviceFile([['a', 'v1.0.0']]) });
    const opened = await GitRepository.open(`${repo.dir}/deploy/releases`);
    assert.equal(opened.prefix, 'deploy/releases/');
    assert.equal(opened.shallow, false);
    assert.equal(await isGitRepository(`${repo.dir}/deploy/releases`), true);
    const tree = await opened.listTree('HEAD');
    assert.deepEqual(
      tree.map((entry) => entry.path),
      ['service/a.yaml'],
    );
    assert.equal(await opened.readFileAtRef('HEAD', 'service/a.yaml'), serviceFile([['a', 'v1.0.0']]));
    assert.equal(await opened.readFileAtRef('HEAD', 'service/missing.yaml'), undefined);
  });

  test('lists refs with peeled annotated tags, dates, symrefs and upstreams', async () => {
    const work = scope.init();
    const first = work.commit('one', { 'service/a.yaml': serviceFile([['a', 'v1.0.0']]) }, BASE_DATE);
    work.tag('v1.0.0').tag('v1.0.1-annotated', 'HEAD', 'annotated tag', BASE_DATE + 3_600_000);
    const { clone } = scope.publish(work);
    const repository = await GitRepository.open(clone.dir);
    const refs = new Map((await repository.listRefs()).map((ref) => [ref.name, ref]));
    assert.equal(refs.get('refs/tags/v1.0.0')?.commit, first);
    assert.equal(refs.get('refs/tags/v1.0.1-annotated')?.commit, first, 'annotated tag peeled to its commit');
    assert.equal(
      refs.get('refs/tags/v1.0.1-annotated')?.date,
      '2025-10-01T00:00:00+00:00',
      'date of the commit, not of the tag object',
    );
    assert.equal(refs.get('refs/remotes/origin/HEAD')?.symref, 'refs/remotes/origin/main');
    assert.equal(refs.get('refs/heads/main')?.upstream, 'refs/remotes/origin/main');
  });

  test('head: branch, detached and unborn', async () => {
    const repo = scope.init();
    assert.deepEqual(await (await GitRepository.open(repo.dir)).head(), {
      commit: undefined,
      date: undefined,
      branch: 'refs/heads/main',
    });
    const commit = repo.commit('one', { 'a.txt': 'a' }, BASE_DATE);
    const repository = await GitRepository.open(repo.dir);
    assert.deepEqual(await repository.head(), { commit, date: '2025-10-01T00:00:00+00:00', branch: 'refs/heads/main' });
    repo.detach();
    assert.deepEqual(await repository.head(), { commit, date: '2025-10-01T00:00:00+00:00', branch: undefined });
  });

  test('ahead/behind counts and commit dates', async () => {
    const repo = scope.init();
    repo.commit('base', { 'a.txt': '0' });
    repo.checkoutNew('side');
    repo.commit('side 1', { 'a.txt': '1' });
    repo.commit('side 2', { 'a.txt': '2' });
    repo.checkout('main');
    repo.commit('main 1', { 'b.txt': '1' }, Date.parse('2025-11-05T10:20:30Z'));
    const repository = await GitRepository.open(repo.dir);
    assert.deepEqual(await repository.aheadBehind('side', 'main'), { ahead: 2, behind: 1 });
    assert.equal(await repository.commitDate('main'), '2025-11-05T10:20:30+00:00');
    assert.equal(await repository.revParse('no-such-branch'), undefined);
    assert.equal(await repository.revParse('main'), repo.head());
    await assert.rejects(repository.revParse('--output=/tmp/x'), GitError);
  });

  test('listTree with a directory filter lists root files and only the accepted folders, recursively', async () => {
    const repo = scope.init();
    repo.commit('tree', {
      'root.yaml': '[]\n',
      'service/a.yaml': '[]\n',
      'service/nested/b.yaml': '[]\n',
      'other/c.yaml': '[]\n',
      'servicefoo/d.yaml': '[]\n',
    });
    const repository = await GitRepository.open(repo.dir);
    const filtered = await repository.listTree('HEAD', (name) => name.startsWith('service'));
    assert.deepEqual(filtered.map((entry) => entry.path).sort(), [
      'root.yaml',
      'service/a.yaml',
      'service/nested/b.yaml',
      'servicefoo/d.yaml',
    ]);
    assert.ok(filtered.every((entry) => entry.type === 'blob' && entry.size === 3));
    const full = await repository.listTree('HEAD');
    assert.equal(full.length, 5);
  });

  test('readBlobs reads many objects in one batch and skips missing ones', async () => {
    const repo = scope.init();
    repo.commit('tree', { 'a.yaml': 'alpha\n', 'b.yaml': 'beta\nwith\nlines\n', 'empty.yaml': '' });
    const repository = await GitRepository.open(repo.dir);
    const tree = await repository.listTree('HEAD');
    const missing = '0123456789012345678901234567890123456789';
    const blobs = await repository.readBlobs([...tree.map((entry) => entry.oid), missing]);
    assert.deepEqual(
      tree.map((entry) => blobs.get(entry.oid)?.content.toString('utf8')),
      ['alpha\n', 'beta\nwith\nlines\n', ''],
    );
    assert.equal(blobs.has(missing), false);
  });

  test('detects a shallow clone', async () => {
    const work = scope.init();
    work.commit('one', { 'a.txt': '1' });
    work.commit('two', { 'a.txt': '2' });
    const { origin } = scope.publish(work);
    const shallow = scope.clone(origin, 'shallow', { shallow: true });
    assert.equal((await GitRepository.open(shallow.dir)).shallow, true);
  });
});
