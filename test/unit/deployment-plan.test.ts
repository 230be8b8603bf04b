/** The deployment planner (pure): every change kind, every problem code, previews, release notes, and the renderings. */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { ServiceDeployment } from '../../server/src/environments/snapshot';
import type { GitHubPullRequest, GitHubRelease } from '../../server/src/github/types';
import { templateParameters } from '../../server/src/plan/facts';
import {
  classifyChange,
  factKey,
  isBreaking,
  parameterKeyOf,
  planDeployment,
  previewDomain,
  previewHash,
  type Known,
  type PlanFacts,
  type PlanInput,
  type PlanSide,
} from '../../server/src/plan/planner';
import { PLAN_MARKER, renderPlanMarkdown, renderPlanText, summaryLine } from '../../server/src/plan/render';
import type { DeploymentPlan, PlanProblemCode } from '../../server/src/plan/types';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

/** `v1.2.3` = release, `branch:x`, `suspend`; the docker name doubles as github unless given. */
function entry(docker: string, strategy: string, extra: Partial<ServiceDeployment> = {}): ServiceDeployment {
  const kind = strategy.startsWith('branch:')
    ? 'branch'
    : strategy === 'suspend'
      ? 'suspend'
      : strategy === 'none'
        ? 'none'
        : 'release';
  const value = kind === 'branch' ? strategy.slice(7) : kind === 'release' ? strategy : '';
  return {
    key: docker,
    kind: 'service',
    docker,
    github: docker,
    provider: '',
    strategy: { kind, value },
    preview: false,
    file: `service/${docker}.yaml`,
    index: 0,
    range: [0, 10],
    line: 0,
    hasErrors: false,
    ...extra,
  };
}

function infrastructure(strategy: string): ServiceDeployment {
  return entry('', strategy, {
    key: 'infrastructure',
    kind: 'infrastructure',
    docker: '',
    github: 'infrastructure',
    provider: 'cloudformation',
    file: 'infrastructure/infrastructure.yaml',
  });
}

function side(ref: string, services: ServiceDeployment[], extra: Partial<PlanSide> = {}): PlanSide {
  return { ref, commit: ref === 'working tree' ? null : SHA_A, services, ...extra };
}

/** GitHub answered for every repository these tests use (no releases, no tags) unless a test says otherwise. */
function facts(extra: Partial<PlanFacts> = {}): PlanFacts {
  const repositories = ['kayron', 'server', 'alloy', 'splits-lite', 'specta', 'newsvc'];
  return {
    branchHeads: new Map(),
    pullRequests: new Map(),
    releases: new Map(repositories.map((name) => [name, { kind: 'found', value: [] }])),
    tags: new Map(repositories.map((name) => [name, { kind: 'found', value: [] }])),
    template: {
      repository: 'acme/infrastructure',
      ref: 'v1.0.0',
      parameters: {
        kind: 'found',
        value: [
          'InfrastructureVersion',
          'KayronVersion',
          'ServerVersion',
          'SplitsLiteVersion',
          'AlloyVersion',
          'SpectaVersion',
        ],
      },
      files: { kind: 'found', value: ['cloudformation/index.yaml', 'cloudformation/service/server.yaml'] },
    },
    ...extra,
  };
}

function plan(
  base: ServiceDeployment[],
  head: ServiceDeployment[],
  factsOverride: Partial<PlanFacts> = {},
  extra: Partial<PlanInput> = {},
): DeploymentPlan {
  return planDeployment({
    environment: { name: 'staging', kind: 'staging' },
    base: side('origin/main', base),
    head: side('working tree', head),
    facts: facts(factsOverride),
    ...extra,
  });
}

function codes(result: DeploymentPlan): PlanProblemCode[] {
  return result.problems.map((problem) => problem.code);
}

