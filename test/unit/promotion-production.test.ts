// Promote staging → production: the plan (services, checks, tag, diffs) from a real clone, and the exact release
// request against the GitHub stand-in; conflicts, dry runs and logs.
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { executeRecipe, planPromotion, type PromotionInputs } from '../../server/src/promotion/promotion';
import { proposeTags } from '../../server/src/promotion/production';
import { PromotionError } from '../../server/src/promotion/remote';
import {
  createPromotionFixture,
  promotionExecutor,
  promotionInputs,
  SERVICE_V1,
  TOKEN,
  writeRequests,
  type PromotionFixture,
} from '../helpers/promotion-fixture';

const NOTES: Record<string, string> = { 'kayron@v0.5.3': "## What's changed\n\n- v0.5.3 fixes" };

const inputsFor = (fixture: PromotionFixture): Promise<PromotionInputs> =>
  promotionInputs(fixture, {
    releaseNotes: (github, tag) => Promise.resolve(NOTES[`${github}@${tag}`]),
  });

const executor = promotionExecutor;

describe('promote staging to production', () => {
  let fixture: PromotionFixture;
  const log: string[] = [];

  before(async () => {
    fixture = await createPromotionFixture();
  });
  after(async () => {
    await fixture.close();
    assert.ok(!log.join('\n').includes(TOKEN), 'the token never reaches a log line');
  });

  test('plans the release of the default branch head with the changed services, checks and the file diff', async () => {
    const { plan, recipe } = await planPromotion(
      await inputsFor(fixture),
      executor(fixture, log),
      { kind: 'production' },
      'plan-1',
    );
    assert.equal(plan.title, 'Release v0.6.11 to production');
    assert.deepEqual(plan.release?.proposals, { patch: 'v0.6.11', minor: 'v0.7.0', major: 'v1.0.0' });
    assert.equal(plan.release?.targetCommit, fixture.stagingCommit);
    assert.equal(plan.release?.previousTag, 'v0.6.10');
    assert.deepEqual(plan.changes, [
      {
        service: 'kayron',
        github: 'kayron',
        from: 'v0.5.2',
        to: 'v0.5.3',
        releaseNotesUrl: 'https://github.com/acme/kayron/releases/tag/v0.5.3',
        compareUrl: 'https://github.com/acme/kayron/compare/v0.5.2...v0.5.3',
        notes: "## What's changed\n- v0.5.3 fixes",
      },
    ]);
    assert.deepEqual(
      plan.checks.map((check) => [check.id, check.status]),
      [
        ['local-current', 'ok'],
        ['kayron-errors', 'ok'],
        ['branch-or-suspend', 'ok'],
        ['tag', 'ok'],
      ],
    );
    assert.equal(plan.files.length, 1);
    assert.equal(plan.files[0]?.path, 'service/service.yaml');
    assert.match(plan.files[0]?.diff ?? '', /^- {4}release: "v0\.5\.2"\n\+ {4}release: "v0\.5\.3"$/m);
    assert.equal(plan.blocked, undefined);
    assert.deepEqual(plan.warnings, []);
    assert.match(plan.preview, /## Release[\s\S]*Target commit: `[0-9a-f]{40}`/);
    assert.match(
      plan.release?.body ?? '',
      /\*\*kayron\*\* v0\.5\.2 → v0\.5\.3 — \[release notes\]\(https:\/\/github\.com\/acme\/kayron\/releases\/tag\/v0\.5\.3\)/,
    );
    assert.deepEqual(recipe && { kind: recipe.kind }, { kind: 'production' });
  });

  test('creates exactly one release on the exact staging commit; running the recipe again is success without a second request', async () => {
    const { plan, recipe } = await planPromotion(
      await inputsFor(fixture),
      executor(fixture, log),
      { kind: 'production' },
      'plan-2',
    );
    assert.ok(recipe);
    fixture.standin.clearLog();
    const outcome = await executeRecipe(await inputsFor(fixture), executor(fixture, log), recipe);
    assert.deepEqual(outcome.links, [
      { label: 'Open release', url: 'https://github.com/acme/releases/releases/tag/v0.6.11' },
    ]);
    assert.deepEqual(writeRequests(fixture.standin), [
      {
        call: 'POST /repos/acme/releases/releases',
        body: {
          tag_name: 'v0.6.11',
          target_commitish: fixture.stagingCommit,
          name: 'v0.6.11',
          body: plan.release?.body,
          draft: false,
          prerelease: false,
          make_latest: 'true',
        },
      },
    ]);
    assert.equal(fixture.releases.refs.get('refs/tags/v0.6.11'), fixture.stagingCommit);
    const latest = await fetch(`${fixture.standin.apiUrl}/repos/acme/releases/releases/latest`).then(
      (response) => response.json() as Promise<{ tag_name: string }>,
    );
    assert.equal(latest.tag_name, 'v0.6.11');

    fixture.standin.clearLog();
    // Idempotent (a retry after a lost answer looks exactly like this): the release on the planned commit is the result.
    const again = await executeRecipe(await inputsFor(fixture), executor(fixture, log), recipe);
    assert.equal(
      again.message,
      `Release v0.6.11 already exists on ${fixture.stagingCommit.slice(0, 7)}; nothing was changed.`,
    );
    assert.deepEqual(again.links, [
      { label: 'Open release', url: 'https://github.com/acme/releases/releases/tag/v0.6.11' },
    ]);
    assert.deepEqual(writeRequests(fixture.standin), [], 'no duplicate release request');
  });

  test('after the release (and a fetch) there is nothing to do', async () => {
    fixture.syncClone();
    const { plan, recipe } = await planPromotion(
      await inputsFor(fixture),
      executor(fixture, log),
      { kind: 'production' },
      'plan-3',
    );
    assert.equal(plan.nothingToDo, `production already runs ${fixture.stagingCommit.slice(0, 7)} (v0.6.11).`);
    assert.equal(recipe, undefined);
  });
});

describe('production pre-flight checks', () => {
  test('a chosen tag that exists, or is not v-semver, blocks the plan', async () => {
    const fixture = await createPromotionFixture();
    try {
      const exists = await planPromotion(
        await inputsFor(fixture),
        executor(fixture, []),
        { kind: 'production', tag: 'v0.6.10' },
        'p',
      );
      assert.match(exists.plan.blocked ?? '', /Tag exists: v0\.6\.10 already exists in acme\/releases/);
      assert.equal(exists.recipe, undefined);
      const invalid = await planPromotion(
        await inputsFor(fixture),
        executor(fixture, []),
        { kind: 'production', tag: 'v1.2' },
        'p',
      );
      assert.match(invalid.plan.blocked ?? '', /Tag is not a release tag/);
      const custom = await planPromotion(
        await inputsFor(fixture),
        executor(fixture, []),
        { kind: 'production', tag: 'v0.7.0' },
        'p',
      );
      assert.equal(custom.plan.blocked, undefined);
      assert.equal(custom.plan.release?.tag, 'v0.7.0');
    } finally {
      await fixture.close();
    }
  });

  test('a suspended service on staging is a warning too, not only a branch', async () => {
    const fixture = await createPromotionFixture({
      staging: { 'service/service.yaml': SERVICE_V1.replace('release: "v0.5.2"', 'suspend: true') },
    });
    try {
      const { plan, recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture, []),
        { kind: 'production' },
        'p',
      );
      assert.deepEqual(
        plan.checks.filter((check) => check.id === 'branch-or-suspend').map((check) => check.status),
        ['warning'],
      );
      assert.deepEqual(plan.warnings, [
        'Staging has branch or suspend: kayron (suspended) would go to production like this: a branch deploys whatever its head is, a suspended service is not reconciled.',
      ]);
      assert.equal(plan.blocked, undefined);
      assert.ok(recipe, 'a warning does not block: the user confirms it');
    } finally {
      await fixture.close();
    }
  });

  test('a branch or suspend on staging is a warning; Kayron errors and a stale clone block', async () => {
    const risky = SERVICE_V1.replace('release: "v0.5.2"', 'branch: "feature/faster-sync"');
    const fixture = await createPromotionFixture({ staging: { 'service/service.yaml': risky } });
    try {
      const { plan, recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture, []),
        { kind: 'production' },
        'p',
      );
      assert.deepEqual(plan.warnings, [
        'Staging has branch or suspend: kayron (branch feature/faster-sync) would go to production like this: a branch deploys whatever its head is, a suspended service is not reconciled.',
      ]);
      assert.equal(plan.blocked, undefined);
      assert.ok(recipe, 'a warning does not block: the user confirms it');

      // GitHub's main moves on (someone merged): the clone has not fetched it.
      const put = await fetch(`${fixture.standin.apiUrl}/repos/acme/releases/contents/service/service.yaml`, {
        method: 'PUT',
        headers: { authorization: `token ${TOKEN}` },
        body: JSON.stringify({
          message: 'break',
          content: Buffer.from('- docker: "kayron"\n  deploy:\n    release: "0.5.3"\n').toString('base64'),
          sha: fixture.releases.store.fileAt(fixture.stagingCommit, 'service/service.yaml')?.sha,
          branch: 'main',
        }),
      });
      assert.equal(put.status, 200);
      const stale = await planPromotion(await inputsFor(fixture), executor(fixture, []), { kind: 'production' }, 'p');
      assert.match(
        stale.plan.blocked ?? '',
        /Local view is behind GitHub: GitHub's main is at [0-9a-f]{7}, your clone's origin\/main at [0-9a-f]{7}: fetch/,
      );

      fixture.syncClone();
      const broken = await planPromotion(await inputsFor(fixture), executor(fixture, []), { kind: 'production' }, 'p');
      assert.match(broken.plan.blocked ?? '', /Staging has Kayron errors: service\/service\.yaml: /);
      assert.equal(broken.recipe, undefined);
    } finally {
      await fixture.close();
    }
  });

  test('a dry run walks the steps and sends no write request', async () => {
    const fixture = await createPromotionFixture();
    try {
      const log: string[] = [];
      const { recipe } = await planPromotion(
        await inputsFor(fixture),
        executor(fixture, log),
        { kind: 'production' },
        'p',
      );
      assert.ok(recipe);
      fixture.standin.clearLog();
      const dry = executor(fixture, log, true);
      const outcome = await executeRecipe(await inputsFor(fixture), dry, recipe);
      assert.equal(outcome.message, `Would create release v0.6.11 on ${fixture.stagingCommit.slice(0, 7)}.`);
      assert.deepEqual(writeRequests(fixture.standin), []);
      assert.deepEqual(
        dry.calls.filter((call) => call.dryRun).map((call) => `${call.method} ${call.path}`),
        ['POST /repos/acme/releases/releases'],
      );
      assert.ok(log.includes('[dry run] POST /repos/acme/releases/releases (not sent)'));
      assert.ok(!log.join('\n').includes(TOKEN));
    } finally {
      await fixture.close();
    }
  });

  test('a token without the repo scope is refused before anything is planned', async () => {
    const fixture = await createPromotionFixture({ scopes: { [TOKEN]: ['read:org'] } });
    try {
      await assert.rejects(
        planPromotion(await inputsFor(fixture), executor(fixture, []), { kind: 'production' }, 'p'),
        (error: unknown) =>
          error instanceof PromotionError &&
          error.reason === 'access' &&
          /scopes \(read:org\) do not allow writing to acme\/releases: promotions need the "repo" scope/.test(
            error.message,
          ),
      );
    } finally {
      await fixture.close();
    }
  });
});

