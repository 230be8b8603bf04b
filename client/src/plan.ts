/**
 * The deployment plan in the editor: read-only Markdown documents (`kayron-plan:/<environment>.md?…`) whose text the
 * server computes (`kayron/deploymentPlan`), shown in VS Code's Markdown preview. They are recomputed while release
 * files are edited and saved, so an open preview follows the working tree (running the command again refreshes it
 * after a fetch or checkout).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DeploymentPlanRequest,
  EnvironmentsRequest,
  RELEASE_LANGUAGE_ID,
  type DeploymentPlanParams,
  type DeploymentPlanResult,
} from '../../server/src/protocol';

export const PLAN_SCHEME = 'kayron-plan';
/** Typing pauses this long before open plans are recomputed. */
const REFRESH_DELAY_MS = 600;

export interface ShowPlanArgs {
  root?: string;
  environment?: string;
  /** Open the text document instead of the rendered preview (tests read it either way). */
  source?: boolean;
}

export interface ShowPlanResult {
  uri: string;
  result: DeploymentPlanResult;
}

export class PlanPreviews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** The last answer per plan document, for the command's result and tests. */
  private readonly results = new Map<string, DeploymentPlanResult>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, this),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === RELEASE_LANGUAGE_ID && event.contentChanges.length > 0)
          this.scheduleRefresh();
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (document.languageId === RELEASE_LANGUAGE_ID) this.scheduleRefresh();
      }),
    );
  }

  static uriFor(root: string, environment: string): vscode.Uri {
    return vscode.Uri.from({
      scheme: PLAN_SCHEME,
      path: `/Deployment plan ${environment}.md`,
      query: new URLSearchParams({ root, environment }).toString(),
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const params: DeploymentPlanParams = {
      root: query.get('root') ?? undefined,
      environment: query.get('environment') ?? undefined,
    };
    let result: DeploymentPlanResult;
    try {
      result = await this.client.sendRequest(DeploymentPlanRequest, params);
    } catch (error) {
      result = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    this.results.set(uri.toString(), result);
    if (!result.ok) {
      this.log.warn(`deployment plan of ${params.environment ?? 'staging'}: ${result.message}`);
      return `# Deployment plan: ${params.environment ?? 'staging'}\n\nNo plan: ${result.message}\n`;
    }
    return result.markdown;
  }

  lastResult(uri: vscode.Uri): DeploymentPlanResult | undefined {
    return this.results.get(uri.toString());
  }

  /** Plan documents VS Code has open (a preview keeps its source open). */
  private openPlans(): vscode.Uri[] {
    return vscode.workspace.textDocuments
      .filter((document) => document.uri.scheme === PLAN_SCHEME)
      .map((document) => document.uri);
  }

  private scheduleRefresh(): void {
    if (this.openPlans().length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const uri of this.openPlans()) this.changed.fire(uri);
    }, REFRESH_DELAY_MS);
  }

  /** Picks the root and environment where not given, then opens the rendered plan beside the editor. */
  async show(raw?: unknown): Promise<ShowPlanResult | undefined> {
    const given = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    const args: ShowPlanArgs = {
      root: text(given.root),
      environment: text(given.environment),
      source: given.source === true,
    };
    const target = await this.pick(args);
    if (!target) return undefined;
    const uri = PlanPreviews.uriFor(target.root, target.environment);
    // Re-opening an open plan shows fresh data.
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    if (args.source)
      await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    else await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    const result =
      this.lastResult(uri) ??
      (await this.client.sendRequest(DeploymentPlanRequest, { root: target.root, environment: target.environment }));
    if (!result.ok)
      void vscode.window.showWarningMessage(`Kayron: no deployment plan for ${target.environment}: ${result.message}`);
    return { uri: uri.toString(), result };
  }

  private async pick(args: ShowPlanArgs): Promise<{ root: string; environment: string } | undefined> {
    if (args.root && args.environment) return { root: args.root, environment: args.environment };
    const environments = await this.client.sendRequest(EnvironmentsRequest, {});
    const roots = environments.roots.filter(
      (root) => root.state === 'ok' && root.matrix && (!args.root || root.root === args.root),
    );
    if (roots.length === 0) {
      void vscode.window.showInformationMessage(
        'Kayron: no releases repository with readable environments in this workspace.',
      );
      return undefined;
    }
    let root = roots[0]!;
    if (roots.length > 1) {
      const picked = await vscode.window.showQuickPick(
        roots.map((candidate) => ({
          label: vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(candidate.root))?.name ?? candidate.root,
          root: candidate,
        })),
        { placeHolder: 'Releases repository' },
      );
      if (!picked) return undefined;
      root = picked.root;
    }
    if (args.environment) return { root: root.root, environment: args.environment };
    const names = (root.matrix?.environments ?? [])
      .filter((environment) => !environment.workingTree)
      .map((environment) => environment.name);
    // Staging first: the default, where a pull request of the releases repository lands.
    const ordered = [...names.filter((name) => name === 'staging'), ...names.filter((name) => name !== 'staging')];
    const picked = await vscode.window.showQuickPick(
      ordered.map((name) => ({
        label: name,
        description: name === 'staging' ? 'default' : undefined,
        detail: `What Kayron does in ${name} when the working tree lands`,
      })),
      { placeHolder: 'Deployment plan for which environment? (the working tree against what it runs now)' },
    );
    return picked ? { root: root.root, environment: picked.label } : undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
    this.changed.dispose();
  }
}
