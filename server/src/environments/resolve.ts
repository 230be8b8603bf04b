/**
 * Which commit of the releases repository each environment runs (kayron-spec §4.1), resolved from local git refs:
 * development = the working tree, testing = the `testing` branch (else the default branch, as Kayron falls back),
 * staging = the default branch, production = GitHub's latest release (else, offline, the newest local `v*` tag).
 * GitHub answers come from injected providers, so this module works offline and in tests without a network.
 */
import * as semver from 'semver';
import type { GitRef, GitRepository, HeadState } from './git';

export type EnvironmentKind = 'development' | 'testing' | 'staging' | 'production' | 'custom';

/** An extra test environment from the `kayron.environments` setting: Kayron reads the branch named like the environment. */
export interface ExtraEnvironment {
  name: string;
  /** Defaults to `name`. */
  branch?: string;
}

/**
 * GitHub answers; `'unknown'` means GitHub could not be asked (offline, signed out, rate limited). The literal is
 * spelled out although `string` covers it, because it is the contract; no release tag or SHA can be `unknown`.
 */
export interface EnvironmentProviders {
  /** `tag_name` of the latest GitHub release of the releases repo; undefined when it has no release. */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
  latestReleaseTag?(): Promise<string | undefined | 'unknown'>;
  /** Commit SHA of a branch of the releases repo on GitHub; undefined when the branch does not exist there. */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
  remoteBranchHead?(branch: string): Promise<string | undefined | 'unknown'>;
}

export interface ResolveOptions {
  /** Remote that mirrors GitHub; `origin` unless set. */
  remote?: string;
  extraEnvironments?: readonly (string | ExtraEnvironment)[];
  providers?: EnvironmentProviders;
}

export interface LocalVsRemote {
  /** Short names, e.g. `testing` and `origin/testing`. */
  local: string;
  remote: string;
  /** Commits on the local branch that the remote-tracking ref lacks, and the reverse. */
  ahead: number;
  behind: number;
}

export interface ResolvedEnvironment {
  name: string;
  kind: EnvironmentKind;
  /** Short ref name read for this environment (`origin/testing`, `main`, `v0.6.10`); for development the checked-out branch or `HEAD`. */
  ref: string | undefined;
  /** Undefined when the environment cannot be read locally (see `unavailable`); for development, the HEAD commit under the working tree. */
  commit: string | undefined;
  shortCommit: string | undefined;
  /** Committer date of `commit`, ISO 8601. */
  date: string | undefined;
  /** A tag at `commit` (the release tag for production). */
  tag?: string;
  /** Set when the ref is a substitute for the one Kayron reads, e.g. `newest local v* tag (offline)`. */
  fallback?: string;
  /** The remote has something newer than what was read locally: fetch to update. */
  behindRemote?: boolean;
  /** Why `behindRemote` is set, or other remote facts worth showing. */
  remoteNote?: string;
  /** Why the environment has no commit. */
  unavailable?: string;
  /** The local branch of the same name compared with its remote-tracking ref (for development: with its upstream). */
  localVsRemote?: LocalVsRemote;
  /** True for development: files come from the working tree and unsaved editors, not from `commit`. */
  workingTree?: boolean;
  /** Branch of the releases repo Kayron asks GitHub for (testing and custom environments, staging's default branch). */
  branch?: string;
}

export interface DefaultBranch {
  /** Branch name, e.g. `main`. */
  name: string;
  /** Short ref read, e.g. `origin/main`. */
  ref: string;
  commit: string;
  date: string | undefined;
  /** How it was found; anything but `origin/HEAD` is a guess. */
  source:
    | 'origin/HEAD'
    | 'remote main'
    | 'remote master'
    | 'local main'
    | 'local master'
    | 'current branch'
    | 'detached HEAD';
}

export interface RepositoryState {
  topLevel: string;
  /** The releases root's path inside the repository (`''` or `sub/dir/`). */
  prefix: string;
  shallow: boolean;
  remote: string;
  hasRemote: boolean;
  head: HeadState;
  defaultBranch: DefaultBranch | undefined;
}

export interface EnvironmentResolution {
  repository: RepositoryState;
  environments: ResolvedEnvironment[];
}

export const BUILT_IN_ENVIRONMENTS = ['development', 'testing', 'staging', 'production'] as const;
export const SHORT_COMMIT_LENGTH = 7;

const HEADS = 'refs/heads/';
const REMOTES = 'refs/remotes/';
const TAGS = 'refs/tags/';

export function shortCommit(commit: string | undefined): string | undefined {
  return commit?.slice(0, SHORT_COMMIT_LENGTH);
}

function shortRefName(fullName: string): string {
  for (const prefix of [HEADS, REMOTES, TAGS]) if (fullName.startsWith(prefix)) return fullName.slice(prefix.length);
  return fullName;
}

