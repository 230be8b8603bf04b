/**
 * `npm run bench`: how fast diagnostics arrive through the real language server, how long it blocks, what the CLI and
 * start-up cost, and the same documents through yaml-language-server with the zod-generated JSON Schema; then the
 * GitHub and environments figures of bench-extras.ts. Figures only, no assertions; the targets are printed with PASS/MISS. Needs `npm run build` first.
 * Writes the table to test/bench/README-numbers.md (or KAYRON_BENCH_OUT). KAYRON_BENCH_QUICK=1 runs fewer repetitions;
 * KAYRON_BENCH_ONLY=stalls runs only the event-loop stall measurements; KAYRON_BENCH_ONLY=special-files only the special-files rows.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeReleaseFile, validateWorkspace, type FileAnalysis } from '../../server/src/features/validate';
import { analyzeReleaseFileIncremental, INCREMENTAL_MIN_LENGTH } from '../../server/src/features/incremental-analysis';
import { toDiagnostic } from '../../server/src/features/diagnostics';
import { LspDriver, positionAt } from './lsp-driver';
import { generateReleaseFile, INFRASTRUCTURE_ENTRY, seededRandom, serviceEntry } from './release-files';
import { runExtraBenchmarks } from './bench-extras';

const REPO = path.resolve(__dirname, '..', '..');
/** KAYRON_BENCH_SERVER points the benchmark at another build of the server (to compare a change). */
const SERVER = process.env.KAYRON_BENCH_SERVER ?? path.join(REPO, 'dist', 'server.js');
const CLI = path.join(REPO, 'dist', 'cli.js');
const STALL_PROBE = path.join(__dirname, 'stall-probe.js');
const YLS_BIN = path.join(REPO, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
const YLS_NO_DEBOUNCE = path.join(__dirname, 'yls-no-debounce.js');
const SCHEMA = path.join(REPO, 'schema', 'release.schema.json');
const NUMBERS_FILE = process.env.KAYRON_BENCH_OUT ?? path.join(__dirname, 'README-numbers.md');

const QUICK = process.env.KAYRON_BENCH_QUICK === '1';
/** `KAYRON_BENCH_ONLY=stalls` runs only the event-loop stall measurements and prints them (README-numbers.md is left alone). */
const ONLY = process.env.KAYRON_BENCH_ONLY;
const SIZES = [10, 100, 1_000, 10_000] as const;
/** Documents opened per size (each gets `EDITS` one-character edits); fewer for the slow 10,000-entry opens. */
const RUNS: Record<number, number> = QUICK
  ? { 10: 2, 100: 2, 1000: 2, 10000: 1 }
  : { 10: 7, 100: 7, 1000: 7, 10000: 3 };
const EDITS: Record<number, number> = QUICK
  ? { 10: 4, 100: 4, 1000: 4, 10000: 4 }
  : { 10: 10, 100: 10, 1000: 10, 10000: 10 };
/** Fewer for yaml-language-server at 10,000 entries: one validation there takes seconds. */
const YLS_EDITS_10000 = QUICK ? 2 : 4;
const STARTS = QUICK ? 2 : 7;
const CLI_RUNS = QUICK ? 1 : 5;
const CLI_FILES = 1_000;
/** Share of generated entries with a problem: a realistic file has a few. */
const PROBLEM_RATE = 0.02;

const TARGETS = { editMs1000: 20, ratio1000: 2, stallMs10000: 100 };

interface Stats {
  n: number;
  median: number;
  p95: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? NaN };
}

const ms = (value: number): string =>
  Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
const fmt = (s: Stats): string => `${ms(s.median)} / ${ms(s.p95)}`;
const epochNow = (): number => performance.timeOrigin + performance.now();
const log = (message: string): void => void process.stderr.write(`${message}\n`);

/** A releases repository with one infrastructure entry and a small service file; benchmark documents are opened beside them. */
function makeReleasesRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kayron-bench-'));
  mkdirSync(path.join(root, 'infrastructure'));
  mkdirSync(path.join(root, 'service'));
  writeFileSync(path.join(root, 'infrastructure', 'infrastructure.yaml'), INFRASTRUCTURE_ENTRY);
  const random = seededRandom(99);
  writeFileSync(
    path.join(root, 'service', 'base.yaml'),
    serviceEntry(1, random, 0, 'base') + serviceEntry(2, random, 0, 'base'),
  );
  return root;
}

/** The `v` of the release tag nearest the middle: flipping it to `x` and back toggles a release-format error. */
function editTarget(text: string): number {
  const marker = 'release: "v';
  const middle = text.indexOf(marker, Math.floor(text.length / 2));
  const at = middle >= 0 ? middle : text.lastIndexOf(marker);
  if (at < 0) throw new Error('generated file has no release tag');
  return at + marker.length - 1;
}

function benchDocument(size: number, run: number): string {
  return generateReleaseFile(size, { problemRate: PROBLEM_RATE, seed: run + 1, namePrefix: `n${size}r${run}` });
}

