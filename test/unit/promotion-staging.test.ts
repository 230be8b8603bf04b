// Promote services to staging by pull request: the exact Git Data and pulls requests, formatting-preserving edits,
// duplicates (open PR, existing branch), conflicts, a failure midway that cleans up, a stale base, and dry runs.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { GitHubApi, GitHubApiError, type ApiResponse } from '../../server/src/promotion/github-api';
import { PromotionExecutor } from '../../server/src/promotion/executor';
import { executeRecipe, planPromotion, type PromotionInputs } from '../../server/src/promotion/promotion';
import { bumpBranchName } from '../../server/src/promotion/staging';
import { PromotionError } from '../../server/src/promotion/remote';
import {
  createPromotionFixture,
  fileOnBranch,
  promotionExecutor,
  promotionInputs,
  INFRASTRUCTURE_V1,
  SERVICE_STAGING,
  TOKEN,
  writeRequests,
  type PromotionFixture,
} from '../helpers/promotion-fixture';

const inputsFor = (fixture: PromotionFixture): Promise<PromotionInputs> =>
  promotionInputs(fixture, {
    releaseNotes: (github, tag) =>
      Promise.resolve(github === 'kayron' && tag === 'v0.5.4' ? '- faster sync\n- fewer retries' : undefined),
    tagExists: (github, tag) => Promise.resolve(!(github === 'kayron' && tag === 'v9.9.9')),
  });

const executor = promotionExecutor;

