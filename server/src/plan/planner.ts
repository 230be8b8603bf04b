/**
 * The deployment planner, pure over its inputs: the services an environment deploys now (base) and after a change
 * (head), as the environments modules read them, plus what GitHub said (facts.ts gathers it). It computes the
 * CloudFormation parameters Kayron would pass at both (kayron-spec §3.3–§3.4), the preview deployments of a testing
 * environment (§3.5), the problems that would stop or worry a deployment, and the release notes of every upgrade.
 * Where GitHub gave no answer the plan says what is unknown; it never guesses.
 */
import { createHash } from 'node:crypto';
import { compareGoStrings } from '../kayron/loader';
import { cloudformationParameterKey } from '../kayron/grammar';
import { strategyLabel } from '../kayron/entry-model';
import type { EnvironmentKind } from '../environments/resolve';
import type { EnvironmentProblem, ServiceDeployment } from '../environments/snapshot';
import { acceptedTags, compareNewestFirst, versionTag } from '../github/versions';
import type { GitHubPullRequest, GitHubRelease } from '../github/types';
import type { DeploymentPlan, ParameterChange, PlanNote, PlanParameter, PlanPreview, PlanProblem } from './types';

/** An answer from GitHub: found, proven absent (`missing`), or not known (`unknown`, with why). */
export type Known<T> = { kind: 'found'; value: T } | { kind: 'missing' } | { kind: 'unknown'; reason: string };

/** What the plan needs from GitHub, keyed as `factKey` builds the keys. Every map may lack entries: those count as unknown. */
export interface PlanFacts {
  /** Undefined when GitHub could be asked; else why not (signed out of an unknown owner, offline, Restricted Mode). */
  unavailable?: string | undefined;
  /** Head commit of a service's branch by `factKey(github, branch)`, from the branch API. */
  branchHeads: ReadonlyMap<string, Known<string>>;
  /** Open pull requests by service repository (github name), in GitHub's order (newest first). */
  pullRequests: ReadonlyMap<string, Known<GitHubPullRequest[]>>;
  releases: ReadonlyMap<string, Known<GitHubRelease[]>>;
  /** Tag names by service repository, for the image garbage collection check. */
  tags: ReadonlyMap<string, Known<string[]>>;
  /** The infrastructure repository at the infrastructure ref of head. */
  template?: TemplateFacts | undefined;
}

export interface TemplateFacts {
  /** `<owner>/<infrastructure github>`. */
  repository: string;
  ref: string;
  /** `Parameters` of `cloudformation/index.yaml`. */
  parameters: Known<string[]>;
  /** Every file path at the ref (Tree API). */
  files: Known<string[]>;
}

export interface PlanSide {
  /** Ref as given or resolved (`origin/main`, `working tree`, `v0.6.10`). */
  ref: string;
  commit: string | null;
  services: readonly ServiceDeployment[];
  /** What `kayron lint` would print for these files; undefined when it passes. */
  verdict?: EnvironmentProblem | undefined;
  /** Repository-level errors (infrastructure count, no definitions). */
  problems?: readonly EnvironmentProblem[];
}

export interface PlanInput {
  /** `baseFallback`: set when base is a substitute for the ref Kayron reads (e.g. the newest local tag, GitHub unknown). */
  environment: { name: string; kind: EnvironmentKind; baseFallback?: string | undefined };
  base: PlanSide;
  head: PlanSide;
  facts: PlanFacts;
}

/** ECR repositories whose images the worker garbage-collects, keeping the 10 most recent `v` tags (§3.3). */
export const COLLECTED_REPOSITORIES: ReadonlySet<string> = new Set([
  'alloy',
  'kayron',
  'server',
  'specta',
  'splits-lite',
]);
export const KEPT_IMAGES = 10;
/** Kayron lists one page of open pull requests per preview service (§3.5). */
export const MAX_PREVIEWS_PER_SERVICE = 100;
export const INDEX_TEMPLATE = 'cloudformation/index.yaml';
/** Operator-level refusals: the operator stops reconciling, though `kayron lint` passes. */
const OPERATOR_REFUSALS = new Set(['infrastructure-count', 'no-release-definitions']);

export function factKey(github: string, branch: string): string {
  return `${github}\0${branch}`;
}

/** The CloudFormation parameter of an entry: from the github name for infrastructure, else from docker (§3.3). */
export function parameterKeyOf(service: Pick<ServiceDeployment, 'kind' | 'docker' | 'github'>): string {
  return cloudformationParameterKey(service.kind === 'infrastructure' ? service.github : service.docker);
}

