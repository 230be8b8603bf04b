/**
 * Write endpoints for the GitHub stand-in, backed by a tiny in-memory git object store with real object ids (SHA-1
 * of `<type> <size>\0<content>`, as git computes them), so a repository imported from a real git repository keeps its
 * commit SHAs and a clone can be compared with the stand-in commit for commit.
 *
 * Routes (for repositories made writable with `writable()`): the repository itself (with `permissions` and the
 * `x-oauth-scopes` header), git refs (GET/POST/PATCH/DELETE, `git/ref/…`, `git/matching-refs/…`), blobs, trees,
 * commits, contents (GET/PUT), pulls (GET/POST) and releases (POST). Conflicts answer as GitHub does: 422 for an
 * existing ref, a non-fast-forward update, an existing pull request or release; 409 for a stale contents `sha`.
 * Read-only routes of other repositories stay with server.ts.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import type { GitHubStandin, StandinRepo, StandinRouteRequest } from './server';

type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

interface StoredObject {
  type: ObjectType;
  content: Buffer;
}

interface TreeItem {
  mode: string;
  name: string;
  sha: string;
}

interface CommitData {
  tree: string;
  parents: string[];
  author: string;
  committer: string;
  message: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DOC_URL = 'https://docs.github.com/rest';
const failure = (status: number, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { message, documentation_url: DOC_URL, ...extra },
});
const NOT_FOUND = failure(404, 'Not Found');

/** Git's object store, enough of it for refs, trees and commits. */
export class GitObjectStore {
  private readonly objects = new Map<string, StoredObject>();

  static hash(type: ObjectType, content: Buffer): string {
    return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
  }

  put(type: ObjectType, content: Buffer): string {
    const sha = GitObjectStore.hash(type, content);
    if (!this.objects.has(sha)) this.objects.set(sha, { type, content });
    return sha;
  }

  get(sha: string): StoredObject | undefined {
    return this.objects.get(sha);
  }

  has(sha: string, type?: ObjectType): boolean {
    const object = this.objects.get(sha);
    return object !== undefined && (type === undefined || object.type === type);
  }

  entries(): IterableIterator<[string, StoredObject]> {
    return this.objects.entries();
  }

  readTree(sha: string): TreeItem[] {
    const object = this.objects.get(sha);
    if (!object || object.type !== 'tree') throw new Error(`not a tree: ${sha}`);
    const items: TreeItem[] = [];
    let offset = 0;
    const content = object.content;
    while (offset < content.length) {
      const space = content.indexOf(0x20, offset);
      const nul = content.indexOf(0, space);
      items.push({
        mode: content.subarray(offset, space).toString('utf8'),
        name: content.subarray(space + 1, nul).toString('utf8'),
        sha: content.subarray(nul + 1, nul + 21).toString('hex'),
      });
      offset = nul + 21;
    }
    return items;
  }

  writeTree(items: readonly TreeItem[]): string {
    // Git orders entries by name, comparing a directory as if its name ended in "/".
    const key = (item: TreeItem): string => (item.mode === '40000' ? `${item.name}/` : item.name);
    const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const parts = sorted.map((item) =>
      Buffer.concat([Buffer.from(`${item.mode} ${item.name}\0`, 'utf8'), Buffer.from(item.sha, 'hex')]),
    );
    return this.put('tree', Buffer.concat(parts));
  }

  /** Every file under a tree, by `/`-separated path. */
  flatten(treeSha: string, prefix = ''): Map<string, { mode: string; sha: string }> {
    const files = new Map<string, { mode: string; sha: string }>();
    for (const item of this.readTree(treeSha)) {
      const itemPath = `${prefix}${item.name}`;
      if (item.mode === '40000')
        for (const [nested, value] of this.flatten(item.sha, `${itemPath}/`)) files.set(nested, value);
      else files.set(itemPath, { mode: item.mode, sha: item.sha });
    }
    return files;
  }

  /** Nested trees for a flat path → file map; returns the root tree id. */
  buildTree(files: ReadonlyMap<string, { mode: string; sha: string }>): string {
    const here: TreeItem[] = [];
    const below = new Map<string, Map<string, { mode: string; sha: string }>>();
    for (const [filePath, value] of files) {
      const slash = filePath.indexOf('/');
      if (slash < 0) {
        here.push({ mode: value.mode, name: filePath, sha: value.sha });
        continue;
      }
      const directory = filePath.slice(0, slash);
      const nested = below.get(directory) ?? new Map<string, { mode: string; sha: string }>();
      nested.set(filePath.slice(slash + 1), value);
      below.set(directory, nested);
    }
    for (const [directory, nested] of below) here.push({ mode: '40000', name: directory, sha: this.buildTree(nested) });
    return this.writeTree(here);
  }

