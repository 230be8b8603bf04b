// Folding: entries, deploy mappings and comment runs, by 0-based line.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { analyzeReleaseFile } from '../../server/src/features/validate';
import { foldingRanges, lineAt, lineStartsOf } from '../../server/src/features/folding-ranges';
import { parseRanges } from '../helpers/cursor';

function foldsOf(text: string) {
  return foldingRanges(text, analyzeReleaseFile('service/service.yaml', text).decoded?.entries ?? []);
}

/** The line span of each «…» range, as folds would report it. */
function markedLines(marked: string): { text: string; spans: { startLine: number; endLine: number }[] } {
  const { text, ranges } = parseRanges(marked);
  const starts = lineStartsOf(text);
  return {
    text,
    spans: ranges.map(([start, end]) => ({ startLine: lineAt(starts, start), endLine: lineAt(starts, end) })),
  };
}

describe('folding ranges', () => {
  test('each entry and its deploy mapping fold, ending on their last line (not the blank line after)', () => {
    const { text, spans } = markedLines(
      '«- docker: "a"\n  github: "a"\n  «deploy:\n    release: "v1.0.0"\n    preview: true»»\n\n«- docker: "b"\n  github: "b"\n  «deploy:\n    branch: "main"»»\n',
    );
    const [firstEntry, firstDeploy, secondEntry, secondDeploy] = spans;
    assert.deepEqual(foldsOf(text), [firstEntry, firstDeploy, secondEntry, secondDeploy]);
  });

  test('runs of comment lines fold as comments; one comment line and one-line entries do not fold', () => {
    const { text, spans } = markedLines(
      '«# services\n  # maintained by the platform team»\n- {docker: "a", github: "a", deploy: {release: "v1.0.0"}}\n# single\n',
    );
    assert.deepEqual(foldsOf(text), [{ ...spans[0], kind: 'comment' }]);
  });

  test('CRLF line breaks and a file that does not decode', () => {
    assert.deepEqual(foldsOf('- docker: "a"\r\n  github: "a"\r\n  deploy: {release: "v1.0.0"}\r\n'), [
      { startLine: 0, endLine: 2 },
    ]);
    assert.deepEqual(foldsOf('- docker: "a\n  github: "a"\n'), []);
  });

  test('lineAt finds the line of any offset', () => {
    const text = 'ab\n\ncd\n';
    const starts = lineStartsOf(text);
    assert.deepEqual(
      [0, 2, 3, 4, 6, 7].map((offset) => lineAt(starts, offset)),
      [0, 0, 1, 2, 2, 3],
    );
  });
});
