/**
 * The releases repository on GitHub as promotions see it, through the executor (so every call is logged): the reads
 * every flow needs, and the one write sequence two flows share (a commit of whole files on a base commit).
 */
import { shortCommit } from '../environments/resolve';
import { encodePath } from './github-api';
import type { PromotionExecutor } from './executor';

export interface RepoRef {
  owner: string;
  repo: string;
}

export class PromotionError extends Error {
  override readonly name = 'PromotionError';
  constructor(
    /** `access`: the token or account cannot do this (scopes, push rights, rejected token). */
    readonly reason: 'conflict' | 'stale' | 'refused' | 'access' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export interface RepositoryInfo {
  defaultBranch: string;
  private: boolean;
  /** Undefined when GitHub does not say (e.g. anonymous). */
  canPush: boolean | undefined;
  /** Classic tokens' scopes from `x-oauth-scopes`; undefined for fine-grained tokens and apps, which do not send it. */
  scopes: string[] | undefined;
  htmlUrl: string;
}

export function repoPath(ref: RepoRef, rest = ''): string {
  return `/repos/${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.repo)}${rest}`;
}

/** What GitHub has for a planned release: nothing, the release on its commit, a bare tag there, or a tag elsewhere. */
export type ReleaseState =
  | { kind: 'none' }
  | { kind: 'released'; url: string }
  | { kind: 'tag-only' }
  | { kind: 'elsewhere'; commit: string; url: string | undefined };

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export class RemoteRepository {
  constructor(
    readonly ref: RepoRef,
    private readonly executor: PromotionExecutor,
  ) {}

  path(rest = ''): string {
    return repoPath(this.ref, rest);
  }

  async info(): Promise<RepositoryInfo> {
    const response = await this.executor.read(this.path());
    if (response.status === 401)
      throw new PromotionError('access', 'GitHub rejected the token (401). Sign in to GitHub again.');
    if (response.status === 404)
      throw new PromotionError(
        'access',
        `GitHub does not show ${this.ref.owner}/${this.ref.repo} to this account (404): check the origin remote and the signed-in account.`,
      );
    if (response.status !== 200)
      throw new PromotionError(
        'failed',
        this.executor.describeFailure(response, `Reading ${this.ref.owner}/${this.ref.repo}`),
      );
    const data = asObject(response.data);
    const permissions = asObject(data.permissions);
    const scopesHeader = response.headers.get('x-oauth-scopes');
    return {
      defaultBranch: asString(data.default_branch) ?? 'main',
      private: data.private === true,
      canPush: typeof permissions.push === 'boolean' ? permissions.push : undefined,
      scopes:
        scopesHeader === null
          ? undefined
          : scopesHeader
              .split(',')
              .map((scope) => scope.trim())
              .filter(Boolean),
      htmlUrl: asString(data.html_url) ?? '',
    };
  }

  /** The commit a branch or tag points at (`heads/main`, `tags/v1.0.0`); undefined when it does not exist. */
  async refSha(ref: string): Promise<string | undefined> {
    const response = await this.executor.read(this.path(`/git/ref/${encodePath(ref)}`));
    if (response.status === 404) return undefined;
    if (response.status !== 200)
      throw new PromotionError('failed', this.executor.describeFailure(response, `Reading ${ref}`));
    const object = asObject(asObject(response.data).object);
    const sha = asString(object.sha);
    if (!sha) throw new PromotionError('failed', `GitHub answered ${ref} without a SHA.`);
    if (object.type === 'tag') {
      // An annotated tag: peel to its commit.
      const tag = await this.executor.read(this.path(`/git/tags/${sha}`));
      return asString(asObject(asObject(tag.data).object).sha) ?? sha;
    }
    return sha;
  }

  async treeOf(commit: string): Promise<string> {
    const response = await this.executor.read(this.path(`/git/commits/${commit}`));
    if (response.status !== 200)
      throw new PromotionError(
        'failed',
        this.executor.describeFailure(response, `Reading commit ${commit.slice(0, 7)}`),
      );
    const tree = asString(asObject(asObject(response.data).tree).sha);
    if (!tree) throw new PromotionError('failed', `GitHub answered commit ${commit.slice(0, 7)} without a tree.`);
    return tree;
  }

  /** A file's text at a commit; undefined when it does not exist there. */
  async file(path: string, commit: string): Promise<string | undefined> {
    const response = await this.executor.read(
      this.path(`/contents/${encodePath(path)}?ref=${encodeURIComponent(commit)}`),
    );
    if (response.status === 404) return undefined;
    if (response.status !== 200)
      throw new PromotionError('failed', this.executor.describeFailure(response, `Reading ${path}`));
    const data = asObject(response.data);
    if (data.type !== 'file' || typeof data.content !== 'string')
      throw new PromotionError('failed', `${path} is not a file on GitHub.`);
    return Buffer.from(data.content, 'base64').toString('utf8');
  }

  async latestRelease(): Promise<{ tag: string; url: string } | undefined> {
    const response = await this.executor.read(this.path('/releases/latest'));
    if (response.status === 404) return undefined;
    if (response.status !== 200)
      throw new PromotionError('failed', this.executor.describeFailure(response, 'Reading the latest release'));
    const data = asObject(response.data);
    const tag = asString(data.tag_name);
    return tag ? { tag, url: asString(data.html_url) ?? '' } : undefined;
  }

  async releaseByTag(tag: string): Promise<{ url: string } | undefined> {
    const response = await this.executor.read(this.path(`/releases/tags/${encodePath(tag)}`));
    if (response.status !== 200) return undefined;
    return { url: asString(asObject(response.data).html_url) ?? '' };
  }

  /** The open pull request from `branch` (same repository) into `base`, if any. */
  async openPull(branch: string, base: string): Promise<{ number: number; url: string; title: string } | undefined> {
    const query = `?state=open&head=${encodeURIComponent(`${this.ref.owner}:${branch}`)}&base=${encodeURIComponent(base)}`;
    const response = await this.executor.read(this.path(`/pulls${query}`));
    if (response.status !== 200 || !Array.isArray(response.data))
      throw new PromotionError('failed', this.executor.describeFailure(response, 'Listing open pull requests'));
    for (const raw of response.data) {
      const pull = asObject(raw);
      const head = asObject(pull.head);
      // GitHub filters by head already; check anyway, since a stand-in or an older server may not.
      if (asString(head.ref) !== branch || asString(asObject(pull.base).ref) !== base) continue;
      if (typeof pull.number !== 'number') continue;
      return { number: pull.number, url: asString(pull.html_url) ?? '', title: asString(pull.title) ?? '' };
    }
    return undefined;
  }

  /** Whether the release `tag` exists on `target`, as a bare tag there, elsewhere, or not at all. */
  async releaseState(tag: string, target: string): Promise<ReleaseState> {
    const tagCommit = await this.refSha(`tags/${tag}`);
    if (!tagCommit) return { kind: 'none' };
    const release = await this.releaseByTag(tag);
    if (tagCommit !== target) return { kind: 'elsewhere', commit: tagCommit, url: release?.url || undefined };
    return release ? { kind: 'released', url: release.url } : { kind: 'tag-only' };
  }

  /** Whether every file has exactly this text at `commit` (a branch left by an earlier run is reused only then). */
  async hasFiles(commit: string, files: readonly { path: string; text: string }[]): Promise<boolean> {
    const same = await Promise.all(files.map(async (file) => (await this.file(file.path, commit)) === file.text));
    return same.every(Boolean);
  }

  /**
   * After a ref update whose answer was lost: returns when `branch` is at `wanted`, else reports where it is (or that
   * GitHub could not be asked).
   */
  async branchAfterLostAnswer(branch: string, what: string, wanted: string): Promise<void> {
    const now = await this.refSha(`heads/${branch}`).catch(() => null);
    if (now === wanted) return;
    if (now === null) {
      const advice = 'look on GitHub before running it again';
      throw new PromotionError('failed', `${what}, and GitHub could not be asked where ${branch} is: ${advice}.`);
    }
    const where = now ? `at ${shortCommit(now) ?? '?'}` : 'missing';
    throw new PromotionError('failed', `${what}; ${branch} is ${where} on GitHub, so it was not changed.`);
  }

  /** Blob per file, one tree on `base`, one commit; returns the commit SHA (a placeholder in a dry run). */
  async commitFiles(base: string, files: readonly { path: string; text: string }[], message: string): Promise<string> {
    const executor = this.executor;
    const created = (response: { status: number }): boolean => response.status === 201 || response.status === 0;
    const tree: { path: string; mode: string; type: string; sha: string }[] = [];
    for (const [index, file] of files.entries()) {
      const content = Buffer.from(file.text, 'utf8').toString('base64');
      const blob = await executor.mutate<{ sha?: string }>(
        'POST',
        this.path('/git/blobs'),
        { content, encoding: 'base64' },
        { sha: `dry-run-blob-${index + 1}` },
      );
      if (!created(blob)) throw new PromotionError('failed', executor.describeFailure(blob, `Storing ${file.path}`));
      tree.push({ path: file.path, mode: '100644', type: 'blob', sha: blob.data.sha ?? '' });
    }
    const baseTree = await this.treeOf(base);
    const newTree = await executor.mutate<{ sha?: string }>(
      'POST',
      this.path('/git/trees'),
      { base_tree: baseTree, tree },
      { sha: 'dry-run-tree' },
    );
    if (!created(newTree)) throw new PromotionError('failed', executor.describeFailure(newTree, 'Creating the tree'));
    const commit = await executor.mutate<{ sha?: string }>(
      'POST',
      this.path('/git/commits'),
      { message, tree: newTree.data.sha, parents: [base] },
      { sha: 'dry-run-commit' },
    );
    if (!created(commit)) throw new PromotionError('failed', executor.describeFailure(commit, 'Creating the commit'));
    return commit.data.sha ?? '';
  }
}