type ServerKind = 'kayron' | 'yls' | 'yls-debounced';

interface ServerHandle {
  kind: ServerKind;
  driver: LspDriver;
  initializeMs: number;
  /** Until the server has scanned the workspace (ours: the releaseRoots notification). */
  readyMs: number;
  languageId: string;
}

async function startServer(kind: ServerKind, root: string, options: { probe?: boolean } = {}): Promise<ServerHandle> {
  const rootUri = pathToFileURL(root).toString();
  const started = performance.now();
  if (kind === 'kayron') {
    const driver = LspDriver.spawn(process.execPath, [
      ...(process.env.KAYRON_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      ...(options.probe ? ['--require', STALL_PROBE] : []),
      SERVER,
      '--stdio',
    ]);
    const roots = driver.next('kayron/releaseRoots');
    await driver.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {
        textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['markdown'] } },
        workspace: { workspaceFolders: true },
      },
    });
    const initializeMs = performance.now() - started;
    await driver.notify('initialized', {});
    const ready = await roots;
    return { kind, driver, initializeMs, readyMs: ready.at - started, languageId: 'kayron-release' };
  }
  const driver = LspDriver.spawn(process.execPath, [kind === 'yls' ? YLS_NO_DEBOUNCE : YLS_BIN, '--stdio']);
  // The JSON Schema generated from the zod schema, associated the way a user would in settings.json.
  const yamlSettings = {
    validate: true,
    hover: false,
    completion: false,
    schemas: { [pathToFileURL(SCHEMA).toString()]: ['service/*.yaml', 'infrastructure/*.yaml'] },
    schemaStore: { enable: false },
    kubernetesCRDStore: { enable: false },
  };
  driver.configuration = (section) => (section === 'yaml' ? yamlSettings : null);
  await driver.request('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'bench' }],
    capabilities: {
      textDocument: { publishDiagnostics: {} },
      workspace: { workspaceFolders: true, configuration: true },
    },
  });
  const initializeMs = performance.now() - started;
  await driver.notify('initialized', {});
  await driver.notify('workspace/didChangeConfiguration', { settings: {} });
  const handle: ServerHandle = { kind, driver, initializeMs, readyMs: performance.now() - started, languageId: 'yaml' };
  await checkSchemaApplied(handle, root);
  return handle;
}

/** yaml-language-server applies settings asynchronously: retry a document with a schema error until it is reported. */
async function checkSchemaApplied(server: ServerHandle, root: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (let attempt = 0; ; attempt++) {
    const uri = pathToFileURL(path.join(root, 'service', `schema-check-${attempt}.yaml`)).toString();
    const published = server.driver.nextDiagnostics(uri);
    await server.driver.open(
      uri,
      server.languageId,
      '- docker: "a"\n  doker: "b"\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n',
    );
    const { params } = await published;
    await closeDocument(server, uri);
    if (params.diagnostics.some((diagnostic) => /doker/.test(diagnostic.message))) return;
    if (Date.now() > deadline)
      throw new Error(`yaml-language-server never applied the schema: ${JSON.stringify(params.diagnostics)}`);
  }
}

/** Closes and waits until the server has dealt with it, so the next measurement starts on a quiet server. */
async function closeDocument(server: ServerHandle, uri: string): Promise<void> {
  const settled = server.kind === 'kayron' ? server.driver.next('kayron/verdict') : server.driver.nextDiagnostics(uri);
  await server.driver.close(uri);
  await settled;
}

interface LatencyResult {
  open: number[];
  edit: number[];
  /** A code-action request right after the last edit (editors ask on every cursor move). */
  codeAction: number[];
  rssMiB?: number;
}

/** Opens `runs` fresh documents of `size` entries and flips one character `edits` times in each. */
async function measureLatency(
  server: ServerHandle,
  root: string,
  size: number,
  runs: number,
  edits: number,
  document = benchDocument,
): Promise<LatencyResult> {
  const result: LatencyResult = { open: [], edit: [], codeAction: [] };
  for (let run = 0; run < runs; run++) {
    const uri = pathToFileURL(path.join(root, 'service', `bench-${server.kind}-${size}-${run}.yaml`)).toString();
    const text = document(size, run);
    const target = positionAt(text, editTarget(text));
    const end = { line: target.line, character: target.character + 1 };
    const opened = server.driver.nextDiagnostics(uri);
    const openStart = performance.now();
    await server.driver.open(uri, server.languageId, text);
    result.open.push((await opened).at - openStart);
    if (run === 0) result.rssMiB = server.driver.residentMiB();
    for (let edit = 0; edit < edits; edit++) {
      const published = server.driver.nextDiagnostics(uri);
      const editStart = performance.now();
      await server.driver.change(uri, target, end, edit % 2 === 0 ? 'x' : 'v');
      result.edit.push((await published).at - editStart);
    }
    // Leave the document as it was opened (an even number of flips), then close it.
    if (edits % 2 === 1) {
      const published = server.driver.nextDiagnostics(uri);
      await server.driver.change(uri, target, end, 'v');
      await published;
    }
    if (server.kind === 'kayron') {
      const asked = performance.now();
      await server.driver.request('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: target, end: target },
        context: { diagnostics: [] },
      });
      result.codeAction.push(performance.now() - asked);
    }
    await closeDocument(server, uri);
  }
  return result;
}

