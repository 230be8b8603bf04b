/**
 * Requests that need GitHub answer from what the server was told before them: a folder added or a setting changed
 * just before `kayron/entryVersions` (what "Promote Service to Staging" asks first) must not be answered from the
 * state before it. Each test sends the change and the request back to back, without waiting for any notification,
 * as a palette command run right after opening a folder or changing `kayron.github.apiUrl` does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EntryBranchesRequest, EntryVersionsRequest, PromotionCandidatesRequest } from '../../server/src/protocol';
import type { PromotionCandidates } from '../../server/src/protocol';
import { startGitHubStandin, type GitHubStandin } from '../github-standin/server';
import { KAYRON_LATEST, SPLITS_OWNER, splitsOrganization } from '../github-standin/splits-seed';
import { copySampleWorkspace, fileUri, makeTempDir, removeTree, startSettled, type LspClient } from './lsp-client';

describe('GitHub requests right after a change the server was told about', () => {
  let standin: GitHubStandin;
  let first: string;
  let added: string;
  let cache: string;
  let client: LspClient;
  let stoppedApiUrl: string;
  const settings = { kayron: { github: { owner: SPLITS_OWNER, apiUrl: '' } } };

  before(async () => {
    // A stand-in that is started and stopped leaves a port where nothing listens: the API before the setting changes.
    const stopped = await startGitHubStandin({ owners: [splitsOrganization()] });
    stoppedApiUrl = stopped.apiUrl;
    await stopped.close();
    standin = await startGitHubStandin({ owners: [splitsOrganization()] });
    first = await copySampleWorkspace();
    added = await copySampleWorkspace();
    cache = await makeTempDir();
    settings.kayron.github.apiUrl = stoppedApiUrl;
    client = await startSettled({
      folders: [first],
      configuration: settings,
      initializationOptions: { cacheDirectory: cache },
    });
  });
  after(async () => {
    await client?.dispose();
    await standin?.close();
    for (const dir of [first, added, cache]) if (dir) await removeTree(dir);
  });

  it('kayron.github.apiUrl changed, then the versions at once: listed from the new API', async () => {
    settings.kayron.github.apiUrl = standin.apiUrl;
    const changed = client.configurationChanged();
    const versions = client.request<{ tag: string }[] | null>(EntryVersionsRequest, {
      uri: fileUri(`${first}/service/service.yaml`),
      github: 'kayron',
    });
    await changed;
    assert.equal((await versions)?.[0]?.tag, KAYRON_LATEST, 'the versions come from the API the setting names now');
  });

  it('a folder added, then its versions, branches and promotion candidates at once: all answered for the new root', async () => {
    const uri = fileUri(`${added}/service/service.yaml`);
    const notified = client.notify('workspace/didChangeWorkspaceFolders', {
      event: { added: [{ uri: fileUri(added), name: 'added' }], removed: [] },
    });
    const versions = client.request<{ tag: string }[] | null>(EntryVersionsRequest, { uri, github: 'kayron' });
    const branches = client.request<{ name: string }[] | null>(EntryBranchesRequest, { uri, github: 'kayron' });
    const candidates = client.request<PromotionCandidates>(PromotionCandidatesRequest, { root: fileUri(added) });
    await notified;
    assert.equal((await versions)?.[0]?.tag, KAYRON_LATEST, 'the versions of kayron for the added folder');
    assert.ok(
      ((await branches) ?? []).some((branch) => branch.name === 'main'),
      'the branches of kayron for the added folder',
    );
    assert.deepEqual(
      (await candidates).roots.map((candidate) => candidate.root),
      [fileUri(added)],
    );
  });
});
