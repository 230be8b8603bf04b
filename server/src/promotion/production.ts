/**
 * Staging → production: a GitHub release of the default branch's head. The preview compares the latest release with
 * that head in the local clone (services, files, CloudFormation parameters) after checking that the clone is current,
 * that staging passes Kayron and pins every service, and that the tag is new.
 */
import * as semver from 'semver';
import { isReleaseTag, newestReleaseTag, resolveEnvironments } from '../environments/resolve';
import type { EnvironmentSnapshot } from '../environments/snapshot';
import { fileChanges, labelOf, serviceDifferences, snapshotCommits } from './changes';
import type { PromotionExecutor } from './executor';
import {
  describeLostAnswer,
  releasesUrl,
  repositoryOf,
  short,
  type ExecutionOutcome,
  type PlanDraft,
  type PlannedFlow,
  type PromotionFlow,
  type PromotionInputs,
} from './flow';
import { encodePath } from './github-api';
import { finishPlan, localViewBehind, localViewCurrent, openWritableRepository } from './preflight';
import { changeLine } from './preview';
import { PromotionError, RemoteRepository, type ReleaseState } from './remote';
import type { PreflightCheck, PromotionLink, PromotionRequest } from './types';

export type ProductionRequest = Extract<PromotionRequest, { kind: 'production' }>;
export type ProductionRecipe = { kind: 'production'; tag: string; target: string; name: string; body: string };

/** How many taken tags a proposal skips before it is offered anyway (and the tag check says it exists). */
const MAX_TAG_PROPOSAL_ATTEMPTS = 20;

export interface TagProposals {
  patch: string;
  minor: string;
  major: string;
}

/** Next tags after `latest` (v-prefixed semver); from nothing, v0.1.0 / v0.1.0 / v1.0.0. */
export function proposeTags(latest: string | undefined): TagProposals {
  const version = latest && isReleaseTag(latest) ? semver.parse(latest.slice(1)) : null;
  if (!version) return { patch: 'v0.1.0', minor: 'v0.1.0', major: 'v1.0.0' };
  const bump = (kind: 'patch' | 'minor' | 'major'): string =>
    `v${semver.inc(version.version, kind) ?? version.version}`;
  return { patch: bump('patch'), minor: bump('minor'), major: bump('major') };
}

/** Tag proposals moved past tags that exist already (v0.6.11 taken → v0.6.12), asking `taken` a bounded number of times. */
export async function freeTagProposals(
  proposals: TagProposals,
  taken: (tag: string) => Promise<boolean>,
): Promise<TagProposals> {
  const free = async (tag: string, kind: 'patch' | 'minor' | 'major'): Promise<string> => {
    let candidate = tag;
    for (let attempt = 0; attempt < MAX_TAG_PROPOSAL_ATTEMPTS && (await taken(candidate)); attempt++) {
      const next = semver.inc(candidate.slice(1), kind);
      if (!next) break;
      candidate = `v${next}`;
    }
    return candidate;
  };
  return {
    patch: await free(proposals.patch, 'patch'),
    minor: await free(proposals.minor, 'minor'),
    major: await free(proposals.major, 'major'),
  };
}

