/** Texts and flags of the environments tree (client/src/environments/format.ts; no VS Code needed). */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  age,
  cellDescription,
  cellOutdated,
  contextValue,
  environmentDescription,
  environmentDetails,
  releasePageUrl,
  serviceSummary,
  outdatedText,
  snapshotName,
  versionToCopy,
  visibleCell,
} from '../../client/src/environments/format';
import type { MatrixCell, MatrixEnvironment, MatrixRow, RootEnvironments } from '../../server/src/protocol';

const NOW = Date.parse('2025-10-11T12:00:00Z');

function environment(extra: Partial<MatrixEnvironment> & Pick<MatrixEnvironment, 'name' | 'kind'>): MatrixEnvironment {
  return {
    ref: `origin/${extra.name}`,
    commit: '29eae4f0'.padEnd(40, '0'),
    shortCommit: '29eae4f',
    date: '2025-10-08T00:00:00Z',
    serviceCount: 5,
    problems: [],
    ...extra,
  };
}

describe('age', () => {
  test('counts down to the largest whole unit', () => {
    assert.equal(age('2025-10-08T00:00:00Z', NOW), '3 days ago');
    assert.equal(age('2025-10-11T11:59:30Z', NOW), 'just now');
    assert.equal(age('2025-10-11T11:00:00Z', NOW), '1 hour ago');
    assert.equal(age('2024-10-01T00:00:00Z', NOW), '1 year ago');
    assert.equal(age(undefined, NOW), undefined);
    assert.equal(age('not a date', NOW), undefined);
  });
});

describe('environment descriptions', () => {
  test('name the ref, short commit, age and a tag that is not the ref', () => {
    assert.equal(
      environmentDescription(environment({ name: 'staging', kind: 'staging', ref: 'origin/main', tag: 'v0.2.0' }), NOW),
      'origin/main · 29eae4f · 3 days ago · v0.2.0',
    );
    assert.equal(
      environmentDescription(
        environment({
          name: 'production',
          kind: 'production',
          ref: 'v0.1.0',
          tag: 'v0.1.0',
          fallback: 'newest local v* tag (offline)',
        }),
        NOW,
      ),
      'v0.1.0 · 29eae4f · 3 days ago · local tag: GitHub unknown',
    );
    assert.equal(
      environmentDescription(
        environment({
          name: 'development',
          kind: 'development',
          ref: 'main',
          workingTree: true,
          localVsRemote: { local: 'main', remote: 'origin/main', ahead: 1, behind: 0 },
        }),
        NOW,
      ),
      'working tree (main) · 29eae4f · 1↑ 0↓',
    );
    assert.equal(
      environmentDescription(
        environment({
          name: 'staging',
          kind: 'staging',
          behindRemote: true,
          localVsRemote: { local: 'main', remote: 'origin/main', ahead: 0, behind: 2 },
        }),
        NOW,
      ),
      'origin/staging · 29eae4f · 3 days ago · main 0↑ 2↓ · fetch to update',
    );
  });

  test('explain an environment that cannot be read', () => {
    const unavailable = environment({
      name: 'production',
      kind: 'production',
      ref: undefined,
      commit: undefined,
      shortCommit: undefined,
      date: undefined,
      unavailable: 'no local v* tag',
      error: 'no local v* tag',
    });
    assert.equal(environmentDescription(unavailable, NOW), 'no local v* tag');
    assert.ok(environmentDetails(unavailable, NOW).includes('- not readable: no local v* tag'));
  });

  test('put the lint verdict and the problems in the tooltip', () => {
    const failing = environment({
      name: 'testing',
      kind: 'testing',
      verdict: { file: 'service/a.yaml', code: 'release-format', message: 'bad tag\nmore' },
      problems: [
        { file: 'service/a.yaml', code: 'release-format', message: 'bad tag\nmore' },
        { file: 'x.yaml', code: 'yaml-syntax', message: 'broken' },
      ],
    });
    assert.match(environmentDescription(failing, NOW), / · lint fails$/);
    const details = environmentDetails(failing, NOW);
    assert.ok(details.includes('- `kayron lint` would fail: service/a.yaml: bad tag'));
    assert.ok(details.includes('- x.yaml: broken'));
    assert.equal(
      details.filter((line) => line.includes('bad tag')).length,
      1,
      'the verdict is not repeated as a problem',
    );
  });
});

