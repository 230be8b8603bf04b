/**
 * A service's branch → testing: one commit on the releases repository's `testing` branch (created from the default
 * branch when missing) that makes the service follow a branch of its own repository, fast-forwarded (never forced).
 */
import { editedParameters, serviceFiles } from './changes';
import type { PromotionExecutor } from './executor';
import {
  describeLostAnswer,
  refName,
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
import { finishPlan, openWritableRepository } from './preflight';
import { PromotionError, RemoteRepository } from './remote';
import { followBranch } from './service-edits';
import { unifiedDiff } from './text-diff';
import type { PreflightCheck, PromotionRequest } from './types';

export type TestingDeployRequest = Extract<PromotionRequest, { kind: 'testing-deploy' }>;
export interface TestingDeployRecipe {
  kind: 'testing-deploy';
  exists: boolean;
  base: string;
  path: string;
  text: string;
  message: string;
}

async function planTestingDeploy(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  request: TestingDeployRequest,
  id: string,
): Promise<PlannedFlow<TestingDeployRecipe>> {
  const branchName = request.branch.trim();
  if (branchName === '' || /[\s~^:?*[\\]|\.\.|@\{/.test(branchName))
    throw new PromotionError('refused', `${JSON.stringify(request.branch)} is not a branch name.`);
  const { remote, info } = await openWritableRepository(inputs, executor);
  const testingHead = await remote.refSha(`heads/${TESTING_BRANCH}`);
  const defaultHead = await remote.refSha(`heads/${info.defaultBranch}`);
  const base = testingHead ?? defaultHead;
  if (!base)
    throw new PromotionError(
      'failed',
      `GitHub has neither ${TESTING_BRANCH} nor ${info.defaultBranch} in ${inputs.repository.owner}/${inputs.repository.repo}.`,
    );
  const services = await serviceFiles(inputs, [
    base,
    `origin/${TESTING_BRANCH}`,
    `origin/${info.defaultBranch}`,
    info.defaultBranch,
  ]);
  const service = services.get(request.service);
  if (!service) throw new PromotionError('refused', `${request.service} is not a service of the releases repository.`);
  const before = await remote.file(service.file, base);
  if (before === undefined)
    throw new PromotionError(
      'refused',
      `${service.file} does not exist at ${short(base)} on GitHub: fetch and try again.`,
    );
  const result = followBranch(before, request.service, branchName);
  if (result.kind === 'impossible') throw new PromotionError('refused', `${service.file}: ${result.reason}.`);
  const checks: PreflightCheck[] = [];
  const exists = await inputs.branchExists?.(service.github, branchName).catch(() => undefined);
  if (exists === false) {
    checks.push({
      id: 'service-branch',
      status: 'warning',
      title: 'Branch not found',
      detail: `${inputs.serviceOwner}/${service.github} has no branch ${branchName}: Kayron would find no desired ref for ${request.service}.`,
    });
  }
  if (service.kind === 'infrastructure') {
    checks.push({
      id: 'service-branch',
      status: 'warning',
      title: 'Infrastructure follows a branch',
      detail:
        'If the branch goes away, the infrastructure release gets no desired ref and the Kayron operator can exit.',
    });
  }
  const message = `Deploy ${request.service} branch ${branchName} to ${TESTING_BRANCH}`;
  const draft: PlanDraft = {
    kind: 'testing-deploy',
    root: inputs.rootUri,
    repository: repositoryOf(inputs, info),
    title: message,
    summary: [
      testingHead
        ? `Commit on ${TESTING_BRANCH} (${short(testingHead)}) and fast-forward it.`
        : `Create ${TESTING_BRANCH} from ${info.defaultBranch} (${short(defaultHead)}) with one commit.`,
      `${request.service}: ${result.kind === 'changed' ? `${result.from} → ${result.to}` : result.reason}.`,
    ],
    checks,
    changes:
      result.kind === 'changed'
        ? [{ service: request.service, github: service.github, from: result.from, to: result.to }]
        : [],
    files:
      result.kind === 'changed'
        ? [
            {
              path: service.file,
              before,
              after: result.text,
              diff: unifiedDiff(before, result.text, {
                oldLabel: `${TESTING_BRANCH}/${service.file}`,
                newLabel: `${TESTING_BRANCH}/${service.file}`,
              }),
            },
          ]
        : [],
    calls: [],
    links: [
      { label: `Open ${TESTING_BRANCH} branch`, url: releasesUrl(inputs, `/tree/${encodePath(TESTING_BRANCH)}`) },
    ],
    testing: { branch: TESTING_BRANCH, exists: testingHead !== undefined, from: testingHead, to: undefined },
    parameters: await editedParameters(
      inputs,
      [...services.values()],
      new Map(result.kind === 'changed' ? [[request.service, { kind: 'branch' as const, value: branchName }]] : []),
    ),
  };
  if (result.kind === 'unchanged') {
    draft.nothingToDo = `${result.reason}.`;
    return { plan: finishPlan(draft, id), recipe: undefined };
  }
  draft.calls = [
    { method: 'POST', path: remote.path('/git/blobs'), purpose: `store the new ${service.file}` },
    { method: 'POST', path: remote.path('/git/trees'), purpose: `tree of ${short(base)} with it` },
    { method: 'POST', path: remote.path('/git/commits'), purpose: `commit "${message}"` },
    testingHead
      ? {
          method: 'PATCH',
          path: remote.path(`/git/refs/heads/${TESTING_BRANCH}`),
          purpose: `fast-forward ${TESTING_BRANCH} (force: false)`,
        }
      : { method: 'POST', path: remote.path('/git/refs'), purpose: `create ${refName(TESTING_BRANCH)}` },
  ];
  const plan = finishPlan(draft, id);
  return {
    plan,
    recipe: plan.blocked
      ? undefined
      : {
          kind: 'testing-deploy',
          exists: testingHead !== undefined,
          base,
          path: service.file,
          text: result.text,
          message,
        },
  };
}

async function executeTestingDeploy(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  recipe: TestingDeployRecipe,
): Promise<ExecutionOutcome> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const branchUrl = releasesUrl(inputs, `/tree/${encodePath(TESTING_BRANCH)}`);
  const now = await remote.refSha(`heads/${TESTING_BRANCH}`);
  const expected = recipe.exists ? recipe.base : undefined;
  if (now !== expected) {
    if (now && (await remote.file(recipe.path, now)) === recipe.text)
      return {
        message: `${TESTING_BRANCH} already has this change (${short(now)}).`,
        links: [{ label: `Open ${TESTING_BRANCH} branch`, url: branchUrl }],
      };
    throw new PromotionError(
      'stale',
      `${TESTING_BRANCH} moved since the preview (${short(expected) === '?' ? 'missing' : short(expected)} → ${now ? short(now) : 'missing'}): preview again.`,
    );
  }
  const commit = await remote.commitFiles(recipe.base, [{ path: recipe.path, text: recipe.text }], recipe.message);
  let update;
  try {
    update = recipe.exists
      ? await executor.mutate(
          'PATCH',
          remote.path(`/git/refs/heads/${TESTING_BRANCH}`),
          { sha: commit, force: false },
          {},
        )
      : await executor.mutate('POST', remote.path('/git/refs'), { ref: refName(TESTING_BRANCH), sha: commit }, {});
  } catch (error) {
    update = { lost: describeLostAnswer(error) };
  }
  if ('lost' in update || update.status >= 500) {
    const what = 'lost' in update ? update.lost : `failed: ${executor.describeFailure(update, 'GitHub')}`;
    await remote.branchAfterLostAnswer(TESTING_BRANCH, `Updating ${TESTING_BRANCH} ${what}`, commit);
    return {
      message: `Updated ${TESTING_BRANCH}: ${recipe.message} (GitHub's answer was lost; ${TESTING_BRANCH} is at the new commit).`,
      links: [
        { label: 'Open commit', url: releasesUrl(inputs, `/commit/${commit}`) },
        { label: `Open ${TESTING_BRANCH} branch`, url: branchUrl },
      ],
    };
  }
  if (update.status === 422)
    throw new PromotionError(
      'stale',
      `${executor.describeFailure(update, `Updating ${TESTING_BRANCH}`)}: it moved meanwhile; nothing was changed. Preview again.`,
    );
  if (![200, 201, 0].includes(update.status))
    throw new PromotionError('failed', executor.describeFailure(update, `Updating ${TESTING_BRANCH}`));
  const commitUrl = releasesUrl(inputs, `/commit/${commit}`);
  return {
    message: `${executor.dryRun ? 'Would update' : 'Updated'} ${TESTING_BRANCH}: ${recipe.message}.`,
    links: executor.dryRun
      ? []
      : [
          { label: 'Open commit', url: commitUrl },
          { label: `Open ${TESTING_BRANCH} branch`, url: branchUrl },
        ],
  };
}

export const testingDeployFlow: PromotionFlow<TestingDeployRequest, TestingDeployRecipe> = {
  plan: planTestingDeploy,
  execute: executeTestingDeploy,
};