describe('promote one service to staging', () => {
  let fixture: PromotionFixture;
  const log: string[] = [];
  before(async () => {
    fixture = await createPromotionFixture();
  });
  after(async () => {
    await fixture.close();
    assert.ok(!log.join('\n').includes(TOKEN));
  });

  test('plans the team-style pull request with the edited file', async () => {
    const { plan, recipe } = await planPromotion(
      await inputsFor(fixture),
      executor(fixture, log),
      { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
      'p',
    );
    assert.equal(plan.title, 'Bump kayron to v0.5.4');
    assert.deepEqual(
      plan.pullRequest && {
        title: plan.pullRequest.title,
        branch: plan.pullRequest.branch,
        base: plan.pullRequest.base,
      },
      { title: 'Bump kayron to v0.5.4', branch: 'bump-kayron-v0.5.4', base: 'main' },
    );
    assert.equal(
      plan.pullRequest?.body,
      [
        '- **kayron** v0.5.3 → v0.5.4 — [release notes](https://github.com/acme/kayron/releases/tag/v0.5.4) · [compare](https://github.com/acme/kayron/compare/v0.5.3...v0.5.4)',
        '  > - faster sync',
        '  > - fewer retries',
        '',
        `Opened with Kayron Releases from main at ${fixture.stagingCommit.slice(0, 7)}.`,
      ].join('\n'),
    );
    assert.deepEqual(
      plan.files.map((file) => [file.path, file.before, file.after]),
      [['service/service.yaml', SERVICE_STAGING, SERVICE_STAGING.replace('"v0.5.3"', '"v0.5.4"')]],
    );
    assert.deepEqual(
      plan.calls.map((call) => `${call.method} ${call.path}`),
      [
        'POST /repos/acme/releases/git/blobs',
        'POST /repos/acme/releases/git/trees',
        'POST /repos/acme/releases/git/commits',
        'POST /repos/acme/releases/git/refs',
        'POST /repos/acme/releases/pulls',
      ],
    );
    assert.ok(recipe);
  });

  test('sends exactly blob, tree, commit, ref and pull request; the branch differs from main by the one value', async () => {
    const { plan, recipe } = await planPromotion(
      await inputsFor(fixture),
      executor(fixture, log),
      { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
      'p',
    );
    assert.ok(recipe);
    fixture.standin.clearLog();
    const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture, log), recipe);
    assert.deepEqual(outcome, {
      message: 'Opened pull request #1 "Bump kayron to v0.5.4".',
      links: [{ label: 'Open pull request', url: 'https://github.com/acme/releases/pull/1' }],
    });
    const edited = SERVICE_STAGING.replace('"v0.5.3"', '"v0.5.4"');
    const writes = writeRequests(fixture.standin);
    const blobSha = fixture.releases.store.fileAt(
      fixture.releases.branchSha('bump-kayron-v0.5.4')!,
      'service/service.yaml',
    )?.sha;
    const commit = fixture.releases.branchSha('bump-kayron-v0.5.4')!;
    const tree = fixture.releases.store.readCommit(commit).tree;
    assert.deepEqual(writes, [
      {
        call: 'POST /repos/acme/releases/git/blobs',
        body: { content: Buffer.from(edited).toString('base64'), encoding: 'base64' },
      },
      {
        call: 'POST /repos/acme/releases/git/trees',
        body: {
          base_tree: fixture.releases.store.readCommit(fixture.stagingCommit).tree,
          tree: [{ path: 'service/service.yaml', mode: '100644', type: 'blob', sha: blobSha }],
        },
      },
      {
        call: 'POST /repos/acme/releases/git/commits',
        body: { message: 'Bump kayron to v0.5.4', tree, parents: [fixture.stagingCommit] },
      },
      { call: 'POST /repos/acme/releases/git/refs', body: { ref: 'refs/heads/bump-kayron-v0.5.4', sha: commit } },
      {
        call: 'POST /repos/acme/releases/pulls',
        body: {
          title: 'Bump kayron to v0.5.4',
          head: 'bump-kayron-v0.5.4',
          base: 'main',
          body: plan.pullRequest?.body,
        },
      },
    ]);
    assert.equal(fileOnBranch(fixture, 'bump-kayron-v0.5.4', 'service/service.yaml'), edited);
    assert.equal(
      fileOnBranch(fixture, 'bump-kayron-v0.5.4', 'infrastructure/infrastructure.yaml'),
      INFRASTRUCTURE_V1,
      'other files are untouched',
    );
  });

  test('does not open a duplicate: the plan and a re-run return the open pull request', async () => {
    const again = await planPromotion(
      await inputsFor(fixture),
      executor(fixture, log),
      { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
      'p',
    );
    assert.equal(again.plan.nothingToDo, 'pull request #1 from bump-kayron-v0.5.4 is already open.');
    assert.deepEqual(again.plan.links, [
      { label: 'Open pull request', url: 'https://github.com/acme/releases/pull/1' },
    ]);
    assert.equal(again.recipe, undefined);
  });

  test('re-running an executed recipe returns the open pull request without a write', async () => {
    const { recipe } = await planPromotion(
      await inputsFor(fixture),
      executor(fixture, log),
      { kind: 'staging', bumps: [{ service: 'splits-lite', version: 'v0.2.3' }] },
      'p',
    );
    assert.ok(recipe);
    await executeRecipe(await inputsFor(fixture), executor(fixture, log), recipe);
    fixture.standin.clearLog();
    const rerun = await executeRecipe(await inputsFor(fixture), executor(fixture, log), recipe);
    assert.deepEqual(rerun.links, [{ label: 'Open pull request', url: 'https://github.com/acme/releases/pull/2' }]);
    assert.deepEqual(writeRequests(fixture.standin), []);
  });

  test('an existing branch with the same change is reused (only the pull request is opened)', async () => {
    fixture.releases.pulls.find((pull) => pull.number === 1)!.state = 'closed';
    const { plan, recipe } = await planPromotion(
      await inputsFor(fixture),
      executor(fixture, log),
      { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
      'p',
    );
    assert.deepEqual(
      plan.checks.map((check) => [check.id, check.status]),
      [['branch-exists', 'ok']],
    );
    assert.deepEqual(
      plan.calls.map((call) => `${call.method} ${call.path}`),
      ['POST /repos/acme/releases/pulls'],
    );
    assert.ok(recipe);
    fixture.standin.clearLog();
    const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture, log), recipe);
    assert.equal(outcome.links[0]?.url, 'https://github.com/acme/releases/pull/3');
    assert.deepEqual(
      writeRequests(fixture.standin).map((request) => request.call),
      ['POST /repos/acme/releases/pulls'],
    );
  });
});

