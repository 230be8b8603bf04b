/**
 * Inline environment hints: after each `deploy:` key of a release file, what the other environments run for that
 * service where it differs from the text (`testing branch feature/x · prod v0.5.1`). Pure: decoded entries and a
 * status matrix in, hint texts and offsets out; the server turns them into LSP inlay hints. Row keys come from
 * `serviceKeys` of the entry model, the rule the environment snapshots name rows by.
 */
import { entryId, entryStrategyLabel } from '../kayron/entry-model';
import type { MatrixEnvironment, StatusMatrix } from './matrix';
import type { DecodedEntry } from '../yaml/decode';

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

/**
 * One hint per entry with a `deploy` key, about every environment except development (the text being edited is
 * development) that could be read. Entries whose key no environment knows get none.
 */
export function environmentHints(
  text: string,
  relativePath: string,
  entries: readonly DecodedEntry[],
  keys: ReadonlyMap<string, string>,
  matrix: StatusMatrix,
): EnvironmentHint[] {
  const environments = matrix.environments.filter(
    (environment) => environment.kind !== 'development' && !environment.error,
  );
  if (environments.length === 0) return [];
  const rows = new Map(matrix.rows.map((row) => [row.key, row]));
  const hints: EnvironmentHint[] = [];
  for (const entry of entries) {
    if (!entry.deploy) continue;
    const key = keys.get(entryId(relativePath, entry.index));
    const row = key === undefined ? undefined : rows.get(key);
    if (!row) continue;
    const here = entryStrategyLabel(entry);
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
      const notes = [cell?.hasErrors ? 'Kayron rejects it there' : '', environment.fallback ?? '']
        .filter(Boolean)
        .join('; ');
      tooltip.push(
        `- ${environment.name}: \`${cell?.present ? cell.label : 'not defined'}\`${where ? ` (${where})` : ''}${notes ? ` — ${notes}` : ''}`,
      );
    }
    const label =
      absent.length === environments.length
        ? `not in ${absent.join(', ')}`
        : differing.length > 0
          ? differing.join(' · ')
          : `same in ${same.join(', ')}`;
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
