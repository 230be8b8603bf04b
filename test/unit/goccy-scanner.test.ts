/**
 * goccy/go-yaml v1.18's scanner errors, one row per rule: the text Kayron prints and goccy's `[line:column]`. Each row
 * is built from the rule in goccy's scanner (scanner/scanner.go, scanner/context.go), not copied from a fuzz case; the
 * kayron-fuzz cases that showed the rule are named for reference (docs/goccy-parsing.md, "Scanner errors").
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { goccySyntaxError } from '../../server/src/yaml/goccy-syntax';
import { lintText } from '../helpers/cursor';

interface Row {
  name: string;
  yaml: string;
  /** goccy's `[line:column] text`, or `ok` when goccy parses the text. */
  expect: string;
}

const rows: Row[] = [
  {
    name: "a '}' inside a tag, even in a flow mapping, is refused where it stands (1:995)",
    yaml: '- deploy: {preview: !!bool}\n',
    expect: "[1:27] found invalid tag character '}'",
  },
  {
    name: "a '{' inside a tag is refused too",
    yaml: '- docker: !x{y\n',
    expect: "[1:13] found invalid tag character '{'",
  },
  {
    name: 'a tag ended by a blank, a comma in a flow mapping or a line break is fine',
    yaml: '- deploy: {preview: !!bool true, release: !!str v1.0.0}\n  docker: !!str\n    x\n',
    expect: 'ok',
  },
  {
    name: 'an escape goccy does not know is refused at the escaped character (1:2703, 1:5197)',
    yaml: '- github: "a\\d"\n',
    expect: "[1:14] found unknown escape character 'd'",
  },
  {
    name: "the escaped character is quoted as Go's %q quotes a rune: U+FFFD as is (1:87, 1:1341)",
    yaml: '- github: "\\\ufffd"\n',
    expect: "[1:13] found unknown escape character '\ufffd'",
  },
  {
    name: "a control character is quoted as Go escapes it: '\\x01'",
    yaml: '- github: "\\\u0001"\n',
    expect: "[1:13] found unknown escape character '\\x01'",
  },
  {
    name: 'an unknown escape on a continuation line of the quoted text counts that line (1:2553)',
    yaml: '- github: "a\n  \\deploy"\n',
    expect: "[2:4] found unknown escape character 'd'",
  },
  {
    name: 'after an escaped CRLF goccy counts the next line two columns right',
    yaml: '- github: "a\\\r\n\\d"\n',
    expect: "[2:4] found unknown escape character 'd'",
  },
  {
    name: 'goccy checks the length of \\x, \\u and \\U escapes, not their digits',
    yaml: '- github: "\\xZZ \\u00e9 \\U0001F600"\n',
    expect: 'ok',
  },
  {
    name: 'a \\u escape cut short by the end of the file is refused at the backslash',
    yaml: '- github: "\\u1"',
    expect: '[1:12] not enough length for escaped UTF-16 character',
  },
  {
    name: 'a \\U escape cut short by the end of the file is refused at the backslash',
    yaml: '- github: "\\U00"',
    expect: '[1:12] not enough length for escaped UTF-32 character',
  },
  {
    name: 'a high surrogate escape must be followed by a \\u escape',
    yaml: '- github: "\\ud800abcdefg"\n',
    expect: '[1:12] found unexpected character after high surrogate for UTF-16 surrogate pair',
  },
  {
    name: 'a high surrogate escape must be followed by a low surrogate',
    yaml: '- github: "\\ud800\\u0041xx"\n',
    expect: '[1:12] found unexpected low surrogate after high surrogate',
  },
  {
    name: 'a tab indenting quoted text at or left of the key is refused at the tab (1:3724, 1:5318)',
    yaml: '- docker: "a\n\tb"\n',
    expect: '[2:1] tab character cannot be used for indentation in double-quoted text',
  },
  {
    name: 'the same for single-quoted text',
    yaml: "- docker: 'a\n\tb'\n",
    expect: '[2:1] tab character cannot be used for indentation in single-quoted text',
  },
  {
    name: 'a tab indenting quoted text right of the key is skipped',
    yaml: '- docker: "a\n   \tb"\n',
    expect: 'ok',
  },
  {
    name: 'a tab before more text in double quotes counts two columns (1:591, 1:5050)',
    yaml: '- docker: "a\tb\\d"\n',
    expect: "[1:17] found unknown escape character 'd'",
  },
  {
    name: 'a tab before more text in double quotes makes goccy skip the character after the closing quote (1:2264)',
    // The skipped line break joins `github: x` to the first line, right of the complete `docker: "a<TAB>b"`.
    yaml: '- docker: "a\tb"\n  github: x\n',
    expect: '[1:19] value is not allowed in this context. map key-value is pre-defined',
  },
  {
    name: 'no character is skipped when the tab is right before the closing quote or only blanks follow it',
    yaml: '- docker: "a\t"\n  github: "b\t  \n  c"\n  deploy: {}\n',
    expect: 'ok',
  },
  {
    name: "a key right after a `-` and a tab is refused at its ':' (1:3361)",
    yaml: '- docker: x\n- \tgithub: y\n',
    expect: '[2:9] tab character cannot use as a map key directly',
  },
  {
    name: "a '-' right after a key's ':' and a tab is refused at the '-'",
    yaml: '- docker:\t- x\n',
    expect: '[1:10] tab character cannot use as a sequence delimiter',
  },
  {
    name: 'blanks ending a line do not count: a tab after a colon at the end of its line is fine',
    yaml: '- docker: x\n  github: \t\n  deploy: {}\n',
    expect: 'ok',
  },
  {
    name: 'two spaces before the tab: the key does not start with a tab for goccy',
    yaml: '- docker: x\n  github:  \tb: c\n',
    expect: '[2:12] mapping value is not allowed in this context',
  },
  {
    name: 'a `+` block scalar without content, ended by a line left of it (1:667, 1:3308, 1:4371)',
    yaml: '- github: >+\n  deploy: {}\n',
    expect: '[2:3] could not find multi-line content',
  },
  {
    name: 'the same after an empty line: goccy finds the value (a line break) where the source read starts',
    yaml: '- github: |+\n\n  deploy: {}\n',
    expect: '[3:3] could not find multi-line content',
  },
  {
    name: 'after a line of spaces the value is found further on: no error',
    yaml: '- github: |+\n   \n  deploy: {}\n',
    expect: 'ok',
  },
  {
    name: 'a block scalar without `+` may be empty',
    yaml: '- github: |\n  deploy: {}\n',
    expect: 'ok',
  },
  {
    name: 'an empty block scalar whose header opens a line is refused too',
    yaml: '|\nx\n',
    expect: '[2:1] could not find multi-line content',
  },
  {
    name: 'content left of the indentation indicator asks for (1:3825)',
    yaml: '- github: |2\n   x\n',
    expect: '[2:4] invalid number of indent is specified in the multi-line header',
  },
  {
    name: 'with an indentation indicator, a file ending in an empty line is refused at its line break (1:366, 1:4262)',
    yaml: '- github: |1\n    x\n\n',
    expect: '[3:1] invalid number of indent is specified in the multi-line header',
  },
  {
    name: 'the same with the line break after the content: goccy counts the LF of a CRLF as a line of its own (1:4378)',
    yaml: '- github: |1\r\n    x\r\n',
    expect: '[4:1] invalid number of indent is specified in the multi-line header',
  },
  {
    name: 'a file ending in a tab inside the body is checked as its end, not as a tab (1:3043)',
    yaml: '- github: |1\n    x\n\t',
    expect: '[3:1] invalid number of indent is specified in the multi-line header',
  },
  {
    name: 'the first content line may not start left of the blank line before it',
    yaml: '- github: |\n      \n    x\n',
    expect: '[3:5] invalid number of indent is specified after space only',
  },
  {
    name: 'a tab left of the content column, after the content began, is refused',
    yaml: '- github: |\n    x\n \ty\n',
    expect: '[3:2] found a tab character where an indentation space is expected',
  },
  {
    name: 'a CRLF inside a block scalar counts two lines: later positions move down (1:5448, 1:537)',
    yaml: '- github: |\r\n    x\r\n  deploy: {}\r\n  deploy: {}\r\n',
    expect: '[6:3] mapping key "deploy" already defined at [5:3]',
  },
  {
    name: "the content column stays goccy's delimiter after the block: a deeper line does not continue a plain scalar",
    yaml: '- a: |\n    x\n  b\n   c: d\n',
    expect: '[3:3] non-map value is specified',
  },
  {
    name: "in a flow mapping a ':' right after a key's ':' is text: `b:` is a value, then '{' comes without ',' (1:1245)",
    yaml: '- {docker: a, github: b: {c: d}}\n',
    expect: "[1:26] ',' or '}' must be specified",
  },
  {
    name: "so a flow mapping's value may hold ': ' and ':', and its '}' still ends the mapping (1:525)",
    yaml: '- deploy: {release: v1.0.0 suspend: true}\n  docker: {github: host:5000/x}\n',
    expect: 'ok',
  },
  {
    name: "in a flow mapping a key's ':' needs no blank after it, except before '/'",
    yaml: '- {docker:a, http://x: y}\n',
    expect: 'ok',
  },
  {
    name: "in a flow sequence a ':' needs a blank after it",
    yaml: '- docker: [a:b, c:]\n',
    expect: 'ok',
  },
  {
    name: "a '-' opening a deeper line inside a plain value makes the rest raw text: no key, no comment in it",
    yaml: '- docker: a\n    - github: b # c\n  deploy: {}\n',
    expect: 'ok',
  },
  {
    name: "in raw text a tab left of the '-' among a line's opening blanks is refused",
    yaml: '- docker: a\n    - b\n  \tc\n',
    expect: '[3:3] found a tab character where an indentation space is expected',
  },
  {
    name: 'in raw text CR and LF each count as a line break',
    yaml: '- docker: a\n    - b\r\n\r\n  github: x\n  github: y\n',
    expect: '[7:3] mapping key "github" already defined at [6:3]',
  },
  {
    name: 'exactly three dots at a line start end the document',
    yaml: '- docker: a\n...\n',
    expect: 'ok',
  },
  {
    name: 'four dots are text, here left over after the list',
    yaml: '- docker: a\n....\n',
    expect: '[2:1] value is not allowed in this context',
  },
];

function goccyVerdict(yaml: string): string {
  const error = goccySyntaxError(yaml);
  return error ? `[${error.line}:${error.column}] ${error.message}` : 'ok';
}

describe("goccy's scanner errors: text and [line:column]", () => {
  for (const row of rows) {
    test(`${row.name} → ${row.expect}`, () => {
      assert.equal(goccyVerdict(row.yaml), row.expect, JSON.stringify(row.yaml));
      if (row.expect === 'ok') return;
      // The CLI and the editor print it as Kayron's verdict, word for word.
      const verdict = lintText(row.yaml).verdict;
      assert.ok(verdict, 'Kayron rejects it; the core accepts it');
      assert.equal(verdict.code, 'yaml-syntax', verdict.message);
      assert.ok(verdict.message.startsWith(row.expect), verdict.message);
    });
  }
});