  readCommit(sha: string): CommitData {
    const object = this.objects.get(sha);
    if (!object || object.type !== 'commit') throw new Error(`not a commit: ${sha}`);
    const text = object.content.toString('utf8');
    const split = text.indexOf('\n\n');
    const header = text.slice(0, split < 0 ? text.length : split);
    const data: CommitData = {
      tree: '',
      parents: [],
      author: '',
      committer: '',
      message: split < 0 ? '' : text.slice(split + 2),
    };
    for (const line of header.split('\n')) {
      const space = line.indexOf(' ');
      const field = line.slice(0, space);
      const value = line.slice(space + 1);
      if (field === 'tree') data.tree = value;
      else if (field === 'parent') data.parents.push(value);
      else if (field === 'author') data.author = value;
      else if (field === 'committer') data.committer = value;
    }
    return data;
  }

  writeCommit(
    tree: string,
    parents: readonly string[],
    message: string,
    identity: string,
    epochSeconds: number,
  ): string {
    const signature = `${identity} ${epochSeconds} +0000`;
    const lines = [
      `tree ${tree}`,
      ...parents.map((parent) => `parent ${parent}`),
      `author ${signature}`,
      `committer ${signature}`,
      '',
      message.endsWith('\n') ? message : `${message}\n`,
    ];
    return this.put('commit', Buffer.from(lines.join('\n'), 'utf8'));
  }

  /** Peels annotated tags to what they point at. */
  peel(sha: string): string {
    let current = sha;
    for (let depth = 0; depth < 10; depth++) {
      const object = this.objects.get(current);
      if (!object || object.type !== 'tag') return current;
      const match = /^object ([0-9a-f]{40})$/m.exec(object.content.toString('utf8'));
      if (!match?.[1]) return current;
      current = match[1];
    }
    return current;
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    const queue = [descendant];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const sha = queue.shift()!;
      if (sha === ancestor) return true;
      if (seen.has(sha) || !this.has(sha, 'commit')) continue;
      seen.add(sha);
      queue.push(...this.readCommit(sha).parents);
    }
    return false;
  }

  fileAt(commit: string, filePath: string): { mode: string; sha: string; content: Buffer } | undefined {
    const found = this.flatten(this.readCommit(commit).tree).get(filePath);
    const blob = found && this.get(found.sha);
    return found && blob ? { ...found, content: blob.content } : undefined;
  }
}

interface PullRecord {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  headSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
}

export interface WritableRepoOptions {
  owner: string;
  name: string;
  /** Import objects, branches, tags and the default branch from a real (usually bare) git repository. */
  importFrom?: string;
  /**
   * Export to this real (bare) repository after every successful write, before answering: the stand-in then acts as
   * `origin` for a clone's `git fetch` too (the demo, and flows that fetch what they wrote).
   */
  mirrorTo?: string;
}

/** One writable repository: its object store, refs, pull requests; the stand-in's read routes see its branches, tags and releases through the seed. */
export class WritableRepo {
  readonly store = new GitObjectStore();
  readonly refs = new Map<string, string>();
  readonly pulls: PullRecord[] = [];

  constructor(
    readonly owner: string,
    readonly seed: StandinRepo,
    readonly mirrorTo?: string,
  ) {}

  get fullName(): string {
    return `${this.owner}/${this.seed.name}`;
  }

  get defaultBranch(): string {
    return this.seed.defaultBranch ?? 'main';
  }

  branchSha(branch: string): string | undefined {
    return this.refs.get(`refs/heads/${branch}`);
  }

  /** A commit SHA from a SHA, a branch, or a tag. */
  resolve(revision: string): string | undefined {
    if (/^[0-9a-f]{40}$/.test(revision) && this.store.has(revision, 'commit')) return revision;
    const ref =
      this.refs.get(`refs/heads/${revision}`) ?? this.refs.get(`refs/tags/${revision}`) ?? this.refs.get(revision);
    return ref ? this.store.peel(ref) : undefined;
  }

  setRef(name: string, sha: string | undefined): void {
    if (sha === undefined) this.refs.delete(name);
    else this.refs.set(name, sha);
    this.syncSeed();
  }

