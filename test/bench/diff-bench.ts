/**
 * Bench figures for the promotion preview's diff (issue 11): time and memory of `unifiedDiff` on a 10,000-entry
 * release file and on a 32,000-line file turned upside down. Each case runs in a child process of its own, so its
 * peak RSS growth is its own. Figures only; targets are printed with PASS/MISS.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { unifiedDiff } from '../../server/src/promotion/text-diff';
import { generateReleaseFile } from './release-files';

const TARGETS = { ms10000: 1000, peakMiB10000: 100 };

const CASES = {
  '10,000 entries, one service bumped': () => {
    const before = generateReleaseFile(10_000, { seed: 3 });
    return [before, before.replace('release: "v1.2.3"', 'release: "v1.2.4"')] as const;
  },
  '10,000 entries, every 10th service bumped, header and tail changed': () => {
    const before = generateReleaseFile(10_000, { seed: 3 });
    let seen = 0;
    const after = before
      .split('\n')
      .map((line) => (line.includes('release:') && seen++ % 10 === 0 ? line.replace(/"v(\d+)/, '"v9$1') : line))
      .join('\n')
      .replace('# Releases', '# releases');
    return [before, `${after}- docker: "new"\n`] as const;
  },
  '32,000 lines, the same lines upside down (worst case: bounded search)': () => {
    const lines = Array.from({ length: 32_000 }, (_, index) => `- docker: "service-${index}"`);
    return [`${lines.join('\n')}\n`, `${[...lines].reverse().join('\n')}\n`] as const;
  },
} as const;

type CaseName = keyof typeof CASES;

interface DiffFigures {
  lines: number;
  diffLines: number;
  ms: number;
  peakMiB: number;
}

function measureInChild(name: CaseName): DiffFigures {
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, name], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '..', '..'),
  });
  if (child.status !== 0) throw new Error(`diff bench "${name}" failed: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout) as DiffFigures;
}

const ms = (value: number): string =>
  value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);

export function previewDiffSection(): string[] {
  const out = [
    '### Promotion preview diff (`unifiedDiff`, Myers O(ND) via the `diff` package; one child process per case)',
    '',
    `Peak memory = growth of the process's peak RSS during the diff. Targets for 10,000 entries: < ${TARGETS.ms10000} ms, < ${TARGETS.peakMiB10000} MiB.`,
    '',
    '| case | lines | diff lines | ms | peak MiB | target | |',
    '|---|---:|---:|---:|---:|---|---|',
  ];
  for (const name of Object.keys(CASES) as CaseName[]) {
    const f = measureInChild(name);
    const tenThousand = name.startsWith('10,000');
    const pass = f.ms < TARGETS.ms10000 && f.peakMiB < TARGETS.peakMiB10000;
    out.push(
      `| ${name} | ${f.lines.toLocaleString('en')} | ${f.diffLines.toLocaleString('en')} | ${ms(f.ms)} | ${f.peakMiB.toFixed(1)} | ${tenThousand ? `< ${TARGETS.ms10000} ms, < ${TARGETS.peakMiB10000} MiB` : 'completes'} | ${tenThousand ? (pass ? 'PASS' : 'MISS') : 'PASS'} |`,
    );
  }
  return out;
}

if (require.main === module) {
  const name = process.argv[2] as CaseName | undefined;
  if (name && name in CASES) {
    const [before, after] = CASES[name]();
    const rssBefore = process.resourceUsage().maxRSS;
    const start = performance.now();
    const diff = unifiedDiff(before, after);
    const elapsed = performance.now() - start;
    const peakMiB = (process.resourceUsage().maxRSS - rssBefore) / 1024;
    const figures: DiffFigures = {
      lines: before.split('\n').length - 1,
      diffLines: diff.split('\n').length - 1,
      ms: elapsed,
      peakMiB,
    };
    process.stdout.write(JSON.stringify(figures));
  } else {
    process.stdout.write(`${previewDiffSection().join('\n')}\n`);
  }
}
