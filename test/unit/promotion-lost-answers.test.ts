// Writes that survive lost answers, against the fault-injecting GitHub stand-in: GitHub does the write, but its answer
// never arrives (the connection drops) or is replaced by a 502. The promotion then reads GitHub's state before it
// cleans up or reports, and reports exactly what exists afterwards; a retry of the same recipe is idempotent.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { executeRecipe, planPromotion, type PromotionInputs } from '../../server/src/promotion/promotion';
import { PromotionError } from '../../server/src/promotion/remote';
import type { StandinFault } from '../github-standin/server';
import {
  createPromotionFixture,
  promotionExecutor,
  promotionInputs,
  SERVICE_V1,
  TOKEN,
  writeRequests,
  type PromotionFixture,
} from '../helpers/promotion-fixture';

const inputsFor = (fixture: PromotionFixture): Promise<PromotionInputs> => promotionInputs(fixture);
const executor = promotionExecutor;

/** The two ways an answer gets lost: no answer at all, and a gateway error after GitHub did the work. */
const LOST_ANSWERS: [string, StandinFault][] = [
  ['the connection drops', { kind: 'lost-answer' }],
  ['a 502 replaces the answer', { kind: 'lost-answer', status: 502 }],
];

describe('staging: the pull request was opened, but its answer was lost', () => {
  for (const [name, fault] of LOST_ANSWERS) {
    test(`${name}: reported as opened, its branch kept, and a retry opens nothing twice`, async () => {
      const fixture = await createPromotionFixture();
      const log: string[] = [];
      try {
        const { recipe } = await planPromotion(
          await inputsFor(fixture),
          executor(fixture),
          { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
          'p',
        );
        assert.ok(recipe);
        fixture.standin.clearLog();
        fixture.standin.addFault({ path: '/repos/acme/releases/pulls', method: 'POST', fault });
        const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture, log), recipe);
        assert.equal(
          outcome.message,
          `Opened (GitHub's answer was lost; the pull request is there) pull request #1 "Bump kayron to v0.5.4".`,
        );
        assert.deepEqual(outcome.links, [
          { label: 'Open pull request', url: 'https://github.com/acme/releases/pull/1' },
        ]);
        // The pull request is open and its branch is still there: no DELETE was sent.
        assert.deepEqual(
          fixture.releases.pulls.map((pull) => [pull.number, pull.state, pull.head]),
          [[1, 'open', 'bump-kayron-v0.5.4']],
        );
        assert.ok(fixture.releases.branchSha('bump-kayron-v0.5.4'));
        assert.ok(
          !writeRequests(fixture.standin).some((request) => request.call.startsWith('DELETE')),
          JSON.stringify(writeRequests(fixture.standin)),
        );
        fixture.standin.clearLog();
        const again = await executeRecipe(await inputsFor(fixture), executor(fixture, log), recipe);
        assert.match(again.message, /^Already open: pull request #1/);
        assert.deepEqual(writeRequests(fixture.standin), []);
        assert.ok(!log.join('\n').includes(TOKEN));
      } finally {
        await fixture.close();
      }
    });
  }

  test("the branch creation answer is lost but the branch exists at this run's commit: the run goes on and opens the pull request", async () => {
    const fixture = await createPromotionFixture();
    try {
      const { recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
        'p',
      );
      assert.ok(recipe);
      fixture.standin.addFault({
        path: '/repos/acme/releases/git/refs',
        method: 'POST',
        fault: { kind: 'lost-answer' },
      });
      const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture), recipe);
      assert.equal(outcome.message, 'Opened pull request #1 "Bump kayron to v0.5.4".');
      assert.deepEqual(
        fixture.releases.pulls.map((pull) => [pull.number, pull.state]),
        [[1, 'open']],
      );
    } finally {
      await fixture.close();
    }
  });

  test('a 502 where GitHub really did not open the pull request: the branch is deleted again, as before', async () => {
    const fixture = await createPromotionFixture();
    try {
      const { recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
        'p',
      );
      assert.ok(recipe);
      fixture.standin.addFault({
        path: '/repos/acme/releases/pulls',
        method: 'POST',
        fault: { kind: 'status', status: 502, message: 'Bad Gateway' },
      });
      await assert.rejects(executeRecipe(await inputsFor(fixture), executor(fixture), recipe), (error: unknown) => {
        assert.ok(error instanceof PromotionError && error.reason === 'failed', String(error));
        assert.match(
          error.message,
          /GitHub answered 502.*The branch bump-kayron-v0\.5\.4 was deleted again; nothing is left behind\./,
        );
        return true;
      });
      assert.equal(fixture.releases.branchSha('bump-kayron-v0.5.4'), undefined);
      assert.deepEqual(fixture.releases.pulls, []);
    } finally {
      await fixture.close();
    }
  });
});