test('tag proposals bump the latest release', () => {
  assert.deepEqual(proposeTags('v0.6.10'), { patch: 'v0.6.11', minor: 'v0.7.0', major: 'v1.0.0' });
  assert.deepEqual(proposeTags(undefined), { patch: 'v0.1.0', minor: 'v0.1.0', major: 'v1.0.0' });
  assert.deepEqual(proposeTags('v2.0.0-rc.1'), { patch: 'v2.0.0', minor: 'v2.0.0', major: 'v2.0.0' });
});

test('the proposed tag skips tags that exist already: pushed elsewhere without a release, or only in this clone', async () => {
  const fixture = await createPromotionFixture();
  try {
    // Someone pushed v0.6.11 (no release: production is still v0.6.10); this clone has a v0.7.0 tag of its own.
    fixture.releases.setRef('refs/tags/v0.6.11', fixture.productionCommit);
    fixture.clone.tag('v0.7.0', fixture.productionCommit);
    const { plan } = await planPromotion(
      await inputsFor(fixture),
      executor(fixture, []),
      { kind: 'production' },
      'plan-free-tag',
    );
    assert.equal(plan.release?.previousTag, 'v0.6.10');
    assert.deepEqual(plan.release?.proposals, { patch: 'v0.6.12', minor: 'v0.8.0', major: 'v1.0.0' });
    assert.equal(plan.release?.tag, 'v0.6.12');
    assert.equal(plan.checks.find((check) => check.id === 'tag')?.status, 'ok');
  } finally {
    await fixture.close();
  }
});
