/**
 * Environments through the built server, on real git repositories (a bare "origin", a clone with main, testing and
 * release tags): `kayron/environments`, `kayron/readFileAtRef`, `kayron/fetch`, `kayron/environmentsChanged` after a
 * commit, an edit and a save, inlay hints after `deploy:`, extra environments and the hints switch from settings, and
 * production from GitHub's latest release and release pins with a newer tag (the local GitHub stand-in).
 */
import assert from 'node:assert/strict';
import { realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InlayHintRequest, type InlayHint } from 'vscode-languageserver-protocol/node';
import {
  EnvironmentsChangedNotification,
  EnvironmentsRequest,
  FetchRequest,
  ReadFileAtRefRequest,
  type EnvironmentsChangedParams,
  type EnvironmentsResult,
  type FetchResult,
  type ReadFileAtRefResult,
  type RootEnvironments,
} from '../../server/src/protocol';
import { startGitHubStandin, type GitHubStandin } from '../github-standin/server';
import { FixtureScope, infrastructureFile, serviceFile, type GitFixture } from '../helpers/git-fixture';
import { copySampleWorkspace, fileUri, LspClient, removeTree, startSettled, type StartOptions } from './lsp-client';

const scope = new FixtureScope();
after(() => scope.dispose());

const SERVICE = 'service/service.yaml';
const INFRASTRUCTURE = 'infrastructure/infrastructure.yaml';

interface ReleasesRepo {
  origin: string;
  clone: GitFixture;
  root: string;
  rootUri: string;
  serviceUri: string;
}

/**
 * main: v0.1.0 (kayron v0.5.1) → v0.2.0 (kayron v0.5.3); testing forks from main and moves kayron to a branch.
 * Published to a bare origin and cloned, so the clone has origin/HEAD, origin/main, origin/testing and both tags.
 */
function releasesRepo(label: string): ReleasesRepo {
  const work = scope.init(`${label}-work`);
  work.commit('first release', {
    [INFRASTRUCTURE]: infrastructureFile('v0.5.8'),
    [SERVICE]: serviceFile([
      ['alloy', 'v1.12.2'],
      ['kayron', 'v0.5.1'],
    ]),
  });
  work.tag('v0.1.0');
  work.commit('bump kayron', {
    [SERVICE]: serviceFile([
      ['alloy', 'v1.12.2'],
      ['kayron', 'v0.5.3'],
    ]),
  });
  work.tag('v0.2.0');
  work.checkoutNew('testing');
  work.commit('try kayron feature/x', {
    [SERVICE]: serviceFile([
      ['alloy', 'v1.12.2'],
      ['kayron', 'branch:feature/x'],
    ]),
  });
  work.checkout('main');
  const { origin, clone } = scope.publish(work, ['main', 'testing'], `${label}-clone`);
  const root = realpathSync(clone.dir);
  return { origin, clone, root, rootUri: fileUri(root), serviceUri: fileUri(path.join(root, SERVICE)) };
}

const labelOf = (root: RootEnvironments, key: string, environment: string) =>
  root.matrix?.rows.find((row) => row.key === key)?.cells[environment]?.label;
const environmentOf = (root: RootEnvironments, name: string) =>
  root.matrix?.environments.find((environment) => environment.name === name);

async function environments(client: LspClient, refresh = false): Promise<RootEnvironments> {
  const result = await client.request<EnvironmentsResult>(EnvironmentsRequest, { refresh });
  assert.equal(result.roots.length, 1, JSON.stringify(result.roots.map((root) => [root.root, root.state])));
  return result.roots[0]!;
}

/** Asks again after every environmentsChanged until `probe` accepts the answer (the server computes in the background). */
async function environmentsUntil(
  client: LspClient,
  what: string,
  accept: (root: RootEnvironments) => boolean,
): Promise<RootEnvironments> {
  let last: RootEnvironments | undefined;
  let since = 0;
  for (;;) {
    since = client.mark();
    last = await environments(client);
    if (accept(last)) return last;
    await client
      .waitForNotification<EnvironmentsChangedParams>(
        EnvironmentsChangedNotification,
        (params) => params.roots.includes(last!.root),
        { since },
      )
      .catch((error: unknown) => {
        throw new Error(
          `${what}: ${error instanceof Error ? error.message : String(error)}\nlast answer: ${JSON.stringify(last?.matrix?.rows)}`,
        );
      });
  }
}

