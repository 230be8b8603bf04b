/**
 * Promotions of the releases repository, testing → staging → production, as plans and executions.
 *
 * Planning reads only (GitHub through the executor, the local clone with the environments modules) and returns a
 * preview of every change plus a recipe; execution replays the recipe through the executor after re-checking that
 * GitHub still looks as it did when the preview was made. Every flow is idempotent: what already exists is returned
 * instead of being created twice, and a failure after the first write removes what this run created. A write whose
 * answer is lost (no answer, or a 5xx, after which GitHub may still have done it) is followed by a read of GitHub's
 * state, and that state is what is reported and what decides any clean-up.
 */
import * as semver from 'semver';
import { versionTag } from '../github/versions';
import type { GitRepository } from '../environments/git';
import { isReleaseTag, newestReleaseTag, resolveEnvironments, shortCommit, type RepositoryState, type ResolvedEnvironment } from '../environments/resolve';
import { snapshotEnvironments, type EnvironmentSnapshot, type ServiceDeployment, type TextAnalyzer } from '../environments/snapshot';
import { strategyLabel } from '../environments/matrix';
import { encodePath } from './github-api';
import type { PromotionExecutor } from './executor';
import { PromotionError, RemoteRepository, type RepoRef, type RepositoryInfo } from './remote';
import { followBranch, pinRelease } from './service-edits';
import { unifiedDiff } from './text-diff';
import type {
  FileChange,
  PreflightCheck,
  PromotionLink,
  PromotionPlan,
  PromotionRequest,
  ServiceChange,
} from './types';

/** The releases root a promotion works on, and what it may ask besides GitHub's REST API. */
export interface PromotionInputs {
  rootUri: string;
  /** The releases repository (from the `origin` remote). */
  repository: RepoRef;
  /** Owner of the service repositories (`kayron.github.owner`, else origin's owner). */
  serviceOwner: string;
  /** Web root for links, e.g. `https://github.com`. */
  webUrl: string;
  /** The local clone; promotions that diff environments need it. */
  git: GitRepository | undefined;
  /** Release notes of a service tag (Markdown), when known; used for previews and PR bodies. */
  releaseNotes?: (github: string, tag: string) => Promise<string | undefined>;
  /** Whether a service repository has a tag / a branch: undefined when unknown. */
  tagExists?: (github: string, tag: string) => Promise<boolean | undefined>;
  branchExists?: (github: string, branch: string) => Promise<boolean | undefined>;
  /** How release files at other commits are analysed (the server keeps large ones off its event loop). */
  analyze?: TextAnalyzer;
}

export const TESTING_BRANCH = 'testing';
/** Release notes in previews and bodies are cut to this many lines. */
const NOTES_LINES = 6;

export type Recipe =
  | { kind: 'production'; tag: string; target: string; name: string; body: string }
  | {
      kind: 'staging';
      base: string;
      defaultBranch: string;
      branch: string;
      title: string;
      body: string;
      files: { path: string; text: string }[];
      reuseBranch: boolean;
    }
  | { kind: 'testing-deploy'; exists: boolean; base: string; path: string; text: string; message: string }
  | { kind: 'testing-reset'; from: string; to: string };

export interface Planned {
  plan: PromotionPlan;
  recipe: Recipe | undefined;
}

export interface ExecutionOutcome {
  message: string;
  links: PromotionLink[];
}

type PlanDraft = Omit<PromotionPlan, 'id' | 'preview' | 'blocked' | 'warnings'>;

function short(sha: string | undefined): string {
  return shortCommit(sha) ?? '?';
}

function refName(branch: string): string {
  return `refs/heads/${branch}`;
}

/** Refuses when GitHub says this account cannot push, or the token's scopes cannot write repository contents. */
export function accessProblem(info: RepositoryInfo, repository: RepoRef): string | undefined {
  const name = `${repository.owner}/${repository.repo}`;
  if (info.scopes !== undefined) {
    const enough = info.scopes.includes('repo') || (!info.private && info.scopes.includes('public_repo'));
    if (!enough) {
      const granted = info.scopes.length > 0 ? info.scopes.join(', ') : 'none';
      return `The GitHub token's scopes (${granted}) do not allow writing to ${name}: promotions need the "repo" scope${info.private ? '' : ' (or "public_repo")'}. Sign in to GitHub again and grant it.`;
    }
  }
  if (info.canPush === false) return `The signed-in GitHub account cannot push to ${name}: promotions need write access to the releases repository.`;
  return undefined;
}

async function openRepository(inputs: PromotionInputs, executor: PromotionExecutor): Promise<{ remote: RemoteRepository; info: RepositoryInfo }> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const info = await remote.info();
  const problem = accessProblem(info, inputs.repository);
  if (problem) throw new PromotionError('access', problem);
  return { remote, info };
}

function repositoryOf(inputs: PromotionInputs, info: RepositoryInfo): PromotionPlan['repository'] {
  return { owner: inputs.repository.owner, repo: inputs.repository.repo, defaultBranch: info.defaultBranch, webUrl: inputs.webUrl };
}

function releasesUrl(inputs: PromotionInputs, rest: string): string {
  return `${inputs.webUrl}/${inputs.repository.owner}/${inputs.repository.repo}${rest}`;
}

function serviceUrl(inputs: PromotionInputs, github: string, rest: string): string {
  return `${inputs.webUrl}/${inputs.serviceOwner}/${github}${rest}`;
}

function labelOf(service: ServiceDeployment | undefined): string {
  return service ? strategyLabel(service.strategy, service.preview) : 'absent';
}

function excerpt(notes: string | undefined): string | undefined {
  if (!notes) return undefined;
  const lines = notes.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return undefined;
  return lines.length > NOTES_LINES ? `${lines.slice(0, NOTES_LINES).join('\n')}\n…` : lines.join('\n');
}

/** Links and notes for a service moving from `from` to the release `to` (links only when both are versions). */
async function describeChange(inputs: PromotionInputs, service: string, github: string, from: string, to: string): Promise<ServiceChange> {
  const change: ServiceChange = { service, github, from, to };
  if (github === '' || !versionTag(to)) return change;
  change.releaseNotesUrl = serviceUrl(inputs, github, `/releases/tag/${encodePath(to)}`);
  if (versionTag(from)) change.compareUrl = serviceUrl(inputs, github, `/compare/${encodePath(from)}...${encodePath(to)}`);
  const notes = excerpt(await inputs.releaseNotes?.(github, to).catch(() => undefined));
  if (notes) change.notes = notes;
  return change;
}

/** Local snapshots of arbitrary commits, with Kayron's loader rules (the environments modules). */
async function snapshotCommits(git: GitRepository, commits: readonly string[], analyze: TextAnalyzer | undefined): Promise<Map<string, EnvironmentSnapshot>> {
  const repository: RepositoryState = {
    topLevel: git.topLevel,
    prefix: git.prefix,
    shallow: git.shallow,
    remote: 'origin',
    hasRemote: true,
    head: { commit: undefined, date: undefined, branch: undefined },
    defaultBranch: undefined,
  };
  const environments: ResolvedEnvironment[] = [...new Set(commits)].map((commit) => ({ name: commit, kind: 'custom', ref: commit, commit, shortCommit: short(commit), date: undefined }));
  const snapshots = await snapshotEnvironments(git, { repository, environments }, analyze ? { analyze } : {});
  return new Map(snapshots.map((snapshot) => [snapshot.environment.commit ?? '', snapshot]));
}