describe('service cells', () => {
  const cell = (extra: Partial<MatrixCell>): MatrixCell => ({
    present: true,
    label: 'v0.5.3',
    strategy: { kind: 'release', value: 'v0.5.3' },
    file: 'service/service.yaml',
    line: 5,
    ...extra,
  });

  test('describe what runs, the drift against the next stage, and errors', () => {
    assert.equal(cellDescription(cell({})), 'v0.5.3');
    assert.equal(
      cellDescription(
        cell({ label: 'branch feature/x', drift: { against: 'staging', kind: 'changed', nextLabel: 'v0.5.3' } }),
      ),
      'branch feature/x · ≠ staging v0.5.3',
    );
    assert.equal(
      cellDescription(cell({ drift: { against: 'staging', kind: 'added' }, hasErrors: true })),
      'v0.5.3 · new vs staging · errors at this ref',
    );
    assert.equal(
      cellDescription({
        present: false,
        label: '',
        drift: { against: 'staging', kind: 'removed', nextLabel: 'v1.0.0' },
      }),
      'not defined · removed (staging: v1.0.0)',
    );
  });

  test('mark a release pin with a newer release after the drift, before errors', () => {
    const latest = { latest: 'v0.6.0' };
    assert.equal(outdatedText(latest), '↑ v0.6.0');
    assert.equal(cellDescription(cell({}), latest), 'v0.5.3 · ↑ v0.6.0');
    assert.equal(
      cellDescription(
        cell({ drift: { against: 'production', kind: 'changed', nextLabel: 'v0.5.1' }, hasErrors: true }),
        latest,
      ),
      'v0.5.3 · ≠ production v0.5.1 · ↑ v0.6.0 · errors at this ref',
    );
    assert.equal(cellDescription(cell({}), undefined), 'v0.5.3', 'unknown GitHub data adds nothing');
  });

  test('take the outdated marker only for a release pin of that row and environment', () => {
    const staging = environment({ name: 'staging', kind: 'staging' });
    const testing = environment({ name: 'testing', kind: 'testing' });
    const row: MatrixRow = {
      key: 'kayron',
      kind: 'service',
      cells: {
        staging: cell({}),
        testing: cell({ label: 'branch feature/x', strategy: { kind: 'branch', value: 'feature/x' } }),
      },
    };
    const root: RootEnvironments = {
      root: 'file:///r',
      state: 'ok',
      productionSource: 'github',
      outdated: { kayron: { staging: { latest: 'v0.6.0' }, testing: { latest: 'v0.6.0' } } },
    };
    assert.deepEqual(cellOutdated(root, row, staging), { latest: 'v0.6.0' });
    assert.equal(cellOutdated(root, row, testing), undefined, 'a branch is never outdated');
    assert.equal(cellOutdated(root, { ...row, key: 'alloy' }, staging), undefined);
    assert.equal(cellOutdated({ ...root, outdated: undefined }, row, staging), undefined);
  });

  test('show absent services only when their absence is a drift', () => {
    assert.equal(visibleCell(undefined), false);
    assert.equal(visibleCell({ present: false, label: '' }), false);
    assert.equal(visibleCell({ present: false, label: '', drift: { against: 'staging', kind: 'removed' } }), true);
    assert.equal(visibleCell(cell({})), true);
  });

  test("copy the tag or branch, and an environment's tag or commit", () => {
    assert.equal(versionToCopy({ cell: cell({}) }), 'v0.5.3');
    assert.equal(
      versionToCopy({ cell: cell({ label: 'branch feature/x', strategy: { kind: 'branch', value: 'feature/x' } }) }),
      'feature/x',
    );
    assert.equal(
      versionToCopy({ cell: cell({ label: 'suspended', strategy: { kind: 'suspend', value: '' } }) }),
      'suspended',
    );
    assert.equal(
      versionToCopy({ environment: environment({ name: 'production', kind: 'production', tag: 'v0.1.0' }) }),
      'v0.1.0',
    );
    assert.equal(
      versionToCopy({ environment: environment({ name: 'staging', kind: 'staging' }) }),
      '29eae4f0'.padEnd(40, '0'),
    );
  });

  test('summarise a service across environments', () => {
    const environments = [
      environment({ name: 'testing', kind: 'testing' }),
      environment({ name: 'staging', kind: 'staging' }),
      environment({ name: 'production', kind: 'production', error: 'gone' }),
    ];
    const row = (cells: Record<string, MatrixCell>): MatrixRow => ({ key: 'kayron', kind: 'service', cells });
    assert.equal(
      serviceSummary(
        row({ testing: cell({}), staging: cell({}), production: cell({ label: 'v0.1.0' }) }),
        environments,
      ),
      'v0.5.3 everywhere',
      'unreadable environments do not count',
    );
    // testing and staging run v0.5.3, production (readable here) v0.2.2: production is the odd one out, whatever the drift markers say
    const all = [
      environment({ name: 'development', kind: 'development' }),
      environment({ name: 'testing', kind: 'testing' }),
      environment({ name: 'staging', kind: 'staging' }),
      environment({ name: 'production', kind: 'production' }),
    ];
    const staged = cell({ drift: { against: 'production', kind: 'changed', nextLabel: 'v0.2.2' } });
    assert.equal(
      serviceSummary(
        row({ development: cell({}), testing: cell({}), staging: staged, production: cell({ label: 'v0.2.2' }) }),
        all,
      ),
      'production differs (others v0.5.3)',
    );
    assert.equal(
      serviceSummary(
        row({
          development: cell({}),
          testing: cell({ label: 'branch feature/x' }),
          staging: cell({}),
          production: cell({ label: 'v0.5.1' }),
        }),
        all,
      ),
      'testing, production differ (others v0.5.3)',
    );
    assert.equal(
      serviceSummary(
        row({
          development: cell({}),
          testing: cell({}),
          staging: cell({ label: 'v0.5.4' }),
          production: cell({ label: 'v0.5.4' }),
        }),
        all,
      ),
      'differs across development, testing, staging, production',
      'no majority: no odd one out',
    );
    assert.equal(
      serviceSummary(
        row({
          testing: cell({ drift: { against: 'staging', kind: 'changed', nextLabel: 'v0.5.3' } }),
          staging: cell({ label: 'v0.5.2' }),
        }),
        environments,
      ),
      'differs across testing, staging',
    );
  });
});