async function planProduction(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  request: ProductionRequest,
  id: string,
): Promise<PlannedFlow<ProductionRecipe>> {
  const { remote, info } = await openWritableRepository(inputs, executor);
  const git = inputs.git;
  if (!git)
    throw new PromotionError(
      'refused',
      'Promoting to production compares git refs: open a clone of the releases repository.',
    );
  const latest = await remote.latestRelease();
  const defaultHead = await remote.refSha(`heads/${info.defaultBranch}`);
  if (!defaultHead)
    throw new PromotionError(
      'failed',
      `GitHub has no ${info.defaultBranch} branch in ${inputs.repository.owner}/${inputs.repository.repo}.`,
    );
  const resolution = await resolveEnvironments(git, {
    providers: {
      latestReleaseTag: () => Promise.resolve(latest?.tag),
      remoteBranchHead: (branch) =>
        branch === info.defaultBranch ? Promise.resolve(defaultHead) : Promise.resolve('unknown'),
    },
  });
  const staging = resolution.environments.find((environment) => environment.kind === 'staging');
  const production = resolution.environments.find((environment) => environment.kind === 'production');
  const checks: PreflightCheck[] = [];
  const localCommit = staging?.commit;
  if (localCommit !== defaultHead) {
    checks.push(
      localViewBehind(
        `GitHub's ${info.defaultBranch} is at ${short(defaultHead)}, your clone's ${staging?.ref ?? 'default branch'} at ${short(localCommit)}: fetch (git fetch origin) and preview again, so the preview shows what will be released.`,
      ),
    );
  } else if (latest && !production?.commit) {
    checks.push(
      localViewBehind(
        `The latest release ${latest.tag} is not in this clone: fetch the tags (git fetch --tags origin) and preview again.`,
      ),
    );
  } else {
    checks.push(localViewCurrent(`${info.defaultBranch} is at ${short(defaultHead)} on GitHub and in this clone.`));
  }

  const commits = [defaultHead, ...(production?.commit && latest ? [production.commit] : [])];
  const haveDefault = await git.revParse(defaultHead).catch(() => undefined);
  const snapshots = haveDefault
    ? await snapshotCommits(git, commits, inputs.analyze)
    : new Map<string, EnvironmentSnapshot>();
  const stagingSnapshot = snapshots.get(defaultHead);
  const productionSnapshot = production?.commit && latest ? snapshots.get(production.commit) : undefined;

  if (stagingSnapshot && !stagingSnapshot.error) {
    const errors = [
      ...(stagingSnapshot.verdict ? [`${stagingSnapshot.verdict.file}: ${stagingSnapshot.verdict.message}`] : []),
      ...stagingSnapshot.problems.map((problem) => `${problem.file}: ${problem.message}`),
      ...stagingSnapshot.services
        .filter((service) => service.hasErrors)
        .map((service) => `${service.file}: ${service.key} has errors`),
    ];
    const unique = [...new Set(errors)];
    checks.push(
      unique.length > 0
        ? {
            id: 'kayron-errors',
            status: 'error',
            title: 'Staging has Kayron errors',
            detail: unique.slice(0, 5).join('; '),
          }
        : {
            id: 'kayron-errors',
            status: 'ok',
            title: 'Staging passes Kayron',
            detail: `kayron lint passes at ${short(defaultHead)}.`,
          },
    );
    const risky = stagingSnapshot.services.filter(
      (service) => service.strategy.kind === 'branch' || service.strategy.kind === 'suspend',
    );
    checks.push(
      risky.length > 0
        ? {
            id: 'branch-or-suspend',
            status: 'warning',
            title: 'Staging has branch or suspend',
            detail: `${risky.map((service) => `${service.key} (${labelOf(service)})`).join(', ')} would go to production like this: a branch deploys whatever its head is, a suspended service is not reconciled.`,
          }
        : {
            id: 'branch-or-suspend',
            status: 'ok',
            title: 'No branch or suspend on staging',
            detail: 'Every service is pinned to a release.',
          },
    );
  }

  const localTags = (await git.listRefs())
    .filter((ref) => ref.name.startsWith('refs/tags/'))
    .map((ref) => ref.name.slice('refs/tags/'.length));
  const knownLocally = new Set(localTags);
  // A tag pushed without a release (or by another clone) is not "the latest release" but is taken all the same.
  const proposals = await freeTagProposals(
    proposeTags(latest?.tag ?? newestReleaseTag(localTags)),
    async (candidate) => knownLocally.has(candidate) || (await remote.refSha(`tags/${candidate}`)) !== undefined,
  );
  const tag = (request.tag ?? proposals.patch).trim();
  if (!isReleaseTag(tag)) {
    checks.push({
      id: 'tag',
      status: 'error',
      title: 'Tag is not a release tag',
      detail: `${JSON.stringify(tag)} is not "v" followed by a semantic version (e.g. ${proposals.patch}); Kayron cannot deploy production from it.`,
    });
  } else if (await remote.refSha(`tags/${tag}`)) {
    const existing = await remote.releaseByTag(tag);
    checks.push({
      id: 'tag',
      status: 'error',
      title: 'Tag exists',
      detail: `${tag} already exists in ${inputs.repository.owner}/${inputs.repository.repo}${existing?.url ? ` (${existing.url})` : ''}: choose another tag.`,
    });
  } else if (latest && isReleaseTag(latest.tag) && semver.lte(tag.slice(1), latest.tag.slice(1))) {
    checks.push({
      id: 'tag',
      status: 'warning',
      title: 'Tag is not newer',
      detail: `${tag} is not newer than the latest release ${latest.tag}; GitHub still makes it the latest release, so production would run it.`,
    });
  } else {
    checks.push({
      id: 'tag',
      status: 'ok',
      title: 'Tag is new',
      detail: `${tag} does not exist yet${latest ? ` and follows ${latest.tag}` : ''}.`,
    });
  }

  const differences =
    stagingSnapshot && !stagingSnapshot.error
      ? await serviceDifferences(inputs, productionSnapshot, stagingSnapshot)
      : undefined;
  const changes = differences?.changes ?? [];
  const files =
    stagingSnapshot && !stagingSnapshot.error
      ? await fileChanges(git, productionSnapshot, stagingSnapshot, [latest?.tag ?? 'production', info.defaultBranch])
      : [];
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
  const nothingToDo =
    latest && production?.commit === defaultHead
      ? `production already runs ${short(defaultHead)} (${latest.tag}).`
      : undefined;
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
      {
        method: 'GET',
        path: remote.path(`/git/ref/tags/${encodePath(tag)}`),
        purpose: 'check again that the tag is new',
      },
      {
        method: 'POST',
        path: remote.path('/releases'),
        purpose: `create release ${tag} with target_commitish ${defaultHead}`,
      },
    ],
    links: latest ? [{ label: 'Open current release', url: latest.url }] : [],
    release: { tag, previousTag: latest?.tag, targetCommit: defaultHead, name: tag, body, proposals },
    ...(differences ? { parameters: differences.parameters } : {}),
  };
  if (nothingToDo) draft.nothingToDo = nothingToDo;
  const plan = finishPlan(draft, id);
  return {
    plan,
    recipe: plan.blocked || nothingToDo ? undefined : { kind: 'production', tag, target: defaultHead, name: tag, body },
  };
}

