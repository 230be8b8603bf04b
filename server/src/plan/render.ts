/**
 * The plan for people: plain text for the terminal, and Markdown for a pull request comment and the editor's preview
 * (summary line, problems first, the parameter table, previews, collapsible release notes, and the marker by which
 * the comment is found again).
 */
import type { DeploymentPlan, PlanParameter, PlanProblem } from './types';

export const PLAN_MARKER = '<!-- kayron-releases:plan -->';

const SHA = /^[0-9a-f]{40}$/;

function shortValue(value: string | null): string {
  if (value === null) return '—';
  return SHA.test(value) ? value.slice(0, 7) : value;
}

/** `v0.2.0`, `branch feature/x @ 1a2b3c4`, `suspended (keeps v0.1.0)`. */
export function describeValue(label: string | undefined, value: string | null): string {
  if (label === undefined) return 'absent';
  if (label.startsWith('branch ')) return value === null ? `${label} (unresolved)` : `${label} @ ${shortValue(value)}`;
  if (label.startsWith('suspended')) return value === null ? label : `${label} (keeps ${shortValue(value)})`;
  return label;
}

/** One line per changed parameter: "KayronVersion v0.1.0 → v0.2.0 (upgrade)". */
export function parameterSummary(parameter: PlanParameter): string {
  return `${parameter.key} ${describeValue(parameter.beforeLabel, parameter.before)} → ${describeValue(parameter.afterLabel, parameter.after)}`;
}

