/**
 * Real git repositories in temp folders for environment tests: commits with fixed dates, branches, tags, a bare
 * "origin" with a clone, detached HEAD, no remote, shallow clones, and a fast-import generator for large histories.
 * Git runs with a private configuration so the user's settings (default branch, signing, hooks) cannot leak in.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Commits made without an explicit date get this one plus one minute per commit, so order and dates are stable. */
export const BASE_DATE = Date.parse('2025-10-01T00:00:00Z');

const REPOSITORY_OVERRIDES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_COMMON_DIR',
];

function fixtureEnvironment(date: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Fixture Author',
    GIT_AUTHOR_EMAIL: 'author@example.invalid',
    GIT_COMMITTER_NAME: 'Fixture Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.invalid',
    GIT_AUTHOR_DATE: `${Math.floor(date / 1000)} +0000`,
    GIT_COMMITTER_DATE: `${Math.floor(date / 1000)} +0000`,
  };
  for (const name of REPOSITORY_OVERRIDES) delete env[name];
  return env;
}

const CONFIG = [
  '-c',
  'init.defaultBranch=main',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'tag.gpgsign=false',
  '-c',
  'core.autocrlf=false',
  '-c',
  'protocol.file.allow=always',
];

/** Runs git synchronously (tests only) with the fixture configuration; returns trimmed stdout. */
export function git(
  cwd: string,
  args: readonly string[],
  options: { date?: number; input?: string | Buffer } = {},
): string {
  return execFileSync('git', [...CONFIG, ...args], {
    cwd,
    env: fixtureEnvironment(options.date ?? BASE_DATE),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
    ...(options.input !== undefined ? { input: options.input } : {}),
  }).trim();
}

/** Temp folders made by one test file; `dispose()` removes them all (call it from `after`). */
export class FixtureScope {
  private readonly folders: string[] = [];

