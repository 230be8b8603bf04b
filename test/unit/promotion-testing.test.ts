// Deploy a service branch to testing and reset testing to staging: the exact ref updates, the commented release
// pin, fast-forward protection (stale base SHA), idempotent re-runs and the preview diff.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { GitHubApi } from '../../server/src/promotion/github-api';
import { executeRecipe, planPromotion, type PromotionInputs } from '../../server/src/promotion/promotion';
import { PromotionError } from '../../server/src/promotion/remote';
import type { PromotionRequest } from '../../server/src/promotion/types';
import {
  createPromotionFixture,
  fileOnBranch,
  promotionExecutor,
  promotionInputs,
  SERVICE_STAGING,
  SERVICE_V1,
  TOKEN,
  writeRequests,
  type PromotionFixture,
} from '../helpers/promotion-fixture';

const ON_BRANCH = SERVICE_STAGING.replace(
  '    release: "v0.5.3"\n',
  '    # release: "v0.5.3"\n    branch: "feature/faster-sync"\n',
);

const inputsFor = (fixture: PromotionFixture): Promise<PromotionInputs> =>
  promotionInputs(fixture, {
    branchExists: (github, branch) =>
      Promise.resolve(github === 'kayron' ? branch === 'feature/faster-sync' : undefined),
  });

const executor = promotionExecutor;

const testingFile = (fixture: PromotionFixture): string | undefined =>
  fileOnBranch(fixture, 'testing', 'service/service.yaml');

