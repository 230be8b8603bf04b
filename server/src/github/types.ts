/**
 * GitHub data as features see it: compact, mapped from the REST answers (this is also what the disk cache holds),
 * and results that say whether the data was really fetched.
 */
import type { GitHubFailureReason } from './status';

export interface GitHubTag {
  name: string;
  /** Commit SHA the tag points at. */
  sha: string;
}

export interface GitHubRelease {
  tagName: string;
  /** Release title; GitHub falls back to the tag name when empty. */
  name: string;
  /** Markdown release notes (truncated to keep the cache small). */
  body: string;
  /** ISO date; undefined for drafts. */
  publishedAt: string | undefined;
  htmlUrl: string;
  author: string | undefined;
  draft: boolean;
  prerelease: boolean;
}

export interface GitHubBranch {
  name: string;
  sha: string;
  protected: boolean;
}

export interface GitHubPullRequest {
  number: number;
  title: string;
  /** Branch in the same repository; pull requests from forks are left out. */
  headRef: string;
  htmlUrl: string;
  author: string | undefined;
  draft: boolean;
  /** ISO date of the pull request's last update (pushes, comments): how recently its branch was worked on. */
  updatedAt?: string | undefined;
  /** ISO creation date: Kayron orders preview deployments by it, oldest first. */
  createdAt?: string | undefined;
}

/** A repository's file list at a ref (GitHub's recursive tree); `truncated` when GitHub cut it, so absence proves nothing. */
export interface GitHubTree {
  paths: string[];
  truncated: boolean;
}

export interface GitHubRepository {
  name: string;
  archived: boolean;
  private: boolean;
  htmlUrl: string;
  defaultBranch: string;
}

/** Branches of a repository with what is known about them. */
export interface BranchCatalog {
  branches: GitHubBranch[];
  /** Undefined when the repository itself could not be fetched. */
  defaultBranch: string | undefined;
  /** Open pull requests by head branch; undefined when they could not be fetched. */
  pullRequestsByBranch: Map<string, GitHubPullRequest[]> | undefined;
}

/**
 * The outcome of asking GitHub for something.
 * - `fetched`: GitHub answered with the data (`stale` = past its TTL, served while a refresh runs; `truncated` = a list
 *   longer than the page cap, so absence from it proves nothing).
 * - `not-found`: GitHub answered 404 (for a signed-out user this includes private repositories).
 * - `unknown`: no answer (offline, timeout, rate limit, rejected token, 5xx, network off). Never treat as "missing".
 *   `cached` holds older data, usable for completion but not for "does not exist" diagnostics.
 */
export type GitHubResult<T> =
  | { kind: 'fetched'; value: T; fetchedAt: number; stale: boolean; truncated: boolean }
  | { kind: 'not-found'; fetchedAt: number }
  | {
      kind: 'unknown';
      reason: GitHubFailureReason;
      message: string;
      cached: { value: T; fetchedAt: number } | undefined;
    };

/**
 * An existence check for diagnostics. `missing` is only returned after GitHub answered recently with a list
 * (or a 404) that lacks the item; every doubt is `unknown`.
 */
export type Existence<T> =
  | { kind: 'found'; value: T }
  | { kind: 'missing'; fetchedAt: number }
  | { kind: 'unknown'; reason: GitHubFailureReason | 'not-visible' | 'repository-not-found'; message: string };
