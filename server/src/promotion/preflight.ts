/**
 * The pre-flight checks every flow shares: write access to the releases repository (refused before anything else),
 * whether the local clone shows what GitHub has, and how a plan's checks decide it (an `error` blocks, a `warning`
 * needs an explicit confirmation). Checks only one flow makes live in that flow's module.
 */
import type { PromotionExecutor } from './executor';
import type { PlanDraft, PromotionInputs } from './flow';
import { renderPreview } from './preview';
import { PromotionError, RemoteRepository, type RepoRef, type RepositoryInfo } from './remote';
import type { PreflightCheck, PromotionPlan } from './types';

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
  if (info.canPush === false)
    return `The signed-in GitHub account cannot push to ${name}: promotions need write access to the releases repository.`;
  return undefined;
}

/** The releases repository on GitHub, after checking that this account may write to it. */
export async function openWritableRepository(
  inputs: PromotionInputs,
  executor: PromotionExecutor,
): Promise<{ remote: RemoteRepository; info: RepositoryInfo }> {
  const remote = new RemoteRepository(inputs.repository, executor);
  const info = await remote.info();
  const problem = accessProblem(info, inputs.repository);
  if (problem) throw new PromotionError('access', problem);
  return { remote, info };
}

/** The clone has what GitHub has: the preview shows what will happen. */
export function localViewCurrent(detail: string): PreflightCheck {
  return { id: 'local-current', status: 'ok', title: 'Local view is current', detail };
}

/** The clone lacks what GitHub has: blocked until it is fetched (the client offers 'Fetch and Preview Again'). */
export function localViewBehind(detail: string): PreflightCheck {
  return { id: 'local-current', status: 'error', title: 'Local view is behind GitHub', detail };
}

/** The plan as shown: failed checks block it, warnings must be accepted, and the preview renders all of it. */
export function finishPlan(draft: PlanDraft, id: string): PromotionPlan {
  const blocked = draft.checks.filter((check) => check.status === 'error');
  const warnings = draft.checks
    .filter((check) => check.status === 'warning')
    .map((check) => `${check.title}: ${check.detail}`);
  const plan: PromotionPlan = { ...draft, id, preview: '', warnings };
  if (blocked.length > 0) plan.blocked = blocked.map((check) => `${check.title}: ${check.detail}`).join('\n');
  plan.preview = renderPreview(plan);
  return plan;
}
