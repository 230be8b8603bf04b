/** Release files read at each environment's ref with Kayron's loader rules, and the working tree with unsaved contents. */
import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { GitRepository } from '../../server/src/environments/git';
import { resolveEnvironments, type ResolvedEnvironment } from '../../server/src/environments/resolve';
import {
  analyzeWorkingTree,
  SnapshotCache,
  snapshotEnvironments,
  type EnvironmentSnapshot,
} from '../../server/src/environments/snapshot';
import { FixtureScope, infrastructureFile, serviceFile } from '../helpers/git-fixture';
import { analyzeReleaseFile } from '../../server/src/features/validate';

const scope = new FixtureScope();
after(() => scope.dispose());

const QUIRKS_TREE: Record<string, string> = {
  'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
  'service/service.yaml': serviceFile(
    [
      ['kayron', 'v0.5.3'],
      ['alloy', 'branch:feature/x'],
    ],
    { preview: ['alloy'] },
  ),
  'service/nested/deep.yaml': serviceFile([['deep', 'suspend']]),
  'service/ignored.yml': serviceFile([['ignored-yml', 'v9.0.0']]),
  'service/upper.YAML': serviceFile([['ignored-upper', 'v9.0.0']]),
  'servicefoo/extra.yaml': serviceFile([['teams', 'v0.1.0']]),
  'service-x.yaml': serviceFile([['root-dash', 'v1.0.0']]),
  'root.yaml': serviceFile([['rooty', 'v1.0.0']]),
  'other/x.yaml': serviceFile([['other', 'v1.0.0']]),
  'Service/x.yaml': serviceFile([['capital', 'v1.0.0']]),
  '.github/workflows/lint.yaml': 'on: push\n',
};

/** Kayron's walk order: names byte-sorted per folder, folders entered where they sort (not git's `service/` order). */
const QUIRKS_FILES = [
  'infrastructure/infrastructure.yaml',
  'root.yaml',
  'service/nested/deep.yaml',
  'service/service.yaml',
  'service-x.yaml',
  'servicefoo/extra.yaml',
];

async function snapshotsOf(dir: string, options: Parameters<typeof snapshotEnvironments>[2] = {}) {
  const repository = await GitRepository.open(dir);
  const resolution = await resolveEnvironments(repository);
  const snapshots = await snapshotEnvironments(repository, resolution, options);
  const byName = (name: string): EnvironmentSnapshot => {
    const snapshot = snapshots.find((candidate) => candidate.environment.name === name);
    assert.ok(snapshot, name);
    return snapshot;
  };
  return { repository, resolution, snapshots, byName };
}

const summary = (snapshot: EnvironmentSnapshot) =>
  snapshot.services.map(
    (service) =>
      `${service.key}@${service.file}#${service.index}:${service.strategy.kind}=${service.strategy.value}${service.preview ? '+preview' : ''}${service.hasErrors ? '!' : ''}`,
  );