  tempDir(label = 'repo'): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), `kayron-env-${label}-`));
    this.folders.push(dir);
    return dir;
  }

  dispose(): void {
    for (const dir of this.folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  /** A new repository with `main` checked out and no commits. */
  init(label = 'repo'): GitFixture {
    const dir = this.tempDir(label);
    git(dir, ['init', '-q']);
    git(dir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
    return new GitFixture(dir);
  }

  /** A bare repository whose HEAD names `main` (what GitHub reports as the default branch). */
  initBare(label = 'origin'): string {
    const dir = this.tempDir(label);
    git(dir, ['init', '-q', '--bare']);
    git(dir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
    return dir;
  }

  /** `git clone` of a bare repository: sets up origin/HEAD, origin/<branches> and a local main. */
  clone(originDir: string, label = 'clone', options: { shallow?: boolean; branch?: string } = {}): GitFixture {
    const dir = path.join(this.tempDir(label), 'work');
    const source = options.shallow ? `file://${originDir.split(path.sep).join('/')}` : originDir;
    git(path.dirname(dir), [
      'clone',
      '-q',
      ...(options.shallow ? ['--depth', '1'] : []),
      ...(options.branch ? ['--branch', options.branch] : []),
      source,
      dir,
    ]);
    return new GitFixture(dir);
  }

  /** A working repository pushed to a new bare origin, then cloned: returns the origin path and the clone. */
  publish(
    work: GitFixture,
    refs: readonly string[] = ['--all'],
    label = 'clone',
  ): { origin: string; clone: GitFixture } {
    const origin = this.initBare();
    work.git(['push', '-q', origin, ...refs]);
    if (!refs.includes('--tags')) work.git(['push', '-q', origin, '--tags']);
    return { origin, clone: this.clone(origin, label) };
  }
}

export class GitFixture {
  private commitCount = 0;

  constructor(readonly dir: string) {}

  git(args: readonly string[], options: { date?: number; input?: string } = {}): string {
    return git(this.dir, args, options);
  }

  /** Writes (string) or deletes (null) files relative to the repository root. */
  write(files: Record<string, string | null>): this {
    for (const [relativePath, content] of Object.entries(files)) {
      const absolutePath = path.join(this.dir, ...relativePath.split('/'));
      if (content === null) {
        rmSync(absolutePath, { recursive: true, force: true });
      } else {
        mkdirSync(path.dirname(absolutePath), { recursive: true });
        writeFileSync(absolutePath, content);
      }
    }
    return this;
  }

  symlink(relativePath: string, target: string): this {
    const absolutePath = path.join(this.dir, ...relativePath.split('/'));
    mkdirSync(path.dirname(absolutePath), { recursive: true });
    symlinkSync(target, absolutePath);
    return this;
  }

  /** Stages everything and commits; returns the commit SHA. Dates default to BASE_DATE + one minute per commit. */
  commit(message: string, files: Record<string, string | null> = {}, date?: number): string {
    this.write(files);
    this.commitCount++;
    const when = date ?? BASE_DATE + this.commitCount * 60_000;
    this.git(['add', '-A']);
    this.git(['commit', '-q', '--allow-empty', '-m', message], { date: when });
    return this.head();
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']);
  }

  revParse(revision: string): string {
    return this.git(['rev-parse', `${revision}^{commit}`]);
  }

  /** Creates and checks out a branch (from `startPoint` when given). */
  checkoutNew(branch: string, startPoint?: string): this {
    this.git(['checkout', '-q', '-b', branch, ...(startPoint ? [startPoint] : [])]);
    return this;
  }

  checkout(ref: string): this {
    this.git(['checkout', '-q', ref]);
    return this;
  }

  /** Detaches HEAD at `ref` (default: the current commit). */
  detach(ref = 'HEAD'): this {
    this.git(['checkout', '-q', '--detach', ref]);
    return this;
  }

  branch(name: string, startPoint = 'HEAD'): this {
    this.git(['branch', '-f', name, startPoint]);
    return this;
  }

  /** Lightweight tag, or annotated with `message`. */
  tag(name: string, target = 'HEAD', message?: string, date?: number): this {
    this.git(['tag', ...(message ? ['-a', '-m', message] : []), name, target], { date: date ?? BASE_DATE });
    return this;
  }
}

/** A release file with one service entry per `[docker, strategy]`; strategy `v…` = release, `branch:x`, `suspend`. */
export function serviceFile(
  services: readonly (readonly [string, string])[],
  options: { preview?: readonly string[] } = {},
): string {
  return services
    .map(([docker, strategy]) => {
      const deploy = strategy.startsWith('branch:')
        ? `branch: "${strategy.slice(7)}"`
        : strategy === 'suspend'
          ? 'suspend: true'
          : `release: "${strategy}"`;
      const preview = options.preview?.includes(docker) ? '\n    preview: true' : '';
      return `- docker: "${docker}"\n  github: "${docker}"\n  deploy:\n    ${deploy}${preview}\n`;
    })
    .join('\n');
}

export function infrastructureFile(release: string): string {
  return `- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "${release}"\n`;
}

export interface SyntheticRepoOptions {
  services?: number;
  /** Total commits: on main, plus `testingCommits` on the testing branch. */
  commits?: number;
  testingCommits?: number;
  /** A lightweight `v1.N.0` tag every this many main commits. */
  tagEvery?: number;
}

export interface SyntheticRepo {
  origin: string;
  clone: string;
  /** Expected deployment label per service key at each environment. */
  expected: { staging: Map<string, string>; testing: Map<string, string>; production: Map<string, string> };
  newestTag: string;
  buildMs: number;
}

function releaseFileFor(docker: string, strategy: string): string {
  return serviceFile([[docker, strategy]]);
}

/**
 * A releases repository with many services and a long history, written with one `git fast-import` stream into a
 * bare origin and then cloned: main gets release bumps (tagged every `tagEvery` commits), testing forks near the end
 * and moves some services to feature branches.
 */
export function buildSyntheticReleasesRepo(scope: FixtureScope, options: SyntheticRepoOptions = {}): SyntheticRepo {
  const started = performance.now();
  const serviceCount = options.services ?? 50;
  const total = options.commits ?? 1000;
  const testingCommits = Math.min(options.testingCommits ?? Math.max(1, Math.floor(total / 20)), total - 1);
  const mainCommits = total - testingCommits;
  const tagEvery = options.tagEvery ?? 50;
  const names = Array.from({ length: serviceCount }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
  const state = new Map<string, string>(names.map((name) => [name, 'v0.0.0']));
  let infrastructure = 'v0.1.0';
  const chunks: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let mark = 0;
  let time = Math.floor(BASE_DATE / 1000);
  const commitHeader = (ref: string, message: string) => {
    mark++;
    time += 60;
    return `commit ${ref}\nmark :${mark}\nauthor Fixture <f@example.invalid> ${time} +0000\ncommitter Fixture <f@example.invalid> ${time} +0000\n${data(message)}`;
  };
  const modify = (file: string, text: string) => `M 100644 inline ${file}\n${data(text)}`;

  let production = new Map<string, string>();
  let newestTag = '';
  let forkMark = 0;
  let forkState = new Map<string, string>();
  let forkInfrastructure = infrastructure;
  const versions = new Map<string, number>(names.map((name) => [name, 0]));

  chunks.push(commitHeader('refs/heads/main', 'initial releases'));
  chunks.push(modify('infrastructure/infrastructure.yaml', infrastructureFile(infrastructure)));
  for (const name of names) chunks.push(modify(`service/${name}.yaml`, releaseFileFor(name, state.get(name) ?? '')));
  for (let i = 1; i < mainCommits; i++) {
    const name = names[i % serviceCount] ?? 'svc-00';
    chunks.push(commitHeader('refs/heads/main', `bump ${name}`));
    if (i % 97 === 0) {
      infrastructure = `v0.1.${i}`;
      chunks.push(modify('infrastructure/infrastructure.yaml', infrastructureFile(infrastructure)));
    } else {
      const next = (versions.get(name) ?? 0) + 1;
      versions.set(name, next);
      state.set(name, `v0.${next}.0`);
      chunks.push(modify(`service/${name}.yaml`, releaseFileFor(name, state.get(name) ?? '')));
    }
    if (i % tagEvery === 0) {
      newestTag = `v1.${i / tagEvery}.0`;
      chunks.push(`reset refs/tags/${newestTag}\nfrom :${mark}\n`);
      production = new Map([...state, ['infrastructure', infrastructure]]);
    }
    if (i === mainCommits - 1 - Math.floor(testingCommits / 2)) {
      forkMark = mark;
      forkState = new Map(state);
      forkInfrastructure = infrastructure;
    }
  }
  const staging = new Map([...state, ['infrastructure', infrastructure]]);
  if (forkMark === 0) {
    forkMark = mark;
    forkState = new Map(state);
    forkInfrastructure = infrastructure;
  }
  chunks.push(`reset refs/heads/testing\nfrom :${forkMark}\n`);
  for (let i = 0; i < testingCommits; i++) {
    const name = names[(i * 7) % serviceCount] ?? 'svc-00';
    chunks.push(commitHeader('refs/heads/testing', `try ${name} on a branch`));
    forkState.set(name, `branch:feature/${name}-${i}`);
    chunks.push(modify(`service/${name}.yaml`, releaseFileFor(name, forkState.get(name) ?? '')));
  }
  const testing = new Map([...forkState, ['infrastructure', forkInfrastructure]]);
  chunks.push('done\n');

  const origin = scope.initBare('synthetic-origin');
  git(origin, ['fast-import', '--quiet', '--done'], { input: chunks.join('') });
  const clone = scope.clone(origin, 'synthetic');
  const label = (strategy: string) => (strategy.startsWith('branch:') ? `branch ${strategy.slice(7)}` : strategy);
  const labels = (map: Map<string, string>) => new Map([...map].map(([key, strategy]) => [key, label(strategy)]));
  return {
    origin,
    clone: clone.dir,
    expected: { staging: labels(staging), testing: labels(testing), production: labels(production) },
    newestTag,
    buildMs: performance.now() - started,
  };
}
