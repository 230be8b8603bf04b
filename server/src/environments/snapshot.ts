/**
 * What each environment deploys: the release files at the environment's commit, read with git (never a checkout) and
 * loaded with Kayron's rules at that ref (prefix-whitelisted folders, `.yaml` only, walk order), or for development the
 * working tree plus unsaved editor contents. Analyses are cached by path and blob id, and whole snapshots by commit,
 * so a refresh re-reads only what changed.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import {
  compareWalkOrder,
  deployStrategyOf,
  entryId,
  hasPreview,
  isInfrastructureEntry,
  serviceKeys,
  type DeployStrategy,
} from '../kayron/entry-model';
import { classifyPath, walkReleaseTree, WHITELIST } from '../kayron/loader';
import type { Problem, Range } from '../kayron/problem';
import { analysisOfUnread, MAX_RELEASE_FILE_BYTES, oversizedFileAnalysis } from '../features/lint-tree';
import { readRegularFile, releaseFileText } from '../kayron/regular-file';
import { analyzeReleaseFile, validateWorkspace, type FileAnalysis } from '../features/validate';
import type { DecodedEntry } from '../yaml/decode';
import type { GitRepository, TreeEntry } from './git';
import type { EnvironmentResolution, ResolvedEnvironment } from './resolve';

export interface ServiceDeployment {
  /** Identity across environments: `docker` for services, `github` for the infrastructure release. */
  key: string;
  kind: 'infrastructure' | 'service';
  docker: string;
  github: string;
  provider: string;
  strategy: DeployStrategy;
  preview: boolean;
  /** Release file (relative to the releases root) and the entry's `Labels.Block` index in it. */
  file: string;
  index: number;
  /** Offsets of the entry in that file's text at this environment's ref. */
  range: Range;
  /** 0-based line of the entry's `-`. */
  line: number;
  /** Kayron (or the operator) rejects this entry at this ref. */
  hasErrors: boolean;
}

export interface EnvironmentProblem {
  file: string;
  code: string;
  message: string;
}

export interface SnapshotFile {
  path: string;
  /** Blob id at the ref; undefined for working-tree files. */
  oid?: string;
}

export interface EnvironmentSnapshot {
  environment: ResolvedEnvironment;
  /** Files Kayron loads at this ref, in walk order. */
  files: SnapshotFile[];
  services: ServiceDeployment[];
  /** What `kayron lint` would print at this ref; undefined when it passes. */
  verdict?: EnvironmentProblem;
  /** Errors not tied to one service: undecodable files, the infrastructure count, no definitions. */
  problems: EnvironmentProblem[];
  /** The environment could not be read (unresolved ref or a git failure); `services` is empty. */
  error?: string;
}

export interface DevelopmentSource {
  /** Already analysed working-tree files in Kayron's walk order (e.g. from ReleaseWorkspace); skips reading the disk. */
  analyses?: readonly FileAnalysis[];
  /** Unsaved editor contents by path relative to the releases root; they replace the file on disk. */
  overrides?: ReadonlyMap<string, string>;
  /**
   * Analyses the caller already has of some of those contents (the workspace's incremental ones, same text): used as
   * they are, so a typing pause does not parse a large file again.
   */
  prepared?: ReadonlyMap<string, FileAnalysis>;
}

/** Analyses one release file's text; the server passes one that keeps large files off its event loop. */
export type TextAnalyzer = (relativePath: string, text: string) => Promise<FileAnalysis>;

const analyzeOnTheSpot: TextAnalyzer = (relativePath, text) => Promise.resolve(analyzeReleaseFile(relativePath, text));

export interface SnapshotOptions {
  development?: DevelopmentSource;
  cache?: SnapshotCache;
  analyze?: TextAnalyzer;
}

/** Problem codes about the repository as a whole, never pinned on the entry they happen to be anchored at. */
const REPOSITORY_LEVEL_CODES = new Set([
  'infrastructure-count',
  'no-release-definitions',
  'file-too-large',
  'not-a-regular-file',
  'unreadable-file',
]);

/** The services, verdict and repository-level problems of one set of release files. */
export interface ServiceListing {
  services: ServiceDeployment[];
  verdict?: EnvironmentProblem;
  problems: EnvironmentProblem[];
}

interface CommitSnapshot extends ServiceListing {
  files: SnapshotFile[];
}

/** Bounded caches shared across refreshes: per-file analyses by (path, blob) and per-commit results. */
export class SnapshotCache {
  private readonly analyses = new Map<string, FileAnalysis>();
  private readonly commits = new Map<string, CommitSnapshot>();

  constructor(
    private readonly maxAnalyses = 5_000,
    private readonly maxCommits = 64,
  ) {}

  getAnalysis(relativePath: string, oid: string): FileAnalysis | undefined {
    return touch(this.analyses, `${relativePath}\0${oid}`);
  }

