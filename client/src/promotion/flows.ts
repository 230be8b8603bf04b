/**
 * The promotion flows behind the palette commands: pick (root, services, versions, branch, tag), preview (read-only
 * Markdown document with every change), confirm (modal with the summary), execute, then offer the link. The server
 * plans and executes; this module only asks and shows. Automation (tests) may pass the answers as an argument —
 * the preview is still computed and shown, only the questions are skipped.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  EntryBranchesRequest,
  EntryVersionsRequest,
  FetchRequest,
  PromotionCandidatesRequest,
  PromotionExecuteRequest,
  PromotionPlanRequest,
  markdownToPlainLines,
  notesSummary,
  type FetchResult,
  type PromotionCandidates,
  type PromotionLink,
  type PromotionPlan,
  type PromotionRequest,
} from '../../../server/src/protocol';
import type { PromotionPreviews } from './preview';

/** Answers a caller may give instead of being asked. */
export interface PromotionCommandArgs {
  /** Folder URI of the releases root (asked when there are several). */
  root?: string;
  /** The answer to the confirmation dialog. */
  confirm?: 'yes' | 'no';
  /** Production: `patch` | `minor` | `major` or a tag such as `v0.7.0`. */
  tag?: string;
  /** Staging: services to bump; a missing version means the latest. */
  bumps?: { service: string; version?: string }[];
  /** Testing: the service and the branch of its repository to follow. */
  service?: string;
  branch?: string;
}

export type PromotionStatus = 'done' | 'dry-run' | 'nothing-to-do' | 'blocked' | 'cancelled' | 'refused' | 'failed';

/** What a command did (returned to callers such as tests). */
export interface PromotionCommandResult {
  status: PromotionStatus;
  message: string;
  links: PromotionLink[];
  plan?: PromotionPlan;
}

export interface PromotionContext {
  client: LanguageClient;
  log: vscode.LogOutputChannel;
  previews: PromotionPreviews;
}

type Root = PromotionCandidates['roots'][number];
type Service = Root['services'][number];

const cancelled = (message = 'Cancelled.'): PromotionCommandResult => ({ status: 'cancelled', message, links: [] });

function argsOf(value: unknown): PromotionCommandArgs {
  return typeof value === 'object' && value !== null ? value : {};
}

function isDryRun(root: string): boolean {
  return vscode.workspace.getConfiguration('kayron', vscode.Uri.parse(root)).get<boolean>('promotion.dryRun', false);
}

/** Shows a refusal with the one action that fixes it. */
function explainRefusal(reason: string, message: string): void {
  if (reason === 'signed-out' || reason === 'scopes') {
    void vscode.window.showWarningMessage(`Kayron: ${message}`, 'Sign in to GitHub').then((choice) => {
      if (choice) void vscode.commands.executeCommand('kayron.github.signIn');
    });
  } else if (reason === 'untrusted') {
    void vscode.window.showWarningMessage(`Kayron: ${message}`, 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  } else {
    void vscode.window.showErrorMessage(`Kayron: ${message}`);
  }
}

function offerLinks(message: string, links: readonly PromotionLink[], error = false): void {
  const show = error ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
  void show(message, ...links.map((link) => link.label)).then((choice) => {
    const link = links.find((candidate) => candidate.label === choice);
    if (link) void vscode.env.openExternal(vscode.Uri.parse(link.url));
  });
}

/** Restricted Mode: promotions write to GitHub, so they are off until the workspace is trusted. */
function refuseUntrusted(): PromotionCommandResult | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  const message = 'Promotions are disabled in Restricted Mode: they write to GitHub. Trust this workspace to use them.';
  explainRefusal('untrusted', message);
  return { status: 'refused', message, links: [] };
}