describe('staging bumps: several services, conflicts and failures', () => {
  test('bumps in two files make one commit and the team-style title', async () => {
    const fixture = await createPromotionFixture();
    try {
      const { plan, recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        {
          kind: 'staging',
          bumps: [
            { service: 'infrastructure', version: 'v0.5.7' },
            { service: 'splits-lite', version: 'v0.2.3' },
          ],
        },
        'p',
      );
      assert.equal(plan.title, 'Bump infrastructure to v0.5.7 and splits-lite to v0.2.3');
      assert.equal(plan.pullRequest?.branch, 'bump-infrastructure-v0.5.7-and-splits-lite-v0.2.3');
      assert.deepEqual(
        plan.files.map((file) => file.path),
        ['infrastructure/infrastructure.yaml', 'service/service.yaml'],
      );
      assert.ok(recipe);
      fixture.standin.clearLog();
      await executeRecipe(await inputsFor(fixture), executor(fixture), recipe);
      assert.deepEqual(
        writeRequests(fixture.standin).map((request) => request.call),
        [
          'POST /repos/acme/releases/git/blobs',
          'POST /repos/acme/releases/git/blobs',
          'POST /repos/acme/releases/git/trees',
          'POST /repos/acme/releases/git/commits',
          'POST /repos/acme/releases/git/refs',
          'POST /repos/acme/releases/pulls',
        ],
      );
      const branch = 'bump-infrastructure-v0.5.7-and-splits-lite-v0.2.3';
      // The single-quoted value keeps its quotes; nothing else in the file moves.
      assert.equal(
        fileOnBranch(fixture, branch, 'service/service.yaml'),
        SERVICE_STAGING.replace("release: 'v0.2.2'", "release: 'v0.2.3'"),
      );
      assert.equal(
        fileOnBranch(fixture, branch, 'infrastructure/infrastructure.yaml'),
        INFRASTRUCTURE_V1.replace('v0.5.6', 'v0.5.7'),
      );
      const commit = fixture.releases.store.readCommit(fixture.releases.branchSha(branch)!);
      assert.deepEqual(commit.parents, [fixture.stagingCommit]);
    } finally {
      await fixture.close();
    }
  });

  test('a version already on staging is nothing to do; an unknown tag is a warning; a rejected tag is refused', async () => {
    const fixture = await createPromotionFixture();
    try {
      const same = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.3' }] },
        'p',
      );
      assert.equal(same.plan.nothingToDo, 'kayron is already at v0.5.3');
      const unknown = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'staging', bumps: [{ service: 'kayron', version: 'v9.9.9' }] },
        'p',
      );
      assert.deepEqual(unknown.plan.warnings, [
        'Tag not found: acme/kayron has no tag v9.9.9: Kayron would wait for an image that may never exist.',
      ]);
      await assert.rejects(
        planPromotion(
          await inputsFor(fixture),
          executor(fixture),
          { kind: 'staging', bumps: [{ service: 'kayron', version: '0.5.4' }] },
          'p',
        ),
        /is not a release tag Kayron accepts/,
      );
      await assert.rejects(
        planPromotion(
          await inputsFor(fixture),
          executor(fixture),
          { kind: 'staging', bumps: [{ service: 'nope', version: 'v1.0.0' }] },
          'p',
        ),
        /nope is not a service of main/,
      );
    } finally {
      await fixture.close();
    }
  });

  test('a branch that exists with other content blocks the plan; one created after the preview is a conflict', async () => {
    const fixture = await createPromotionFixture();
    try {
      const api = new GitHubApi({ apiUrl: fixture.standin.apiUrl, token: TOKEN });
      const { recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
        'p',
      );
      assert.ok(recipe);
      // Someone pushes a branch of that name (pointing at main itself) between preview and confirmation.
      const created = await api.request('POST', '/repos/acme/releases/git/refs', {
        ref: 'refs/heads/bump-kayron-v0.5.4',
        sha: fixture.stagingCommit,
      });
      assert.equal(created.status, 201);
      fixture.standin.clearLog();
      await assert.rejects(
        executeRecipe(await inputsFor(fixture), executor(fixture), recipe),
        (error: unknown) => error instanceof PromotionError && error.reason === 'conflict',
      );
      assert.deepEqual(writeRequests(fixture.standin), []);
      const blocked = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
        'p',
      );
      assert.match(blocked.plan.blocked ?? '', /Branch exists: bump-kayron-v0\.5\.4 already exists with other content/);
      assert.equal(blocked.recipe, undefined);
      // The stand-in's own conflict: creating an existing ref is a 422.
      const again = await api.request('POST', '/repos/acme/releases/git/refs', {
        ref: 'refs/heads/bump-kayron-v0.5.4',
        sha: fixture.stagingCommit,
      });
      assert.deepEqual([again.status, (again.data as { message: string }).message], [422, 'Reference already exists']);
    } finally {
      await fixture.close();
    }
  });

  test('a failure after the branch was created deletes the branch again: no half state', async () => {
    const fixture = await createPromotionFixture();
    try {
      const { recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
        'p',
      );
      assert.ok(recipe);
      for (const failure of ['status', 'network'] as const) {
        fixture.standin.clearLog();
        // GitHub fails exactly the pull-request creation (a 502, or no answer at all); everything before it succeeds.
        class FailingPulls extends GitHubApi {
          override async request<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
            if (method === 'POST' && path === '/repos/acme/releases/pulls') {
              if (failure === 'network')
                throw new GitHubApiError(
                  'POST /repos/acme/releases/pulls failed: socket hang up',
                  undefined,
                  method,
                  path,
                );
              return { status: 502, data: { message: 'Bad Gateway' } as T, headers: new Headers() };
            }
            return super.request<T>(method, path, body);
          }
        }
        const failing = new PromotionExecutor({
          api: new FailingPulls({ apiUrl: fixture.standin.apiUrl, token: TOKEN }),
          dryRun: false,
          log: () => undefined,
        });
        await assert.rejects(executeRecipe(await inputsFor(fixture), failing, recipe), (error: unknown) => {
          assert.ok(error instanceof PromotionError);
          assert.equal(error.reason, 'failed');
          assert.match(error.message, /The branch bump-kayron-v0\.5\.4 was deleted again; nothing is left behind\./);
          return true;
        });
        assert.deepEqual(
          writeRequests(fixture.standin).map((request) => request.call),
          [
            'POST /repos/acme/releases/git/blobs',
            'POST /repos/acme/releases/git/trees',
            'POST /repos/acme/releases/git/commits',
            'POST /repos/acme/releases/git/refs',
            'DELETE /repos/acme/releases/git/refs/heads/bump-kayron-v0.5.4',
          ],
        );
        assert.equal(fixture.releases.branchSha('bump-kayron-v0.5.4'), undefined);
        assert.deepEqual(fixture.releases.pulls, []);
      }
      // And the next run starts clean and succeeds.
      const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture), recipe);
      assert.equal(outcome.links[0]?.url, 'https://github.com/acme/releases/pull/1');
    } finally {
      await fixture.close();
    }
  });

  test('a stale base (main moved after the preview) is refused before any write', async () => {
    const fixture = await createPromotionFixture();
    try {
      const { recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
        'p',
      );
      assert.ok(recipe);
      const api = new GitHubApi({ apiUrl: fixture.standin.apiUrl, token: TOKEN });
      const moved = await api.request('PUT', '/repos/acme/releases/contents/README.md', {
        message: 'docs',
        content: Buffer.from('# releases (moved)\n').toString('base64'),
        sha: fixture.releases.store.fileAt(fixture.stagingCommit, 'README.md')?.sha,
        branch: 'main',
      });
      assert.equal(moved.status, 200);
      fixture.standin.clearLog();
      await assert.rejects(
        executeRecipe(await inputsFor(fixture), executor(fixture), recipe),
        (error: unknown) =>
          error instanceof PromotionError &&
          error.reason === 'stale' &&
          /main moved since the preview/.test(error.message),
      );
      assert.deepEqual(writeRequests(fixture.standin), []);
    } finally {
      await fixture.close();
    }
  });

  test('a dry run sends no write request but logs each one', async () => {
    const fixture = await createPromotionFixture();
    try {
      const log: string[] = [];
      const { recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture, log),
        { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
        'p',
      );
      assert.ok(recipe);
      fixture.standin.clearLog();
      const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture, log, true), recipe);
      assert.equal(outcome.message, 'Would open "Bump kayron to v0.5.4" from bump-kayron-v0.5.4.');
      assert.deepEqual(writeRequests(fixture.standin), []);
      assert.deepEqual(
        log.filter((line) => line.startsWith('[dry run]')),
        [
          '[dry run] POST /repos/acme/releases/git/blobs (not sent)',
          '[dry run] POST /repos/acme/releases/git/trees (not sent)',
          '[dry run] POST /repos/acme/releases/git/commits (not sent)',
          '[dry run] POST /repos/acme/releases/git/refs (not sent)',
          '[dry run] POST /repos/acme/releases/pulls (not sent)',
        ],
      );
    } finally {
      await fixture.close();
    }
  });
});

test('branch names follow the team: bump-<service>-<version>', () => {
  assert.equal(bumpBranchName([{ service: 'alloy', to: 'v1.12.2' }]), 'bump-alloy-v1.12.2');
  assert.equal(bumpBranchName([{ service: 'splits-lite', to: 'v0.2.2' }]), 'bump-splits-lite-v0.2.2');
  assert.equal(bumpBranchName([{ service: 'a b', to: 'v1.0.0+x' }]), 'bump-a-b-v1.0.0-x');
});