/** `v` + semver, the only tag shape Kayron accepts for production (kayron-spec §4.1). */
export function isReleaseTag(name: string): boolean {
  return name.startsWith('v') && semver.valid(name.slice(1)) !== null;
}

/** Highest `v*` tag by semver; releases beat prereleases, since GitHub's "latest release" is never a prerelease. */
export function newestReleaseTag(tagNames: readonly string[]): string | undefined {
  const candidates = tagNames.filter(isReleaseTag);
  const stable = candidates.filter((name) => semver.prerelease(name.slice(1)) === null);
  const pool = stable.length > 0 ? stable : candidates;
  return [...pool].sort((a, b) => semver.rcompare(a.slice(1), b.slice(1)) || (a < b ? -1 : a > b ? 1 : 0))[0];
}

class RefIndex {
  readonly byName = new Map<string, GitRef>();
  readonly tagsByCommit = new Map<string, string[]>();

  constructor(refs: readonly GitRef[]) {
    for (const ref of refs) {
      this.byName.set(ref.name, ref);
      if (ref.name.startsWith(TAGS) && ref.commit) {
        const list = this.tagsByCommit.get(ref.commit) ?? [];
        list.push(ref.name.slice(TAGS.length));
        this.tagsByCommit.set(ref.commit, list);
      }
    }
  }

  get(fullName: string): GitRef | undefined {
    const ref = this.byName.get(fullName);
    return ref?.commit ? ref : undefined;
  }

  tags(): string[] {
    return [...this.byName.keys()].filter((name) => name.startsWith(TAGS)).map((name) => name.slice(TAGS.length));
  }

  /** The tag to show next to a commit: the newest release tag there, else the first tag by name. */
  tagAt(commit: string | undefined): string | undefined {
    const tags = commit ? this.tagsByCommit.get(commit) : undefined;
    if (!tags || tags.length === 0) return undefined;
    return newestReleaseTag(tags) ?? [...tags].sort()[0];
  }

  hasRemote(remote: string): boolean {
    const prefix = `${REMOTES}${remote}/`;
    for (const name of this.byName.keys()) if (name.startsWith(prefix)) return true;
    return false;
  }
}

function findDefaultBranch(index: RefIndex, head: HeadState, remote: string): DefaultBranch | undefined {
  const remoteHead = index.byName.get(`${REMOTES}${remote}/HEAD`);
  const target = remoteHead?.symref ? index.get(remoteHead.symref) : undefined;
  if (remoteHead?.symref && target?.commit) {
    const ref = shortRefName(remoteHead.symref);
    return { name: ref.slice(remote.length + 1), ref, commit: target.commit, date: target.date, source: 'origin/HEAD' };
  }
  const candidates: [string, DefaultBranch['source'], string][] = [
    [`${REMOTES}${remote}/main`, 'remote main', 'main'],
    [`${REMOTES}${remote}/master`, 'remote master', 'master'],
    [`${HEADS}main`, 'local main', 'main'],
    [`${HEADS}master`, 'local master', 'master'],
  ];
  for (const [fullName, source, name] of candidates) {
    const ref = index.get(fullName);
    if (ref?.commit) return { name, ref: shortRefName(fullName), commit: ref.commit, date: ref.date, source };
  }
  if (head.branch && head.commit) {
    const name = shortRefName(head.branch);
    return { name, ref: name, commit: head.commit, date: head.date, source: 'current branch' };
  }
  if (head.commit) return { name: 'HEAD', ref: 'HEAD', commit: head.commit, date: head.date, source: 'detached HEAD' };
  return undefined;
}

function describeDefaultBranchGuess(branch: DefaultBranch, remote: string): string | undefined {
  switch (branch.source) {
    case 'origin/HEAD':
      return undefined;
    case 'remote main':
    case 'remote master':
      return `default branch guessed as ${branch.ref}: ${remote}/HEAD is not set (git remote set-head ${remote} --auto)`;
    case 'local main':
    case 'local master':
      return `default branch guessed as local ${branch.ref}: no ${remote}/HEAD`;
    case 'current branch':
      return `default branch unknown: using the current branch ${branch.ref}`;
    case 'detached HEAD':
      return 'default branch unknown: using the detached HEAD';
  }
}

async function safeProvider<T>(call: (() => Promise<T>) | undefined): Promise<T | 'unknown' | 'no-provider'> {
  if (!call) return 'no-provider';
  try {
    return await call();
  } catch {
    return 'unknown';
  }
}

interface Context {
  repository: GitRepository;
  index: RefIndex;
  state: RepositoryState;
  providers: EnvironmentProviders;
}