  /** Keeps the read routes (branches, tags) of server.ts in step with the refs. */
  syncSeed(): void {
    const protectedBranches = new Set(
      (this.seed.branches ?? []).filter((branch) => branch.protected).map((branch) => branch.name),
    );
    const heads = [...this.refs]
      .filter(([name]) => name.startsWith('refs/heads/'))
      .map(([name, sha]) => ({ name: name.slice(11), sha, protected: protectedBranches.has(name.slice(11)) }));
    this.seed.branches = heads.sort((a, b) => a.name.localeCompare(b.name));
    const tags = [...this.refs]
      .filter(([name]) => name.startsWith('refs/tags/'))
      .map(([name, sha]) => ({ name: name.slice(10), sha: this.store.peel(sha) }));
    this.seed.tags = tags.sort((a, b) => b.name.localeCompare(a.name, 'en', { numeric: true }));
  }

  /** Objects and refs from a real git repository (`git cat-file --batch-all-objects`), SHAs unchanged. */
  importGitRepository(directory: string): void {
    const output = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], {
      cwd: directory,
      maxBuffer: 512 * 1024 * 1024,
      env: gitEnvironment(),
    });
    let offset = 0;
    while (offset < output.length) {
      const newline = output.indexOf(0x0a, offset);
      if (newline < 0) break;
      const [sha = '', type = '', size = '0'] = output.subarray(offset, newline).toString('utf8').split(' ');
      const content = output.subarray(newline + 1, newline + 1 + Number(size));
      const stored = this.store.put(type as ObjectType, Buffer.from(content));
      if (stored !== sha) throw new Error(`object id mismatch while importing ${sha}`);
      offset = newline + 1 + Number(size) + 1;
    }
    const refs = execFileSync('git', ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags'], {
      cwd: directory,
      encoding: 'utf8',
      env: gitEnvironment(),
    });
    for (const line of refs.split('\n')) {
      const [sha, name] = line.split(' ');
      if (sha && name) this.refs.set(name, sha);
    }
    const head = execFileSync('git', ['symbolic-ref', '-q', 'HEAD'], {
      cwd: directory,
      encoding: 'utf8',
      env: gitEnvironment(),
    }).trim();
    if (head.startsWith('refs/heads/')) this.seed.defaultBranch = head.slice(11);
    this.syncSeed();
  }

  /**
   * Writes every object and ref into a real (bare) git repository — the stand-in as origin — so a clone can
   * `git fetch` what the write endpoints created. Refs missing here are deleted there.
   */
  exportTo(directory: string): void {
    const existing = new Set(
      execFileSync('git', ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], {
        cwd: directory,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: gitEnvironment(),
      }).split('\n'),
    );
    for (const [sha, object] of this.store.entries()) {
      if (existing.has(sha)) continue;
      const written = execFileSync('git', ['hash-object', '-w', '--literally', '-t', object.type, '--stdin'], {
        cwd: directory,
        input: object.content,
        encoding: 'utf8',
        env: gitEnvironment(),
      }).trim();
      if (written !== sha) throw new Error(`object id mismatch while exporting ${sha}`);
    }
    const theirs = execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/tags'], {
      cwd: directory,
      encoding: 'utf8',
      env: gitEnvironment(),
    })
      .split('\n')
      .filter(Boolean);
    for (const name of theirs)
      if (!this.refs.has(name))
        execFileSync('git', ['update-ref', '-d', name], { cwd: directory, env: gitEnvironment() });
    for (const [name, sha] of this.refs)
      execFileSync('git', ['update-ref', name, sha], { cwd: directory, env: gitEnvironment() });
  }

  /** What "Merge pull request" does: a merge commit of base and head with the head's tree (tests only need clean merges). */
  mergePull(number: number, epochSeconds = Math.floor(Date.now() / 1000)): string {
    const pull = this.pulls.find((candidate) => candidate.number === number);
    if (!pull || pull.state !== 'open') throw new Error(`no open pull request #${number}`);
    const base = this.branchSha(pull.base);
    const head = this.branchSha(pull.head);
    if (!base || !head) throw new Error(`pull request #${number} lost a branch`);
    const tree = this.store.readCommit(head).tree;
    const merge = this.store.writeCommit(
      tree,
      [base, head],
      `Merge pull request #${number} from ${this.owner}/${pull.head}\n\n${pull.title}`,
      'GitHub <noreply@github.com>',
      epochSeconds,
    );
    this.setRef(`refs/heads/${pull.base}`, merge);
    pull.state = 'closed';
    pull.merged = true;
    const seeded = this.seed.pulls?.find((candidate) => candidate.number === number);
    if (seeded) seeded.state = 'closed';
    return merge;
  }
}

