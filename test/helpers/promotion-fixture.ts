/**
 * A releases repository for promotion tests: a real git history (production tag, staging ahead of it) in a bare
 * "origin", a clone whose `origin` URL names github.com/acme/releases (rewritten by `insteadOf` to the bare repo, so
 * `git fetch` works offline), and a GitHub stand-in that serves the same objects through its write endpoints.
 */
import { pathToFileURL } from 'node:url';
import { GitRepository } from '../../server/src/environments/git';
import { PromotionExecutor } from '../../server/src/promotion/executor';
import { GitHubApi } from '../../server/src/promotion/github-api';
import type { PromotionInputs } from '../../server/src/promotion/promotion';
import { GitHubStandin, startGitHubStandin, type StandinRelease } from '../github-standin/server';
import { installWriteEndpoints, type WritableRepo, type WriteEndpoints } from '../github-standin/write-endpoints';
import { FixtureScope, GitFixture, git } from './git-fixture';

export const OWNER = 'acme';
export const RELEASES_REPO = 'releases';
/** Looks like a classic personal access token, so redaction by shape is exercised too. */
export const TOKEN = 'ghp_promotionTestToken0123456789abcdef';
export const RELEASES_URL = `https://github.com/${OWNER}/${RELEASES_REPO}.git`;

export const SERVICE_V1 = `- docker: "alloy"
  github: "alloy"
  deploy:
    release: "v1.12.2-ce60d74"

- docker: "kayron"
  github: "kayron"
  deploy:
    release: "v0.5.2"

# the SDK playground
- docker: "splits-lite"
  github: "splits-lite"
  deploy:
    release: 'v0.2.2'
    preview: true
`;

/** service.yaml on staging (the fixture's default branch head): kayron bumped to v0.5.3 after the production tag. */
export const SERVICE_STAGING = SERVICE_V1.replace('release: "v0.5.2"', 'release: "v0.5.3"');

export const INFRASTRUCTURE_V1 = `- github: "infrastructure"
  provider: "cloudformation"
  deploy:
    release: "v0.5.6"
`;

export function serviceRelease(
  tag: string,
  publishedAt: string,
  body = `## What's changed\n\n- ${tag} fixes`,
): StandinRelease {
  return { tagName: tag, name: tag, body, publishedAt, author: 'release-bot' };
}

export interface PromotionFixture {
  scope: FixtureScope;
  work: GitFixture;
  origin: string;
  clone: GitFixture;
  standin: GitHubStandin;
  endpoints: WriteEndpoints;
  releases: WritableRepo;
  productionCommit: string;
  stagingCommit: string;
  /** Writes what the stand-in has into the bare origin and fetches it into the clone. */
  syncClone(): void;
  close(): Promise<void>;
}

export interface PromotionFixtureOptions {
  /** Extra commit on main after the production tag (default: bump kayron to v0.5.3). */
  staging?: Record<string, string | null>;
  /** Seed a testing branch with these files on top of production. */
  testing?: Record<string, string | null>;
  scopes?: Record<string, string[]>;
  /** More tokens the stand-in accepts (the e2e run's own). */
  tokens?: string[];
  /** Mirror the stand-in's writes into the bare origin, so the clone's `git fetch` brings them (as from GitHub). */
  mirrorWrites?: boolean;
}

