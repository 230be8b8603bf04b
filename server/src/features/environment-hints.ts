/**
 * Inline environment hints: after each `deploy:` key of a release file, what the other environments run for that
 * service where it differs from the text (`testing branch feature/x · prod v0.5.1`). Pure: decoded entries and a
 * status matrix in, hint texts and offsets out; the server turns them into LSP inlay hints.
 */
import { CLOUDFORMATION_PROVIDER } from '../kayron/grammar';
import { strategyLabel, type MatrixEnvironment, type StatusMatrix } from '../environments/matrix';
import type { DeployStrategy } from '../environments/snapshot';
import type { DecodedEntry } from '../yaml/decode';

export interface EntrySource {
  relativePath: string;
  loadedByKayron: boolean;
  entries: readonly DecodedEntry[];
}

/**
 * The matrix row key of every entry, by file and `Labels.Block` index: the docker name (the github name for the
 * infrastructure release), with `#2`, `#3`… for later duplicates across files in walk order. The same rule as the
 * environment snapshots use, so a hint finds the row its entry became.
 */
export function serviceKeys(files: readonly EntrySource[]): Map<string, string> {
  const keys = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const file of files) {
    if (!file.loadedByKayron) continue;
    for (const entry of file.entries) {
      const docker = entry.docker?.value ?? '';
      const github = entry.github?.value ?? '';
      const provider = entry.provider?.value ?? '';
      const isInfrastructure = provider === CLOUDFORMATION_PROVIDER || (provider !== '' && docker === '');
      const name = (isInfrastructure ? github || docker : docker || github) || `${file.relativePath}#${entry.index}`;
      const occurrence = (seen.get(name) ?? 0) + 1;
      seen.set(name, occurrence);
      keys.set(entryId(file.relativePath, entry.index), occurrence === 1 ? name : `${name}#${occurrence}`);
    }
  }
  return keys;
}

export function entryId(relativePath: string, index: number): string {
  return `${relativePath}\0${index}`;
}

/** Short names keep the hint on one line; custom environments keep their own name. */
export function environmentShortName(environment: Pick<MatrixEnvironment, 'name' | 'kind'>): string {
  return environment.kind === 'production' ? 'prod' : environment.name;
}

export interface EnvironmentHint {
  /** Offset in the file text where the hint goes: the end of the `deploy:` line. */
  offset: number;
  /**
   * The environments that run something else than this text says, `testing branch feature/x · prod v0.5.1`, or
   * `same in testing, staging, prod`, or for a new service `not in testing, staging, prod`. Only differences are spelled
   * out, to keep the line short (the manifest lifts VS Code's 43-character cap for release files, so a hint is never cut
   * off with room to spare); the tooltip lists every environment.
   */
  label: string;
  /** Markdown: one line per environment with its ref and commit. */
  tooltip: string;
}

const ABSENT = '—';

/** What this entry's text deploys, in the matrix's words (`v0.5.3`, `branch feature/x`, `suspended`, `preview`). */
export function entryLabel(entry: DecodedEntry): string {
  const deploy = entry.deploy;
  const preview = deploy?.preview?.value === true;
  const strategy: DeployStrategy =
    deploy?.release && deploy.release.value !== ''
      ? { kind: 'release', value: deploy.release.value }
      : deploy?.branch && deploy.branch.value !== ''
        ? { kind: 'branch', value: deploy.branch.value }
        : deploy?.suspend?.value === true
          ? { kind: 'suspend', value: '' }
          : { kind: 'none', value: '' };
  return strategyLabel(strategy, preview);
}

/**
 * One hint per entry with a `deploy` key, about every environment except development (the text being edited is
 * development) that could be read. Entries whose key no environment knows get none.
 */
export function environmentHints(text: string, relativePath: string, entries: readonly DecodedEntry[], keys: ReadonlyMap<string, string>, matrix: StatusMatrix): EnvironmentHint[] {
  const environments = matrix.environments.filter((environment) => environment.kind !== 'development' && !environment.error);
  if (environments.length === 0) return [];
  const rows = new Map(matrix.rows.map((row) => [row.key, row]));
  const hints: EnvironmentHint[] = [];
  for (const entry of entries) {
    if (!entry.deploy) continue;
    const key = keys.get(entryId(relativePath, entry.index));
    const row = key === undefined ? undefined : rows.get(key);
    if (!row) continue;
    const here = entryLabel(entry);
    const differing: string[] = [];
    const same: string[] = [];
    const absent: string[] = [];
    const tooltip: string[] = [`**${key}** here: \`${here}\``, ''];
    for (const environment of environments) {
      const cell = row.cells[environment.name];
      const label = cell?.present ? cell.label : ABSENT;
      if (label === here) same.push(environmentShortName(environment));
      else differing.push(`${environmentShortName(environment)} ${label}`);
      if (!cell?.present) absent.push(environmentShortName(environment));
      const where = [environment.ref, environment.shortCommit].filter(Boolean).join(' @ ');
      const notes = [cell?.hasErrors ? 'Kayron rejects it there' : '', environment.fallback ?? ''].filter(Boolean).join('; ');
      tooltip.push(`- ${environment.name}: \`${cell?.present ? cell.label : 'not defined'}\`${where ? ` (${where})` : ''}${notes ? ` — ${notes}` : ''}`);
    }
    const label = absent.length === environments.length ? `not in ${absent.join(', ')}` : differing.length > 0 ? differing.join(' · ') : `same in ${same.join(', ')}`;
    hints.push({ offset: endOfLine(text, entry.deploy.key[1]), label, tooltip: tooltip.join('\n') });
  }
  return hints;
}

/** End of the line holding `offset`, before trailing blanks and `\r`. */
function endOfLine(text: string, offset: number): number {
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  while (end > offset && (text[end - 1] === '\r' || text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return end;
}
