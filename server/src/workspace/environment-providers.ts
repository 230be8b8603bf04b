/**
 * Where production's tag comes from for a releases root: GitHub's latest release of the releases repository when the
 * GitHub session can ask, else nothing here (the environment model falls back to the newest local tag).
 */
import { environmentProvidersFromGitHub } from '../environments/github-environment';
import type { EnvironmentProviders } from '../environments/resolve';
import { parseGitRemoteUrl, readOriginUrl } from '../github/owner';
import type { RootEnvironments } from '../protocol';
import type { GitHubSession } from './github-session';
import type { ReleaseWorkspace } from './release-workspace';

export interface GitHubLink {
  providers: EnvironmentProviders | undefined;
  info: RootEnvironments['github'];
  /** Identity of what production is asked from; a change means the environments are due again. */
  key: string;
}

/**
 * GitHub's side of the root: the releases repository is `<owner>/<name of origin's repository>`, the owner being the
 * one `github:` values resolve under (the setting, else origin's owner), as Kayron's release source is.
 */
export async function githubLink(
  rootPath: string,
  workspace: ReleaseWorkspace | undefined,
  session: GitHubSession | undefined,
): Promise<GitHubLink> {
  const context = workspace ? session?.context(workspace) : undefined;
  const origin = parseGitRemoteUrl((await readOriginUrl(rootPath).catch(() => undefined)) ?? '');
  const signedIn = session?.state()?.signedIn ?? false;
  const owner = context?.owner ?? origin?.owner;
  const webUrl = context?.webUrl ?? (origin ? `https://${origin.host}` : undefined);
  const repo = origin?.repo;
  const connected = context !== undefined && repo !== undefined;
  const info = owner && webUrl ? { webUrl, owner, repo, signedIn, connected } : undefined;
  if (!context || !repo) return { providers: undefined, info, key: `local|${owner ?? ''}|${repo ?? ''}` };
  const isSignedIn = () => session?.state()?.signedIn ?? false;
  const providers = environmentProvidersFromGitHub(context.data, context.owner, repo, isSignedIn);
  return { providers, info, key: `github|${context.owner}|${repo}|${signedIn}` };
}
