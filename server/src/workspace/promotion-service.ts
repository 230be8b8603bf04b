/**
 * The language server side of promotions: `kayron/promotionCandidates` (what the pickers offer),
 * `kayron/promotionPlan` (a preview, kept by id) and `kayron/promotionExecute` (runs a confirmed plan). Refuses up front
 * when signed out, in Restricted Mode, or when the token cannot write; every GitHub call is logged without secrets.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as path from 'node:path';
import type { HandlerRegistration } from '../lsp/context';
import { analyzeWithoutBlocking } from './analysis-pool';
import { DEFAULT_API_URL, normalizeApiUrl, redact, webUrlForApi } from '../github/client';
import { parseGitRemoteUrl, readOriginUrl } from '../github/owner';
import { planGitHubFrom } from '../plan/facts';
import { DEFAULT_GIT_ACCESS, GitRepository, type GitAccess } from '../environments/git';
import { resolveEnvironments } from '../environments/resolve';
import { snapshotEnvironments, type TextAnalyzer } from '../environments/snapshot';
import { strategyLabel } from '../kayron/entry-model';
import type { GitHubSession } from './github-session';
import type { ReleaseWorkspace } from './release-workspace';
import { GitHubApi, GitHubApiError } from '../promotion/github-api';
import { PromotionExecutor } from '../promotion/executor';
import { executeRecipe, planPromotion, type Planned, type PromotionInputs } from '../promotion/promotion';
import { PromotionError } from '../promotion/remote';
import { PromotionCandidatesRequest, PromotionExecuteRequest, PromotionPlanRequest } from '../protocol';
import type {
  PromotionCandidates,
  PromotionCandidatesParams,
  PromotionExecuteParams,
  PromotionExecuteResult,
  PromotionPlanParams,
  PromotionPlanResult,
  PromotionRefusal,
} from '../promotion/types';

/** Plans older than this are forgotten: a preview that old no longer shows what GitHub has. */
const PLAN_TTL_MS = 30 * 60_000;
const MAX_PLANS = 32;
/**
 * The end-to-end runs have no VS Code GitHub session to sign in with; this variable gives the server a token for
 * the local GitHub stand-in instead. It is read only here, never set by the extension, and has no effect otherwise.
 */
export const E2E_TOKEN_VARIABLE = 'KAYRON_E2E_GITHUB_TOKEN';

export interface PromotionServiceDeps {
  workspaces(): Iterable<ReleaseWorkspace>;
  github(): GitHubSession | undefined;
  /** Settles when the server has applied the folders and settings it was told about (owners resolved, roots found). */
  ready(): Promise<void>;
  /** How release files at other commits are analysed; the server keeps large ones off its event loop. */
  analyzeText?: TextAnalyzer;
  /** Whether git may run (not in Restricted Mode), and which executable; git on PATH when not given. */
  git?: () => GitAccess;
}

interface StoredPlan {
  planned: Planned;
  rootPath: string;
  createdAt: number;
}

class Refusal extends Error {
  constructor(
    readonly reason: PromotionRefusal,
    message: string,
  ) {
    super(message);
  }
}

function currentToken(): string | undefined {
  return process.env['GITHUB_TOKEN'] || process.env[E2E_TOKEN_VARIABLE] || undefined;
}