function serviceName(service: ServiceDeployment): string {
  return service.kind === 'infrastructure' ? service.github : service.docker || service.github;
}

/** `<hash8>` of a preview: the first 8 hex characters of sha256(branch) (§3.5). */
export function previewHash(branch: string): string {
  return createHash('sha256').update(branch, 'utf8').digest('hex').slice(0, 8);
}

/** `<hash8>.<docker minus a leading "splits-">.<env>.splits.org` (§3.5). */
export function previewDomain(hash: string, docker: string, environment: string): string {
  return `${hash}.${docker.replace(/^splits-/, '')}.${environment}.splits.org`;
}

interface Resolved {
  value: string | null;
  /** Why a branch gave no value. */
  branch?: { name: string; answer: Known<string> };
}

function resolveValue(
  service: ServiceDeployment | undefined,
  facts: Pick<PlanFacts, 'branchHeads' | 'unavailable'>,
): Resolved {
  if (!service) return { value: null };
  switch (service.strategy.kind) {
    case 'release':
      return { value: service.strategy.value };
    case 'branch': {
      const answer: Known<string> = facts.branchHeads.get(factKey(service.github, service.strategy.value)) ?? {
        kind: 'unknown',
        reason: facts.unavailable ?? 'not asked',
      };
      return { value: answer.kind === 'found' ? answer.value : null, branch: { name: service.strategy.value, answer } };
    }
    case 'suspend':
    case 'none':
    case 'conflict':
      return { value: null };
  }
}

/** How a parameter changes between two entries (either may be absent) and the values Kayron passes. */
export function classifyChange(
  before: ServiceDeployment | undefined,
  after: ServiceDeployment | undefined,
  beforeValue: string | null,
  afterValue: string | null,
): ParameterChange {
  // A conflicting entry deploys nothing, like one without a strategy: Kayron rejects its file.
  const present = (service: ServiceDeployment | undefined) =>
    service !== undefined && service.strategy.kind !== 'none' && service.strategy.kind !== 'conflict';
  if (!present(before) && !present(after)) return 'none';
  if (!present(before)) return 'added';
  if (!present(after)) return 'removed';
  const from = before!.strategy;
  const to = after!.strategy;
  if (to.kind === 'suspend') return from.kind === 'suspend' ? 'none' : 'suspended';
  if (from.kind === 'suspend') return 'resumed';
  if (from.kind === 'release' && to.kind === 'release') {
    if (from.value === to.value) return 'none';
    const older = versionTag(from.value);
    const newer = versionTag(to.value);
    // Newest first: a positive answer means `to` sorts after `from`, i.e. is older.
    if (older && newer) return compareNewestFirst(newer, older) > 0 ? 'downgrade' : 'upgrade';
    return 'upgrade';
  }
  if (to.kind === 'branch' && from.kind !== 'branch') return 'to-branch';
  if (from.kind === 'branch' && to.kind !== 'branch') return 'to-release';
  // Both follow a branch: another branch, or the same one that resolves elsewhere now.
  return from.value !== to.value || beforeValue !== afterValue ? 'branch-moved' : 'none';
}

/** A major version change, or below v1 a minor one (semver's promise ends there). */
export function isBreaking(before: string, after: string): boolean {
  const from = versionTag(before);
  const to = versionTag(after);
  if (!from || !to) return false;
  if (from.version.major !== to.version.major) return true;
  return to.version.major === 0n && from.version.minor !== to.version.minor;
}

function unknownReason(answer: Known<unknown> | undefined, facts: PlanFacts): string {
  return answer?.kind === 'unknown' ? answer.reason : (facts.unavailable ?? 'not asked');
}

function problemOrder(problem: PlanProblem): number {
  if (problem.code === 'kayron-rejects') return 0;
  if (problem.severity === 'error') return 1;
  return problem.code === 'github-unverified' ? 3 : 2;
}

function orderOf(services: readonly ServiceDeployment[]): ServiceDeployment[] {
  return [...services].sort(
    (a, b) =>
      Number(a.kind !== 'infrastructure') - Number(b.kind !== 'infrastructure') || compareGoStrings(a.key, b.key),
  );
}

