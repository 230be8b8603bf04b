/**
 * The deployment plan in the language server: `kayron/deploymentPlan` (the editor's plan preview) and a CodeLens above
 * every entry whose parameter changes in staging ("staging: KayronVersion v0.1.0 → v0.2.0"). Head is the working tree
 * with unsaved editor contents, so both follow typing; GitHub data comes from the session's cache (stale answers are
 * served while they revalidate).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CodeLens, CodeLensParams, Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { GitError, GitRepository, type GitAccess } from '../environments/git';
import { SnapshotCache } from '../environments/snapshot';
import { parseGitRemoteUrl, readOriginUrl } from '../github/owner';
import { buildDeploymentPlan, type BuiltPlan, type PlanGitHubSetup } from '../plan/deployment-plan';
import { PlanRequestError } from '../plan/load';
import { parameterSummary, renderPlanMarkdown } from '../plan/render';
import {
  CODE_LENS_ENVIRONMENT,
  DeploymentPlanRequest,
  type DeploymentPlanParams,
  type DeploymentPlanResult,
} from '../protocol';
import { analyzeWithoutBlocking, type Analyzer } from './analysis-pool';
import type { HandlerRegistration } from '../lsp/context';
import type { RunSafe } from '../lsp/run-safe';
import type { SettingsReader } from '../lsp/settings';
import { developmentSource } from './environment-service';
import type { GitHubSession } from './github-session';
import { locateInWorkspaces, type ReleaseWorkspace } from './release-workspace';

/** The command a CodeLens runs: the client's "Show Deployment Plan" for that root and environment. */
export const SHOW_PLAN_COMMAND = 'kayron.plan.show';

export interface PlanServiceDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  workspaces: ReadonlyMap<string, ReleaseWorkspace>;
  github: () => GitHubSession | undefined;
  ready: () => Promise<void>;
  settings: SettingsReader;
  analyzer: Analyzer;
  runSafe: RunSafe;
  /** Whether git may run (never in Restricted Mode) and which executable. */
  git: () => GitAccess;
}

interface RootState {
  cache: SnapshotCache;
  repository?: GitRepository;
  /** Bumped by every edit of the root's documents: a CodeLens plan computed at the same generation is still current. */
  generation: number;
  lens?: { generation: number; plan: Promise<BuiltPlan> };
}

export class PlanService {
  private readonly roots = new Map<string, RootState>();

  constructor(private readonly deps: PlanServiceDeps) {}

