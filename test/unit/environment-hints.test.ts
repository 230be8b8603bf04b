/** Inline environment hints, the service keys they look rows up by, and the environment service's input parsing. */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { buildMatrix } from '../../server/src/environments/matrix';
import type { ResolvedEnvironment } from '../../server/src/environments/resolve';
import { servicesFromAnalyses, type EnvironmentSnapshot } from '../../server/src/environments/snapshot';
import { environmentHints } from '../../server/src/environments/environment-hints';
import { entryStrategyLabel, serviceKeys, type EntrySource } from '../../server/src/kayron/entry-model';
import { analyzeReleaseFile } from '../../server/src/features/validate';
import { isSafeRelativePath } from '../../server/src/workspace/environment-service';
import { parseEnvironmentList, parseExtraEnvironments } from '../../server/src/lsp/settings';
import { infrastructureFile, serviceFile } from '../helpers/git-fixture';

const INFRASTRUCTURE = 'infrastructure/infrastructure.yaml';
const SERVICE = 'service/service.yaml';

const sources = (files: Record<string, string>): EntrySource[] =>
  Object.entries(files).map(([relativePath, text]) => {
    const analysis = analyzeReleaseFile(relativePath, text);
    return {
      relativePath,
      loadedByKayron: analysis.fileClass.loadedByKayron,
      entries: analysis.decoded?.entries ?? [],
    };
  });

function environment(
  name: string,
  kind: ResolvedEnvironment['kind'],
  extra: Partial<ResolvedEnvironment> = {},
): ResolvedEnvironment {
  return {
    name,
    kind,
    ref: name === 'development' ? 'main' : `origin/${name}`,
    commit: 'a'.repeat(40),
    shortCommit: 'aaaaaaa',
    date: '2025-10-01T00:00:00Z',
    ...extra,
  };
}

function snapshot(resolved: ResolvedEnvironment, files: Record<string, string>): EnvironmentSnapshot {
  const analyses = Object.entries(files).map(([relativePath, text]) => analyzeReleaseFile(relativePath, text));
  return {
    environment: resolved,
    files: Object.keys(files).map((path) => ({ path })),
    ...servicesFromAnalyses(analyses),
  };
}

const repository = { topLevel: '/r', prefix: '', shallow: false, remote: 'origin', hasRemote: true };

describe('serviceKeys', () => {
  test('names rows as the snapshots do, duplicates numbered across files in walk order', () => {
    const files = {
      [INFRASTRUCTURE]: infrastructureFile('v0.5.8'),
      'service/a.yaml': serviceFile([
        ['kayron', 'v0.5.3'],
        ['alloy', 'v1.0.0'],
      ]),
      'service/b.yaml': `${serviceFile([['kayron', 'v0.5.4']])}\n- github: "only-github"\n  deploy:\n    release: "v1.0.0"\n`,
      'service/ignored.yml': serviceFile([['kayron', 'v9.9.9']]),
    };
    const keys = serviceKeys(sources(files));
    const fromSnapshots = servicesFromAnalyses(
      Object.entries(files).map(([relativePath, text]) => analyzeReleaseFile(relativePath, text)),
    ).services;
    assert.deepEqual(
      [...keys.entries()].map(([id, key]) => [id.replace('\0', '#'), key]),
      fromSnapshots.map((service) => [`${service.file}#${service.index}`, service.key]),
    );
    assert.deepEqual([...keys.values()], ['infrastructure', 'kayron', 'alloy', 'kayron#2', 'only-github']);
  });
});

describe('entryStrategyLabel', () => {
  test('speaks the matrix labels', () => {
    const labels = sources({
      [SERVICE]:
        serviceFile(
          [
            ['a', 'v1.0.0'],
            ['b', 'branch:feature/x'],
            ['c', 'suspend'],
            ['d', 'v2.0.0'],
          ],
          { preview: ['d'] },
        ) + '\n- docker: "e"\n  github: "e"\n  deploy:\n    preview: true\n',
    })[0]!.entries.map(entryStrategyLabel);
    assert.deepEqual(labels, ['v1.0.0', 'branch feature/x', 'suspended', 'v2.0.0 +preview', 'preview']);
  });
});