  setAnalysis(relativePath: string, oid: string, analysis: FileAnalysis): void {
    store(this.analyses, `${relativePath}\0${oid}`, analysis, this.maxAnalyses);
  }

  getCommit(key: string): CommitSnapshot | undefined {
    return touch(this.commits, key);
  }

  setCommit(key: string, snapshot: CommitSnapshot): void {
    store(this.commits, key, snapshot, this.maxCommits);
  }

  clear(): void {
    this.analyses.clear();
    this.commits.clear();
  }
}

function touch<T>(map: Map<string, T>, key: string): T | undefined {
  const value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
    map.set(key, value);
  }
  return value;
}

function store<T>(map: Map<string, T>, key: string, value: T, limit: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > limit) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}

/** Parsing is synchronous; give the event loop a turn every few milliseconds so a big refresh never stalls the server. */
const TIME_SLICE_MS = 8;

class TimeSlicer {
  private sliceStart = performance.now();

  async maybeYield(): Promise<void> {
    if (performance.now() - this.sliceStart < TIME_SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}

/** The id git gives this content as a blob, so a clean working-tree file shares the analysis of the same blob at a ref. */
export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

function problemRef(file: string, problem: Problem): EnvironmentProblem {
  return { file, code: problem.code, message: problem.message };
}

/**
 * Service list, Kayron's verdict and repository-level problems from files in Kayron's walk order. Pure; the same code
 * serves refs and the working tree.
 */
export function servicesFromAnalyses(files: readonly FileAnalysis[]): ServiceListing {
  const loaded = files.filter((file) => file.fileClass.loadedByKayron);
  const validation = validateWorkspace(loaded);
  const services: ServiceDeployment[] = [];
  const problems: EnvironmentProblem[] = [];
  const keys = serviceKeys(
    loaded.map((file) => ({
      relativePath: file.relativePath,
      loadedByKayron: true,
      entries: file.decoded?.entries ?? [],
    })),
  );
  for (const file of loaded) {
    const fileProblems = (validation.problems.get(file.relativePath) ?? []).filter(
      (problem) => problem.severity === 'error',
    );
    const entries = file.decoded?.entries ?? [];
    const failed = file.decoded === undefined || file.decoded.failed;
    const inEntry = (problem: Problem, entry: DecodedEntry): boolean =>
      problem.range[0] >= entry.range[0] && problem.range[0] < Math.max(entry.range[1], entry.range[0] + 1);
    for (const problem of fileProblems) {
      const repositoryLevel =
        REPOSITORY_LEVEL_CODES.has(problem.code) || failed || !entries.some((entry) => inEntry(problem, entry));
      if (
        repositoryLevel &&
        !problems.some(
          (known) =>
            known.file === file.relativePath && known.code === problem.code && known.message === problem.message,
        )
      ) {
        problems.push(problemRef(file.relativePath, problem));
      }
    }
    for (const entry of entries) {
      const hasErrors =
        failed ||
        entry.typeError ||
        fileProblems.some((problem) => !REPOSITORY_LEVEL_CODES.has(problem.code) && inEntry(problem, entry));
      services.push({
        key: keys.get(entryId(file.relativePath, entry.index)) ?? `${file.relativePath}#${entry.index}`,
        kind: isInfrastructureEntry(entry) ? 'infrastructure' : 'service',
        docker: entry.docker?.value ?? '',
        github: entry.github?.value ?? '',
        provider: entry.provider?.value ?? '',
        strategy: deployStrategyOf(entry),
        preview: hasPreview(entry),
        file: file.relativePath,
        index: entry.index,
        range: entry.range,
        line: (file.decoded?.lineCounter.linePos(entry.range[0]).line ?? 1) - 1,
        hasErrors,
      });
    }
  }
  const verdict = validation.kayronVerdict
    ? problemRef(validation.kayronVerdict.relativePath, validation.kayronVerdict.problem)
    : undefined;
  return verdict ? { services, verdict, problems } : { services, problems };
}

/** Top-level directories Kayron's walk enters from `.` (the prefix quirk: `servicefoo/` counts). */
export function isWalkedTopLevelDirectory(name: string): boolean {
  return WHITELIST.some((entry) => name.startsWith(entry));
}

interface PlannedFile {
  path: string;
  oid: string | undefined;
  /** What to read: the entry's blob id, or for a symlink `<commit>:<target>` (followed like the working-tree walk does). */
  objectName: string | undefined;
  size: number | undefined;
  unreadable?: string;
}

/** Files Kayron loads at a commit, in walk order. */
function planFiles(
  repository: GitRepository,
  commit: string,
  entries: readonly TreeEntry[],
  links: ReadonlyMap<string, string>,
): PlannedFile[] {
  const planned: PlannedFile[] = [];
  for (const entry of entries) {
    if (entry.type !== 'blob' || !classifyPath(entry.path).loadedByKayron) continue;
    if (entry.mode !== '120000') {
      planned.push({ path: entry.path, oid: entry.oid, objectName: entry.oid, size: entry.size });
      continue;
    }
    const target = links.get(entry.oid);
    const resolved =
      target === undefined || path.posix.isAbsolute(target)
        ? undefined
        : path.posix.normalize(path.posix.join(path.posix.dirname(entry.path), target));
    if (resolved && resolved !== '..' && !resolved.startsWith('../')) {
      planned.push({
        path: entry.path,
        oid: entry.oid,
        objectName: repository.objectNameAt(commit, resolved),
        size: undefined,
      });
    } else {
      planned.push({
        path: entry.path,
        oid: entry.oid,
        objectName: undefined,
        size: undefined,
        unreadable: `it is a symbolic link to ${target ?? '?'}, outside the releases root`,
      });
    }
  }
  return planned.sort((a, b) => compareWalkOrder(a.path, b.path));
}

function unreadableAnalysis(relativePath: string, reason: string): FileAnalysis {
  const analysis = analyzeReleaseFile(relativePath, '');
  const problem: Problem = {
    code: 'unreadable-file',
    severity: 'error',
    kayronCheck: false,
    message: `Kayron cannot read this file: ${reason}.`,
    range: [0, 0],
  };
  return { ...analysis, decoded: undefined, kayronProblems: [], extraProblems: [problem] };
}

/** Reads and analyses the release files at several commits with one `cat-file --batch` call for all new blobs. */
async function snapshotCommits(
  repository: GitRepository,
  commits: readonly string[],
  cache: SnapshotCache,
  analyze: TextAnalyzer,
): Promise<Map<string, CommitSnapshot | Error>> {
  const results = new Map<string, CommitSnapshot | Error>();
  const pending: { commit: string; entries: TreeEntry[] }[] = [];
  await Promise.all(
    commits.map(async (commit) => {
      const cached = cache.getCommit(`${repository.prefix}\0${commit}`);
      if (cached) {
        results.set(commit, cached);
        return;
      }
      try {
        pending.push({ commit, entries: await repository.listTree(commit, isWalkedTopLevelDirectory) });
      } catch (error) {
        results.set(commit, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  if (pending.length === 0) return results;

  // Symlink targets are paths stored as blobs; read them first (rare, usually none).
  const linkOids = pending.flatMap(({ entries }) =>
    entries
      .filter((entry) => entry.mode === '120000' && classifyPath(entry.path).loadedByKayron)
      .map((entry) => entry.oid),
  );
  const links = new Map<string, string>();
  if (linkOids.length > 0)
    for (const [oid, blob] of await repository.readBlobs(linkOids)) links.set(oid, blob.content.toString('utf8'));

  const plans = pending.map(({ commit, entries }) => ({
    commit,
    files: planFiles(repository, commit, entries, links),
  }));
  // A link's target has no size in ls-tree: ask for it, so that a link to a huge blob is never read whole.
  const unsized = plans.flatMap(({ files }) =>
    files
      .filter((file) => file.objectName !== undefined && file.size === undefined)
      .map((file) => file.objectName as string),
  );
  if (unsized.length > 0) {
    const sizes = await repository.blobSizes(unsized);
    for (const { files } of plans)
      for (const file of files)
        if (file.objectName !== undefined && file.size === undefined) file.size = sizes.get(file.objectName);
  }
  const wanted = new Map<string, number>();
  for (const { files } of plans) {
    for (const file of files) {
      if (
        !file.objectName ||
        (file.size ?? 0) > MAX_RELEASE_FILE_BYTES ||
        cache.getAnalysis(file.path, file.objectName)
      )
        continue;
      wanted.set(file.objectName, file.size ?? 0);
    }
  }
  let expectedBytes = 0;
  for (const size of wanted.values()) expectedBytes += size;
  const blobs = await repository.readBlobs([...wanted.keys()], expectedBytes);

  const slicer = new TimeSlicer();
  for (const { commit, files } of plans) {
    const analyses: FileAnalysis[] = [];
    for (const file of files) {
      await slicer.maybeYield();
      if (!file.objectName) {
        analyses.push(unreadableAnalysis(file.path, file.unreadable ?? 'no content'));
        continue;
      }
      // Cached by path and object name: a blob id is immutable, and `<commit>:<target>` is too.
      let analysis = cache.getAnalysis(file.path, file.objectName);
      if (!analysis) {
        const blob = blobs.get(file.objectName);
        const size = file.size ?? blob?.content.length ?? 0;
        if (size > MAX_RELEASE_FILE_BYTES) analysis = oversizedFileAnalysis(analyzeReleaseFile(file.path, ''), size);
        else if (blob) analysis = await analyze(file.path, releaseFileText(blob.content));
        else
          analysis = unreadableAnalysis(
            file.path,
            file.oid === file.objectName
              ? 'the blob is missing from the repository'
              : 'its symbolic link target does not exist at this ref',
          );
        cache.setAnalysis(file.path, file.objectName, analysis);
      }
      analyses.push(analysis);
    }
    const snapshot: CommitSnapshot = {
      files: files.map((file) => (file.oid ? { path: file.path, oid: file.oid } : { path: file.path })),
      ...servicesFromAnalyses(analyses),
    };
    cache.setCommit(`${repository.prefix}\0${commit}`, snapshot);
    results.set(commit, snapshot);
  }
  return results;
}

/**
 * The working tree as Kayron would load it from the releases root, with unsaved editor contents in place of disk.
 * With a cache, files whose content equals a blob already analysed (the usual case: a clean checkout) are not re-parsed.
 */
export async function analyzeWorkingTree(
  root: string,
  overrides: ReadonlyMap<string, string> = new Map(),
  cache?: SnapshotCache,
  analyze: TextAnalyzer = analyzeOnTheSpot,
  prepared: ReadonlyMap<string, FileAnalysis> = new Map(),
): Promise<FileAnalysis[]> {
  const walked = await walkReleaseTree(root);
  const paths = new Set(walked.map((file) => file.relativePath));
  for (const relativePath of overrides.keys()) if (classifyPath(relativePath).loadedByKayron) paths.add(relativePath);
  const ordered = [...paths].sort(compareWalkOrder);
  const contents = await Promise.all(
    ordered.map(async (relativePath): Promise<Buffer | FileAnalysis> => {
      const ready = prepared.get(relativePath);
      if (ready !== undefined) return ready;
      const override = overrides.get(relativePath);
      if (override !== undefined) return Buffer.from(override, 'utf8');
      const read = await readRegularFile(path.join(root, ...relativePath.split('/')), {
        maxBytes: MAX_RELEASE_FILE_BYTES,
      });
      return read.kind === 'read' ? read.bytes : analysisOfUnread(relativePath, read);
    }),
  );
  const slicer = new TimeSlicer();
  const analyses: FileAnalysis[] = [];
  for (const [i, relativePath] of ordered.entries()) {
    const content = contents[i];
    if (content === undefined) continue;
    if (!Buffer.isBuffer(content)) {
      analyses.push(content);
      continue;
    }
    await slicer.maybeYield();
    const oid = cache ? gitBlobId(content) : undefined;
    let analysis = oid ? cache?.getAnalysis(relativePath, oid) : undefined;
    if (!analysis) {
      analysis = await analyze(relativePath, releaseFileText(content));
      if (oid) cache?.setAnalysis(relativePath, oid, analysis);
    }
    analyses.push(analysis);
  }
  return analyses;
}

function unavailableSnapshot(environment: ResolvedEnvironment, error: string): EnvironmentSnapshot {
  return { environment, files: [], services: [], problems: [], error };
}

/** Snapshots every resolved environment: git for refs (one batched blob read), the filesystem for development. */
export async function snapshotEnvironments(
  repository: GitRepository,
  resolution: EnvironmentResolution,
  options: SnapshotOptions = {},
): Promise<EnvironmentSnapshot[]> {
  const cache = options.cache ?? new SnapshotCache();
  const commits = [
    ...new Set(
      resolution.environments
        .filter((environment) => !environment.workingTree && environment.commit)
        .map((environment) => environment.commit as string),
    ),
  ];
  const analyze = options.analyze ?? analyzeOnTheSpot;
  const byCommit = await snapshotCommits(repository, commits, cache, analyze);
  // After the refs, so a clean working tree reuses their analyses.
  let development: FileAnalysis[] = [];
  if (resolution.environments.some((environment) => environment.workingTree)) {
    development = options.development?.analyses
      ? [...options.development.analyses]
      : await analyzeWorkingTree(
          repository.root,
          options.development?.overrides,
          cache,
          analyze,
          options.development?.prepared,
        );
  }
  return resolution.environments.map((environment) => {
    if (environment.workingTree) {
      return {
        environment,
        files: development.filter((file) => file.fileClass.loadedByKayron).map((file) => ({ path: file.relativePath })),
        ...servicesFromAnalyses(development),
      };
    }
    if (!environment.commit) return unavailableSnapshot(environment, environment.unavailable ?? 'no commit');
    const result = byCommit.get(environment.commit);
    if (!result) return unavailableSnapshot(environment, 'not read');
    if (result instanceof Error) return unavailableSnapshot(environment, result.message);
    return { environment, ...result };
  });
}
