/**
 * Deterministic release files of any size for the benchmark and the incremental-analysis property test:
 * realistic entries (as in the 0xSplits corpus) with a sprinkle of comments, blank lines and the usual mistakes.
 */

/** mulberry32: small, fast and seedable, so every run edits and generates the same texts. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  seed?: number;
  /** Put the one `provider: "cloudformation"` entry first (an infrastructure file). */
  infrastructure?: boolean;
  /** Roughly this share of entries carries a problem (unknown key, bad tag, unquoted number, two strategies). */
  problemRate?: number;
  /** Prefix of docker/github names, so several generated files do not collide. */
  namePrefix?: string;
}

/** One service entry; `i` keeps docker names (and their CloudFormation parameter keys) unique. */
export function serviceEntry(i: number, random: () => number, problemRate = 0, namePrefix = 'svc'): string {
  const name = `${namePrefix}-${i}`;
  const lines = [`- docker: "${name}"`, `  github: "${name}"`, '  deploy:'];
  const roll = random();
  const strategy =
    roll < 0.08
      ? `    branch: "feature/${name}"`
      : roll < 0.12
        ? '    suspend: true'
        : `    release: "v${i % 3}.${i % 50}.${i % 7}"`;
  lines.push(strategy);
  if (random() < 0.05) lines.push('    preview: true');
  if (random() < problemRate) {
    const kind = Math.floor(random() * 4);
    if (kind === 0) lines.push('    webhook: "https://example.com/hook"');
    else if (kind === 1) lines[3] = `    release: "${i % 3}.${i % 50}.${i % 7}"`;
    else if (kind === 2) lines[0] = `- doker: "${name}"`;
    else lines.push(strategy.includes('suspend') ? '    release: "v1.0.0"' : '    suspend: true');
  }
  if (random() < 0.05) lines.splice(2, 0, '  # owned by the platform team');
  const blank = random() < 0.3 ? '\n' : '';
  return `${lines.join('\n')}\n${blank}`;
}

export const INFRASTRUCTURE_ENTRY =
  '- github: "infrastructure"\n  provider: "cloudformation"\n  deploy:\n    release: "v0.9.1"\n\n';

/** A release file with `entries` entries (one of them the infrastructure entry when asked). */
export function generateReleaseFile(entries: number, options: GenerateOptions = {}): string {
  const random = seededRandom(options.seed ?? 1);
  const parts: string[] = ['# Releases deployed by Kayron. Generated for tests and benchmarks.\n\n'];
  let i = 0;
  if (options.infrastructure) {
    parts.push(INFRASTRUCTURE_ENTRY);
    i++;
  }
  for (; i < entries; i++) parts.push(serviceEntry(i, random, options.problemRate ?? 0, options.namePrefix));
  return parts.join('');
}
