// GitHub transport over real HTTP against the local stand-in: pagination, ETags, rate limits, retries, timeouts,
// bad tokens, unreachable hosts, and that a token never shows up in errors, logs or the disk cache.
import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, test } from 'node:test';
import { redact, webUrlForApi, normalizeApiUrl } from '../../server/src/github/client';
import { GitHubProviders, type GitHubProvidersOptions } from '../../server/src/github/providers';
import type { GitHubProblem } from '../../server/src/github/status';
import { ManualClock, organization, readAllFiles, serviceRepo, temporaryDirectory } from '../github-standin/fixtures';
import { startGitHubStandin, type GitHubStandin } from '../github-standin/server';

const TOKEN = 'ghp_TestTokenThatMustNeverLeak0123456789';
let standin: GitHubStandin;

before(async () => {
  standin = await startGitHubStandin({
    owners: [
      organization('acme', [
        serviceRepo('alloy', 250),
        serviceRepo('kayron', 12),
        serviceRepo('secret', 3, { private: true }),
      ]),
    ],
    tokens: [TOKEN],
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

describe('pagination', () => {
  test('250 tags come back complete over 3 pages of 100, following the Link header', async () => {
    const github = providers();
    const result = await github.listTags('acme', 'alloy');
    assert.equal(result.kind, 'fetched');
    assert.equal(result.kind === 'fetched' && result.value.length, 250);
    assert.equal(result.kind === 'fetched' && new Set(result.value.map((tag) => tag.name)).size, 250);
    const pages = standin
      .requestsTo('/repos/acme/alloy/tags')
      .map((request) => [request.query.page, request.query.per_page]);
    assert.deepEqual(pages, [
      ['1', '100'],
      ['2', '100'],
      ['3', '100'],
    ]);
  });

  test('a list shorter than a page costs one request', async () => {
    const result = await providers().listTags('acme', 'kayron');
    assert.equal(result.kind === 'fetched' && result.value.length, 12);
    assert.equal(standin.requestsTo('/repos/acme/kayron/tags').length, 1);
  });
});

describe('conditional requests', () => {
  test('after the TTL, a refetch sends If-None-Match, gets 304 for every page, and keeps the data', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 60_000 });
    const first = await github.listTags('acme', 'alloy');
    clock.advance(60_001);
    standin.clearLog();
    const second = await github.listTags('acme', 'alloy');
    const requests = standin.requestsTo('/repos/acme/alloy/tags');
    assert.equal(requests.length, 3);
    for (const request of requests) {
      assert.ok(request.ifNoneMatch?.startsWith('W/"'), 'the cached ETag is sent');
      assert.equal(request.status, 304);
    }
    assert.equal(second.kind, 'fetched');
    assert.deepEqual(second.kind === 'fetched' && second.value, first.kind === 'fetched' && first.value);
    assert.equal(second.kind === 'fetched' && second.fetchedAt, clock.now(), 'a 304 renews the TTL');
  });

  test('a changed list comes back with a 200 and the new tag', async () => {
    const clock = new ManualClock();
    const github = providers({ now: clock.now, ttlMs: 1000 });
    await github.listTags('acme', 'kayron');
    standin.repo('acme', 'kayron').tags?.unshift({ name: 'v9.0.0' });
    try {
      clock.advance(1001);
      standin.clearLog();
      const result = await github.listTags('acme', 'kayron');
      assert.equal(standin.requests[0]?.status, 200);
      assert.ok(standin.requests[0]?.ifNoneMatch, 'still conditional');
      assert.ok(result.kind === 'fetched' && result.value.some((tag) => tag.name === 'v9.0.0'));
    } finally {
      standin.repo('acme', 'kayron').tags?.shift();
    }
  });
});

describe('failures are "unknown", never "missing"', () => {
  test('403 rate limit: unknown with the reset time, state rate-limited, and no further requests until reset', async () => {
    const resetEpochSeconds = Math.floor(Date.now() / 1000) + 1800;
    standin.addFault({ path: '/repos/acme/kayron/tags', fault: { kind: 'rate-limit', resetEpochSeconds } });
    const github = providers();
    const problems: GitHubProblem[] = [];
    github.status.onProblem((problem) => problems.push(problem));
    const result = await github.listTags('acme', 'kayron');
    assert.equal(result.kind, 'unknown');
    assert.equal(result.kind === 'unknown' && result.reason, 'rate-limited');
    const state = github.state();
    assert.equal(state.rateLimited, true);
    assert.equal(state.rateLimitRemaining, 0);
    assert.equal(state.rateLimitReset, resetEpochSeconds * 1000);
    assert.match(
      state.lastError?.message ?? '',
      new RegExp(new Date(resetEpochSeconds * 1000).toISOString().replace(/[.]/g, '\\.')),
    );

    const verdict = await github.checkTag('acme', 'kayron', 'v0.0.1');
    assert.equal(verdict.kind, 'unknown');
    assert.equal(
      standin.requestsTo('/repos/acme/kayron/tags').length,
      1,
      'rate-limited: the second call stays off the network',
    );
    assert.equal(problems.length, 1, 'the problem is announced once');
  });

  test('5xx twice, then success: retried by plugin-retry and fetched', async () => {
    standin.addFault({
      path: '/repos/acme/kayron/tags',
      times: 2,
      fault: { kind: 'status', status: 502, message: 'Bad Gateway' },
    });
    const result = await providers().listTags('acme', 'kayron');
    assert.equal(result.kind, 'fetched');
    assert.deepEqual(
      standin.requestsTo('/repos/acme/kayron/tags').map((request) => request.status),
      [502, 502, 200],
    );
  });

  test('5xx beyond the retries: unknown server-error', async () => {
    standin.addFault({ path: '/repos/acme/kayron/tags', times: 10, fault: { kind: 'status', status: 503 } });
    const result = await providers({ retries: 1 }).listTags('acme', 'kayron');
    assert.equal(result.kind === 'unknown' && result.reason, 'server-error');
    assert.equal(standin.requestsTo('/repos/acme/kayron/tags').length, 2);
  });

  test('5xx beyond the retries: further requests wait out the back-off instead of asking a failing GitHub again', async () => {
    const clock = new ManualClock();
    standin.addFault({ path: /^\/repos\/acme\//, times: 100, fault: { kind: 'status', status: 503 } });
    const github = providers({ now: clock.now, retries: 1, offlineBackoffMs: 30_000 });
    assert.equal((await github.listTags('acme', 'kayron')).kind, 'unknown');
    const blocked = await github.listBranches('acme', 'alloy');
    assert.equal(blocked.kind === 'unknown' && blocked.reason, 'server-error');
    assert.equal(github.state().offline, false, 'GitHub answered: a 5xx is not "offline"');
    assert.deepEqual(
      standin.requests.map((request) => request.path),
      ['/repos/acme/kayron/tags', '/repos/acme/kayron/tags'],
    );
    clock.advance(30_000);
    standin.clearFaults();
    assert.equal((await github.listBranches('acme', 'alloy')).kind, 'fetched');
  });

  test('a slow answer times out: unknown timeout, offline state, not retried', async () => {
    standin.addFault({ path: '/repos/acme/kayron/tags', times: 5, fault: { kind: 'delay', ms: 10_000 } });
    const github = providers({ timeoutMs: 150 });
    const result = await github.listTags('acme', 'kayron');
    assert.equal(result.kind === 'unknown' && result.reason, 'timeout');
    assert.equal(github.state().offline, true);
    assert.equal(standin.requestsTo('/repos/acme/kayron/tags').length, 1);
    const verdict = await github.checkTag('acme', 'kayron', 'v0.0.1');
    assert.equal(verdict.kind, 'unknown', 'during the offline back-off the answer stays unknown');
  });

  test('an unreachable host: unknown offline', async () => {
    const closed = await startGitHubStandin();
    const apiUrl = closed.apiUrl;
    await closed.close();
    const github = providers({ apiUrl });
    const result = await github.listTags('acme', 'kayron');
    assert.equal(result.kind === 'unknown' && result.reason, 'offline');
    assert.equal(github.state().offline, true);
  });

  test('401: unauthorized state, redacted message, and the token is in no error, log line or cache file', async () => {
    const cache = await temporaryDirectory();
    const badToken = 'ghp_RejectedTokenValue000000000000000001';
    const logs: string[] = [];
    try {
      const github = providers({
        token: badToken,
        cacheDirectory: cache.path,
        log: (level, message) => logs.push(`${level} ${message}`),
      });
      const result = await github.listTags('acme', 'kayron');
      assert.equal(result.kind === 'unknown' && result.reason, 'unauthorized');
      const state = github.state();
      assert.equal(state.signedIn, false);
      assert.equal(state.tokenRejected, true);
      assert.match(state.lastError?.message ?? '', /rejected the token/);
      assert.equal(standin.requests[0]?.auth, 'invalid', 'the token was really sent');
      // Nothing written by the failure, and nothing by a later success either.
      await github.setToken(TOKEN);
      assert.equal((await github.listTags('acme', 'kayron')).kind, 'fetched');
      const everything = [
        JSON.stringify(result),
        JSON.stringify(state),
        logs.join('\n'),
        await readAllFiles(cache.path),
      ].join('\n');
      for (const secret of [badToken, TOKEN]) assert.ok(!everything.includes(secret), 'token leaked');
      assert.ok(logs.length > 0, 'the log was exercised');
    } finally {
      await cache.remove();
    }
  });
  test('a server message that echoes the token is redacted before it reaches the state, the result or the log', async () => {
    const logs: string[] = [];
    standin.addFault({
      path: '/repos/acme/kayron/tags',
      fault: { kind: 'status', status: 401, message: `Bad credentials: token ${TOKEN} is revoked` },
    });
    const github = providers({ token: TOKEN, log: (_level, message) => logs.push(message) });
    const result = await github.listTags('acme', 'kayron');
    assert.equal(result.kind === 'unknown' && result.reason, 'unauthorized');
    assert.match(result.kind === 'unknown' ? result.message : '', /token \[REDACTED\] is revoked/);
    const everything = [JSON.stringify(result), JSON.stringify(github.state()), logs.join('\n')].join('\n');
    assert.ok(!everything.includes(TOKEN), 'token leaked');
  });
});

describe('auth and identity', () => {
  test('a token is sent as Authorization and unlocks private repositories; without one they are not found', async () => {
    const signedIn = await providers({ token: TOKEN }).listTags('acme', 'secret');
    assert.equal(signedIn.kind, 'fetched');
    assert.equal(standin.requests.at(-1)?.auth, 'valid');
    const anonymous = await providers().listTags('acme', 'secret');
    assert.equal(anonymous.kind, 'not-found');
    assert.equal(standin.requests.at(-1)?.auth, 'none');
    assert.match(standin.requests.at(-1)?.userAgent ?? '', /^kayron-releases /);
  });

  test('GitHub Enterprise: an https://HOST/api/v3 base URL, pagination links included', async () => {
    const enterprise = await startGitHubStandin({
      enterprise: true,
      owners: [organization('platform', [serviceRepo('alloy', 150)])],
    });
    try {
      const result = await providers({ apiUrl: `${enterprise.apiUrl}/` }).listTags('platform', 'alloy');
      assert.equal(result.kind === 'fetched' && result.value.length, 150);
      assert.equal(enterprise.requestsTo('/repos/platform/alloy/tags').length, 2);
      assert.match(enterprise.apiUrl, /\/api\/v3$/);
    } finally {
      await enterprise.close();
    }
  });

  test('untrusted workspace: no request at all', async () => {
    const result = await providers({ networkAllowed: false }).listTags('acme', 'kayron');
    assert.equal(result.kind === 'unknown' && result.reason, 'disabled');
    assert.equal(standin.requests.length, 0);
  });
});

describe('helpers', () => {
  test('redact removes the token, token-shaped strings and Authorization values', () => {
    assert.equal(redact('token abc123xyz failed', 'abc123xyz'), 'token [REDACTED] failed');
    assert.equal(redact('saw ghp_abcdefghijklmnopqrstuvwxyz0123 here', undefined), 'saw [REDACTED] here');
    assert.equal(redact('{"authorization":"token s3cr3t"}', undefined), '{"authorization":"token [REDACTED]"}');
  });

  test('redact catches the token base64-encoded (alone, as x-access-token:TOKEN, at any offset, url-safe) and percent-encoded', () => {
    const token = 'plain/secret+value=42';
    const forms = [
      Buffer.from(token).toString('base64'),
      Buffer.from(`x-access-token:${token}`).toString('base64'),
      ...['', 'a', 'ab'].map((prefix) => Buffer.from(`${prefix}${token}!`).toString('base64')),
      Buffer.from(`Basic x-access-token:${token}`).toString('base64url'),
      encodeURIComponent(token),
      encodeURIComponent(`x-access-token:${token}`),
      [...token].map((char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`).join(''),
    ];
    for (const form of forms) {
      const redacted = redact(`GitHub said: ${form} (denied)`, token);
      assert.equal(redacted, 'GitHub said: [REDACTED] (denied)', form);
    }
    assert.equal(
      redact('authorization: Basic eC1hY2Nlc3MtdG9rZW46b3RoZXI=', undefined),
      'authorization: Basic [REDACTED]',
    );
    // Ordinary text, base64 and percent-encoding that do not hold the token are left alone.
    const harmless = 'see aGVsbG8gd29ybGQ= and 100%25 at https://github.com/acme/kayron?q=a%20b';
    assert.equal(redact(harmless, token), harmless);
  });

  test('API and web URLs for github.com and GitHub Enterprise', () => {
    assert.equal(normalizeApiUrl(undefined), 'https://api.github.com');
    assert.equal(normalizeApiUrl('https://ghe.example.com/api/v3/'), 'https://ghe.example.com/api/v3');
    assert.equal(webUrlForApi('https://api.github.com'), 'https://github.com');
    assert.equal(webUrlForApi('https://ghe.example.com/api/v3'), 'https://ghe.example.com');
  });
});
