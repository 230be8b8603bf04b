// Release notes as plain text for pickers, completion details and modal dialogs: the first sentence that is not a
// heading, with the Markdown taken out.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { markdownToPlainLines, notesSummary } from '../../server/src/notes-text';

test("GitHub's generated notes: the heading is skipped, the first change is the summary, the PR URL a number", () => {
  const notes =
    "## What's Changed\n* Retry GitHub calls with backoff by @xh3b4sd in https://github.com/0xSplits/kayron/pull/125\n\n**Full Changelog**: https://github.com/0xSplits/kayron/compare/v0.5.23...v0.5.24";
  assert.equal(notesSummary(notes), 'Retry GitHub calls with backoff by @xh3b4sd in #125');
});

test('the first sentence only, without emphasis, links or code; setext headings and rules are headings too', () => {
  assert.equal(
    notesSummary(
      'Release notes\n=============\n\nAdds **webhooks** for [Slack](https://slack.com) via `hooks.yaml`. Also fixes a bug.',
    ),
    'Adds webhooks for Slack via hooks.yaml.',
  );
  assert.equal(notesSummary('---\n> _Faster_ reconcile loops! Details below.'), 'Faster reconcile loops!');
  assert.equal(notesSummary('# v1.2.3\n\n- [x] Drops Node 18 (see v1.2.2)'), 'Drops Node 18 (see v1.2.2)');
});

test('headings only, a code block only, or nothing: no summary', () => {
  assert.equal(notesSummary("## What's Changed\n### Fixes"), undefined);
  assert.equal(notesSummary('```\ncode\n```'), undefined);
  assert.equal(notesSummary(''), undefined);
  assert.equal(notesSummary(undefined), undefined);
});

test('a long sentence is cut with an ellipsis within the limit', () => {
  const summary = notesSummary(`Adds ${'very '.repeat(60)}long support`, 40);
  assert.equal(summary?.length, 40);
  assert.ok(summary?.endsWith('…'));
});

test('a dialog gets plain lines: headings as words, items as bullets, links as their text', () => {
  const body =
    '## Services\n\n- **kayron** v0.5.2 → v0.5.3 — [release notes](https://x/r) · [compare](https://x/c)\n\nReleases repository changes: [v0.6.10...abc1234](https://x/compare)';
  assert.deepEqual(markdownToPlainLines(body), [
    'Services',
    '',
    '• kayron v0.5.2 → v0.5.3 — release notes · compare',
    '',
    'Releases repository changes: v0.6.10...abc1234',
  ]);
  const long = markdownToPlainLines(Array.from({ length: 30 }, (_, index) => `- item ${index}`).join('\n'), 5);
  assert.deepEqual(long, ['• item 0', '• item 1', '• item 2', '• item 3', '… (26 more lines in the preview)']);
});
