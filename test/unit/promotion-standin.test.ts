// The stand-in's write endpoints against real git: object ids equal git's, conflicts answer as GitHub does, and
// what the endpoints write can be fetched into a clone. Also the pure helpers: diffs and the service edits.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { GitHubApi } from '../../server/src/promotion/github-api';
import { followBranch, pinRelease } from '../../server/src/promotion/service-edits';
import { unifiedDiff } from '../../server/src/promotion/text-diff';
import {
  createPromotionFixture,
  SERVICE_V1,
  TOKEN,
  writeRequests,
  type PromotionFixture,
} from '../helpers/promotion-fixture';

describe('stand-in write endpoints', () => {
  let fixture: PromotionFixture;
  let api: GitHubApi;
  before(async () => {
    fixture = await createPromotionFixture();
    api = new GitHubApi({ apiUrl: fixture.standin.apiUrl, token: TOKEN });
  });
  after(() => fixture.close());

  test('serves the imported history with git object ids, and computes new ones as git does', async () => {
    const ref = await api.request<{ object: { sha: string } }>('GET', '/repos/acme/releases/git/ref/heads/main');
    assert.equal(ref.data.object.sha, fixture.stagingCommit);
    const tag = await api.request<{ object: { sha: string } }>('GET', '/repos/acme/releases/git/ref/tags/v0.6.10');
    assert.equal(tag.data.object.sha, fixture.productionCommit);
    const blob = await api.request<{ sha: string }>('POST', '/repos/acme/releases/git/blobs', {
      content: 'hello\n',
      encoding: 'utf-8',
    });
    assert.deepEqual(
      [blob.status, blob.data.sha],
      [201, fixture.work.git(['hash-object', '--stdin'], { input: 'hello\n' })],
    );
    const file = await api.request<{ content: string; sha: string }>(
      'GET',
      `/repos/acme/releases/contents/service/service.yaml?ref=${fixture.productionCommit}`,
    );
    assert.equal(Buffer.from(file.data.content, 'base64').toString('utf8'), SERVICE_V1);
    assert.equal(file.data.sha, fixture.work.git(['rev-parse', `${fixture.productionCommit}:service/service.yaml`]));
    const anonymous = await new GitHubApi({ apiUrl: fixture.standin.apiUrl, token: undefined }).request(
      'POST',
      '/repos/acme/releases/git/blobs',
      { content: 'x' },
    );
    assert.equal(anonymous.status, 401);
    const repo = await api.request<{ permissions: { push: boolean } }>('GET', '/repos/acme/releases');
    assert.equal(repo.data.permissions.push, true);
    assert.equal(repo.headers.get('x-oauth-scopes'), 'repo');
  });

  test('records the exact write requests, never the token', async () => {
    fixture.standin.clearLog();
    await api.request('POST', '/repos/acme/releases/git/blobs', { content: 'recorded', encoding: 'utf-8' });
    assert.deepEqual(writeRequests(fixture.standin), [
      { call: 'POST /repos/acme/releases/git/blobs', body: { content: 'recorded', encoding: 'utf-8' } },
    ]);
    assert.ok(!JSON.stringify(fixture.standin.requests).includes(TOKEN));
  });

  test('contents PUT: 409 for a stale sha, 422 without one, 200 with the current one', async () => {
    const current = fixture.releases.store.fileAt(fixture.stagingCommit, 'README.md')!.sha;
    const body = (sha?: string) => ({
      message: 'edit',
      content: Buffer.from('new\n').toString('base64'),
      branch: 'main',
      ...(sha ? { sha } : {}),
    });
    const stale = await api.request('PUT', '/repos/acme/releases/contents/README.md', body('0'.repeat(40)));
    assert.equal(stale.status, 409);
    const missing = await api.request('PUT', '/repos/acme/releases/contents/README.md', body());
    assert.equal(missing.status, 422);
    const ok = await api.request<{ commit: { sha: string; parents: { sha: string }[] } }>(
      'PUT',
      '/repos/acme/releases/contents/README.md',
      body(current),
    );
    assert.equal(ok.status, 200);
    assert.deepEqual(
      ok.data.commit.parents.map((parent) => parent.sha),
      [fixture.stagingCommit],
    );
    assert.equal(fixture.releases.branchSha('main'), ok.data.commit.sha);
  });

  test('pull requests and releases: duplicates and empty pull requests are 422s', async () => {
    const main = fixture.releases.branchSha('main')!;
    const empty = await api.request('POST', '/repos/acme/releases/git/refs', { ref: 'refs/heads/empty', sha: main });
    assert.equal(empty.status, 201);
    const noCommits = await api.request<{ errors: { message: string }[] }>('POST', '/repos/acme/releases/pulls', {
      title: 't',
      head: 'empty',
      base: 'main',
    });
    assert.deepEqual([noCommits.status, noCommits.data.errors[0]?.message], [422, 'No commits between main and empty']);
    const ahead = await api.request<{ commit: { sha: string } }>('PUT', '/repos/acme/releases/contents/NOTES.md', {
      message: 'n',
      content: Buffer.from('n\n').toString('base64'),
      branch: 'empty',
    });
    assert.equal(ahead.status, 201);
    const opened = await api.request<{ number: number }>('POST', '/repos/acme/releases/pulls', {
      title: 't',
      head: 'empty',
      base: 'main',
      body: 'b',
    });
    assert.equal(opened.status, 201);
    const duplicate = await api.request<{ errors: { message: string }[] }>('POST', '/repos/acme/releases/pulls', {
      title: 't',
      head: 'empty',
      base: 'main',
    });
    assert.deepEqual(
      [duplicate.status, duplicate.data.errors[0]?.message],
      [422, 'A pull request already exists for acme:empty.'],
    );
    const listed = await api.request<{ number: number }[]>(
      'GET',
      '/repos/acme/releases/pulls?state=open&head=acme%3Aempty&base=main',
    );
    assert.deepEqual(
      listed.data.map((pull) => pull.number),
      [opened.data.number],
    );

    const release = await api.request('POST', '/repos/acme/releases/releases', {
      tag_name: 'v9.0.0',
      target_commitish: main,
    });
    assert.equal(release.status, 201);
    const again = await api.request<{ errors: { code: string }[] }>('POST', '/repos/acme/releases/releases', {
      tag_name: 'v9.0.0',
      target_commitish: main,
    });
    assert.deepEqual([again.status, again.data.errors[0]?.code], [422, 'already_exists']);
    const badTarget = await api.request('POST', '/repos/acme/releases/releases', {
      tag_name: 'v9.0.1',
      target_commitish: 'no-such-branch',
    });
    assert.equal(badTarget.status, 422);
  });

  test('what the endpoints wrote can be fetched into the clone', () => {
    fixture.syncClone();
    assert.equal(fixture.clone.revParse('origin/main'), fixture.releases.branchSha('main'));
    assert.equal(fixture.clone.revParse('v9.0.0'), fixture.releases.refs.get('refs/tags/v9.0.0'));
    assert.equal(fixture.clone.git(['show', 'origin/main:README.md']), 'new');
  });
});