function previewsOf(input: PlanInput, problems: PlanProblem[]): PlanPreview[] {
  const { environment, head, facts } = input;
  // The preview operator runs only where KAYRON_ENVIRONMENT is testing.
  if (environment.kind !== 'testing') return [];
  const previews: PlanPreview[] = [];
  for (const service of head.services) {
    if (!service.preview || service.kind === 'infrastructure' || service.docker === '') continue;
    const pulls = facts.pullRequests.get(service.github);
    if (pulls?.kind !== 'found') {
      if (pulls?.kind === 'missing' || facts.unavailable) continue;
      problems.push({
        code: 'github-unverified',
        severity: 'warning',
        service: service.docker,
        message: `Previews of ${service.docker} are unknown: the open pull requests of ${service.github} could not be read (${unknownReason(pulls, facts)}).`,
      });
      continue;
    }
    const open = pulls.value
      .slice(0, MAX_PREVIEWS_PER_SERVICE)
      .filter((pull) => !pull.headRef.startsWith('dependabot/'))
      .map((pull, index) => ({ pull, index }))
      .sort((a, b) => (a.pull.createdAt ?? '').localeCompare(b.pull.createdAt ?? '') || b.index - a.index)
      .map(({ pull }) => pull);
    if (open.length === 0) continue;
    for (const pull of open) {
      const hash = previewHash(pull.headRef);
      previews.push({
        service: service.docker,
        pull: pull.number,
        branch: pull.headRef,
        hash,
        domain: previewDomain(hash, service.docker, environment.name),
      });
    }
    const template = facts.template;
    const files = template?.files;
    if (files?.kind === 'found') {
      const wanted = `${service.docker}.yaml`;
      const exists = files.value.some(
        (file) => file.startsWith('cloudformation/') && (file.split('/').pop() ?? '') === wanted,
      );
      if (!exists) {
        problems.push({
          code: 'preview-template-missing',
          severity: 'error',
          service: service.docker,
          message: `${template!.repository} has no cloudformation/**/${wanted} at ${template!.ref}: Kayron cannot create the ${open.length} preview${open.length === 1 ? '' : 's'} of ${service.docker}.`,
        });
      }
    } else if (!facts.unavailable) {
      problems.push({
        code: 'github-unverified',
        severity: 'warning',
        service: service.docker,
        message: `Whether the preview template cloudformation/**/${service.docker}.yaml exists is unknown (${template ? unknownReason(files, facts) : 'no infrastructure ref at head'}).`,
      });
    }
  }
  return previews;
}

function notesFor(
  parameter: PlanParameter,
  service: ServiceDeployment,
  facts: PlanFacts,
  problems: PlanProblem[],
): PlanNote | undefined {
  if (parameter.change !== 'upgrade' || parameter.before === null || parameter.after === null || service.github === '')
    return undefined;
  const from = versionTag(parameter.before);
  const to = versionTag(parameter.after);
  if (!from || !to) return undefined;
  const releases = facts.releases.get(service.github);
  if (releases?.kind !== 'found') {
    // Without GitHub at all, the one problem that says so covers the notes too.
    if (releases?.kind !== 'missing' && !facts.unavailable) {
      problems.push({
        code: 'github-unverified',
        severity: 'warning',
        service: parameter.service,
        parameter: parameter.key,
        message: `Release notes of ${service.github} ${parameter.before} → ${parameter.after} are unknown (${unknownReason(releases, facts)}).`,
      });
    }
    return { service: parameter.service, breaking: isBreaking(parameter.before, parameter.after), releases: [] };
  }
  const inRange = releases.value
    .filter((release) => !release.draft)
    .map((release) => ({ release, tag: versionTag(release.tagName) }))
    .filter(
      (item): item is { release: GitHubRelease; tag: NonNullable<ReturnType<typeof versionTag>> } =>
        item.tag !== undefined,
    )
    .filter(({ tag }) => compareNewestFirst(tag, from) < 0 && compareNewestFirst(tag, to) >= 0)
    .sort((a, b) => compareNewestFirst(a.tag, b.tag));
  return {
    service: parameter.service,
    breaking: isBreaking(parameter.before, parameter.after),
    releases: inRange.map(({ release }) => ({
      tag: release.tagName,
      name: release.name,
      body: release.body,
      publishedAt: release.publishedAt ?? null,
      url: release.htmlUrl,
    })),
  };
}

/** One parameter with the entries it comes from (either may be absent). */
export interface ParameterRow {
  before: ServiceDeployment | undefined;
  after: ServiceDeployment | undefined;
  parameter: PlanParameter;
}

interface ResolvedRow extends ParameterRow {
  beforeResolved: Resolved;
  afterResolved: Resolved;
}