interface StallResult {
  /** Longest event-loop stall the probe saw in the server during each edit (edit sent → diagnostics received). */
  stalls: number[];
  /** CPU time the server used during that stall (less than the stall when the machine was busy with other work). */
  stallCpu: number[];
  /** Longest garbage-collection pause during each edit. */
  gcPauses: number[];
  /** Longest round trip of back-to-back hover requests sent while each edit was processed. */
  hoverRoundTrips: number[];
  edit: number[];
  /** The same for opening the file (didOpen sent → its diagnostics received), once per server. */
  open: Omit<StallResult, 'open'>;
}

/** Edits a 10,000-entry document in a server running the stall probe, pinging it with hovers meanwhile. */
type EditAt = (target: number, index: number) => { at: number; remove: number; insert: string };

interface StallWindow {
  longest: number;
  longestCpu: number;
  longestGc: number;
}

/** The longest stall and GC pause the probe reported between two epoch times (asks the probe to flush first). */
async function stallsBetween(server: ServerHandle, windowStart: number, windowEnd: number): Promise<StallWindow> {
  const mark = server.driver.nextStderrLine((line) => line.startsWith('kayron-bench-mark'));
  server.driver.child.kill('SIGUSR2');
  await mark;
  const window: StallWindow = { longest: 0, longestCpu: 0, longestGc: 0 };
  for (const line of server.driver.stderr) {
    const match = /^kayron-bench-(stall|gc) ([\d.]+) ([\d.]+) (\S+)$/.exec(line);
    if (!match) continue;
    const start = Number(match[2]);
    const duration = Number(match[3]);
    if (start + duration < windowStart || start > windowEnd) continue;
    if (match[1] === 'gc') window.longestGc = Math.max(window.longestGc, duration);
    else if (duration > window.longest) {
      window.longest = duration;
      window.longestCpu = Number(match[4]);
    }
  }
  server.driver.stderr.length = 0;
  return window;
}

/** Sends hovers back to back until `until` settles; resolves to the longest round trip. */
async function hoverWhile(
  server: ServerHandle,
  uri: string,
  position: { line: number; character: number },
  until: Promise<unknown>,
): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  let longest = 0;
  while (!done) {
    const sent = performance.now();
    await server.driver.request('textDocument/hover', { textDocument: { uri }, position });
    longest = Math.max(longest, performance.now() - sent);
  }
  return longest;
}

function record(into: Omit<StallResult, 'open'>, window: StallWindow, hover: number, elapsed: number): void {
  into.stalls.push(window.longest);
  into.stallCpu.push(window.longestCpu);
  into.gcPauses.push(window.longestGc);
  into.hoverRoundTrips.push(hover);
  into.edit.push(elapsed);
}

async function measureStalls(
  root: string,
  size: number,
  edits: number,
  edit: EditAt,
  document = benchDocument,
): Promise<StallResult> {
  const server = await startServer('kayron', root, { probe: true });
  const empty = (): Omit<StallResult, 'open'> => ({
    stalls: [],
    stallCpu: [],
    gcPauses: [],
    hoverRoundTrips: [],
    edit: [],
  });
  const result: StallResult = { ...empty(), open: empty() };
  try {
    const uri = pathToFileURL(path.join(root, 'service', `stall-${size}.yaml`)).toString();
    let text = document(size, 0);
    const hoverAt = positionAt(text, text.indexOf('docker', Math.floor(text.length / 3)));
    {
      const opened = server.driver.nextDiagnostics(uri);
      const windowStart = epochNow();
      const openStart = performance.now();
      await server.driver.open(uri, server.languageId, text);
      const hover = hoverWhile(server, uri, hoverAt, opened);
      const arrived = await opened;
      const longestHover = await hover;
      record(result.open, await stallsBetween(server, windowStart, epochNow()), longestHover, arrived.at - openStart);
    }
    const target = editTarget(text);
    for (let index = 0; index < edits; index++) {
      const change = edit(target, index);
      const start = positionAt(text, change.at);
      const end = positionAt(text, change.at + change.remove);
      text = text.slice(0, change.at) + change.insert + text.slice(change.at + change.remove);
      const published = server.driver.nextDiagnostics(uri);
      const windowStart = epochNow();
      const editStart = performance.now();
      await server.driver.change(uri, start, end, change.insert);
      const hover = hoverWhile(server, uri, hoverAt, published);
      const arrived = await published;
      const longestHover = await hover;
      record(result, await stallsBetween(server, windowStart, epochNow()), longestHover, arrived.at - editStart);
    }
  } finally {
    await server.driver.dispose();
  }
  return result;
}

