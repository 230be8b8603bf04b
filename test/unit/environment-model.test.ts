/** The per-root environment model the language server keeps: coalesced refreshes, unavailable states, shared caches. */
import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { EnvironmentModel } from '../../server/src/environments/environment-model';
import { GitRepository } from '../../server/src/environments/git';
import { resolveEnvironments } from '../../server/src/environments/resolve';
import {
  analyzeWorkingTree,
  gitBlobId,
  SnapshotCache,
  snapshotEnvironments,
} from '../../server/src/environments/snapshot';
import { FixtureScope, git, infrastructureFile, serviceFile } from '../helpers/git-fixture';

const scope = new FixtureScope();
after(() => scope.dispose());

function releasesRepo(label: string) {
  const repo = scope.init(label);
  repo.commit('one', {
    'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
    'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]),
  });
  return repo;
}

describe('EnvironmentModel', () => {
  test('concurrent refreshes share one follow-up computation', async () => {
    const repo = releasesRepo('coalesce');
    let runs = 0;
    const model = new EnvironmentModel(repo.dir, {
      providers: {
        latestReleaseTag: () => {
          runs++;
          return Promise.resolve('unknown');
        },
      },
    });
    const first = model.compute();
    const second = model.compute();
    const third = model.compute();
    assert.equal(second, third, 'calls during a run share the queued run');
    const results = await Promise.all([first, second, third]);
    assert.equal(runs, 2);
    assert.notEqual(results[0], results[1]);
    assert.equal(model.last, results[1]);
    assert.equal(results[1]?.kind, 'ok');
    await model.compute();
    assert.equal(runs, 3, 'a call after the runs finished starts a new one');
  });

  test('reads development from the source asked at each computation', async () => {
    const repo = releasesRepo('development-source');
    let text = serviceFile([['kayron', 'v1.0.0']]);
    const model = new EnvironmentModel(repo.dir, {
      development: () => ({ overrides: new Map([['service/service.yaml', text]]) }),
    });
    const label = async () => {
      const result = await model.compute();
      assert.equal(result.kind, 'ok');
      return result.status.matrix.rows.find((row) => row.key === 'kayron')?.cells['development']?.label;
    };
    assert.equal(await label(), 'v1.0.0');
    text = serviceFile([['kayron', 'v2.0.0']]);
    assert.equal(await label(), 'v2.0.0');
  });

  test('a folder that is not a repository is unavailable until it becomes one', async () => {
    const dir = scope.tempDir('later-repo');
    const model = new EnvironmentModel(dir);
    const before = await model.compute();
    assert.deepEqual(
      [before.kind, before.kind === 'unavailable' ? before.reason : ''],
      ['unavailable', 'not-a-repository'],
    );
    assert.deepEqual(await model.refWatchTargets(), []);
    git(dir, ['init', '-q']);
    const afterInit = await model.compute();
    assert.equal(afterInit.kind, 'ok');
    assert.deepEqual(
      (await model.refWatchTargets()).map((target) => target.pattern),
      ['HEAD', 'FETCH_HEAD', 'packed-refs', 'refs/**'],
    );
  });
});

describe('the working tree shares analyses with refs', () => {
  test("gitBlobId is git's blob id", () => {
    const dir = scope.tempDir('hash');
    for (const content of ['', 'a\n', serviceFile([['kayron', 'v0.5.3']]), 'ü\r\n']) {
      assert.equal(gitBlobId(Buffer.from(content, 'utf8')), git(dir, ['hash-object', '--stdin'], { input: content }));
    }
  });

  test('a clean checkout reuses the analyses made for the same blobs at refs', async () => {
    const repo = releasesRepo('reuse');
    repo.write({ 'service/service.yaml': serviceFile([['kayron', 'v0.5.4']]) });
    const repository = await GitRepository.open(repo.dir);
    const cache = new SnapshotCache();
    const snapshots = await snapshotEnvironments(repository, await resolveEnvironments(repository), { cache });
    const staging = snapshots.find((snapshot) => snapshot.environment.name === 'staging');
    const analyses = await analyzeWorkingTree(repo.dir, new Map(), cache);
    const infrastructureOid =
      staging?.files.find((file) => file.path === 'infrastructure/infrastructure.yaml')?.oid ?? '';
    const serviceOid = staging?.files.find((file) => file.path === 'service/service.yaml')?.oid ?? '';
    assert.equal(
      analyses[0],
      cache.getAnalysis('infrastructure/infrastructure.yaml', infrastructureOid),
      'unchanged file: the very same analysis',
    );
    assert.notEqual(analyses[1], cache.getAnalysis('service/service.yaml', serviceOid), 'edited file: analysed anew');
    assert.equal(analyses[1]?.decoded?.entries[0]?.deploy?.release?.value, 'v0.5.4');
  });
});
