/**
 * Services → staging: a pull request into the default branch that pins each chosen service to a version, on a branch
 * named as the team names them (`bump-kayron-v0.5.3`). The edit is made on the text GitHub has at the default branch's
 * head; a branch an earlier run left with exactly these files is reused, and a branch this run created is deleted again
 * when its pull request cannot be opened.
 */
import { versionTag } from '../github/versions';
import { describeChange, editedParameters, serviceFiles } from './changes';
import type { PromotionExecutor } from './executor';
import {
  describeLostAnswer,
  refName,
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
import { finishPlan, openWritableRepository } from './preflight';
import { changeLine, notesBlock } from './preview';
import { PromotionError, RemoteRepository } from './remote';
import { pinRelease } from './service-edits';
import { unifiedDiff } from './text-diff';
import type { FileChange, PreflightCheck, PromotionRequest, ServiceChange } from './types';

export type StagingRequest = Extract<PromotionRequest, { kind: 'staging' }>;
export interface StagingRecipe {
  kind: 'staging';
  base: string;
  defaultBranch: string;
  branch: string;
  title: string;
  body: string;
  files: { path: string; text: string }[];
  reuseBranch: boolean;
}

function bumpTitle(changes: readonly { service: string; to: string }[]): string {
  const parts = changes.map((change) => `${change.service} to ${change.to}`);
  const joined = parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
  return `Bump ${joined}`;
}

/** `bump-kayron-v0.5.3`, `bump-infrastructure-v0.5.7-and-splits-lite-v0.2.3`: the team's own branch names. */
export function bumpBranchName(changes: readonly { service: string; to: string }[]): string {
  const raw = `bump-${changes.map((change) => `${change.service}-${change.to}`).join('-and-')}`;
  return raw
    .replace(/[^A-Za-z0-9._/-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/\/{2,}/g, '/')
    .replace(/[./-]+$/, '')
    .slice(0, 200);
}

async function planStaging(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  request: StagingRequest,
  id: string,
): Promise<PlannedFlow<StagingRecipe>> {
  if (request.bumps.length === 0) throw new PromotionError('refused', 'Choose at least one service to bump.');
  const seen = new Set<string>();
  for (const bump of request.bumps) {
    if (seen.has(bump.service)) throw new PromotionError('refused', `${bump.service} is listed twice.`);
    seen.add(bump.service);
    if (!versionTag(bump.version))
      throw new PromotionError(
        'refused',
        `${JSON.stringify(bump.version)} is not a release tag Kayron accepts (v + MAJOR.MINOR.PATCH, optional -suffix).`,
      );
  }
  const { remote, info } = await openWritableRepository(inputs, executor);
  const base = await remote.refSha(`heads/${info.defaultBranch}`);
  if (!base)
    throw new PromotionError(
      'failed',
      `GitHub has no ${info.defaultBranch} branch in ${inputs.repository.owner}/${inputs.repository.repo}.`,
    );
  const services = await serviceFiles(inputs, [base, `origin/${info.defaultBranch}`, info.defaultBranch]);

  const checks: PreflightCheck[] = [];
  const texts = new Map<string, { before: string; after: string }>();
  const changed: ServiceChange[] = [];
  const unchanged: string[] = [];
  for (const bump of request.bumps) {
    const service = services.get(bump.service);
    if (!service)
      throw new PromotionError(
        'refused',
        `${bump.service} is not a service of ${info.defaultBranch} (fetch if it was added recently).`,
      );
    const current =
      texts.get(service.file) ??
      (await remote
        .file(service.file, base)
        .then((text) => (text === undefined ? undefined : { before: text, after: text })));
    if (!current)
      throw new PromotionError(
        'refused',
        `${service.file} does not exist on GitHub's ${info.defaultBranch}: fetch and try again.`,
      );
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
    if (exists === false)
      checks.push({
        id: 'versions',
        status: 'warning',
        title: 'Tag not found',
        detail: `${inputs.serviceOwner}/${change.github} has no tag ${change.to}: Kayron would wait for an image that may never exist.`,
      });
  }
  const files: FileChange[] = [...texts]
    .filter(([, text]) => text.before !== text.after)
    .map(([path, text]) => ({
      path,
      before: text.before,
      after: text.after,
      diff: unifiedDiff(text.before, text.after, { oldLabel: `a/${path}`, newLabel: `b/${path}` }),
    }));
  const title = bumpTitle(changed);
  const branch = bumpBranchName(changed);
  const parameters = await editedParameters(
    inputs,
    [...services.values()],
    new Map(changed.map((change) => [change.service, { kind: 'release' as const, value: change.to }])),
  );
  const body = [
    ...changed.flatMap((change) => [changeLine(change), ...notesBlock(change)]),
    '',
    `Opened with Kayron Releases from ${info.defaultBranch} at ${short(base)}.`,
  ].join('\n');
  const draft: PlanDraft = {
    kind: 'staging',
    root: inputs.rootUri,
    repository: repositoryOf(inputs, info),
    title: changed.length > 0 ? title : 'Bump services on staging',
    summary:
      changed.length > 0
        ? [
            `Open a pull request "${title}" from a new branch ${branch} off ${info.defaultBranch} (${short(base)}).`,
            ...unchanged,
          ]
        : unchanged,
    checks,
    changes: changed,
    files,
    calls: [],
    links: [],
    parameters,
  };
  if (changed.length === 0) {
    draft.nothingToDo = unchanged.join('; ') || 'no change';
    return { plan: finishPlan(draft, id), recipe: undefined };
  }
  draft.pullRequest = { title, body, branch, base: info.defaultBranch };
  const existing = await remote.openPull(branch, info.defaultBranch);
  if (existing) {
    draft.pullRequest.existing = { number: existing.number, url: existing.url };
    draft.nothingToDo = `pull request #${existing.number} from ${branch} is already open.`;
    draft.links = [{ label: 'Open pull request', url: existing.url }];
    return { plan: finishPlan(draft, id), recipe: undefined };
  }
  let reuseBranch = false;
  const branchHead = await remote.refSha(`heads/${branch}`);
  if (branchHead) {
    if (
      await remote.hasFiles(
        branchHead,
        files.map((file) => ({ path: file.path, text: file.after })),
      )
    ) {
      reuseBranch = true;
      checks.push({
        id: 'branch-exists',
        status: 'ok',
        title: 'Branch exists with these changes',
        detail: `${branch} (${short(branchHead)}) already has exactly these files: it is reused, only the pull request is opened.`,
      });
    } else {
      checks.push({
        id: 'branch-exists',
        status: 'error',
        title: 'Branch exists',
        detail: `${branch} already exists with other content: delete it on GitHub or choose other versions.`,
      });
    }
  }
  draft.calls = reuseBranch
    ? [{ method: 'POST', path: remote.path('/pulls'), purpose: `open "${title}"` }]
    : [
        ...files.map((file) => ({
          method: 'POST',
          path: remote.path('/git/blobs'),
          purpose: `store the new ${file.path}`,
        })),
        { method: 'POST', path: remote.path('/git/trees'), purpose: `tree of ${short(base)} with the new files` },
        { method: 'POST', path: remote.path('/git/commits'), purpose: `commit "${title}" on ${short(base)}` },
        { method: 'POST', path: remote.path('/git/refs'), purpose: `create ${refName(branch)}` },
        { method: 'POST', path: remote.path('/pulls'), purpose: `open "${title}" into ${info.defaultBranch}` },
      ];
  const plan = finishPlan(draft, id);
  return {
    plan,
    recipe: plan.blocked
      ? undefined
      : {
          kind: 'staging',
          base,
          defaultBranch: info.defaultBranch,
          branch,
          title,
          body,
          files: files.map((file) => ({ path: file.path, text: file.after })),
          reuseBranch,
        },
  };
}

async function executeStaging(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
  recipe: StagingRecipe,
): Promise<ExecutionOutcome> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const openPullOutcome = (pull: { number: number; url: string }, verb: string): ExecutionOutcome => ({
    message: `${verb} pull request #${pull.number} "${recipe.title}".`,
    links: [{ label: 'Open pull request', url: pull.url }],
  });
  const existing = await remote.openPull(recipe.branch, recipe.defaultBranch);
  if (existing) return openPullOutcome(existing, 'Already open:');
  const base = await remote.refSha(`heads/${recipe.defaultBranch}`);
  if (base !== recipe.base)
    throw new PromotionError(
      'stale',
      `${recipe.defaultBranch} moved since the preview (${short(recipe.base)} → ${short(base)}): preview again.`,
    );

  let created = false;
  const branchHead = await remote.refSha(`heads/${recipe.branch}`);
  if (branchHead) {
    if (!(await remote.hasFiles(branchHead, recipe.files)))
      throw new PromotionError(
        'conflict',
        `The branch ${recipe.branch} exists with other content; nothing was changed.`,
      );
  } else {
    const commit = await remote.commitFiles(recipe.base, recipe.files, recipe.title);
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
      if (head === null)
        throw new PromotionError(
          'failed',
          `Creating the branch ${recipe.branch} ${what}, and GitHub could not be asked whether it exists: look on GitHub before running the promotion again (it reuses the branch when it has exactly these changes).`,
        );
      if (head === undefined)
        throw new PromotionError(
          'failed',
          `Creating the branch ${recipe.branch} ${what}; GitHub has no such branch, so nothing is left behind.`,
        );
      if (head !== commit)
        throw new PromotionError(
          'conflict',
          `Creating the branch ${recipe.branch} ${what}, and the branch now exists at ${short(head)}, not at this run's commit ${short(commit)}; nothing else was changed.`,
        );
    } else {
      if (ref.status === 422)
        throw new PromotionError('conflict', executor.describeFailure(ref, `Creating ${recipe.branch}`));
      if (ref.status !== 201 && ref.status !== 0)
        throw new PromotionError('failed', executor.describeFailure(ref, `Creating ${recipe.branch}`));
    }
    created = !executor.dryRun;
  }

  /** Leaves no branch without its pull request behind: delete what this run created, then report. */
  const cleanUp = async (reason: string): Promise<never> => {
    if (!created) throw new PromotionError('failed', reason);
    const removal = await executor
      .mutate('DELETE', remote.path(`/git/refs/${encodePath(`heads/${recipe.branch}`)}`), undefined, {})
      .catch(() => undefined);
    const removed = removal !== undefined && (removal.status === 204 || removal.status === 200);
    throw new PromotionError(
      'failed',
      `${reason} ${removed ? `The branch ${recipe.branch} was deleted again; nothing is left behind.` : `Deleting the branch ${recipe.branch} failed too: delete it on GitHub.`}`,
    );
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
      {
        number: 0,
        html_url: releasesUrl(inputs, `/compare/${encodePath(recipe.defaultBranch)}...${encodePath(recipe.branch)}`),
      },
    );
  } catch (error) {
    return afterLostAnswer(
      `Opening the pull request failed: ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
  if (pull.status === 422) {
    // Someone (or an earlier run whose answer was lost) opened it meanwhile: that one is the result.
    const raced = await remote.openPull(recipe.branch, recipe.defaultBranch);
    if (raced) return openPullOutcome(raced, 'Already open:');
    return cleanUp(`${executor.describeFailure(pull, 'Opening the pull request')}.`);
  }
  if (pull.status >= 500) return afterLostAnswer(`${executor.describeFailure(pull, 'Opening the pull request')}.`);
  if (pull.status !== 201 && pull.status !== 0)
    return cleanUp(`${executor.describeFailure(pull, 'Opening the pull request')}.`);
  if (executor.dryRun) return { message: `Would open "${recipe.title}" from ${recipe.branch}.`, links: [] };
  return openPullOutcome({ number: pull.data.number ?? 0, url: pull.data.html_url ?? '' }, 'Opened');
}

export const stagingFlow: PromotionFlow<StagingRequest, StagingRecipe> = { plan: planStaging, execute: executeStaging };