function parameter(result: DeploymentPlan, key: string) {
  const found = result.parameters.find((candidate) => candidate.key === key);
  assert.ok(found, `no parameter ${key} in ${JSON.stringify(result.parameters.map((candidate) => candidate.key))}`);
  return found;
}

function release(tagName: string, publishedAt: string, extra: Partial<GitHubRelease> = {}): GitHubRelease {
  return {
    tagName,
    name: tagName,
    body: `notes of ${tagName}`,
    publishedAt,
    htmlUrl: `https://github.com/acme/kayron/releases/tag/${tagName}`,
    author: 'bot',
    draft: false,
    prerelease: false,
    ...extra,
  };
}

function pull(number: number, headRef: string, createdAt: string): GitHubPullRequest {
  return {
    number,
    title: `PR ${number}`,
    headRef,
    htmlUrl: `https://github.com/acme/server/pull/${number}`,
    author: 'dev',
    draft: false,
    createdAt,
  };
}

describe('parameters: every change kind', () => {
  test('none: the same release at base and head', () => {
    const result = plan([entry('kayron', 'v0.1.0')], [entry('kayron', 'v0.1.0')]);
    assert.deepEqual(parameter(result, 'KayronVersion'), {
      key: 'KayronVersion',
      before: 'v0.1.0',
      after: 'v0.1.0',
      change: 'none',
      service: 'kayron',
      file: 'service/kayron.yaml',
      line: 0,
      afterLabel: 'v0.1.0',
      beforeLabel: 'v0.1.0',
    });
  });

  test('upgrade and downgrade follow semver precedence, not text order', () => {
    assert.equal(
      parameter(plan([entry('kayron', 'v0.9.0')], [entry('kayron', 'v0.10.0')]), 'KayronVersion').change,
      'upgrade',
    );
    const down = plan([entry('kayron', 'v0.10.0')], [entry('kayron', 'v0.9.0')]);
    assert.equal(parameter(down, 'KayronVersion').change, 'downgrade');
    assert.equal(
      parameter(plan([entry('kayron', 'v1.0.0-rc.1')], [entry('kayron', 'v1.0.0')]), 'KayronVersion').change,
      'upgrade',
    );
  });

  test('to-branch: the value is the branch head commit from the branch API', () => {
    const result = plan([entry('kayron', 'v0.1.0')], [entry('kayron', 'branch:feature/x')], {
      branchHeads: new Map([[factKey('kayron', 'feature/x'), { kind: 'found', value: SHA_B }]]),
    });
    assert.deepEqual(
      [
        parameter(result, 'KayronVersion').before,
        parameter(result, 'KayronVersion').after,
        parameter(result, 'KayronVersion').change,
      ],
      ['v0.1.0', SHA_B, 'to-branch'],
    );
  });

  test('to-release: from a branch back to a tag', () => {
    const result = plan([entry('kayron', 'branch:feature/x')], [entry('kayron', 'v0.2.0')], {
      branchHeads: new Map([[factKey('kayron', 'feature/x'), { kind: 'found', value: SHA_B }]]),
    });
    assert.deepEqual(
      [
        parameter(result, 'KayronVersion').before,
        parameter(result, 'KayronVersion').after,
        parameter(result, 'KayronVersion').change,
      ],
      [SHA_B, 'v0.2.0', 'to-release'],
    );
  });

  test('branch-moved: another branch; none when the same branch resolves to the same commit', () => {
    const heads = new Map<string, Known<string>>([
      [factKey('kayron', 'one'), { kind: 'found', value: SHA_A }],
      [factKey('kayron', 'two'), { kind: 'found', value: SHA_B }],
    ]);
    const moved = plan([entry('kayron', 'branch:one')], [entry('kayron', 'branch:two')], { branchHeads: heads });
    assert.deepEqual(
      [
        parameter(moved, 'KayronVersion').before,
        parameter(moved, 'KayronVersion').after,
        parameter(moved, 'KayronVersion').change,
      ],
      [SHA_A, SHA_B, 'branch-moved'],
    );
    assert.equal(
      parameter(
        plan([entry('kayron', 'branch:one')], [entry('kayron', 'branch:one')], { branchHeads: heads }),
        'KayronVersion',
      ).change,
      'none',
    );
  });

  test('added and removed entries: null on the side where the entry is absent', () => {
    const result = plan([entry('kayron', 'v0.1.0')], [entry('server', 'v1.0.0')]);
    assert.deepEqual(
      [
        parameter(result, 'ServerVersion').before,
        parameter(result, 'ServerVersion').after,
        parameter(result, 'ServerVersion').change,
      ],
      [null, 'v1.0.0', 'added'],
    );
    assert.deepEqual(
      [
        parameter(result, 'KayronVersion').before,
        parameter(result, 'KayronVersion').after,
        parameter(result, 'KayronVersion').change,
      ],
      ['v0.1.0', null, 'removed'],
    );
    assert.equal(parameter(result, 'KayronVersion').file, undefined, 'a removed entry has no place at head');
  });

  test('suspended keeps what runs; resumed sets the release again', () => {
    const suspended = parameter(plan([entry('kayron', 'v0.1.0')], [entry('kayron', 'suspend')]), 'KayronVersion');
    assert.deepEqual([suspended.before, suspended.after, suspended.change], ['v0.1.0', 'v0.1.0', 'suspended']);
    const resumed = parameter(plan([entry('kayron', 'suspend')], [entry('kayron', 'v0.2.0')]), 'KayronVersion');
    assert.deepEqual([resumed.before, resumed.after, resumed.change], [null, 'v0.2.0', 'resumed']);
    assert.equal(
      parameter(plan([entry('kayron', 'suspend')], [entry('kayron', 'suspend')]), 'KayronVersion').change,
      'none',
    );
  });

  test('classifyChange treats an entry without a strategy as absent', () => {
    assert.equal(classifyChange(entry('x', 'none'), entry('x', 'v1.0.0'), null, 'v1.0.0'), 'added');
    assert.equal(classifyChange(entry('x', 'v1.0.0'), entry('x', 'none'), 'v1.0.0', null), 'removed');
  });

  test('parameter keys: the existing rule (docker for services, github for infrastructure)', () => {
    assert.equal(parameterKeyOf(entry('splits-lite', 'v1.0.0')), 'SplitsLiteVersion');
    assert.equal(parameterKeyOf(infrastructure('v1.0.0')), 'InfrastructureVersion');
    const result = plan(
      [infrastructure('v1.0.0'), entry('kayron', 'v0.1.0')],
      [infrastructure('v1.0.0'), entry('kayron', 'v0.1.0')],
    );
    assert.deepEqual(
      result.parameters.map((candidate) => candidate.key),
      ['InfrastructureVersion', 'KayronVersion'],
      'infrastructure first, then by name',
    );
  });
});

