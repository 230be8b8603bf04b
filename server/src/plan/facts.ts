/**
 * What the planner needs from GitHub, asked through one interface (PlanGitHub) and only for what the two sides use:
 * the head of every followed branch (branch API, as Kayron's GetBranch), the open pull requests of preview services
 * (testing only), the releases of upgraded services, the tags of garbage-collected repositories, and the
 * infrastructure repository's files and root template at head's infrastructure ref. Cached by the providers; a warm
 * plan costs conditional requests only.
 */
import { parseDocument, isMap, isScalar } from 'yaml';
import type { GitHubData } from '../github/providers';
import type { GitHubPullRequest, GitHubRelease, GitHubResult } from '../github/types';
import type { LoadOptions } from '../github/cache';
import type { ServiceDeployment } from '../environments/snapshot';
import {
  classifyChange,
  COLLECTED_REPOSITORIES,
  factKey,
  INDEX_TEMPLATE,
  type Known,
  type PlanFacts,
  type PlanInput,
  type PlanSide,
  type TemplateFacts,
} from './planner';

export interface PlanGitHub {
  /** Owner every `github:` value resolves under (§3.4). */
  owner: string;
  branchHead(repo: string, branch: string): Promise<Known<string>>;
  openPullRequests(repo: string): Promise<Known<GitHubPullRequest[]>>;
  releases(repo: string): Promise<Known<GitHubRelease[]>>;
  tagNames(repo: string): Promise<Known<string[]>>;
  /** Every file path at `ref`. */
  files(repo: string, ref: string): Promise<Known<string[]>>;
  fileText(repo: string, ref: string, path: string): Promise<Known<string>>;
}

/**
 * GitHub's answer as a fact. A 404 is `missing` only when signed in: signed out, a private repository looks the same.
 * A truncated list proves nothing about what it lacks.
 */
function known<T, V>(result: GitHubResult<T>, signedIn: boolean, map: (value: T) => V, what: string): Known<V> {
  if (result.kind === 'fetched')
    return result.truncated
      ? { kind: 'unknown', reason: `${what} is too long to read completely` }
      : { kind: 'found', value: map(result.value) };
  if (result.kind === 'not-found')
    return signedIn
      ? { kind: 'missing' }
      : { kind: 'unknown', reason: `${what} is not visible without signing in to GitHub` };
  return { kind: 'unknown', reason: result.message };
}

/** The plan's GitHub questions through the cached providers. `options` (e.g. allowStale) apply to every load. */
export function planGitHubFrom(
  data: GitHubData,
  owner: string,
  signedIn: () => boolean,
  options?: LoadOptions,
): PlanGitHub {
  return {
    owner,
    async branchHead(repo, branch) {
      return known(
        await data.getBranch(owner, repo, branch, options),
        signedIn(),
        (value) => value.sha,
        `${owner}/${repo} branch ${branch}`,
      );
    },
    async openPullRequests(repo) {
      return known(
        await data.listOpenPullRequests(owner, repo, options),
        signedIn(),
        (value) => value,
        `the pull requests of ${owner}/${repo}`,
      );
    },
    async releases(repo) {
      return known(
        await data.listReleases(owner, repo, options),
        signedIn(),
        (value) => value,
        `the releases of ${owner}/${repo}`,
      );
    },
    async tagNames(repo) {
      return known(
        await data.listTags(owner, repo, options),
        signedIn(),
        (value) => value.map((tag) => tag.name),
        `the tags of ${owner}/${repo}`,
      );
    },
    async files(repo, ref) {
      const result = await data.getTree(owner, repo, ref, options);
      if (result.kind === 'fetched' && result.value.truncated)
        return { kind: 'unknown', reason: `GitHub cut the file list of ${owner}/${repo} at ${ref}` };
      return known(result, signedIn(), (value) => value.paths, `${owner}/${repo} at ${ref}`);
    },
    async fileText(repo, ref, path) {
      return known(
        await data.getFileText(owner, repo, path, ref, options),
        signedIn(),
        (value) => value,
        `${path} of ${owner}/${repo} at ${ref}`,
      );
    },
  };
}

/** The `Parameters` keys of a CloudFormation template (CloudFormation's own tags such as !Ref are left unresolved). */
export function templateParameters(text: string): Known<string[]> {
  const document = parseDocument(text, { strict: false, uniqueKeys: false });
  if (document.errors.length > 0)
    return {
      kind: 'unknown',
      reason: `${INDEX_TEMPLATE} is not valid YAML (${document.errors[0]?.message.split('\n')[0] ?? ''})`,
    };
  const parameters = isMap(document.contents) ? document.contents.get('Parameters', true) : undefined;
  if (parameters === undefined || parameters === null) return { kind: 'found', value: [] };
  if (!isMap(parameters))
    return { kind: 'unknown', reason: `${INDEX_TEMPLATE} has a Parameters section that is not a mapping` };
  return {
    kind: 'found',
    value: parameters.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key))),
  };
}

