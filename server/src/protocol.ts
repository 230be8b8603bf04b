/**
 * The only module the client imports from the server: custom LSP messages and payloads. Each message is a typed
 * constant (`RequestType<Params, Result, void>`, `NotificationType<Params>`, as vscode-eslint declares its own), so the
 * server's handlers and the client's `sendRequest`/`onNotification` agree on the payload types without restating
 * them. Method names follow `kayron/<verbNoun>`. The types come from vscode-languageserver-protocol, which both
 * vscode-languageserver and vscode-languageclient build on (it pulls no server code into the client).
 */
import { NotificationType, RequestType, RequestType0, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { BranchChoice, VersionChoice } from './features/complete';
import type {
  PromotionCandidates,
  PromotionCandidatesParams,
  PromotionExecuteParams,
  PromotionExecuteResult,
  PromotionPlanParams,
  PromotionPlanResult,
} from './promotion/types';

/** One workspace folder that the server treats as a releases repository. */
export interface ReleaseRoot {
  /** Folder URI. */
  uri: string;
  /** URIs of the files Kayron loads there (the client gives them the `kayron-release` language). */
  releaseFiles: string[];
  /** URIs of `.yml`-style near misses Kayron silently ignores (they get a warning). */
  ignoredFiles: string[];
}

export interface ReleaseRootsParams {
  roots: ReleaseRoot[];
}

/** Server → client: the releases roots and their release files changed (sent after start-up and on file events). */
export const ReleaseRootsNotification = new NotificationType<ReleaseRootsParams>('kayron/releaseRoots');

export interface KayronVerdictParams {
  /**
   * Per root: the problem `kayron lint` would print (`file` set: it would fail); else, with `unchecked`, the verdict is
   * unknown because those release files were not checked (too large, not a regular file, unreadable); else it would pass.
   */
  verdicts: {
    root: string;
    file?: string;
    code?: string;
    message?: string;
    line?: number;
    unchecked?: UncheckedFile[];
  }[];
}

/** A release file Kayron loads that the extension did not check, and why (the problem shown on it). */
export interface UncheckedFile {
  file: string;
  code: string;
  message: string;
}

/** Server → client: what `kayron lint` would say for each root (drives the status bar). */
export const KayronVerdictNotification = new NotificationType<KayronVerdictParams>('kayron/verdict');

/** The language id release files get. */
export const RELEASE_LANGUAGE_ID = 'kayron-release';
/** Diagnostic `source` of Kayron's own lint checks and of the extension's extra checks. */
export const KAYRON_SOURCE = 'kayron';
export const EXTENSION_SOURCE = 'kayron-releases';

/** Client → server, in `initializationOptions`. */
export interface InitializationOptions {
  /** VS Code global storage for the GitHub cache; the standalone server uses the user cache dir. */
  cacheDirectory?: string;
  /** False in Restricted Mode: the server makes no network call and runs no git (the client sends no token then). */
  trusted?: boolean;
  /** VS Code's `git.path` (the first usable entry): the executable every git child runs; `git` on PATH when unset. */
  gitPath?: string;
  /** False when the `kayron.github.enabled` setting is off: the server makes no network call either. */
  githubEnabled?: boolean;
}

export interface GitHubStateParams {
  signedIn: boolean;
  tokenRejected: boolean;
  networkAllowed: boolean;
  offline: boolean;
  rateLimitRemaining: number | undefined;
  rateLimitLimit: number | undefined;
  /** Epoch ms. */
  rateLimitReset: number | undefined;
  rateLimited: boolean;
  lastError: { reason: string; message: string; at: number } | undefined;
  cacheAgeMs: number | undefined;
  /** Epoch ms when the server asks GitHub again after an outage (it does so by itself). */
  retryAt: number | undefined;
  /** Owners the releases roots resolve to (empty: owner unknown). */
  owners: string[];
  /** Entries whose GitHub checks could not be made (offline, rate limit, …). */
  unverified: number;
}
/** Server → client: GitHub state for the status bar (never contains a token). */
export const GitHubStateNotification = new NotificationType<GitHubStateParams>('kayron/githubState');

/** Client → server: revalidate all GitHub data now. */
export const RefreshGitHubRequest = new RequestType0<void, void>('kayron/refreshGitHub');

/** One release entry, for the palette commands' service pickers. */
export interface ReleaseEntry {
  root: string;
  uri: string;
  relativePath: string;
  index: number;
  /** 0-based line of the entry. */
  line: number;
  /** docker name, or github for the infrastructure entry. */
  name: string;
  github: string;
  /** What the entry deploys (server/src/kayron/entry-model.ts); `conflict` when it names more than one strategy. */
  strategy: 'release' | 'branch' | 'suspend' | 'none' | 'conflict';
  /** The tag for `release`, the branch for `branch`, `''` otherwise. */
  value: string;
  /** In the matrix's words: `v0.5.3`, `branch x`, `suspended`, `conflict (branch, release)`, `… +preview`. */
  label: string;
}
/** Client → server: every release entry of every releases root. */
export const ReleaseEntriesRequest = new RequestType0<ReleaseEntry[], void>('kayron/releaseEntries');

export interface EntryVersionsParams {
  uri: string;
  github: string;
}
/** Answers of `kayron/entryVersions` and `kayron/entryBranches` (shared with completion). */
export type { BranchChoice, VersionChoice } from './features/complete';
/** Shared so that ages read the same in the client's environments tree as in the server's hovers and completion. */
export { relativeTime } from './relative-time';
export { markdownToPlainLines, notesSummary } from './notes-text';

/** Client → server: the service's pinnable tags, newest first, with notes (null when GitHub data is unavailable). */
export const EntryVersionsRequest = new RequestType<EntryVersionsParams, VersionChoice[] | null, void>(
  'kayron/entryVersions',
);

export interface EntryBranchesParams {
  uri: string;
  github: string;
}
/** Client → server: the service repo's branches, open pull requests first (null when GitHub data is unavailable). */
export const EntryBranchesRequest = new RequestType<EntryBranchesParams, BranchChoice[] | null, void>(
  'kayron/entryBranches',
);

export interface EntryEditParams {
  uri: string;
  index: number;
  action: { kind: 'release'; tag: string } | { kind: 'branch'; name: string } | { kind: 'switchBack' };
}
/** Client → server: the minimal WorkspaceEdit for pinning a tag, switching to a branch, or switching back (null if not applicable). */
export const EntryEditRequest = new RequestType<EntryEditParams, WorkspaceEdit | null, void>('kayron/entryEdit');

// Environments: what runs where (kayron-spec §4). The matrix types are the server's own, re-exported as types only.
export type { DriftMarker, MatrixCell, MatrixEnvironment, MatrixRow, StatusMatrix } from './environments/matrix';

export interface EnvironmentsParams {
  /** Re-read settings and git refs and recompute before answering (Refresh, a settings change); else the last result. */
  refresh?: boolean;
}

/** The environments of one releases root. */
export interface RootEnvironments {
  /** Folder URI of the releases root. */
  root: string;
  /**
   * `ok`: `matrix` is set. `computing`: the first computation has not finished (an `environmentsChanged` follows).
   * `not-a-repository` / `git-not-found`: states to explain in the view; `git-failed`: an error (see `message`).
   * `restricted`: Restricted Mode; `matrix` holds development (the working tree) alone, since no git process may run
   * until the folder is trusted.
   */
  state: 'ok' | 'computing' | 'restricted' | 'not-a-repository' | 'git-not-found' | 'git-failed';
  message?: string;
  matrix?: import('./environments/matrix').StatusMatrix;
  /** The releases repository on GitHub and the web root for release pages; undefined when neither is known. */
  github?: { webUrl: string; owner: string; repo: string | undefined; signedIn: boolean; connected: boolean };
  /** Where production's tag came from: GitHub's latest release, the newest local `v*` tag (GitHub unknown), or nowhere. */
  productionSource: 'github' | 'local-tag' | 'none';
  /** Names of each matrix row's service (from the first environment, in display order, that defines it). */
  services?: Record<string, { docker: string; github: string; provider: string }>;
  /**
   * Release pins with a newer stable tag on GitHub, by matrix row key, then environment name. Kept beside the matrix
   * (not in its cells) so the CLI's status JSON stays as it is; absent where GitHub's tags are unknown.
   */
  outdated?: Record<string, Record<string, OutdatedMarker>>;
}

/** A pinned release with a newer one in the service's repository. */
export interface OutdatedMarker {
  /** The newest stable tag newer than the pin. */
  latest: string;
}

export interface EnvironmentsResult {
  roots: RootEnvironments[];
}

/** Client → server: the services × environments matrix of every releases root. */
export const EnvironmentsRequest = new RequestType<EnvironmentsParams, EnvironmentsResult, void>('kayron/environments');

export interface EnvironmentsChangedParams {
  /** Folder URIs of the roots whose environments changed, appeared or went away. */
  roots: string[];
}

/** Server → client: environments changed (a save, an edit, a commit, a fetch, a settings change); ask again. */
export const EnvironmentsChangedNotification = new NotificationType<EnvironmentsChangedParams>(
  'kayron/environmentsChanged',
);

export interface ReadFileAtRefParams {
  /** Folder URI of the releases root. */
  root: string;
  /** A commit SHA or a ref name (`origin/testing`, `v0.6.10`). */
  ref: string;
  /** Path relative to the releases root, `/`-separated. */
  path: string;
}

/** Null when the file does not exist at that ref. */
export type ReadFileAtRefResult = { text: string; commit: string } | null;

/** Client → server: a file's text at a ref, read with git (no checkout), for read-only `kayron-ref` documents. */
export const ReadFileAtRefRequest = new RequestType<ReadFileAtRefParams, ReadFileAtRefResult, void>(
  'kayron/readFileAtRef',
);

export interface FetchParams {
  /** Folder URI of the releases root. */
  root: string;
}

export interface FetchResult {
  ok: boolean;
  /** Why the fetch failed (git's first error line), or what it did. */
  message?: string;
}

/** Client → server: `git fetch --prune --tags origin` in the root's repository, then recompute its environments. */
export const FetchRequest = new RequestType<FetchParams, FetchResult, void>('kayron/fetch');

/** URI scheme of read-only documents showing a release file at a ref: `kayron-ref:/<path>?<ReadFileAtRefParams>`. */
export const REF_DOCUMENT_SCHEME = 'kayron-ref';

// Promotions: testing → staging → production from the command palette (server/src/promotion). Types are the server's own.
export type {
  FileChange,
  PlannedCall,
  PreflightCheck,
  PromotionCandidates,
  PromotionCandidatesParams,
  PromotionExecuteParams,
  PromotionExecuteResult,
  PromotionKind,
  PromotionLink,
  PromotionPlan,
  PromotionPlanParams,
  PromotionPlanResult,
  PromotionRequest,
  ServiceChange,
} from './promotion/types';

/** Client → server: the services of each releases root at staging, testing and production, for the promotion pickers. */
export const PromotionCandidatesRequest = new RequestType<PromotionCandidatesParams, PromotionCandidates, void>(
  'kayron/promotionCandidates',
);
/** Client → server: a preview of a promotion (exact file changes, checks, GitHub requests), kept under its `id`. */
export const PromotionPlanRequest = new RequestType<PromotionPlanParams, PromotionPlanResult, void>(
  'kayron/promotionPlan',
);
/** Client → server: run a previewed plan the user confirmed (`confirmed: true`); answers with links or why it stopped. */
export const PromotionExecuteRequest = new RequestType<PromotionExecuteParams, PromotionExecuteResult, void>(
  'kayron/promotionExecute',
);

// Deployment plan: what Kayron will do in an environment when the working tree (or a ref) lands (server/src/plan).
export type { DeploymentPlan, ParameterChange, PlanNote, PlanParameter, PlanPreview, PlanProblem } from './plan/types';

export interface DeploymentPlanParams {
  /** Folder URI of the releases root; the first root when absent. */
  root?: string;
  /** Default staging. */
  environment?: string;
  /** Default: the environment's current ref. */
  base?: string;
  /** Default: the working tree with unsaved editor contents. */
  head?: string;
}

export type DeploymentPlanResult =
  | {
      ok: true;
      root: string;
      plan: import('./plan/types').DeploymentPlan;
      /** The plan rendered as the pull request comment is (without its marker). */
      markdown: string;
      /** Environments a plan can be made for (every one but development). */
      environments: string[];
    }
  | { ok: false; root?: string; message: string; environments?: string[] };

/** Client → server: the deployment plan of an environment (default staging vs the working tree). */
export const DeploymentPlanRequest = new RequestType<DeploymentPlanParams, DeploymentPlanResult, void>(
  'kayron/deploymentPlan',
);

/** The environment whose plan the CodeLenses above changed entries summarise. */
export const CODE_LENS_ENVIRONMENT = 'staging';