async function pickRoot(context: PromotionContext, args: PromotionCommandArgs): Promise<Root | PromotionCommandResult> {
  const { roots } = await context.client.sendRequest(PromotionCandidatesRequest, args.root ? { root: args.root } : {});
  if (roots.length === 0) {
    const message = 'No releases repository is open.';
    void vscode.window.showInformationMessage(`Kayron: ${message}`);
    return { status: 'refused', message, links: [] };
  }
  let root = roots[0];
  if (roots.length > 1 && !args.root) {
    const picked = await vscode.window.showQuickPick(
      roots.map((candidate) => ({
        label: candidate.name,
        description: candidate.repository ? `${candidate.repository.owner}/${candidate.repository.repo}` : '',
        detail: candidate.unavailable,
        root: candidate,
      })),
      { placeHolder: 'Releases repository' },
    );
    if (!picked) return cancelled();
    root = picked.root;
  }
  if (!root) return cancelled();
  if (root.unavailable) {
    const reason = /sign in/i.test(root.unavailable)
      ? 'signed-out'
      : /Restricted Mode/.test(root.unavailable)
        ? 'untrusted'
        : 'unavailable';
    explainRefusal(reason, root.unavailable);
    return { status: 'refused', message: root.unavailable, links: [] };
  }
  return root;
}

const isResult = (value: unknown): value is PromotionCommandResult =>
  typeof value === 'object' && value !== null && 'status' in value;

