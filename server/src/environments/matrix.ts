/**
 * The services × environments matrix: what each environment deploys per service, with a drift marker wherever an
 * environment differs from the stage it is promoted into (testing → staging → production; development and extra test
 * environments compare with staging, where their changes land). A JSON-ready shape for the CLI and the LSP request,
 * and a plain-text table for `kayron-releases status`.
 */
import { GitRepository } from './git';
import {
  resolveEnvironments,
  type EnvironmentProviders,
  type ExtraEnvironment,
  type ResolvedEnvironment,
} from './resolve';
import {
  analyzeWorkingTree,
  servicesFromAnalyses,
  snapshotEnvironments,
  type DevelopmentSource,
  type TextAnalyzer,
  type EnvironmentProblem,
  type EnvironmentSnapshot,
  type ServiceDeployment,
  SnapshotCache,
} from './snapshot';
import { compareGoStrings } from '../kayron/loader';
import { strategyLabel, type DeployStrategy } from '../kayron/entry-model';

export const STATUS_SCHEMA_VERSION = 1;

export type DriftKind = 'changed' | 'added' | 'removed';

export interface DriftMarker {
  /** The environment this one is promoted into. */
  against: string;
  /** `changed`: both deploy the service differently; `added`: only this one has it; `removed`: only the next stage has it. */
  kind: DriftKind;
  /** What the next stage deploys (absent for `added`). */
  nextLabel?: string;
}

export interface MatrixCell {
  /** The environment defines this service. */
  present: boolean;
  /**
   * `v0.5.3`, `branch feature/x`, `suspended`, `preview`, `no strategy`, `conflict (branch, release)`; with ` +preview`
   * when previews are on; `''` when absent (kayron/entry-model.ts `strategyLabel`).
   */
  label: string;
  strategy?: DeployStrategy;
  preview?: boolean;
  hasErrors?: boolean;
  file?: string;
  /** 0-based line of the entry in `file` at that environment's ref. */
  line?: number;
  index?: number;
  drift?: DriftMarker;
}

export interface MatrixRow {
  key: string;
  kind: 'infrastructure' | 'service';
  /** Cells by environment name (every environment has one). */
  cells: Record<string, MatrixCell>;
}

export interface MatrixEnvironment extends ResolvedEnvironment {
  /** The environment drift is measured against; undefined for production. */
  nextStage?: string;
  serviceCount: number;
  verdict?: EnvironmentProblem;
  problems: EnvironmentProblem[];
  /** Set when the environment could not be read; its cells are all absent and carry no drift. */
  error?: string;
}

export interface StatusMatrix {
  schemaVersion: number;
  root: string;
  repository: {
    topLevel: string;
    prefix: string;
    shallow: boolean;
    remote: string;
    hasRemote: boolean;
    defaultBranch?: string;
    headBranch?: string;
    headCommit?: string;
  };
  environments: MatrixEnvironment[];
  rows: MatrixRow[];
}

/** Kept for promotion.ts, which another change splits into one module per flow; new code imports the model. */
export { strategyLabel } from '../kayron/entry-model';

/** The stage an environment is promoted into. */
export function nextStageOf(
  environment: ResolvedEnvironment,
  environments: readonly ResolvedEnvironment[],
): string | undefined {
  const find = (kind: ResolvedEnvironment['kind']) => environments.find((candidate) => candidate.kind === kind)?.name;
  switch (environment.kind) {
    case 'development':
    case 'testing':
    case 'custom':
      return find('staging');
    case 'staging':
      return find('production');
    case 'production':
      return undefined;
  }
}

function sameDeployment(a: ServiceDeployment, b: ServiceDeployment): boolean {
  return a.strategy.kind === b.strategy.kind && a.strategy.value === b.strategy.value && a.preview === b.preview;
}

function cellOf(service: ServiceDeployment | undefined): MatrixCell {
  if (!service) return { present: false, label: '' };
  return {
    present: true,
    label: strategyLabel(service.strategy, service.preview),
    strategy: service.strategy,
    preview: service.preview,
    hasErrors: service.hasErrors,
    file: service.file,
    line: service.line,
    index: service.index,
  };
}

export interface MatrixRepositoryInfo {
  topLevel: string;
  prefix: string;
  shallow: boolean;
  remote: string;
  hasRemote: boolean;
  defaultBranch?: { name: string } | undefined;
  head?: { branch?: string | undefined; commit?: string | undefined };
}

