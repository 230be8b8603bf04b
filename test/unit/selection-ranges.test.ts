// Smart select: quoted text → value → key: value → deploy mapping → deploy pair → entry → list → file.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { analyzeReleaseFile } from '../../server/src/features/validate';
import { selectionChain, toSelectionRange } from '../../server/src/features/selection-ranges';
import { parseCursor } from '../helpers/cursor';

const FILE =
  '- docker: "a"\n  github: "a"\n\n- docker: "kayron"\n  github: "kayron"\n  deploy:\n    preview: true\n    release: "v0.‸5.3"\n';

function chainAt(marked: string): string[] {
  const { text, offset } = parseCursor(marked, '‸');
  const entries = analyzeReleaseFile('service/service.yaml', text).decoded?.entries ?? [];
  return selectionChain(text, entries, offset).map(([start, end]) => text.slice(start, end));
}

describe('selection ranges', () => {
  test('inside a quoted deploy value: text, quoted value, pair, deploy mapping, deploy pair, entry, list, file', () => {
    const text = FILE.replace('‸', '');
    assert.deepEqual(chainAt(FILE), [
      'v0.5.3',
      '"v0.5.3"',
      'release: "v0.5.3"',
      'preview: true\n    release: "v0.5.3"',
      'deploy:\n    preview: true\n    release: "v0.5.3"',
      '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    preview: true\n    release: "v0.5.3"',
      text.trimEnd(),
      text,
    ]);
  });

  test('on a top-level key: key, pair, entry, list, file', () => {
    const chain = chainAt('- docker: "a"\n  git‸hub: "a"\n');
    assert.deepEqual(chain.slice(0, 3), ['github', 'github: "a"', '- docker: "a"\n  github: "a"']);
  });

  test('an unquoted value has no inner step; each range strictly contains the one before', () => {
    const chain = chainAt('- docker: "a"\n  github: "a"\n  deploy:\n    preview: tr‸ue\n');
    assert.deepEqual(chain.slice(0, 2), ['true', 'preview: true']);
    for (let i = 1; i < chain.length; i++)
      assert.ok((chain[i] ?? '').includes(chain[i - 1] ?? '') && chain[i] !== chain[i - 1], `step ${i} grows`);
  });

  test('between entries only the list and the file; outside any entry only the file', () => {
    assert.deepEqual(chainAt('# head\n‸\n- docker: "a"\n').length, 1);
    assert.deepEqual(chainAt('- docker: "a"\n  github: "a"\n‸\n- docker: "b"\n').slice(-2, -1), [
      '- docker: "a"\n  github: "a"\n\n- docker: "b"',
    ]);
  });

  test('as LSP: parents run outward', () => {
    const converted = toSelectionRange(
      [
        [1, 2],
        [0, 5],
      ],
      ([start, end]) => ({ start: { line: 0, character: start }, end: { line: 0, character: end } }),
    );
    assert.deepEqual(converted, {
      range: { start: { line: 0, character: 1 }, end: { line: 0, character: 2 } },
      parent: { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } } },
    });
  });
});
