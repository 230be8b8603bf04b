/**
 * Asynchronous, bounded access to the git repository around a releases root. Every call is one `git` process started
 * with execFile (no shell), a timeout and an output cap, so the language server never blocks on git and a huge or
 * hanging repository cannot exhaust memory. Object contents are read with one `git cat-file --batch` call per request
 * for all blobs at once, which keeps 50 services × several refs at a handful of processes.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import * as path from 'node:path';

export type GitErrorKind = 'git-not-found' | 'not-a-repository' | 'timeout' | 'output-too-large' | 'aborted' | 'failed';

export class GitError extends Error {
  constructor(
    message: string,
    readonly kind: GitErrorKind,
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitRunOptions {
  cwd: string;
  /** Kills git after this long; a hung credential helper or a network filesystem must not stall the server. */
  timeoutMs?: number;
  /** Fails instead of buffering more than this much stdout. */
  maxOutputBytes?: number;
  /** Written to git's stdin, then stdin is closed. */
  input?: string | Buffer;
  signal?: AbortSignal;
  /** Exit codes that are answers rather than failures (e.g. 1 for `symbolic-ref -q` on a detached HEAD). */
  okExitCodes?: readonly number[];
  /** The git executable (VS Code's `git.path`); `git` on PATH when unset. */
  gitPath?: string;
  /** Talks to a remote (fetch): ssh, proxy and credential-helper variables are passed on as well. */
  network?: boolean;
}

export interface GitResult {
  stdout: Buffer;
  exitCode: number;
}

export const DEFAULT_GIT_TIMEOUT_MS = 15_000;
export const DEFAULT_GIT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/**
 * How the server may run git: not at all in Restricted Mode (an untrusted repository's config can name programs git
 * runs — `gpg.program`, `core.fsmonitor`, `core.sshCommand` — as VS Code's own git extension knows), else this executable
 * (VS Code's `git.path`, or `git` on PATH).
 */
export type GitAccess = { allowed: false } | { allowed: true; path: string };

export const DEFAULT_GIT_ACCESS: GitAccess = { allowed: true, path: 'git' };

/**
 * What a git child inherits: an allowlist, never the whole environment (which holds GITHUB_TOKEN and whatever else the
 * editor or CI exported). PATH, home and locale so git finds itself and the user's config; the rest only for fetch,
 * which may need ssh, a proxy or a credential helper. Variables that would point git at another repository (set
 * inside git hooks, for example) are not inherited either.
 */
const INHERITED = [
  'PATH',
  'HOME',
  'LANG',
  'LANGUAGE',
  'TMPDIR',
  'XDG_CONFIG_HOME',
  'SystemRoot',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'TEMP',
  'TMP',
  'PATHEXT',
  'ComSpec',
];
const INHERITED_FOR_NETWORK = [
  'SSH_AUTH_SOCK',
  'SSH_AGENT_PID',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_SSL_CAINFO',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XDG_RUNTIME_DIR',
  'DBUS_SESSION_BUS_ADDRESS',
];

export function gitEnvironment(network = false, source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of network ? [...INHERITED, ...INHERITED_FOR_NETWORK] : INHERITED)
    if (source[name] !== undefined) env[name] = source[name];
  for (const name of Object.keys(source)) if (name.startsWith('LC_')) env[name] = source[name];
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
}

/**
 * Settings that keep every query from running what a repository's config points at and it does not need: no pager,
 * no signature check (`log.showSignature` + `gpg.program`), no fsmonitor hook, no external diff.
 */
const HARDENING_CONFIG = [
  '-c',
  'core.fsmonitor=false',
  '-c',
  'log.showSignature=false',
  '-c',
  'diff.external=',
  '-c',
  'core.pager=cat',
];

