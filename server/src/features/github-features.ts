/**
 * GitHub-backed editing: completion sources, release hovers, document links and online diagnostics. Pure over the
 * GitHubData interface; every "unknown" answer yields nothing, never a guess.
 */
import type { DecodedEntry } from '../yaml/decode';
import type { GitHubData } from '../github/providers';
import type { GitHubRelease, GitHubTag } from '../github/types';
import { buildReleaseCatalog, latestTag, newerTags, acceptedTags, versionTag } from '../github/versions';
import type { Problem, Range } from '../kayron/problem';
import type { GithubCode } from '../diagnostic-codes';
import type { BranchChoice, CompletionSources, RepositoryChoice, VersionChoice } from './complete';
import { relativeTime } from '../relative-time';
import { notesSummary } from '../notes-text';

export interface GitHubContext {
  data: GitHubData;
  owner: string;
  /** Web root for links, e.g. https://github.com. */
  webUrl: string;
  now?: () => number;
  /** What other environments run, per github repo name (e.g. { staging: 'v0.5.3' }), for completion markers. */
  environmentsOf?: (github: string) => Record<string, string> | undefined;
}

const NOTES_LIMIT = 1200;

function trimNotes(body: string): string {
  const trimmed = body.trim();
  return trimmed.length > NOTES_LIMIT ? `${trimmed.slice(0, NOTES_LIMIT).trimEnd()}…` : trimmed;
}

export function completionSources(context: GitHubContext): CompletionSources {
  const now = context.now ?? Date.now;
  return {
    async versions(github) {
      const tags = await context.data.listTags(context.owner, github, { allowStale: true });
      const tagList = tags.kind === 'fetched' ? tags.value : tags.kind === 'unknown' ? tags.cached?.value : undefined;
      if (!tagList) return undefined;
      const releases = await context.data.listReleases(context.owner, github, { allowStale: true });
      const releaseList =
        releases.kind === 'fetched' ? releases.value : releases.kind === 'unknown' ? releases.cached?.value : undefined;
      const environments = context.environmentsOf?.(github) ?? {};
      return buildReleaseCatalog(tagList, releaseList).map((entry): VersionChoice => {
        const markers = Object.entries(environments)
          .filter(([, version]) => version === entry.tag.name)
          .map(([environment]) => environment);
        const published = relativeTime(entry.release?.publishedAt, now());
        const detail = [
          entry.latest ? 'latest' : '',
          published ? `published ${published}` : '',
          entry.tag.channel === 'prerelease' ? 'prerelease' : '',
          ...markers,
        ]
          .filter(Boolean)
          .join(' · ');
        const notes = entry.release
          ? `**${entry.release.name || entry.tag.name}**\n\n${trimNotes(entry.release.body) || '_No release notes._'}`
          : undefined;
        const summary = notesSummary(entry.release?.body);
        return {
          tag: entry.tag.name,
          ...(detail ? { detail } : {}),
          ...(notes ? { documentation: notes } : {}),
          ...(summary ? { summary } : {}),
        };
      });
    },
    async branches(github) {
      const catalog = await context.data.branchCatalog(context.owner, github, { allowStale: true });
      const value =
        catalog.kind === 'fetched' ? catalog.value : catalog.kind === 'unknown' ? catalog.cached?.value : undefined;
      if (!value) return undefined;
      return value.branches.map((branch): BranchChoice => ({
        name: branch.name,
        isDefault: branch.name === value.defaultBranch,
        ...(value.pullRequestsByBranch?.get(branch.name)?.[0]?.updatedAt
          ? { updatedAt: value.pullRequestsByBranch.get(branch.name)?.[0]?.updatedAt }
          : {}),
        ...(value.pullRequestsByBranch?.get(branch.name)?.[0]
          ? {
              pullRequestTitle: `#${value.pullRequestsByBranch.get(branch.name)?.[0]?.number} ${value.pullRequestsByBranch.get(branch.name)?.[0]?.title}`,
            }
          : {}),
      }));
    },
    async repositories() {
      const repositories = await context.data.listOwnerRepositories(context.owner, { allowStale: true });
      const value =
        repositories.kind === 'fetched'
          ? repositories.value
          : repositories.kind === 'unknown'
            ? repositories.cached?.value
            : undefined;
      return value?.map((repository): RepositoryChoice => ({ name: repository.name, archived: repository.archived }));
    },
  };
}