/** Which local commit to use for locating a service's release file: the first candidate the clone has. */
async function firstLocalCommit(git: GitRepository | undefined, candidates: readonly (string | undefined)[]): Promise<string | undefined> {
  if (!git) return undefined;
  for (const candidate of candidates) {
    if (!candidate) continue;
    const commit = await git.revParse(candidate).catch(() => undefined);
    if (commit) return commit;
  }
  return undefined;
}

async function serviceFiles(inputs: PromotionInputs, candidates: readonly (string | undefined)[]): Promise<Map<string, ServiceDeployment>> {
  const commit = await firstLocalCommit(inputs.git, candidates);
  if (!inputs.git || !commit) {
    throw new PromotionError('refused', 'The local clone does not have the default branch: fetch (git fetch origin) and try again.');
  }
  const snapshot = (await snapshotCommits(inputs.git, [commit], inputs.analyze)).get(commit);
  if (!snapshot || snapshot.error) throw new PromotionError('failed', `Reading the release files at ${short(commit)} failed: ${snapshot?.error ?? 'no snapshot'}`);
  return new Map(snapshot.services.map((service) => [service.key, service]));
}

/** Files whose blob differs between two snapshots, with their texts and diffs (read from the local clone). */
async function fileChanges(git: GitRepository, before: EnvironmentSnapshot | undefined, after: EnvironmentSnapshot, labels: [string, string]): Promise<FileChange[]> {
  const oldFiles = new Map((before?.files ?? []).map((file) => [file.path, file.oid]));
  const newFiles = new Map(after.files.map((file) => [file.path, file.oid]));
  const paths = [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort();
  const changes: FileChange[] = [];
  for (const path of paths) {
    if (oldFiles.get(path) === newFiles.get(path)) continue;
    const beforeText = before?.environment.commit && oldFiles.has(path) ? ((await git.readFileAtRef(before.environment.commit, path)) ?? '') : '';
    const afterText = after.environment.commit && newFiles.has(path) ? ((await git.readFileAtRef(after.environment.commit, path)) ?? '') : '';
    changes.push({ path, before: beforeText, after: afterText, diff: unifiedDiff(beforeText, afterText, { oldLabel: `${labels[0]}/${path}`, newLabel: `${labels[1]}/${path}` }) });
  }
  return changes;
}

/** Services that differ between two snapshots, in the `after` order (then the removed ones). */
async function serviceDifferences(inputs: PromotionInputs, before: EnvironmentSnapshot | undefined, after: EnvironmentSnapshot): Promise<ServiceChange[]> {
  const old = new Map((before?.services ?? []).map((service) => [service.key, service]));
  const changes: ServiceChange[] = [];
  for (const service of after.services) {
    const from = labelOf(old.get(service.key));
    const to = labelOf(service);
    if (from !== to) changes.push(await describeChange(inputs, service.key, service.github, from, to));
  }
  const present = new Set(after.services.map((service) => service.key));
  for (const service of before?.services ?? []) {
    if (!present.has(service.key)) changes.push({ service: service.key, github: service.github, from: labelOf(service), to: 'absent' });
  }
  return changes;
}

export interface TagProposals {
  patch: string;
  minor: string;
  major: string;
}

/** Next tags after `latest` (v-prefixed semver); from nothing, v0.1.0 / v0.1.0 / v1.0.0. */
export function proposeTags(latest: string | undefined): TagProposals {
  const version = latest && isReleaseTag(latest) ? semver.parse(latest.slice(1)) : null;
  if (!version) return { patch: 'v0.1.0', minor: 'v0.1.0', major: 'v1.0.0' };
  const bump = (kind: 'patch' | 'minor' | 'major'): string => `v${semver.inc(version.version, kind) ?? version.version}`;
  return { patch: bump('patch'), minor: bump('minor'), major: bump('major') };
}

function bumpTitle(changes: readonly { service: string; to: string }[]): string {
  const parts = changes.map((change) => `${change.service} to ${change.to}`);
  const joined = parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
  return `Bump ${joined}`;
}

/** `bump-kayron-v0.5.3`, `bump-infrastructure-v0.5.7-and-splits-lite-v0.2.3`: the team's own branch names. */
export function bumpBranchName(changes: readonly { service: string; to: string }[]): string {
  const raw = `bump-${changes.map((change) => `${change.service}-${change.to}`).join('-and-')}`;
  return raw.replace(/[^A-Za-z0-9._/-]+/g, '-').replace(/\.{2,}/g, '.').replace(/\/{2,}/g, '/').replace(/[./-]+$/, '').slice(0, 200);
}

function changeLine(change: ServiceChange): string {
  const links = [change.releaseNotesUrl ? `[release notes](${change.releaseNotesUrl})` : '', change.compareUrl ? `[compare](${change.compareUrl})` : ''].filter(Boolean).join(' · ');
  return `- **${change.service}** ${change.from} → ${change.to}${links ? ` — ${links}` : ''}`;
}

function notesBlock(change: ServiceChange): string[] {
  return change.notes ? change.notes.split('\n').map((line) => `  > ${line}`) : [];
}

function finish(draft: PlanDraft, id: string): PromotionPlan {
  const blocked = draft.checks.filter((check) => check.status === 'error');
  const warnings = draft.checks.filter((check) => check.status === 'warning').map((check) => `${check.title}: ${check.detail}`);
  const plan: PromotionPlan = { ...draft, id, preview: '', warnings };
  if (blocked.length > 0) plan.blocked = blocked.map((check) => `${check.title}: ${check.detail}`).join('\n');
  plan.preview = renderPreview(plan);
  return plan;
}

const CHECK_ICON = { ok: '✅', warning: '⚠️', error: '⛔' } as const;

/** The Markdown preview: exactly what will change, the checks, and the requests that will be sent. */
export function renderPreview(plan: PromotionPlan): string {
  const lines = [`# ${plan.title}`, '', `Releases repository: ${plan.repository.owner}/${plan.repository.repo} (default branch \`${plan.repository.defaultBranch}\`)`, ''];
  if (plan.nothingToDo) lines.push(`**Nothing to do:** ${plan.nothingToDo}`, '');
  if (plan.blocked) lines.push('**Blocked** — fix the failed checks below and preview again.', '');
  for (const line of plan.summary) lines.push(`- ${line}`);
  if (plan.summary.length > 0) lines.push('');
  if (plan.checks.length > 0) {
    lines.push('## Checks', '');
    for (const check of plan.checks) lines.push(`- ${CHECK_ICON[check.status]} **${check.title}** — ${check.detail}`);
    lines.push('');
  }
  if (plan.changes.length > 0) {
    lines.push('## Services', '');
    for (const change of plan.changes) lines.push(changeLine(change), ...notesBlock(change));
    lines.push('');
  }
  if (plan.release) {
    lines.push('## Release', '', `- Tag: \`${plan.release.tag}\` (previous: ${plan.release.previousTag ? `\`${plan.release.previousTag}\`` : 'none'})`, `- Target commit: \`${plan.release.targetCommit}\``, `- Title: ${plan.release.name}`, '', '### Notes', '', plan.release.body, '');
  }
  if (plan.pullRequest) {
    const existing = plan.pullRequest.existing ? ` — already open: [#${plan.pullRequest.existing.number}](${plan.pullRequest.existing.url})` : '';
    lines.push('## Pull request', '', `- Title: ${plan.pullRequest.title}${existing}`, `- Branch: \`${plan.pullRequest.branch}\` → \`${plan.pullRequest.base}\``, '', '### Body', '', plan.pullRequest.body, '');
  }
  if (plan.testing) {
    lines.push('## Testing branch', '', `- \`${plan.testing.branch}\`: ${plan.testing.exists ? `at ${short(plan.testing.from)}` : 'does not exist yet (created from the default branch)'}${plan.testing.to ? ` → ${short(plan.testing.to)}` : ''}`, '');
  }
  if (plan.files.length > 0) {
    lines.push('## Files', '');
    for (const file of plan.files) lines.push(`### ${file.path}`, '', '```diff', file.diff.trimEnd(), '```', '');
  }
  if (plan.calls.length > 0) {
    lines.push('## GitHub requests', '');
    for (const call of plan.calls) lines.push(`- \`${call.method} ${call.path}\` — ${call.purpose}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

// ───────────────────────────── staging → production ─────────────────────────────

async function planProduction(inputs: PromotionInputs, executor: PromotionExecutor, request: Extract<PromotionRequest, { kind: 'production' }>, id: string): Promise<Planned> {
  const { remote, info } = await openRepository(inputs, executor);
  const git = inputs.git;
  if (!git) throw new PromotionError('refused', 'Promoting to production compares git refs: open a clone of the releases repository.');
  const latest = await remote.latestRelease();
  const defaultHead = await remote.refSha(`heads/${info.defaultBranch}`);
  if (!defaultHead) throw new PromotionError('failed', `GitHub has no ${info.defaultBranch} branch in ${inputs.repository.owner}/${inputs.repository.repo}.`);
  const resolution = await resolveEnvironments(git, {
    providers: {
      latestReleaseTag: () => Promise.resolve(latest?.tag),
      remoteBranchHead: (branch) => (branch === info.defaultBranch ? Promise.resolve(defaultHead) : Promise.resolve('unknown')),
    },
  });
  const staging = resolution.environments.find((environment) => environment.kind === 'staging');
  const production = resolution.environments.find((environment) => environment.kind === 'production');
  const checks: PreflightCheck[] = [];
  const localCommit = staging?.commit;
  if (localCommit !== defaultHead) {
    checks.push({
      id: 'local-current',
      status: 'error',
      title: 'Local view is behind GitHub',
      detail: `GitHub's ${info.defaultBranch} is at ${short(defaultHead)}, your clone's ${staging?.ref ?? 'default branch'} at ${short(localCommit)}: fetch (git fetch origin) and preview again, so the preview shows what will be released.`,
    });
  } else if (latest && !production?.commit) {
    checks.push({ id: 'local-current', status: 'error', title: 'Local view is behind GitHub', detail: `The latest release ${latest.tag} is not in this clone: fetch the tags (git fetch --tags origin) and preview again.` });
  } else {
    checks.push({ id: 'local-current', status: 'ok', title: 'Local view is current', detail: `${info.defaultBranch} is at ${short(defaultHead)} on GitHub and in this clone.` });
  }

  const commits = [defaultHead, ...(production?.commit && latest ? [production.commit] : [])];
  const haveDefault = await git.revParse(defaultHead).catch(() => undefined);
  const snapshots = haveDefault ? await snapshotCommits(git, commits, inputs.analyze) : new Map<string, EnvironmentSnapshot>();
  const stagingSnapshot = snapshots.get(defaultHead);
  const productionSnapshot = production?.commit && latest ? snapshots.get(production.commit) : undefined;

  if (stagingSnapshot && !stagingSnapshot.error) {
    const errors = [
      ...(stagingSnapshot.verdict ? [`${stagingSnapshot.verdict.file}: ${stagingSnapshot.verdict.message}`] : []),
      ...stagingSnapshot.problems.map((problem) => `${problem.file}: ${problem.message}`),
      ...stagingSnapshot.services.filter((service) => service.hasErrors).map((service) => `${service.file}: ${service.key} has errors`),
    ];
    const unique = [...new Set(errors)];
    checks.push(
      unique.length > 0
        ? { id: 'kayron-errors', status: 'error', title: 'Staging has Kayron errors', detail: unique.slice(0, 5).join('; ') }
        : { id: 'kayron-errors', status: 'ok', title: 'Staging passes Kayron', detail: `kayron lint passes at ${short(defaultHead)}.` },
    );
    const risky = stagingSnapshot.services.filter((service) => service.strategy.kind === 'branch' || service.strategy.kind === 'suspend');
    checks.push(
      risky.length > 0
        ? {
            id: 'branch-or-suspend',
            status: 'warning',
            title: 'Staging has branch or suspend',
            detail: `${risky.map((service) => `${service.key} (${labelOf(service)})`).join(', ')} would go to production like this: a branch deploys whatever its head is, a suspended service is not reconciled.`,
          }
        : { id: 'branch-or-suspend', status: 'ok', title: 'No branch or suspend on staging', detail: 'Every service is pinned to a release.' },
    );
  }

  const proposals = proposeTags(latest?.tag ?? newestReleaseTag((await git.listRefs()).filter((ref) => ref.name.startsWith('refs/tags/')).map((ref) => ref.name.slice('refs/tags/'.length))));
  const tag = (request.tag ?? proposals.patch).trim();
  if (!isReleaseTag(tag)) {
    checks.push({ id: 'tag', status: 'error', title: 'Tag is not a release tag', detail: `${JSON.stringify(tag)} is not "v" followed by a semantic version (e.g. ${proposals.patch}); Kayron cannot deploy production from it.` });
  } else if (await remote.refSha(`tags/${tag}`)) {
    const existing = await remote.releaseByTag(tag);
    checks.push({ id: 'tag', status: 'error', title: 'Tag exists', detail: `${tag} already exists in ${inputs.repository.owner}/${inputs.repository.repo}${existing?.url ? ` (${existing.url})` : ''}: choose another tag.` });
  } else if (latest && isReleaseTag(latest.tag) && semver.lte(tag.slice(1), latest.tag.slice(1))) {
    checks.push({ id: 'tag', status: 'warning', title: 'Tag is not newer', detail: `${tag} is not newer than the latest release ${latest.tag}; GitHub still makes it the latest release, so production would run it.` });
  } else {
    checks.push({ id: 'tag', status: 'ok', title: 'Tag is new', detail: `${tag} does not exist yet${latest ? ` and follows ${latest.tag}` : ''}.` });
  }

  const changes = stagingSnapshot && !stagingSnapshot.error ? await serviceDifferences(inputs, productionSnapshot, stagingSnapshot) : [];
  const files = stagingSnapshot && !stagingSnapshot.error ? await fileChanges(git, productionSnapshot, stagingSnapshot, [latest?.tag ?? 'production', info.defaultBranch]) : [];
  const compare = latest ? releasesUrl(inputs, `/compare/${encodePath(latest.tag)}...${defaultHead}`) : undefined;
  const body = [
    changes.length > 0 ? '## Services' : 'No service changes.',
    '',
    ...changes.flatMap((change) => [changeLine(change)]),
    '',
    ...(compare ? [`Releases repository changes: [${latest?.tag}...${short(defaultHead)}](${compare})`] : []),
  ]
    .join('\n')
    .trim();
  const nothingToDo = latest && production?.commit === defaultHead ? `production already runs ${short(defaultHead)} (${latest.tag}).` : undefined;
  const draft: PlanDraft = {
    kind: 'production',
    root: inputs.rootUri,
    repository: repositoryOf(inputs, info),
    title: `Release ${tag} to production`,
    summary: [
      `Create the GitHub release ${tag} on ${info.defaultBranch}'s commit ${short(defaultHead)} (${defaultHead}).`,
      `Production now runs ${latest ? latest.tag : 'nothing (no release yet)'}; ${changes.length} service${changes.length === 1 ? '' : 's'} change.`,
    ],
    checks,
    changes,
    files,
    calls: [
      { method: 'GET', path: remote.path(`/git/ref/tags/${encodePath(tag)}`), purpose: 'check again that the tag is new' },
      { method: 'POST', path: remote.path('/releases'), purpose: `create release ${tag} with target_commitish ${defaultHead}` },
    ],
    links: latest ? [{ label: 'Open current release', url: latest.url }] : [],
    release: { tag, previousTag: latest?.tag, targetCommit: defaultHead, name: tag, body, proposals },
  };
  if (nothingToDo) draft.nothingToDo = nothingToDo;
  const plan = finish(draft, id);
  return { plan, recipe: plan.blocked || nothingToDo ? undefined : { kind: 'production', tag, target: defaultHead, name: tag, body } };
}