function environmentAt(
  name: string,
  kind: EnvironmentKind,
  ref: string | undefined,
  commit: string | undefined,
  date: string | undefined,
  index: RefIndex,
): ResolvedEnvironment {
  const environment: ResolvedEnvironment = { name, kind, ref, commit, shortCommit: shortCommit(commit), date };
  const tag = index.tagAt(commit);
  if (tag) environment.tag = tag;
  return environment;
}

async function compareLocalWithRemote(context: Context, branch: string): Promise<LocalVsRemote | undefined> {
  const { remote } = context.state;
  const local = context.index.get(`${HEADS}${branch}`);
  const tracking = context.index.get(`${REMOTES}${remote}/${branch}`);
  if (!local?.commit || !tracking?.commit) return undefined;
  if (local.commit === tracking.commit) return { local: branch, remote: `${remote}/${branch}`, ahead: 0, behind: 0 };
  try {
    const counts = await context.repository.aheadBehind(local.commit, tracking.commit);
    return { local: branch, remote: `${remote}/${branch}`, ...counts };
  } catch {
    return undefined;
  }
}

/** Compares what was read locally with the branch head GitHub reports; any difference means the local mirror is stale. */
async function noteRemoteBranch(
  context: Context,
  environment: ResolvedEnvironment,
  branch: string,
  readFromBranch: boolean,
): Promise<void> {
  const answer = await safeProvider(
    context.providers.remoteBranchHead ? () => context.providers.remoteBranchHead!(branch) : undefined,
  );
  if (answer === 'no-provider' || answer === 'unknown') return;
  if (answer === undefined) {
    if (readFromBranch) environment.remoteNote = `GitHub has no ${branch} branch any more: fetch --prune to update`;
    return;
  }
  if (!readFromBranch) {
    environment.behindRemote = true;
    environment.remoteNote = `GitHub has a ${branch} branch (${shortCommit(answer)}) that is not fetched: fetch to update`;
  } else if (answer !== environment.commit) {
    environment.behindRemote = true;
    environment.remoteNote = `GitHub's ${branch} is at ${shortCommit(answer)}, not ${environment.shortCommit}: fetch to update`;
  }
}

/** testing and custom environments: Kayron reads the branch named after the environment, else the default branch. */
async function resolveBranchEnvironment(
  context: Context,
  name: string,
  kind: EnvironmentKind,
  branch: string,
): Promise<ResolvedEnvironment> {
  const { index, state } = context;
  const remoteRef = index.get(`${REMOTES}${state.remote}/${branch}`);
  const localRef = index.get(`${HEADS}${branch}`);
  let environment: ResolvedEnvironment;
  let readFromBranch = true;
  if (remoteRef?.commit) {
    environment = environmentAt(name, kind, `${state.remote}/${branch}`, remoteRef.commit, remoteRef.date, index);
  } else if (localRef?.commit) {
    environment = environmentAt(name, kind, branch, localRef.commit, localRef.date, index);
    if (state.hasRemote) environment.fallback = `local ${branch} branch: ${state.remote}/${branch} does not exist`;
  } else if (state.defaultBranch) {
    readFromBranch = false;
    const fallbackBranch = state.defaultBranch;
    environment = environmentAt(name, kind, fallbackBranch.ref, fallbackBranch.commit, fallbackBranch.date, index);
    const shallowNote = state.shallow ? ' (shallow clone: other branches may not be fetched)' : '';
    environment.fallback = `no ${branch} branch: Kayron falls back to the default branch${shallowNote}`;
  } else {
    readFromBranch = false;
    environment = environmentAt(name, kind, undefined, undefined, undefined, index);
    environment.unavailable = `no ${branch} branch and no default branch`;
  }
  environment.branch = branch;
  const [localVsRemote] = await Promise.all([
    compareLocalWithRemote(context, branch),
    noteRemoteBranch(context, environment, branch, readFromBranch),
  ]);
  if (localVsRemote) environment.localVsRemote = localVsRemote;
  return environment;
}

async function resolveStaging(context: Context): Promise<ResolvedEnvironment> {
  const { index, state } = context;
  const branch = state.defaultBranch;
  if (!branch) {
    const environment = environmentAt('staging', 'staging', undefined, undefined, undefined, index);
    environment.unavailable = 'the repository has no commits';
    return environment;
  }
  const environment = environmentAt('staging', 'staging', branch.ref, branch.commit, branch.date, index);
  const guess = describeDefaultBranchGuess(branch, state.remote);
  if (guess) environment.fallback = guess;
  if (branch.source === 'detached HEAD') return environment;
  environment.branch = branch.name;
  const readFromRemote = branch.source === 'origin/HEAD' || branch.source.startsWith('remote');
  const [localVsRemote] = await Promise.all([
    readFromRemote ? compareLocalWithRemote(context, branch.name) : Promise.resolve(undefined),
    noteRemoteBranch(context, environment, branch.name, true),
  ]);
  if (localVsRemote) environment.localVsRemote = localVsRemote;
  return environment;
}