/** Builds the matrix from environment snapshots (in display order). Pure. */
export function buildMatrix(
  root: string,
  repository: MatrixRepositoryInfo,
  snapshots: readonly EnvironmentSnapshot[],
): StatusMatrix {
  const environments = snapshots.map((snapshot) => snapshot.environment);
  const byEnvironment = new Map<string, Map<string, ServiceDeployment>>();
  const kinds = new Map<string, ServiceDeployment['kind']>();
  for (const snapshot of snapshots) {
    const services = new Map<string, ServiceDeployment>();
    for (const service of snapshot.services) {
      services.set(service.key, service);
      if (!kinds.has(service.key) || service.kind === 'infrastructure') kinds.set(service.key, service.kind);
    }
    byEnvironment.set(snapshot.environment.name, services);
  }
  const readable = new Set(
    snapshots.filter((snapshot) => !snapshot.error).map((snapshot) => snapshot.environment.name),
  );
  const keys = [...kinds.keys()].sort(
    (a, b) =>
      Number(kinds.get(a) !== 'infrastructure') - Number(kinds.get(b) !== 'infrastructure') || compareGoStrings(a, b),
  );
  const rows: MatrixRow[] = keys.map((key) => {
    const cells: Record<string, MatrixCell> = {};
    for (const environment of environments) {
      const service = byEnvironment.get(environment.name)?.get(key);
      const cell = cellOf(service);
      const next = nextStageOf(environment, environments);
      if (next && readable.has(environment.name) && readable.has(next)) {
        const nextService = byEnvironment.get(next)?.get(key);
        const nextLabel = nextService ? strategyLabel(nextService.strategy, nextService.preview) : undefined;
        if (service && nextService && !sameDeployment(service, nextService))
          cell.drift = { against: next, kind: 'changed', nextLabel: nextLabel ?? '' };
        else if (service && !nextService) cell.drift = { against: next, kind: 'added' };
        else if (!service && nextService) cell.drift = { against: next, kind: 'removed', nextLabel: nextLabel ?? '' };
      }
      cells[environment.name] = cell;
    }
    return { key, kind: kinds.get(key) ?? 'service', cells };
  });
  const matrixEnvironments: MatrixEnvironment[] = snapshots.map((snapshot) => {
    const next = nextStageOf(snapshot.environment, environments);
    const environment: MatrixEnvironment = {
      ...snapshot.environment,
      serviceCount: snapshot.services.length,
      problems: snapshot.problems,
    };
    if (next) environment.nextStage = next;
    if (snapshot.verdict) environment.verdict = snapshot.verdict;
    if (snapshot.error) environment.error = snapshot.error;
    return environment;
  });
  const info: StatusMatrix['repository'] = {
    topLevel: repository.topLevel,
    prefix: repository.prefix,
    shallow: repository.shallow,
    remote: repository.remote,
    hasRemote: repository.hasRemote,
  };
  if (repository.defaultBranch) info.defaultBranch = repository.defaultBranch.name;
  if (repository.head?.branch) info.headBranch = repository.head.branch.replace(/^refs\/heads\//, '');
  if (repository.head?.commit) info.headCommit = repository.head.commit;
  return { schemaVersion: STATUS_SCHEMA_VERSION, root, repository: info, environments: matrixEnvironments, rows };
}

export interface EnvironmentStatusOptions {
  providers?: EnvironmentProviders;
  extraEnvironments?: readonly (string | ExtraEnvironment)[];
  remote?: string;
  development?: DevelopmentSource;
  /** Keep one per releases root across refreshes so unchanged refs are not re-read. */
  cache?: SnapshotCache;
  /** An already opened repository (skips `rev-parse --show-toplevel`). */
  repository?: GitRepository;
  /** How release files are analysed (the server keeps large ones off its event loop). */
  analyze?: TextAnalyzer;
}

export interface EnvironmentStatus {
  matrix: StatusMatrix;
  snapshots: EnvironmentSnapshot[];
}

/** Resolves, reads and compares every environment of the releases repo at `root`. Rejects with GitError when `root` is not in a git repo. */
export async function computeEnvironmentStatus(
  root: string,
  options: EnvironmentStatusOptions = {},
): Promise<EnvironmentStatus> {
  const repository = options.repository ?? (await GitRepository.open(root));
  const resolution = await resolveEnvironments(repository, {
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.extraEnvironments ? { extraEnvironments: options.extraEnvironments } : {}),
    ...(options.remote ? { remote: options.remote } : {}),
  });
  const snapshots = await snapshotEnvironments(repository, resolution, {
    ...(options.development ? { development: options.development } : {}),
    cache: options.cache ?? new SnapshotCache(),
    ...(options.analyze ? { analyze: options.analyze } : {}),
  });
  return { matrix: buildMatrix(repository.root, resolution.repository, snapshots), snapshots };
}

/**
 * Development alone, read from the working tree without git: what Restricted Mode shows, since an untrusted
 * repository's git config may name programs that any git command would run.
 */