describe('problems: every code', () => {
  test('kayron-rejects comes first when kayron lint fails at head (and for operator refusals)', () => {
    const result = planDeployment({
      environment: { name: 'staging', kind: 'staging' },
      base: side('origin/main', [entry('kayron', 'v0.1.0')]),
      head: side('working tree', [entry('kayron', 'v0.0.1')], {
        verdict: { file: 'service/kayron.yaml', code: 'release-format', message: 'release must be a semver tag' },
        problems: [{ file: 'service/kayron.yaml', code: 'infrastructure-count', message: 'no infrastructure release' }],
      }),
      facts: facts(),
    });
    assert.deepEqual(codes(result).slice(0, 2), ['kayron-rejects', 'kayron-rejects']);
    assert.match(
      result.problems[0]!.message,
      /Kayron would stop reconciling: kayron lint fails at working tree: service\/kayron\.yaml: release must be a semver tag/,
    );
    assert.match(result.problems[1]!.message, /operator would refuse/);
    assert.ok(codes(result).includes('downgrade'), 'the rest of the plan is still shown');
    assert.equal(result.problems[0]!.severity, 'error');
  });

  test('parameter-not-in-template: a key the root template lacks; missing template; unknown template', () => {
    const result = plan([], [entry('newsvc', 'v1.0.0')]);
    assert.deepEqual(
      result.problems
        .filter((problem) => problem.code === 'parameter-not-in-template')
        .map((problem) => [problem.parameter, problem.severity]),
      [['NewsvcVersion', 'error']],
    );
    const missing = plan([], [entry('kayron', 'v1.0.0')], {
      template: {
        repository: 'acme/infrastructure',
        ref: 'v9.9.9',
        parameters: { kind: 'missing' },
        files: { kind: 'missing' },
      },
    });
    assert.match(
      missing.problems.find((problem) => problem.code === 'parameter-not-in-template')?.message ?? '',
      /no cloudformation\/index\.yaml at v9\.9\.9/,
    );
    const unknown = plan([], [entry('kayron', 'v1.0.0')], {
      template: {
        repository: 'acme/infrastructure',
        ref: 'v1.0.0',
        parameters: { kind: 'unknown', reason: 'timeout' },
        files: { kind: 'unknown', reason: 'timeout' },
      },
    });
    assert.deepEqual(codes(unknown), ['github-unverified']);
    const noInfrastructure = plan([], [entry('kayron', 'v1.0.0')], { template: undefined });
    assert.deepEqual(codes(noInfrastructure), ['github-unverified']);
    assert.match(noInfrastructure.problems[0]!.message, /no infrastructure ref/);
  });

  test('downgrade is a warning naming both versions', () => {
    const result = plan([entry('kayron', 'v0.3.0')], [entry('kayron', 'v0.2.0')]);
    assert.deepEqual(result.problems, [
      {
        code: 'downgrade',
        severity: 'warning',
        service: 'kayron',
        parameter: 'KayronVersion',
        message: 'kayron goes back from v0.3.0 to v0.2.0.',
      },
    ]);
  });

  test('branch-unresolved: a branch GitHub does not have (an error for the infrastructure entry); unknown is not missing', () => {
    const missing = plan([entry('kayron', 'v0.1.0')], [entry('kayron', 'branch:gone')], {
      branchHeads: new Map([[factKey('kayron', 'gone'), { kind: 'missing' }]]),
    });
    assert.deepEqual([parameter(missing, 'KayronVersion').after, codes(missing)], [null, ['branch-unresolved']]);
    assert.equal(missing.problems[0]!.severity, 'warning');
    const infra = plan([infrastructure('v1.0.0')], [infrastructure('branch:gone')], {
      branchHeads: new Map([[factKey('infrastructure', 'gone'), { kind: 'missing' }]]),
      template: undefined,
    });
    assert.equal(infra.problems.find((problem) => problem.code === 'branch-unresolved')?.severity, 'error');
    const unknown = plan([entry('kayron', 'v0.1.0')], [entry('kayron', 'branch:x')], {
      branchHeads: new Map([[factKey('kayron', 'x'), { kind: 'unknown', reason: 'GitHub answered 502' }]]),
    });
    assert.deepEqual(codes(unknown), ['github-unverified']);
    assert.equal(parameter(unknown, 'KayronVersion').after, null, 'no guessed SHA');
  });

  test('image-may-be-collected: a tag outside the 10 newest v tags of a garbage-collected repository', () => {
    const tags = Array.from({ length: 15 }, (_, index) => `v1.${14 - index}.0`);
    const old = plan([entry('server', 'v1.0.0')], [entry('server', 'v1.1.0')], {
      tags: new Map([['server', { kind: 'found', value: tags }]]),
    });
    assert.deepEqual(codes(old), ['image-may-be-collected']);
    assert.match(old.problems[0]!.message, /not among the 10 newest v tags of server \(14th\)/);
    const recent = plan([entry('server', 'v1.0.0')], [entry('server', 'v1.10.0')], {
      tags: new Map([['server', { kind: 'found', value: tags }]]),
    });
    assert.deepEqual(codes(recent), []);
    const notCollected = plan(
      [entry('kayron-ui', 'v1.0.0', { github: 'kayron-ui' })],
      [entry('kayron-ui', 'v1.0.0', { github: 'kayron-ui' })],
      { template: undefined },
    );
    assert.ok(
      !codes(notCollected).includes('image-may-be-collected'),
      'only alloy, kayron, server, specta and splits-lite are collected',
    );
  });

  test('github-unverified: GitHub not connected says which parts are unknown, and nothing is guessed', () => {
    const result = plan([entry('kayron', 'v0.1.0')], [entry('kayron', 'branch:x'), entry('server', 'v1.0.0')], {
      unavailable: 'offline',
      template: undefined,
    });
    assert.deepEqual(codes(result), ['github-unverified']);
    assert.match(
      result.problems[0]!.message,
      /GitHub was not asked \(offline\): branch heads, previews, the infrastructure template and release notes are unknown/,
    );
    assert.equal(parameter(result, 'KayronVersion').after, null);
  });

  test('github-unverified: a base that substitutes for what the environment reads (production from the newest local tag)', () => {
    const result = planDeployment({
      environment: { name: 'production', kind: 'production', baseFallback: 'newest local v* tag (offline)' },
      base: side('v1.2.0', [entry('kayron', 'v0.1.0')]),
      head: side('working tree', [entry('kayron', 'v0.1.0')]),
      facts: facts(),
    });
    assert.deepEqual(result.problems, [
      {
        code: 'github-unverified',
        severity: 'warning',
        message:
          'What production runs now is not certain: base v1.2.0 is a substitute (newest local v* tag (offline)).',
      },
    ]);
  });

  test('problems are ordered: kayron-rejects, errors, warnings, unverified', () => {
    const result = planDeployment({
      environment: { name: 'staging', kind: 'staging' },
      base: side('origin/main', [entry('kayron', 'v0.3.0')]),
      head: side('working tree', [entry('kayron', 'v0.2.0'), entry('newsvc', 'v1.0.0'), entry('alloy', 'branch:x')], {
        verdict: { file: 'a.yaml', code: 'x', message: 'bad' },
      }),
      facts: facts({ branchHeads: new Map([[factKey('alloy', 'x'), { kind: 'unknown', reason: 'timeout' }]]) }),
    });
    assert.deepEqual(codes(result), ['kayron-rejects', 'parameter-not-in-template', 'downgrade', 'github-unverified']);
  });
});

