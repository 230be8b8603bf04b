/**
 * The deployment plan: what Kayron will do in one environment when a change lands (kayron-spec §3–§4). The JSON
 * printed by `kayron-releases plan --json` is `DeploymentPlan`, a documented contract (README, "Deployment plan").
 */

export type ParameterChange =
  | 'none'
  | 'upgrade'
  | 'downgrade'
  | 'to-branch'
  | 'to-release'
  | 'branch-moved'
  | 'added'
  | 'removed'
  | 'suspended'
  | 'resumed';

export interface PlanParameter {
  /** The CloudFormation parameter, e.g. `KayronVersion`. */
  key: string;
  /** What Kayron passes now and after the change: a tag, a 40-hex commit SHA, or null (absent or unresolved). */
  before: string | null;
  after: string | null;
  change: ParameterChange;
  /** The docker name (the github name for the infrastructure entry). */
  service: string;
  /** Where the entry is at head (absent for a removed one), for links and CodeLenses: path relative to the root, 0-based line. */
  file?: string;
  line?: number;
  /** How the entry deploys before and after, as the environments view labels it (`v0.5.2`, `branch x`, `suspended`). */
  beforeLabel?: string;
  afterLabel?: string;
}

export interface PlanPreview {
  service: string;
  pull: number;
  branch: string;
  /** First 8 hex characters of sha256(branch), as Kayron labels the preview. */
  hash: string;
  domain: string;
}

export type PlanProblemCode =
  | 'kayron-rejects'
  | 'parameter-not-in-template'
  | 'preview-template-missing'
  | 'downgrade'
  | 'branch-unresolved'
  | 'image-may-be-collected'
  | 'github-unverified';

export interface PlanProblem {
  code: PlanProblemCode;
  /** `error`: Kayron would fail or stop (the CLI exits 1); `warning`: it would run, but look. */
  severity: 'error' | 'warning';
  message: string;
  parameter?: string;
  service?: string;
}

export interface PlanRelease {
  tag: string;
  name: string;
  body: string;
  publishedAt: string | null;
  url: string;
}

export interface PlanNote {
  service: string;
  /** A major version changes (or, below v1, a minor one). */
  breaking: boolean;
  /** Releases after `before` up to and including `after`, newest first. */
  releases: PlanRelease[];
}

export interface DeploymentPlan {
  environment: string;
  base: { ref: string; commit: string | null };
  head: { ref: string; commit: string | null };
  parameters: PlanParameter[];
  previews: PlanPreview[];
  /** `kayron-rejects` first, then errors, then warnings. */
  problems: PlanProblem[];
  notes: PlanNote[];
}