async function inlayHints(client: LspClient, uri: string, lines = 100): Promise<InlayHint[]> {
  return (
    (await client.request<InlayHint[] | null>(InlayHintRequest.method, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } },
    })) ?? []
  );
}

const labelText = (hint: InlayHint) =>
  typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('');

async function start(repo: ReleasesRepo, options: Partial<StartOptions> = {}): Promise<LspClient> {
  const client = await startSettled({ folders: [repo.root], ...options });
  client.recordNotifications(EnvironmentsChangedNotification);
  return client;
}

describe('environments over LSP (offline: production from the newest local tag)', () => {
  let repo: ReleasesRepo;
  let client: LspClient;

  before(async () => {
    repo = releasesRepo('lsp-env');
    client = await start(repo);
  });
  after(async () => {
    await client.dispose();
  });

  it('advertises inlay hints', () => {
    assert.equal(client.initializeResult?.capabilities.inlayHintProvider, true);
  });

  it('answers kayron/environments with every environment, its ref and what each service runs', async () => {
    const root = await environments(client);
    assert.equal(root.state, 'ok');
    assert.equal(root.root, repo.rootUri);
    assert.equal(root.productionSource, 'local-tag');
    assert.deepEqual(
      root.matrix?.environments.map((environment) => [environment.name, environment.ref, environment.tag ?? null]),
      [
        ['development', 'main', 'v0.2.0'],
        ['testing', 'origin/testing', null],
        ['staging', 'origin/main', 'v0.2.0'],
        ['production', 'v0.2.0', 'v0.2.0'],
      ],
    );
    assert.equal(environmentOf(root, 'staging')?.commit, repo.clone.revParse('origin/main'));
    assert.match(environmentOf(root, 'production')?.fallback ?? '', /newest local v\* tag/);
    assert.deepEqual(
      root.matrix?.rows.map((row) => [
        row.key,
        ...['development', 'testing', 'staging', 'production'].map((name) => row.cells[name]?.label),
      ]),
      [
        ['infrastructure', 'v0.5.8', 'v0.5.8', 'v0.5.8', 'v0.5.8'],
        ['alloy', 'v1.12.2', 'v1.12.2', 'v1.12.2', 'v1.12.2'],
        ['kayron', 'v0.5.3', 'branch feature/x', 'v0.5.3', 'v0.5.3'],
      ],
    );
    const kayron = root.matrix?.rows.find((row) => row.key === 'kayron');
    assert.deepEqual(kayron?.cells['testing']?.drift, { against: 'staging', kind: 'changed', nextLabel: 'v0.5.3' });
    assert.equal(kayron?.cells['staging']?.drift, undefined, 'staging runs what production runs');
    assert.equal(kayron?.cells['testing']?.file, SERVICE);
  });

  it('reads a release file at a tag, a branch and a commit with kayron/readFileAtRef', async () => {
    const atTag = await client.request<ReadFileAtRefResult>(ReadFileAtRefRequest, {
      root: repo.rootUri,
      ref: 'v0.1.0',
      path: SERVICE,
    });
    assert.equal(
      atTag?.text,
      serviceFile([
        ['alloy', 'v1.12.2'],
        ['kayron', 'v0.5.1'],
      ]),
    );
    assert.equal(atTag?.commit, repo.clone.revParse('v0.1.0'));
    const atBranch = await client.request<ReadFileAtRefResult>(ReadFileAtRefRequest, {
      root: repo.rootUri,
      ref: 'origin/testing',
      path: SERVICE,
    });
    assert.match(atBranch?.text ?? '', /branch: "feature\/x"/);
    assert.ok(atTag);
    const atCommit = await client.request<ReadFileAtRefResult>(ReadFileAtRefRequest, {
      root: repo.rootUri,
      ref: atTag.commit,
      path: INFRASTRUCTURE,
    });
    assert.equal(atCommit?.text, infrastructureFile('v0.5.8'));
    assert.equal(
      await client.request<ReadFileAtRefResult>(ReadFileAtRefRequest, {
        root: repo.rootUri,
        ref: 'v0.1.0',
        path: 'service/missing.yaml',
      }),
      null,
    );
  });

  it('refuses paths outside the root, unknown refs and option-like refs', async () => {
    const rejects = (params: object, pattern: RegExp) =>
      assert.rejects(client.request(ReadFileAtRefRequest, { root: repo.rootUri, ...params }), pattern);
    await rejects({ ref: 'v0.1.0', path: '../outside.yaml' }, /not a path inside the releases root/);
    await rejects({ ref: 'v0.1.0', path: '/etc/passwd' }, /not a path inside the releases root/);
    await rejects({ ref: 'no-such-ref', path: SERVICE }, /does not name a commit/);
    await rejects({ ref: '--output=/tmp/x', path: SERVICE }, /not a ref/);
    await assert.rejects(
      client.request(ReadFileAtRefRequest, { root: fileUri('/tmp'), ref: 'v0.1.0', path: SERVICE }),
      /not a releases root/,
    );
  });

  it('puts what the other environments run after each deploy: key', async () => {
    const text = serviceFile([
      ['alloy', 'v1.12.2'],
      ['kayron', 'v0.5.3'],
    ]);
    await environments(client);
    await client.open(repo.serviceUri, text);
    const found = await inlayHints(client, repo.serviceUri);
    const deployLines = text.split('\n').flatMap((line, index) => (line === '  deploy:' ? [index] : []));
    const afterDeploy = (index: number) => ({ line: deployLines[index]!, character: '  deploy:'.length });
    assert.deepEqual(
      found.map((hint) => [hint.position, labelText(hint)]),
      [
        [afterDeploy(0), 'same in testing, staging, prod'],
        [afterDeploy(1), 'testing branch feature/x'],
      ],
    );
    assert.equal(found[1]?.paddingLeft, true);
    const tooltip = found[1]?.tooltip;
    assert.match(
      typeof tooltip === 'object' ? tooltip.value : String(tooltip),
      /^\*\*kayron\*\* here: `v0\.5\.3`\n\n- testing: `branch feature\/x` \(origin\/testing @ [0-9a-f]{7}\)\n- staging: `v0\.5\.3` \(origin\/main @ [0-9a-f]{7}\)\n- production: `v0\.5\.3` \(v0\.2\.0 @ [0-9a-f]{7}\) — newest local v\* tag/,
    );
    const onlySecond = await client.request<InlayHint[]>(InlayHintRequest.method, {
      textDocument: { uri: repo.serviceUri },
      range: { start: { line: deployLines[1]!, character: 0 }, end: { line: deployLines[1]! + 1, character: 0 } },
    });
    assert.deepEqual(onlySecond.map(labelText), ['testing branch feature/x'], 'only hints in the requested range');

    // The hint compares with the text as it is now: edit kayron and every environment differs.
    await client.replace(repo.serviceUri, text.replace('"v0.5.3"', '"v0.6.0"'));
    // didChange is applied before a later request is answered, so no waiting is needed.
    const edited = await inlayHints(client, repo.serviceUri);
    assert.deepEqual(edited.map(labelText), [
      'same in testing, staging, prod',
      'testing branch feature/x · staging v0.5.3 · prod v0.5.3',
    ]);
    await client.close(repo.serviceUri);
  });

  it('follows unsaved edits in development and notifies kayron/environmentsChanged', async () => {
    await client.open(
      repo.serviceUri,
      serviceFile([
        ['alloy', 'v1.12.2'],
        ['kayron', 'v0.5.3'],
      ]),
    );
    const since = client.mark();
    await client.replace(
      repo.serviceUri,
      serviceFile([
        ['alloy', 'v1.12.2'],
        ['kayron', 'v0.9.0'],
      ]),
    );
    const changed = await client.waitForNotification<EnvironmentsChangedParams>(
      EnvironmentsChangedNotification,
      () => true,
      { since },
    );
    assert.deepEqual(changed.roots, [repo.rootUri]);
    const root = await environments(client);
    assert.equal(labelOf(root, 'kayron', 'development'), 'v0.9.0');
    assert.deepEqual(root.matrix?.rows.find((row) => row.key === 'kayron')?.cells['development']?.drift, {
      against: 'staging',
      kind: 'changed',
      nextLabel: 'v0.5.3',
    });
    // Closing without saving: development is the file on disk again.
    await client.close(repo.serviceUri);
    await environmentsUntil(
      client,
      'development back to the file on disk',
      (answer) => labelOf(answer, 'kayron', 'development') === 'v0.5.3',
    );
  });

  it('notifies after a file is saved', async () => {
    const saved = serviceFile([
      ['alloy', 'v1.13.0'],
      ['kayron', 'v0.5.3'],
    ]);
    await client.open(
      repo.serviceUri,
      serviceFile([
        ['alloy', 'v1.12.2'],
        ['kayron', 'v0.5.3'],
      ]),
    );
    await environmentsUntil(
      client,
      'development as opened',
      (answer) => labelOf(answer, 'alloy', 'development') === 'v1.12.2',
    );
    await client.replace(repo.serviceUri, saved);
    writeFileSync(path.join(repo.root, SERVICE), saved);
    const since = client.mark();
    await client.save(repo.serviceUri);
    await client.waitForNotification<EnvironmentsChangedParams>(
      EnvironmentsChangedNotification,
      (params) => params.roots.includes(repo.rootUri),
      { since },
    );
    await environmentsUntil(
      client,
      'the saved alloy version',
      (answer) => labelOf(answer, 'alloy', 'development') === 'v1.13.0',
    );
    await client.close(repo.serviceUri);
  });

  it('notifies after a commit moves HEAD (git refs are watched)', async () => {
    const since = client.mark();
    const commit = repo.clone.commit('bump alloy', {
      [SERVICE]: serviceFile([
        ['alloy', 'v1.14.0'],
        ['kayron', 'v0.5.3'],
      ]),
    });
    await client.waitForNotification<EnvironmentsChangedParams>(
      EnvironmentsChangedNotification,
      (params) => params.roots.includes(repo.rootUri),
      { since },
    );
    const root = await environmentsUntil(
      client,
      'development at the new commit',
      (answer) => environmentOf(answer, 'development')?.commit === commit,
    );
    assert.equal(labelOf(root, 'alloy', 'development'), 'v1.14.0');
    assert.equal(
      labelOf(root, 'alloy', 'staging'),
      'v1.12.2',
      'staging is origin/main, which the local commit did not move',
    );
    assert.deepEqual(environmentOf(root, 'development')?.localVsRemote, {
      local: 'main',
      remote: 'origin/main',
      ahead: 1,
      behind: 0,
    });
  });

  it('fetches with kayron/fetch and shows what origin has now', async () => {
    const other = scope.clone(repo.origin, 'lsp-env-other', { branch: 'testing' });
    other.commit('kayron feature/y', {
      [SERVICE]: serviceFile([
        ['alloy', 'v1.12.2'],
        ['kayron', 'branch:feature/y'],
      ]),
    });
    other.git(['push', '-q', 'origin', 'testing']);
    assert.equal(labelOf(await environments(client), 'kayron', 'testing'), 'branch feature/x', 'not fetched yet');
    const result = await client.request<FetchResult>(FetchRequest, { root: repo.rootUri });
    assert.deepEqual(result, { ok: true, message: 'fetched origin' });
    const root = await environments(client);
    assert.equal(labelOf(root, 'kayron', 'testing'), 'branch feature/y', 'kayron/fetch answers after recomputing');
    assert.equal(environmentOf(root, 'testing')?.commit, other.head());
  });

  it('reports a fetch in a repository without an origin remote', async () => {
    const lonely = scope.init('lsp-env-no-remote');
    lonely.commit('one', {
      [INFRASTRUCTURE]: infrastructureFile('v0.5.8'),
      [SERVICE]: serviceFile([['kayron', 'v0.5.3']]),
    });
    const other = await LspClient.start({ folders: [realpathSync(lonely.dir)] });
    try {
      await other.waitForReleaseRoots((params) => params.roots.length === 1);
      const result = await other.request<FetchResult>(FetchRequest, { root: fileUri(realpathSync(lonely.dir)) });
      assert.deepEqual(result, { ok: false, message: 'the repository has no origin remote to fetch from' });
    } finally {
      await other.dispose();
    }
  });
});

