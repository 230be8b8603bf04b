/**
 * What every promotion flow is: a planner that reads only and returns a preview plus a recipe, and an executor that
 * replays the recipe after re-checking that GitHub still looks as it did when the preview was made. Each flow is one
 * module (production.ts, staging.ts, testing-deploy.ts, testing-reset.ts); promotion.ts dispatches to them.
 *
 * Every flow is idempotent: what already exists is returned instead of being created twice, and a failure after the
 * first write removes what this run created. A write whose answer is lost (no answer, or a 5xx, after which GitHub may
 * still have done it) is followed by a read of GitHub's state, and that state is what is reported and what decides any
 * clean-up.
 */
import { shortCommit } from '../environments/resolve';
import type { GitRepository } from '../environments/git';
import type { TextAnalyzer } from '../environments/snapshot';
import type { PlanGitHub } from '../plan/facts';
import type { PromotionExecutor } from './executor';
import type { RepoRef, RepositoryInfo } from './remote';
import type { PromotionLink, PromotionPlan, PromotionRequest } from './types';

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
  /** GitHub for the deployment planner (branch heads); without it branch values are unknown. */
  planGitHub?: PlanGitHub;
}

/** A plan and, when it may run, the recipe that runs it (undefined when blocked or when there is nothing to do). */
export interface PlannedFlow<Recipe> {
  plan: PromotionPlan;
  recipe: Recipe | undefined;
}

export interface ExecutionOutcome {
  message: string;
  links: PromotionLink[];
}

/** One promotion flow: `plan` sends only reads (the executor is a dry run), `execute` replays a confirmed recipe. */
export interface PromotionFlow<Request extends PromotionRequest, Recipe extends { kind: Request['kind'] }> {
  plan(
    inputs: PromotionInputs,
    executor: PromotionExecutor,
    request: Request,
    id: string,
  ): Promise<PlannedFlow<Recipe>>;
  execute(inputs: PromotionInputs, executor: PromotionExecutor, recipe: Recipe): Promise<ExecutionOutcome>;
}

/** A plan before `finishPlan` derives its id, preview, blocked state and warnings. */
export type PlanDraft = Omit<PromotionPlan, 'id' | 'preview' | 'blocked' | 'warnings'>;

export const TESTING_BRANCH = 'testing';

export function short(sha: string | undefined): string {
  return shortCommit(sha) ?? '?';
}

export function refName(branch: string): string {
  return `refs/heads/${branch}`;
}

export function repositoryOf(inputs: PromotionInputs, info: RepositoryInfo): PromotionPlan['repository'] {
  return {
    owner: inputs.repository.owner,
    repo: inputs.repository.repo,
    defaultBranch: info.defaultBranch,
    webUrl: inputs.webUrl,
  };
}

export function releasesUrl(inputs: PromotionInputs, rest: string): string {
  return `${inputs.webUrl}/${inputs.repository.owner}/${inputs.repository.repo}${rest}`;
}

export function serviceUrl(inputs: PromotionInputs, github: string, rest: string): string {
  return `${inputs.webUrl}/${inputs.serviceOwner}/${github}${rest}`;
}

/** A write whose answer says nothing about what happened: no answer at all, or a 5xx (GitHub may have done it anyway). */
export function describeLostAnswer(error: unknown): string {
  return `got no answer (${error instanceof Error ? error.message : String(error)})`;
}
