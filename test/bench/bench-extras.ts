/**
 * Bench figures for GitHub-backed editing (issue 3), the environments matrix (issue 5) and the promotion preview diff
 * (issue 11), as Markdown tables.
 * Figures only, no assertions; each target is printed with PASS/MISS. `npm run bench` appends these tables
 * (bench.ts calls `runExtraBenchmarks`); run alone with `node --import tsx test/bench/bench-extras.ts`.
 * The completion latency goes through the built server: run `npm run build` first.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFile } from 'node:fs/promises';
import type { CompletionItem } from 'vscode-languageserver-protocol/node';
import { startGitHubStandin } from '../github-standin/server';
import { KAYRON_TAGS_NEWEST_FIRST, SPLITS_OWNER, splitsOrganization } from '../github-standin/splits-seed';
import {
  copySampleWorkspace,
  fileUri,
  LspClient,
  makeTempDir,
  rangeOf,
  removeTree,
  startSettled,
} from '../lsp/lsp-client';
import { previewDiffSection } from './diff-bench';
import { measureEnvironmentMatrix } from './environments-bench';
import { measurePlan, type RequestCount } from './plan-bench';
import { measureGitHubRequests, type FlowFigures, type RequestFigures } from './github-requests';

const QUICK = process.env.KAYRON_BENCH_QUICK === '1';
const SERVICE_COUNTS = [5, 50] as const;
const COMPLETIONS = QUICK ? 50 : 200;
const MATRIX_RUNS = QUICK ? 3 : 7;
const TARGETS = {
  coldRequestsPerRepo: 2,
  conditionalPerRepoPerTtl: 1,
  completionP95Ms: 10,
  matrixMs: 500,
  planMs: 300,
};
/** The server answers the first completion from what it has; the cache fills in the background. */
const WARM_DEADLINE_MS = 20_000;
/** Signed in, as most users are (the anonymous 60 requests/hour would not change the figures, only risk a limit). */
const TOKEN = 'ghp_BenchExtrasTokenNeverPrinted0000000001';

const verdict = (pass: boolean): string => (pass ? 'PASS' : 'MISS');
const ms = (value: number): string =>
  Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
const perRepo = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(2));

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

/** Requests table. Each phase reopens the workspace with a fresh provider on the same cache directory. */
async function githubRequestsSection(): Promise<string[]> {
  const out: string[] = [
    '### GitHub requests when a workspace opens (local stand-in, 100 tags per service repo)',
    '',
    '`open` = what diagnostics need per service; `completion` = open plus the release list (notes, dates) completion and hover show.',
    `Targets: cold ≤ ${TARGETS.coldRequestsPerRepo} requests per repo; within the TTL ≤ ${TARGETS.conditionalPerRepoPerTtl} conditional request per repo; after the TTL only conditional requests, ≤ ${TARGETS.conditionalPerRepoPerTtl} per repo.`,
    '',
    '| services | flow | phase | requests | per repo | conditional | 304 | target | |',
    '|---:|---|---|---:|---:|---:|---:|---|---|',
  ];
  for (const services of SERVICE_COUNTS) {
    const figures = await measureGitHubRequests({ services, tagsPerRepo: 100 });
    const rows = (flow: string, phases: FlowFigures): void => {
      const row = (phase: string, f: RequestFigures, target: string, pass: boolean): void => {
        out.push(
          `| ${services} | ${flow} | ${phase} | ${f.requests} | ${perRepo(f.perRepo)} | ${f.conditional} | ${f.notModified} | ${target} | ${verdict(pass)} |`,
        );
      };
      row(
        'cold (empty cache)',
        phases.cold,
        `≤ ${TARGETS.coldRequestsPerRepo}/repo`,
        phases.cold.perRepo <= TARGETS.coldRequestsPerRepo,
      );
      const warmConditionalPerRepo = phases.warm.conditional / services;
      row(
        'warm (within TTL)',
        phases.warm,
        `≤ ${TARGETS.conditionalPerRepoPerTtl} conditional/repo`,
        phases.warm.requests === phases.warm.conditional && warmConditionalPerRepo <= TARGETS.conditionalPerRepoPerTtl,
      );
      row(
        'warm (after TTL)',
        phases.afterTtl,
        `≤ ${TARGETS.conditionalPerRepoPerTtl} conditional/repo`,
        phases.afterTtl.requests === phases.afterTtl.conditional &&
          phases.afterTtl.perRepo <= TARGETS.conditionalPerRepoPerTtl,
      );
    };
    rows('open', figures.open);
    rows('completion', figures.completion);
  }
  return out;
}

