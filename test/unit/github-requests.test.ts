// The request-count bench helper (used by `npm run bench`) on a small workspace: exact figures, so a regression in
// caching or pagination shows up here first.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { measureGitHubRequests } from '../bench/github-requests';

test('5 services with 100 tags: 1 request each cold, none warm, one 304 each after the TTL; releases add one cold request and none after the TTL', async () => {
  const figures = await measureGitHubRequests({ services: 5, tagsPerRepo: 100 });
  assert.deepEqual(figures.open, {
    cold: { requests: 5, perRepo: 1, conditional: 0, notModified: 0 },
    warm: { requests: 0, perRepo: 0, conditional: 0, notModified: 0 },
    afterTtl: { requests: 5, perRepo: 1, conditional: 5, notModified: 5 },
  });
  assert.deepEqual(figures.completion, {
    cold: { requests: 10, perRepo: 2, conditional: 0, notModified: 0 },
    warm: { requests: 0, perRepo: 0, conditional: 0, notModified: 0 },
    // Releases follow tags: the tags came back unchanged (304), so the releases are not asked for again.
    afterTtl: { requests: 5, perRepo: 1, conditional: 5, notModified: 5 },
  });
  assert.equal(figures.met, true);
});
