/**
 * What a promotion changes, read from the local clone with Kayron's loader rules (the environments modules) and the
 * deployment planner: snapshots of commits, the services and files that differ between two of them, and the planner's
 * CloudFormation parameters, so a preview shows what `kayron-releases plan` prints.
 */
import { versionTag } from '../github/versions';
import type { GitRepository } from '../environments/git';
import type { RepositoryState, ResolvedEnvironment } from '../environments/resolve';
import {
  snapshotEnvironments,
  type EnvironmentSnapshot,
  type ServiceDeployment,
  type TextAnalyzer,
} from '../environments/snapshot';
import { strategyLabel } from '../environments/matrix';
import { gatherBranchHeads } from '../plan/facts';
import { parameterRows, type ParameterRow } from '../plan/planner';
import type { PlanParameter } from '../plan/types';
import { encodePath } from './github-api';
import { serviceUrl, short, type PromotionInputs } from './flow';
import { excerpt } from './preview';
import { PromotionError } from './remote';
import { unifiedDiff } from './text-diff';
import type { FileChange, ServiceChange } from './types';

/** What a service runs, as the environments matrix labels it; `absent` where it is not defined. */
export function labelOf(service: ServiceDeployment | undefined): string {
  return service ? strategyLabel(service.strategy, service.preview) : 'absent';
}

/** Links and notes for a service moving from `from` to the release `to` (links only when both are versions). */
export async function describeChange(
  inputs: PromotionInputs,
  service: string,
  github: string,
  from: string,
  to: string,
): Promise<ServiceChange> {
  const change: ServiceChange = { service, github, from, to };
  if (github === '' || !versionTag(to)) return change;
  change.releaseNotesUrl = serviceUrl(inputs, github, `/releases/tag/${encodePath(to)}`);
  if (versionTag(from))
    change.compareUrl = serviceUrl(inputs, github, `/compare/${encodePath(from)}...${encodePath(to)}`);
  const notes = excerpt(await inputs.releaseNotes?.(github, to).catch(() => undefined));
  if (notes) change.notes = notes;
  return change;
}

/** Local snapshots of arbitrary commits, with Kayron's loader rules (the environments modules). */
export async function snapshotCommits(
  git: GitRepository,
  commits: readonly string[],
  analyze: TextAnalyzer | undefined,
): Promise<Map<string, EnvironmentSnapshot>> {
  const repository: RepositoryState = {
    topLevel: git.topLevel,
    prefix: git.prefix,
    shallow: git.shallow,
    remote: 'origin',
    hasRemote: true,
    head: { commit: undefined, date: undefined, branch: undefined },
    defaultBranch: undefined,
  };
  const environments: ResolvedEnvironment[] = [...new Set(commits)].map((commit) => ({
    name: commit,
    kind: 'custom',
    ref: commit,
    commit,
    shortCommit: short(commit),
    date: undefined,
  }));
  const snapshots = await snapshotEnvironments(git, { repository, environments }, analyze ? { analyze } : {});
  return new Map(snapshots.map((snapshot) => [snapshot.environment.commit ?? '', snapshot]));
}

/** Which local commit to use for locating a service's release file: the first candidate the clone has. */
async function firstLocalCommit(
  git: GitRepository | undefined,
  candidates: readonly (string | undefined)[],
): Promise<string | undefined> {
  if (!git) return undefined;
  for (const candidate of candidates) {
    if (!candidate) continue;
    const commit = await git.revParse(candidate).catch(() => undefined);
    if (commit) return commit;
  }
  return undefined;
}

export async function serviceFiles(
  inputs: PromotionInputs,
  candidates: readonly (string | undefined)[],
): Promise<Map<string, ServiceDeployment>> {
  const commit = await firstLocalCommit(inputs.git, candidates);
  if (!inputs.git || !commit) {
    throw new PromotionError(
      'refused',
      'The local clone does not have the default branch: fetch (git fetch origin) and try again.',
    );
  }
  const snapshot = (await snapshotCommits(inputs.git, [commit], inputs.analyze)).get(commit);
  if (!snapshot || snapshot.error)
    throw new PromotionError(
      'failed',
      `Reading the release files at ${short(commit)} failed: ${snapshot?.error ?? 'no snapshot'}`,
    );
  return new Map(snapshot.services.map((service) => [service.key, service]));
}

/** Files whose blob differs between two snapshots, with their texts and diffs (read from the local clone). */
export async function fileChanges(
  git: GitRepository,
  before: EnvironmentSnapshot | undefined,
  after: EnvironmentSnapshot,
  labels: [string, string],
): Promise<FileChange[]> {
  const oldFiles = new Map((before?.files ?? []).map((file) => [file.path, file.oid]));
  const newFiles = new Map(after.files.map((file) => [file.path, file.oid]));
  const paths = [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort();
  const changes: FileChange[] = [];
  for (const path of paths) {
    if (oldFiles.get(path) === newFiles.get(path)) continue;
    const beforeText =
      before?.environment.commit && oldFiles.has(path)
        ? ((await git.readFileAtRef(before.environment.commit, path)) ?? '')
        : '';
    const afterText =
      after.environment.commit && newFiles.has(path)
        ? ((await git.readFileAtRef(after.environment.commit, path)) ?? '')
        : '';
    changes.push({
      path,
      before: beforeText,
      after: afterText,
      diff: unifiedDiff(beforeText, afterText, { oldLabel: `${labels[0]}/${path}`, newLabel: `${labels[1]}/${path}` }),
    });
  }
  return changes;
}

/** The deployment planner's rows for `before` → `after`, with branch heads from GitHub when it is connected. */
async function plannedRows(
  inputs: PromotionInputs,
  before: readonly ServiceDeployment[],
  after: readonly ServiceDeployment[],
): Promise<ParameterRow[]> {
  const github = inputs.planGitHub;
  const branchHeads = github
    ? await gatherBranchHeads([...before, ...after], github).catch(() => new Map())
    : new Map();
  return parameterRows(before, after, { branchHeads, unavailable: github ? undefined : 'GitHub is not connected' });
}

/**
 * Services that differ between two snapshots, from the deployment planner's parameters (so a promotion shows what
 * `kayron-releases plan` prints): every parameter that changes, and entries whose previews switch on or off.
 */
export async function serviceDifferences(
  inputs: PromotionInputs,
  before: EnvironmentSnapshot | undefined,
  after: EnvironmentSnapshot,
): Promise<{ changes: ServiceChange[]; parameters: PlanParameter[] }> {
  const rows = await plannedRows(inputs, before?.services ?? [], after.services);
  const changes: ServiceChange[] = [];
  for (const { before: old, after: now, parameter } of rows) {
    const from = labelOf(old);
    const to = labelOf(now);
    if (parameter.change === 'none' && from === to) continue;
    const entry = (now ?? old)!;
    changes.push(
      now
        ? await describeChange(inputs, entry.key, entry.github, from, to)
        : { service: entry.key, github: entry.github, from, to },
    );
  }
  return { changes, parameters: rows.map((row) => row.parameter) };
}

/** The planner's parameters for an edit of some entries' strategies (what pinRelease / followBranch write). */
export async function editedParameters(
  inputs: PromotionInputs,
  services: readonly ServiceDeployment[],
  strategies: ReadonlyMap<string, ServiceDeployment['strategy']>,
): Promise<PlanParameter[]> {
  const after = services.map((service) => {
    const strategy = strategies.get(service.key);
    return strategy ? { ...service, strategy } : service;
  });
  return (await plannedRows(inputs, services, after)).map((row) => row.parameter);
}