describe('previews (testing only)', () => {
  const pulls: Known<GitHubPullRequest[]> = {
    kind: 'found',
    // GitHub's order: newest first.
    value: [
      pull(12, 'feature/new', '2026-03-03T00:00:00Z'),
      pull(11, 'dependabot/npm/x', '2026-03-02T00:00:00Z'),
      pull(10, 'feature/old', '2026-03-01T00:00:00Z'),
    ],
  };
  const testing = (head: ServiceDeployment[], extra: Partial<PlanFacts> = {}) =>
    planDeployment({
      environment: { name: 'testing', kind: 'testing' },
      base: side('origin/testing', head),
      head: side('working tree', head),
      facts: facts({ pullRequests: new Map([['server', pulls]]), ...extra }),
    });

  test('one per open non-Dependabot pull request, oldest first, with hash and domain', () => {
    const result = testing([entry('server', 'v1.0.0', { preview: true })]);
    const hash = createHash('sha256').update('feature/old').digest('hex').slice(0, 8);
    assert.deepEqual(result.previews, [
      { service: 'server', pull: 10, branch: 'feature/old', hash, domain: `${hash}.server.testing.splits.org` },
      {
        service: 'server',
        pull: 12,
        branch: 'feature/new',
        hash: previewHash('feature/new'),
        domain: previewDomain(previewHash('feature/new'), 'server', 'testing'),
      },
    ]);
    assert.equal(previewDomain('abcd1234', 'splits-lite', 'testing'), 'abcd1234.lite.testing.splits.org');
  });

  test('a suspended preview service still gets previews; at most 100 pull requests are read', () => {
    assert.equal(testing([entry('server', 'suspend', { preview: true })]).previews.length, 2);
    const many: Known<GitHubPullRequest[]> = {
      kind: 'found',
      value: Array.from({ length: 130 }, (_, index) =>
        pull(200 - index, `b${index}`, new Date(Date.UTC(2026, 0, 1) - index * 60_000).toISOString()),
      ),
    };
    assert.equal(
      testing([entry('server', 'v1.0.0', { preview: true })], { pullRequests: new Map([['server', many]]) }).previews
        .length,
      100,
    );
  });

  test('no previews outside testing', () => {
    const result = plan(
      [entry('server', 'v1.0.0', { preview: true })],
      [entry('server', 'v1.0.0', { preview: true })],
      { pullRequests: new Map([['server', pulls]]) },
    );
    assert.deepEqual(result.previews, []);
  });

  test('preview-template-missing: no cloudformation/**/<docker>.yaml in the infrastructure repository', () => {
    const result = testing([entry('alloy', 'v1.0.0', { preview: true, github: 'server' })]);
    assert.deepEqual(codes(result), ['preview-template-missing']);
    assert.match(
      result.problems[0]!.message,
      /acme\/infrastructure has no cloudformation\/\*\*\/alloy\.yaml at v1\.0\.0: Kayron cannot create the 2 previews of alloy/,
    );
  });

  test('unknown pull requests are reported, not guessed', () => {
    const result = testing([entry('server', 'v1.0.0', { preview: true })], {
      pullRequests: new Map([['server', { kind: 'unknown', reason: 'rate limited' }]]),
    });
    assert.deepEqual([result.previews, codes(result)], [[], ['github-unverified']]);
  });
});

