/**
 * The deployment plan for 50 services (staging vs a working tree that bumps 10 services and moves 5 to branches) on a
 * 1,000-commit clone, GitHub answered by the local stand-in: time with warm caches (target < 300 ms) and the GitHub
 * requests a plan costs per repository — cold, warm within the cache TTL, and after the TTL (conditional requests).
 *   node --import tsx test/bench/plan-bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitRepository } from '../../server/src/environments/git';
import { SnapshotCache } from '../../server/src/environments/snapshot';
import { GitHubProviders } from '../../server/src/github/providers';
import { buildDeploymentPlan } from '../../server/src/plan/deployment-plan';
import { parameterKeyOf } from '../../server/src/plan/planner';
import type { DeploymentPlan } from '../../server/src/plan/types';
import { ManualClock, releasesFor, serviceRepo } from '../github-standin/fixtures';
import { startGitHubStandin, type GitHubStandin } from '../github-standin/server';
import { buildSyntheticReleasesRepo, FixtureScope, git, serviceFile } from '../helpers/git-fixture';

export interface PlanFigures {
  services: number;
  parameters: number;
  changed: number;
  coldMs: number;
  warmMedianMs: number;
  runs: number;
  targetMs: number;
  /** Requests per repository that a plan asked about, by phase. */
  requests: { cold: RequestCount; warm: RequestCount; afterTtl: RequestCount };
}

export interface RequestCount {
  total: number;
  repositories: number;
  perRepository: number;
  maxPerRepository: number;
  /** 304 answers among them. */
  notModified: number;
}

const OWNER = 'bench';
const TOKEN = 'ghp_PlanBenchTokenNeverPrinted00000000001';
const TTL_MS = 5 * 60_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function countRequests(standin: GitHubStandin): RequestCount {
  const byRepository = new Map<string, number>();
  for (const request of standin.requests) {
    const match = /^\/repos\/([^/]+\/[^/]+)/.exec(request.path);
    const key = match?.[1] ?? request.path;
    byRepository.set(key, (byRepository.get(key) ?? 0) + 1);
  }
  const total = standin.requests.length;
  const repositories = byRepository.size;
  return {
    total,
    repositories,
    perRepository: repositories === 0 ? 0 : Math.round((total / repositories) * 100) / 100,
    maxPerRepository: Math.max(0, ...byRepository.values()),
    notModified: standin.requests.filter((request) => request.status === 304).length,
  };
}

export async function measurePlan(options: { services?: number; runs?: number } = {}): Promise<PlanFigures> {
  const services = options.services ?? 50;
  const runs = options.runs ?? 9;
  const scope = new FixtureScope();
  const cacheDirectory = mkdtempSync(path.join(os.tmpdir(), 'kayron-plan-bench-'));
  const names = Array.from({ length: services }, (_, index) => `svc-${String(index).padStart(2, '0')}`);
  const synthetic = buildSyntheticReleasesRepo(scope, { services, commits: 1000 });
  const clone = synthetic.clone;
  git(clone, ['remote', 'set-url', 'origin', `https://github.com/${OWNER}/releases.git`]);
  const infrastructureRef = synthetic.expected.staging.get('infrastructure') ?? 'v0.1.0';
  const template = [
    'Parameters:',
    '  InfrastructureVersion:',
    '    Type: String',
    ...names.map((name) => `  ${parameterKeyOf({ kind: 'service', docker: name, github: name })}:\n    Type: String`),
  ].join('\n');
  const infrastructure = serviceRepo('infrastructure', 3);
  infrastructure.files = { [infrastructureRef]: { 'cloudformation/index.yaml': `${template}\n` } };
  // Every service repository: v0.0.0 … v0.40.0 with releases, and a feature branch.
  const tags = Array.from({ length: 41 }, (_, index) => ({ name: `v0.${40 - index}.0` }));
  const standin = await startGitHubStandin({
    tokens: [TOKEN],
    owners: [
      {
        login: OWNER,
        repos: [
          serviceRepo('releases', 3),
          infrastructure,
          ...names.map((name) => ({
            ...serviceRepo(name, 0),
            tags,
            releases: releasesFor(tags),
            branches: [{ name: 'main' }, { name: `feature/${name}` }],
          })),
        ],
      },
    ],
  });
  try {
    // The working tree: 10 services bumped to the next release, 5 moved to a branch.
    for (const [index, name] of names.slice(0, 15).entries()) {
      const current = synthetic.expected.staging.get(name) ?? 'v0.0.0';
      const next = `v0.${Number(/^v0\.(\d+)\.0$/.exec(current)?.[1] ?? '0') + 1}.0`;
      writeFileSync(
        path.join(clone, 'service', `${name}.yaml`),
        serviceFile([[name, index < 10 ? next : `branch:feature/${name}`]]),
      );
    }

    const clock = new ManualClock();
    const providers = new GitHubProviders({
      apiUrl: standin.apiUrl,
      token: TOKEN,
      cacheDirectory,
      ttlMs: TTL_MS,
      now: clock.now,
    });
    const setup = { data: providers, owner: OWNER, releasesRepo: 'releases', signedIn: () => true };
    const repository = await GitRepository.open(clone);
    const cache = new SnapshotCache();
    const planOnce = async (): Promise<{ ms: number; plan: DeploymentPlan }> => {
      const started = performance.now();
      const { plan } = await buildDeploymentPlan(repository, { cache }, setup);
      return { ms: performance.now() - started, plan };
    };

    standin.clearLog();
    const cold = await planOnce();
    await providers.settled();
    const coldRequests = countRequests(standin);

    standin.clearLog();
    const warms: number[] = [];
    for (let run = 0; run < runs; run++) warms.push((await planOnce()).ms);
    const warmRequests = countRequests(standin);

    clock.advance(TTL_MS + 1);
    standin.clearLog();
    await planOnce();
    await providers.settled();
    const afterTtl = countRequests(standin);

    const round = (value: number) => Math.round(value * 10) / 10;
    return {
      services,
      parameters: cold.plan.parameters.length,
      changed: cold.plan.parameters.filter((parameter) => parameter.change !== 'none').length,
      coldMs: round(cold.ms),
      warmMedianMs: round(median(warms)),
      runs,
      targetMs: 300,
      requests: { cold: coldRequests, warm: warmRequests, afterTtl },
    };
  } finally {
    await standin.close();
    scope.dispose();
    rmSync(cacheDirectory, { recursive: true, force: true });
  }
}

if (require.main === module) {
  measurePlan().then(
    (figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