describe('production: the release was created, but its answer was lost', () => {
  for (const [name, fault] of LOST_ANSWERS) {
    test(`${name}: reported as created; the retry is success without a second request`, async () => {
      const fixture = await createPromotionFixture();
      try {
        const { recipe } = await planPromotion(
          await inputsFor(fixture),
          executor(fixture),
          { kind: 'production' },
          'p',
        );
        assert.ok(recipe && recipe.kind === 'production');
        fixture.standin.addFault({ path: '/repos/acme/releases/releases', method: 'POST', fault });
        const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture), recipe);
        const short = fixture.stagingCommit.slice(0, 7);
        assert.equal(
          outcome.message,
          `Created release v0.6.11 on ${short} (GitHub's answer was lost; the release is there).`,
        );
        assert.deepEqual(outcome.links, [
          { label: 'Open release', url: 'https://github.com/acme/releases/releases/tag/v0.6.11' },
        ]);
        assert.equal(fixture.releases.refs.get('refs/tags/v0.6.11'), fixture.stagingCommit);
        fixture.standin.clearLog();
        const retry = await executeRecipe(await inputsFor(fixture), executor(fixture), recipe);
        assert.equal(retry.message, `Release v0.6.11 already exists on ${short}; nothing was changed.`);
        assert.deepEqual(writeRequests(fixture.standin), [], 'no second release request');
      } finally {
        await fixture.close();
      }
    });
  }

  test('a tag of the planned name that points elsewhere is a conflict, and nothing is written', async () => {
    const fixture = await createPromotionFixture();
    try {
      const { recipe } = await planPromotion(await inputsFor(fixture), executor(fixture), { kind: 'production' }, 'p');
      assert.ok(recipe);
      // Someone tagged the production commit v0.6.11 after the preview.
      fixture.releases.setRef('refs/tags/v0.6.11', fixture.productionCommit);
      fixture.standin.clearLog();
      await assert.rejects(executeRecipe(await inputsFor(fixture), executor(fixture), recipe), (error: unknown) => {
        assert.ok(error instanceof PromotionError && error.reason === 'conflict', String(error));
        assert.equal(
          error.message,
          `The tag v0.6.11 already exists on ${fixture.productionCommit.slice(0, 7)}, not on the planned ${fixture.stagingCommit.slice(0, 7)}; no release was created.`,
        );
        return true;
      });
      assert.deepEqual(writeRequests(fixture.standin), []);
    } finally {
      await fixture.close();
    }
  });

  test('a 502 where GitHub really created nothing: "no release was created", and the retry creates it', async () => {
    const fixture = await createPromotionFixture();
    try {
      const { recipe } = await planPromotion(await inputsFor(fixture), executor(fixture), { kind: 'production' }, 'p');
      assert.ok(recipe);
      fixture.standin.addFault({
        path: '/repos/acme/releases/releases',
        method: 'POST',
        fault: { kind: 'status', status: 502, message: 'Bad Gateway' },
      });
      await assert.rejects(executeRecipe(await inputsFor(fixture), executor(fixture), recipe), (error: unknown) => {
        assert.ok(error instanceof PromotionError && error.reason === 'failed', String(error));
        assert.match(
          error.message,
          /^Creating release v0\.6\.11 failed: GitHub: GitHub answered 502 \(Bad Gateway\); no release was created\.$/,
        );
        return true;
      });
      assert.equal(fixture.releases.refs.get('refs/tags/v0.6.11'), undefined);
      const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture), recipe);
      assert.equal(outcome.message, `Created release v0.6.11 on ${fixture.stagingCommit.slice(0, 7)}.`);
    } finally {
      await fixture.close();
    }
  });
});

describe('testing: the ref update went through, but its answer was lost', () => {
  test('deploy: reported as updated when testing is at the new commit; reset: the same', async () => {
    const fixture = await createPromotionFixture({
      testing: { 'service/service.yaml': SERVICE_V1.replace('release: "v0.5.2"', 'branch: "feature/old"') },
    });
    try {
      const deploy = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'testing-deploy', service: 'kayron', branch: 'feature/faster-sync' },
        'p',
      );
      assert.ok(deploy.recipe);
      fixture.standin.addFault({
        path: /^\/repos\/acme\/releases\/git\/refs\/heads\/testing$/,
        method: 'PATCH',
        fault: { kind: 'lost-answer' },
      });
      const deployed = await executeRecipe(await inputsFor(fixture), executor(fixture), deploy.recipe);
      assert.match(
        deployed.message,
        /^Updated testing: Deploy kayron branch feature\/faster-sync to testing \(GitHub's answer was lost; testing is at the new commit\)\.$/,
      );
      fixture.syncClone();
      const resetPlan = await planPromotion(
        await inputsFor(fixture),
        executor(fixture),
        { kind: 'testing-reset' },
        'r',
      );
      assert.ok(resetPlan.recipe, resetPlan.plan.blocked);
      fixture.standin.addFault({
        path: /^\/repos\/acme\/releases\/git\/refs\/heads\/testing$/,
        method: 'PATCH',
        fault: { kind: 'lost-answer', status: 502 },
      });
      const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture), resetPlan.recipe);
      assert.equal(
        outcome.message,
        `Reset testing to ${fixture.stagingCommit.slice(0, 7)} (GitHub's answer was lost; testing is there).`,
      );
      assert.equal(fixture.releases.branchSha('testing'), fixture.stagingCommit);
    } finally {
      await fixture.close();
    }
  });
});