interface CompletionLatency {
  items: number;
  warmupMs: number;
  samples: number[];
}

/** 200 completions at `release: "` of the kayron entry (250 tags) through `node dist/server.js --stdio`, cache warm. */
async function measureCompletionLatency(): Promise<CompletionLatency> {
  const standin = await startGitHubStandin({ owners: [splitsOrganization()], tokens: [TOKEN] });
  const root = await copySampleWorkspace();
  const cache = await makeTempDir();
  let client: LspClient | undefined;
  try {
    client = await startSettled({
      folders: [root],
      env: { KAYRON_GITHUB_API_URL: standin.apiUrl, KAYRON_GITHUB_OWNER: SPLITS_OWNER, GITHUB_TOKEN: TOKEN },
      initializationOptions: { cacheDirectory: cache },
    });
    const uri = fileUri(path.join(root, 'service/service.yaml'));
    const original = await readFile(path.join(root, 'service/service.yaml'), 'utf8');
    if (!original.includes('release: "v0.5.3"'))
      throw new Error('the sample service.yaml no longer pins kayron at v0.5.3');
    const text = original.replace('release: "v0.5.3"', 'release: ""');
    await client.open(uri, text);
    const position = rangeOf(text, 'release: "', 1).end;
    const isTag = (item: CompletionItem): boolean => KAYRON_TAGS_NEWEST_FIRST.includes(item.label);
    const live = client;
    // Warm-up: one completion; if the tags are not cached yet the server fetches them, so poll until they are listed.
    const warmStart = performance.now();
    let items = await live.completion(uri, position);
    const deadline = Date.now() + WARM_DEADLINE_MS;
    while (items.filter(isTag).length < KAYRON_TAGS_NEWEST_FIRST.length) {
      if (Date.now() > deadline)
        throw new Error(
          `completion listed ${items.filter(isTag).length} of ${KAYRON_TAGS_NEWEST_FIRST.length} kayron tags after ${WARM_DEADLINE_MS} ms`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
      items = await live.completion(uri, position);
    }
    const warmupMs = performance.now() - warmStart;
    const samples: number[] = [];
    for (let i = 0; i < COMPLETIONS; i++) {
      const start = performance.now();
      const answer = await live.completion(uri, position);
      samples.push(performance.now() - start);
      // A fast empty answer would flatter the figure: every sample must carry the whole tag list.
      if (answer.filter(isTag).length !== KAYRON_TAGS_NEWEST_FIRST.length)
        throw new Error(`completion ${i} listed ${answer.filter(isTag).length} kayron tags`);
    }
    return { items: items.length, warmupMs, samples };
  } finally {
    await client?.dispose();
    await standin.close();
    await removeTree(root);
    await removeTree(cache);
  }
}

async function completionSection(): Promise<string[]> {
  const latency = await measureCompletionLatency();
  const median = percentile(latency.samples, 0.5);
  const p95 = percentile(latency.samples, 0.95);
  return [
    '### Release completion from cache through the LSP (`node dist/server.js --stdio`, local stand-in)',
    '',
    `\`release: "\` on the kayron entry of the sample service.yaml (${KAYRON_TAGS_NEWEST_FIRST.length} tags, ${latency.items} items); warm-up until the tags were listed took ${ms(latency.warmupMs)} ms.`,
    '',
    '| completions | median ms | p95 ms | max ms | target | |',
    '|---:|---:|---:|---:|---|---|',
    `| ${latency.samples.length} | ${ms(median)} | ${ms(p95)} | ${ms(Math.max(...latency.samples))} | p95 < ${TARGETS.completionP95Ms} ms | ${verdict(p95 < TARGETS.completionP95Ms)} |`,
  ];
}

async function environmentsSection(): Promise<string[]> {
  const f = await measureEnvironmentMatrix({ services: 50, commits: 1000, runs: MATRIX_RUNS });
  const b = f.coldBreakdownMs;
  return [
    `### Environments matrix (${f.services} services, ${f.commits.toLocaleString('en')} commits, ${f.environments} environments, ${f.rows} rows)`,
    '',
    `Repository built in ${ms(f.buildMs)} ms (setup, not timed). First cold run: open ${ms(b.open)} + resolve ${ms(b.resolve)} + snapshot ${ms(b.snapshot)} + matrix ${ms(b.matrix)} ms; ${ms(f.coldCpuMs)} ms CPU in this process (git's own CPU not counted).`,
    '',
    '| run | ms | target | |',
    '|---|---:|---|---|',
    `| cold, first | ${ms(f.coldMs)} | < ${TARGETS.matrixMs} ms | ${verdict(f.coldMs < TARGETS.matrixMs)} |`,
    `| cold, median of ${f.runs} (fresh cache each) | ${ms(f.coldMedianMs)} | < ${TARGETS.matrixMs} ms | ${verdict(f.coldMedianMs < TARGETS.matrixMs)} |`,
    `| warm, median of ${f.runs} (shared cache, refs unchanged) | ${ms(f.warmMedianMs)} | < ${TARGETS.matrixMs} ms | ${verdict(f.warmMedianMs < TARGETS.matrixMs)} |`,
  ];
}

async function planSection(): Promise<string[]> {
  const f = await measurePlan({ services: 50, runs: MATRIX_RUNS + 2 });
  const row = (label: string, count: RequestCount) =>
    `| ${label} | ${count.total} | ${count.repositories} | ${perRepo(count.perRepository)} | ${count.maxPerRepository} | ${count.notModified} |`;
  return [
    `### Deployment plan (${f.services} services on a 1,000-commit clone; staging vs a working tree that changes ${f.changed} of ${f.parameters} parameters)`,
    '',
    '| run | ms | target | |',
    '|---|---:|---|---|',
    `| cold (empty GitHub and snapshot caches) | ${ms(f.coldMs)} | – | |`,
    `| warm, median of ${f.runs} | ${ms(f.warmMedianMs)} | < ${TARGETS.planMs} ms | ${verdict(f.warmMedianMs < TARGETS.planMs)} |`,
    '',
    'GitHub requests of one plan (branch API for followed branches, releases of upgraded services, the infrastructure tree and template):',
    '',
    '| phase | requests | repositories | per repository | most for one | 304 |',
    '|---|---:|---:|---:|---:|---:|',
    row('cold', f.requests.cold),
    row('warm, within the cache TTL', f.requests.warm),
    row('after the TTL (conditional)', f.requests.afterTtl),
  ];
}

/** Markdown tables for the GitHub request counts, completion latency and environments matrix. */
export async function runExtraBenchmarks(): Promise<string> {
  const sections: string[][] = [];
  // One after another: they would otherwise compete for the CPU and skew each other's timings.
  sections.push(await githubRequestsSection());
  sections.push(await completionSection());
  sections.push(await environmentsSection());
  sections.push(await planSection());
  sections.push(previewDiffSection());
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

if (require.main === module) {
  runExtraBenchmarks().then(
    (markdown) => process.stdout.write(markdown),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
