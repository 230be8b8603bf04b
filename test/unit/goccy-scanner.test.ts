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