describe('links, names and flags', () => {
  const root: RootEnvironments = {
    root: 'file:///r',
    state: 'ok',
    productionSource: 'github',
    github: { webUrl: 'https://github.com', owner: 'acme', repo: 'releases', signedIn: true, connected: true },
  };

  test('release pages of a service and of the releases repository', () => {
    assert.equal(
      releasePageUrl(root, { github: 'kayron', tag: 'v0.5.3' }),
      'https://github.com/acme/kayron/releases/tag/v0.5.3',
    );
    assert.equal(
      releasePageUrl(root, { tag: 'v1.0.0-rc.1+x' }),
      'https://github.com/acme/releases/releases/tag/v1.0.0-rc.1%2Bx',
    );
    assert.equal(releasePageUrl({ ...root, github: undefined }, { github: 'kayron', tag: 'v0.5.3' }), undefined);
    assert.equal(releasePageUrl(root, { github: 'kayron', tag: undefined }), undefined);
  });

  test('snapshot names and flag-style context values', () => {
    assert.equal(snapshotName(environment({ name: 'staging', kind: 'staging' })), 'staging@29eae4f');
    assert.equal(
      contextValue('service', { drift: true, hasErrors: false, atRef: true, release: true }),
      'service drift atRef release',
    );
    assert.equal(contextValue('environment', {}), 'environment');
  });
});
