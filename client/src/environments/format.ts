/**
 * Texts and flags of the environments tree, kept free of `vscode` so unit tests can check them: descriptions, ages,
 * drift wording and the flag-style contextValues that package.json's menus match with `viewItem =~ /flag/`.
 */
import {
  relativeTime,
  type MatrixCell,
  type MatrixEnvironment,
  type MatrixRow,
  type OutdatedMarker,
  type RootEnvironments,
} from '../../../server/src/protocol';

/** `3 days ago`; undefined without a parsable date (the same wording as the server's hovers and completion). */
export const age = relativeTime;

/** Space-separated flags in a fixed order, e.g. `service drift atRef release`. */
export function contextValue(kind: string, flags: Record<string, boolean | undefined>): string {
  return [
    kind,
    ...Object.entries(flags)
      .filter(([, on]) => on)
      .map(([flag]) => flag),
  ].join(' ');
}

/** Whether git can read the environment: it has a commit (or is the working tree) and its files were read. */
export function isReadable(environment: MatrixEnvironment): boolean {
  return !environment.error && (environment.workingTree === true || environment.commit !== undefined);
}

/** Environment node description: `origin/main · a1b2c3d · 3 days ago · v0.5.3`, with the notes that matter at a glance. */
export function environmentDescription(environment: MatrixEnvironment, now: number): string {
  if (environment.error && !environment.commit) return environment.unavailable ?? environment.error;
  const parts: string[] = [];
  if (environment.workingTree) parts.push(`working tree${environment.ref ? ` (${environment.ref})` : ''}`);
  else if (environment.ref) parts.push(environment.ref);
  if (environment.shortCommit) parts.push(environment.shortCommit);
  const when = age(environment.date, now);
  if (when && !environment.workingTree) parts.push(when);
  if (environment.tag && environment.tag !== environment.ref) parts.push(environment.tag);
  if (environment.fallback) parts.push(environment.kind === 'production' ? 'local tag: GitHub unknown' : 'fallback');
  const lvr = environment.localVsRemote;
  // Development compares with its upstream; the others name the local branch that is ahead of or behind the ref read.
  if (lvr && (lvr.ahead > 0 || lvr.behind > 0))
    parts.push(`${environment.workingTree ? '' : `${lvr.local} `}${lvr.ahead}↑ ${lvr.behind}↓`);
  if (environment.behindRemote) parts.push('fetch to update');
  if (environment.error) parts.push('not readable');
  else if (environment.verdict) parts.push('lint fails');
  return parts.join(' · ');
}