/** What GitHub has for a planned release: nothing, the release on the planned commit, a bare tag there, or a tag elsewhere. */
type ReleaseState = { kind: 'none' } | { kind: 'released'; url: string } | { kind: 'tag-only' } | { kind: 'elsewhere'; commit: string; url: string | undefined };

async function releaseState(remote: RemoteRepository, recipe: Extract<Recipe, { kind: 'production' }>): Promise<ReleaseState> {
  const tagCommit = await remote.refSha(`tags/${recipe.tag}`);
  if (!tagCommit) return { kind: 'none' };
  const release = await remote.releaseByTag(recipe.tag);
  if (tagCommit !== recipe.target) return { kind: 'elsewhere', commit: tagCommit, url: release?.url || undefined };
  return release ? { kind: 'released', url: release.url } : { kind: 'tag-only' };
}

/** A write whose answer says nothing about what happened: no answer at all, or a 5xx (GitHub may have done it anyway). */
function describeLostAnswer(error: unknown): string {
  return `got no answer (${error instanceof Error ? error.message : String(error)})`;
}

async function executeProduction(inputs: PromotionInputs, executor: PromotionExecutor, recipe: Extract<Recipe, { kind: 'production' }>): Promise<ExecutionOutcome> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const plannedUrl = releasesUrl(inputs, `/releases/tag/${encodePath(recipe.tag)}`);
  const linkTo = (url: string | undefined): PromotionLink[] => [{ label: 'Open release', url: url || plannedUrl }];
  const conflict = (state: Extract<ReleaseState, { kind: 'elsewhere' }>): PromotionError =>
    new PromotionError('conflict', `The tag ${recipe.tag} already exists on ${short(state.commit)}, not on the planned ${short(recipe.target)}${state.url ? ` (${state.url})` : ''}; no release was created.`);
  // Idempotent: the release this recipe describes may exist already (an earlier run whose answer was lost).
  const before = await releaseState(remote, recipe);
  if (before.kind === 'released') return { message: `Release ${recipe.tag} already exists on ${short(recipe.target)}; nothing was changed.`, links: linkTo(before.url) };
  if (before.kind === 'elsewhere') throw conflict(before);

  /** After an answer that does not say what happened, GitHub's state is the answer. */
  const afterLostAnswer = async (what: string): Promise<ExecutionOutcome> => {
    let after: ReleaseState;
    try {
      after = await releaseState(remote, recipe);
    } catch {
      throw new PromotionError('failed', `Creating release ${recipe.tag} ${what}, and GitHub could not be asked whether it exists: look at ${plannedUrl}. Running the promotion again is safe: a release ${recipe.tag} on ${short(recipe.target)} counts as done.`);
    }
    if (after.kind === 'released') return { message: `Created release ${recipe.tag} on ${short(recipe.target)} (GitHub's answer was lost; the release is there).`, links: linkTo(after.url) };
    if (after.kind === 'elsewhere') throw conflict(after);
    const left = after.kind === 'tag-only' ? `GitHub has the tag ${recipe.tag} on ${short(recipe.target)} but no release: running the promotion again creates the release on it.` : 'no release was created.';
    throw new PromotionError('failed', `Creating release ${recipe.tag} ${what}; ${left}`);
  };
  let response;
  try {
    // A bare tag on the planned commit (from a lost answer) is used as it is: GitHub releases an existing tag.
    response = await executor.mutate<{ html_url?: string }>(
      'POST',
      remote.path('/releases'),
      { tag_name: recipe.tag, target_commitish: recipe.target, name: recipe.name, body: recipe.body, draft: false, prerelease: false, make_latest: 'true' },
      { html_url: plannedUrl },
    );
  } catch (error) {
    return afterLostAnswer(describeLostAnswer(error));
  }
  if (response.status >= 500) return afterLostAnswer(`failed: ${executor.describeFailure(response, 'GitHub')}`);
  if (response.status === 422) {
    // Someone released meanwhile: the same release is success, anything else a conflict.
    const raced = await releaseState(remote, recipe).catch(() => undefined);
    if (raced?.kind === 'released') return { message: `Release ${recipe.tag} already exists on ${short(recipe.target)}; nothing was changed.`, links: linkTo(raced.url) };
    if (raced?.kind === 'elsewhere') throw conflict(raced);
    throw new PromotionError('conflict', executor.describeFailure(response, `Creating release ${recipe.tag}`));
  }
  if (response.status !== 201 && response.status !== 0) throw new PromotionError('failed', executor.describeFailure(response, `Creating release ${recipe.tag}`));
  return { message: `${executor.dryRun ? 'Would create' : 'Created'} release ${recipe.tag} on ${short(recipe.target)}.`, links: linkTo(response.data.html_url) };
}

