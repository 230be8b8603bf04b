/**
 * What the client sends and gets back for promotions (re-exported as types by protocol.ts). A plan is computed
 * first and shown; only a plan the user confirmed is executed, by id, so what runs is exactly what was shown.
 */

export type PromotionKind = 'production' | 'staging' | 'testing-deploy' | 'testing-reset';

export type PromotionRequest =
  /** Release the default branch head to production. `tag` absent: the patch bump of the latest release is proposed. */
  | { kind: 'production'; tag?: string }
  /** Open a pull request that pins each service to a version. */
  | { kind: 'staging'; bumps: { service: string; version: string }[] }
  /** Make `service` follow `branch` (of its own repository) on the releases repo's `testing` branch. */
  | { kind: 'testing-deploy'; service: string; branch: string }
  /** Force `testing` back to the default branch head. */
  | { kind: 'testing-reset' };

export interface PromotionPlanParams {
  /** Folder URI of the releases root. */
  root: string;
  request: PromotionRequest;
}

export type CheckStatus = 'ok' | 'warning' | 'error';

/** A pre-flight check: `error` blocks, `warning` needs an explicit confirmation. */
export interface PreflightCheck {
  id:
    | 'kayron-errors'
    | 'branch-or-suspend'
    | 'local-current'
    | 'tag'
    | 'versions'
    | 'branch-exists'
    | 'testing-ahead'
    | 'service-branch';
  status: CheckStatus;
  title: string;
  detail: string;
}

export interface ServiceChange {
  service: string;
  github: string;
  /** What it runs now in the target environment (`v0.5.2`, `branch x`, `suspended`, `absent`). */
  from: string;
  to: string;
  releaseNotesUrl?: string;
  compareUrl?: string;
  /** First lines of the target release's notes, when GitHub has them. */
  notes?: string;
}

export interface FileChange {
  /** Path relative to the releases root. */
  path: string;
  before: string;
  after: string;
  /** Unified diff of `before` → `after`. */
  diff: string;
}

/** A request the execution will send (reads included), for the preview. */
export interface PlannedCall {
  method: string;
  path: string;
  purpose: string;
}

export interface PromotionLink {
  label: string;
  url: string;
}

export interface PromotionPlan {
  id: string;
  kind: PromotionKind;
  root: string;
  /** The releases repository on GitHub. */
  repository: { owner: string; repo: string; defaultBranch: string; webUrl: string };
  /** One line, e.g. "Release v0.6.11 to production". */
  title: string;
  /** Lines for the confirmation dialog. */
  summary: string[];
  checks: PreflightCheck[];
  changes: ServiceChange[];
  files: FileChange[];
  calls: PlannedCall[];
  /** The whole preview as Markdown: what changes, why it is safe, which calls are made. */
  preview: string;
  /** Set when a check failed: the plan cannot be executed. */
  blocked?: string;
  /** Warnings the user must accept (`acceptWarnings: true`) before it runs. */
  warnings: string[];
  /** Set when there is nothing to do (the links then point at what already exists). */
  nothingToDo?: string;
  links: PromotionLink[];
  /** Production: the proposed tag and the alternatives offered. */
  release?: {
    tag: string;
    previousTag: string | undefined;
    targetCommit: string;
    name: string;
    body: string;
    proposals: { patch: string; minor: string; major: string };
  };
  /** Staging: the pull request to open (or the open one that already does it). */
  pullRequest?: {
    title: string;
    body: string;
    branch: string;
    base: string;
    existing?: { number: number; url: string };
  };
  /** The CloudFormation parameters at the target before and after (the deployment planner's), where environments are compared. */
  parameters?: import('../plan/types').PlanParameter[];
  /** Testing: the ref update. */
  testing?: { branch: string; exists: boolean; from: string | undefined; to: string | undefined };
}

export type PromotionRefusal =
  'signed-out' | 'untrusted' | 'scopes' | 'not-a-releases-repo' | 'no-github-repository' | 'invalid-request' | 'failed';

export type PromotionPlanResult =
  { ok: true; plan: PromotionPlan } | { ok: false; reason: PromotionRefusal; message: string };

export interface PromotionExecuteParams {
  planId: string;
  /** Must be true: the user confirmed the preview. */
  confirmed: boolean;
  /** Accepts the plan's warnings (e.g. a branch on staging). */
  acceptWarnings?: boolean;
  /** Walk every step and log it, but send no write request. */
  dryRun?: boolean;
}

export type PromotionExecuteResult =
  | { ok: true; dryRun: boolean; message: string; links: PromotionLink[]; log: string[] }
  | { ok: false; reason: 'conflict' | 'stale' | 'refused' | 'failed' | 'unknown-plan'; message: string; log: string[] };

export interface PromotionCandidatesParams {
  root?: string;
}

/** What the pickers offer: the services at staging and testing of each releases root. */
export interface PromotionCandidates {
  roots: {
    root: string;
    name: string;
    repository: { owner: string; repo: string } | undefined;
    defaultBranch: string | undefined;
    services: {
      service: string;
      github: string;
      file: string;
      staging: string;
      testing: string | undefined;
      production: string | undefined;
    }[];
    /** Why promotions are not available here (signed out, untrusted, no origin…); undefined when they are. */
    unavailable?: string;
  }[];
}