function serviceItem(service: Service): vscode.QuickPickItem & { service: Service } {
  const others = [
    service.testing && service.testing !== service.staging ? `testing ${service.testing}` : '',
    service.production ? `production ${service.production}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    label: service.service,
    description: `staging ${service.staging}`,
    detail: [others, service.file].filter(Boolean).join(' · '),
    service,
  };
}

function fileUri(root: Root, service: Service): string {
  return `${root.root.replace(/\/$/, '')}/${service.file}`;
}

async function pickVersion(
  context: PromotionContext,
  root: Root,
  service: Service,
  wanted: string | undefined,
): Promise<string | undefined> {
  const versions = await context.client.sendRequest(EntryVersionsRequest, {
    uri: fileUri(root, service),
    github: service.github,
  });
  const latest = versions?.find((version) => /\blatest\b/.test(version.detail ?? '')) ?? versions?.[0];
  if (wanted) return wanted;
  if (!versions || versions.length === 0) {
    void vscode.window.showWarningMessage(
      `Kayron: the tags of ${service.github} are not available (signed out, offline or rate-limited).`,
    );
    return undefined;
  }
  const items = versions.map((version) => ({
    label: version.tag,
    description: [version.tag === service.staging ? 'on staging' : '', version.detail ?? '']
      .filter(Boolean)
      .join(' · '),
    detail: version.summary,
    picked: version === latest,
  }));
  // The latest release first: Enter takes it.
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: `Version of ${service.service} for staging (now ${service.staging}; latest first)`,
    matchOnDetail: true,
  });
  return picked?.label;
}

async function plan(
  context: PromotionContext,
  root: string,
  request: PromotionRequest,
): Promise<PromotionPlan | PromotionCommandResult> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Kayron: previewing the promotion…' },
    () => context.client.sendRequest(PromotionPlanRequest, { root, request }),
  );
  if (!result.ok) {
    explainRefusal(result.reason, result.message);
    return { status: 'refused', message: result.message, links: [] };
  }
  return result.plan;
}

/** Preview → (blocked | nothing to do | dry run | modal confirmation) → execution → links. */
/**
 * `git fetch` of the root after the extension's own write, so the clone (and the Environments view) has what was just
 * written: the next promotion then starts from it instead of refusing as "behind GitHub".
 */
async function fetchAfterWrite(context: PromotionContext, root: string): Promise<FetchResult> {
  const result = await context.client.sendRequest(FetchRequest, { root });
  if (result.ok) await vscode.commands.executeCommand('kayron.environments.refresh');
  else context.log.warn(`git fetch after the promotion failed: ${result.message ?? 'unknown error'}`);
  return result;
}

/** The plan is blocked only because the clone lacks what GitHub has: a fetch fixes that. */
function blockedOnlyByStaleClone(planned: PromotionPlan): boolean {
  const failed = planned.checks.filter((check) => check.status === 'error');
  return failed.length > 0 && failed.every((check) => check.id === 'local-current');
}

const FETCH_AND_PREVIEW_AGAIN = 'Fetch and Preview Again';

async function previewConfirmExecute(
  context: PromotionContext,
  planned: PromotionPlan,
  args: PromotionCommandArgs,
  confirmLabel: string,
  details: string[],
  request: PromotionRequest,
  fetchedAlready = false,
): Promise<PromotionCommandResult> {
  await context.previews.show(planned);
  context.log.info(
    `promotion preview: ${planned.title}${planned.blocked ? ' (blocked)' : ''}${planned.nothingToDo ? ' (nothing to do)' : ''}`,
  );
  if (planned.nothingToDo) {
    const message = `Kayron: nothing to do — ${planned.nothingToDo}`;
    offerLinks(message, planned.links);
    return { status: 'nothing-to-do', message, links: planned.links, plan: planned };
  }
  if (planned.blocked) {
    const message = `${planned.title}: blocked by the pre-flight checks.`;
    if (blockedOnlyByStaleClone(planned) && !fetchedAlready) {
      // Automation's "yes" answers this question too; a person gets the button that fixes the block.
      const answer = args.confirm
        ? args.confirm === 'yes'
          ? FETCH_AND_PREVIEW_AGAIN
          : undefined
        : await vscode.window.showErrorMessage(
            `Kayron: ${message}`,
            { modal: true, detail: planned.blocked },
            FETCH_AND_PREVIEW_AGAIN,
          );
      if (answer === FETCH_AND_PREVIEW_AGAIN) {
        context.log.info(`promotion: fetching ${planned.root} and previewing ${planned.title} again`);
        const fetched = await fetchAfterWrite(context, planned.root);
        if (!fetched.ok) {
          void vscode.window.showErrorMessage(`Kayron: git fetch failed: ${fetched.message ?? 'unknown error'}`);
          return { status: 'blocked', message: `${message}\n${planned.blocked}`, links: [], plan: planned };
        }
        const again = await plan(context, planned.root, request);
        if (isResult(again)) return again;
        return previewConfirmExecute(context, again, args, confirmLabel, details, request, true);
      }
      return { status: 'blocked', message: `${message}\n${planned.blocked}`, links: [], plan: planned };
    }
    void vscode.window.showErrorMessage(`Kayron: ${message}`, { modal: true, detail: planned.blocked });
    return { status: 'blocked', message: `${message}\n${planned.blocked}`, links: [], plan: planned };
  }
  const dryRun = isDryRun(planned.root);
  if (!dryRun) {
    const warnings =
      planned.warnings.length > 0
        ? ['', 'Warnings (confirming accepts them):', ...planned.warnings.map((warning) => `• ${warning}`)]
        : [];
    const detail = [...planned.summary, ...details, ...warnings, '', 'The preview shows every change.'].join('\n');
    const answer = args.confirm
      ? args.confirm === 'yes'
        ? confirmLabel
        : undefined
      : await vscode.window.showWarningMessage(planned.title, { modal: true, detail }, confirmLabel);
    if (answer !== confirmLabel) return { ...cancelled('Not confirmed: nothing was done.'), plan: planned };
  }
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Kayron: ${dryRun ? 'dry run of ' : ''}${planned.title}…`,
    },
    () =>
      context.client.sendRequest(PromotionExecuteRequest, {
        planId: planned.id,
        confirmed: true,
        acceptWarnings: true,
        dryRun,
      }),
  );
  // The server has written each of result.log's lines to this output channel already ([promotion] …): one line per event.
  if (!result.ok) {
    const message = `${planned.title} stopped: ${result.message}`;
    void vscode.window.showErrorMessage(`Kayron: ${message}`);
    return {
      status:
        result.reason === 'conflict' || result.reason === 'stale' || result.reason === 'refused' ? 'refused' : 'failed',
      message,
      links: [],
      plan: planned,
    };
  }
  if (result.dryRun) {
    const message = `Dry run (kayron.promotion.dryRun): nothing was sent. ${result.message}`;
    void vscode.window.showInformationMessage(`Kayron: ${message}`);
    return { status: 'dry-run', message, links: [], plan: planned };
  }
  offerLinks(`Kayron: ${result.message}`, result.links);
  await fetchAfterWrite(context, planned.root);
  return { status: 'done', message: result.message, links: result.links, plan: planned };
}