describe('release notes', () => {
  const releases: Known<GitHubRelease[]> = {
    kind: 'found',
    value: [
      release('v1.0.0', '2026-05-01T00:00:00Z'),
      release('v0.3.0', '2026-04-01T00:00:00Z'),
      release('v0.2.1', '2026-03-01T00:00:00Z', { draft: true }),
      release('v0.2.0', '2026-02-01T00:00:00Z'),
      release('v0.1.0', '2026-01-01T00:00:00Z'),
    ],
  };

  test('every release after before up to and including after, newest first; breaking on a minor change below v1', () => {
    const result = plan([entry('kayron', 'v0.1.0')], [entry('kayron', 'v0.3.0')], {
      releases: new Map([['kayron', releases]]),
    });
    assert.deepEqual(
      result.notes.map((note) => [note.service, note.breaking, note.releases.map((item) => item.tag)]),
      [['kayron', true, ['v0.3.0', 'v0.2.0']]],
    );
    assert.deepEqual(result.notes[0]!.releases[0], {
      tag: 'v0.3.0',
      name: 'v0.3.0',
      body: 'notes of v0.3.0',
      publishedAt: '2026-04-01T00:00:00Z',
      url: 'https://github.com/acme/kayron/releases/tag/v0.3.0',
    });
  });

  test('breaking flag: major changes always, minor only below v1, patches never', () => {
    assert.equal(isBreaking('v0.3.0', 'v1.0.0'), true);
    assert.equal(isBreaking('v1.2.0', 'v1.3.0'), false);
    assert.equal(isBreaking('v0.2.0', 'v0.2.5'), false);
  });

  test('no notes for unchanged or downgraded services; unknown releases are reported', () => {
    assert.deepEqual(
      plan([entry('kayron', 'v0.3.0')], [entry('kayron', 'v0.3.0')], { releases: new Map([['kayron', releases]]) })
        .notes,
      [],
    );
    const unknown = plan([entry('kayron', 'v0.1.0')], [entry('kayron', 'v0.3.0')], {
      releases: new Map([['kayron', { kind: 'unknown', reason: 'offline' }]]),
    });
    assert.deepEqual(codes(unknown), ['github-unverified']);
    assert.deepEqual(unknown.notes, [{ service: 'kayron', breaking: true, releases: [] }]);
  });
});

