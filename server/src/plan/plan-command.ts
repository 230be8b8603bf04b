/**
 * `kayron-releases plan [--environment NAME] [--base REF] [--head REF] [--json | --format text|markdown|json]
 * [--comment-on-pr N] [ROOT]`: what Kayron will do in an environment (default staging, at its current ref) when the
 * head (default the working tree) lands. Exit 0, 1 when a problem is an error, 2 on bad usage or an IO error.
 * GitHub: GITHUB_TOKEN, KAYRON_GITHUB_API_URL (else GITHUB_API_URL, as Actions sets it), KAYRON_GITHUB_OWNER (else
 * origin's owner); KAYRON_OFFLINE=1 asks nothing.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { GitError, GitRepository } from '../environments/git';
import { normalizeApiUrl, webUrlForApi } from '../github/client';
import { parseGitRemoteUrl, readOriginUrl, resolveWorkspaceOwner } from '../github/owner';
import { GitHubProviders } from '../github/providers';
import { GitHubApi } from '../promotion/github-api';
import { defaultCacheDirectory } from '../github/cache';
import { CommentError, upsertPlanComment } from './comment';
import { buildDeploymentPlan, type PlanGitHubSetup } from './deployment-plan';
import { PlanRequestError } from './load';
import { renderPlanMarkdown, renderPlanText } from './render';
import { PLAN_HELP, PLAN_USAGE } from './plan-usage';

export interface PlanCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

interface ParsedArgs {
  environment: string | undefined;
  base: string | undefined;
  head: string | undefined;
  format: 'text' | 'markdown' | 'json';
  /** A pull request number, or `auto`: the pull request of the GitHub Actions event (GITHUB_EVENT_PATH). */
  pull: number | 'auto' | undefined;
  root: string | undefined;
}

