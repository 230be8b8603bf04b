// Line numbers of offsets: the same answers as counting the line breaks before the offset, in any order of questions.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { lineFinder, lineOfOffset } from '../../server/src/features/text-lines';
import { seededRandom } from '../bench/release-files';

const expected = (text: string, offset: number): number => text.slice(0, offset).split('\n').length - 1;

describe('text lines', () => {
  const texts = ['', 'one line', '\n', 'a\nbb\n\nccc\n', '- docker: "a"\r\n  github: "a"\r\n', '\n\n\nend'];

  test('lineOfOffset counts the line breaks before every offset', () => {
    for (const text of texts) {
      for (let offset = 0; offset <= text.length; offset++)
        assert.equal(lineOfOffset(text, offset), expected(text, offset), `${JSON.stringify(text)} @ ${offset}`);
    }
  });

  test('lineFinder answers increasing offsets in one pass, and starts over for an earlier one', () => {
    const random = seededRandom(7);
    for (const text of texts) {
      const find = lineFinder(text);
      for (let question = 0; question < 200; question++) {
        const offset = Math.floor(random() * (text.length + 1));
        assert.equal(find(offset), expected(text, offset), `${JSON.stringify(text)} @ ${offset}`);
      }
      const ascending = lineFinder(text);
      for (let offset = 0; offset <= text.length; offset++) assert.equal(ascending(offset), expected(text, offset));
    }
  });
});
