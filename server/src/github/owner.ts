/**
 * Which GitHub owner `github:` values resolve under (kayron-spec §3.4: always `<owner>/<github>`).
 * The `kayron.github.owner` setting wins; otherwise the owner of the workspace folder's git `origin` remote.
 * A fork's origin names the fork's owner, which is why the setting exists.
 */
import { stat } from 'node:fs/promises';
import { readRegularFile } from '../kayron/regular-file';
import * as path from 'node:path';

export interface GitRemote {
  host: string;
  owner: string;
  repo: string;
}

export interface OwnerResolution {
  owner: string;
  source: 'setting' | 'origin';
  /** Host of the origin remote (for a GitHub Enterprise mismatch hint); undefined for the setting. */
  host: string | undefined;
}

/** GitHub login: alphanumerics and single inner hyphens, at most 39 characters. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export function isGitHubLogin(value: string): boolean {
  return GITHUB_LOGIN.test(value);
}

/**
 * Host, owner and repository of a git remote URL:
 * `https://github.com/o/r(.git)`, `http://…`, `https://user@host/o/r`, `git@github.com:o/r.git`, `github.com:o/r`,
 * `ssh://git@github.com/o/r.git`, `ssh://git@host:2222/o/r`, `git://host/o/r.git`, and GitHub Enterprise hosts alike.
 */
export function parseGitRemoteUrl(remote: string): GitRemote | undefined {
  const value = remote.trim();
  let host: string;
  let repoPath: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(url.protocol)) return undefined;
    host = url.hostname;
    repoPath = decodeURIComponent(url.pathname);
  } else {
    // scp-like syntax: [user@]host:path (a drive letter such as C:\ is a local path, not a host).
    const scp = /^(?:[^@/\s]+@)?([^:/\s]{2,}):(?!\/\/)(.+)$/.exec(value);
    if (!scp) return undefined;
    host = scp[1] ?? '';
    repoPath = scp[2] ?? '';
  }
  const segments = repoPath
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/');
  if (segments.length !== 2) return undefined;
  const [owner = '', repo = ''] = segments;
  if (!isGitHubLogin(owner) || !/^[A-Za-z0-9_.-]+$/.test(repo)) return undefined;
  return { host: host.toLowerCase(), owner, repo };
}

/** The URL of `[remote "<name>"]` in a git config file's text. */
export function remoteUrlFromGitConfig(configText: string, remote = 'origin'): string | undefined {
  let inRemote = false;
  for (const rawLine of configText.split(/\r?\n/)) {
    const line = rawLine.trim();
    const section = /^\[\s*([^\s\]"]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (section) {
      inRemote = section[1]?.toLowerCase() === 'remote' && section[2] === remote;
      continue;
    }
    if (!inRemote) continue;
    const setting = /^url\s*=\s*(.*)$/i.exec(line);
    if (setting) return (setting[1] ?? '').replace(/^"(.*)"$/, '$1').trim();
  }
  return undefined;
}

/**
 * The `origin` URL of the git repository containing `folder` (walking up), read from the config file, so no `git`
 * binary is needed. Worktrees and submodules (a `.git` file with `gitdir:`) are followed.
 */
export async function readOriginUrl(folder: string, remote = 'origin'): Promise<string | undefined> {
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    const gitDirectory = await resolveGitDirectory(path.join(current, '.git'));
    if (gitDirectory) {
      const commonDirectory = await readCommonDirectory(gitDirectory);
      const config = await readSmallFile(path.join(commonDirectory, 'config'));
      return config === undefined ? undefined : remoteUrlFromGitConfig(config, remote);
    }
    if (path.dirname(current) === current) return undefined;
  }
}

/** A repository's own small files (config, `.git` pointers): regular files only, bounded, never a hang. */
async function readSmallFile(absolutePath: string): Promise<string | undefined> {
  const read = await readRegularFile(absolutePath, { maxBytes: 1024 * 1024 });
  return read.kind === 'read' ? read.bytes.toString('utf8') : undefined;
}

async function resolveGitDirectory(dotGit: string): Promise<string | undefined> {
  const info = await stat(dotGit).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return dotGit;
  const text = (await readSmallFile(dotGit)) ?? '';
  const pointer = /^gitdir:\s*(.+)$/m.exec(text)?.[1]?.trim();
  return pointer ? path.resolve(path.dirname(dotGit), pointer) : undefined;
}

async function readCommonDirectory(gitDirectory: string): Promise<string> {
  const common = ((await readSmallFile(path.join(gitDirectory, 'commondir'))) ?? '').trim();
  return common ? path.resolve(gitDirectory, common) : gitDirectory;
}

/**
 * The owner from the setting (a login, or a URL such as Kayron's `KAYRON_RELEASE_SOURCE`
 * `https://github.com/<owner>/<repo>`), else from the origin remote URL.
 */
export function resolveOwner(input: {
  setting?: string | undefined;
  originUrl?: string | undefined;
}): OwnerResolution | undefined {
  const setting = input.setting?.trim() ?? '';
  if (setting !== '') {
    if (isGitHubLogin(setting)) return { owner: setting, source: 'setting', host: undefined };
    const fromUrl = parseGitRemoteUrl(setting) ?? parseOwnerUrl(setting);
    if (fromUrl) return { owner: fromUrl.owner, source: 'setting', host: undefined };
    return undefined;
  }
  const origin = input.originUrl === undefined ? undefined : parseGitRemoteUrl(input.originUrl);
  return origin ? { owner: origin.owner, source: 'origin', host: origin.host } : undefined;
}

/** `https://github.com/<owner>` with no repository segment. */
function parseOwnerUrl(value: string): { owner: string } | undefined {
  try {
    const segments = new URL(value).pathname.split('/').filter(Boolean);
    const [owner] = segments;
    return segments.length === 1 && owner !== undefined && isGitHubLogin(owner) ? { owner } : undefined;
  } catch {
    return undefined;
  }
}

/** Setting first, then the origin of the folder's git repository. */
export async function resolveWorkspaceOwner(
  folder: string,
  setting: string | undefined,
): Promise<OwnerResolution | undefined> {
  if (setting?.trim()) return resolveOwner({ setting });
  return resolveOwner({ originUrl: await readOriginUrl(folder) });
}
