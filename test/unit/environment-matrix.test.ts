/** The services × environments matrix, its drift markers, and `kayron-releases status` (text and JSON). */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GitRepository } from '../../server/src/environments/git';
import {
  buildMatrix,
  computeEnvironmentStatus,
  nextStageOf,
  renderMatrixText,
  strategyLabel,
  type StatusMatrix,
} from '../../server/src/environments/matrix';
import type { ResolvedEnvironment } from '../../server/src/environments/resolve';
import type { EnvironmentSnapshot, ServiceDeployment } from '../../server/src/environments/snapshot';
import type { Strategy } from '../../server/src/kayron/entry-model';
import { runStatusCommand, type StatusCommandIo } from '../../server/src/environments/status-command';
import {
  buildSyntheticReleasesRepo,
  FixtureScope,
  GitFixture,
  infrastructureFile,
  serviceFile,
} from '../helpers/git-fixture';

const scope = new FixtureScope();
after(() => scope.dispose());

function environment(
  name: string,
  kind: ResolvedEnvironment['kind'],
  extra: Partial<ResolvedEnvironment> = {},
): ResolvedEnvironment {
  return {
    name,
    kind,
    ref: name,
    commit: `${name}0000`,
    shortCommit: name.slice(0, 7),
    date: '2025-10-01T00:00:00+00:00',
    ...extra,
  };
}

function service(key: string, strategy: string, extra: Partial<ServiceDeployment> = {}): ServiceDeployment {
  const [kind, value = ''] = strategy.includes(' ')
    ? (strategy.split(' ') as [Strategy | 'none', string])
    : strategy.startsWith('v')
      ? (['release', strategy] as const)
      : ([strategy as Strategy | 'none', ''] as const);
  return {
    key,
    kind: 'service',
    docker: key,
    github: key,
    provider: '',
    strategy: { kind, value },
    preview: false,
    file: 'service/service.yaml',
    index: 0,
    range: [0, 1],
    line: 0,
    hasErrors: false,
    ...extra,
  };
}

function snapshot(
  env: ResolvedEnvironment,
  services: ServiceDeployment[],
  extra: Partial<EnvironmentSnapshot> = {},
): EnvironmentSnapshot {
  return { environment: env, files: [], services, problems: [], ...extra };
}

const REPOSITORY = {
  topLevel: '/repo',
  prefix: '',
  shallow: false,
  remote: 'origin',
  hasRemote: true,
  defaultBranch: { name: 'main' },
};

describe('strategyLabel and nextStageOf', () => {
  test('labels every strategy as the tree view and the CLI show it', () => {
    assert.equal(strategyLabel({ kind: 'release', value: 'v0.5.3' }, false), 'v0.5.3');
    assert.equal(strategyLabel({ kind: 'release', value: 'v0.2.3' }, true), 'v0.2.3 +preview');
    assert.equal(strategyLabel({ kind: 'branch', value: 'feature/x' }, false), 'branch feature/x');
    assert.equal(strategyLabel({ kind: 'suspend', value: '' }, false), 'suspended');
    assert.equal(strategyLabel({ kind: 'none', value: '' }, true), 'preview');
    assert.equal(strategyLabel({ kind: 'none', value: '' }, false), 'no strategy');
  });

  test('testing, development and extra environments promote into staging, staging into production', () => {
    const environments = [
      environment('development', 'development'),
      environment('testing', 'testing'),
      environment('qa', 'custom'),
      environment('staging', 'staging'),
      environment('production', 'production'),
    ];
    assert.deepEqual(
      environments.map((env) => nextStageOf(env, environments)),
      ['staging', 'staging', 'staging', 'production', undefined],
    );
    assert.equal(nextStageOf(environment('testing', 'testing'), [environment('testing', 'testing')]), undefined);
  });
});