function parameterRowsWithValues(
  base: readonly ServiceDeployment[],
  head: readonly ServiceDeployment[],
  facts: Pick<PlanFacts, 'branchHeads' | 'unavailable'>,
): ResolvedRow[] {
  const beforeByKey = new Map(base.map((service) => [service.key, service]));
  const afterByKey = new Map(head.map((service) => [service.key, service]));
  return orderOf([...head, ...base.filter((service) => !afterByKey.has(service.key))]).map((service) => {
    const before = beforeByKey.get(service.key);
    const after = afterByKey.get(service.key);
    const entry = after ?? before!;
    const beforeResolved = resolveValue(before, facts);
    const afterResolved = resolveValue(after, facts);
    const beforeValue = beforeResolved.value;
    // A suspended service keeps what runs (its current image tag) in the parameters.
    const afterValue = after?.strategy.kind === 'suspend' ? beforeValue : afterResolved.value;
    const parameter: PlanParameter = {
      key: parameterKeyOf(entry),
      before: beforeValue,
      after: after ? afterValue : null,
      change: classifyChange(before, after, beforeValue, afterValue),
      service: serviceName(entry),
    };
    if (after) {
      parameter.file = after.file;
      parameter.line = after.line;
      parameter.afterLabel = strategyLabel(after.strategy, after.preview);
    }
    if (before) parameter.beforeLabel = strategyLabel(before.strategy, before.preview);
    return { before, after, parameter, beforeResolved, afterResolved };
  });
}

/**
 * The parameters Kayron sets at base and at head, with the entries they come from: infrastructure first, then by name.
 * The promotion previews use this, so what a promotion shows and what `plan` prints agree.
 */
export function parameterRows(
  base: readonly ServiceDeployment[],
  head: readonly ServiceDeployment[],
  facts: Pick<PlanFacts, 'branchHeads' | 'unavailable'>,
): ParameterRow[] {
  return parameterRowsWithValues(base, head, facts).map(({ before, after, parameter }) => ({
    before,
    after,
    parameter,
  }));
}

