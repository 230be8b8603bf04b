/**
 * The only module the client imports from the server: custom LSP message names and payloads.
 * Names follow `kayron/<verbNoun>`.
 */

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
export const ReleaseRootsNotification = 'kayron/releaseRoots';

export interface KayronVerdictParams {
  /** Per root: the problem `kayron lint` would print, or none when it would pass. */
  verdicts: { root: string; file?: string; code?: string; message?: string; line?: number }[];
}

/** Server → client: what `kayron lint` would say for each root (drives the status bar). */
export const KayronVerdictNotification = 'kayron/verdict';

/** The language id release files get. */
export const RELEASE_LANGUAGE_ID = 'kayron-release';
/** Diagnostic `source` of Kayron's own lint checks and of the extension's extra checks. */
export const KAYRON_SOURCE = 'kayron';
export const EXTENSION_SOURCE = 'kayron-releases';

/** Client → server, in `initializationOptions`. */
export interface InitializationOptions {
  /** VS Code global storage for the GitHub cache; the standalone server uses the user cache dir. */
  cacheDirectory?: string;
  /** False in Restricted Mode: the server makes no network call. */
  trusted?: boolean;
}

/** Server → client: GitHub state for the status bar (never contains a token). */
export const GitHubStateNotification = 'kayron/githubState';
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
  /** Owners the releases roots resolve to (empty: owner unknown). */
  owners: string[];
  /** Entries whose GitHub checks could not be made (offline, rate limit, …). */
  unverified: number;
}

/** Client → server: revalidate all GitHub data now. */
export const RefreshGitHubRequest = 'kayron/refreshGitHub';

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
  strategy: 'release' | 'branch' | 'suspend' | 'none';
  value: string;
}
/** Client → server: every release entry of every releases root. */
export const ReleaseEntriesRequest = 'kayron/releaseEntries';

export interface EntryVersionsParams {
  uri: string;
  github: string;
}
/** Client → server: the service's pinnable tags, newest first, with notes (null when GitHub data is unavailable). */
export const EntryVersionsRequest = 'kayron/entryVersions';

export interface EntryBranchesParams {
  uri: string;
  github: string;
}
/** Client → server: the service repo's branches, open pull requests first (null when GitHub data is unavailable). */
export const EntryBranchesRequest = 'kayron/entryBranches';

export interface EntryEditParams {
  uri: string;
  index: number;
  action: { kind: 'release'; tag: string } | { kind: 'branch'; name: string } | { kind: 'switchBack' };
}
/** Client → server: the minimal WorkspaceEdit for pinning a tag, switching to a branch, or switching back (null if not applicable). */
export const EntryEditRequest = 'kayron/entryEdit';