function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
  for (const name of [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  ])
    delete env[name];
  return env;
}

export interface WriteEndpointOptions {
  /** OAuth scopes the stand-in reports (`x-oauth-scopes`) per token; a token not listed has `repo`. */
  scopes?: Record<string, string[]>;
  /** Login that authors pull requests and releases. */
  login?: string;
  /** Clock for commit and release dates (tests pass a fixed one). */
  now?: () => number;
}

/** The stand-in's write side; create with `installWriteEndpoints(standin)`. */
export class WriteEndpoints {
  private readonly repos = new Map<string, WritableRepo>();
  private readonly now: () => number;

  constructor(
    private readonly standin: GitHubStandin,
    private readonly options: WriteEndpointOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Makes an existing stand-in repository writable (importing a real repository's objects when asked). */
  writable(options: WritableRepoOptions): WritableRepo {
    const seed = this.standin.repo(options.owner, options.name);
    const repo = new WritableRepo(options.owner, seed, options.mirrorTo);
    if (options.importFrom) repo.importGitRepository(options.importFrom);
    this.repos.set(`${options.owner}/${options.name}`.toLowerCase(), repo);
    return repo;
  }

  get(owner: string, name: string): WritableRepo {
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw new Error(`${owner}/${name} is not writable in the stand-in`);
    return repo;
  }

  route(request: StandinRouteRequest): Reply | undefined {
    const segments = request.path.split('/').slice(1).map(decodeURIComponent);
    if (segments[0] !== 'repos' || segments.length < 3) return undefined;
    const repo = this.repos.get(`${segments[1]}/${segments[2]}`.toLowerCase());
    if (!repo) return undefined;
    const rest = segments.slice(3);
    const scopes = request.token === undefined ? undefined : (this.options.scopes?.[request.token] ?? ['repo']);
    const canWrite =
      scopes !== undefined && (scopes.includes('repo') || (!repo.seed.private && scopes.includes('public_repo')));
    const reply = this.dispatch(repo, request, rest, canWrite);
    if (!reply) return undefined;
    if (repo.mirrorTo !== undefined && request.method !== 'GET' && reply.status < 400) repo.exportTo(repo.mirrorTo);
    if (scopes !== undefined)
      reply.headers = { ...reply.headers, 'x-oauth-scopes': scopes.join(', '), 'x-accepted-oauth-scopes': 'repo' };
    return reply;
  }

  private dispatch(
    repo: WritableRepo,
    request: StandinRouteRequest,
    rest: string[],
    canWrite: boolean,
  ): Reply | undefined {
    const { method } = request;
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      unknown
    >;
    if (repo.seed.private && request.token === undefined) return NOT_FOUND;
    if (method !== 'GET') {
      if (request.token === undefined) return failure(401, 'Requires authentication');
      // GitHub answers 404 to a token that may not write, so as not to confirm that a private repository exists.
      if (!canWrite)
        return repo.seed.private ? NOT_FOUND : failure(403, 'Resource not accessible by personal access token');
    }
    const [resource, ...tail] = rest;
    if (resource === undefined && method === 'GET')
      return { status: 200, body: this.repoJson(repo, request.token !== undefined, canWrite) };
    if (resource === 'git') return this.git(repo, method, tail, body, request.query);
    if (resource === 'contents' && tail.length > 0)
      return this.contents(repo, method, tail.join('/'), body, request.query);
    if (resource === 'pulls' && tail.length === 0)
      return method === 'GET'
        ? this.listPulls(repo, request.query)
        : method === 'POST'
          ? this.createPull(repo, body)
          : undefined;
    if (resource === 'releases' && tail.length === 0 && method === 'POST') return this.createRelease(repo, body);
    return undefined;
  }

  private repoJson(repo: WritableRepo, authenticated: boolean, canWrite: boolean): unknown {
    return {
      id: Number.parseInt(createHash('sha1').update(repo.fullName).digest('hex').slice(0, 8), 16),
      name: repo.seed.name,
      full_name: repo.fullName,
      owner: { login: repo.owner },
      private: repo.seed.private ?? false,
      archived: repo.seed.archived ?? false,
      html_url: `https://github.com/${repo.fullName}`,
      default_branch: repo.defaultBranch,
      ...(authenticated
        ? { permissions: { admin: false, maintain: false, push: canWrite, triage: canWrite, pull: true } }
        : {}),
    };
  }

  private refJson(repo: WritableRepo, name: string, sha: string): unknown {
    const type = repo.store.get(sha)?.type ?? 'commit';
    return {
      ref: name,
      node_id: `REF_${sha.slice(0, 12)}`,
      url: `${this.standin.apiUrl}/repos/${repo.fullName}/git/${name}`,
      object: { sha, type, url: `${this.standin.apiUrl}/repos/${repo.fullName}/git/${type}s/${sha}` },
    };
  }

  private commitJson(repo: WritableRepo, sha: string): unknown {
    const commit = repo.store.readCommit(sha);
    const person = (signature: string) => {
      const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(signature);
      return {
        name: match?.[1] ?? '',
        email: match?.[2] ?? '',
        date: new Date(Number(match?.[3] ?? 0) * 1000).toISOString(),
      };
    };
    return {
      sha,
      node_id: `C_${sha.slice(0, 12)}`,
      url: `${this.standin.apiUrl}/repos/${repo.fullName}/git/commits/${sha}`,
      html_url: `https://github.com/${repo.fullName}/commit/${sha}`,
      author: person(commit.author),
      committer: person(commit.committer),
      message: commit.message.replace(/\n$/, ''),
      tree: { sha: commit.tree, url: `${this.standin.apiUrl}/repos/${repo.fullName}/git/trees/${commit.tree}` },
      parents: commit.parents.map((parent) => ({
        sha: parent,
        url: `${this.standin.apiUrl}/repos/${repo.fullName}/git/commits/${parent}`,
        html_url: `https://github.com/${repo.fullName}/commit/${parent}`,
      })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
    };
  }

  private git(
    repo: WritableRepo,
    method: string,
    tail: string[],
    body: Record<string, unknown>,
    query: URLSearchParams,
  ): Reply | undefined {
    const [kind, ...more] = tail;
    const joined = more.join('/');
    if ((kind === 'ref' || kind === 'refs') && method === 'GET' && more.length > 0) {
      const name = `refs/${joined}`;
      const sha = repo.refs.get(name);
      if (sha) return { status: 200, body: this.refJson(repo, name, sha) };
      if (kind === 'ref') return NOT_FOUND;
      // The old list-style endpoint: a prefix answers with every ref under it.
      const matches = [...repo.refs].filter(([candidate]) => candidate.startsWith(`${name}/`));
      return matches.length > 0
        ? { status: 200, body: matches.map(([candidate, value]) => this.refJson(repo, candidate, value)) }
        : NOT_FOUND;
    }
    if (kind === 'matching-refs' && method === 'GET') {
      const prefix = `refs/${joined}`;
      return {
        status: 200,
        body: [...repo.refs]
          .filter(([candidate]) => candidate.startsWith(prefix))
          .map(([candidate, value]) => this.refJson(repo, candidate, value)),
      };
    }
    if (kind === 'refs' && method === 'POST' && more.length === 0) {
      const ref = typeof body.ref === 'string' ? body.ref : '';
      const sha = typeof body.sha === 'string' ? body.sha : '';
      if (!/^refs\/[^/]+\/.+/.test(ref))
        return failure(422, "Reference name must start with 'refs/' and have at least two slashes.");
      if (!repo.store.has(sha)) return failure(422, 'Object does not exist');
      if (repo.refs.has(ref)) return failure(422, 'Reference already exists');
      repo.setRef(ref, sha);
      return { status: 201, body: this.refJson(repo, ref, sha) };
    }
    if (kind === 'refs' && (method === 'PATCH' || method === 'DELETE') && more.length > 0) {
      const name = `refs/${joined}`;
      const current = repo.refs.get(name);
      if (!current) return failure(422, 'Reference does not exist');
      if (method === 'DELETE') {
        repo.setRef(name, undefined);
        for (const pull of repo.pulls)
          if (pull.state === 'open' && `refs/heads/${pull.head}` === name) pull.state = 'closed';
        return { status: 204 };
      }
      const sha = typeof body.sha === 'string' ? body.sha : '';
      if (!repo.store.has(sha)) return failure(422, 'Object does not exist');
      if (body.force !== true && !repo.store.isAncestor(current, sha))
        return failure(422, 'Update is not a fast forward');
      repo.setRef(name, sha);
      return { status: 200, body: this.refJson(repo, name, sha) };
    }
    if (kind === 'blobs' && method === 'POST' && more.length === 0) {
      if (typeof body.content !== 'string') return failure(422, 'Invalid request.\n\n"content" wasn\'t supplied.');
      const encoding = body.encoding === 'base64' ? 'base64' : 'utf8';
      const sha = repo.store.put('blob', Buffer.from(body.content, encoding));
      return { status: 201, body: { sha, url: `${this.standin.apiUrl}/repos/${repo.fullName}/git/blobs/${sha}` } };
    }
    if (kind === 'blobs' && method === 'GET' && more.length === 1) {
      const object = repo.store.get(joined);
      if (!object || object.type !== 'blob') return NOT_FOUND;
      return {
        status: 200,
        body: { sha: joined, size: object.content.length, encoding: 'base64', content: base64Lines(object.content) },
      };
    }
    if (kind === 'trees' && method === 'POST' && more.length === 0) return this.createTree(repo, body);
    if (kind === 'trees' && method === 'GET' && more.length === 1) {
      if (!repo.store.has(joined, 'tree')) return NOT_FOUND;
      return { status: 200, body: this.treeJson(repo, joined, query.get('recursive') !== null) };
    }
    if (kind === 'commits' && method === 'POST' && more.length === 0) {
      const tree = typeof body.tree === 'string' ? body.tree : '';
      const parents = Array.isArray(body.parents)
        ? body.parents.filter((parent): parent is string => typeof parent === 'string')
        : [];
      if (!repo.store.has(tree, 'tree')) return failure(422, 'Tree SHA does not exist');
      if (parents.some((parent) => !repo.store.has(parent, 'commit')))
        return failure(422, 'Parent SHA does not exist or is not a commit object');
      const message = typeof body.message === 'string' ? body.message : '';
      const sha = repo.store.writeCommit(
        tree,
        parents,
        message,
        `${this.options.login ?? 'kayron-bot'} <${this.options.login ?? 'kayron-bot'}@users.noreply.github.com>`,
        Math.floor(this.now() / 1000),
      );
      return { status: 201, body: this.commitJson(repo, sha) };
    }
    if (kind === 'commits' && method === 'GET' && more.length === 1) {
      if (!repo.store.has(joined, 'commit')) return NOT_FOUND;
      return { status: 200, body: this.commitJson(repo, joined) };
    }
    if (kind === 'tags' && method === 'GET' && more.length === 1) {
      const object = repo.store.get(joined);
      if (!object || object.type !== 'tag') return NOT_FOUND;
      return { status: 200, body: { sha: joined, object: { sha: repo.store.peel(joined), type: 'commit' } } };
    }
    return undefined;
  }

  private createTree(repo: WritableRepo, body: Record<string, unknown>): Reply {
    const base = typeof body.base_tree === 'string' ? body.base_tree : undefined;
    if (base !== undefined && !repo.store.has(base, 'tree')) return failure(422, 'base_tree is not a valid tree oid');
    const files = base ? repo.store.flatten(base) : new Map<string, { mode: string; sha: string }>();
    if (!Array.isArray(body.tree)) return failure(422, 'Invalid tree info');
    for (const raw of body.tree) {
      const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const itemPath = typeof item.path === 'string' ? item.path : '';
      const mode = typeof item.mode === 'string' ? item.mode : '100644';
      if (itemPath === '' || itemPath.startsWith('/') || itemPath.split('/').includes('..'))
        return failure(422, `Invalid tree info: path ${JSON.stringify(itemPath)}`);
      if (item.sha === null) {
        files.delete(itemPath);
        continue;
      }
      let sha: string;
      if (typeof item.content === 'string') sha = repo.store.put('blob', Buffer.from(item.content, 'utf8'));
      else if (typeof item.sha === 'string' && repo.store.has(item.sha, 'blob')) sha = item.sha;
      else return failure(422, `Invalid tree info: ${JSON.stringify(item.sha)} is not a blob`);
      files.set(itemPath, { mode, sha });
    }
    const sha = repo.store.buildTree(files);
    return { status: 201, body: this.treeJson(repo, sha, false) };
  }

  private treeJson(repo: WritableRepo, sha: string, recursive: boolean): unknown {
    const entries = recursive
      ? [...repo.store.flatten(sha)].map(([itemPath, value]) => ({
          path: itemPath,
          mode: value.mode,
          type: 'blob',
          sha: value.sha,
          size: repo.store.get(value.sha)?.content.length,
        }))
      : repo.store.readTree(sha).map((item) => ({
          path: item.name,
          mode: item.mode,
          type: item.mode === '40000' ? 'tree' : 'blob',
          sha: item.sha,
        }));
    return {
      sha,
      url: `${this.standin.apiUrl}/repos/${repo.fullName}/git/trees/${sha}`,
      tree: entries,
      truncated: false,
    };
  }

  private contents(
    repo: WritableRepo,
    method: string,
    filePath: string,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ): Reply | undefined {
    if (method === 'GET') {
      const commit = repo.resolve(query.get('ref') ?? repo.defaultBranch);
      if (!commit) return failure(404, `No commit found for the ref ${query.get('ref') ?? ''}`);
      const files = repo.store.flatten(repo.store.readCommit(commit).tree);
      const file = files.get(filePath);
      if (file) {
        const content = repo.store.get(file.sha)?.content ?? Buffer.alloc(0);
        return {
          status: 200,
          body: {
            type: 'file',
            encoding: 'base64',
            size: content.length,
            name: filePath.split('/').pop(),
            path: filePath,
            content: base64Lines(content),
            sha: file.sha,
            html_url: `https://github.com/${repo.fullName}/blob/${commit}/${filePath}`,
          },
        };
      }
      const listing = [...files.keys()].filter((candidate) => candidate.startsWith(`${filePath}/`));
      if (listing.length === 0) return NOT_FOUND;
      const names = [...new Set(listing.map((candidate) => candidate.slice(filePath.length + 1).split('/')[0] ?? ''))];
      return {
        status: 200,
        body: names.map((name) => ({
          type: files.has(`${filePath}/${name}`) ? 'file' : 'dir',
          name,
          path: `${filePath}/${name}`,
        })),
      };
    }
    if (method === 'PUT') {
      const branch = typeof body.branch === 'string' ? body.branch : repo.defaultBranch;
      const head = repo.branchSha(branch);
      if (!head) return failure(422, `Branch ${branch} not found`);
      if (typeof body.content !== 'string' || typeof body.message !== 'string')
        return failure(422, 'Invalid request.\n\n"content" and "message" are required.');
      const files = repo.store.flatten(repo.store.readCommit(head).tree);
      const current = files.get(filePath);
      if (current && typeof body.sha !== 'string') return failure(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
      if (current && body.sha !== current.sha) return failure(409, `${filePath} does not match ${String(body.sha)}`);
      if (!current && typeof body.sha === 'string') return failure(409, `${filePath} does not match ${body.sha}`);
      const blob = repo.store.put('blob', Buffer.from(body.content, 'base64'));
      files.set(filePath, { mode: current?.mode ?? '100644', sha: blob });
      const commit = repo.store.writeCommit(
        repo.store.buildTree(files),
        [head],
        body.message,
        `${this.options.login ?? 'kayron-bot'} <${this.options.login ?? 'kayron-bot'}@users.noreply.github.com>`,
        Math.floor(this.now() / 1000),
      );
      repo.setRef(`refs/heads/${branch}`, commit);
      return {
        status: current ? 200 : 201,
        body: {
          content: { name: filePath.split('/').pop(), path: filePath, sha: blob },
          commit: this.commitJson(repo, commit),
        },
      };
    }
    return undefined;
  }

  private pullJson(repo: WritableRepo, pull: PullRecord): unknown {
    return {
      number: pull.number,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      merged: pull.merged,
      draft: pull.draft,
      html_url: `https://github.com/${repo.fullName}/pull/${pull.number}`,
      user: { login: this.options.login ?? 'kayron-bot' },
      head: {
        ref: pull.head,
        sha: repo.branchSha(pull.head) ?? pull.headSha,
        repo: { full_name: repo.fullName },
        label: `${repo.owner}:${pull.head}`,
      },
      base: { ref: pull.base, sha: repo.branchSha(pull.base) ?? '', repo: { full_name: repo.fullName } },
    };
  }

  private listPulls(repo: WritableRepo, query: URLSearchParams): Reply {
    const state = query.get('state') ?? 'open';
    const head = query.get('head');
    const base = query.get('base');
    const pulls = repo.pulls.filter(
      (pull) =>
        (state === 'all' || pull.state === state) &&
        (head === null || `${repo.owner}:${pull.head}`.toLowerCase() === head.toLowerCase()) &&
        (base === null || pull.base === base),
    );
    return { status: 200, body: pulls.map((pull) => this.pullJson(repo, pull)) };
  }

  private createPull(repo: WritableRepo, body: Record<string, unknown>): Reply {
    const title = typeof body.title === 'string' ? body.title : '';
    const head = (typeof body.head === 'string' ? body.head : '').replace(new RegExp(`^${repo.owner}:`, 'i'), '');
    const base = typeof body.base === 'string' ? body.base : '';
    const headSha = repo.branchSha(head);
    const baseSha = repo.branchSha(base);
    if (title === '')
      return failure(422, 'Validation Failed', {
        errors: [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }],
      });
    if (!headSha)
      return failure(422, 'Validation Failed', {
        errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
      });
    if (!baseSha)
      return failure(422, 'Validation Failed', {
        errors: [{ resource: 'PullRequest', field: 'base', code: 'invalid' }],
      });
    if (repo.pulls.some((pull) => pull.state === 'open' && pull.head === head && pull.base === base)) {
      return failure(422, 'Validation Failed', {
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${repo.owner}:${head}.`,
          },
        ],
      });
    }
    if (headSha === baseSha || repo.store.isAncestor(headSha, baseSha)) {
      return failure(422, 'Validation Failed', {
        errors: [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }],
      });
    }
    const number =
      Math.max(0, ...repo.pulls.map((pull) => pull.number), ...(repo.seed.pulls ?? []).map((pull) => pull.number)) + 1;
    const record: PullRecord = {
      number,
      title,
      body: typeof body.body === 'string' ? body.body : '',
      head,
      base,
      headSha,
      state: 'open',
      merged: false,
      draft: body.draft === true,
    };
    repo.pulls.push(record);
    (repo.seed.pulls ??= []).push({
      number,
      title,
      headRef: head,
      state: 'open',
      author: this.options.login ?? 'kayron-bot',
      draft: record.draft,
    });
    return { status: 201, body: this.pullJson(repo, record) };
  }

  private createRelease(repo: WritableRepo, body: Record<string, unknown>): Reply {
    const tag = typeof body.tag_name === 'string' ? body.tag_name : '';
    if (tag === '')
      return failure(422, 'Validation Failed', {
        errors: [{ resource: 'Release', field: 'tag_name', code: 'missing_field' }],
      });
    if ((repo.seed.releases ?? []).some((release) => release.tagName === tag)) {
      return failure(422, 'Validation Failed', {
        errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
      });
    }
    const tagRef = `refs/tags/${tag}`;
    // As on GitHub, an existing tag is used as it is and target_commitish is ignored.
    if (!repo.refs.has(tagRef)) {
      const target = repo.resolve(
        typeof body.target_commitish === 'string' && body.target_commitish !== ''
          ? body.target_commitish
          : repo.defaultBranch,
      );
      if (!target)
        return failure(422, 'Validation Failed', {
          errors: [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }],
        });
      repo.setRef(tagRef, target);
    }
    const publishedAt = new Date(this.now()).toISOString();
    const release = {
      tagName: tag,
      name: typeof body.name === 'string' && body.name !== '' ? body.name : tag,
      body: typeof body.body === 'string' ? body.body : '',
      publishedAt,
      author: this.options.login ?? 'kayron-bot',
      draft: body.draft === true,
      prerelease: body.prerelease === true,
    };
    (repo.seed.releases ??= []).push(release);
    if (body.make_latest !== 'false' && !release.draft && !release.prerelease && repo.seed.latestRelease !== undefined)
      repo.seed.latestRelease = tag;
    return {
      status: 201,
      body: {
        id: 5000 + repo.seed.releases.length,
        tag_name: tag,
        name: release.name,
        body: release.body,
        draft: release.draft,
        prerelease: release.prerelease,
        created_at: publishedAt,
        published_at: release.draft ? null : publishedAt,
        target_commitish: typeof body.target_commitish === 'string' ? body.target_commitish : repo.defaultBranch,
        html_url: `https://github.com/${repo.fullName}/releases/tag/${tag}`,
        author: { login: release.author },
      },
    };
  }
}

/** GitHub's contents encoding: base64 in lines of 60 characters. */
function base64Lines(content: Buffer): string {
  const text = content.toString('base64');
  const lines: string[] = [];
  for (let offset = 0; offset < text.length; offset += 60) lines.push(text.slice(offset, offset + 60));
  return `${lines.join('\n')}\n`;
}

/** Adds the write endpoints to a running stand-in and returns them (make repositories writable with `writable()`). */
export function installWriteEndpoints(standin: GitHubStandin, options: WriteEndpointOptions = {}): WriteEndpoints {
  const endpoints = new WriteEndpoints(standin, options);
  standin.addRoute((request) => endpoints.route(request));
  return endpoints;
}