// ───────────────────────────── services → staging (pull request) ─────────────────────────────

async function planStaging(inputs: PromotionInputs, executor: PromotionExecutor, request: Extract<PromotionRequest, { kind: 'staging' }>, id: string): Promise<Planned> {
  if (request.bumps.length === 0) throw new PromotionError('refused', 'Choose at least one service to bump.');
  const seen = new Set<string>();
  for (const bump of request.bumps) {
    if (seen.has(bump.service)) throw new PromotionError('refused', `${bump.service} is listed twice.`);
    seen.add(bump.service);
    if (!versionTag(bump.version)) throw new PromotionError('refused', `${JSON.stringify(bump.version)} is not a release tag Kayron accepts (v + MAJOR.MINOR.PATCH, optional -suffix).`);
  }
  const { remote, info } = await openRepository(inputs, executor);
  const base = await remote.refSha(`heads/${info.defaultBranch}`);
  if (!base) throw new PromotionError('failed', `GitHub has no ${info.defaultBranch} branch in ${inputs.repository.owner}/${inputs.repository.repo}.`);
  const services = await serviceFiles(inputs, [base, `origin/${info.defaultBranch}`, info.defaultBranch]);

  const checks: PreflightCheck[] = [];
  const texts = new Map<string, { before: string; after: string }>();
  const changed: ServiceChange[] = [];
  const unchanged: string[] = [];
  for (const bump of request.bumps) {
    const service = services.get(bump.service);
    if (!service) throw new PromotionError('refused', `${bump.service} is not a service of ${info.defaultBranch} (fetch if it was added recently).`);
    const current = texts.get(service.file) ?? (await remote.file(service.file, base).then((text) => (text === undefined ? undefined : { before: text, after: text })));
    if (!current) throw new PromotionError('refused', `${service.file} does not exist on GitHub's ${info.defaultBranch}: fetch and try again.`);
    const result = pinRelease(current.after, bump.service, bump.version);
    if (result.kind === 'impossible') throw new PromotionError('refused', `${service.file}: ${result.reason}.`);
    if (result.kind === 'unchanged') {
      unchanged.push(result.reason);
      continue;
    }
    texts.set(service.file, { before: current.before, after: result.text });
    changed.push(await describeChange(inputs, bump.service, service.github, result.from, result.to));
  }
  for (const change of changed) {
    const exists = await inputs.tagExists?.(change.github, change.to).catch(() => undefined);
    if (exists === false) checks.push({ id: 'versions', status: 'warning', title: 'Tag not found', detail: `${inputs.serviceOwner}/${change.github} has no tag ${change.to}: Kayron would wait for an image that may never exist.` });
  }
  const files: FileChange[] = [...texts].filter(([, text]) => text.before !== text.after).map(([path, text]) => ({
    path,
    before: text.before,
    after: text.after,
    diff: unifiedDiff(text.before, text.after, { oldLabel: `a/${path}`, newLabel: `b/${path}` }),
  }));
  const title = bumpTitle(changed);
  const branch = bumpBranchName(changed);
  const body = [...changed.flatMap((change) => [changeLine(change), ...notesBlock(change)]), '', `Opened with Kayron Releases from ${info.defaultBranch} at ${short(base)}.`].join('\n');
  const draft: PlanDraft = {
    kind: 'staging',
    root: inputs.rootUri,
    repository: repositoryOf(inputs, info),
    title: changed.length > 0 ? title : 'Bump services on staging',
    summary: changed.length > 0 ? [`Open a pull request "${title}" from a new branch ${branch} off ${info.defaultBranch} (${short(base)}).`, ...unchanged] : unchanged,
    checks,
    changes: changed,
    files,
    calls: [],
    links: [],
  };
  if (changed.length === 0) {
    draft.nothingToDo = unchanged.join('; ') || 'no change';
    return { plan: finish(draft, id), recipe: undefined };
  }
  draft.pullRequest = { title, body, branch, base: info.defaultBranch };
  const existing = await remote.openPull(branch, info.defaultBranch);
  if (existing) {
    draft.pullRequest.existing = { number: existing.number, url: existing.url };
    draft.nothingToDo = `pull request #${existing.number} from ${branch} is already open.`;
    draft.links = [{ label: 'Open pull request', url: existing.url }];
    return { plan: finish(draft, id), recipe: undefined };
  }
  let reuseBranch = false;
  const branchHead = await remote.refSha(`heads/${branch}`);
  if (branchHead) {
    const same = await Promise.all(files.map(async (file) => (await remote.file(file.path, branchHead)) === file.after));
    if (same.every(Boolean)) {
      reuseBranch = true;
      checks.push({ id: 'branch-exists', status: 'ok', title: 'Branch exists with these changes', detail: `${branch} (${short(branchHead)}) already has exactly these files: it is reused, only the pull request is opened.` });
    } else {
      checks.push({ id: 'branch-exists', status: 'error', title: 'Branch exists', detail: `${branch} already exists with other content: delete it on GitHub or choose other versions.` });
    }
  }
  draft.calls = reuseBranch
    ? [{ method: 'POST', path: remote.path('/pulls'), purpose: `open "${title}"` }]
    : [
        ...files.map((file) => ({ method: 'POST', path: remote.path('/git/blobs'), purpose: `store the new ${file.path}` })),
        { method: 'POST', path: remote.path('/git/trees'), purpose: `tree of ${short(base)} with the new files` },
        { method: 'POST', path: remote.path('/git/commits'), purpose: `commit "${title}" on ${short(base)}` },
        { method: 'POST', path: remote.path('/git/refs'), purpose: `create ${refName(branch)}` },
        { method: 'POST', path: remote.path('/pulls'), purpose: `open "${title}" into ${info.defaultBranch}` },
      ];
  const plan = finish(draft, id);
  return {
    plan,
    recipe: plan.blocked
      ? undefined
      : { kind: 'staging', base, defaultBranch: info.defaultBranch, branch, title, body, files: files.map((file) => ({ path: file.path, text: file.after })), reuseBranch },
  };
}