/** The stall table; `flip`, `insert` and `syntax` each also carry the opens of their servers. */
function stallReport(
  out: (line?: string) => void,
  { stallFlip: flip, stallInsert: insert, stallSyntax: syntax, stallHeavy: heavy }: Stalls,
): number {
  out('### Server blocked while a 10,000-entry file is opened and edited (ms)');
  out();
  out(
    '| action | action → diagnostics (median / p95) | longest event-loop stall (median / max) | server CPU time during it (all threads) | longest GC pause (max) | longest hover round trip meanwhile (max) |',
  );
  out('|---|---:|---:|---:|---:|---:|');
  const row = (label: string, result: Omit<StallResult, 'open'>) => {
    const worst = result.stalls.indexOf(stats(result.stalls).max);
    out(
      `| ${label} | ${fmt(stats(result.edit))} | ${ms(stats(result.stalls).median)} / ${ms(stats(result.stalls).max)} | ${ms(result.stallCpu[worst] ?? NaN)} | ${ms(stats(result.gcPauses).max)} | ${ms(stats(result.hoverRoundTrips).max)} |`,
    );
  };
  const opens: Omit<StallResult, 'open'> = { stalls: [], stallCpu: [], gcPauses: [], hoverRoundTrips: [], edit: [] };
  for (const result of [flip, insert, syntax]) {
    for (const key of ['stalls', 'stallCpu', 'gcPauses', 'hoverRoundTrips', 'edit'] as const)
      opens[key].push(...result.open[key]);
  }
  row('open the file (first analysis, in slices of ~8 ms of the event loop)', opens);
  row('flip one character of a tag', flip);
  row('type / delete one character in a key', insert);
  row('type / delete a second opening quote (YAML syntax error: whole-file parse, on the worker thread)', syntax);
  row('every entry with a problem (12,541 problems, the first 1,000 sent): open', heavy.open);
  row('every entry with a problem: flip one character of a tag', heavy);
  out();
  out(
    'Stalls come from a 1 ms timer preloaded into the server (test/bench/stall-probe.js), with the CPU time the server process used',
  );
  out(
    'meanwhile (below the stall when other processes held the CPUs, above it when GC threads worked alongside) and GC pauses',
  );
  out(
    'from a `gc` performance observer; hovers are sent back to back while the action is processed (a hover waits for the',
  );
  out(
    "file's analysis to match the editor's text, so during a worker-thread analysis it answers when that analysis lands).",
  );
  out(
    'The last two rows are a stress case beside the target, which is about the same generated file as every other row',
  );
  out(
    '(2% of entries with a problem): here every entry has one, so every edit re-checks and re-sorts ~12,500 problems;',
  );
  out('the editor gets the first 1,000 of them (VS Code keeps no more per file).');
  out();
  return Math.max(...[opens, flip, insert, syntax].map((result) => stats(result.stalls).max));
}

/** A releases tree of `files` files (5 entries each, one infrastructure entry in all), for the CLI. */
function makeLintTree(files: number): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kayron-bench-lint-'));
  mkdirSync(path.join(root, 'infrastructure'));
  writeFileSync(path.join(root, 'infrastructure', 'infrastructure.yaml'), INFRASTRUCTURE_ENTRY);
  for (let index = 1; index < files; index++) {
    const team = path.join(root, 'service', `team-${String(index % 40).padStart(2, '0')}`);
    if (!existsSync(team)) mkdirSync(team, { recursive: true });
    writeFileSync(
      path.join(team, `app-${index}.yaml`),
      generateReleaseFile(5, { problemRate: PROBLEM_RATE, seed: index, namePrefix: `f${index}` }),
    );
  }
  return root;
}

function runCli(root: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'lint', root], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 || code === 1
        ? resolve(performance.now() - started)
        : reject(new Error(`lint exited with ${code}: ${stderr}`)),
    );
  });
}

/**
 * The sample tree with a FIFO, a link to /dev/zero and a link to a 64 MiB (sparse) file named like release files:
 * before issue 11 the first hung lint and the server's scan forever, the others were read whole.
 */
function makeSpecialFilesTree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kayron-bench-special-'));
  for (const folder of ['infrastructure', 'service'])
    cpSync(path.join(REPO, folder), path.join(root, folder), { recursive: true });
  execFileSync('mkfifo', [path.join(root, 'service', 'pipe.yaml')]);
  symlinkSync('/dev/zero', path.join(root, 'service', 'zero.yaml'));
  const huge = path.join(root, 'huge.bin');
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 64 * 1024 * 1024);
  closeSync(fd);
  symlinkSync(huge, path.join(root, 'service', 'huge.yaml'));
  return root;
}

