// The one entry model (server/src/kayron/entry-model.ts): what an entry deploys per kayron-spec §2.1/§2.3 a–b, its
// wording, the service key and the walk order; and that Kayron's own checks agree with it on every row.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import {
  compareWalkOrder,
  deployStrategyOf,
  entryStrategyLabel,
  isInfrastructureEntry,
  serviceKeys,
  serviceNameOf,
  type StrategyKind,
} from '../../server/src/kayron/entry-model';
import { decodeReleaseFile, type DecodedEntry } from '../../server/src/yaml/decode';
import { lintText } from '../helpers/cursor';

function onlyEntry(yaml: string): DecodedEntry {
  const decoded = decodeReleaseFile(yaml);
  assert.equal(decoded.entries.length, 1, yaml);
  return decoded.entries[0]!;
}

/** `deploy:` body (flow mapping) → what the entry deploys and how every surface words it. */
const STRATEGIES: readonly [deploy: string, kind: StrategyKind, value: string, label: string][] = [
  ['{release: v1.0.0}', 'release', 'v1.0.0', 'v1.0.0'],
  ['{branch: feature/x}', 'branch', 'feature/x', 'branch feature/x'],
  ['{suspend: true}', 'suspend', '', 'suspended'],
  ['{preview: true}', 'none', '', 'preview'],
  ['{}', 'none', '', 'no strategy'],
  ['{suspend: false}', 'none', '', 'no strategy'],
  ['{suspend: false, release: v1.0.0}', 'release', 'v1.0.0', 'v1.0.0'],
  ['{release: "", branch: feature/x}', 'branch', 'feature/x', 'branch feature/x'],
  ['{release: v1.0.0, preview: true}', 'release', 'v1.0.0', 'v1.0.0 +preview'],
  ['{release: v1.0.0, preview: false}', 'release', 'v1.0.0', 'v1.0.0'],
  ['{release: v1.0.0, branch: x}', 'conflict', '', 'conflict (branch, release)'],
  ['{branch: x, release: v1.0.0}', 'conflict', '', 'conflict (branch, release)'],
  ['{release: v1.0.0, suspend: true}', 'conflict', '', 'conflict (release, suspend)'],
  ['{suspend: true, branch: x, preview: true}', 'conflict', '', 'conflict (branch, suspend) +preview'],
  ['{release: v1.0.0, branch: x, suspend: true}', 'conflict', '', 'conflict (branch, release, suspend)'],
];

describe('deployStrategyOf and its label', () => {
  for (const [deploy, kind, value, label] of STRATEGIES) {
    test(`deploy: ${deploy} → ${label}`, () => {
      const yaml = `- docker: "kayron"\n  github: "kayron"\n  deploy: ${deploy}\n`;
      const entry = onlyEntry(yaml);
      const strategy = deployStrategyOf(entry);
      assert.deepEqual([strategy.kind, strategy.value], [kind, value]);
      assert.equal(entryStrategyLabel(entry), label);
      // Kayron's checks (a) and (b) read the same model: a conflict error exactly for `conflict`, a missing strategy
      // exactly for `none` without previews.
      const codes = lintText(yaml).problems.map((located) => located.problem.code);
      assert.equal(
        codes.includes('deploy-strategy-conflict'),
        kind === 'conflict',
        `conflict error for ${deploy}: ${codes.join(', ')}`,
      );
      assert.equal(
        codes.includes('deploy-missing'),
        kind === 'none' && label !== 'preview',
        `missing-strategy error for ${deploy}: ${codes.join(', ')}`,
      );
    });
  }

  test("a conflict lists the strategies set in Kayron's fixed order, whatever the order in the file", () => {
    const strategy = deployStrategyOf(
      onlyEntry('- docker: "a"\n  github: "a"\n  deploy:\n    suspend: true\n    release: "v1.0.0"\n    branch: "x"\n'),
    );
    assert.deepEqual(strategy, { kind: 'conflict', value: '', enabled: ['branch', 'release', 'suspend'] });
  });

  test('an entry without deploy deploys nothing', () => {
    assert.deepEqual(deployStrategyOf(onlyEntry('- docker: "a"\n  github: "a"\n')), { kind: 'none', value: '' });
  });
});

describe('service names and keys', () => {
  const NAMES: readonly [entry: string, infrastructure: boolean, name: string][] = [
    ['{docker: kayron, github: kayron-repo}', false, 'kayron'],
    ['{github: infrastructure, provider: cloudformation}', true, 'infrastructure'],
    ['{docker: infra-image, github: infrastructure, provider: cloudformation}', true, 'infrastructure'],
    ['{github: custom, provider: other}', true, 'custom'],
    ['{docker: d, github: g, provider: other}', false, 'd'],
    ['{github: only-github}', false, 'only-github'],
    ['{deploy: {release: v1.0.0}}', false, ''],
  ];
  for (const [yaml, infrastructure, name] of NAMES) {
    test(`${yaml} → ${name || '(no name)'}${infrastructure ? ', the infrastructure release' : ''}`, () => {
      const entry = onlyEntry(`- ${yaml}\n`);
      assert.equal(isInfrastructureEntry(entry), infrastructure);
      assert.equal(serviceNameOf(entry), name);
    });
  }

  test('keys number later duplicates in walk order, skip files Kayron does not load, and name nameless entries by place', () => {
    const file = (relativePath: string, text: string, loadedByKayron = true) => ({
      relativePath,
      loadedByKayron,
      entries: decodeReleaseFile(text).entries,
    });
    const keys = serviceKeys([
      file('infrastructure/i.yaml', '- {github: infrastructure, provider: cloudformation}\n'),
      file('service/a.yaml', '- {docker: kayron}\n- {deploy: {}}\n- {docker: kayron}\n'),
      file('service/b.yml', '- {docker: kayron}\n', false),
      file('service/c.yaml', '- {docker: kayron}\n'),
    ]);
    assert.deepEqual(
      [...keys].map(([id, key]) => [id.replace('\0', '#'), key]),
      [
        ['infrastructure/i.yaml#0', 'infrastructure'],
        ['service/a.yaml#0', 'kayron'],
        ['service/a.yaml#1', 'service/a.yaml#1'],
        ['service/a.yaml#2', 'kayron#2'],
        ['service/c.yaml#0', 'kayron#3'],
      ],
    );
  });
});

describe('compareWalkOrder', () => {
  const ORDERED: readonly [before: string, after: string][] = [
    ['service/a/x.yaml', 'service/a-b.yaml'],
    ['infrastructure/infrastructure.yaml', 'infrastructure.yaml'],
    ['service/B.yaml', 'service/a.yaml'],
    ['Service/x.yaml', 'infrastructure/x.yaml'],
    ['service/nested/deep.yaml', 'service/service.yaml'],
    ['service.yaml', 'servicefoo/extra.yaml'],
  ];
  for (const [before, after] of ORDERED) {
    test(`${before} is walked before ${after}`, () => {
      assert.ok(compareWalkOrder(before, after) < 0);
      assert.ok(compareWalkOrder(after, before) > 0);
      assert.equal(compareWalkOrder(before, before), 0);
    });
  }
});