describe('buildMatrix', () => {
  const testing = environment('testing', 'testing');
  const staging = environment('staging', 'staging');
  const production = environment('production', 'production');

  test('marks changed, added and removed services against the next stage only', () => {
    const matrix = buildMatrix('/repo', REPOSITORY, [
      snapshot(testing, [
        service('kayron', 'branch feature/x'),
        service('alloy', 'v1.0.0', { preview: true }),
        service('fresh', 'v0.1.0'),
      ]),
      snapshot(staging, [
        service('kayron', 'v0.5.3'),
        service('alloy', 'v1.0.0'),
        service('specta', 'v0.3.1'),
        service('infrastructure', 'v0.5.8', { kind: 'infrastructure', provider: 'cloudformation' }),
      ]),
      snapshot(production, [
        service('kayron', 'v0.5.3'),
        service('alloy', 'v1.0.0'),
        service('infrastructure', 'v0.5.7', { kind: 'infrastructure' }),
      ]),
    ]);
    assert.deepEqual(
      matrix.rows.map((row) => row.key),
      ['infrastructure', 'alloy', 'fresh', 'kayron', 'specta'],
      'infrastructure first, then services by name',
    );
    const cell = (key: string, env: string) => matrix.rows.find((row) => row.key === key)?.cells[env];
    assert.deepEqual(cell('kayron', 'testing')?.drift, { against: 'staging', kind: 'changed', nextLabel: 'v0.5.3' });
    assert.deepEqual(
      cell('alloy', 'testing')?.drift,
      { against: 'staging', kind: 'changed', nextLabel: 'v1.0.0' },
      'preview on/off is a difference',
    );
    assert.deepEqual(cell('fresh', 'testing')?.drift, { against: 'staging', kind: 'added' });
    assert.deepEqual(cell('specta', 'testing'), {
      present: false,
      label: '',
      drift: { against: 'staging', kind: 'removed', nextLabel: 'v0.3.1' },
    });
    assert.deepEqual(cell('specta', 'staging')?.drift, { against: 'production', kind: 'added' });
    assert.deepEqual(cell('infrastructure', 'staging')?.drift, {
      against: 'production',
      kind: 'changed',
      nextLabel: 'v0.5.7',
    });
    assert.equal(cell('kayron', 'staging')?.drift, undefined, 'same release in staging and production');
    assert.equal(cell('kayron', 'production')?.drift, undefined, 'production has no next stage');
    assert.deepEqual(
      matrix.environments.map((env) => [env.name, env.nextStage, env.serviceCount]),
      [
        ['testing', 'staging', 3],
        ['staging', 'production', 4],
        ['production', undefined, 3],
      ],
    );
  });

  test('an unreadable environment has no drift, and nothing drifts against it', () => {
    const unreadable = environment('production', 'production', {
      commit: undefined,
      shortCommit: undefined,
      unavailable: 'no tag',
    });
    const matrix = buildMatrix('/repo', REPOSITORY, [
      snapshot(staging, [service('kayron', 'v0.5.3')]),
      snapshot(unreadable, [], { error: 'no tag' }),
    ]);
    assert.deepEqual(matrix.rows[0]?.cells, {
      staging: {
        present: true,
        label: 'v0.5.3',
        strategy: { kind: 'release', value: 'v0.5.3' },
        preview: false,
        hasErrors: false,
        file: 'service/service.yaml',
        line: 0,
        index: 0,
      },
      production: { present: false, label: '' },
    });
    assert.equal(matrix.environments[1]?.error, 'no tag');
    const text = renderMatrixText(matrix);
    assert.match(text, /^kayron {3}v0\.5\.3 {6}\?$/m, 'unreadable cells are "?", and staging shows no drift marker');
    assert.match(text, /^ {2}production: not readable: no tag$/m);
  });

  test('the JSON shape survives a round trip unchanged', () => {
    const matrix = buildMatrix('/repo', REPOSITORY, [
      snapshot(staging, [service('kayron', 'v0.5.3', { hasErrors: true })], {
        verdict: { file: 'service/service.yaml', code: 'x', message: 'bad' },
      }),
    ]);
    assert.deepEqual(JSON.parse(JSON.stringify(matrix)), matrix);
    assert.equal(matrix.schemaVersion, 1);
    assert.equal(matrix.rows[0]?.cells['staging']?.hasErrors, true);
  });
});

