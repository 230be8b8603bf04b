/**
 * GitHub's answers for the environments model (production = the latest release, remote branch heads), from the
 * cached providers. Shared by the language server and the CLI, so both read production the same way.
 */
import type { GitHubData } from '../github/providers';
import type { EnvironmentProviders } from './resolve';

export function environmentProvidersFromGitHub(
  data: GitHubData,
  owner: string,
  repo: string,
  isSignedIn: () => boolean,
): EnvironmentProviders {
  return {
    async latestReleaseTag() {
      const release = await data.latestRelease(owner, repo);
      if (release.kind === 'fetched') return release.value.tagName;
      // Signed out, a private repository answers 404 as well: that proves nothing about its releases.
      if (release.kind === 'not-found') return isSignedIn() ? undefined : 'unknown';
      return 'unknown';
    },
    async remoteBranchHead(branch) {
      const branches = await data.listBranches(owner, repo, { allowStale: true });
      if (branches.kind !== 'fetched') return 'unknown';
      const found = branches.value.find((candidate) => candidate.name === branch);
      return found ? found.sha : branches.truncated ? 'unknown' : undefined;
    },
  };
}