export async function releaseHoverMarkdown(
  context: GitHubContext,
  github: string,
  tag: string,
): Promise<string | undefined> {
  const now = context.now ?? Date.now;
  const tags = await context.data.listTags(context.owner, github, { allowStale: true });
  const tagList: GitHubTag[] | undefined =
    tags.kind === 'fetched' ? tags.value : tags.kind === 'unknown' ? tags.cached?.value : undefined;
  const releaseResult = await context.data.getReleaseByTag(context.owner, github, tag, { allowStale: true });
  const release: GitHubRelease | undefined =
    releaseResult.kind === 'fetched'
      ? releaseResult.value
      : releaseResult.kind === 'unknown'
        ? releaseResult.cached?.value
        : undefined;
  if (!tagList && !release) return undefined;
  const repoUrl = `${context.webUrl}/${context.owner}/${github}`;
  const releasePage = (name: string): string => `${repoUrl}/releases/tag/${encodeURIComponent(name)}`;
  // Only a tag GitHub has (or a release it returned) gets a release page or a place among the releases: a broken or
  // unknown tag is neither "the newest release" nor linkable.
  const tagKnown = release !== undefined || (tagList?.some((candidate) => candidate.name === tag) ?? false);
  const lines: string[] = [];
  if (release) {
    const when = release.publishedAt
      ? `${release.publishedAt.slice(0, 10)} (${relativeTime(release.publishedAt, now()) ?? ''})`
      : 'unpublished';
    lines.push(
      `**${release.name || tag}** — ${context.owner}/${github}`,
      '',
      `Published ${when}${release.author ? ` by ${release.author}` : ''}`,
    );
    const notes = trimNotes(release.body);
    if (notes) lines.push('', notes);
  } else if (tagKnown) {
    lines.push(`**${tag}** — ${context.owner}/${github}`, '', 'A tag without a GitHub release.');
  } else {
    const verdict =
      tags.kind === 'fetched'
        ? 'No such tag in the repository.'
        : 'Not among the tags GitHub last sent (GitHub did not answer just now).';
    lines.push(`**${tag}** — ${context.owner}/${github}`, '', verdict);
  }
  const accepted = tagList ? acceptedTags(tagList.map((t) => t.name)) : [];
  const latest = latestTag(accepted);
  const links: string[] = [];
  if (tagKnown) {
    links.push(`[Release page](${releasePage(tag)})`);
    if (tagList && versionTag(tag)) {
      const newer = newerTags(tag, accepted);
      lines.push(
        '',
        newer.length === 0
          ? 'This is the newest release.'
          : `${newer.length} newer release${newer.length === 1 ? '' : 's'}; latest is **${latest?.name ?? newer[0]?.name}**.`,
      );
      if (latest && latest.name !== tag && newer.length > 0)
        links.push(
          `[Compare ${tag}…${latest.name}](${repoUrl}/compare/${encodeURIComponent(tag)}...${encodeURIComponent(latest.name)})`,
        );
    }
  } else if (latest) {
    lines.push('', `The latest release is **${latest.name}**.`);
    links.push(`[Release ${latest.name}](${releasePage(latest.name)})`);
  }
  if (links.length > 0) lines.push('', links.join(' · '));
  return lines.join('\n');
}

export interface DocumentLinkTarget {
  range: Range;
  target: string;
  tooltip: string;
}

/**
 * The GitHub page of the `github:`, `release:` or `branch:` value at `offset`, for the hover. (Not document links:
 * those underline every value all the time; a hover shows the link when asked.)
 */
export function githubLinkAt(
  entries: readonly DecodedEntry[],
  offset: number,
  owner: string,
  webUrl: string,
): DocumentLinkTarget | undefined {
  const entry = entries.find((candidate) => offset >= candidate.range[0] && offset <= candidate.range[1]);
  if (!entry) return undefined;
  return documentLinks([entry], owner, webUrl).find(
    (link) => offset >= link.range[0] - 1 && offset <= link.range[1] + 1,
  );
}

/** Hover text for a `github:` or `branch:` value: where it lives on GitHub. */
export function githubValueHoverMarkdown(link: DocumentLinkTarget): string {
  return `[${link.tooltip}](${link.target})`;
}