/** main: two releases (the first tagged v0.5.0); testing: a feature branch, a preview and a removed service. */
function buildStatusRepo(): { clone: GitFixture; commits: Record<string, string> } {
  const work = scope.init('status-work');
  const commits: Record<string, string> = {};
  commits['v0.5.0'] = work.commit('first release', {
    'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.7'),
    'service/service.yaml': serviceFile([
      ['alloy', 'v1.0.0'],
      ['kayron', 'v0.5.2'],
    ]),
  });
  work.tag('v0.5.0');
  commits['main'] = work.commit('second', {
    'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
    'service/service.yaml': serviceFile([
      ['alloy', 'v1.0.0'],
      ['kayron', 'v0.5.3'],
      ['specta', 'v0.3.1'],
    ]),
  });
  work.checkoutNew('testing');
  commits['testing'] = work.commit('testing', {
    'service/service.yaml': serviceFile(
      [
        ['alloy', 'v1.0.0'],
        ['kayron', 'branch:feature/x'],
      ],
      { preview: ['alloy'] },
    ),
  });
  work.checkout('main');
  const { clone } = scope.publish(work);
  // An uncommitted edit: development differs from staging.
  clone.write({
    'service/service.yaml': serviceFile([
      ['alloy', 'v1.0.0'],
      ['kayron', 'v0.5.4'],
      ['specta', 'v0.3.1'],
    ]),
  });
  return { clone, commits };
}

function captureIo(extra: Partial<StatusCommandIo> = {}): StatusCommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    ...extra,
  };
  return io;
}