async function resolveProduction(context: Context): Promise<ResolvedEnvironment> {
  const { index } = context;
  const answer = await safeProvider(
    context.providers.latestReleaseTag ? () => context.providers.latestReleaseTag!() : undefined,
  );
  if (answer !== 'unknown' && answer !== 'no-provider') {
    if (answer === undefined) {
      const environment = environmentAt('production', 'production', undefined, undefined, undefined, index);
      environment.unavailable =
        'the releases repository has no GitHub release, so Kayron cannot deploy production (create a GitHub release)';
      return environment;
    }
    const ref = index.get(`${TAGS}${answer}`);
    if (!ref?.commit) {
      const environment = environmentAt('production', 'production', answer, undefined, undefined, index);
      environment.tag = answer;
      environment.behindRemote = true;
      environment.remoteNote = `the latest GitHub release ${answer} is not in this clone: fetch --tags to update`;
      environment.unavailable = `tag ${answer} is not in this clone`;
      return environment;
    }
    const environment = environmentAt('production', 'production', answer, ref.commit, ref.date, index);
    environment.tag = answer;
    return environment;
  }
  const reason = answer === 'unknown' ? 'offline' : 'GitHub not connected';
  const tag = newestReleaseTag(index.tags().filter((name) => index.get(`${TAGS}${name}`)));
  if (!tag) {
    const environment = environmentAt('production', 'production', undefined, undefined, undefined, index);
    environment.unavailable = `no local v* tag and the latest GitHub release is unknown (${reason})`;
    return environment;
  }
  const ref = index.get(`${TAGS}${tag}`)!;
  const environment = environmentAt('production', 'production', tag, ref.commit, ref.date, index);
  environment.tag = tag;
  environment.fallback = `newest local v* tag (${reason})`;
  return environment;
}

async function resolveDevelopment(context: Context): Promise<ResolvedEnvironment> {
  const { index, state } = context;
  const { head } = state;
  const ref = head.branch ? shortRefName(head.branch) : 'HEAD';
  const environment = environmentAt('development', 'development', ref, head.commit, head.date, index);
  environment.workingTree = true;
  if (!head.branch && head.commit) environment.remoteNote = 'detached HEAD';
  const upstream = head.branch ? index.byName.get(head.branch)?.upstream : undefined;
  const upstreamRef = upstream ? index.get(upstream) : undefined;
  if (head.commit && upstream && upstreamRef?.commit) {
    const counts =
      upstreamRef.commit === head.commit
        ? { ahead: 0, behind: 0 }
        : await context.repository.aheadBehind(head.commit, upstreamRef.commit).catch(() => undefined);
    if (counts) environment.localVsRemote = { local: ref, remote: shortRefName(upstream), ...counts };
  }
  return environment;
}

function normaliseExtra(extra: string | ExtraEnvironment): ExtraEnvironment {
  return typeof extra === 'string'
    ? { name: extra, branch: extra }
    : { name: extra.name, branch: extra.branch ?? extra.name };
}

/** Resolves every environment of the releases root in `repository` from one `for-each-ref` listing plus a few counts. */
export async function resolveEnvironments(
  repository: GitRepository,
  options: ResolveOptions = {},
): Promise<EnvironmentResolution> {
  const remote = options.remote ?? 'origin';
  const [refs, head] = await Promise.all([repository.listRefs(), repository.head()]);
  const index = new RefIndex(refs);
  const state: RepositoryState = {
    topLevel: repository.topLevel,
    prefix: repository.prefix,
    shallow: repository.shallow,
    remote,
    hasRemote: index.hasRemote(remote),
    head,
    defaultBranch: undefined,
  };
  state.defaultBranch = findDefaultBranch(index, head, remote);
  const context: Context = { repository, index, state, providers: options.providers ?? {} };
  const builtIn = new Set<string>(BUILT_IN_ENVIRONMENTS);
  const extras = (options.extraEnvironments ?? [])
    .map(normaliseExtra)
    .filter(
      (extra, i, all) =>
        extra.name !== '' && !builtIn.has(extra.name) && all.findIndex((other) => other.name === extra.name) === i,
    );
  const environments = await Promise.all([
    resolveDevelopment(context),
    resolveBranchEnvironment(context, 'testing', 'testing', 'testing'),
    ...extras.map((extra) => resolveBranchEnvironment(context, extra.name, 'custom', extra.branch ?? extra.name)),
    resolveStaging(context),
    resolveProduction(context),
  ]);
  return { repository: state, environments };
}