describe('environments over LSP where git cannot answer', () => {
  for (const [title, env, state] of [
    ['a releases folder that is not a git repository', {}, 'not-a-repository'],
    ['no git on the PATH', { PATH: scope.tempDir('empty-path') }, 'git-not-found'],
  ] as const) {
    it(`says so for ${title}`, async () => {
      const root = await copySampleWorkspace();
      const client = await startSettled({ folders: [root], env });
      try {
        const answer = await environments(client);
        assert.equal(answer.state, state, answer.message);
        assert.equal(answer.matrix, undefined);
      } finally {
        await client.dispose();
        await removeTree(root);
      }
    });
  }
});

describe('environments over LSP with settings and GitHub', () => {
  let standin: GitHubStandin;
  let repo: ReleasesRepo;
  let client: LspClient;

  before(async () => {
    standin = await startGitHubStandin({
      owners: [
        {
          login: 'acme',
          repos: [
            {
              name: 'releases',
              defaultBranch: 'main',
              tags: [{ name: 'v0.2.0' }, { name: 'v0.1.0' }],
              // v0.2.0 is only a tag: GitHub's latest release, not the highest tag, is production (kayron-spec §4.1).
              releases: [{ tagName: 'v0.1.0', publishedAt: '2025-10-02T00:00:00Z' }],
              branches: [{ name: 'main' }, { name: 'testing' }],
            },
            // A prerelease is never "newer"; alloy's pin is its newest tag; infrastructure is unknown to GitHub (404).
            {
              name: 'kayron',
              tags: [{ name: 'v0.7.0-rc.1' }, { name: 'v0.6.0' }, { name: 'v0.5.3' }, { name: 'v0.5.1' }],
            },
            { name: 'alloy', tags: [{ name: 'v1.12.2' }, { name: 'v1.12.1' }] },
          ],
        },
      ],
    });
    repo = releasesRepo('lsp-env-github');
    // origin names the repository on GitHub; git itself still fetches from the local bare repository.
    repo.clone.git(['remote', 'set-url', 'origin', 'https://github.com/acme/releases.git']);
    repo.clone.git(['config', `url.${repo.origin}.insteadOf`, 'https://github.com/acme/releases.git']);
    client = await start(repo, {
      env: { KAYRON_GITHUB_API_URL: standin.apiUrl, KAYRON_GITHUB_OWNER: 'acme' },
      configuration: {
        kayron: {
          environments: ['qa', { name: 'perf', branch: 'testing' }],
          environmentHints: false,
          github: { owner: 'acme', apiUrl: standin.apiUrl },
        },
      },
    });
  });
  after(async () => {
    await client?.dispose();
    await standin?.close();
  });

  it("reads production at GitHub's latest release and adds the extra environments from kayron.environments", async () => {
    const root = await environmentsUntil(
      client,
      'production from GitHub',
      (answer) => answer.productionSource === 'github',
    );
    // Release pages live on the web root of the API in use (the stand-in here, github.com in real life).
    assert.deepEqual(root.github, {
      webUrl: new URL(standin.apiUrl).origin,
      owner: 'acme',
      repo: 'releases',
      signedIn: false,
      connected: true,
    });
    const production = environmentOf(root, 'production');
    assert.deepEqual([production?.ref, production?.tag, production?.fallback], ['v0.1.0', 'v0.1.0', undefined]);
    assert.equal(labelOf(root, 'kayron', 'production'), 'v0.5.1');
    assert.deepEqual(root.matrix?.rows.find((row) => row.key === 'kayron')?.cells['staging']?.drift, {
      against: 'production',
      kind: 'changed',
      nextLabel: 'v0.5.1',
    });
    assert.deepEqual(
      root.matrix?.environments.map((environment) => environment.name),
      ['development', 'testing', 'qa', 'perf', 'staging', 'production'],
    );
    assert.match(environmentOf(root, 'qa')?.fallback ?? '', /no qa branch: Kayron falls back to the default branch/);
    assert.equal(labelOf(root, 'kayron', 'perf'), 'branch feature/x');
    assert.ok(
      standin.requests.some(
        (request) => request.path === '/repos/acme/releases/releases/latest' && request.status === 200,
      ),
      JSON.stringify(standin.requests.map((request) => request.path)),
    );
  });

  it('marks release pins that have a newer release on GitHub, and nothing else', async () => {
    const root = await environmentsUntil(
      client,
      'outdated pins from GitHub',
      (answer) => answer.productionSource === 'github' && answer.outdated !== undefined,
    );
    // testing and perf run kayron from a branch; qa falls back to main (kayron v0.5.3); production is v0.1.0 (v0.5.1).
    assert.deepEqual(root.outdated, {
      kayron: {
        development: { latest: 'v0.6.0' },
        qa: { latest: 'v0.6.0' },
        staging: { latest: 'v0.6.0' },
        production: { latest: 'v0.6.0' },
      },
    });
    assert.ok(
      standin.requests.some((request) => request.path === '/repos/acme/kayron/tags' && request.status === 200),
      JSON.stringify(standin.requests.map((request) => request.path)),
    );
    const productionCell = root.matrix?.rows.find((row) => row.key === 'kayron')?.cells['production'];
    assert.equal(
      productionCell !== undefined && 'outdated' in productionCell,
      false,
      'the matrix itself (the CLI JSON shape) is untouched',
    );
  });

  it('leaves the inlay hints out when kayron.environmentHints is false', async () => {
    await client.open(
      repo.serviceUri,
      serviceFile([
        ['alloy', 'v1.12.2'],
        ['kayron', 'v0.5.3'],
      ]),
    );
    await environmentsUntil(client, 'a computed matrix', (answer) => answer.state === 'ok');
    assert.deepEqual(await inlayHints(client, repo.serviceUri), []);
  });
});

