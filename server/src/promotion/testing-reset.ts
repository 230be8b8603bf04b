/**
 * Testing → staging: force the releases repository's `testing` branch back to the default branch's head, after
 * showing what testing runs that staging does not (services, files, CloudFormation parameters, its own commits).
 */
import { fileChanges, serviceDifferences, snapshotCommits } from './changes';
import type { PromotionExecutor } from './executor';
import {
  describeLostAnswer,
  releasesUrl,
  repositoryOf,
  short,
  TESTING_BRANCH,
  type ExecutionOutcome,
  type PlanDraft,
  type PlannedFlow,
  type PromotionFlow,
  type PromotionInputs,
} from './flow';
import { encodePath } from './github-api';
import { finishPlan, localViewBehind, localViewCurrent, openWritableRepository } from './preflight';
import { PromotionError, RemoteRepository } from './remote';
import type { PromotionRequest } from './types';

export type TestingResetRequest = Extract<PromotionRequest, { kind: 'testing-reset' }>;
export interface TestingResetRecipe {
  kind: 'testing-reset';
  from: string;
  to: string;
}

async function planTestingReset(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  id: string,
): Promise<PlannedFlow<TestingResetRecipe>> {
  const { remote, info } = await openWritableRepository(inputs, executor);
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
    links: [
      { label: `Open ${TESTING_BRANCH} branch`, url: releasesUrl(inputs, `/tree/${encodePath(TESTING_BRANCH)}`) },
    ],
    testing: { branch: TESTING_BRANCH, exists: testingHead !== undefined, from: testingHead, to: defaultHead },
  };
  if (!testingHead || testingHead === defaultHead) {
    draft.nothingToDo = testingHead
      ? `${TESTING_BRANCH} is already at ${info.defaultBranch} (${short(defaultHead)}).`
      : `there is no ${TESTING_BRANCH} branch: Kayron already runs ${info.defaultBranch} in testing.`;
    return { plan: finishPlan(draft, id), recipe: undefined };
  }
  draft.summary = [
    `Force-update ${TESTING_BRANCH} from ${short(testingHead)} to ${info.defaultBranch}'s ${short(defaultHead)}.`,
  ];
  const git = inputs.git;
  const local = git
    ? await Promise.all([
        git.revParse(testingHead).catch(() => undefined),
        git.revParse(defaultHead).catch(() => undefined),
      ])
    : [];
  if (!git || !local[0] || !local[1]) {
    draft.checks.push(
      localViewBehind(
        `The clone lacks ${TESTING_BRANCH} (${short(testingHead)}) or ${info.defaultBranch} (${short(defaultHead)}) as GitHub has them: fetch (git fetch origin) and preview again.`,
      ),
    );
  } else {
    draft.checks.push(localViewCurrent(`Both ${short(testingHead)} and ${short(defaultHead)} are in this clone.`));
    const snapshots = await snapshotCommits(git, [testingHead, defaultHead], inputs.analyze);
    const before = snapshots.get(testingHead);
    const after = snapshots.get(defaultHead);
    if (after && !after.error) {
      ({ changes: draft.changes, parameters: draft.parameters } = await serviceDifferences(inputs, before, after));
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
    {
      method: 'GET',
      path: remote.path(`/git/ref/heads/${TESTING_BRANCH}`),
      purpose: `check that ${TESTING_BRANCH} is still at ${short(testingHead)}`,
    },
    {
      method: 'PATCH',
      path: remote.path(`/git/refs/heads/${TESTING_BRANCH}`),
      purpose: `set it to ${short(defaultHead)} (force: true)`,
    },
  ];
  const plan = finishPlan(draft, id);
  return { plan, recipe: plan.blocked ? undefined : { kind: 'testing-reset', from: testingHead, to: defaultHead } };
}

async function executeTestingReset(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  recipe: TestingResetRecipe,
): Promise<ExecutionOutcome> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const links = [
    { label: `Open ${TESTING_BRANCH} branch`, url: releasesUrl(inputs, `/tree/${encodePath(TESTING_BRANCH)}`) },
  ];
  const now = await remote.refSha(`heads/${TESTING_BRANCH}`);
  if (now === recipe.to) return { message: `${TESTING_BRANCH} is already at ${short(recipe.to)}.`, links };
  if (now !== recipe.from)
    throw new PromotionError(
      'stale',
      `${TESTING_BRANCH} moved since the preview (${short(recipe.from)} → ${now ? short(now) : 'missing'}): preview again.`,
    );
  let update;
  try {
    update = await executor.mutate(
      'PATCH',
      remote.path(`/git/refs/heads/${TESTING_BRANCH}`),
      { sha: recipe.to, force: true },
      {},
    );
  } catch (error) {
    update = { lost: describeLostAnswer(error) };
  }
  if ('lost' in update || update.status >= 500) {
    await remote.branchAfterLostAnswer(
      TESTING_BRANCH,
      `Resetting ${TESTING_BRANCH} ${'lost' in update ? update.lost : `failed: ${executor.describeFailure(update, 'GitHub')}`}`,
      recipe.to,
    );
    return {
      message: `Reset ${TESTING_BRANCH} to ${short(recipe.to)} (GitHub's answer was lost; ${TESTING_BRANCH} is there).`,
      links,
    };
  }
  if (![200, 0].includes(update.status))
    throw new PromotionError('failed', executor.describeFailure(update, `Resetting ${TESTING_BRANCH}`));
  return { message: `${executor.dryRun ? 'Would reset' : 'Reset'} ${TESTING_BRANCH} to ${short(recipe.to)}.`, links };
}

export const testingResetFlow: PromotionFlow<TestingResetRequest, TestingResetRecipe> = {
  plan: (inputs, executor, _request, id) => planTestingReset(inputs, executor, id),
  execute: executeTestingReset,
};