describe('deploy a branch to testing', () => {
  test('creates testing from the default branch with one commit that follows the branch and keeps the pin as a comment', async () => {
    const fixture = await createPromotionFixture();
    try {
      const deploy = { kind: 'testing-deploy', service: 'kayron', branch: 'feature/faster-sync' } as const;
      const { plan, recipe } = await planPromotion(await inputsFor(fixture), executor(fixture), deploy, 'p');
      assert.equal(plan.title, 'Deploy kayron branch feature/faster-sync to testing');
      assert.deepEqual(plan.testing, { branch: 'testing', exists: false, from: undefined, to: undefined });
      assert.deepEqual(plan.changes, [
        { service: 'kayron', github: 'kayron', from: 'v0.5.3', to: 'branch feature/faster-sync' },
      ]);
      assert.equal(plan.files[0]?.after, ON_BRANCH);
      assert.match(
        plan.files[0]?.diff ?? '',
        /^- {4}release: "v0\.5\.3"\n\+ {4}# release: "v0\.5\.3"\n\+ {4}branch: "feature\/faster-sync"$/m,
      );
      assert.deepEqual(plan.warnings, []);
      assert.ok(recipe);
      fixture.standin.clearLog();
      const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture), recipe);
      const testing = fixture.releases.branchSha('testing')!;
      assert.deepEqual(
        writeRequests(fixture.standin).map((request) => request.call),
        [
          'POST /repos/acme/releases/git/blobs',
          'POST /repos/acme/releases/git/trees',
          'POST /repos/acme/releases/git/commits',
          'POST /repos/acme/releases/git/refs',
        ],
      );
      assert.deepEqual(writeRequests(fixture.standin).at(-1)?.body, { ref: 'refs/heads/testing', sha: testing });
      assert.deepEqual(fixture.releases.store.readCommit(testing).parents, [fixture.stagingCommit]);
      assert.equal(testingFile(fixture), ON_BRANCH);
      assert.deepEqual(outcome.links, [
        { label: 'Open commit', url: `https://github.com/acme/releases/commit/${testing}` },
        { label: 'Open testing branch', url: 'https://github.com/acme/releases/tree/testing' },
      ]);

      // Same request again: nothing to do. Another branch: a fast-forward PATCH of the existing testing branch.
      const again = await planPromotion(await inputsFor(fixture), executor(fixture), deploy, 'p');
      assert.equal(again.plan.nothingToDo, 'kayron already follows feature/faster-sync in testing.');
      const other = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { ...deploy, branch: 'main' },
        'p',
      );
      assert.ok(other.recipe);
      assert.equal(other.plan.files[0]?.after, ON_BRANCH.replace('branch: "feature/faster-sync"', 'branch: "main"'));
      fixture.standin.clearLog();
      await executeRecipe(await inputsFor(fixture), executor(fixture), other.recipe);
      const patched = fixture.releases.branchSha('testing')!;
      assert.deepEqual(writeRequests(fixture.standin).at(-1), {
        call: 'PATCH /repos/acme/releases/git/refs/heads/testing',
        body: { sha: patched, force: false },
      });
      assert.deepEqual(fixture.releases.store.readCommit(patched).parents, [testing]);
      // Re-running the executed recipe finds its change already there.
      fixture.standin.clearLog();
      const rerun = await executeRecipe(await inputsFor(fixture), executor(fixture), other.recipe);
      assert.match(rerun.message, /testing already has this change/);
      assert.deepEqual(writeRequests(fixture.standin), []);
    } finally {
      await fixture.close();
    }
  });

  test('a missing service branch is a warning; testing moving after the preview is stale, and GitHub refuses a non-fast-forward', async () => {
    const fixture = await createPromotionFixture({ testing: { 'service/service.yaml': SERVICE_V1 } });
    try {
      const missing = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'testing-deploy', service: 'kayron', branch: 'feature/gone' },
        'p',
      );
      assert.deepEqual(missing.plan.warnings, [
        'Branch not found: acme/kayron has no branch feature/gone: Kayron would find no desired ref for kayron.',
      ]);

      const { plan, recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'testing-deploy', service: 'kayron', branch: 'feature/faster-sync' },
        'p',
      );
      assert.equal(plan.testing?.exists, true);
      assert.ok(recipe);
      // testing moves on GitHub after the preview (someone else deployed).
      const api = new GitHubApi({ apiUrl: fixture.standin.apiUrl, token: TOKEN });
      const testingHead = fixture.releases.branchSha('testing')!;
      const moved = await api.request('PUT', '/repos/acme/releases/contents/README.md', {
        message: 'move',
        content: Buffer.from('moved\n').toString('base64'),
        sha: fixture.releases.store.fileAt(testingHead, 'README.md')?.sha,
        branch: 'testing',
      });
      assert.equal(moved.status, 200);
      fixture.standin.clearLog();
      await assert.rejects(
        executeRecipe(await inputsFor(fixture), executor(fixture), recipe),
        (error: unknown) =>
          error instanceof PromotionError &&
          error.reason === 'stale' &&
          /testing moved since the preview/.test(error.message),
      );
      assert.deepEqual(writeRequests(fixture.standin), []);

      // The stand-in enforces fast-forwards like GitHub: moving testing back to its old head without force is a 422.
      const back = await api.request('PATCH', '/repos/acme/releases/git/refs/heads/testing', {
        sha: testingHead,
        force: false,
      });
      assert.deepEqual(
        [back.status, (back.data as { message: string }).message],
        [422, 'Update is not a fast forward'],
      );
      assert.notEqual(fixture.releases.branchSha('testing'), testingHead);
    } finally {
      await fixture.close();
    }
  });

  test('a 422 on the ref update (testing moved between check and update) reports a stale base and changes nothing', async () => {
    const fixture = await createPromotionFixture({ testing: { 'service/service.yaml': SERVICE_V1 } });
    try {
      const { recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'testing-deploy', service: 'kayron', branch: 'feature/faster-sync' },
        'p',
      );
      assert.ok(recipe);
      const before = fixture.releases.branchSha('testing');
      fixture.standin.addFault({
        path: '/repos/acme/releases/git/refs/heads/testing',
        fault: { kind: 'status', status: 422, message: 'Update is not a fast forward' },
      });
      await assert.rejects(
        executeRecipe(await inputsFor(fixture), executor(fixture), recipe),
        (error: unknown) =>
          error instanceof PromotionError &&
          error.reason === 'stale' &&
          /Update is not a fast forward/.test(error.message),
      );
      assert.equal(fixture.releases.branchSha('testing'), before);
    } finally {
      await fixture.close();
    }
  });
});