/** Computes the plan. Pure: the same inputs give the same plan. */
export function planDeployment(input: PlanInput): DeploymentPlan {
  const { base, head, facts } = input;
  const problems: PlanProblem[] = [];
  if (head.verdict) {
    problems.push({
      code: 'kayron-rejects',
      severity: 'error',
      message: `Kayron would stop reconciling: kayron lint fails at ${head.ref}: ${head.verdict.file}: ${head.verdict.message.split('\n')[0] ?? ''}`,
    });
  }
  for (const problem of head.problems ?? []) {
    if (!OPERATOR_REFUSALS.has(problem.code) || (head.verdict && head.verdict.message === problem.message)) continue;
    problems.push({
      code: 'kayron-rejects',
      severity: 'error',
      message: `The Kayron operator would refuse to reconcile at ${head.ref}: ${problem.file}: ${problem.message.split('\n')[0] ?? ''}`,
    });
  }
  if (input.environment.baseFallback) {
    problems.push({
      code: 'github-unverified',
      severity: 'warning',
      message: `What ${input.environment.name} runs now is not certain: base ${base.ref} is a substitute (${input.environment.baseFallback}).`,
    });
  }
  if (facts.unavailable) {
    problems.push({
      code: 'github-unverified',
      severity: 'warning',
      message: `GitHub was not asked (${facts.unavailable}): branch heads, previews, the infrastructure template and release notes are unknown.`,
    });
  }

  const parameters: PlanParameter[] = [];
  const notes: PlanNote[] = [];
  const reportedBranches = new Set<string>();
  const reportBranch = (service: ServiceDeployment, resolved: Resolved, key: string) => {
    if (!resolved.branch || resolved.branch.answer.kind === 'found') return;
    const id = factKey(service.github, resolved.branch.name);
    if (reportedBranches.has(id)) return;
    reportedBranches.add(id);
    const name = serviceName(service);
    if (resolved.branch.answer.kind === 'missing') {
      const infrastructure = service.kind === 'infrastructure';
      problems.push({
        code: 'branch-unresolved',
        severity: infrastructure ? 'error' : 'warning',
        service: name,
        parameter: key,
        message: infrastructure
          ? `${service.github} has no branch ${resolved.branch.name}: the infrastructure release gets no desired ref, and the Kayron operator can exit.`
          : `${service.github} has no branch ${resolved.branch.name}: Kayron finds no desired version and deploys nothing for ${name}.`,
      });
    } else if (!facts.unavailable) {
      problems.push({
        code: 'github-unverified',
        severity: 'warning',
        service: name,
        parameter: key,
        message: `The head of ${service.github}'s branch ${resolved.branch.name} is unknown (${resolved.branch.answer.reason}).`,
      });
    }
  };

  for (const { before, after, parameter, beforeResolved, afterResolved } of parameterRowsWithValues(
    base.services,
    head.services,
    facts,
  )) {
    const { key, change } = parameter;
    parameters.push(parameter);
    if (after) reportBranch(after, afterResolved, key);
    if (before && change !== 'none') reportBranch(before, beforeResolved, key);
    if (change === 'downgrade') {
      problems.push({
        code: 'downgrade',
        severity: 'warning',
        service: parameter.service,
        parameter: key,
        message: `${parameter.service} goes back from ${parameter.before} to ${parameter.after}.`,
      });
    }
    if (after) {
      const note = notesFor(parameter, after, facts, problems);
      if (note) notes.push(note);
    }
    if (after?.strategy.kind === 'release' && after.kind === 'service' && COLLECTED_REPOSITORIES.has(after.docker)) {
      const tags = facts.tags.get(after.github);
      if (tags?.kind === 'found') {
        const collectable = acceptedTags(tags.value).filter((tag) => tag.channel !== 'alias');
        const rank = collectable.findIndex((tag) => tag.name === after.strategy.value);
        if (rank >= KEPT_IMAGES) {
          problems.push({
            code: 'image-may-be-collected',
            severity: 'warning',
            service: parameter.service,
            parameter: key,
            message: `${after.strategy.value} is not among the ${KEPT_IMAGES} newest v tags of ${after.github} (${rank + 1}th): the image garbage collection in ${after.docker} may have deleted its image, and Kayron would wait for it forever.`,
          });
        }
      } else if (!facts.unavailable && tags?.kind !== 'missing') {
        problems.push({
          code: 'github-unverified',
          severity: 'warning',
          service: parameter.service,
          parameter: key,
          message: `Whether the image ${after.docker}:${after.strategy.value} may have been garbage-collected is unknown: the tags of ${after.github} could not be read (${unknownReason(tags, facts)}).`,
        });
      }
    }
  }

  templateProblems(parameters, facts, problems);
  const previews = previewsOf(input, problems);
  const ordering = problems.map((problem, index) => ({ problem, index }));
  ordering.sort((a, b) => problemOrder(a.problem) - problemOrder(b.problem) || a.index - b.index);
  return {
    environment: input.environment.name,
    base: { ref: base.ref, commit: base.commit },
    head: { ref: head.ref, commit: head.commit },
    parameters,
    previews,
    problems: ordering.map(({ problem }) => problem),
    notes,
  };
}

/** Every parameter Kayron sets at head must be one of the root template's `Parameters`, or UpdateStack fails. */
function templateProblems(parameters: readonly PlanParameter[], facts: PlanFacts, problems: PlanProblem[]): void {
  const set = parameters.filter((parameter) => parameter.change !== 'removed' && parameter.afterLabel !== undefined);
  if (set.length === 0 || facts.unavailable) return;
  const template = facts.template;
  if (!template) {
    problems.push({
      code: 'github-unverified',
      severity: 'warning',
      message: `The parameters were not checked against ${INDEX_TEMPLATE}: head has no infrastructure ref to read it at (no infrastructure entry, or it is suspended or unresolved).`,
    });
    return;
  }
  const known = template.parameters;
  if (known.kind === 'unknown') {
    problems.push({
      code: 'github-unverified',
      severity: 'warning',
      message: `The parameters were not checked against ${INDEX_TEMPLATE} of ${template.repository} at ${template.ref}: ${known.reason}.`,
    });
    return;
  }
  if (known.kind === 'missing') {
    problems.push({
      code: 'parameter-not-in-template',
      severity: 'error',
      message: `${template.repository} has no ${INDEX_TEMPLATE} at ${template.ref}: the stack update cannot run.`,
    });
    return;
  }
  const declared = new Set(known.value);
  for (const parameter of set) {
    if (declared.has(parameter.key)) continue;
    problems.push({
      code: 'parameter-not-in-template',
      severity: 'error',
      service: parameter.service,
      parameter: parameter.key,
      message: `${parameter.key} is not a parameter of ${INDEX_TEMPLATE} in ${template.repository} at ${template.ref}: CloudFormation's UpdateStack would fail.`,
    });
  }
}