function services(side: PlanSide): readonly ServiceDeployment[] {
  return side.services;
}

/** The head commit of every branch the services follow (branch API), into `into` by `factKey`. */
export async function gatherBranchHeads(
  services: readonly ServiceDeployment[],
  github: PlanGitHub,
  into: Map<string, Known<string>> = new Map(),
): Promise<Map<string, Known<string>>> {
  const branches = new Map<string, { repo: string; branch: string }>();
  for (const service of services) {
    if (service.strategy.kind === 'branch' && service.github !== '')
      branches.set(factKey(service.github, service.strategy.value), {
        repo: service.github,
        branch: service.strategy.value,
      });
  }
  await Promise.all(
    [...branches].map(async ([key, { repo, branch }]) => into.set(key, await github.branchHead(repo, branch))),
  );
  return into;
}

/** Gathers every fact the plan of `base` → `head` needs; without GitHub, facts say why nothing is known. */
export async function gatherPlanFacts(
  input: Omit<PlanInput, 'facts'>,
  github: PlanGitHub | undefined,
  unavailable?: string,
): Promise<PlanFacts> {
  const branchHeads = new Map<string, Known<string>>();
  const pullRequests = new Map<string, Known<GitHubPullRequest[]>>();
  const releases = new Map<string, Known<GitHubRelease[]>>();
  const tags = new Map<string, Known<string[]>>();
  const facts: PlanFacts = { branchHeads, pullRequests, releases, tags };
  if (!github) {
    facts.unavailable = unavailable ?? 'GitHub is not connected';
    return facts;
  }
  const { base, head, environment } = input;
  const beforeByKey = new Map(base.services.map((service) => [service.key, service]));
  const upgraded = new Set<string>();
  const collected = new Set<string>();
  const previewed = new Set<string>();
  for (const service of head.services) {
    if (service.github === '') continue;
    const before = beforeByKey.get(service.key);
    if (
      before?.strategy.kind === 'release' &&
      service.strategy.kind === 'release' &&
      classifyChange(before, service, before.strategy.value, service.strategy.value) === 'upgrade'
    )
      upgraded.add(service.github);
    if (service.kind === 'service' && service.strategy.kind === 'release' && COLLECTED_REPOSITORIES.has(service.docker))
      collected.add(service.github);
    if (environment.kind === 'testing' && service.preview && service.kind === 'service') previewed.add(service.github);
  }
  await Promise.all([
    gatherBranchHeads([...services(base), ...services(head)], github, branchHeads),
    ...[...upgraded].map(async (repo) => releases.set(repo, await github.releases(repo))),
    ...[...collected].map(async (repo) => tags.set(repo, await github.tagNames(repo))),
    ...[...previewed].map(async (repo) => pullRequests.set(repo, await github.openPullRequests(repo))),
  ]);
  facts.template = await templateFacts(head, github, branchHeads, base);
  return facts;
}

/** The infrastructure repository at head's infrastructure ref: the tag, the branch's head commit, or for a suspended entry what runs now. */
async function templateFacts(
  head: PlanSide,
  github: PlanGitHub,
  branchHeads: ReadonlyMap<string, Known<string>>,
  base: PlanSide,
): Promise<TemplateFacts | undefined> {
  const infrastructure = head.services.filter((service) => service.kind === 'infrastructure');
  if (infrastructure.length !== 1) return undefined;
  const entry = infrastructure[0]!;
  const refOf = (service: ServiceDeployment | undefined): string | undefined => {
    if (service?.strategy.kind === 'release') return service.strategy.value;
    if (service?.strategy.kind === 'branch') {
      const answer = branchHeads.get(factKey(service.github, service.strategy.value));
      return answer?.kind === 'found' ? answer.value : undefined;
    }
    return undefined;
  };
  const ref =
    entry.strategy.kind === 'suspend'
      ? refOf(base.services.find((service) => service.key === entry.key))
      : refOf(entry);
  if (!ref || entry.github === '') return undefined;
  const [files, text] = await Promise.all([
    github.files(entry.github, ref),
    github.fileText(entry.github, ref, INDEX_TEMPLATE),
  ]);
  const parameters: Known<string[]> = text.kind === 'found' ? templateParameters(text.value) : text;
  return { repository: `${github.owner}/${entry.github}`, ref, parameters, files };
}
