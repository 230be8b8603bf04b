/**
 * The two sides of a plan from the local clone: base = what the environment runs now (its ref per the environments
 * model, §4.1) or any ref, head = the working tree with unsaved editor contents (default) or any ref. Read with the
 * environments modules (Kayron's loader rules, git without a checkout, the snapshot cache).
 */
import type { GitRepository } from '../environments/git';
import {
  resolveEnvironments,
  type EnvironmentProviders,
  type ExtraEnvironment,
  type ResolvedEnvironment,
} from '../environments/resolve';
import {
  snapshotEnvironments,
  type DevelopmentSource,
  type EnvironmentSnapshot,
  type SnapshotCache,
  type TextAnalyzer,
} from '../environments/snapshot';
import type { PlanSide } from './planner';

export const DEFAULT_PLAN_ENVIRONMENT = 'staging';
export const WORKING_TREE_REF = 'working tree';

/** A request that cannot be planned as asked (unknown environment, a ref that names no commit): a usage error. */
export class PlanRequestError extends Error {
  override readonly name = 'PlanRequestError';
}

export interface PlanSidesRequest {
  /** Default staging. */
  environment?: string | undefined;
  /** Default: the environment's current ref. */
  base?: string | undefined;
  /** Default: the working tree. */
  head?: string | undefined;
  extraEnvironments?: readonly (string | ExtraEnvironment)[];
  remote?: string;
  providers?: EnvironmentProviders;
  development?: DevelopmentSource;
  cache?: SnapshotCache;
  analyze?: TextAnalyzer;
}

export interface PlanSides {
  environment: ResolvedEnvironment;
  /** Every environment of the root (for pickers). */
  environments: ResolvedEnvironment[];
  base: PlanSide;
  head: PlanSide;
}

function sideOf(snapshot: EnvironmentSnapshot, ref: string, commit: string | undefined): PlanSide {
  if (snapshot.error) throw new Error(`reading the release files at ${ref} failed: ${snapshot.error}`);
  return {
    ref,
    commit: commit ?? null,
    services: snapshot.services,
    verdict: snapshot.verdict,
    problems: snapshot.problems,
  };
}

async function commitOf(repository: GitRepository, ref: string, what: string): Promise<string> {
  if (ref === '' || ref.startsWith('-')) throw new PlanRequestError(`${what} ${JSON.stringify(ref)} is not a ref`);
  const commit = await repository.revParse(ref);
  if (!commit) throw new PlanRequestError(`${what} ${ref} does not name a commit in this repository`);
  return commit;
}

export async function loadPlanSides(repository: GitRepository, request: PlanSidesRequest = {}): Promise<PlanSides> {
  const name = request.environment ?? DEFAULT_PLAN_ENVIRONMENT;
  const resolution = await resolveEnvironments(repository, {
    ...(request.providers ? { providers: request.providers } : {}),
    ...(request.extraEnvironments ? { extraEnvironments: request.extraEnvironments } : {}),
    ...(request.remote ? { remote: request.remote } : {}),
  });
  const environment = resolution.environments.find((candidate) => candidate.name === name);
  const choices = resolution.environments
    .filter((candidate) => !candidate.workingTree)
    .map((candidate) => candidate.name);
  if (!environment) throw new PlanRequestError(`unknown environment ${name}: choose one of ${choices.join(', ')}`);
  if (environment.workingTree)
    throw new PlanRequestError(`${name} is the working tree itself: choose one of ${choices.join(', ')}`);
  let baseRef: string;
  let baseCommit: string;
  if (request.base !== undefined) {
    baseRef = request.base;
    baseCommit = await commitOf(repository, request.base, '--base');
  } else {
    if (!environment.commit)
      throw new PlanRequestError(`${name} cannot be read: ${environment.unavailable ?? 'no commit'}`);
    baseRef = environment.ref ?? environment.commit;
    baseCommit = environment.commit;
  }
  const headCommit = request.head !== undefined ? await commitOf(repository, request.head, '--head') : undefined;
  const headRef = request.head ?? WORKING_TREE_REF;
  const baseEnvironment: ResolvedEnvironment = {
    name: 'base',
    kind: 'custom',
    ref: baseRef,
    commit: baseCommit,
    shortCommit: baseCommit.slice(0, 7),
    date: undefined,
  };
  const headEnvironment: ResolvedEnvironment =
    headCommit !== undefined
      ? {
          name: 'head',
          kind: 'custom',
          ref: headRef,
          commit: headCommit,
          shortCommit: headCommit.slice(0, 7),
          date: undefined,
        }
      : {
          name: 'head',
          kind: 'development',
          ref: headRef,
          commit: resolution.repository.head.commit,
          shortCommit: resolution.repository.head.commit?.slice(0, 7),
          date: undefined,
          workingTree: true,
        };
  const [baseSnapshot, headSnapshot] = await snapshotEnvironments(
    repository,
    { repository: resolution.repository, environments: [baseEnvironment, headEnvironment] },
    {
      ...(request.development ? { development: request.development } : {}),
      ...(request.cache ? { cache: request.cache } : {}),
      ...(request.analyze ? { analyze: request.analyze } : {}),
    },
  );
  return {
    environment,
    environments: resolution.environments,
    base: sideOf(baseSnapshot!, baseRef, baseCommit),
    head: sideOf(headSnapshot!, headRef, headEnvironment.commit),
  };
}