/** `lint` of a tree: wall time and the CLI's peak resident memory (reported by a preloaded exit hook). */
function runCliWithPeakMemory(root: string): Promise<{ ms: number; peakMiB: number }> {
  const hook = path.join(os.tmpdir(), 'kayron-bench-maxrss.cjs');
  writeFileSync(
    hook,
    "process.on('exit', () => process.stderr.write(`\\nmaxrss=${process.resourceUsage().maxRSS}\\n`));\n",
  );
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', hook, CLI, 'lint', root], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const kib = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? NaN);
      if (code === 1) resolve({ ms: performance.now() - started, peakMiB: kib / 1024 });
      else reject(new Error(`lint of the special-files tree exited with ${code}: ${stderr}`));
    });
  });
}

interface SpecialFiles {
  cli: { ms: number; peakMiB: number }[];
  serverReadyMs: number[];
}

async function measureSpecialFiles(): Promise<SpecialFiles> {
  const root = makeSpecialFilesTree();
  try {
    const cli: SpecialFiles['cli'] = [];
    for (let index = 0; index < (QUICK ? 2 : 5); index++) cli.push(await runCliWithPeakMemory(root));
    const serverReadyMs: number[] = [];
    for (let index = 0; index < (QUICK ? 2 : 5); index++) {
      const server = await startServer('kayron', root);
      serverReadyMs.push(server.readyMs);
      await server.driver.dispose();
    }
    return { cli, serverReadyMs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function specialFilesRows(out: (line?: string) => void, special: SpecialFiles): void {
  const peak = Math.max(...special.cli.map((run) => run.peakMiB));
  out(
    `| \`lint\` of the sample tree + a FIFO, a link to /dev/zero and a link to a 64 MiB file (median / p95 ms; peak RSS) | ${fmt(stats(special.cli.map((run) => run.ms)))}; ${peak.toFixed(0)} MiB | |`,
  );
  out(`| server start in that tree: spawn → scanned (median / p95 ms) | ${fmt(stats(special.serverReadyMs))} | |`);
}

interface InProcess {
  size: number;
  fullMs: number;
  incrementalFirstMs: number;
  incrementalEditMs: number;
  validateWorkspaceMs: number;
  diagnostics: number;
  diagnosticsJsonMs: number;
  diagnosticsJsonKiB: number;
}

/** The server's steps, timed in this process, to explain the end-to-end figures. */
function measureInProcess(size: number, problemRate: number): InProcess {
  const relativePath = 'service/bench.yaml';
  const text = generateReleaseFile(size, { problemRate, seed: 5, namePrefix: 'p' });
  const infrastructure = analyzeReleaseFile('infrastructure/infrastructure.yaml', INFRASTRUCTURE_ENTRY);
  const repeat = size >= 10_000 ? 2 : 5;
  const time = <T>(work: (prepared: T) => void, prepare: () => T = () => undefined as T): number => {
    const samples: number[] = [];
    for (let index = 0; index < repeat; index++) {
      const prepared = prepare();
      const started = performance.now();
      work(prepared);
      samples.push(performance.now() - started);
    }
    return stats(samples).median;
  };
  const fullMs = time(() => analyzeReleaseFile(relativePath, text));
  const incrementalFirstMs = time(() => analyzeReleaseFileIncremental(relativePath, text));
  const base = analyzeReleaseFileIncremental(relativePath, text);
  const target = editTarget(text);
  const edited = `${text.slice(0, target)}x${text.slice(target + 1)}`;
  // Each sample edits a fresh analysis: an analysis is meant to be the `previous` of one edit only.
  const incrementalEditMs = time(
    (previous: FileAnalysis) => analyzeReleaseFileIncremental(relativePath, edited, previous),
    () => analyzeReleaseFileIncremental(relativePath, text),
  );
  const analysis = analyzeReleaseFileIncremental(relativePath, edited, base);
  let validation = validateWorkspace([infrastructure, analysis]);
  const validateWorkspaceMs = time(() => {
    validation = validateWorkspace([infrastructure, analysis]);
  });
  // What server.ts publishAll/send do per URI: diagnostics for every problem, then JSON.stringify to compare.
  const problems = validation.problems.get(relativePath) ?? [];
  const document = TextDocument.create('file:///bench.yaml', 'yaml', 0, edited);
  const diagnostics = problems.map((problem) =>
    toDiagnostic(document, problem, validation.kayronVerdict?.problem === problem),
  );
  let json = '';
  const diagnosticsJsonMs = time(() => {
    json = JSON.stringify(diagnostics);
  });
  return {
    size,
    fullMs,
    incrementalFirstMs,
    incrementalEditMs,
    validateWorkspaceMs,
    diagnostics: diagnostics.length,
    diagnosticsJsonMs,
    diagnosticsJsonKiB: json.length / 1024,
  };
}

/** Even steps make the change, odd steps undo it, all at the release tag nearest the middle (`target` is its `v`). */
const flipTag: EditAt = (target, index) => ({ at: target, remove: 1, insert: index % 2 === 0 ? 'x' : 'v' });
const typeInKey: EditAt = (target, index) => ({
  at: target - 'elease: "'.length,
  remove: index % 2,
  insert: index % 2 === 0 ? 'z' : '',
});
const doubleQuote: EditAt = (target, index) => ({ at: target, remove: index % 2, insert: index % 2 === 0 ? '"' : '' });

interface Stalls {
  stallFlip: StallResult;
  stallInsert: StallResult;
  stallSyntax: StallResult;
  /** A file where every entry has a problem: a stress case for checking and publishing, reported beside the target. */
  stallHeavy: StallResult;
}

async function measureAllStalls(root: string): Promise<Stalls> {
  log('kayron: event-loop stalls at 10,000 entries…');
  const stallEdits = QUICK ? 4 : 10;
  const stallFlip = await measureStalls(root, 10_000, stallEdits, flipTag);
  const stallInsert = await measureStalls(root, 10_000, stallEdits, typeInKey);
  const stallSyntax = await measureStalls(root, 10_000, QUICK ? 2 : 4, doubleQuote);
  const stallHeavy = await measureStalls(root, 10_000, QUICK ? 2 : 4, flipTag, (size, run) =>
    generateReleaseFile(size, { problemRate: 1, seed: run + 1, namePrefix: `stall-heavy${run}` }),
  );
  return { stallFlip, stallInsert, stallSyntax, stallHeavy };
}

/**
 * Hostile texts of 150–600 KB that once took seconds or crashed the goccy model (a regular expression rescanning the
 * text per line, a copy of the text per stand-in, an alias lookup walking the document per alias, a recursion per
 * mapping key, a blank run rescanned per tab): the full analysis of each, in this process. Linear code keeps each
 * well under a second.
 */
const ADVERSARIAL_TEXTS: [string, string][] = [
  ['200,000 tabs inside double quotes', `- docker: "${'\t'.repeat(200_000)}x"\n`],
  ['30,000 continuation lines of double-quoted text', `- docker: "a\n${'   b c \n'.repeat(30_000)}"\n`],
  ['30,000 continuation lines of a plain scalar', `- docker: a\n${'   b\n'.repeat(30_000)}`],
  ['20,000 keys of one mapping', `- docker: a\n${Array.from({ length: 20_000 }, (_, i) => `  k${i}: v\n`).join('')}`],
  [
    '20,000 aliases of one anchor',
    `- docker: &a a\n${Array.from({ length: 20_000 }, (_, i) => `  k${i}: *a\n`).join('')}`,
  ],
  [
    '10,000 flow entries read through stand-ins',
    Array.from({ length: 10_000 }, (_, i) => `- {docker: d${i}, github: -, deploy: {release:v1.0.${i}}}\n`).join(''),
  ],
  [
    '20,000 keys under a custom tag',
    `- docker: !a\n${Array.from({ length: 20_000 }, (_, i) => `  k${i}: v\n`).join('')}`,
  ],
];

function measureAdversarial(): { name: string; kib: number; ms: number[] }[] {
  return ADVERSARIAL_TEXTS.map(([name, text]) => {
    const ms: number[] = [];
    for (let run = 0; run < (QUICK ? 1 : 3); run++) {
      const start = performance.now();
      analyzeReleaseFile('service/x.yaml', text);
      ms.push(performance.now() - start);
    }
    return { name, kib: Buffer.byteLength(text) / 1024, ms };
  });
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu.trim()}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

const loadAverage = (): string =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  if (!existsSync(SERVER) || !existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first.');
  const yamlLanguageServerVersion = (
    JSON.parse(readFileSync(path.join(REPO, 'node_modules', 'yaml-language-server', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const loadBefore = loadAverage();
  const root = makeReleasesRoot();
  const lines: string[] = [];
  const out = (line = ''): void => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  try {
    if (ONLY === 'special-files') {
      // The special-files rows alone (nothing is written).
      out('| measure | ours | |');
      out('|---|---:|---|');
      specialFilesRows(out, await measureSpecialFiles());
      return;
    }
    if (ONLY === 'stalls') {
      // A quick look at one table while working on it; nothing is written.
      const worst = stallReport(out, await measureAllStalls(root));
      out(`Worst stall: ${ms(worst)} ms (target ≤ ${TARGETS.stallMs10000} ms).`);
      return;
    }
    log('in-process breakdown…');
    measureInProcess(100, PROBLEM_RATE); // warm-up (JIT), not reported
    const inProcess = [...SIZES.map((size) => measureInProcess(size, PROBLEM_RATE)), measureInProcess(10_000, 1)];

    log('start-up…');
    const starts: { initialize: number; ready: number }[] = [];
    const ylsStarts: number[] = [];
    for (let index = 0; index < STARTS; index++) {
      const server = await startServer('kayron', root);
      starts.push({ initialize: server.initializeMs, ready: server.readyMs });
      await server.driver.dispose();
      const yls = await startServer('yls', root);
      ylsStarts.push(yls.initializeMs);
      await yls.driver.dispose();
    }

    const latency = new Map<ServerKind, Map<number, LatencyResult>>();
    for (const kind of ['kayron', 'yls', 'yls-debounced'] as const) {
      const server = await startServer(kind, root);
      // Warm-up (JIT, schema compilation), not measured.
      await measureLatency(server, root, 100, 1, 2);
      const bySize = new Map<number, LatencyResult>();
      for (const size of SIZES) {
        if (kind === 'yls-debounced' && size === 10_000) continue;
        log(`${kind}: ${size} entries…`);
        const edits = kind !== 'kayron' && size === 10_000 ? YLS_EDITS_10000 : (EDITS[size] ?? 4);
        bySize.set(
          size,
          await measureLatency(
            server,
            root,
            size,
            kind === 'yls-debounced' ? Math.min(3, RUNS[size] ?? 1) : (RUNS[size] ?? 1),
            kind === 'yls-debounced' ? 4 : edits,
          ),
        );
      }
      latency.set(kind, bySize);
      await server.driver.dispose();
    }

    log('kayron: 10,000 entries, every entry with a problem…');
    const heavyServer = await startServer('kayron', root);
    const heavy = await measureLatency(heavyServer, root, 10_000, QUICK ? 1 : 2, EDITS[10_000] ?? 4, (size, run) =>
      generateReleaseFile(size, { problemRate: 1, seed: run + 1, namePrefix: `heavy${run}` }),
    );
    await heavyServer.driver.dispose();

    const stalls = await measureAllStalls(root);

    log(`CLI lint of ${CLI_FILES} files…`);
    const lintRoot = makeLintTree(CLI_FILES);
    await runCli(lintRoot); // warm the file cache
    const cliTimes: number[] = [];
    for (let index = 0; index < CLI_RUNS; index++) cliTimes.push(await runCli(lintRoot));

    log('special files (FIFO, /dev/zero, 64 MiB link)…');
    const special = await measureSpecialFiles();

    log(`kayron: a workspace of ${CLI_FILES} files…`);
    const bigStarts: number[] = [];
    let bigWorkspace: LatencyResult | undefined;
    for (let index = 0; index < (QUICK ? 1 : 3); index++) {
      const server = await startServer('kayron', lintRoot);
      bigStarts.push(server.readyMs);
      if (index === 0) bigWorkspace = await measureLatency(server, lintRoot, 1_000, QUICK ? 1 : 3, EDITS[1_000] ?? 4);
      await server.driver.dispose();
    }
    rmSync(lintRoot, { recursive: true, force: true });

    // ----- report -----
    const ours = latency.get('kayron');
    const theirs = latency.get('yls');
    const theirsDebounced = latency.get('yls-debounced');
    out('## Performance (`npm run bench`)');
    out();
    out(
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; load average before/after: ${loadBefore} / ${loadAverage()}.`,
    );
    out(
      `Release files generated with ${PROBLEM_RATE * 100}% of entries carrying a problem; yaml-language-server ${yamlLanguageServerVersion} with the zod-generated JSON Schema.`,
    );
    out(
      'Latency = notification sent → `publishDiagnostics` received, through JSON-RPC over stdio. Cells: median / p95 in ms.',
    );
    out(
      '"One-character edit" flips the `v` of a release tag in the middle of the file (which adds or removes a release-format error).',
    );
    out(
      'yaml-language-server waits 200 ms after each change before validating (`validationDelayMs`, not a setting): the',
    );
    out(
      '"no debounce" columns remove that wait, so they time its validation; "as shipped" is what an editor user sees.',
    );
    out();
    out('### Diagnostics latency (ms, median / p95)');
    out();
    out(
      '| entries | ours: first open | ours: 1-char edit | yaml-ls (no debounce): first open | yaml-ls (no debounce): 1-char edit | yaml-ls as shipped: 1-char edit | edit ratio ours / yaml-ls |',
    );
    out('|---:|---:|---:|---:|---:|---:|---:|');
    for (const size of SIZES) {
      const a = ours?.get(size);
      const b = theirs?.get(size);
      const c = theirsDebounced?.get(size);
      if (!a || !b) continue;
      const ratio = stats(a.edit).median / stats(b.edit).median;
      const speed = ratio <= 1 ? `${(1 / ratio).toFixed(1)}× faster` : `${ratio.toFixed(1)}× slower`;
      out(
        `| ${size.toLocaleString('en')} | ${fmt(stats(a.open))} | ${fmt(stats(a.edit))} | ${fmt(stats(b.open))} | ${fmt(stats(b.edit))} | ${c ? fmt(stats(c.edit)) : 'not run'} | ${ratio.toFixed(2)} (${speed}) |`,
      );
    }
    out(`| 10,000, every entry with a problem | ${fmt(stats(heavy.open))} | ${fmt(stats(heavy.edit))} | | | | |`);
    if (bigWorkspace)
      out(
        `| 1,000, in a workspace of ${CLI_FILES.toLocaleString('en')} other files | ${fmt(stats(bigWorkspace.open))} | ${fmt(stats(bigWorkspace.edit))} | | | | |`,
      );
    out();
    const samples = (size: number) =>
      `${ours?.get(size)?.open.length ?? 0} opens, ${ours?.get(size)?.edit.length ?? 0} edits`;
    out(`Samples (ours): ${SIZES.map((size) => `${size.toLocaleString('en')}: ${samples(size)}`).join('; ')}.`);
    out();
    out(
      `Code action requested right after an edit (ours, median / p95 ms): ${SIZES.map((size) => `${size.toLocaleString('en')}: ${fmt(stats(ours?.get(size)?.codeAction ?? []))}`).join('; ')}.`,
    );
    out();
    const worstStall = stallReport(out, stalls);
    out('### Start-up, memory, CLI');
    out();
    const rss = ours?.get(1_000)?.rssMiB;
    const ylsRss = theirs?.get(1_000)?.rssMiB;
    out('| measure | ours | yaml-language-server |');
    out('|---|---:|---:|');
    out(
      `| server start: spawn → initialize result (median / p95 ms) | ${fmt(stats(starts.map((s) => s.initialize)))} | ${fmt(stats(ylsStarts))} |`,
    );
    out(`| server start: spawn → workspace scanned (median / p95 ms) | ${fmt(stats(starts.map((s) => s.ready)))} | |`);
    out(
      `| server start in a workspace of ${CLI_FILES.toLocaleString('en')} files × 5 entries: spawn → scanned (median / p95 ms) | ${fmt(stats(bigStarts))} | |`,
    );
    out(
      `| resident memory after opening the 1,000-entry file (VmRSS) | ${rss?.toFixed(0) ?? '–'} MiB | ${ylsRss?.toFixed(0) ?? '–'} MiB |`,
    );
    out(
      `| \`node dist/cli.js lint\` of ${CLI_FILES.toLocaleString('en')} files × 5 entries (median / p95 ms, ${CLI_RUNS} runs) | ${fmt(stats(cliTimes))} | |`,
    );
    specialFilesRows(out, special);
    out();
    out('### In-process breakdown (ms, median)');
    out();
    out(
      '| entries | full analysis | incremental, first | incremental, 1-char edit | validateWorkspace | diagnostics | JSON.stringify (send() dedupe) |',
    );
    out('|---|---:|---:|---:|---:|---:|---:|');
    for (const row of inProcess) {
      const label =
        row === inProcess.at(-1)
          ? `${row.size.toLocaleString('en')} (every entry with a problem)`
          : row.size.toLocaleString('en');
      out(
        `| ${label} | ${ms(row.fullMs)} | ${ms(row.incrementalFirstMs)} | ${ms(row.incrementalEditMs)} | ${ms(row.validateWorkspaceMs)} | ${row.diagnostics} | ${ms(row.diagnosticsJsonMs)} (${row.diagnosticsJsonKiB.toFixed(0)} KiB) |`,
      );
    }
    out();
    out(
      `Texts under ${INCREMENTAL_MIN_LENGTH / 1024} KiB (here the 10-entry file) are always analysed whole: for them a full parse is as cheap as the split.`,
    );
    out();
    out('### Hostile texts: full analysis in process (ms, median)');
    out();
    out('| text | size | ms |');
    out('|---|---:|---:|');
    for (const row of measureAdversarial())
      out(`| ${row.name} | ${row.kib.toFixed(0)} KiB | ${ms(stats(row.ms).median)} |`);
    out();
    out('### Targets');
    out();
    const edit1000 = stats(ours?.get(1_000)?.edit ?? []).median;
    const ylsEdit1000 = stats(theirs?.get(1_000)?.edit ?? []).median;
    const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
    out('| target | measured | |');
    out('|---|---:|---|');
    out(
      `| 1-char edit in a 1,000-entry file re-validated < ${TARGETS.editMs1000} ms (median) | ${ms(edit1000)} ms (p95 ${ms(stats(ours?.get(1_000)?.edit ?? []).p95)}) | ${verdict(edit1000 < TARGETS.editMs1000)} |`,
    );
    out(
      `| … and ≥ ${TARGETS.ratio1000}× faster than yaml-language-server without its debounce (medians) | ${(ylsEdit1000 / edit1000).toFixed(1)}× | ${verdict(ylsEdit1000 / edit1000 >= TARGETS.ratio1000)} |`,
    );
    out(
      `| 10,000 entries: no server block > ${TARGETS.stallMs10000} ms (opening, 1-char edits, a YAML syntax error) | ${ms(worstStall)} ms | ${verdict(worstStall <= TARGETS.stallMs10000)} |`,
    );
    out();
    // GitHub-backed editing and the environments matrix (test/bench/bench-extras.ts), after ours so they do not compete.
    log('GitHub requests, completion from cache, environments matrix…');
    try {
      out((await runExtraBenchmarks()).trimEnd());
    } catch (error) {
      out(`Extra benchmarks failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
    writeFileSync(NUMBERS_FILE, `${lines.join('\n')}\n`);
    log(`written to ${path.relative(REPO, NUMBERS_FILE)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