describe("environments over LSP when GitHub cannot list a service's tags", () => {
  let standin: GitHubStandin;
  let repo: ReleasesRepo;
  let client: LspClient;

  before(async () => {
    standin = await startGitHubStandin({
      owners: [
        {
          login: 'acme',
          repos: [
            {
              name: 'releases',
              defaultBranch: 'main',
              tags: [{ name: 'v0.2.0' }, { name: 'v0.1.0' }],
              releases: [{ tagName: 'v0.1.0', publishedAt: '2025-10-02T00:00:00Z' }],
              branches: [{ name: 'main' }, { name: 'testing' }],
            },
            { name: 'kayron', tags: [{ name: 'v0.6.0' }, { name: 'v0.5.3' }, { name: 'v0.5.1' }] },
          ],
        },
      ],
    });
    // GitHub does not answer for tags at all: newer releases are unknown, which must not read as "up to date" or "outdated".
    standin.addFault({ path: /\/tags$/, times: 1_000, fault: { kind: 'status', status: 502 } });
    repo = releasesRepo('lsp-env-github-down');
    repo.clone.git(['remote', 'set-url', 'origin', 'https://github.com/acme/releases.git']);
    repo.clone.git(['config', `url.${repo.origin}.insteadOf`, 'https://github.com/acme/releases.git']);
    client = await start(repo, {
      env: { KAYRON_GITHUB_API_URL: standin.apiUrl, KAYRON_GITHUB_OWNER: 'acme' },
      configuration: { kayron: { environmentHints: false, github: { owner: 'acme', apiUrl: standin.apiUrl } } },
    });
  });
  after(async () => {
    await client?.dispose();
    await standin?.close();
  });

  it('marks no pin as outdated', async () => {
    const root = await environmentsUntil(
      client,
      'production from GitHub',
      (answer) => answer.productionSource === 'github',
    );
    // The view is built after the tag lists were asked for, so the failed request is already in the log.
    assert.ok(
      standin.requests.some((request) => request.path === '/repos/acme/kayron/tags' && request.status === 502),
      JSON.stringify(standin.requests.map((request) => [request.path, request.status])),
    );
    assert.equal(labelOf(root, 'kayron', 'production'), 'v0.5.1');
    assert.equal(root.outdated, undefined);
  });
});