/** Markdown lines for the environment tooltip (what was read, and every note the model made). */
export function environmentDetails(environment: MatrixEnvironment, now: number): string[] {
  const lines = [
    `**${environment.name}**${environment.workingTree ? ' — the working tree with unsaved editor contents' : ''}`,
    '',
  ];
  if (environment.ref) lines.push(`- ref: \`${environment.ref}\``);
  if (environment.commit)
    lines.push(
      `- commit: \`${environment.commit}\`${environment.date ? ` (${environment.date}, ${age(environment.date, now) ?? ''})` : ''}`,
    );
  if (environment.tag) lines.push(`- tag: \`${environment.tag}\``);
  if (environment.nextStage) lines.push(`- promoted into: ${environment.nextStage}`);
  lines.push(`- services: ${environment.serviceCount}`);
  if (environment.fallback) lines.push(`- fallback: ${environment.fallback}`);
  if (environment.unavailable) lines.push(`- unavailable: ${environment.unavailable}`);
  if (environment.remoteNote) lines.push(`- remote: ${environment.remoteNote}`);
  const lvr = environment.localVsRemote;
  if (lvr && (lvr.ahead > 0 || lvr.behind > 0))
    lines.push(`- local \`${lvr.local}\` is ${lvr.ahead} ahead, ${lvr.behind} behind \`${lvr.remote}\``);
  if (environment.error) lines.push(`- not readable: ${environment.error}`);
  if (environment.verdict)
    lines.push(`- \`kayron lint\` would fail: ${environment.verdict.file}: ${firstLine(environment.verdict.message)}`);
  for (const problem of environment.problems)
    if (problem.message !== environment.verdict?.message)
      lines.push(`- ${problem.file}: ${firstLine(problem.message)}`);
  return lines;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** `≠ staging v0.5.1`, `new vs staging`, `removed (staging: v0.5.1)`; undefined without drift. */
export function driftText(cell: MatrixCell): string | undefined {
  const drift = cell.drift;
  if (!drift) return undefined;
  switch (drift.kind) {
    case 'changed':
      return `≠ ${drift.against} ${drift.nextLabel ?? ''}`.trimEnd();
    case 'added':
      return `new vs ${drift.against}`;
    case 'removed':
      return `removed (${drift.against}: ${drift.nextLabel ?? '?'})`;
  }
}

/** `↑ v0.6.0`: a newer release of the pinned service exists on GitHub. */
export function outdatedText(outdated: OutdatedMarker): string {
  return `↑ ${outdated.latest}`;
}

/** The outdated marker of a cell: only release pins can be outdated (the server marks nothing else). */
export function cellOutdated(
  root: RootEnvironments,
  row: MatrixRow,
  environment: MatrixEnvironment,
): OutdatedMarker | undefined {
  const cell = row.cells[environment.name];
  return cell?.present && cell.strategy?.kind === 'release' ? root.outdated?.[row.key]?.[environment.name] : undefined;
}

/** Service cell description: what runs (`v0.5.3`, `branch feature/x`, `suspended`, `preview`), then drift, a newer release and errors. */
export function cellDescription(cell: MatrixCell, outdated?: OutdatedMarker): string {
  const parts = [cell.present ? cell.label : 'not defined'];
  const drift = driftText(cell);
  if (drift) parts.push(drift);
  if (outdated) parts.push(outdatedText(outdated));
  if (cell.hasErrors) parts.push('errors at this ref');
  return parts.join(' · ');
}

/** The cells worth a node: defined ones, and undefined ones whose absence is a drift (the service goes away). */
export function visibleCell(cell: MatrixCell | undefined): cell is MatrixCell {
  return cell !== undefined && (cell.present || cell.drift !== undefined);
}

/**
 * Service group description: what all environments run, or which environments are the odd ones out — those that do not
 * run what most of them run (`production differs (others v0.2.3)`), or, without a majority, that they differ.
 */
export function serviceSummary(row: MatrixRow, environments: readonly MatrixEnvironment[]): string {
  const readable = environments.filter(isReadable);
  const byLabel = new Map<string, string[]>();
  for (const environment of readable) {
    const cell = row.cells[environment.name];
    const label = cell?.present ? cell.label : 'not defined';
    byLabel.set(label, [...(byLabel.get(label) ?? []), environment.name]);
  }
  if (byLabel.size === 0) return '';
  if (byLabel.size === 1) {
    const [label] = [...byLabel.keys()];
    return label === 'not defined' ? '' : `${label!} everywhere`;
  }
  const groups = [...byLabel].sort((a, b) => b[1].length - a[1].length);
  const [majority, runnerUp] = groups;
  if (!majority || majority[1].length < 2 || (runnerUp && runnerUp[1].length === majority[1].length)) {
    return `differs across ${readable.map((environment) => environment.name).join(', ')}`;
  }
  const odd = readable
    .filter((environment) => !majority[1].includes(environment.name))
    .map((environment) => environment.name);
  return `${odd.join(', ')} ${odd.length === 1 ? 'differs' : 'differ'} (others ${majority[0]})`;
}

/** What "copy version" copies: the cell's tag or branch, or for an environment its tag, else its commit. */
export function versionToCopy(target: {
  cell?: MatrixCell | undefined;
  environment?: MatrixEnvironment | undefined;
}): string | undefined {
  if (target.cell) return target.cell.strategy?.value || (target.cell.present ? target.cell.label : undefined);
  return target.environment?.tag ?? target.environment?.commit;
}

/** The release page of a pinned service (`<web>/<owner>/<github>/releases/tag/<tag>`), or of production's tag. */
export function releasePageUrl(
  root: RootEnvironments,
  target: { github?: string | undefined; tag: string | undefined },
): string | undefined {
  const info = root.github;
  const repo = target.github ?? info?.repo;
  if (!info || !repo || !target.tag) return undefined;
  return `${info.webUrl}/${encodeURIComponent(info.owner)}/${encodeURIComponent(repo)}/releases/tag/${encodeURIComponent(target.tag)}`;
}

/** A name for an environment snapshot in URIs and tab titles: `staging@a1b2c3d`. */
export function snapshotName(environment: MatrixEnvironment): string {
  return environment.shortCommit ? `${environment.name}@${environment.shortCommit}` : environment.name;
}
