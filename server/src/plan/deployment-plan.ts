/**
 * One entry point for the CLI, the language server and the promotion previews: read both sides, gather GitHub's
 * facts, compute the plan. The planner itself (planner.ts) stays pure.
 */
import type { GitRepository } from '../environments/git';
import { environmentProvidersFromGitHub } from '../environments/github-environment';
import type { LoadOptions } from '../github/cache';
import type { GitHubData } from '../github/providers';
import { gatherPlanFacts, planGitHubFrom } from './facts';
import { loadPlanSides, type PlanSides, type PlanSidesRequest } from './load';
import { planDeployment } from './planner';
import type { DeploymentPlan } from './types';

export interface PlanGitHubSetup {
  data: GitHubData;
  /** Owner of the service repositories (and of the releases repository). */
  owner: string;
  /** Name of the releases repository on GitHub (origin's), for production's latest release. */
  releasesRepo: string | undefined;
  signedIn: () => boolean;
  loadOptions?: LoadOptions;
}

export interface BuiltPlan {
  plan: DeploymentPlan;
  sides: PlanSides;
}

/** `github` undefined: no GitHub at all, for `unavailable`'s reason (the plan marks every GitHub part unknown). */
export async function buildDeploymentPlan(
  repository: GitRepository,
  request: PlanSidesRequest,
  github: PlanGitHubSetup | undefined,
  unavailable?: string,
): Promise<BuiltPlan> {
  const providers =
    github && github.releasesRepo
      ? environmentProvidersFromGitHub(github.data, github.owner, github.releasesRepo, github.signedIn)
      : undefined;
  const sides = await loadPlanSides(repository, {
    ...request,
    ...(providers && !request.providers ? { providers } : {}),
  });
  // A base given with --base is what the caller asked for; the environment's own ref may be a substitute.
  const baseFallback = request.base === undefined ? sides.environment.fallback : undefined;
  const input = {
    environment: {
      name: sides.environment.name,
      kind: sides.environment.kind,
      ...(baseFallback ? { baseFallback } : {}),
    },
    base: sides.base,
    head: sides.head,
  };
  const facts = await gatherPlanFacts(
    input,
    github ? planGitHubFrom(github.data, github.owner, github.signedIn, github.loadOptions) : undefined,
    unavailable,
  );
  return { plan: planDeployment({ ...input, facts }), sides };
}