describe("release files at a ref follow Kayron's loader", () => {
  test('prefix-quirk folders and root files load, .yml/.YAML and other folders do not, in walk order', async () => {
    const repo = scope.init('quirks');
    const testingCommit = repo.commit('quirks', QUIRKS_TREE);
    repo.branch('testing');
    // The working tree moves on, so testing's services can only come from git, not from the disk.
    repo.commit('drop everything', Object.fromEntries(Object.keys(QUIRKS_TREE).map((file) => [file, null])));
    repo.commit('minimal', {
      'service/service.yaml': serviceFile([['kayron', 'v0.6.0']]),
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.9'),
    });
    const { byName } = await snapshotsOf(repo.dir);
    const testing = byName('testing');
    assert.equal(testing.environment.commit, testingCommit);
    assert.deepEqual(
      testing.files.map((file) => file.path),
      QUIRKS_FILES,
    );
    assert.ok(testing.files.every((file) => /^[0-9a-f]{40}$/.test(file.oid ?? '')));
    assert.deepEqual(summary(testing), [
      'infrastructure@infrastructure/infrastructure.yaml#0:release=v0.5.8',
      'rooty@root.yaml#0:release=v1.0.0',
      'deep@service/nested/deep.yaml#0:suspend=',
      'kayron@service/service.yaml#0:release=v0.5.3',
      'alloy@service/service.yaml#1:branch=feature/x+preview',
      'root-dash@service-x.yaml#0:release=v1.0.0',
      'teams@servicefoo/extra.yaml#0:release=v0.1.0',
    ]);
    assert.equal(testing.verdict, undefined);
    assert.deepEqual(testing.problems, []);
    const infrastructure = testing.services[0];
    assert.equal(infrastructure?.kind, 'infrastructure');
    assert.equal(testing.services.find((service) => service.key === 'alloy')?.line, 5);
    assert.deepEqual(summary(byName('staging')), [
      'infrastructure@infrastructure/infrastructure.yaml#0:release=v0.5.9',
      'kayron@service/service.yaml#0:release=v0.6.0',
    ]);
  });

  test('a ref and a working tree with the same files give the same services', async () => {
    const repo = scope.init('same');
    repo.commit('quirks', QUIRKS_TREE);
    repo.branch('testing');
    const { byName } = await snapshotsOf(repo.dir);
    assert.deepEqual(
      byName('development').files.map((file) => file.path),
      QUIRKS_FILES,
    );
    assert.deepEqual(summary(byName('development')), summary(byName('testing')));
    assert.deepEqual(summary(byName('development')), summary(byName('staging')));
  });

  test('the releases root may be a folder inside the repository', async () => {
    const repo = scope.init('nested-root');
    repo.commit('before the releases folder existed', { 'README.md': 'x\n' });
    repo.tag('v0.1.0');
    repo.commit('nested', {
      'deploy/service/service.yaml': serviceFile([['kayron', 'v0.5.3']]),
      'service/outside.yaml': serviceFile([['outside', 'v1.0.0']]),
    });
    const { byName, repository } = await snapshotsOf(`${repo.dir}/deploy`);
    assert.equal(repository.prefix, 'deploy/');
    assert.deepEqual(summary(byName('staging')), ['kayron@service/service.yaml#0:release=v0.5.3']);
    assert.deepEqual(summary(byName('development')), summary(byName('staging')));
    const production = byName('production');
    assert.equal(production.error, undefined);
    assert.deepEqual(production.files, []);
    assert.equal(production.verdict?.code, 'no-release-definitions');
  });

  test('symlinked release files are followed at a ref as in the working tree; links out of the root are unreadable', async () => {
    const repo = scope.init('links');
    repo.write({
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
      'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]),
      'elsewhere/x.yaml': serviceFile([['x', 'v1.0.0']]),
    });
    repo.symlink('service/outside-walk.yaml', '../elsewhere/x.yaml');
    repo.symlink('service/dangling.yaml', 'missing.yaml');
    repo.symlink('service/escape.yaml', '../../etc/hosts');
    repo.commit('links');
    const { byName } = await snapshotsOf(repo.dir);
    const staging = byName('staging');
    assert.deepEqual(summary(staging), [
      'infrastructure@infrastructure/infrastructure.yaml#0:release=v0.5.8',
      'x@service/outside-walk.yaml#0:release=v1.0.0',
      'kayron@service/service.yaml#0:release=v0.5.3',
    ]);
    assert.deepEqual(
      staging.problems.map((problem) => [problem.file, problem.code]),
      [
        ['service/dangling.yaml', 'unreadable-file'],
        ['service/escape.yaml', 'unreadable-file'],
      ],
    );
    assert.deepEqual(summary(byName('development')), summary(staging));
  });

  test('a link at a ref to a blob larger than git output is ever buffered for is sized first: file-too-large, never read', async () => {
    const repo = scope.init('huge-link');
    // 40 MiB: read whole, it would overflow cat-file's 32 MiB output cap and take the whole environment down with it.
    repo.write({
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
      'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]),
      'dump/huge.txt': `# ${'x'.repeat(40 * 1024 * 1024)}\n`,
    });
    repo.symlink('service/huge.yaml', '../dump/huge.txt');
    repo.commit('a link to a dump');
    const { byName } = await snapshotsOf(repo.dir);
    const staging = byName('staging');
    assert.equal(staging.error, undefined, staging.error);
    assert.deepEqual(summary(staging), [
      'infrastructure@infrastructure/infrastructure.yaml#0:release=v0.5.8',
      'kayron@service/service.yaml#0:release=v0.5.3',
    ]);
    assert.deepEqual(
      staging.problems.map((problem) => [problem.file, problem.code]),
      [['service/huge.yaml', 'file-too-large']],
    );
  });
});