/** Runs `git --no-pager -c core.quotepath=off <hardening> <args>` and resolves with its stdout; rejects with a classified GitError. */
export function runGit(args: readonly string[], options: GitRunOptions): Promise<GitResult> {
  const fullArgs = ['--no-pager', '-c', 'core.quotepath=off', ...HARDENING_CONFIG, ...args];
  const timeout = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  const maxBuffer = options.maxOutputBytes ?? DEFAULT_GIT_MAX_OUTPUT_BYTES;
  return new Promise<GitResult>((resolve, reject) => {
    const child = execFile(
      options.gitPath || 'git',
      fullArgs,
      {
        cwd: options.cwd,
        env: gitEnvironment(options.network === true),
        encoding: 'buffer',
        maxBuffer,
        timeout,
        windowsHide: true,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error: ExecFileException | null, stdout: Buffer, stderr: Buffer) => {
        const stderrText = stderr.toString('utf8').trim();
        if (!error) {
          resolve({ stdout, exitCode: 0 });
          return;
        }
        const exitCode = typeof error.code === 'number' ? error.code : undefined;
        if (exitCode !== undefined && options.okExitCodes?.includes(exitCode)) {
          resolve({ stdout, exitCode });
          return;
        }
        reject(classifyGitError(error, args, exitCode, stderrText, timeout, maxBuffer));
      },
    );
    // git may exit before reading all of stdin (e.g. on a bad revision); that surfaces as the exit status, not EPIPE.
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

function classifyGitError(
  error: ExecFileException,
  args: readonly string[],
  exitCode: number | undefined,
  stderr: string,
  timeout: number,
  maxBuffer: number,
): GitError {
  const command = `git ${args.join(' ')}`;
  if (error.code === 'ENOENT')
    return new GitError('git is not installed or not on PATH', 'git-not-found', args, undefined, stderr);
  if (error.name === 'AbortError' || error.code === 'ABORT_ERR')
    return new GitError(`${command} was cancelled`, 'aborted', args, undefined, stderr);
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return new GitError(
      `${command} produced more than ${maxBuffer} bytes`,
      'output-too-large',
      args,
      undefined,
      stderr,
    );
  }
  if (error.killed && error.signal)
    return new GitError(`${command} did not finish within ${timeout} ms`, 'timeout', args, undefined, stderr);
  if (/not a git repository/i.test(stderr))
    return new GitError(stderr.split('\n')[0] ?? stderr, 'not-a-repository', args, exitCode, stderr);
  return new GitError(
    `${command} failed${exitCode !== undefined ? ` (exit ${exitCode})` : ''}: ${stderr.split('\n')[0] ?? ''}`.trim(),
    'failed',
    args,
    exitCode,
    stderr,
  );
}

/** Whether `directory` is inside a git working tree (false when git is missing, too). */
export async function isGitRepository(directory: string, gitPath?: string): Promise<boolean> {
  try {
    const { stdout } = await runGit(['rev-parse', '--is-inside-work-tree'], {
      cwd: directory,
      timeoutMs: 5_000,
      ...(gitPath ? { gitPath } : {}),
    });
    return stdout.toString('utf8').trim() === 'true';
  } catch {
    return false;
  }
}

export interface GitRef {
  /** Full name, e.g. `refs/remotes/origin/testing`. */
  name: string;
  /** The commit the ref points to after peeling annotated tags; undefined for refs to trees or blobs. */
  commit: string | undefined;
  /** Committer date of that commit, ISO 8601. */
  date: string | undefined;
  /** Target of a symbolic ref such as `refs/remotes/origin/HEAD`. */
  symref?: string;
  /** Configured upstream of a local branch, e.g. `refs/remotes/origin/main`. */
  upstream?: string;
}

export interface HeadState {
  /** Undefined in a repository without commits. */
  commit: string | undefined;
  date: string | undefined;
  /** Full ref of the checked-out branch; undefined when HEAD is detached. */
  branch: string | undefined;
}

export interface TreeEntry {
  /** `/`-separated path relative to the releases root. */
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  /** Blob size in bytes (undefined for trees and submodules). */
  size: number | undefined;
}

export interface Blob {
  oid: string;
  content: Buffer;
}

const REF_FORMAT = [
  '%(refname)',
  '%(objecttype)',
  '%(objectname)',
  '%(*objectname)',
  '%(committerdate:iso-strict)',
  '%(*committerdate:iso-strict)',
  '%(symref)',
  '%(upstream)',
].join('%00');

/**
 * One releases root inside a git working tree. `prefix` is the root's path inside the repository (`''` at the top
 * level, otherwise `sub/dir/`), so trees at a ref are read at the same place the working tree is.
 */
export class GitRepository {
  private constructor(
    readonly root: string,
    readonly topLevel: string,
    readonly prefix: string,
    readonly gitDir: string,
    /** Where refs, packed-refs and objects live (differs from `gitDir` in a linked worktree). */
    readonly commonDir: string,
    readonly shallow: boolean,
    private readonly timeoutMs: number,
    /** The executable every query of this repository runs. */
    readonly gitPath: string,
  ) {}

  /** Opens the repository around `root`; rejects with GitError `not-a-repository` or `git-not-found`. */
  static async open(
    root: string,
    options: { timeoutMs?: number; gitPath?: string | undefined } = {},
  ): Promise<GitRepository> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
    const gitPath = options.gitPath || 'git';
    const { stdout } = await runGit(
      [
        'rev-parse',
        '--show-toplevel',
        '--show-prefix',
        '--absolute-git-dir',
        '--git-common-dir',
        '--is-shallow-repository',
      ],
      { cwd: root, timeoutMs, gitPath },
    );
    const [topLevel = '', prefix = '', gitDir = '', commonDir = '', shallow = ''] = stdout.toString('utf8').split('\n');
    const absoluteRoot = path.resolve(root);
    return new GitRepository(
      absoluteRoot,
      topLevel,
      prefix,
      gitDir,
      path.resolve(absoluteRoot, commonDir),
      shallow.trim() === 'true',
      timeoutMs,
      gitPath,
    );
  }

  /**
   * Files whose change means the environments may have moved (HEAD, refs, packed-refs, FETCH_HEAD): watch these
   * (debounced) and recompute. `pattern` is a glob relative to `base`.
   */
  refWatchTargets(): { base: string; pattern: string }[] {
    const targets = [
      { base: this.gitDir, pattern: 'HEAD' },
      { base: this.gitDir, pattern: 'FETCH_HEAD' },
      { base: this.commonDir, pattern: 'packed-refs' },
      { base: this.commonDir, pattern: 'refs/**' },
    ];
    if (this.commonDir !== this.gitDir) targets.push({ base: this.commonDir, pattern: 'FETCH_HEAD' });
    return targets;
  }

  run(args: readonly string[], options: Omit<GitRunOptions, 'cwd'> = {}): Promise<GitResult> {
    return runGit(args, { timeoutMs: this.timeoutMs, ...options, cwd: this.root, gitPath: this.gitPath });
  }

  async text(args: readonly string[], options: Omit<GitRunOptions, 'cwd'> = {}): Promise<string> {
    return (await this.run(args, options)).stdout.toString('utf8');
  }

  /** The commit a revision names, or undefined when it does not resolve. */
  async revParse(revision: string): Promise<string | undefined> {
    assertRevision(revision);
    const { stdout, exitCode } = await this.run(['rev-parse', '--verify', '-q', `${revision}^{commit}`], {
      okExitCodes: [1, 128],
    });
    return exitCode === 0 ? stdout.toString('utf8').trim() : undefined;
  }

  /** All branches, remote-tracking refs and tags in one call, with peeled commits and dates. */
  async listRefs(): Promise<GitRef[]> {
    const output = await this.text([
      'for-each-ref',
      `--format=${REF_FORMAT}`,
      'refs/heads',
      'refs/remotes',
      'refs/tags',
    ]);
    const refs: GitRef[] = [];
    for (const line of output.split('\n')) {
      if (line === '') continue;
      const [name = '', type, object, peeled, date, peeledDate, symref, upstream] = line.split('\0');
      const isCommit = type === 'commit';
      const peeledIsCommit = type === 'tag' && peeled !== '' && peeledDate !== '';
      const ref: GitRef = {
        name,
        commit: isCommit ? object : peeledIsCommit ? peeled : undefined,
        date: isCommit ? date || undefined : peeledIsCommit ? peeledDate || undefined : undefined,
      };
      if (symref) ref.symref = symref;
      if (upstream) ref.upstream = upstream;
      refs.push(ref);
    }
    return refs;
  }

  async head(): Promise<HeadState> {
    const [log, symbolic] = await Promise.all([
      this.run(['log', '-1', '--no-show-signature', '--no-textconv', '--format=%H%x00%cI', 'HEAD', '--'], {
        okExitCodes: [128],
      }),
      this.run(['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] }),
    ]);
    const [commit, date] = log.exitCode === 0 ? log.stdout.toString('utf8').trim().split('\0') : [];
    const branch = symbolic.exitCode === 0 ? symbolic.stdout.toString('utf8').trim() : undefined;
    return { commit: commit || undefined, date: date || undefined, branch: branch || undefined };
  }

  /** How many commits `local` has that `remote` lacks, and the reverse. */
  async aheadBehind(local: string, remote: string): Promise<{ ahead: number; behind: number }> {
    assertRevision(local);
    assertRevision(remote);
    const output = await this.text(['rev-list', '--left-right', '--count', `${local}...${remote}`, '--']);
    const [ahead = '0', behind = '0'] = output.trim().split(/\s+/);
    return { ahead: Number(ahead), behind: Number(behind) };
  }

  /** Committer date (ISO 8601) of a revision. */
  async commitDate(revision: string): Promise<string | undefined> {
    assertRevision(revision);
    const { stdout, exitCode } = await this.run(
      ['log', '-1', '--no-show-signature', '--no-textconv', '--format=%cI', revision, '--'],
      { okExitCodes: [128] },
    );
    return exitCode === 0 ? stdout.toString('utf8').trim() || undefined : undefined;
  }

  private treeish(commit: string): string {
    return this.prefix === '' ? commit : `${commit}:${this.prefix.replace(/\/$/, '')}`;
  }

  /**
   * `git ls-tree -r -z -l --full-tree` of the releases root at `commit`. With `directoryFilter`, the recursive listing is
   * limited to the top-level directories it accepts (root-level entries are always listed), so a large unrelated tree
   * next to the release folders costs nothing.
   */
  async listTree(commit: string, directoryFilter?: (name: string) => boolean): Promise<TreeEntry[]> {
    assertRevision(commit);
    const treeish = this.treeish(commit);
    if (!directoryFilter) return parseTree(await this.run(['ls-tree', '-r', '-z', '-l', '--full-tree', treeish]));
    let top: TreeEntry[];
    try {
      top = parseTree(await this.run(['ls-tree', '-z', '-l', '--full-tree', treeish]));
    } catch (error) {
      // A releases folder inside the repository that does not exist yet at this commit holds no files there.
      if (
        this.prefix !== '' &&
        error instanceof GitError &&
        /not a valid object name|not a tree object/i.test(error.stderr) &&
        (await this.revParse(commit))
      )
        return [];
      throw error;
    }
    const directories = top
      .filter((entry) => entry.type === 'tree' && directoryFilter(entry.path))
      .map((entry) => entry.path);
    const entries = top.filter((entry) => entry.type !== 'tree');
    if (directories.length > 0) {
      for (const entry of parseTree(
        await this.run([
          '--literal-pathspecs',
          'ls-tree',
          '-r',
          '-z',
          '-l',
          '--full-tree',
          treeish,
          '--',
          ...directories,
        ]),
      ))
        entries.push(entry);
    }
    return entries;
  }

  /**
   * Reads many objects with one `git cat-file --batch` process, keyed by the object names asked for (blob ids, or
   * `<commit>:<path>`). Missing objects are left out. `expectedBytes` (the sum of the blob sizes, known from ls-tree)
   * sizes the output cap.
   */
  async readBlobs(objectNames: readonly string[], expectedBytes?: number): Promise<Map<string, Blob>> {
    const result = new Map<string, Blob>();
    const unique = [...new Set(objectNames)].filter((name) => name !== '' && !name.includes('\n'));
    if (unique.length === 0) return result;
    const maxOutputBytes = Math.max(DEFAULT_GIT_MAX_OUTPUT_BYTES, (expectedBytes ?? 0) + unique.length * 128);
    const { stdout } = await this.run(['cat-file', '--batch'], { input: `${unique.join('\n')}\n`, maxOutputBytes });
    // One header per request, in order: `<oid> <type> <size>` and the content, or `<name> missing|ambiguous`.
    let offset = 0;
    for (const name of unique) {
      const newline = stdout.indexOf(0x0a, offset);
      if (newline < 0) break;
      const header = stdout.subarray(offset, newline).toString('utf8');
      offset = newline + 1;
      const match = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(header);
      if (!match) continue;
      const size = Number(match[3]);
      if (match[2] === 'blob')
        result.set(name, { oid: match[1] ?? '', content: stdout.subarray(offset, offset + size) });
      offset += size + 1;
    }
    return result;
  }

  /**
   * Blob sizes with one `git cat-file --batch-check` (nothing is read): for objects named by path, such as the target
   * of a symbolic link, whose size ls-tree did not give. Missing objects and non-blobs are left out.
   */
  async blobSizes(objectNames: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const unique = [...new Set(objectNames)].filter((name) => name !== '' && !name.includes('\n'));
    if (unique.length === 0) return result;
    const lines = (await this.text(['cat-file', '--batch-check'], { input: `${unique.join('\n')}\n` })).split('\n');
    unique.forEach((name, index) => {
      const match = /^[0-9a-f]{40,64} blob (\d+)$/.exec(lines[index] ?? '');
      if (match) result.set(name, Number(match[1]));
    });
    return result;
  }

  /** `<commit>:<path>` for a path relative to the releases root, as `cat-file` understands it. */
  objectNameAt(commit: string, relativePath: string): string {
    return `${commit}:${this.prefix}${relativePath}`;
  }

  /** The text of a file (relative to the releases root) at a commit, or undefined when it does not exist there. */
  async readFileAtRef(commit: string, relativePath: string, maxBytes = 5 * 1024 * 1024): Promise<string | undefined> {
    assertRevision(commit);
    const { stdout, exitCode } = await this.run(['cat-file', 'blob', `${commit}:${this.prefix}${relativePath}`], {
      okExitCodes: [128],
      maxOutputBytes: maxBytes,
    });
    return exitCode === 0 ? stdout.toString('utf8') : undefined;
  }
}

/** Revisions come from refs and settings; one starting with `-` would be read as an option (`--end-of-options` needs git 2.24+). */
function assertRevision(revision: string): void {
  if (revision === '' || revision.startsWith('-'))
    throw new GitError(`not a revision: ${JSON.stringify(revision)}`, 'failed', [], undefined, '');
}

function parseTree(result: GitResult): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of result.stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', oid = '', size = '-'] = record.slice(0, tab).split(/ +/);
    if (type !== 'blob' && type !== 'tree' && type !== 'commit') continue;
    entries.push({ path: record.slice(tab + 1), mode, type, oid, size: size === '-' ? undefined : Number(size) });
  }
  return entries;
}