export async function createPromotionFixture(options: PromotionFixtureOptions = {}): Promise<PromotionFixture> {
  const scope = new FixtureScope();
  const work = scope.init('releases');
  work.write({ 'README.md': '# releases\n' });
  const productionCommit = work.commit('releases v0.6.10', {
    'service/service.yaml': SERVICE_V1,
    'infrastructure/infrastructure.yaml': INFRASTRUCTURE_V1,
  });
  work.tag('v0.6.10');
  if (options.testing) {
    work.checkoutNew('testing');
    work.commit('testing', options.testing);
    work.checkout('main');
  }
  const stagingCommit = work.commit(
    'Bump kayron to v0.5.3',
    options.staging ?? { 'service/service.yaml': SERVICE_STAGING },
  );
  const origin = scope.initBare('origin');
  work.git(['push', '-q', origin, '--all']);
  work.git(['push', '-q', origin, '--tags']);
  const cloneDir = `${scope.tempDir('clone')}/releases`;
  git(scope.tempDir('clone-parent'), [
    '-c',
    `url.${origin}.insteadOf=${RELEASES_URL}`,
    'clone',
    '-q',
    RELEASES_URL,
    cloneDir,
  ]);
  const clone = new GitFixture(cloneDir);
  clone.git(['config', `url.${origin}.insteadOf`, RELEASES_URL]);

  const standin = await startGitHubStandin({
    tokens: [TOKEN, 'ghp_readOnlyToken0123456789abcdefghij', ...(options.tokens ?? [])],
    owners: [
      {
        login: OWNER,
        type: 'Organization',
        repos: [
          {
            name: RELEASES_REPO,
            defaultBranch: 'main',
            releases: [serviceRelease('v0.6.10', '2025-10-01T10:00:00Z', 'Production release')],
          },
          {
            name: 'kayron',
            tags: [{ name: 'v0.5.4' }, { name: 'v0.5.3' }, { name: 'v0.5.2' }],
            releases: [
              serviceRelease('v0.5.4', '2025-10-03T10:00:00Z'),
              serviceRelease('v0.5.3', '2025-10-02T10:00:00Z'),
              serviceRelease('v0.5.2', '2025-10-01T10:00:00Z'),
            ],
            branches: [{ name: 'main' }, { name: 'feature/faster-sync' }],
          },
          {
            name: 'splits-lite',
            tags: [{ name: 'v0.2.3' }, { name: 'v0.2.2' }],
            releases: [serviceRelease('v0.2.3', '2025-10-02T10:00:00Z')],
            branches: [{ name: 'main' }],
          },
          {
            name: 'infrastructure',
            tags: [{ name: 'v0.5.7' }, { name: 'v0.5.6' }],
            releases: [serviceRelease('v0.5.7', '2025-10-02T10:00:00Z')],
            branches: [{ name: 'main' }],
          },
          { name: 'alloy', tags: [{ name: 'v1.12.2-ce60d74' }], branches: [{ name: 'main' }] },
        ],
      },
    ],
  });
  const endpoints = installWriteEndpoints(standin, {
    now: () => Date.parse('2025-10-05T12:00:00Z'),
    ...(options.scopes ? { scopes: options.scopes } : {}),
  });
  const releases = endpoints.writable({
    owner: OWNER,
    name: RELEASES_REPO,
    importFrom: origin,
    ...(options.mirrorWrites ? { mirrorTo: origin } : {}),
  });
  return {
    scope,
    work,
    origin,
    clone,
    standin,
    endpoints,
    releases,
    productionCommit,
    stagingCommit,
    syncClone: () => {
      releases.exportTo(origin);
      clone.git(['fetch', '-q', '--prune', '--tags', 'origin']);
    },
    close: async () => {
      await standin.close();
      scope.dispose();
    },
  };
}

/** Non-GET requests the stand-in received, as `METHOD path` plus the body (what a test asserts exactly). */
export function writeRequests(standin: GitHubStandin): { call: string; body: unknown }[] {
  return standin.requests
    .filter((request) => request.method !== 'GET')
    .map((request) => ({ call: `${request.method} ${request.path}`, body: request.body }));
}

/** A file's text on a branch of the stand-in's releases repository; undefined when the branch or the file is missing. */
export function fileOnBranch(fixture: PromotionFixture, branch: string, path: string): string | undefined {
  const sha = fixture.releases.branchSha(branch);
  return sha ? fixture.releases.store.fileAt(sha, path)?.content.toString('utf8') : undefined;
}

/** Promotion inputs for the fixture's clone of acme/releases; `lookups` are the GitHub answers a test needs. */
export async function promotionInputs(
  fixture: PromotionFixture,
  lookups: Pick<PromotionInputs, 'releaseNotes' | 'tagExists' | 'branchExists'> = {},
): Promise<PromotionInputs> {
  return {
    rootUri: pathToFileURL(fixture.clone.dir).toString(),
    repository: { owner: OWNER, repo: RELEASES_REPO },
    serviceOwner: OWNER,
    webUrl: 'https://github.com',
    git: await GitRepository.open(fixture.clone.dir),
    ...lookups,
  };
}

/** An executor against the fixture's stand-in, logging to `log`. */
export function promotionExecutor(fixture: PromotionFixture, log: string[] = [], dryRun = false): PromotionExecutor {
  return new PromotionExecutor({
    api: new GitHubApi({ apiUrl: fixture.standin.apiUrl, token: TOKEN }),
    dryRun,
    log: (line) => log.push(line),
  });
}