describe('errors at a ref', () => {
  test('an entry Kayron rejects is marked; the verdict is what kayron lint would print', async () => {
    const repo = scope.init('entry-error');
    repo.commit('missing github', {
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
      'service/service.yaml': `${serviceFile([['kayron', 'v0.5.3']])}\n- docker: "specta"\n  deploy:\n    release: "v0.3.1"\n`,
    });
    const staging = (await snapshotsOf(repo.dir)).byName('staging');
    assert.deepEqual(summary(staging), [
      'infrastructure@infrastructure/infrastructure.yaml#0:release=v0.5.8',
      'kayron@service/service.yaml#0:release=v0.5.3',
      'specta@service/service.yaml#1:release=v0.3.1!',
    ]);
    assert.equal(staging.verdict?.file, 'service/service.yaml');
    assert.match(staging.verdict?.message ?? '', /requires a github repository/);
    assert.deepEqual(staging.problems, []);
  });

  test('an undecodable file marks its entries and is a repository-level problem', async () => {
    const repo = scope.init('decode-error');
    repo.commit('broken', {
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
      'service/service.yaml':
        '- docker: "kayron"\n  docker: "again"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n',
    });
    const staging = (await snapshotsOf(repo.dir)).byName('staging');
    assert.match(staging.verdict?.message ?? '', /mapping key "docker" already defined/);
    assert.deepEqual(
      staging.problems.map((problem) => [problem.file, problem.code]),
      [['service/service.yaml', 'yaml-syntax']],
    );
    assert.ok(
      staging.services
        .filter((service) => service.file === 'service/service.yaml')
        .every((service) => service.hasErrors),
    );
    assert.equal(staging.services.find((service) => service.key === 'infrastructure')?.hasErrors, false);
  });

  test('the infrastructure count is a repository-level problem, not an error of the entry it is anchored to', async () => {
    const repo = scope.init('no-infra');
    repo.commit('no infrastructure', { 'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]) });
    const staging = (await snapshotsOf(repo.dir)).byName('staging');
    assert.deepEqual(summary(staging), ['kayron@service/service.yaml#0:release=v0.5.3']);
    assert.deepEqual(
      staging.problems.map((problem) => problem.code),
      ['infrastructure-count'],
    );
  });

  test('an environment that cannot be resolved has an error and no services', async () => {
    const repo = scope.init('no-tags');
    repo.commit('one', { 'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]) });
    const production = (await snapshotsOf(repo.dir)).byName('production');
    assert.deepEqual(production.services, []);
    assert.match(production.error ?? '', /no local v\* tag/);
  });
});

describe('development: working tree plus unsaved editor contents', () => {
  test('overrides replace files on disk, add unsaved loaded files, and ignore paths Kayron would not load', async () => {
    const repo = scope.init('overrides');
    repo.commit('one', {
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
      'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]),
    });
    const overrides = new Map([
      ['service/service.yaml', serviceFile([['kayron', 'v0.9.9']])],
      ['service/new.yaml', serviceFile([['fresh', 'branch:wip']])],
      ['service/draft.yml', serviceFile([['draft', 'v1.0.0']])],
      ['other/x.yaml', serviceFile([['other', 'v1.0.0']])],
    ]);
    const { byName } = await snapshotsOf(repo.dir, { development: { overrides } });
    assert.deepEqual(summary(byName('development')), [
      'infrastructure@infrastructure/infrastructure.yaml#0:release=v0.5.8',
      'fresh@service/new.yaml#0:branch=wip',
      'kayron@service/service.yaml#0:release=v0.9.9',
    ]);
    assert.deepEqual(summary(byName('staging')).slice(1), ['kayron@service/service.yaml#0:release=v0.5.3']);
  });

  test('uncommitted changes on disk count for development only', async () => {
    const repo = scope.init('dirty');
    repo.commit('one', {
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
      'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]),
    });
    repo.write({ 'service/service.yaml': serviceFile([['kayron', 'v0.5.4']]) });
    const { byName } = await snapshotsOf(repo.dir);
    assert.equal(byName('development').services[1]?.strategy.value, 'v0.5.4');
    assert.equal(byName('staging').services[1]?.strategy.value, 'v0.5.3');
  });

  test("pre-analysed files (from the language server's workspace) are used as given", async () => {
    const repo = scope.init('analyses');
    repo.commit('one', { 'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]) });
    const analyses = await analyzeWorkingTree(
      repo.dir,
      new Map([['service/service.yaml', serviceFile([['kayron', 'v7.0.0']])]]),
    );
    const { byName } = await snapshotsOf(repo.dir, { development: { analyses } });
    assert.deepEqual(summary(byName('development')), ['kayron@service/service.yaml#0:release=v7.0.0']);
  });

  test("an open file's prepared analysis is used as it is (not parsed again); other files still come from disk", async () => {
    const repo = scope.init('prepared');
    repo.commit('one', {
      'service/service.yaml': serviceFile([['kayron', 'v0.5.3']]),
      'service/other.yaml': serviceFile([['alloy', 'v1.0.0']]),
    });
    const text = serviceFile([['kayron', 'v7.0.0']]);
    const prepared = analyzeReleaseFile('service/service.yaml', text);
    const parsed: string[] = [];
    const analyze = (relativePath: string, content: string) => {
      parsed.push(relativePath);
      return Promise.resolve(analyzeReleaseFile(relativePath, content));
    };
    const analyses = await analyzeWorkingTree(
      repo.dir,
      new Map([['service/service.yaml', text]]),
      undefined,
      analyze,
      new Map([['service/service.yaml', prepared]]),
    );
    assert.ok(analyses.includes(prepared), 'the prepared analysis itself');
    assert.deepEqual(parsed, ['service/other.yaml']);
  });
});

describe('caching', () => {
  test('unchanged commits are not re-read; a new commit reads only its changed blobs', async () => {
    const repo = scope.init('cache');
    repo.commit('one', {
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
      'service/a.yaml': serviceFile([['a', 'v1.0.0']]),
      'service/b.yaml': serviceFile([['b', 'v1.0.0']]),
    });
    const repository = await GitRepository.open(repo.dir);
    const reads: number[] = [];
    const original = repository.readBlobs.bind(repository);
    repository.readBlobs = (oids, expectedBytes) => {
      reads.push(oids.length);
      return original(oids, expectedBytes);
    };
    const cache = new SnapshotCache();
    const run = async () => snapshotEnvironments(repository, await resolveEnvironments(repository), { cache });
    await run();
    assert.deepEqual(reads, [3], 'one batch for all blobs of all environments');
    await run();
    assert.deepEqual(reads, [3], 'nothing re-read for unchanged commits');
    repo.commit('bump b', { 'service/b.yaml': serviceFile([['b', 'v1.1.0']]) });
    const snapshots = await run();
    assert.deepEqual(reads, [3, 1]);
    const staging = snapshots.find((snapshot) => snapshot.environment.name === 'staging');
    assert.equal(staging?.services.find((service) => service.key === 'b')?.strategy.value, 'v1.1.0');
  });

  test('environments on the same commit share one read', async () => {
    const repo = scope.init('shared');
    repo.commit('one', { 'service/a.yaml': serviceFile([['a', 'v1.0.0']]) });
    repo.tag('v1.0.0');
    const { resolution, snapshots } = await snapshotsOf(repo.dir);
    const commits = new Set(resolution.environments.map((environment: ResolvedEnvironment) => environment.commit));
    assert.equal(commits.size, 1);
    assert.deepEqual(
      snapshots.map((snapshot) => summary(snapshot)),
      [0, 1, 2, 3].map(() => ['a@service/a.yaml#0:release=v1.0.0']),
    );
  });
});
