/**
 * The kayron-fuzz corpus (../shared/corpus/kayron-fuzz, its README.md): generated release trees with real `kayron lint`
 * output. Each tree is written to a temporary folder and linted by the CLI's own core (lintTree + lintDiagnostics,
 * exactly what `kayron-releases lint --json` prints); the marked diagnostic is compared with Kayron's verdict, check,
 * file and text as the corpus README prescribes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { lintDiagnostics, lintTree, type JsonDiagnostic } from '../../server/src/features/lint-tree';
import { writeTree, type TreeSpec } from './tree';

export const FUZZ_CORPUS =
  process.env.KAYRON_FUZZ_CORPUS ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'kayron-fuzz');

export interface FuzzCase {
  id: string;
  gen: string;
  files: Record<string, string>;
  dirs?: string[];
  kayron: { ok: true } | { ok: false; stage: 'load' | 'verify'; file?: string; description: string };
}

/** Kayron's check (by its text) → the diagnostic codes that may stand for it (corpus README, "How to compare"). */
const CHECKS: { pattern: RegExp; codes: string[] }[] = [
  { pattern: /at least one release definition/, codes: ['no-release-definitions'] },
  { pattern: /requires a deployment strategy/, codes: ['deploy-missing'] },
  { pattern: /requires only one strategy/, codes: ['deploy-strategy-conflict'] },
  { pattern: /release tag does not comply/, codes: ['release-format'] },
  { pattern: /requires a github repository/, codes: ['github-missing'] },
  { pattern: /enforced by Github/, codes: ['github-format'] },
  { pattern: /docker repository or provider/, codes: ['docker-or-provider-missing'] },
  { pattern: /preview deployments for infrastructure/, codes: ['preview-with-provider'] },
  { pattern: /provider name to be/, codes: ['provider-name'] },
  { pattern: /^invalid reference format|must not be more than 255/, codes: ['release-format', 'docker-format'] },
];
const LOAD_CODES = ['yaml-syntax', 'yaml-type'];
const KAYRON_CODES = new Set([...LOAD_CODES, ...CHECKS.flatMap((check) => check.codes)]);

export type Aspect = 'verdict' | 'check' | 'file' | 'text';

export interface FuzzOutcome {
  id: string;
  gen: string;
  /** The first aspect that disagrees, in the order verdict, check, file, text; undefined when all agree. */
  differs?: Aspect;
  expected: string;
  actual: string;
  /** A short name for the kind of difference, so that the script can group them by cause. */
  cause?: string;
}

export function readFuzzCases(file = path.join(FUZZ_CORPUS, 'cases.jsonl')): FuzzCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FuzzCase);
}

export function fuzzTree(fuzzCase: FuzzCase): TreeSpec {
  const spec: TreeSpec = {};
  for (const [relativePath, base64] of Object.entries(fuzzCase.files))
    spec[relativePath] = Buffer.from(base64, 'base64');
  for (const dir of fuzzCase.dirs ?? []) spec[dir.endsWith('/') ? dir : `${dir}/`] = '';
  return spec;
}

/** Positions, quoted names and numbers replaced, so that differences of one kind group together. */
function shape(text: string): string {
  return text
    .replace(/^\[\d+:\d+\]/, '[l:c]')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\[\d+:\d+\]/g, '[l:c]')
    .slice(0, 110);
}

function expectedCodes(kayron: Extract<FuzzCase['kayron'], { ok: false }>): string[] {
  if (kayron.stage === 'load') return LOAD_CODES;
  return CHECKS.find((check) => check.pattern.test(kayron.description))?.codes ?? [];
}