/** The promotion requests: candidates, a previewed plan, and running a plan the user confirmed. */
export const registerPromotionHandlers: HandlerRegistration = (context) => {
  const { connection, runSafe } = context;
  const deps: PromotionServiceDeps = {
    workspaces: () => context.registry.all(),
    github: () => context.github(),
    git: () => context.git(),
    analyzeText: (relativePath, text) => analyzeWithoutBlocking(context.analyzer, relativePath, text),
    ready: () => context.queue.settled(),
  };
  const plans = new Map<string, StoredPlan>();
  const log = (line: string): void => connection.console.info(`[promotion] ${redact(line, currentToken())}`);

  function workspaceFor(rootUri: string | undefined): ReleaseWorkspace {
    const all = [...deps.workspaces()];
    if (rootUri === undefined) {
      if (all.length === 1 && all[0]) return all[0];
      throw new Refusal(
        'not-a-releases-repo',
        all.length === 0 ? 'No releases repository is open.' : 'Choose a releases root.',
      );
    }
    let rootPath: string;
    try {
      rootPath = path.resolve(fileURLToPath(rootUri));
    } catch {
      throw new Refusal('invalid-request', `${rootUri} is not a file URI.`);
    }
    const found = all.find((workspace) => path.resolve(workspace.rootPath) === rootPath);
    if (!found) throw new Refusal('not-a-releases-repo', `${rootPath} is not a releases repository the server knows.`);
    return found;
  }

  async function apiUrlFor(rootPath: string): Promise<string> {
    try {
      const { apiUrl } = (await context.settings.read(rootPath)).github;
      if (apiUrl) return normalizeApiUrl(apiUrl);
    } catch {
      // A client without workspace/configuration (the standalone server): the environment decides.
    }
    return normalizeApiUrl(process.env['KAYRON_GITHUB_API_URL'] || DEFAULT_API_URL);
  }

  /** The repository around a root, or undefined when it is none or git may not run (Restricted Mode). */
  async function openRepository(rootPath: string): Promise<GitRepository | undefined> {
    const access = deps.git?.() ?? DEFAULT_GIT_ACCESS;
    return access.allowed ? GitRepository.open(rootPath, { gitPath: access.path }).catch(() => undefined) : undefined;
  }

  /** Why promotions cannot run for this root right now, checked before any request is sent. */
  function availability(): { token: string } {
    const state = deps.github()?.state();
    // No state yet: the server has not read its settings (or trust) yet, so nothing may be sent.
    if (!state) throw new Refusal('failed', 'The language server is still starting: try again in a moment.');
    if (!state.networkAllowed) {
      throw new Refusal(
        'untrusted',
        'Promotions are disabled in Restricted Mode, with kayron.github.enabled off or with KAYRON_OFFLINE=1: they write to GitHub. Trust this workspace and turn GitHub on to use them.',
      );
    }
    const token = currentToken();
    if (!token)
      throw new Refusal(
        'signed-out',
        'Promotions write to GitHub: sign in to GitHub first (Kayron: Sign in to GitHub).',
      );
    return { token };
  }

  async function inputsFor(workspace: ReleaseWorkspace, api: GitHubApi): Promise<PromotionInputs> {
    const origin = await readOriginUrl(workspace.rootPath);
    const remote = origin ? parseGitRemoteUrl(origin) : undefined;
    if (!remote)
      throw new Refusal(
        'no-github-repository',
        `The releases repository at ${workspace.rootPath} has no GitHub "origin" remote, so there is nothing to promote to.`,
      );
    const session = deps.github();
    const context = session?.context(workspace);
    const git = await openRepository(workspace.rootPath);
    const inputs: PromotionInputs = {
      rootUri: pathToFileURL(workspace.rootPath).toString(),
      repository: { owner: remote.owner, repo: remote.repo },
      serviceOwner: context?.owner ?? remote.owner,
      webUrl: webUrlForApi(api.apiUrl),
      git,
      ...(deps.analyzeText ? { analyze: deps.analyzeText } : {}),
    };
    if (context) {
      const owner = context.owner;
      inputs.planGitHub = planGitHubFrom(context.data, owner, () => session?.state()?.signedIn ?? false, {
        allowStale: true,
      });
      inputs.releaseNotes = async (github, tag) => {
        const result = await context.data.getReleaseByTag(owner, github, tag, { allowStale: true });
        return result.kind === 'fetched' ? result.value.body : undefined;
      };
      inputs.tagExists = async (github, tag) => {
        const check = await context.data.checkTag(owner, github, tag);
        return check.kind === 'found' ? true : check.kind === 'missing' ? false : undefined;
      };
      inputs.branchExists = async (github, branch) => {
        const check = await context.data.checkBranch(owner, github, branch);
        return check.kind === 'found' ? true : check.kind === 'missing' ? false : undefined;
      };
    }
    return inputs;
  }

  function forgetOldPlans(): void {
    const now = Date.now();
    for (const [id, stored] of plans) if (now - stored.createdAt > PLAN_TTL_MS) plans.delete(id);
    while (plans.size > MAX_PLANS) {
      const oldest = plans.keys().next().value;
      if (oldest === undefined) break;
      plans.delete(oldest);
    }
  }

  function refusalOf(error: unknown): { reason: PromotionRefusal; message: string } {
    if (error instanceof Refusal) return { reason: error.reason, message: error.message };
    if (error instanceof PromotionError)
      return {
        reason: error.reason === 'access' ? 'scopes' : error.reason === 'refused' ? 'invalid-request' : 'failed',
        message: error.message,
      };
    if (error instanceof GitHubApiError) return { reason: 'failed', message: error.message };
    return {
      reason: 'failed',
      message: redact(error instanceof Error ? error.message : String(error), currentToken()),
    };
  }

  connection.onRequest(PromotionPlanRequest, (params: PromotionPlanParams) =>
    runSafe<PromotionPlanResult>(
      'planning a promotion',
      { ok: false, reason: 'failed', message: 'Planning failed; see the Kayron Releases output.' },
      async () => {
        await deps.ready();
        try {
          const workspace = workspaceFor(params.root);
          const { token } = availability();
          const api = new GitHubApi({ apiUrl: await apiUrlFor(workspace.rootPath), token });
          const executor = new PromotionExecutor({ api, dryRun: true, log });
          const inputs = await inputsFor(workspace, api);
          const id = randomUUID();
          log(`planning ${params.request.kind} for ${inputs.repository.owner}/${inputs.repository.repo}`);
          const planned = await planPromotion(inputs, executor, params.request, id);
          forgetOldPlans();
          plans.set(id, { planned, rootPath: workspace.rootPath, createdAt: Date.now() });
          return { ok: true, plan: planned.plan };
        } catch (error) {
          const refusal = refusalOf(error);
          log(`planning refused: ${refusal.message}`);
          return { ok: false, ...refusal };
        }
      },
    ),
  );

  connection.onRequest(PromotionExecuteRequest, (params: PromotionExecuteParams) =>
    runSafe<PromotionExecuteResult>(
      'executing a promotion',
      { ok: false, reason: 'failed', message: 'The promotion failed; see the Kayron Releases output.', log: [] },
      async () => {
        await deps.ready();
        const lines: string[] = [];
        const record = (line: string): void => {
          const safe = redact(line, currentToken());
          lines.push(safe);
          log(safe);
        };
        forgetOldPlans();
        const stored = plans.get(params.planId);
        if (!stored)
          return {
            ok: false,
            reason: 'unknown-plan',
            message: 'This preview expired or is unknown: preview again.',
            log: lines,
          };
        const { plan, recipe } = stored.planned;
        if (params.confirmed !== true)
          return { ok: false, reason: 'refused', message: 'Not confirmed: nothing was done.', log: lines };
        if (plan.blocked)
          return {
            ok: false,
            reason: 'refused',
            message: `Blocked by the pre-flight checks:\n${plan.blocked}`,
            log: lines,
          };
        if (plan.warnings.length > 0 && params.acceptWarnings !== true) {
          return {
            ok: false,
            reason: 'refused',
            message: `Confirm the warnings first:\n${plan.warnings.join('\n')}`,
            log: lines,
          };
        }
        if (!recipe)
          return {
            ok: true,
            dryRun: params.dryRun === true,
            message: `Nothing to do: ${plan.nothingToDo ?? 'no change'}`,
            links: plan.links,
            log: lines,
          };
        try {
          const { token } = availability();
          const workspace = workspaceFor(pathToFileURL(stored.rootPath).toString());
          const api = new GitHubApi({ apiUrl: await apiUrlFor(workspace.rootPath), token });
          const executor = new PromotionExecutor({ api, dryRun: params.dryRun === true, log: record });
          const inputs = await inputsFor(workspace, api);
          record(`${params.dryRun ? 'dry run of' : 'executing'} "${plan.title}"`);
          const outcome = await executeRecipe(inputs, executor, recipe);
          record(outcome.message);
          // The environments may have moved on GitHub: the next hover or tree refresh should not serve old data.
          if (!params.dryRun) await deps.github()?.refresh();
          return {
            ok: true,
            dryRun: params.dryRun === true,
            message: outcome.message,
            links: outcome.links,
            log: lines,
          };
        } catch (error) {
          if (error instanceof PromotionError) {
            record(`stopped: ${error.message}`);
            return {
              ok: false,
              reason: error.reason === 'access' ? 'refused' : error.reason,
              message: error.message,
              log: lines,
            };
          }
          const refusal = refusalOf(error);
          record(`stopped: ${refusal.message}`);
          return {
            ok: false,
            reason: refusal.reason === 'failed' ? 'failed' : 'refused',
            message: refusal.message,
            log: lines,
          };
        }
      },
    ),
  );

  connection.onRequest(PromotionCandidatesRequest, (params: PromotionCandidatesParams | undefined) =>
    runSafe<PromotionCandidates>('listing promotion candidates', { roots: [] }, async () => {
      await deps.ready();
      const roots: PromotionCandidates['roots'] = [];
      const workspaces = params?.root ? [workspaceFor(params.root)] : [...deps.workspaces()];
      for (const workspace of workspaces) {
        roots.push(await candidatesOf(workspace));
      }
      return { roots };
    }),
  );

  async function candidatesOf(workspace: ReleaseWorkspace): Promise<PromotionCandidates['roots'][number]> {
    const root = pathToFileURL(workspace.rootPath).toString();
    const origin = await readOriginUrl(workspace.rootPath);
    const remote = origin ? parseGitRemoteUrl(origin) : undefined;
    const entry: PromotionCandidates['roots'][number] = {
      root,
      name: path.basename(workspace.rootPath),
      repository: remote ? { owner: remote.owner, repo: remote.repo } : undefined,
      defaultBranch: undefined,
      services: [],
    };
    try {
      availability();
      if (!remote) entry.unavailable = 'no GitHub "origin" remote';
    } catch (error) {
      entry.unavailable = error instanceof Error ? error.message : String(error);
    }
    const git = await openRepository(workspace.rootPath);
    if (!git) {
      entry.unavailable ??= 'not a git repository';
      return entry;
    }
    const context = deps.github()?.context(workspace);
    const resolution = await resolveEnvironments(git, {
      providers:
        context && remote
          ? {
              latestReleaseTag: async () => {
                const latest = await context.data.latestRelease(remote.owner, remote.repo, { allowStale: true });
                if (latest.kind === 'fetched') return latest.value.tagName;
                return latest.kind === 'not-found' ? undefined : 'unknown';
              },
            }
          : {},
    });
    const wanted = resolution.environments.filter(
      (environment) =>
        environment.kind === 'staging' || environment.kind === 'testing' || environment.kind === 'production',
    );
    const snapshots = await snapshotEnvironments(
      git,
      { ...resolution, environments: wanted },
      deps.analyzeText ? { analyze: deps.analyzeText } : {},
    );
    const of = (kind: string) => snapshots.find((snapshot) => snapshot.environment.kind === kind);
    const staging = of('staging');
    entry.defaultBranch = resolution.repository.defaultBranch?.name;
    const label = (kind: string, key: string): string | undefined => {
      const service = of(kind)?.services.find((candidate) => candidate.key === key);
      return service ? strategyLabel(service.strategy, service.preview) : undefined;
    };
    for (const service of staging?.services ?? []) {
      entry.services.push({
        service: service.key,
        github: service.github,
        file: service.file,
        staging: strategyLabel(service.strategy, service.preview),
        testing: label('testing', service.key),
        production: label('production', service.key),
      });
    }
    return entry;
  }
};