describe('environmentHints', () => {
  const staged = {
    [INFRASTRUCTURE]: infrastructureFile('v0.5.8'),
    [SERVICE]: serviceFile([
      ['alloy', 'v1.12.2'],
      ['kayron', 'v0.5.3'],
    ]),
  };
  const matrix = buildMatrix('/r', repository, [
    snapshot(environment('development', 'development', { workingTree: true }), staged),
    snapshot(environment('testing', 'testing'), {
      ...staged,
      [SERVICE]: serviceFile([
        ['alloy', 'v1.12.2'],
        ['kayron', 'branch:feature/x'],
      ]),
    }),
    snapshot(environment('staging', 'staging'), staged),
    snapshot(environment('production', 'production', { ref: 'v0.1.0', tag: 'v0.1.0' }), {
      ...staged,
      [SERVICE]: serviceFile([['alloy', 'v1.12.2']]),
    }),
  ]);

  function hintsFor(text: string) {
    const files = sources({ [INFRASTRUCTURE]: staged[INFRASTRUCTURE], [SERVICE]: text });
    return environmentHints(text, SERVICE, files[1]!.entries, serviceKeys(files), matrix);
  }

  test('lists only the environments that run something else, at the end of the deploy: line', () => {
    const text = staged[SERVICE];
    const hints = hintsFor(text);
    assert.deepEqual(
      hints.map((hint) => [text.slice(text.lastIndexOf('\n', hint.offset - 1) + 1, hint.offset), hint.label]),
      [
        ['  deploy:', 'same in testing, staging, prod'],
        ['  deploy:', 'testing branch feature/x · prod —'],
      ],
    );
    assert.match(hints[1]!.tooltip, /- production: `not defined` \(v0\.1\.0 @ aaaaaaa\)/);
  });

  test('compares with the text as it is now', () => {
    const hints = hintsFor(
      serviceFile([
        ['alloy', 'v1.13.0'],
        ['kayron', 'v0.5.3'],
      ]),
    );
    assert.deepEqual(
      hints.map((hint) => hint.label),
      ['testing v1.12.2 · staging v1.12.2 · prod v1.12.2', 'testing branch feature/x · prod —'],
    );
  });

  test('gives nothing for an entry no environment knows, or without a deploy key', () => {
    const hints = hintsFor(
      `${staged[SERVICE]}\n- docker: "new"\n  github: "new"\n  deploy:\n    release: "v1.0.0"\n\n- docker: "bare"\n  github: "bare"\n`,
    );
    assert.equal(hints.length, 2);
  });

  test('says so when a service is in none of the other environments', () => {
    const withNew = {
      ...staged,
      [SERVICE]: `${staged[SERVICE]}\n- docker: "new"\n  github: "new"\n  deploy:\n    release: "v1.0.0"\n`,
    };
    const onlyInDevelopment = buildMatrix('/r', repository, [
      snapshot(environment('development', 'development', { workingTree: true }), withNew),
      snapshot(environment('staging', 'staging'), staged),
    ]);
    const files = sources(withNew);
    assert.deepEqual(
      environmentHints(withNew[SERVICE], SERVICE, files[1]!.entries, serviceKeys(files), onlyInDevelopment).map(
        (hint) => hint.label,
      ),
      ['same in staging', 'same in staging', 'not in staging'],
    );
  });

  test('leaves out environments that could not be read', () => {
    const unreadable = {
      ...matrix,
      environments: matrix.environments.map((item) => (item.kind === 'testing' ? { ...item, error: 'gone' } : item)),
    };
    const files = sources(staged);
    assert.deepEqual(
      environmentHints(staged[SERVICE], SERVICE, files[1]!.entries, serviceKeys(files), unreadable).map(
        (hint) => hint.label,
      ),
      ['same in staging, prod', 'prod —'],
    );
  });

  test('keeps the hint on the deploy: line when it ends in CRLF or blanks', () => {
    const text = '- docker: "kayron"\r\n  github: "kayron"\r\n  deploy:  \r\n    release: "v0.5.3"\r\n';
    const [hint] = hintsFor(text);
    assert.equal(text.slice(0, hint!.offset).split('\n').at(-1), '  deploy:');
  });
});

describe('environment settings and paths', () => {
  test('kayron.environments accepts names and { name, branch } and skips the rest', () => {
    assert.deepEqual(
      parseExtraEnvironments([
        'qa',
        ' perf ',
        { name: 'load', branch: 'load-env' },
        { name: 'x', branch: '' },
        { branch: 'no-name' },
        7,
        '',
        null,
      ]),
      [{ name: 'qa' }, { name: 'perf' }, { name: 'load', branch: 'load-env' }, { name: 'x' }],
    );
    assert.deepEqual(parseExtraEnvironments('qa'), []);
  });

  test('KAYRON_ENVIRONMENTS reads NAME[=BRANCH] lists', () => {
    assert.deepEqual(parseEnvironmentList('qa, perf=perf-env,,=x,y='), [
      { name: 'qa' },
      { name: 'perf', branch: 'perf-env' },
    ]);
    assert.deepEqual(parseEnvironmentList(undefined), []);
  });

  test('only paths inside the root are readable at a ref', () => {
    for (const good of ['service/service.yaml', 'a.yaml', 'service/nested/x.yaml'])
      assert.ok(isSafeRelativePath(good), good);
    for (const bad of ['', '/etc/passwd', '../x.yaml', 'service/../../x', 'service//x', './x', 'a\\b', 'a\0b'])
      assert.ok(!isSafeRelativePath(bad), JSON.stringify(bad));
  });
});