export async function promoteServiceToStaging(
  context: PromotionContext,
  rawArgs?: unknown,
): Promise<PromotionCommandResult> {
  const args = argsOf(rawArgs);
  const untrusted = refuseUntrusted();
  if (untrusted) return untrusted;
  const root = await pickRoot(context, args);
  if (isResult(root)) return root;
  let services: Service[];
  if (args.bumps) {
    services = args.bumps
      .map((bump) => root.services.find((service) => service.service === bump.service))
      .filter((service): service is Service => service !== undefined);
  } else if (args.service) {
    services = root.services.filter((service) => service.service === args.service);
  } else {
    const picked = await vscode.window.showQuickPick(root.services.map(serviceItem), {
      placeHolder: 'Services to bump on staging (pull request)',
      canPickMany: true,
      matchOnDetail: true,
    });
    if (!picked || picked.length === 0) return cancelled();
    services = picked.map((item) => item.service);
  }
  if (services.length === 0) return { status: 'refused', message: 'No such service on staging.', links: [] };
  const bumps: { service: string; version: string }[] = [];
  for (const service of services) {
    let wanted = args.bumps?.find((bump) => bump.service === service.service)?.version;
    if (args.bumps && !wanted) {
      // A bump without a version means "latest": when the tags are unavailable, say so instead of asking.
      wanted = await latestOf(context, root, service);
      if (!wanted)
        return {
          status: 'refused',
          message: `The tags of ${service.github} are not available (signed out, offline or rate-limited).`,
          links: [],
        };
    }
    const version = await pickVersion(context, root, service, wanted);
    if (!version) return cancelled();
    bumps.push({ service: service.service, version });
  }
  const request: PromotionRequest = { kind: 'staging', bumps };
  const planned = await plan(context, root.root, request);
  if (isResult(planned)) return planned;
  const pull = planned.pullRequest;
  return previewConfirmExecute(
    context,
    planned,
    args,
    'Open Pull Request',
    pull ? ['', `Pull request: ${pull.title}`, `Branch: ${pull.branch} → ${pull.base}`] : [],
    request,
  );
}

async function latestOf(context: PromotionContext, root: Root, service: Service): Promise<string | undefined> {
  const versions = await context.client.sendRequest(EntryVersionsRequest, {
    uri: fileUri(root, service),
    github: service.github,
  });
  return (versions?.find((version) => /\blatest\b/.test(version.detail ?? '')) ?? versions?.[0])?.tag;
}

