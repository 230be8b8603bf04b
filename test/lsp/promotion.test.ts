/**
 * Promotions through the built server: `kayron/promotionCandidates`, `kayron/promotionPlan` and
 * `kayron/promotionExecute` against a real clone and the GitHub stand-in with write endpoints. Refusals (signed out,
 * Restricted Mode, missing scopes, unconfirmed, unaccepted warnings), a dry run, the exact writes, and the token
 * never in the server's output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { PromotionCandidates, PromotionExecuteResult, PromotionPlanResult } from '../../server/src/protocol';
import { PromotionCandidatesRequest, PromotionExecuteRequest, PromotionPlanRequest } from '../../server/src/protocol';
import { createPromotionFixture, TOKEN, writeRequests, type PromotionFixture } from '../helpers/promotion-fixture';
import { fileUri, makeTempDir, removeTree, startSettled, type LspClient, type StartOptions } from './lsp-client';

const READ_ONLY_TOKEN = 'ghp_readOnlyToken0123456789abcdefghij';

describe('promotions over LSP', () => {
  let fixture: PromotionFixture;
  let cache: string;
  const clients: LspClient[] = [];

  before(async () => {
    fixture = await createPromotionFixture({ scopes: { [READ_ONLY_TOKEN]: ['read:org'] } });
    cache = await makeTempDir();
  });
  after(async () => {
    for (const client of clients) await client.dispose();
    await fixture.close();
    await removeTree(cache);
  });

  async function start(options: Partial<StartOptions> & { token?: string | undefined } = {}): Promise<LspClient> {
    const { token, ...rest } = 'token' in options ? options : { ...options, token: TOKEN };
    const client = await startSettled({
      folders: [fixture.clone.dir],
      env: { GITHUB_TOKEN: token, KAYRON_GITHUB_API_URL: fixture.standin.apiUrl, XDG_CACHE_HOME: cache },
      initializationOptions: { cacheDirectory: cache, trusted: true },
      recordStdout: true,
      ...rest,
    });
    clients.push(client);
    return client;
  }

  const root = () => fileUri(fixture.clone.dir);

  it('refuses when signed out, in Restricted Mode, and with a token that cannot write — before any write', async () => {
    fixture.standin.clearLog();
    const signedOut = await start({ token: undefined });
    const refusedSignedOut = await signedOut.request<PromotionPlanResult>(PromotionPlanRequest, {
      root: root(),
      request: { kind: 'testing-reset' },
    });
    assert.deepEqual(refusedSignedOut, {
      ok: false,
      reason: 'signed-out',
      message: 'Promotions write to GitHub: sign in to GitHub first (Kayron: Sign in to GitHub).',
    });

    const untrusted = await start({ initializationOptions: { cacheDirectory: cache, trusted: false } });
    const refusedUntrusted = await untrusted.request<PromotionPlanResult>(PromotionPlanRequest, {
      root: root(),
      request: { kind: 'testing-reset' },
    });
    assert.equal(refusedUntrusted.ok === false && refusedUntrusted.reason, 'untrusted');

    const readOnly = await start({ token: READ_ONLY_TOKEN });
    const refusedScopes = await readOnly.request<PromotionPlanResult>(PromotionPlanRequest, {
      root: root(),
      request: { kind: 'testing-reset' },
    });
    assert.equal(refusedScopes.ok === false && refusedScopes.reason, 'scopes');
    assert.match(
      refusedScopes.ok === false ? refusedScopes.message : '',
      /scopes \(read:org\) do not allow writing to acme\/releases/,
    );
    assert.deepEqual(writeRequests(fixture.standin), []);
  });

  it('lists candidates, previews a pull request, refuses it unconfirmed, dry-runs it, then opens it exactly once', async () => {
    const client = await start();
    const candidates = await client.request<PromotionCandidates>(PromotionCandidatesRequest, {});
    assert.equal(candidates.roots.length, 1);
    assert.deepEqual(candidates.roots[0]?.repository, { owner: 'acme', repo: 'releases' });
    assert.equal(candidates.roots[0]?.unavailable, undefined);
    assert.deepEqual(
      candidates.roots[0]?.services.map((service) => [service.service, service.staging, service.production]),
      [
        ['infrastructure', 'v0.5.6', 'v0.5.6'],
        ['alloy', 'v1.12.2-ce60d74', 'v1.12.2-ce60d74'],
        ['kayron', 'v0.5.3', 'v0.5.2'],
        ['splits-lite', 'v0.2.2 +preview', 'v0.2.2 +preview'],
      ],
    );

    const planned = await client.request<PromotionPlanResult>(PromotionPlanRequest, {
      root: root(),
      request: { kind: 'staging', bumps: [{ service: 'kayron', version: 'v0.5.4' }] },
    });
    assert.ok(planned.ok, JSON.stringify(planned));
    const plan = planned.plan;
    assert.equal(plan.title, 'Bump kayron to v0.5.4');
    assert.match(
      plan.preview,
      /```diff\n--- a\/service\/service\.yaml\n\+\+\+ b\/service\/service\.yaml\n@@ [^\n]+\n[\s\S]*- {4}release: "v0\.5\.3"\n\+ {4}release: "v0\.5\.4"/,
    );
    // The notes come from the server's cached GitHub providers (the stand-in's kayron release).
    assert.match(plan.pullRequest?.body ?? '', /> - v0\.5\.4 fixes/);

    const unconfirmed = await client.request<PromotionExecuteResult>(PromotionExecuteRequest, {
      planId: plan.id,
      confirmed: false,
    });
    assert.deepEqual(unconfirmed, {
      ok: false,
      reason: 'refused',
      message: 'Not confirmed: nothing was done.',
      log: [],
    });

    fixture.standin.clearLog();
    const dry = await client.request<PromotionExecuteResult>(PromotionExecuteRequest, {
      planId: plan.id,
      confirmed: true,
      dryRun: true,
    });
    assert.ok(dry.ok && dry.dryRun, JSON.stringify(dry));
    assert.deepEqual(writeRequests(fixture.standin), []);
    assert.ok(dry.log.includes('[dry run] POST /repos/acme/releases/pulls (not sent)'), dry.log.join('\n'));

    const done = await client.request<PromotionExecuteResult>(PromotionExecuteRequest, {
      planId: plan.id,
      confirmed: true,
    });
    assert.ok(done.ok, JSON.stringify(done));
    assert.deepEqual(done.links, [{ label: 'Open pull request', url: 'https://github.com/acme/releases/pull/1' }]);
    assert.deepEqual(
      writeRequests(fixture.standin).map((request) => request.call),
      [
        'POST /repos/acme/releases/git/blobs',
        'POST /repos/acme/releases/git/trees',
        'POST /repos/acme/releases/git/commits',
        'POST /repos/acme/releases/git/refs',
        'POST /repos/acme/releases/pulls',
      ],
    );
    assert.ok(done.log.includes('POST /repos/acme/releases/pulls → 201'), done.log.join('\n'));

    // Executing the same confirmed plan again opens nothing new.
    fixture.standin.clearLog();
    const again = await client.request<PromotionExecuteResult>(PromotionExecuteRequest, {
      planId: plan.id,
      confirmed: true,
    });
    assert.ok(again.ok);
    assert.equal(again.links[0]?.url, 'https://github.com/acme/releases/pull/1');
    assert.deepEqual(writeRequests(fixture.standin), []);

    const unknown = await client.request<PromotionExecuteResult>(PromotionExecuteRequest, {
      planId: 'nope',
      confirmed: true,
    });
    assert.equal(unknown.ok === false && unknown.reason, 'unknown-plan');
    assert.ok(client.logMessages.some((line) => line.includes('[promotion] POST /repos/acme/releases/git/refs → 201')));
    assert.ok(
      !client.stdout.includes(TOKEN) &&
        !client.stderr.includes(TOKEN) &&
        !client.logMessages.join('\n').includes(TOKEN),
      'the token never leaves the server',
    );
  });

  it('executes only with confirmed: true — missing, "true", 1 and null are refused and send nothing', async () => {
    const client = await start();
    const planned = await client.request<PromotionPlanResult>(PromotionPlanRequest, {
      root: root(),
      request: { kind: 'staging', bumps: [{ service: 'splits-lite', version: 'v0.2.3' }] },
    });
    assert.ok(planned.ok, JSON.stringify(planned));
    fixture.standin.clearLog();
    for (const confirmed of [undefined, 'true', 1, null]) {
      const params: Record<string, unknown> =
        confirmed === undefined ? { planId: planned.plan.id } : { planId: planned.plan.id, confirmed };
      // Refused by the protocol guard (InvalidParams: confirmed must be a boolean) or, past it, by the handler.
      const refused = await client.request<PromotionExecuteResult>(PromotionExecuteRequest, params).then(
        (result) => result,
        (error: unknown) => ({ invalidParams: (error as { code?: number }).code === -32602 }),
      );
      const handlerRefusal = { ok: false, reason: 'refused', message: 'Not confirmed: nothing was done.', log: [] };
      assert.ok(
        isDeepStrictEqual(refused, { invalidParams: true }) || isDeepStrictEqual(refused, handlerRefusal),
        `confirmed: ${JSON.stringify(confirmed)} → ${JSON.stringify(refused)}`,
      );
    }
    assert.deepEqual(writeRequests(fixture.standin), []);
  });

  it('releases to production only after the warnings are accepted', async () => {
    // Put a branch on staging (on GitHub and in the clone) so the plan carries a warning.
    const main = fixture.releases.branchSha('main')!;
    const file = fixture.releases.store.fileAt(main, 'service/service.yaml')!;
    const text = file.content.toString('utf8').replace('release: "v0.5.3"', 'branch: "feature/faster-sync"');
    const put = await fetch(`${fixture.standin.apiUrl}/repos/acme/releases/contents/service/service.yaml`, {
      method: 'PUT',
      headers: { authorization: `token ${TOKEN}` },
      body: JSON.stringify({
        message: 'try kayron on a branch',
        content: Buffer.from(text).toString('base64'),
        sha: file.sha,
        branch: 'main',
      }),
    });
    assert.equal(put.status, 200);
    fixture.syncClone();
    const client = await start();
    const planned = await client.request<PromotionPlanResult>(PromotionPlanRequest, {
      root: root(),
      request: { kind: 'production' },
    });
    assert.ok(planned.ok, JSON.stringify(planned));
    assert.equal(planned.plan.release?.tag, 'v0.6.11');
    assert.equal(planned.plan.warnings.length, 1);
    fixture.standin.clearLog();
    const refused = await client.request<PromotionExecuteResult>(PromotionExecuteRequest, {
      planId: planned.plan.id,
      confirmed: true,
    });
    assert.equal(refused.ok === false && refused.reason, 'refused');
    assert.match(
      refused.ok === false ? refused.message : '',
      /^Confirm the warnings first:\nStaging has branch or suspend: kayron \(branch feature\/faster-sync\)/,
    );
    assert.deepEqual(writeRequests(fixture.standin), []);
    const released = await client.request<PromotionExecuteResult>(PromotionExecuteRequest, {
      planId: planned.plan.id,
      confirmed: true,
      acceptWarnings: true,
    });
    assert.ok(released.ok, JSON.stringify(released));
    assert.deepEqual(released.links, [
      { label: 'Open release', url: 'https://github.com/acme/releases/releases/tag/v0.6.11' },
    ]);
    assert.deepEqual(writeRequests(fixture.standin), [
      {
        call: 'POST /repos/acme/releases/releases',
        body: {
          tag_name: 'v0.6.11',
          target_commitish: fixture.releases.branchSha('main'),
          name: 'v0.6.11',
          body: planned.plan.release?.body,
          draft: false,
          prerelease: false,
          make_latest: 'true',
        },
      },
    ]);
  });
});