describe('reset testing to staging', () => {
  test('shows what changes, warns about testing-only commits, force-updates testing to main, then has nothing to do', async () => {
    const fixture = await createPromotionFixture({
      testing: { 'service/service.yaml': SERVICE_V1.replace('release: "v0.5.2"', 'branch: "feature/faster-sync"') },
    });
    try {
      const { plan, recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'testing-reset' },
        'p',
      );
      const testingHead = fixture.releases.branchSha('testing')!;
      assert.equal(plan.title, 'Reset testing to main');
      assert.deepEqual(plan.testing, { branch: 'testing', exists: true, from: testingHead, to: fixture.stagingCommit });
      assert.deepEqual(
        plan.changes.map((change) => [change.service, change.from, change.to]),
        [['kayron', 'branch feature/faster-sync', 'v0.5.3']],
      );
      assert.match(plan.files[0]?.diff ?? '', /^- {4}branch: "feature\/faster-sync"\n\+ {4}release: "v0\.5\.3"$/m);
      assert.deepEqual(plan.warnings, [
        'testing has its own commits: 1 commit on testing is not on main and will no longer be on testing.',
      ]);
      assert.ok(recipe);
      fixture.standin.clearLog();
      await executeRecipe(await inputsFor(fixture), executor(fixture), recipe);
      assert.deepEqual(writeRequests(fixture.standin), [
        {
          call: 'PATCH /repos/acme/releases/git/refs/heads/testing',
          body: { sha: fixture.stagingCommit, force: true },
        },
      ]);
      assert.equal(fixture.releases.branchSha('testing'), fixture.stagingCommit);
      const again = await planPromotion(await inputsFor(fixture), executor(fixture), { kind: 'testing-reset' }, 'p');
      assert.equal(again.plan.nothingToDo, `testing is already at main (${fixture.stagingCommit.slice(0, 7)}).`);
      fixture.standin.clearLog();
      const rerun = await executeRecipe(await inputsFor(fixture), executor(fixture), recipe);
      assert.match(rerun.message, /already at/);
      assert.deepEqual(writeRequests(fixture.standin), []);
    } finally {
      await fixture.close();
    }
  });

  test('testing moved after the preview: refused; no testing branch: nothing to do; clone behind: blocked', async () => {
    const fixture = await createPromotionFixture({ testing: { 'service/service.yaml': SERVICE_V1 } });
    try {
      const { recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'testing-reset' },
        'p',
      );
      assert.ok(recipe);
      const api = new GitHubApi({ apiUrl: fixture.standin.apiUrl, token: TOKEN });
      const head = fixture.releases.branchSha('testing')!;
      await api.request('PUT', '/repos/acme/releases/contents/README.md', {
        message: 'move',
        content: Buffer.from('x\n').toString('base64'),
        sha: fixture.releases.store.fileAt(head, 'README.md')?.sha,
        branch: 'testing',
      });
      fixture.standin.clearLog();
      await assert.rejects(
        executeRecipe(await inputsFor(fixture), executor(fixture), recipe),
        (error: unknown) => error instanceof PromotionError && error.reason === 'stale',
      );
      assert.deepEqual(writeRequests(fixture.standin), []);
      // The moved testing head is not in the clone yet.
      const behind = await planPromotion(await inputsFor(fixture), executor(fixture), { kind: 'testing-reset' }, 'p');
      assert.match(behind.plan.blocked ?? '', /Local view is behind GitHub/);
      const deleted = await api.request('DELETE', '/repos/acme/releases/git/refs/heads/testing');
      assert.equal(deleted.status, 204);
      const none = await planPromotion(await inputsFor(fixture), executor(fixture), { kind: 'testing-reset' }, 'p');
      assert.equal(none.plan.nothingToDo, 'there is no testing branch: Kayron already runs main in testing.');
    } finally {
      await fixture.close();
    }
  });
});

describe('dry runs', () => {
  test('every flow (staging, production, testing deploy, testing reset) walks its writes and sends none', async () => {
    // testing exists and differs from main, so the deploy fast-forwards it and the reset force-moves it: both PATCH.
    const fixture = await createPromotionFixture({
      testing: { 'service/service.yaml': SERVICE_V1.replace('release: "v0.5.2"', 'branch: "main"') },
    });
    try {
      const flows: { request: PromotionRequest; lastWrite: string }[] = [
        {
          request: { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
          lastWrite: 'POST /repos/acme/releases/pulls',
        },
        { request: { kind: 'production' }, lastWrite: 'POST /repos/acme/releases/releases' },
        {
          request: { kind: 'testing-deploy', service: 'kayron', branch: 'feature/faster-sync' },
          lastWrite: 'PATCH /repos/acme/releases/git/refs/heads/testing',
        },
        { request: { kind: 'testing-reset' }, lastWrite: 'PATCH /repos/acme/releases/git/refs/heads/testing' },
      ];
      for (const { request, lastWrite } of flows) {
        const { recipe } = await planPromotion(await inputsFor(fixture), executor(fixture), request, 'p');
        assert.ok(recipe, request.kind);
        const log: string[] = [];
        const heads = { main: fixture.releases.branchSha('main'), testing: fixture.releases.branchSha('testing') };
        fixture.standin.clearLog();
        const dry = executor(fixture, log, true);
        await executeRecipe(await inputsFor(fixture), dry, recipe);
        assert.deepEqual(writeRequests(fixture.standin), [], `${request.kind}: no write reaches GitHub`);
        assert.ok(fixture.standin.requests.length > 0, `${request.kind}: the dry run still reads`);
        const skipped = dry.calls.filter((call) => call.dryRun).map((call) => `${call.method} ${call.path}`);
        assert.equal(skipped.at(-1), lastWrite, `${request.kind}: ${skipped.join(', ')}`);
        assert.ok(log.includes(`[dry run] ${lastWrite} (not sent)`), log.join('\n'));
        assert.deepEqual(
          { main: fixture.releases.branchSha('main'), testing: fixture.releases.branchSha('testing') },
          heads,
        );
      }
    } finally {
      await fixture.close();
    }
  });
});
