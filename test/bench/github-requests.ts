/**
 * GitHub requests made when a workspace with N services opens, counted on the local stand-in.
 * Each phase is a fresh GitHubProviders on one cache directory, as when VS Code restarts:
 * - cold: empty cache;  warm: reopened within the TTL;  afterTtl: reopened after the TTL (conditional requests).
 * Two flows: `open` is what diagnostics need per service (checkReleaseEntry); `completion` adds the releases
 * (notes and dates) that completion and hover show.
 * Targets (issue 3): cold ≤ 2 requests per service repository (≤ 100 tags); warm ≤ 1 conditional request per
 * repository per TTL.
 */
import { GitHubProviders } from '../../server/src/github/providers';
import { ManualClock, organization, serviceRepo, temporaryDirectory } from '../github-standin/fixtures';
import { startGitHubStandin, type LoggedRequest } from '../github-standin/server';

export interface RequestFigures {
  requests: number;
  /** Requests per service repository. */
  perRepo: number;
  /** Requests that carried If-None-Match. */
  conditional: number;
  /** Of those, answered 304. */
  notModified: number;
}

export interface FlowFigures {
  cold: RequestFigures;
  warm: RequestFigures;
  afterTtl: RequestFigures;
}

export interface GitHubRequestFigures {
  services: number;
  tagsPerRepo: number;
  open: FlowFigures;
  completion: FlowFigures;
  targets: { coldPerRepo: number; afterTtlConditionalPerRepo: number };
  /** Whether both flows meet the targets. */
  met: boolean;
}

const TOKEN = 'ghp_BenchTokenNeverPrinted000000000000001';
const TTL_MS = 5 * 60_000;
const OWNER = 'bench';

export async function measureGitHubRequests(options: {
  services: number;
  tagsPerRepo?: number;
}): Promise<GitHubRequestFigures> {
  const tagsPerRepo = options.tagsPerRepo ?? 100;
  if (tagsPerRepo > 100) throw new Error('the targets are defined for ≤ 100 tags per repository');
  const repos = Array.from({ length: options.services }, (_, index) => serviceRepo(`service-${index}`, tagsPerRepo));
  const standin = await startGitHubStandin({ owners: [organization(OWNER, repos)], tokens: [TOKEN] });
  try {
    const pinned = (index: number): string => repos[index]?.tags?.[Math.min(3, tagsPerRepo - 1)]?.name ?? 'v0.0.0';
    const flow = async (withReleases: boolean): Promise<FlowFigures> => {
      const cache = await temporaryDirectory('kayron-github-bench-');
      const clock = new ManualClock();
      const phase = async (): Promise<RequestFigures> => {
        standin.clearLog();
        const github = new GitHubProviders({
          apiUrl: standin.apiUrl,
          token: TOKEN,
          cacheDirectory: cache.path,
          ttlMs: TTL_MS,
          now: clock.now,
        });
        await Promise.all(
          repos.map(async (repo, index) => {
            await github.checkReleaseEntry(OWNER, repo.name, pinned(index));
            if (withReleases) await github.listReleases(OWNER, repo.name);
          }),
        );
        await github.settled();
        return figures(standin.requests, options.services);
      };
      try {
        const cold = await phase();
        const warm = await phase();
        clock.advance(TTL_MS);
        const afterTtl = await phase();
        return { cold, warm, afterTtl };
      } finally {
        await cache.remove();
      }
    };
    const open = await flow(false);
    const completion = await flow(true);
    const targets = { coldPerRepo: 2, afterTtlConditionalPerRepo: 1 };
    const meets = (figures: FlowFigures, afterTtlBudget: number): boolean =>
      figures.cold.perRepo <= targets.coldPerRepo &&
      figures.warm.requests === 0 &&
      figures.afterTtl.perRepo <= afterTtlBudget &&
      figures.afterTtl.conditional === figures.afterTtl.requests;
    return {
      services: options.services,
      tagsPerRepo,
      open,
      completion,
      targets,
      // After the TTL the completion flow revalidates the tags only: releases follow tags (GitHubProviders.listReleases).
      met: meets(open, targets.afterTtlConditionalPerRepo) && meets(completion, targets.afterTtlConditionalPerRepo),
    };
  } finally {
    await standin.close();
  }
}

function figures(requests: LoggedRequest[], services: number): RequestFigures {
  const conditional = requests.filter((request) => request.ifNoneMatch !== undefined);
  return {
    requests: requests.length,
    perRepo: services === 0 ? 0 : requests.length / services,
    conditional: conditional.length,
    notModified: conditional.filter((request) => request.status === 304).length,
  };
}