export function documentLinks(entries: readonly DecodedEntry[], owner: string, webUrl: string): DocumentLinkTarget[] {
  const links: DocumentLinkTarget[] = [];
  const inner = (range: Range, text: string): Range =>
    text.length > 0 && range[1] - range[0] === text.length + 2 ? [range[0] + 1, range[1] - 1] : range;
  for (const entry of entries) {
    const github = entry.github?.value ?? '';
    if (!github || !entry.github || /[^A-Za-z0-9_.-]/.test(github)) continue;
    const repoUrl = `${webUrl}/${owner}/${github}`;
    links.push({
      range: inner(entry.github.valueRange, github),
      target: repoUrl,
      tooltip: `Open ${owner}/${github} on GitHub`,
    });
    const release = entry.deploy?.release;
    if (release && release.value && versionTag(release.value)) {
      links.push({
        range: inner(release.valueRange, release.value),
        target: `${repoUrl}/releases/tag/${encodeURIComponent(release.value)}`,
        tooltip: `Open release ${release.value}`,
      });
    }
    const branch = entry.deploy?.branch;
    if (branch && branch.value) {
      links.push({
        range: inner(branch.valueRange, branch.value),
        target: `${repoUrl}/tree/${branch.value.split('/').map(encodeURIComponent).join('/')}`,
        tooltip: `Open branch ${branch.value}`,
      });
    }
  }
  return links;
}

function online(
  code: GithubCode,
  severity: Problem['severity'],
  message: string,
  range: Range,
  data?: Record<string, unknown>,
): Problem {
  return { code, severity, kayronCheck: false, message, range, ...(data ? { data } : {}) };
}

export interface OnlineProblems {
  problems: Problem[];
  /** Entries whose checks GitHub could not answer. */
  unverified: number;
}

/**
 * `release-unknown`, `release-outdated`, `branch-unknown`, `github-repo-unknown` — only from data GitHub really returned.
 * Entries are checked concurrently (the providers cap the requests in flight and share a request per repository), so
 * a cold workspace or a slow GitHub costs the time of the slowest repository, not the sum; problems keep entry order.
 */
export async function onlineProblems(
  context: GitHubContext,
  entries: readonly DecodedEntry[],
): Promise<OnlineProblems> {
  const results = await Promise.all(entries.map((entry) => entryProblems(context, entry)));
  return {
    problems: results.flatMap((result) => result.problems),
    unverified: results.reduce((sum, result) => sum + result.unverified, 0),
  };
}

async function entryProblems(context: GitHubContext, entry: DecodedEntry): Promise<OnlineProblems> {
  const github = entry.github?.value ?? '';
  if (!github || !entry.github || /[^A-Za-z0-9_.-]/.test(github) || github.startsWith('.'))
    return { problems: [], unverified: 0 };
  const { owner } = context;
  const repositoryUnknown = (): OnlineProblems => ({
    problems: [
      online(
        'github-repo-unknown',
        'warning',
        `GitHub has no repository ${owner}/${github}.`,
        entry.github?.valueRange ?? [0, 0],
        { owner, github },
      ),
    ],
    unverified: 0,
  });
  const release = entry.deploy?.release;
  const branch = entry.deploy?.branch;
  if (release && release.value && versionTag(release.value)) {
    const check = await context.data.checkReleaseEntry(owner, github, release.value);
    if (check.repository.kind === 'missing') return repositoryUnknown();
    if (check.item.kind === 'unknown') return { problems: [], unverified: 1 };
    if (check.item.kind === 'missing') {
      return {
        problems: [
          online('release-unknown', 'warning', `${owner}/${github} has no tag ${release.value}.`, release.valueRange, {
            owner,
            github,
            tag: release.value,
          }),
        ],
        unverified: 0,
      };
    }
    const accepted = acceptedTags((check.tags ?? []).map((tag) => tag.name));
    const newer = newerTags(release.value, accepted);
    const latest = latestTag(accepted);
    if (newer.length === 0 || !latest) return { problems: [], unverified: 0 };
    return {
      problems: [
        online('release-outdated', 'information', `newer release available: ${latest.name}`, release.valueRange, {
          owner,
          github,
          tag: release.value,
          latest: latest.name,
        }),
      ],
      unverified: 0,
    };
  }
  if (branch && branch.value) {
    const check = await context.data.checkBranchEntry(owner, github, branch.value);
    if (check.repository.kind === 'missing') return repositoryUnknown();
    if (check.item.kind === 'unknown') return { problems: [], unverified: 1 };
    if (check.item.kind === 'found') return { problems: [], unverified: 0 };
    const message = `${owner}/${github} has no branch ${branch.value}: Kayron would deploy nothing for this release.`;
    return {
      problems: [
        online('branch-unknown', 'warning', message, branch.valueRange, { owner, github, branch: branch.value }),
      ],
      unverified: 0,
    };
  }
  const check = await context.data.checkRepository(owner, github);
  if (check.kind === 'missing') return repositoryUnknown();
  return { problems: [], unverified: check.kind === 'unknown' ? 1 : 0 };
}