describe('template parameters', () => {
  test('reads the Parameters keys of a CloudFormation template with its own tags', () => {
    const text =
      'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  KayronVersion:\n    Type: String\n  ServerVersion: { Type: String }\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "${AWS::StackName}-x"\n      Tags: !Ref Nothing\n';
    assert.deepEqual(templateParameters(text), { kind: 'found', value: ['KayronVersion', 'ServerVersion'] });
    assert.equal(templateParameters('Parameters: [\n').kind, 'unknown');
  });
});

describe('renderings', () => {
  const result = plan(
    [entry('kayron', 'v0.1.0'), entry('server', 'v1.0.0')],
    [entry('kayron', 'v0.2.0'), entry('server', 'v1.0.0'), entry('newsvc', 'v1.0.0')],
    {
      releases: new Map([
        [
          'kayron',
          { kind: 'found', value: [release('v0.2.0', '2026-02-01T00:00:00Z', { body: '## Fixes\n\n- a | b' })] },
        ],
      ]),
    },
  );

  test('summary line counts changes by kind and problems by severity', () => {
    assert.equal(summaryLine(result), 'staging: 2 parameters change (1 upgrade, 1 added); 1 error');
  });

  test('markdown: marker, summary, problems before the table, unchanged collapsed, notes in <details>', () => {
    const markdown = renderPlanMarkdown(result);
    assert.ok(markdown.startsWith(`${PLAN_MARKER}\n### Kayron deployment plan: staging\n`), markdown);
    assert.ok(markdown.indexOf('#### Problems') < markdown.indexOf('#### Parameters'));
    assert.match(markdown, /\| `KayronVersion` \| `v0\.1\.0` \| `v0\.2\.0` \| upgrade \|/);
    assert.match(markdown, /\| `NewsvcVersion` \| absent \| `v1\.0\.0` \| added \|/);
    assert.match(
      markdown,
      /<details><summary>1 unchanged parameter<\/summary>[\s\S]*\| `ServerVersion` \| `v1\.0\.0` \|/,
    );
    assert.match(
      markdown,
      /<details><summary><b>kayron<\/b> v0\.1\.0 → v0\.2\.0 — 1 release ⚠️ breaking<\/summary>\n\n##### \[v0\.2\.0\]\(https:\/\/github\.com\/acme\/kayron\/releases\/tag\/v0\.2\.0\) \(2026-02-01\)\n\n## Fixes\n\n- a \| b\n\n<\/details>/,
    );
    assert.ok(!renderPlanMarkdown(result, { marker: false }).includes(PLAN_MARKER));
  });

  test('markdown lists at most 300 rows per table and counts the rest', () => {
    const many = Array.from({ length: 305 }, (_, index) => entry(`svc-${index}`, 'v1.0.0'));
    const markdown = renderPlanMarkdown(plan([], many, { template: undefined }));
    assert.equal((markdown.match(/\| added \|$/gm) ?? []).length, 300);
    assert.match(markdown, /…and 5 more changed parameters \(`kayron-releases plan --json` lists them all\)\./);
  });

  test('text: problems, then a table of every parameter', () => {
    const text = renderPlanText(result);
    assert.match(text, /^Deployment plan for staging: origin\/main \(aaaaaaa\) → working tree\n/);
    assert.match(text, /error parameter-not-in-template: NewsvcVersion is not a parameter/);
    assert.match(text, /KayronVersion +v0\.1\.0 +v0\.2\.0 +upgrade/);
  });
});