export async function promoteStagingToProduction(
  context: PromotionContext,
  rawArgs?: unknown,
): Promise<PromotionCommandResult> {
  const args = argsOf(rawArgs);
  const untrusted = refuseUntrusted();
  if (untrusted) return untrusted;
  const root = await pickRoot(context, args);
  if (isResult(root)) return root;
  let planned = await plan(context, root.root, { kind: 'production' });
  if (isResult(planned)) return planned;
  const proposals = planned.release?.proposals;
  if (proposals && !planned.nothingToDo) {
    let tag = args.tag ? (proposals[args.tag as keyof typeof proposals] ?? args.tag) : undefined;
    if (!tag) {
      const custom = 'Type a tag…';
      const picked = await vscode.window.showQuickPick(
        [
          { label: proposals.patch, description: 'patch (proposed)' },
          { label: proposals.minor, description: 'minor' },
          { label: proposals.major, description: 'major' },
          { label: custom, description: 'v + semantic version, new' },
        ].filter((item, index, all) => all.findIndex((other) => other.label === item.label) === index),
        { placeHolder: `Tag for the release (latest release: ${planned.release?.previousTag ?? 'none'})` },
      );
      if (!picked) return cancelled();
      tag = picked.label;
      if (picked.label === custom) {
        tag = await vscode.window.showInputBox({
          prompt: 'Release tag: "v" followed by a semantic version that does not exist yet',
          value: proposals.patch,
          validateInput: (value) =>
            /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(value.trim())
              ? undefined
              : 'Use v + MAJOR.MINOR.PATCH, e.g. v1.2.3',
        });
        if (!tag) return cancelled();
      }
    }
    if (tag.trim() !== planned.release?.tag) {
      planned = await plan(context, root.root, { kind: 'production', tag: tag.trim() });
      if (isResult(planned)) return planned;
    }
  }
  const release = planned.release;
  // A modal dialog shows plain text: the services as lines, the release notes (Markdown) only in the preview.
  const services = planned.changes.map(
    (change) =>
      `• ${change.service}: ${change.from} → ${change.to}${change.notes && notesSummary(change.notes) ? ` — ${notesSummary(change.notes)}` : ''}`,
  );
  const details = release
    ? [
        '',
        `Tag: ${release.tag}`,
        `Target commit: ${release.targetCommit}`,
        `Title: ${release.name}`,
        ...(services.length > 0 ? ['', 'Services:', ...services] : ['', ...markdownToPlainLines(release.body, 6)]),
      ]
    : [];
  return previewConfirmExecute(
    context,
    planned,
    args,
    'Create Release',
    details,
    release ? { kind: 'production', tag: release.tag } : { kind: 'production' },
  );
}

export async function deployBranchToTesting(
  context: PromotionContext,
  rawArgs?: unknown,
): Promise<PromotionCommandResult> {
  const args = argsOf(rawArgs);
  const untrusted = refuseUntrusted();
  if (untrusted) return untrusted;
  const root = await pickRoot(context, args);
  if (isResult(root)) return root;
  let service = args.service ? root.services.find((candidate) => candidate.service === args.service) : undefined;
  if (!service) {
    if (args.service) return { status: 'refused', message: `${args.service} is not a service of staging.`, links: [] };
    const picked = await vscode.window.showQuickPick(root.services.map(serviceItem), {
      placeHolder: 'Service to deploy from a branch in testing',
      matchOnDetail: true,
    });
    if (!picked) return cancelled();
    service = picked.service;
  }
  let branch = args.branch;
  if (!branch) {
    const branches = await context.client.sendRequest(EntryBranchesRequest, {
      uri: fileUri(root, service),
      github: service.github,
    });
    if (!branches) {
      void vscode.window.showWarningMessage(
        `Kayron: the branches of ${service.github} are not available (signed out, offline or rate-limited).`,
      );
      return cancelled();
    }
    const picked = await vscode.window.showQuickPick(
      branches.map((candidate) => ({ label: candidate.name, description: candidate.pullRequestTitle ?? '' })),
      {
        placeHolder: `Branch of ${service.github} for ${service.service} to follow in testing`,
        matchOnDescription: true,
      },
    );
    if (!picked) return cancelled();
    branch = picked.label;
  }
  const request: PromotionRequest = { kind: 'testing-deploy', service: service.service, branch };
  const planned = await plan(context, root.root, request);
  if (isResult(planned)) return planned;
  return previewConfirmExecute(context, planned, args, 'Update testing', [], request);
}

export async function resetTestingToStaging(
  context: PromotionContext,
  rawArgs?: unknown,
): Promise<PromotionCommandResult> {
  const args = argsOf(rawArgs);
  const untrusted = refuseUntrusted();
  if (untrusted) return untrusted;
  const root = await pickRoot(context, args);
  if (isResult(root)) return root;
  const request: PromotionRequest = { kind: 'testing-reset' };
  const planned = await plan(context, root.root, request);
  if (isResult(planned)) return planned;
  return previewConfirmExecute(context, planned, args, 'Reset testing', [], request);
}
