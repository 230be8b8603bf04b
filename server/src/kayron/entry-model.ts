/**
 * The one model of a release entry that every feature reads: what it deploys (kayron-spec §2.1, §2.3 a–b), the
 * service key that names it across environments, and the order Kayron walks release files in (§1.4). Rules, snapshots,
 * hints, palette flows, promotion and plans ask this module instead of reading `deploy` themselves, so an entry that
 * names two strategies reads "conflict" everywhere, as Kayron rejects it.
 */
import { compareGoStrings } from './loader';
import { CLOUDFORMATION_PROVIDER } from './grammar';
import type { DecodedEntry } from '../yaml/decode';

export type Strategy = 'branch' | 'release' | 'suspend';
/** Kayron lists enabled strategies in this fixed order (the `enabled` context of its conflict error). */
export const STRATEGY_ORDER: readonly Strategy[] = ['branch', 'release', 'suspend'];

export type StrategyKind = Strategy | 'none' | 'conflict';

/**
 * What an entry deploys. `none`: no strategy (preview alone is not one, §2.1). `conflict`: more than one strategy is
 * set, so Kayron rejects the file and deploys none of them.
 */
export type DeployStrategy =
  | { kind: Strategy | 'none'; /** The tag for `release`, the branch for `branch`, `''` otherwise. */ value: string }
  | { kind: 'conflict'; value: ''; /** The strategies set, in Kayron's order. */ enabled: readonly Strategy[] };

/** The strategies an entry sets: empty strings and `suspend: false` are the same as absent (§2.1). */
export function enabledStrategies(entry: DecodedEntry): Strategy[] {
  const deploy = entry.deploy;
  if (!deploy) return [];
  return STRATEGY_ORDER.filter((strategy) =>
    strategy === 'suspend' ? deploy.suspend?.value === true : (deploy[strategy]?.value ?? '') !== '',
  );
}

export function deployStrategyOf(entry: DecodedEntry): DeployStrategy {
  const enabled = enabledStrategies(entry);
  if (enabled.length > 1) return { kind: 'conflict', value: '', enabled };
  switch (enabled[0]) {
    case 'release':
      return { kind: 'release', value: entry.deploy?.release?.value ?? '' };
    case 'branch':
      return { kind: 'branch', value: entry.deploy?.branch?.value ?? '' };
    case 'suspend':
      return { kind: 'suspend', value: '' };
    default:
      return { kind: 'none', value: '' };
  }
}

export function hasPreview(entry: DecodedEntry): boolean {
  return entry.deploy?.preview?.value === true;
}

/**
 * The one user-facing wording of a strategy, in the matrix, the inline hints, the palette, the outline, plans and
 * `status`: `v0.5.3`, `branch feature/x`, `suspended`, `preview` (previews alone), `no strategy`,
 * `conflict (branch, release)`; with ` +preview` when previews are on as well.
 */
export function strategyLabel(strategy: DeployStrategy, preview: boolean): string {
  let base: string;
  switch (strategy.kind) {
    case 'release':
      base = strategy.value;
      break;
    case 'branch':
      base = `branch ${strategy.value}`;
      break;
    case 'suspend':
      base = 'suspended';
      break;
    case 'conflict':
      base = `conflict (${strategy.enabled.join(', ')})`;
      break;
    case 'none':
      base = preview ? 'preview' : 'no strategy';
      break;
  }
  return preview && strategy.kind !== 'none' ? `${base} +preview` : base;
}

/** The entry's own label: `strategyLabel` of what it deploys. */
export function entryStrategyLabel(entry: DecodedEntry): string {
  return strategyLabel(deployStrategyOf(entry), hasPreview(entry));
}

/** The infrastructure release: `provider: cloudformation`, or any provider without a docker name. */
export function isInfrastructureEntry(entry: DecodedEntry): boolean {
  const provider = entry.provider?.value ?? '';
  return provider === CLOUDFORMATION_PROVIDER || (provider !== '' && (entry.docker?.value ?? '') === '');
}

/** The name a service goes by: its docker name, the github name for the infrastructure release; `''` when neither. */
export function serviceNameOf(entry: DecodedEntry): string {
  const docker = entry.docker?.value ?? '';
  const github = entry.github?.value ?? '';
  return isInfrastructureEntry(entry) ? github || docker : docker || github;
}

export interface EntrySource {
  relativePath: string;
  loadedByKayron: boolean;
  entries: readonly DecodedEntry[];
}

export function entryId(relativePath: string, index: number): string {
  return `${relativePath}\0${index}`;
}

/**
 * The service key of every entry Kayron loads, by `entryId`: its service name (or `file#index` without one), with
 * `#2`, `#3`… for later duplicates. `files` must be in walk order: the key is a row's identity across environments.
 */
export function serviceKeys(files: readonly EntrySource[]): Map<string, string> {
  const keys = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const file of files) {
    if (!file.loadedByKayron) continue;
    for (const entry of file.entries) {
      const name = serviceNameOf(entry) || `${file.relativePath}#${entry.index}`;
      const occurrence = (seen.get(name) ?? 0) + 1;
      seen.set(name, occurrence);
      keys.set(entryId(file.relativePath, entry.index), occurrence === 1 ? name : `${name}#${occurrence}`);
    }
  }
  return keys;
}

/**
 * Kayron's walk order of two release-file paths: a depth-first walk with each folder's names in Go byte order equals
 * comparing the paths segment by segment (not as whole strings: `a/x` is walked before `a-b/x`).
 */
export function compareWalkOrder(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareGoStrings(left[i] ?? '', right[i] ?? '');
    if (order !== 0) return order;
  }
  return left.length - right.length;
}