describe('kayron-releases status', () => {
  let clone: GitFixture;
  let commits: Record<string, string>;
  const short = (name: string) => commits[name]?.slice(0, 7) ?? '';

  before(() => {
    ({ clone, commits } = buildStatusRepo());
  });

  test('prints the matrix with refs, commits, dates, drift and notes', async () => {
    const io = captureIo();
    assert.equal(await runStatusCommand([clone.dir], io), 0);
    assert.equal(io.err, '');
    const expected = [
      'SERVICE         DEVELOPMENT          TESTING             STAGING      PRODUCTION',
      'ref             working tree (main)  origin/testing      origin/main  v0.5.0',
      `commit          ${short('main')}              ${short('testing')}             ${short('main')}      ${short('v0.5.0')} (fallback)`,
      'date            2025-10-01           2025-10-01          2025-10-01   2025-10-01',
      '--------------  -------------------  ------------------  -----------  ------------------',
      'infrastructure  v0.5.8               v0.5.8              v0.5.8 *     v0.5.7',
      'alloy           v1.0.0               v1.0.0 +preview *   v1.0.0       v1.0.0',
      'kayron          v0.5.4 *             branch feature/x *  v0.5.3 *     v0.5.2',
      'specta          v0.3.1               - *                 v0.3.1 *     -',
      '',
      '* differs from the next stage (development → staging, testing → staging, staging → production)   ! has errors at that ref   - not defined   ? not readable',
      '',
      'notes:',
      '  production: newest local v* tag (GitHub not connected)',
      '',
    ].join('\n');
    assert.equal(io.out, expected);
  });

  test('--json prints the matrix shape', async () => {
    const io = captureIo();
    assert.equal(await runStatusCommand(['--json', clone.dir], io), 0);
    const matrix = JSON.parse(io.out) as StatusMatrix;
    assert.equal(matrix.schemaVersion, 1);
    assert.equal(matrix.root, clone.dir);
    assert.deepEqual(matrix.repository, {
      topLevel: clone.dir,
      prefix: '',
      shallow: false,
      remote: 'origin',
      hasRemote: true,
      defaultBranch: 'main',
      headBranch: 'main',
      headCommit: commits['main'],
    });
    assert.deepEqual(
      matrix.environments.map((env) => [env.name, env.ref, env.commit, env.fallback ?? null]),
      [
        ['development', 'main', commits['main'], null],
        ['testing', 'origin/testing', commits['testing'], null],
        ['staging', 'origin/main', commits['main'], null],
        ['production', 'v0.5.0', commits['v0.5.0'], 'newest local v* tag (GitHub not connected)'],
      ],
    );
    const kayron = matrix.rows.find((row) => row.key === 'kayron');
    assert.deepEqual(kayron?.cells['testing'], {
      present: true,
      label: 'branch feature/x',
      strategy: { kind: 'branch', value: 'feature/x' },
      preview: false,
      hasErrors: false,
      file: 'service/service.yaml',
      line: 6,
      index: 1,
      drift: { against: 'staging', kind: 'changed', nextLabel: 'v0.5.3' },
    });
  });

  test('GitHub providers from the caller decide production; extra environments come from --environment', async () => {
    const io = captureIo({ providers: { latestReleaseTag: () => Promise.resolve('v0.5.0') } });
    assert.equal(await runStatusCommand(['--json', '--environment', 'qa=testing', clone.dir], io), 0);
    const matrix = JSON.parse(io.out) as StatusMatrix;
    assert.deepEqual(
      matrix.environments.map((env) => env.name),
      ['development', 'testing', 'qa', 'staging', 'production'],
    );
    assert.equal(matrix.environments.find((env) => env.name === 'qa')?.commit, commits['testing']);
    assert.equal(matrix.environments.find((env) => env.name === 'production')?.fallback, undefined);
  });

  test('a relative ROOT is resolved against the cwd', async () => {
    const io = captureIo({ cwd: path.dirname(clone.dir) });
    assert.equal(await runStatusCommand(['--json', path.basename(clone.dir)], io), 0);
    assert.equal((JSON.parse(io.out) as StatusMatrix).root, clone.dir);
  });

  test('errors at a ref are marked and explained', async () => {
    const repo = scope.init('status-errors');
    repo.commit('broken', {
      'infrastructure/infrastructure.yaml': infrastructureFile('v0.5.8'),
      'service/service.yaml': '- docker: "kayron"\n  deploy:\n    release: "v0.5.3"\n',
    });
    const io = captureIo();
    assert.equal(await runStatusCommand([repo.dir], io), 0);
    assert.match(io.out, /^kayron {10}v0\.5\.3 ! {13}v0\.5\.3 ! {12}v0\.5\.3 ! {12}\?$/m);
    assert.match(
      io.out,
      /staging: kayron lint would fail: service\/service\.yaml: The release configuration requires a github repository to be provided\./,
    );
    assert.match(io.out, /production: not readable: no local v\* tag/);
  });

  test('usage errors and non-repositories exit 2 with a message on stderr', async () => {
    for (const args of [['--bogus'], ['a', 'b'], ['--environment'], ['--environment', '=x']]) {
      const io = captureIo();
      assert.equal(await runStatusCommand(args, io), 2, args.join(' '));
      assert.match(io.err, /usage: kayron-releases status/);
      assert.equal(io.out, '');
    }
    const plain = scope.tempDir('not-git');
    const io = captureIo();
    assert.equal(await runStatusCommand([plain], io), 2);
    assert.match(io.err, /is not inside a git repository/);
    const missing = captureIo();
    assert.equal(await runStatusCommand([path.join(plain, 'missing')], missing), 2);
    assert.match(missing.err, /no such file or directory/);
    const help = captureIo();
    assert.equal(await runStatusCommand(['--help'], help), 0);
    assert.match(help.out, /^usage: kayron-releases status/);
  });
});

describe('the synthetic benchmark repository', () => {
  test('its matrix shows exactly the versions the generator wrote', async () => {
    const synthetic = buildSyntheticReleasesRepo(scope, { services: 6, commits: 80, testingCommits: 8, tagEvery: 10 });
    const { matrix } = await computeEnvironmentStatus(synthetic.clone, {
      repository: await GitRepository.open(synthetic.clone),
    });
    const column = (env: string) =>
      new Map(matrix.rows.filter((row) => row.cells[env]?.present).map((row) => [row.key, row.cells[env]?.label]));
    assert.deepEqual(column('staging'), synthetic.expected.staging);
    assert.deepEqual(column('testing'), synthetic.expected.testing);
    assert.deepEqual(column('production'), synthetic.expected.production);
    assert.equal(matrix.environments.find((env) => env.name === 'production')?.tag, synthetic.newestTag);
    assert.equal(matrix.rows.length, 7);
    assert.ok(
      matrix.rows.some((row) => row.cells['testing']?.drift),
      'testing drifts from staging',
    );
  });
});