async function executeProduction(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  recipe: ProductionRecipe,
): Promise<ExecutionOutcome> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const plannedUrl = releasesUrl(inputs, `/releases/tag/${encodePath(recipe.tag)}`);
  const linkTo = (url: string | undefined): PromotionLink[] => [{ label: 'Open release', url: url || plannedUrl }];
  const conflict = (state: Extract<ReleaseState, { kind: 'elsewhere' }>): PromotionError =>
    new PromotionError(
      'conflict',
      `The tag ${recipe.tag} already exists on ${short(state.commit)}, not on the planned ${short(recipe.target)}${state.url ? ` (${state.url})` : ''}; no release was created.`,
    );
  // Idempotent: the release this recipe describes may exist already (an earlier run whose answer was lost).
  const before = await remote.releaseState(recipe.tag, recipe.target);
  if (before.kind === 'released')
    return {
      message: `Release ${recipe.tag} already exists on ${short(recipe.target)}; nothing was changed.`,
      links: linkTo(before.url),
    };
  if (before.kind === 'elsewhere') throw conflict(before);

  /** After an answer that does not say what happened, GitHub's state is the answer. */
  const afterLostAnswer = async (what: string): Promise<ExecutionOutcome> => {
    let after: ReleaseState;
    try {
      after = await remote.releaseState(recipe.tag, recipe.target);
    } catch {
      throw new PromotionError(
        'failed',
        `Creating release ${recipe.tag} ${what}, and GitHub could not be asked whether it exists: look at ${plannedUrl}. Running the promotion again is safe: a release ${recipe.tag} on ${short(recipe.target)} counts as done.`,
      );
    }
    if (after.kind === 'released')
      return {
        message: `Created release ${recipe.tag} on ${short(recipe.target)} (GitHub's answer was lost; the release is there).`,
        links: linkTo(after.url),
      };
    if (after.kind === 'elsewhere') throw conflict(after);
    const left =
      after.kind === 'tag-only'
        ? `GitHub has the tag ${recipe.tag} on ${short(recipe.target)} but no release: running the promotion again creates the release on it.`
        : 'no release was created.';
    throw new PromotionError('failed', `Creating release ${recipe.tag} ${what}; ${left}`);
  };
  let response;
  try {
    // A bare tag on the planned commit (from a lost answer) is used as it is: GitHub releases an existing tag.
    response = await executor.mutate<{ html_url?: string }>(
      'POST',
      remote.path('/releases'),
      {
        tag_name: recipe.tag,
        target_commitish: recipe.target,
        name: recipe.name,
        body: recipe.body,
        draft: false,
        prerelease: false,
        make_latest: 'true',
      },
      { html_url: plannedUrl },
    );
  } catch (error) {
    return afterLostAnswer(describeLostAnswer(error));
  }
  if (response.status >= 500) return afterLostAnswer(`failed: ${executor.describeFailure(response, 'GitHub')}`);
  if (response.status === 422) {
    // Someone released meanwhile: the same release is success, anything else a conflict.
    const raced = await remote.releaseState(recipe.tag, recipe.target).catch(() => undefined);
    if (raced?.kind === 'released')
      return {
        message: `Release ${recipe.tag} already exists on ${short(recipe.target)}; nothing was changed.`,
        links: linkTo(raced.url),
      };
    if (raced?.kind === 'elsewhere') throw conflict(raced);
    throw new PromotionError('conflict', executor.describeFailure(response, `Creating release ${recipe.tag}`));
  }
  if (response.status !== 201 && response.status !== 0)
    throw new PromotionError('failed', executor.describeFailure(response, `Creating release ${recipe.tag}`));
  return {
    message: `${executor.dryRun ? 'Would create' : 'Created'} release ${recipe.tag} on ${short(recipe.target)}.`,
    links: linkTo(response.data.html_url),
  };
}

export const productionFlow: PromotionFlow<ProductionRequest, ProductionRecipe> = {
  plan: planProduction,
  execute: executeProduction,
};
