/**
 * How long the services × environments matrix takes on a releases repo with 50 services and 1,000 commits
 * (issue 5 target: < 500 ms). Prints the figures when run directly:
 *   node --import tsx test/bench/environments-bench.ts
 */
import { GitRepository } from '../../server/src/environments/git';
import { buildMatrix } from '../../server/src/environments/matrix';
import { resolveEnvironments } from '../../server/src/environments/resolve';
import { SnapshotCache, snapshotEnvironments } from '../../server/src/environments/snapshot';
import { buildSyntheticReleasesRepo, FixtureScope } from '../helpers/git-fixture';

export interface EnvironmentMatrixFigures {
  services: number;
  commits: number;
  environments: number;
  rows: number;
  /** Writing the repository with git fast-import and cloning it (setup, not part of the target). */
  buildMs: number;
  /** First computation with empty caches: open + resolve + snapshot + matrix. */
  coldMs: number;
  coldBreakdownMs: { open: number; resolve: number; snapshot: number; matrix: number };
  /** CPU time of this process (user + system) during the first computation; git's own CPU is not included. */
  coldCpuMs: number;
  /** Median of `runs` computations, each with a fresh cache. */
  coldMedianMs: number;
  /** Median of `runs` refreshes with a shared cache and unchanged refs (what the server does on most events). */
  warmMedianMs: number;
  runs: number;
  targetMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function computeOnce(
  root: string,
  cache: SnapshotCache,
): Promise<{
  total: number;
  open: number;
  resolve: number;
  snapshot: number;
  matrix: number;
  rows: number;
  environments: number;
}> {
  const t0 = performance.now();
  const repository = await GitRepository.open(root);
  const t1 = performance.now();
  const resolution = await resolveEnvironments(repository);
  const t2 = performance.now();
  const snapshots = await snapshotEnvironments(repository, resolution, { cache });
  const t3 = performance.now();
  const matrix = buildMatrix(repository.root, resolution.repository, snapshots);
  const t4 = performance.now();
  if (snapshots.some((snapshot) => snapshot.error))
    throw new Error(`unreadable environment: ${snapshots.map((snapshot) => snapshot.error ?? '').join(' ')}`);
  return {
    total: t4 - t0,
    open: t1 - t0,
    resolve: t2 - t1,
    snapshot: t3 - t2,
    matrix: t4 - t3,
    rows: matrix.rows.length,
    environments: matrix.environments.length,
  };
}

export async function measureEnvironmentMatrix(
  options: { services?: number; commits?: number; runs?: number } = {},
): Promise<EnvironmentMatrixFigures> {
  const services = options.services ?? 50;
  const commits = options.commits ?? 1000;
  const runs = options.runs ?? 7;
  const scope = new FixtureScope();
  try {
    const synthetic = buildSyntheticReleasesRepo(scope, { services, commits });
    const cpuBefore = process.cpuUsage();
    const cold = await computeOnce(synthetic.clone, new SnapshotCache());
    const cpu = process.cpuUsage(cpuBefore);
    const colds: number[] = [];
    for (let i = 0; i < runs; i++) colds.push((await computeOnce(synthetic.clone, new SnapshotCache())).total);
    const shared = new SnapshotCache();
    await computeOnce(synthetic.clone, shared);
    const warms: number[] = [];
    for (let i = 0; i < runs; i++) warms.push((await computeOnce(synthetic.clone, shared)).total);
    const round = (value: number) => Math.round(value * 10) / 10;
    return {
      services,
      commits,
      environments: cold.environments,
      rows: cold.rows,
      buildMs: round(synthetic.buildMs),
      coldMs: round(cold.total),
      coldBreakdownMs: {
        open: round(cold.open),
        resolve: round(cold.resolve),
        snapshot: round(cold.snapshot),
        matrix: round(cold.matrix),
      },
      coldCpuMs: round((cpu.user + cpu.system) / 1000),
      coldMedianMs: round(median(colds)),
      warmMedianMs: round(median(warms)),
      runs,
      targetMs: 500,
    };
  } finally {
    scope.dispose();
  }
}

if (require.main === module) {
  measureEnvironmentMatrix().then(
    (figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
