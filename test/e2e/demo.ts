/**
 * The demo behind `npm start` (test/e2e/start-demo.ts) and the demo walk of the real-VS-Code suite: a releases
 * repository OUTSIDE the source tree with a real git history, and — unless real GitHub is asked for — the GitHub
 * stand-in (test code, 127.0.0.1 only) serving the 0xSplits organisation behind it.
 *
 * History of 0xSplits/releases (fixed dates, so the commit ids are the same on every start):
 * - v0.6.9, v0.6.10: production releases (tags with GitHub releases; v0.6.10 is the latest, so it is production);
 * - main (staging) one commit ahead of production: kayron and specta bumped;
 * - testing: kayron deployed from the branch of open pull request #42 (`fix/retry-backoff`);
 * - the working tree (development) has one uncommitted edit: splits-lite pinned to a tag that does not exist.
 * `origin` is https://github.com/0xSplits/releases.git (so the owner is inferred as on a real clone); git's
 * `insteadOf` sends fetches to a local bare repository, which the stand-in's writes are exported to.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  startGitHubStandin,
  type GitHubStandin,
  type StandinRelease,
  type StandinRepo,
} from '../github-standin/server';
import { SPLITS_OWNER, splitsOrganization } from '../github-standin/splits-seed';
import { installWriteEndpoints, type WritableRepo } from '../github-standin/write-endpoints';
import { git, GitFixture } from '../helpers/git-fixture';

export const DEMO_OWNER = SPLITS_OWNER;
export const DEMO_RELEASES_URL = `https://github.com/${DEMO_OWNER}/releases.git`;
/** The token the demo's stand-in accepts; handed to the extension as KAYRON_E2E_GITHUB_TOKEN (never a real credential). */
export const DEMO_TOKEN = 'ghp_demoStandinOnly000000000000000000000';
/** Production is this release; "Promote Staging to Production" proposes the next free tag. */
export const DEMO_PRODUCTION_TAG = 'v0.6.10';
/** The uncommitted edit in the demo's working tree: a tag splits-lite does not have. */
export const DEMO_MISSING_TAG = 'v0.2.9';

const DAY_MS = 86_400_000;
const START = Date.parse('2025-10-01T09:00:00Z');

function serviceFile(pins: { alloy: string; kayron: string; specta: string; splitsLite: string }): string {
  return `# Services Kayron deploys from this repository.
- docker: "alloy"
  github: "alloy"
  deploy:
    release: "${pins.alloy}"

- docker: "kayron"
  github: "kayron"
  deploy:
    ${pins.kayron}

- docker: "specta"
  github: "specta"
  deploy:
    release: "${pins.specta}"

# the SDK playground, with preview deployments
- docker: "splits-lite"
  github: "splits-lite"
  deploy:
    release: "${pins.splitsLite}"
    preview: true
`;
}

const INFRASTRUCTURE = `- github: "infrastructure"
  provider: "cloudformation"
  deploy:
    release: "v0.5.8"
`;

const PRODUCTION_PINS = {
  alloy: 'v1.12.2-ce60d74',
  kayron: 'release: "v0.5.20"',
  specta: 'v0.3.0',
  splitsLite: 'v0.2.3',
};
const STAGING_PINS = { ...PRODUCTION_PINS, kayron: 'release: "v0.5.23"', specta: 'v0.3.1' };

/** Release notes the way GitHub generates them ("Generate release notes"): every body starts with the same heading. */
function generatedNotes(repo: string, tag: string, previous: string | undefined, change: string, pull: number): string {
  const lines = [
    "## What's Changed",
    `* ${change} by @xh3b4sd in https://github.com/${DEMO_OWNER}/${repo}/pull/${pull}`,
  ];
  if (previous)
    lines.push('', `**Full Changelog**: https://github.com/${DEMO_OWNER}/${repo}/compare/${previous}...${tag}`);
  return lines.join('\n');
}

const CHANGES = [
  'Retry GitHub calls with backoff',
  'Reconcile preview deployments on every push',
  'Fix drift detection for suspended services',
  'Log the CloudFormation change set before applying it',
  'Cache ECR image lookups for five minutes',
];

/** Rewrites the seed's release notes as GitHub-generated ones (the seed's own notes serve the tests). */
function withGeneratedNotes(repo: StandinRepo): void {
  const releases = repo.releases ?? [];
  releases.forEach((release, index) => {
    const previous = releases[index + 1]?.tagName;
    release.body = generatedNotes(
      repo.name,
      release.tagName,
      previous,
      CHANGES[index % CHANGES.length] ?? 'Maintenance',
      100 + releases.length - index,
    );
  });
}

function releasesRelease(tag: string, publishedAt: number, body: string): StandinRelease {
  return { tagName: tag, name: tag, body, publishedAt: new Date(publishedAt).toISOString(), author: 'xh3b4sd' };
}