/** Blob per file, one tree on `base`, one commit; returns the commit SHA (a placeholder in a dry run). */
async function commitFiles(executor: PromotionExecutor, remote: RemoteRepository, base: string, files: readonly { path: string; text: string }[], message: string): Promise<string> {
  const tree: { path: string; mode: string; type: string; sha: string }[] = [];
  for (const [index, file] of files.entries()) {
    const blob = await executor.mutate<{ sha?: string }>('POST', remote.path('/git/blobs'), { content: Buffer.from(file.text, 'utf8').toString('base64'), encoding: 'base64' }, { sha: `dry-run-blob-${index + 1}` });
    if (blob.status !== 201 && blob.status !== 0) throw new PromotionError('failed', executor.describeFailure(blob, `Storing ${file.path}`));
    tree.push({ path: file.path, mode: '100644', type: 'blob', sha: blob.data.sha ?? '' });
  }
  const baseTree = await remote.treeOf(base);
  const newTree = await executor.mutate<{ sha?: string }>('POST', remote.path('/git/trees'), { base_tree: baseTree, tree }, { sha: 'dry-run-tree' });
  if (newTree.status !== 201 && newTree.status !== 0) throw new PromotionError('failed', executor.describeFailure(newTree, 'Creating the tree'));
  const commit = await executor.mutate<{ sha?: string }>('POST', remote.path('/git/commits'), { message, tree: newTree.data.sha, parents: [base] }, { sha: 'dry-run-commit' });
  if (commit.status !== 201 && commit.status !== 0) throw new PromotionError('failed', executor.describeFailure(commit, 'Creating the commit'));
  return commit.data.sha ?? '';
}

