/**
 * The Markdown of promotions: the preview shown before anything runs (exactly what will change, the checks, and the
 * requests that will be sent), and the service lines that release notes and pull-request bodies share with it.
 */
import { describeValue } from '../plan/render';
import { short } from './flow';
import type { PromotionPlan, ServiceChange } from './types';

/** Release notes in previews and bodies are cut to this many lines. */
const NOTES_LINES = 6;

/** The first lines of release notes, without blank ones; undefined when there is nothing to show. */
export function excerpt(notes: string | undefined): string | undefined {
  if (!notes) return undefined;
  const lines = notes.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return undefined;
  return lines.length > NOTES_LINES ? `${lines.slice(0, NOTES_LINES).join('\n')}\n…` : lines.join('\n');
}

export function changeLine(change: ServiceChange): string {
  const links = [
    change.releaseNotesUrl ? `[release notes](${change.releaseNotesUrl})` : '',
    change.compareUrl ? `[compare](${change.compareUrl})` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return `- **${change.service}** ${change.from} → ${change.to}${links ? ` — ${links}` : ''}`;
}

export function notesBlock(change: ServiceChange): string[] {
  return change.notes ? change.notes.split('\n').map((line) => `  > ${line}`) : [];
}

/** Words, not emoji: an emoji glyph depends on the fonts installed, a word reads the same everywhere. */
const CHECK_LABEL = { ok: 'OK', warning: 'Warning', error: 'Failed' } as const;

/** The Markdown preview: exactly what will change, the checks, and the requests that will be sent. */
export function renderPreview(plan: PromotionPlan): string {
  const lines = [
    `# ${plan.title}`,
    '',
    `Releases repository: ${plan.repository.owner}/${plan.repository.repo} (default branch \`${plan.repository.defaultBranch}\`)`,
    '',
  ];
  if (plan.nothingToDo) lines.push(`**Nothing to do:** ${plan.nothingToDo}`, '');
  if (plan.blocked) lines.push('**Blocked** — fix the failed checks below and preview again.', '');
  for (const line of plan.summary) lines.push(`- ${line}`);
  if (plan.summary.length > 0) lines.push('');
  if (plan.checks.length > 0) {
    lines.push('## Checks', '');
    for (const check of plan.checks) lines.push(`- ${CHECK_LABEL[check.status]}: **${check.title}** — ${check.detail}`);
    lines.push('');
  }
  if (plan.changes.length > 0) {
    lines.push('## Services', '');
    for (const change of plan.changes) lines.push(changeLine(change), ...notesBlock(change));
    lines.push('');
  }
  const changedParameters = (plan.parameters ?? []).filter((parameter) => parameter.change !== 'none');
  if (changedParameters.length > 0) {
    lines.push(
      '## CloudFormation parameters',
      '',
      '| Parameter | Before | After | Change |',
      '| --- | --- | --- | --- |',
    );
    for (const parameter of changedParameters)
      lines.push(
        `| \`${parameter.key}\` | ${describeValue(parameter.beforeLabel, parameter.before)} | ${describeValue(parameter.afterLabel, parameter.after)} | ${parameter.change} |`,
      );
    lines.push('');
  }
  if (plan.release) {
    lines.push(
      '## Release',
      '',
      `- Tag: \`${plan.release.tag}\` (previous: ${plan.release.previousTag ? `\`${plan.release.previousTag}\`` : 'none'})`,
      `- Target commit: \`${plan.release.targetCommit}\``,
      `- Title: ${plan.release.name}`,
      '',
      '### Notes',
      '',
      plan.release.body,
      '',
    );
  }
  if (plan.pullRequest) {
    const existing = plan.pullRequest.existing
      ? ` — already open: [#${plan.pullRequest.existing.number}](${plan.pullRequest.existing.url})`
      : '';
    lines.push(
      '## Pull request',
      '',
      `- Title: ${plan.pullRequest.title}${existing}`,
      `- Branch: \`${plan.pullRequest.branch}\` → \`${plan.pullRequest.base}\``,
      '',
      '### Body',
      '',
      plan.pullRequest.body,
      '',
    );
  }
  if (plan.testing) {
    lines.push(
      '## Testing branch',
      '',
      `- \`${plan.testing.branch}\`: ${plan.testing.exists ? `at ${short(plan.testing.from)}` : 'does not exist yet (created from the default branch)'}${plan.testing.to ? ` → ${short(plan.testing.to)}` : ''}`,
      '',
    );
  }
  if (plan.files.length > 0) {
    lines.push('## Files', '');
    for (const file of plan.files) lines.push(`### ${file.path}`, '', '```diff', file.diff.trimEnd(), '```', '');
  }
  if (plan.calls.length > 0) {
    lines.push('## GitHub requests', '');
    for (const call of plan.calls) lines.push(`- \`${call.method} ${call.path}\` — ${call.purpose}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
