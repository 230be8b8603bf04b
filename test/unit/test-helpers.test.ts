/** The marker and lint helpers the other unit tests rely on. */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { compareWalkOrder } from '../../server/src/kayron/entry-model';
import { lintFiles, lintText, parseCursor, parseRanges, toLspRange } from '../helpers/cursor';

describe('marker helpers', () => {
  test('parseCursor removes the marker and returns its offset', () => {
    assert.deepEqual(parseCursor('- docker: "ka|yron"\n'), { text: '- docker: "kayron"\n', offset: 13 });
    assert.deepEqual(parseCursor('release: |\n  v1^\n', '^'), { text: 'release: |\n  v1\n', offset: 15 });
  });

  test('parseCursor rejects a missing or repeated marker', () => {
    assert.throws(() => parseCursor('no marker'));
    assert.throws(() => parseCursor('a|b|c'));
  });

  test('parseRanges returns ranges in order of their opening marker, nested ranges included', () => {
    assert.deepEqual(parseRanges('- «docker»: «"«BAD»"»\n'), {
      text: '- docker: "BAD"\n',
      ranges: [
        [2, 8],
        [10, 15],
        [11, 14],
      ],
    });
    assert.throws(() => parseRanges('«unbalanced'));
    assert.throws(() => parseRanges('unbalanced»'));
  });

  test('toLspRange counts 0-based lines and UTF-16 characters, across CRLF', () => {
    assert.deepEqual(toLspRange('a\r\n\u{1f600}bc', [5, 6]), { line: 1, character: 2, endLine: 1, endCharacter: 3 });
  });

  test("compareWalkOrder sorts like Kayron's depth-first walk", () => {
    const paths = [
      'service.yaml',
      'service/b.yaml',
      'service-x/a.yaml',
      'service/a/z.yaml',
      'infrastructure/i.yaml',
      'Service/q.yaml',
    ];
    assert.deepEqual([...paths].sort(compareWalkOrder), [
      'Service/q.yaml',
      'infrastructure/i.yaml',
      'service/a/z.yaml',
      'service/b.yaml',
      'service-x/a.yaml',
      'service.yaml',
    ]);
  });
});

describe('lint helpers', () => {
  test('lintText returns tuples with the verdict flagged', () => {
    const result = lintText('- docker: "kayron"\n  github: "kayron"\n');
    assert.deepEqual(
      result.tuples.filter((tuple) => tuple.kayron),
      [{ code: 'deploy-missing', line: 0, character: 2, endLine: 0, endCharacter: 8, kayron: true }],
    );
    assert.equal(result.verdict?.relativePath, 'service/x.yaml');
    assert.equal(result.entryCount, 1);
  });

  test('lintFiles drops files Kayron never walks and keeps .yml near misses for their warning', () => {
    const result = lintFiles({ 'other/x.yaml': '- broken: [', 'service/x.yml': '', 'service/y.yaml': '[]' });
    assert.deepEqual(
      result.analyses.map((analysis) => analysis.relativePath),
      ['service/x.yml', 'service/y.yaml'],
    );
  });
});