/** Builds the demo releases repository in `parent/releases` (origin in `parent/origin.git`); removes an older one first. */
export function createDemoRepository(parent: string): { folder: string; origin: string } {
  const folder = path.join(parent, 'releases');
  const origin = path.join(parent, 'origin.git');
  const work = path.join(parent, 'work');
  for (const dir of [folder, origin, work]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  git(work, ['init', '-q']);
  git(work, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  const repo = new GitFixture(work);
  repo.write({
    'README.md': '# releases\n\nWhat Kayron deploys: `service/` and `infrastructure/`. Branches are environments.\n',
  });
  repo.commit(
    'Production release v0.6.9',
    {
      'service/service.yaml': serviceFile({ ...PRODUCTION_PINS, kayron: 'release: "v0.5.18"' }),
      'infrastructure/infrastructure.yaml': INFRASTRUCTURE,
    },
    START,
  );
  repo.tag('v0.6.9', 'HEAD', undefined, START);
  repo.commit('Bump kayron to v0.5.20', { 'service/service.yaml': serviceFile(PRODUCTION_PINS) }, START + 6 * DAY_MS);
  repo.tag(DEMO_PRODUCTION_TAG, 'HEAD', undefined, START + 6 * DAY_MS);
  repo.checkoutNew('testing');
  repo.commit(
    'Try kayron fix/retry-backoff on testing',
    { 'service/service.yaml': serviceFile({ ...STAGING_PINS, kayron: 'branch: "fix/retry-backoff"' }) },
    START + 8 * DAY_MS,
  );
  repo.checkout('main');
  repo.commit(
    'Bump kayron to v0.5.23 and specta to v0.3.1',
    { 'service/service.yaml': serviceFile(STAGING_PINS) },
    START + 7 * DAY_MS,
  );
  git(parent, ['init', '-q', '--bare', origin]);
  git(origin, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  repo.git(['push', '-q', origin, 'main', 'testing', '--tags']);
  git(parent, ['-c', `url.${origin}.insteadOf=${DEMO_RELEASES_URL}`, 'clone', '-q', DEMO_RELEASES_URL, folder]);
  git(folder, ['config', `url.${origin}.insteadOf`, DEMO_RELEASES_URL]);
  rmSync(work, { recursive: true, force: true });
  // development: an uncommitted edit, so the Problems panel has something to say right away
  writeFileSync(
    path.join(folder, 'service', 'service.yaml'),
    serviceFile({ ...STAGING_PINS, splitsLite: DEMO_MISSING_TAG }),
  );
  return { folder, origin };
}

export interface DemoGitHub {
  standin: GitHubStandin;
  releases: WritableRepo;
  apiUrl: string;
  close(): Promise<void>;
}

/**
 * The stand-in with the demo organisation: the services of splits-seed.ts with GitHub-generated notes, and the
 * releases repository itself, writable (promotions create branches, pull requests and releases there) and mirrored
 * to `origin` after every write, so a fetch brings what a promotion did.
 */
export async function startDemoGitHub(origin: string, tokens: readonly string[] = [DEMO_TOKEN]): Promise<DemoGitHub> {
  const organisation = splitsOrganization();
  for (const repo of organisation.repos ?? []) withGeneratedNotes(repo);
  const kayron = organisation.repos?.find((repo) => repo.name === 'kayron');
  for (const pull of kayron?.pulls ?? []) pull.updatedAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
  organisation.repos?.push({
    name: 'releases',
    defaultBranch: 'main',
    releases: [
      releasesRelease(
        DEMO_PRODUCTION_TAG,
        START + 6 * DAY_MS + 3_600_000,
        "## What's Changed\n* Bump kayron to v0.5.20 by @xh3b4sd in https://github.com/0xSplits/releases/pull/12\n\n**Full Changelog**: https://github.com/0xSplits/releases/compare/v0.6.9...v0.6.10",
      ),
      releasesRelease(
        'v0.6.9',
        START + 3_600_000,
        "## What's Changed\n* First production release by @xh3b4sd in https://github.com/0xSplits/releases/pull/11",
      ),
    ],
  });
  const standin = await startGitHubStandin({ owners: [organisation], tokens: [...tokens], anonymousRateLimit: 5000 });
  const endpoints = installWriteEndpoints(standin, { login: 'xh3b4sd' });
  const releases = endpoints.writable({ owner: DEMO_OWNER, name: 'releases', importFrom: origin, mirrorTo: origin });
  return {
    standin,
    releases,
    apiUrl: standin.apiUrl,
    close: () => standin.close(),
  };
}

/** The demo folder's settings: the stand-in's API (or none for real GitHub), and dry-run promotions against real GitHub. */
export function writeDemoSettings(folder: string, github: { apiUrl: string } | undefined): void {
  const settings: Record<string, unknown> = github
    ? { 'kayron.github.apiUrl': github.apiUrl }
    : { 'kayron.promotion.dryRun': true };
  mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  writeFileSync(path.join(folder, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  // keep the settings out of `git status`: they are the demo's, not the repository's
  writeFileSync(path.join(folder, '.git', 'info', 'exclude'), '.vscode/\n', { flag: 'a' });
}