describe('promotion helpers', () => {
  test('unified diffs show removals before additions with context, and nothing for equal lines', () => {
    assert.equal(
      unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', { oldLabel: 'x', newLabel: 'y' }),
      '--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n',
    );
    assert.equal(unifiedDiff('a\r\nb\r\n', 'a\nb\n'), '');
    assert.equal(unifiedDiff('', 'new\n'), '--- before\n+++ after\n@@ -0,0 +1,1 @@\n+new\n');
  });

  test('pinning and following a branch change only the value lines, keeping quotes, comments and CRLF', () => {
    const pinned = pinRelease(SERVICE_V1, 'splits-lite', 'v0.2.3');
    assert.deepEqual(pinned, {
      kind: 'changed',
      text: SERVICE_V1.replace("'v0.2.2'", "'v0.2.3'"),
      from: 'v0.2.2',
      to: 'v0.2.3',
    });
    const crlf = SERVICE_V1.replace(/\n/g, '\r\n');
    const branch = followBranch(crlf, 'kayron', 'feature/x');
    assert.equal(
      branch.kind === 'changed' && branch.text,
      crlf.replace('    release: "v0.5.2"\r\n', '    # release: "v0.5.2"\r\n    branch: "feature/x"\r\n'),
    );
    // Back from the branch: the commented pin is restored, then bumped.
    const back = branch.kind === 'changed' ? pinRelease(branch.text, 'kayron', 'v0.5.4') : undefined;
    assert.equal(back?.kind === 'changed' && back.text, crlf.replace('"v0.5.2"', '"v0.5.4"'));
    assert.deepEqual(pinRelease(SERVICE_V1, 'kayron', 'v0.5.2'), {
      kind: 'unchanged',
      reason: 'kayron is already at v0.5.2',
    });
    assert.equal(pinRelease(SERVICE_V1, 'nope', 'v1.0.0').kind, 'impossible');
    assert.equal(
      followBranch('- docker: "a"\n  github: "a"\n  deploy:\n    suspend: true\n', 'a', 'x').kind,
      'impossible',
    );
  });
});