  async plan(params: DeploymentPlanParams): Promise<DeploymentPlanResult> {
    await this.deps.ready();
    const workspace = this.workspaceOf(params.root);
    if (!workspace)
      return {
        ok: false,
        message: params.root
          ? `${params.root} is not a releases root of this workspace`
          : 'no releases repository in this workspace',
      };
    const root = pathToFileURL(workspace.rootPath).toString();
    try {
      const { plan, sides } = await this.build(workspace, params);
      const session = this.deps.github();
      const context = session?.context(workspace);
      return {
        ok: true,
        root,
        plan,
        markdown: renderPlanMarkdown(plan, { marker: false, webUrl: context?.webUrl, owner: context?.owner }),
        environments: sides.environments
          .filter((environment) => !environment.workingTree)
          .map((environment) => environment.name),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof PlanRequestError))
        this.deps.connection.console.error(`deployment plan of ${workspace.rootPath}: ${message}`);
      return { ok: false, root, message };
    }
  }

  async codeLenses(params: CodeLensParams): Promise<CodeLens[]> {
    await this.deps.ready();
    const located = this.locate(params.textDocument.uri);
    if (!located || !located.workspace.tracks(located.relativePath)) return [];
    let plan;
    try {
      // One computation per edit, shared by every CodeLens request in between (VS Code asks per visible editor).
      const state = this.rootState(located.workspace.rootPath);
      if (!state.lens || state.lens.generation !== state.generation) {
        const pending = this.build(located.workspace, { environment: CODE_LENS_ENVIRONMENT });
        state.lens = { generation: state.generation, plan: pending };
        pending.catch(() => {
          if (state.lens?.plan === pending) state.lens = undefined;
        });
      }
      ({ plan } = await state.lens.plan);
    } catch (error) {
      // Not a git repository (yet), no staging: nothing to summarise, and nothing worth a log line on every edit.
      if (error instanceof GitError || error instanceof PlanRequestError) return [];
      throw error;
    }
    const document = this.deps.documents.get(params.textDocument.uri);
    const lines = document?.lineCount ?? Number.MAX_SAFE_INTEGER;
    const root = pathToFileURL(located.workspace.rootPath).toString();
    return plan.parameters
      .filter(
        (parameter) =>
          parameter.change !== 'none' &&
          parameter.file === located.relativePath &&
          parameter.line !== undefined &&
          parameter.line < lines,
      )
      .map((parameter) => ({
        range: { start: { line: parameter.line!, character: 0 }, end: { line: parameter.line!, character: 0 } },
        command: {
          title: `${plan.environment}: ${parameterSummary(parameter)}`,
          command: SHOW_PLAN_COMMAND,
          arguments: [{ root, environment: plan.environment }],
        },
      }));
  }

  /** A document changed, was saved or closed: plans of its root are due again. */
  documentChanged(uri: string): void {
    const located = this.locate(uri);
    if (located) this.rootState(located.workspace.rootPath).generation++;
  }

  private async build(workspace: ReleaseWorkspace, params: DeploymentPlanParams): Promise<BuiltPlan> {
    const state = this.rootState(workspace.rootPath);
    const access = this.deps.git();
    // Restricted Mode: the plan reads refs through git, and an untrusted repository runs no git at all.
    if (!access.allowed)
      throw new PlanRequestError(
        'the deployment plan reads git, which does not run in Restricted Mode: trust this folder to see it',
      );
    if (state.repository?.gitPath !== access.path)
      state.repository = await GitRepository.open(workspace.rootPath, { gitPath: access.path });
    const session = this.deps.github();
    const context = session?.context(workspace);
    const origin = parseGitRemoteUrl((await readOriginUrl(workspace.rootPath).catch(() => undefined)) ?? '');
    const setup: PlanGitHubSetup | undefined = context
      ? {
          data: context.data,
          owner: context.owner,
          releasesRepo: origin?.repo,
          signedIn: () => session?.state()?.signedIn ?? false,
          loadOptions: { allowStale: true },
        }
      : undefined;
    const extraEnvironments = await this.extraEnvironments(workspace.rootPath);
    return buildDeploymentPlan(
      state.repository,
      {
        environment: params.environment,
        base: params.base,
        head: params.head,
        extraEnvironments,
        development: developmentSource(workspace),
        cache: state.cache,
        analyze: (relativePath, text) => analyzeWithoutBlocking(this.deps.analyzer, relativePath, text),
      },
      setup,
      'the GitHub owner of the service repositories is unknown (set kayron.github.owner, or use an origin on GitHub)',
    );
  }

  private async extraEnvironments(rootPath: string) {
    // The standalone server's plans cover the built-in environments only (KAYRON_ENVIRONMENTS is the matrix's).
    if (!this.deps.settings.fromClient) return [];
    return (await this.deps.settings.read(rootPath)).extraEnvironments;
  }

  private rootState(rootPath: string): RootState {
    for (const known of this.roots.keys()) if (!this.deps.workspaces.has(known)) this.roots.delete(known);
    let state = this.roots.get(rootPath);
    if (!state) {
      state = { cache: new SnapshotCache(), generation: 0 };
      this.roots.set(rootPath, state);
    }
    return state;
  }

  private workspaceOf(rootUri: string | undefined): ReleaseWorkspace | undefined {
    if (!rootUri) return [...this.deps.workspaces.values()][0];
    try {
      return this.deps.workspaces.get(fileURLToPath(rootUri));
    } catch {
      return undefined;
    }
  }

  private locate(uri: string): { workspace: ReleaseWorkspace; relativePath: string } | undefined {
    return locateInWorkspaces(this.deps.workspaces.values(), uri);
  }
}

/** `kayron/deploymentPlan` and the CodeLenses; edits, saves and closes make the next CodeLens plan due. */
export const registerPlanHandlers: HandlerRegistration<PlanService> = (context) => {
  const deps: PlanServiceDeps = {
    connection: context.connection,
    documents: context.documents,
    workspaces: context.registry.workspaces,
    github: () => context.github(),
    ready: () => context.queue.settled(),
    settings: context.settings,
    analyzer: context.analyzer,
    runSafe: context.runSafe,
    git: () => context.git(),
  };
  const service = new PlanService(deps);
  const edited = (uri: string) => service.documentChanged(uri);
  deps.documents.onDidChangeContent((event) => edited(event.document.uri));
  deps.documents.onDidSave((event) => edited(event.document.uri));
  deps.documents.onDidClose((event) => edited(event.document.uri));
  deps.connection.onRequest(DeploymentPlanRequest, (params: DeploymentPlanParams | null) =>
    deps.runSafe(
      'answering kayron/deploymentPlan',
      { ok: false, message: 'the plan failed; see the Kayron Releases output' },
      () => service.plan(params ?? {}),
    ),
  );
  deps.connection.onCodeLens((params, token) =>
    deps.runSafe('code lenses', [], () => service.codeLenses(params), token),
  );
  return service;
};