function counts(plan: DeploymentPlan): { changed: PlanParameter[]; errors: number; warnings: number; byKind: string } {
  const changed = plan.parameters.filter((parameter) => parameter.change !== 'none');
  const kinds = new Map<string, number>();
  for (const parameter of changed) kinds.set(parameter.change, (kinds.get(parameter.change) ?? 0) + 1);
  return {
    changed,
    errors: plan.problems.filter((problem) => problem.severity === 'error').length,
    warnings: plan.problems.filter((problem) => problem.severity === 'warning').length,
    byKind: [...kinds].map(([kind, count]) => `${count} ${kind}`).join(', '),
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function sideText(side: DeploymentPlan['base']): string {
  return side.commit && side.ref !== side.commit ? `${side.ref} (${side.commit.slice(0, 7)})` : side.ref;
}

/** "staging: 3 parameters change (1 upgrade, 1 added, 1 removed); 1 error, 2 warnings". */
export function summaryLine(plan: DeploymentPlan): string {
  const { changed, errors, warnings, byKind } = counts(plan);
  const change =
    changed.length === 0
      ? 'no parameter changes'
      : `${plural(changed.length, 'parameter')} change${changed.length === 1 ? 's' : ''} (${byKind})`;
  const previews = plan.previews.length > 0 ? `, ${plural(plan.previews.length, 'preview')}` : '';
  const problems =
    errors + warnings === 0
      ? 'no problems'
      : [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : '']
          .filter(Boolean)
          .join(', ');
  return `${plan.environment}: ${change}${previews}; ${problems}`;
}

export function renderPlanText(plan: DeploymentPlan): string {
  const lines = [
    `Deployment plan for ${plan.environment}: ${sideText(plan.base)} → ${sideText(plan.head)}`,
    summaryLine(plan),
    '',
  ];
  if (plan.problems.length > 0) {
    lines.push('problems:');
    for (const problem of plan.problems) lines.push(`  ${problem.severity} ${problem.code}: ${problem.message}`);
    lines.push('');
  }
  const rows = plan.parameters.map((parameter) => [
    parameter.key,
    describeValue(parameter.beforeLabel, parameter.before),
    describeValue(parameter.afterLabel, parameter.after),
    parameter.change,
  ]);
  const table = [['PARAMETER', 'BEFORE', 'AFTER', 'CHANGE'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  for (const row of table)
    lines.push(
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
  if (rows.length === 0) lines.push('(no parameters)');
  if (plan.previews.length > 0) {
    lines.push('', 'previews:');
    for (const preview of plan.previews.slice(0, MAX_TABLE_ROWS))
      lines.push(`  ${preview.service} #${preview.pull} ${preview.branch} → ${preview.domain}`);
  }
  for (const note of plan.notes) {
    if (note.releases.length === 0) continue;
    lines.push(
      '',
      `${note.service}${note.breaking ? ' (breaking)' : ''}: ${note.releases.map((release) => release.tag).join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const ICONS = { error: '⛔', warning: '⚠️' } as const;
/** Table rows beyond this are counted, not listed (the JSON has them all): a comment or preview stays readable. */
export const MAX_TABLE_ROWS = 300;

/** Table cells: no line breaks, no column breaks. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  return text === '—' || text === 'absent' ? text : `\`${text.replace(/`/g, "'")}\``;
}

function problemLine(problem: PlanProblem): string {
  return `- ${ICONS[problem.severity]} **${problem.code}**${problem.parameter ? ` (\`${problem.parameter}\`)` : ''} — ${cell(problem.message)}`;
}

export interface MarkdownOptions {
  /** Web root and repository of the services, for links to their releases (`https://github.com`, owner). */
  webUrl?: string | undefined;
  owner?: string | undefined;
  /** Leave out the marker (the editor preview). */
  marker?: boolean;
}

/** The plan as a pull request comment (and the editor's preview). */
export function renderPlanMarkdown(plan: DeploymentPlan, options: MarkdownOptions = {}): string {
  const { changed } = counts(plan);
  const lines: string[] = [];
  if (options.marker !== false) lines.push(PLAN_MARKER);
  lines.push(`### Kayron deployment plan: ${plan.environment}`, '');
  const errors = plan.problems.filter((problem) => problem.severity === 'error').length;
  lines.push(
    `${errors > 0 ? '⛔' : plan.problems.length > 0 ? '⚠️' : '✅'} **${cell(summaryLine(plan))}** — \`${cell(sideText(plan.base))}\` → \`${cell(sideText(plan.head))}\``,
    '',
  );
  if (plan.problems.length > 0) {
    lines.push('#### Problems', '');
    for (const problem of plan.problems) lines.push(problemLine(problem));
    lines.push('');
  }
  const unchanged = plan.parameters.filter((parameter) => parameter.change === 'none');
  lines.push('#### Parameters', '');
  if (changed.length > 0) {
    lines.push('| Parameter | Before | After | Change |', '| --- | --- | --- | --- |');
    for (const parameter of changed.slice(0, MAX_TABLE_ROWS)) {
      lines.push(
        `| \`${parameter.key}\` | ${code(cell(describeValue(parameter.beforeLabel, parameter.before)))} | ${code(cell(describeValue(parameter.afterLabel, parameter.after)))} | ${parameter.change} |`,
      );
    }
    if (changed.length > MAX_TABLE_ROWS)
      lines.push(
        '',
        `…and ${changed.length - MAX_TABLE_ROWS} more changed parameters (\`kayron-releases plan --json\` lists them all).`,
      );
  } else {
    lines.push('No parameter changes.');
  }
  if (unchanged.length > 0) {
    lines.push(
      '',
      `<details><summary>${plural(unchanged.length, 'unchanged parameter')}</summary>`,
      '',
      '| Parameter | Value |',
      '| --- | --- |',
    );
    for (const parameter of unchanged.slice(0, MAX_TABLE_ROWS))
      lines.push(`| \`${parameter.key}\` | ${code(cell(describeValue(parameter.afterLabel, parameter.after)))} |`);
    if (unchanged.length > MAX_TABLE_ROWS) lines.push('', `…and ${unchanged.length - MAX_TABLE_ROWS} more.`);
    lines.push('', '</details>');
  }
  lines.push('');
  if (plan.previews.length > 0) {
    lines.push('#### Previews', '', '| Service | Pull request | Branch | Domain |', '| --- | --- | --- | --- |');
    for (const preview of plan.previews.slice(0, MAX_TABLE_ROWS))
      lines.push(
        `| ${cell(preview.service)} | #${preview.pull} | \`${cell(preview.branch)}\` | \`${preview.domain}\` |`,
      );
    lines.push('');
  }
  const withReleases = plan.notes.filter((note) => note.releases.length > 0);
  if (withReleases.length > 0) {
    lines.push('#### Release notes', '');
    for (const note of withReleases) {
      const parameter = plan.parameters.find(
        (candidate) => candidate.service === note.service && candidate.change === 'upgrade',
      );
      const range = parameter ? ` ${parameter.before} → ${parameter.after}` : '';
      lines.push(
        `<details><summary><b>${escapeHtml(note.service)}</b>${escapeHtml(range)} — ${plural(note.releases.length, 'release')}${note.breaking ? ' ⚠️ breaking' : ''}</summary>`,
        '',
      );
      for (const release of note.releases) {
        const title = release.url ? `[${release.tag}](${release.url})` : release.tag;
        lines.push(
          `##### ${title}${release.name && release.name !== release.tag ? ` — ${cell(release.name)}` : ''}${release.publishedAt ? ` (${release.publishedAt.slice(0, 10)})` : ''}`,
          '',
        );
        if (release.body.trim() !== '') lines.push(release.body.trim(), '');
      }
      lines.push('</details>', '');
    }
  }
  lines.push(
    `<sub>Kayron Releases · base \`${cell(plan.base.commit ?? plan.base.ref)}\` · head \`${cell(plan.head.commit ?? plan.head.ref)}\`${plan.head.ref === 'working tree' ? ' (working tree)' : ''}</sub>`,
  );
  return `${lines.join('\n').trimEnd()}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