function parsePlanArgs(args: string[]): ParsedArgs | string {
  let values: {
    json?: boolean;
    environment?: string;
    base?: string;
    head?: string;
    format?: string;
    'comment-on-pr'?: string;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: {
        json: { type: 'boolean' },
        environment: { type: 'string' },
        base: { type: 'string' },
        head: { type: 'string' },
        format: { type: 'string' },
        'comment-on-pr': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (positionals.length > 1) return 'only one ROOT may be given';
  for (const name of ['environment', 'base', 'head', 'format', 'comment-on-pr'] as const)
    if (values[name] === '') return `--${name} needs a value`;
  const format = values.json ? 'json' : (values.format ?? 'text');
  if (format !== 'text' && format !== 'markdown' && format !== 'json')
    return `--format must be text, markdown or json, not ${format}`;
  const pull = values['comment-on-pr'];
  if (pull !== undefined && pull !== 'auto' && !/^[1-9]\d{0,9}$/.test(pull))
    return `--comment-on-pr needs a pull request number or auto, not ${pull}`;
  return {
    environment: values.environment,
    base: values.base,
    head: values.head,
    format,
    pull: pull === undefined ? undefined : pull === 'auto' ? 'auto' : Number(pull),
    root: positionals[0],
  };
}

interface GitHubForCli {
  setup: PlanGitHubSetup | undefined;
  providers?: GitHubProviders;
  unavailable: string | undefined;
  apiUrl: string;
  token: string | undefined;
  webUrl: string;
  origin: { owner: string; repo: string } | undefined;
}

async function githubFor(root: string, env: NodeJS.ProcessEnv): Promise<GitHubForCli> {
  const apiUrl = normalizeApiUrl(env['KAYRON_GITHUB_API_URL'] || env['GITHUB_API_URL'] || undefined);
  const token = env['GITHUB_TOKEN'] || undefined;
  const originRemote = parseGitRemoteUrl((await readOriginUrl(root).catch(() => undefined)) ?? '');
  const origin = originRemote ? { owner: originRemote.owner, repo: originRemote.repo } : undefined;
  const common = { apiUrl, token, webUrl: webUrlForApi(apiUrl), origin };
  if (env['KAYRON_OFFLINE'] === '1') return { ...common, setup: undefined, unavailable: 'KAYRON_OFFLINE=1' };
  const owner = (await resolveWorkspaceOwner(root, env['KAYRON_GITHUB_OWNER'] || undefined))?.owner;
  if (!owner)
    return {
      ...common,
      setup: undefined,
      unavailable: 'the owner is unknown: origin is not a GitHub remote; set KAYRON_GITHUB_OWNER',
    };
  const cacheDirectory = env['XDG_CACHE_HOME']
    ? path.join(env['XDG_CACHE_HOME'], 'kayron-releases', 'github')
    : defaultCacheDirectory();
  const data = new GitHubProviders({ apiUrl, token, cacheDirectory, userAgent: 'kayron-releases-cli' });
  return {
    ...common,
    providers: data,
    setup: {
      data,
      owner,
      releasesRepo: origin?.repo,
      signedIn: () => token !== undefined && !data.state().tokenRejected,
    },
    unavailable: undefined,
  };
}

/** The pull request number of a GitHub Actions event payload (pull_request, pull_request_target, issue_comment on a PR). */
async function pullRequestOfEvent(env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const file = env['GITHUB_EVENT_PATH'];
  if (!file) return undefined;
  try {
    const event = JSON.parse(await fs.readFile(file, 'utf8')) as {
      pull_request?: { number?: unknown };
      issue?: { number?: unknown; pull_request?: unknown };
    };
    const number = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
    return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
  } catch {
    return undefined;
  }
}

export async function runPlanCommand(args: string[], io: PlanCommandIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(PLAN_HELP);
    return 0;
  }
  const parsed = parsePlanArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`kayron-releases: ${parsed}\nusage: ${PLAN_USAGE}\n`);
    return 2;
  }
  const env = io.env ?? process.env;
  const root = path.resolve(io.cwd ?? process.cwd(), parsed.root ?? '.');
  try {
    const stat = await fs.stat(root);
    if (!stat.isDirectory()) throw new Error(`${root} is not a directory`);
  } catch (error) {
    io.stderr(`kayron-releases: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const github = await githubFor(root, env);
  let plan;
  try {
    const repository = await GitRepository.open(root);
    ({ plan } = await buildDeploymentPlan(
      repository,
      { environment: parsed.environment, base: parsed.base, head: parsed.head },
      github.setup,
      github.unavailable,
    ));
    await github.providers?.settled();
  } catch (error) {
    if (error instanceof GitError && error.kind === 'not-a-repository')
      io.stderr(`kayron-releases: ${root} is not inside a git repository; environments are read from git refs\n`);
    else if (error instanceof PlanRequestError) io.stderr(`kayron-releases: ${error.message}\nusage: ${PLAN_USAGE}\n`);
    else io.stderr(`kayron-releases: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const markdown = renderPlanMarkdown(plan, { webUrl: github.webUrl, owner: github.setup?.owner });
  if (parsed.format === 'json') io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
  else if (parsed.format === 'markdown') io.stdout(markdown);
  else io.stdout(renderPlanText(plan));
  let pull = parsed.pull;
  if (pull === 'auto') {
    pull = await pullRequestOfEvent(env);
    if (pull === undefined)
      io.stderr('kayron-releases: --comment-on-pr auto: not a pull request event (GITHUB_EVENT_PATH); no comment\n');
  }
  if (pull !== undefined) {
    const repository = env['GITHUB_REPOSITORY']?.includes('/')
      ? { owner: env['GITHUB_REPOSITORY'].split('/')[0]!, repo: env['GITHUB_REPOSITORY'].split('/')[1]! }
      : github.origin;
    if (!repository) {
      io.stderr(
        'kayron-releases: --comment-on-pr: the releases repository on GitHub is unknown (set GITHUB_REPOSITORY=owner/repo or an origin on GitHub)\n',
      );
      return 2;
    }
    try {
      const api = new GitHubApi({ apiUrl: github.apiUrl, token: github.token, userAgent: 'kayron-releases-cli' });
      const result = await upsertPlanComment(api, { ...repository, pull }, markdown);
      io.stderr(
        `kayron-releases: ${result.action} the plan comment on ${repository.owner}/${repository.repo}#${pull}${result.url ? ` (${result.url})` : ''}\n`,
      );
    } catch (error) {
      io.stderr(
        `kayron-releases: ${error instanceof CommentError || error instanceof Error ? error.message : String(error)}\n`,
      );
      return 2;
    }
  }
  return plan.problems.some((problem) => problem.severity === 'error') ? 1 : 0;
}