export async function workingTreeStatus(
  root: string,
  options: Pick<EnvironmentStatusOptions, 'development' | 'cache' | 'analyze'> = {},
): Promise<EnvironmentStatus> {
  const analyses = options.development?.analyses
    ? [...options.development.analyses]
    : await analyzeWorkingTree(root, options.development?.overrides, options.cache, options.analyze);
  const environment: ResolvedEnvironment = {
    name: 'development',
    kind: 'development',
    ref: undefined,
    commit: undefined,
    shortCommit: undefined,
    date: undefined,
    workingTree: true,
  };
  const snapshot: EnvironmentSnapshot = {
    environment,
    files: analyses.filter((file) => file.fileClass.loadedByKayron).map((file) => ({ path: file.relativePath })),
    ...servicesFromAnalyses(analyses),
  };
  return {
    matrix: buildMatrix(root, { topLevel: root, prefix: '', shallow: false, remote: 'origin', hasRemote: false }, [
      snapshot,
    ]),
    snapshots: [snapshot],
  };
}

const ABSENT = '-';
const UNREADABLE = '?';

function cellText(cell: MatrixCell, environment: MatrixEnvironment): string {
  if (environment.error) return UNREADABLE;
  let text = cell.present ? cell.label : ABSENT;
  if (cell.hasErrors) text += ' !';
  if (cell.drift) text += ' *';
  return text;
}

function environmentRef(environment: MatrixEnvironment): string {
  if (environment.workingTree) return `working tree (${environment.ref ?? 'HEAD'})`;
  return environment.ref ?? UNREADABLE;
}

/** The matrix as a fixed-width text table with a legend and per-environment notes. Deterministic (no clock). */
export function renderMatrixText(matrix: StatusMatrix): string {
  const environments = matrix.environments;
  const header = ['SERVICE', ...environments.map((environment) => environment.name.toUpperCase())];
  const meta: string[][] = [
    ['ref', ...environments.map(environmentRef)],
    [
      'commit',
      ...environments.map((environment) =>
        environment.shortCommit ? `${environment.shortCommit}${environment.fallback ? ' (fallback)' : ''}` : UNREADABLE,
      ),
    ],
    ['date', ...environments.map((environment) => environment.date?.slice(0, 10) ?? UNREADABLE)],
  ];
  if (environments.some((environment) => environment.tag && environment.kind !== 'production'))
    meta.push(['tag', ...environments.map((environment) => environment.tag ?? '')]);
  const body = matrix.rows.map((row) => [
    row.key,
    ...environments.map((environment) =>
      cellText(row.cells[environment.name] ?? { present: false, label: '' }, environment),
    ),
  ]);
  const table = [header, ...meta, ...body];
  const widths = header.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  const format = (line: string[]) =>
    line
      .map((text, column) => (column === line.length - 1 ? text : text.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const separator = widths.map((width) => '-'.repeat(width)).join('  ');
  const lines = [format(header), ...meta.map(format), separator, ...body.map(format)];
  if (body.length === 0) lines.push('(no release definitions in any environment)');

  lines.push('');
  const stages = environments
    .filter((environment) => environment.nextStage)
    .map((environment) => `${environment.name} → ${environment.nextStage}`);
  lines.push(
    `* differs from the next stage (${stages.join(', ')})   ! has errors at that ref   - not defined   ? not readable`,
  );

  const notes: string[] = [];
  for (const environment of environments) {
    if (environment.error) notes.push(`${environment.name}: not readable: ${environment.error}`);
    if (environment.fallback) notes.push(`${environment.name}: ${environment.fallback}`);
    if (environment.remoteNote) notes.push(`${environment.name}: ${environment.remoteNote}`);
    const lvr = environment.localVsRemote;
    if (lvr && (lvr.ahead > 0 || lvr.behind > 0))
      notes.push(`${environment.name}: local ${lvr.local} is ${lvr.ahead} ahead, ${lvr.behind} behind ${lvr.remote}`);
    if (environment.verdict)
      notes.push(
        `${environment.name}: kayron lint would fail: ${environment.verdict.file}: ${environment.verdict.message.split('\n')[0] ?? ''}`,
      );
    for (const problem of environment.problems) {
      if (
        environment.verdict &&
        problem.message === environment.verdict.message &&
        problem.file === environment.verdict.file
      )
        continue;
      notes.push(`${environment.name}: ${problem.file}: ${problem.message.split('\n')[0] ?? ''}`);
    }
  }
  if (matrix.repository.shallow)
    notes.push('this is a shallow clone: branches and tags outside its history may be missing');
  if (notes.length > 0) {
    lines.push('');
    lines.push('notes:');
    for (const note of notes) lines.push(`  ${note}`);
  }
  return `${lines.join('\n')}\n`;
}