export function compareFuzzCase(fuzzCase: FuzzCase, diagnostics: readonly JsonDiagnostic[]): FuzzOutcome {
  const { id, gen, kayron } = fuzzCase;
  const marked = diagnostics.filter((diagnostic) => diagnostic.kayron);
  const outcome = (differs: Aspect | undefined, expected: string, actual: string, cause?: string): FuzzOutcome => ({
    id,
    gen,
    differs,
    expected,
    actual,
    cause,
  });
  if (kayron.ok) {
    const kayronErrors = diagnostics.filter(
      (diagnostic) => diagnostic.kayron || (diagnostic.severity === 'error' && KAYRON_CODES.has(diagnostic.code)),
    );
    const first = kayronErrors[0];
    if (first)
      return outcome(
        'verdict',
        'pass',
        `${first.file}: ${first.code} ${first.message}`,
        `verdict: Kayron passes, we report ${first.code} "${shape(first.message)}"`,
      );
    return outcome(undefined, 'pass', 'pass');
  }
  const text = kayron.stage === 'load' ? (kayron.description.split('\n')[0] ?? '') : kayron.description;
  const expected = `${kayron.file ?? '-'}: ${text}`;
  const only = marked[0];
  if (marked.length !== 1 || !only || only.severity !== 'error') {
    return outcome(
      'verdict',
      expected,
      marked.length === 0 ? 'pass' : `${marked.length} marked`,
      `verdict: Kayron fails "${shape(text)}", we ${marked.length === 0 ? 'pass' : 'mark several'}`,
    );
  }
  const actual = `${only.file}: ${only.code} ${only.message}`;
  if (!expectedCodes(kayron).includes(only.code))
    return outcome(
      'check',
      expected,
      actual,
      `check: Kayron "${shape(text)}", we ${only.code} "${shape(only.message)}"`,
    );
  if (only.code !== 'no-release-definitions' && only.file !== kayron.file)
    return outcome('file', expected, actual, `file: Kayron "${shape(text)}", we "${shape(only.message)}"`);
  if (!only.message.startsWith(text)) {
    const samePositionlessText = only.message
      .replace(/^\[\d+:\d+\] /, '')
      .startsWith(text.replace(/^\[\d+:\d+\] /, ''));
    const cause = samePositionlessText
      ? `position: "${shape(text)}"`
      : `text: Kayron "${shape(text)}", we "${shape(only.message)}"`;
    return outcome('text', expected, actual, cause);
  }
  return outcome(undefined, expected, actual);
}

export interface FuzzFigures {
  total: number;
  verdict: number;
  check: number;
  file: number;
  text: number;
}

/** Each figure counts the cases that agree on that aspect and every aspect before it (text: all four). */
export function fuzzFigures(outcomes: readonly FuzzOutcome[]): FuzzFigures {
  const order: Aspect[] = ['verdict', 'check', 'file', 'text'];
  const agreeingUpTo = (aspect: Aspect) =>
    outcomes.filter((o) => o.differs === undefined || order.indexOf(o.differs) > order.indexOf(aspect)).length;
  return {
    total: outcomes.length,
    verdict: agreeingUpTo('verdict'),
    check: agreeingUpTo('check'),
    file: agreeingUpTo('file'),
    text: agreeingUpTo('text'),
  };
}

export function percent(count: number, total: number): string {
  return `${((100 * count) / Math.max(1, total)).toFixed(2)} %`;
}

export function formatFigures(figures: FuzzFigures): string {
  const line = (name: string, count: number) =>
    `${name.padEnd(36)} ${percent(count, figures.total).padStart(8)}  (${count}/${figures.total})`;
  return [
    line('verdict agreement', figures.verdict),
    line('check agreement (and verdict)', figures.check),
    line('file agreement (and check)', figures.file),
    line('exact text agreement (all four)', figures.text),
  ].join('\n');
}

/**
 * Lints every case in its own temporary folder (removed afterwards) with the CLI's core. A few cases run at once: the
 * work is mostly file-system waits, which overlap; outcomes keep the corpus order.
 */
export async function runFuzzCases(cases: readonly FuzzCase[], concurrency = 8): Promise<FuzzOutcome[]> {
  const base = mkdtempSync(path.join(tmpdir(), 'kayron-fuzz-'));
  const outcomes: FuzzOutcome[] = new Array<FuzzOutcome>(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < cases.length; index = next++) {
      const fuzzCase = cases[index] as FuzzCase;
      const root = path.join(base, String(index));
      writeTree(root, fuzzTree(fuzzCase));
      try {
        outcomes[index] = compareFuzzCase(fuzzCase, lintDiagnostics(await lintTree(root)));
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return outcomes;
}