async function executeStaging(inputs: PromotionInputs, executor: PromotionExecutor, recipe: Extract<Recipe, { kind: 'staging' }>): Promise<ExecutionOutcome> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const openPullOutcome = (pull: { number: number; url: string }, verb: string): ExecutionOutcome => ({
    message: `${verb} pull request #${pull.number} "${recipe.title}".`,
    links: [{ label: 'Open pull request', url: pull.url }],
  });
  const existing = await remote.openPull(recipe.branch, recipe.defaultBranch);
  if (existing) return openPullOutcome(existing, 'Already open:');
  const base = await remote.refSha(`heads/${recipe.defaultBranch}`);
  if (base !== recipe.base) throw new PromotionError('stale', `${recipe.defaultBranch} moved since the preview (${short(recipe.base)} → ${short(base)}): preview again.`);

  let created = false;
  const branchHead = await remote.refSha(`heads/${recipe.branch}`);
  if (branchHead) {
    const same = await Promise.all(recipe.files.map(async (file) => (await remote.file(file.path, branchHead)) === file.text));
    if (!same.every(Boolean)) throw new PromotionError('conflict', `The branch ${recipe.branch} exists with other content; nothing was changed.`);
  } else {
    const commit = await commitFiles(executor, remote, recipe.base, recipe.files, recipe.title);
    let ref;
    try {
      ref = await executor.mutate('POST', remote.path('/git/refs'), { ref: refName(recipe.branch), sha: commit }, {});
    } catch (error) {
      ref = { lost: describeLostAnswer(error) };
    }
    if ('lost' in ref || ref.status >= 500) {
      // GitHub may have created the branch anyway: its state decides.
      const what = 'lost' in ref ? ref.lost : `failed: ${executor.describeFailure(ref, 'GitHub')}`;
      const head = await remote.refSha(`heads/${recipe.branch}`).catch(() => null);
      if (head === null) throw new PromotionError('failed', `Creating the branch ${recipe.branch} ${what}, and GitHub could not be asked whether it exists: look on GitHub before running the promotion again (it reuses the branch when it has exactly these changes).`);
      if (head === undefined) throw new PromotionError('failed', `Creating the branch ${recipe.branch} ${what}; GitHub has no such branch, so nothing is left behind.`);
      if (head !== commit) throw new PromotionError('conflict', `Creating the branch ${recipe.branch} ${what}, and the branch now exists at ${short(head)}, not at this run's commit ${short(commit)}; nothing else was changed.`);
    } else {
      if (ref.status === 422) throw new PromotionError('conflict', executor.describeFailure(ref, `Creating ${recipe.branch}`));
      if (ref.status !== 201 && ref.status !== 0) throw new PromotionError('failed', executor.describeFailure(ref, `Creating ${recipe.branch}`));
    }
    created = !executor.dryRun;
  }

  /** Leaves no branch without its pull request behind: delete what this run created, then report. */
  const cleanUp = async (reason: string): Promise<never> => {
    if (!created) throw new PromotionError('failed', reason);
    const removal = await executor.mutate('DELETE', remote.path(`/git/refs/${encodePath(`heads/${recipe.branch}`)}`), undefined, {}).catch(() => undefined);
    const removed = removal !== undefined && (removal.status === 204 || removal.status === 200);
    throw new PromotionError('failed', `${reason} ${removed ? `The branch ${recipe.branch} was deleted again; nothing is left behind.` : `Deleting the branch ${recipe.branch} failed too: delete it on GitHub.`}`);
  };
  /**
   * No answer, or a 5xx: GitHub may have opened the pull request anyway, and deleting its branch would close it. So
   * ask first: an open pull request is the result; only without one is the branch removed again.
   */
  const afterLostAnswer = async (reason: string): Promise<ExecutionOutcome> => {
    let opened;
    try {
      opened = await remote.openPull(recipe.branch, recipe.defaultBranch);
    } catch {
      throw new PromotionError(
        'failed',
        `${reason} GitHub could not be asked whether the pull request was opened, so the branch ${recipe.branch} is kept (deleting it would close a pull request that may exist): look at ${releasesUrl(inputs, `/pulls`)}. Running the promotion again opens the pull request if there is none.`,
      );
    }
    if (opened) return openPullOutcome(opened, "Opened (GitHub's answer was lost; the pull request is there)");
    return cleanUp(reason);
  };
  let pull;
  try {
    pull = await executor.mutate<{ number?: number; html_url?: string }>(
      'POST',
      remote.path('/pulls'),
      { title: recipe.title, head: recipe.branch, base: recipe.defaultBranch, body: recipe.body },
      { number: 0, html_url: releasesUrl(inputs, `/compare/${encodePath(recipe.defaultBranch)}...${encodePath(recipe.branch)}`) },
    );
  } catch (error) {
    return afterLostAnswer(`Opening the pull request failed: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (pull.status === 422) {
    // Someone (or an earlier run whose answer was lost) opened it meanwhile: that one is the result.
    const raced = await remote.openPull(recipe.branch, recipe.defaultBranch);
    if (raced) return openPullOutcome(raced, 'Already open:');
    return cleanUp(`${executor.describeFailure(pull, 'Opening the pull request')}.`);
  }
  if (pull.status >= 500) return afterLostAnswer(`${executor.describeFailure(pull, 'Opening the pull request')}.`);
  if (pull.status !== 201 && pull.status !== 0) return cleanUp(`${executor.describeFailure(pull, 'Opening the pull request')}.`);
  if (executor.dryRun) return { message: `Would open "${recipe.title}" from ${recipe.branch}.`, links: [] };
  return openPullOutcome({ number: pull.data.number ?? 0, url: pull.data.html_url ?? '' }, 'Opened');
}

// ───────────────────────────── testing ─────────────────────────────

async function planTestingDeploy(inputs: PromotionInputs, executor: PromotionExecutor, request: Extract<PromotionRequest, { kind: 'testing-deploy' }>, id: string): Promise<Planned> {
  const branchName = request.branch.trim();
  if (branchName === '' || /[\s~^:?*[\\]|\.\.|@\{/.test(branchName)) throw new PromotionError('refused', `${JSON.stringify(request.branch)} is not a branch name.`);
  const { remote, info } = await openRepository(inputs, executor);
  const testingHead = await remote.refSha(`heads/${TESTING_BRANCH}`);
  const defaultHead = await remote.refSha(`heads/${info.defaultBranch}`);
  const base = testingHead ?? defaultHead;
  if (!base) throw new PromotionError('failed', `GitHub has neither ${TESTING_BRANCH} nor ${info.defaultBranch} in ${inputs.repository.owner}/${inputs.repository.repo}.`);
  const services = await serviceFiles(inputs, [base, `origin/${TESTING_BRANCH}`, `origin/${info.defaultBranch}`, info.defaultBranch]);
  const service = services.get(request.service);
  if (!service) throw new PromotionError('refused', `${request.service} is not a service of the releases repository.`);
  const before = await remote.file(service.file, base);
  if (before === undefined) throw new PromotionError('refused', `${service.file} does not exist at ${short(base)} on GitHub: fetch and try again.`);
  const result = followBranch(before, request.service, branchName);
  if (result.kind === 'impossible') throw new PromotionError('refused', `${service.file}: ${result.reason}.`);
  const checks: PreflightCheck[] = [];
  const exists = await inputs.branchExists?.(service.github, branchName).catch(() => undefined);
  if (exists === false) {
    checks.push({ id: 'service-branch', status: 'warning', title: 'Branch not found', detail: `${inputs.serviceOwner}/${service.github} has no branch ${branchName}: Kayron would find no desired ref for ${request.service}.` });
  }
  if (service.kind === 'infrastructure') {
    checks.push({ id: 'service-branch', status: 'warning', title: 'Infrastructure follows a branch', detail: 'If the branch goes away, the infrastructure release gets no desired ref and the Kayron operator can exit.' });
  }
  const message = `Deploy ${request.service} branch ${branchName} to ${TESTING_BRANCH}`;
  const draft: PlanDraft = {
    kind: 'testing-deploy',
    root: inputs.rootUri,
    repository: repositoryOf(inputs, info),
    title: message,
    summary: [
      testingHead ? `Commit on ${TESTING_BRANCH} (${short(testingHead)}) and fast-forward it.` : `Create ${TESTING_BRANCH} from ${info.defaultBranch} (${short(defaultHead)}) with one commit.`,
      `${request.service}: ${result.kind === 'changed' ? `${result.from} → ${result.to}` : result.reason}.`,
    ],
    checks,
    changes: result.kind === 'changed' ? [{ service: request.service, github: service.github, from: result.from, to: result.to }] : [],
    files:
      result.kind === 'changed'
        ? [{ path: service.file, before, after: result.text, diff: unifiedDiff(before, result.text, { oldLabel: `${TESTING_BRANCH}/${service.file}`, newLabel: `${TESTING_BRANCH}/${service.file}` }) }]
        : [],
    calls: [],
    links: [{ label: `Open ${TESTING_BRANCH} branch`, url: releasesUrl(inputs, `/tree/${encodePath(TESTING_BRANCH)}`) }],
    testing: { branch: TESTING_BRANCH, exists: testingHead !== undefined, from: testingHead, to: undefined },
  };
  if (result.kind === 'unchanged') {
    draft.nothingToDo = `${result.reason}.`;
    return { plan: finish(draft, id), recipe: undefined };
  }
  draft.calls = [
    { method: 'POST', path: remote.path('/git/blobs'), purpose: `store the new ${service.file}` },
    { method: 'POST', path: remote.path('/git/trees'), purpose: `tree of ${short(base)} with it` },
    { method: 'POST', path: remote.path('/git/commits'), purpose: `commit "${message}"` },
    testingHead
      ? { method: 'PATCH', path: remote.path(`/git/refs/heads/${TESTING_BRANCH}`), purpose: `fast-forward ${TESTING_BRANCH} (force: false)` }
      : { method: 'POST', path: remote.path('/git/refs'), purpose: `create ${refName(TESTING_BRANCH)}` },
  ];
  const plan = finish(draft, id);
  return { plan, recipe: plan.blocked ? undefined : { kind: 'testing-deploy', exists: testingHead !== undefined, base, path: service.file, text: result.text, message } };
}

async function executeTestingDeploy(inputs: PromotionInputs, executor: PromotionExecutor, recipe: Extract<Recipe, { kind: 'testing-deploy' }>): Promise<ExecutionOutcome> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const branchUrl = releasesUrl(inputs, `/tree/${encodePath(TESTING_BRANCH)}`);
  const now = await remote.refSha(`heads/${TESTING_BRANCH}`);
  const expected = recipe.exists ? recipe.base : undefined;
  if (now !== expected) {
    if (now && (await remote.file(recipe.path, now)) === recipe.text) return { message: `${TESTING_BRANCH} already has this change (${short(now)}).`, links: [{ label: `Open ${TESTING_BRANCH} branch`, url: branchUrl }] };
    throw new PromotionError('stale', `${TESTING_BRANCH} moved since the preview (${short(expected) === '?' ? 'missing' : short(expected)} → ${now ? short(now) : 'missing'}): preview again.`);
  }
  const commit = await commitFiles(executor, remote, recipe.base, [{ path: recipe.path, text: recipe.text }], recipe.message);
  let update;
  try {
    update = recipe.exists
      ? await executor.mutate('PATCH', remote.path(`/git/refs/heads/${TESTING_BRANCH}`), { sha: commit, force: false }, {})
      : await executor.mutate('POST', remote.path('/git/refs'), { ref: refName(TESTING_BRANCH), sha: commit }, {});
  } catch (error) {
    update = { lost: describeLostAnswer(error) };
  }
  if ('lost' in update || update.status >= 500) {
    const what = 'lost' in update ? update.lost : `failed: ${executor.describeFailure(update, 'GitHub')}`;
    await testingAfterLostAnswer(remote, `Updating ${TESTING_BRANCH} ${what}`, commit);
    return { message: `Updated ${TESTING_BRANCH}: ${recipe.message} (GitHub's answer was lost; ${TESTING_BRANCH} is at the new commit).`, links: [{ label: 'Open commit', url: releasesUrl(inputs, `/commit/${commit}`) }, { label: `Open ${TESTING_BRANCH} branch`, url: branchUrl }] };
  }
  if (update.status === 422) throw new PromotionError('stale', `${executor.describeFailure(update, `Updating ${TESTING_BRANCH}`)}: it moved meanwhile; nothing was changed. Preview again.`);
  if (![200, 201, 0].includes(update.status)) throw new PromotionError('failed', executor.describeFailure(update, `Updating ${TESTING_BRANCH}`));
  const commitUrl = releasesUrl(inputs, `/commit/${commit}`);
  return {
    message: `${executor.dryRun ? 'Would update' : 'Updated'} ${TESTING_BRANCH}: ${recipe.message}.`,
    links: executor.dryRun ? [] : [{ label: 'Open commit', url: commitUrl }, { label: `Open ${TESTING_BRANCH} branch`, url: branchUrl }],
  };
}

async function planTestingReset(inputs: PromotionInputs, executor: PromotionExecutor, id: string): Promise<Planned> {
  const { remote, info } = await openRepository(inputs, executor);
  const testingHead = await remote.refSha(`heads/${TESTING_BRANCH}`);
  const defaultHead = await remote.refSha(`heads/${info.defaultBranch}`);
  if (!defaultHead) throw new PromotionError('failed', `GitHub has no ${info.defaultBranch} branch.`);
  const draft: PlanDraft = {
    kind: 'testing-reset',
    root: inputs.rootUri,
    repository: repositoryOf(inputs, info),
    title: `Reset ${TESTING_BRANCH} to ${info.defaultBranch}`,
    summary: [],
    checks: [],
    changes: [],
    files: [],
    calls: [],
    links: [{ label: `Open ${TESTING_BRANCH} branch`, url: releasesUrl(inputs, `/tree/${encodePath(TESTING_BRANCH)}`) }],
    testing: { branch: TESTING_BRANCH, exists: testingHead !== undefined, from: testingHead, to: defaultHead },
  };
  if (!testingHead || testingHead === defaultHead) {
    draft.nothingToDo = testingHead ? `${TESTING_BRANCH} is already at ${info.defaultBranch} (${short(defaultHead)}).` : `there is no ${TESTING_BRANCH} branch: Kayron already runs ${info.defaultBranch} in testing.`;
    return { plan: finish(draft, id), recipe: undefined };
  }
  draft.summary = [`Force-update ${TESTING_BRANCH} from ${short(testingHead)} to ${info.defaultBranch}'s ${short(defaultHead)}.`];
  const git = inputs.git;
  const local = git ? await Promise.all([git.revParse(testingHead).catch(() => undefined), git.revParse(defaultHead).catch(() => undefined)]) : [];
  if (!git || !local[0] || !local[1]) {
    draft.checks.push({ id: 'local-current', status: 'error', title: 'Local view is behind GitHub', detail: `The clone lacks ${TESTING_BRANCH} (${short(testingHead)}) or ${info.defaultBranch} (${short(defaultHead)}) as GitHub has them: fetch (git fetch origin) and preview again.` });
  } else {
    draft.checks.push({ id: 'local-current', status: 'ok', title: 'Local view is current', detail: `Both ${short(testingHead)} and ${short(defaultHead)} are in this clone.` });
    const snapshots = await snapshotCommits(git, [testingHead, defaultHead], inputs.analyze);
    const before = snapshots.get(testingHead);
    const after = snapshots.get(defaultHead);
    if (after && !after.error) {
      draft.changes = await serviceDifferences(inputs, before, after);
      draft.files = await fileChanges(git, before, after, [TESTING_BRANCH, info.defaultBranch]);
    }
    const counts = await git.aheadBehind(testingHead, defaultHead).catch(() => undefined);
    if (counts && counts.ahead > 0) {
      draft.checks.push({
        id: 'testing-ahead',
        status: 'warning',
        title: `${TESTING_BRANCH} has its own commits`,
        detail: `${counts.ahead} commit${counts.ahead === 1 ? '' : 's'} on ${TESTING_BRANCH} ${counts.ahead === 1 ? 'is' : 'are'} not on ${info.defaultBranch} and will no longer be on ${TESTING_BRANCH}.`,
      });
    }
  }
  draft.calls = [
    { method: 'GET', path: remote.path(`/git/ref/heads/${TESTING_BRANCH}`), purpose: `check that ${TESTING_BRANCH} is still at ${short(testingHead)}` },
    { method: 'PATCH', path: remote.path(`/git/refs/heads/${TESTING_BRANCH}`), purpose: `set it to ${short(defaultHead)} (force: true)` },
  ];
  const plan = finish(draft, id);
  return { plan, recipe: plan.blocked ? undefined : { kind: 'testing-reset', from: testingHead, to: defaultHead } };
}

async function executeTestingReset(inputs: PromotionInputs, executor: PromotionExecutor, recipe: Extract<Recipe, { kind: 'testing-reset' }>): Promise<ExecutionOutcome> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const links = [{ label: `Open ${TESTING_BRANCH} branch`, url: releasesUrl(inputs, `/tree/${encodePath(TESTING_BRANCH)}`) }];
  const now = await remote.refSha(`heads/${TESTING_BRANCH}`);
  if (now === recipe.to) return { message: `${TESTING_BRANCH} is already at ${short(recipe.to)}.`, links };
  if (now !== recipe.from) throw new PromotionError('stale', `${TESTING_BRANCH} moved since the preview (${short(recipe.from)} → ${now ? short(now) : 'missing'}): preview again.`);
  let update;
  try {
    update = await executor.mutate('PATCH', remote.path(`/git/refs/heads/${TESTING_BRANCH}`), { sha: recipe.to, force: true }, {});
  } catch (error) {
    update = { lost: describeLostAnswer(error) };
  }
  if ('lost' in update || update.status >= 500) {
    await testingAfterLostAnswer(remote, `Resetting ${TESTING_BRANCH} ${'lost' in update ? update.lost : `failed: ${executor.describeFailure(update, 'GitHub')}`}`, recipe.to);
    return { message: `Reset ${TESTING_BRANCH} to ${short(recipe.to)} (GitHub's answer was lost; ${TESTING_BRANCH} is there).`, links };
  }
  if (![200, 0].includes(update.status)) throw new PromotionError('failed', executor.describeFailure(update, `Resetting ${TESTING_BRANCH}`));
  return { message: `${executor.dryRun ? 'Would reset' : 'Reset'} ${TESTING_BRANCH} to ${short(recipe.to)}.`, links };
}

/** After a ref update whose answer was lost: returns when `testing` is at `wanted`, else reports where it is. */
async function testingAfterLostAnswer(remote: RemoteRepository, what: string, wanted: string): Promise<void> {
  const now = await remote.refSha(`heads/${TESTING_BRANCH}`).catch(() => null);
  if (now === wanted) return;
  if (now === null) throw new PromotionError('failed', `${what}, and GitHub could not be asked where ${TESTING_BRANCH} is: look on GitHub before running it again.`);
  throw new PromotionError('failed', `${what}; ${TESTING_BRANCH} is ${now ? `at ${short(now)}` : 'missing'} on GitHub, so it was not changed.`);
}

// ───────────────────────────── entry points ─────────────────────────────

export function planPromotion(inputs: PromotionInputs, executor: PromotionExecutor, request: PromotionRequest, id: string): Promise<Planned> {
  switch (request.kind) {
    case 'production':
      return planProduction(inputs, executor, request, id);
    case 'staging':
      return planStaging(inputs, executor, request, id);
    case 'testing-deploy':
      return planTestingDeploy(inputs, executor, request, id);
    case 'testing-reset':
      return planTestingReset(inputs, executor, id);
  }
}

export function executeRecipe(inputs: PromotionInputs, executor: PromotionExecutor, recipe: Recipe): Promise<ExecutionOutcome> {
  switch (recipe.kind) {
    case 'production':
      return executeProduction(inputs, executor, recipe);
    case 'staging':
      return executeStaging(inputs, executor, recipe);
    case 'testing-deploy':
      return executeTestingDeploy(inputs, executor, recipe);
    case 'testing-reset':
      return executeTestingReset(inputs, executor, recipe);
  }
}
