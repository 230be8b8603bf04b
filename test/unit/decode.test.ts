/**
 * Decoding exactly as goccy/go-yaml v1.18 into `[]release.Struct` (kayron-spec §1.4, §1.5): shapes, documents, keys,
 * anchors, syntax errors, scalar coercion and booleans. Messages are goccy's `[line:col] text`; where the spec pins
 * the position it is asserted too, elsewhere only the text (spec §9: positions are not promised everywhere).
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { KAYRON_MESSAGES } from '../../server/src/kayron/messages';
import { decodeReleaseFile } from '../../server/src/yaml/decode';
import {
  assertStartsWith,
  expectProblemAt,
  goccyText,
  lintFiles,
  lintText,
  parseRanges,
  problemsWithCode,
  toLspRange,
} from '../helpers/cursor';
import { analyzeReleaseFile } from '../../server/src/features/validate';
import { lintDiagnostics, lintTree } from '../../server/src/features/lint-tree';
import { makeTree, removeTree } from '../helpers/tree';
import { ReleaseWorkspace } from '../../server/src/workspace/release-workspace';

const VALID = '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n';

function verdictOf(text: string) {
  const result = lintText(text);
  assert.ok(result.verdict, `Kayron rejects ${JSON.stringify(text)}`);
  return result.verdict;
}

function assertAccepted(text: string, entries: number): void {
  const result = lintText(text);
  assert.equal(
    result.verdict,
    undefined,
    `Kayron accepts ${JSON.stringify(text)}, but the core says ${result.verdict?.message}`,
  );
  assert.equal(result.entryCount, entries, 'entry count');
}

/** goccy's `[line:column] text`, position included. */
function assertYamlErrorAt(text: string, code: 'yaml-syntax' | 'yaml-type', goccy: string): void {
  const verdict = verdictOf(text);
  assert.equal(verdict.code, code, `code of ${JSON.stringify(verdict.message)}`);
  assertStartsWith(verdict.message, goccy);
}

function assertYamlError(text: string, code: 'yaml-syntax' | 'yaml-type', goccy: string): void {
  const verdict = verdictOf(text);
  assert.equal(verdict.code, code, `code of ${JSON.stringify(verdict.message)}`);
  assertStartsWith(goccyText(verdict.message), goccy);
}

describe('file shape (§1.4)', () => {
  test('a top-level mapping: [1:7] mapping was used where sequence is expected', () => {
    const verdict = verdictOf('docker: "kayron"\ngithub: "kayron"\n');
    assert.equal(verdict.code, 'yaml-type');
    assertStartsWith(verdict.message, '[1:7] mapping was used where sequence is expected');
    assert.deepEqual([verdict.line, verdict.character], [0, 0]);
  });

  test('a top-level mapping whose first key is longer points at its colon', () => {
    assertStartsWith(
      verdictOf('provider: "cloudformation"\n').message,
      '[1:9] mapping was used where sequence is expected',
    );
  });

  test('a top-level scalar: [1:1] string was used where sequence is expected', () => {
    expectProblemAt('«hello»\n', 'yaml-type', {
      kayron: true,
      messageStartsWith: '[1:1] string was used where sequence is expected',
    });
  });

  for (const [name, text] of [
    ['an empty file', ''],
    ['a comment-only file', '# nothing here\n# at all\n'],
    ['null', 'null\n'],
    ['~', '~\n'],
    ['[]', '[]\n'],
    ['whitespace and blank lines', '\n\n   \n'],
  ] as const) {
    test(`${name} contributes zero entries without error; alone it is the at-least-one error`, () => {
      const decoded = decodeReleaseFile(text);
      assert.equal(decoded.failed, false);
      assert.deepEqual(decoded.entries, []);
      const result = lintText(text);
      assert.equal(result.entryCount, 0);
      assert.equal(result.verdict?.code, 'no-release-definitions');
      assertStartsWith(result.verdict.message, KAYRON_MESSAGES['no-release-definitions']);
    });
  }

  test('an empty file next to a valid one is fine', () => {
    const result = lintFilesOk({ 'service/a.yaml': '', 'service/b.yaml': VALID });
    assert.equal(result, 1);
  });
});

function lintFilesOk(files: Record<string, string>): number {
  const result = lintFiles(files);
  assert.equal(result.verdict, undefined, result.verdict?.message);
  return result.entryCount;
}

describe('multiple documents (§1.4)', () => {
  test('only the first document is decoded; a later, semantically invalid one is ignored with a warning', () => {
    const { text, ranges } = parseRanges(`${VALID}«---»\n- docker: "BAD"\n`);
    assertAccepted(text, 1);
    const [warning] = problemsWithCode(lintText(text), 'extra-document');
    assert.ok(warning && ranges[0]);
    const { line, character, endLine, endCharacter, kayron } = warning;
    assert.deepEqual(
      { line, character, endLine, endCharacter, kayron },
      { ...toLspRange(text, ranges[0]), kayron: false },
    );
  });

  test('a syntax error in a later document fails the whole file', () => {
    assertYamlError(
      `${VALID}---\n- docker: "unterminated\n`,
      'yaml-syntax',
      'could not find end character of double-quoted text',
    );
  });

  test('a duplicate key in the second document fails the whole file', () => {
    const text = `${VALID}---\n- docker: "a"\n  docker: "b"\n`;
    const verdict = verdictOf(text);
    assert.equal(verdict.code, 'yaml-syntax');
    assertStartsWith(verdict.message, '[7:3] mapping key "docker" already defined at [6:3]');
    assert.deepEqual([verdict.line, verdict.character, verdict.endLine, verdict.endCharacter], [6, 2, 6, 8]);
  });

  test('a leading --- is fine', () => {
    assertAccepted(`---\n${VALID}`, 1);
    assert.deepEqual(problemsWithCode(lintText(`---\n${VALID}`), 'extra-document'), []);
  });

  test('---\\n---\\n<list>: the first document is empty, so the file contributes nothing', () => {
    const text = `---\n---\n${VALID}`;
    const result = lintText(text);
    assert.equal(result.entryCount, 0);
    assert.equal(result.verdict?.code, 'no-release-definitions');
    assert.equal(problemsWithCode(result, 'extra-document').length, 1);
  });

  test('a %YAML 1.2 directive is accepted', () => {
    assertAccepted(`%YAML 1.2\n---\n${VALID}`, 1);
  });
});

describe('keys (§1.4)', () => {
  test('unknown keys are ignored at any level (foo, labels, Labels, deploy.webhook, deploy.unknown)', () => {
    const text =
      '- docker: "kayron"\n  github: "kayron"\n  foo: 1\n  labels: {source: x}\n  Labels: x\n  deploy:\n    release: "v0.5.3"\n    webhook:\n      - POST:https://example.com\n    unknown: 3\n';
    assertAccepted(text, 1);
    assert.deepEqual(
      problemsWithCode(lintText(text), 'unknown-key').map((problem) => problem.problem.data?.key),
      ['foo', 'labels', 'Labels', 'webhook', 'unknown'],
    );
  });

  test('key matching is case-sensitive: Docker, GitHub and Release are unknown, so the entry lacks them', () => {
    const text = '- Docker: "kayron"\n  GitHub: "kayron"\n  deploy:\n    Release: "v0.5.3"\n';
    const verdict = verdictOf(text);
    assert.equal(verdict.code, 'deploy-missing');
    assert.deepEqual(
      problemsWithCode(lintText(text), 'unknown-key').map((problem) => problem.problem.data?.suggestion),
      ['docker', 'github', 'release'],
    );
  });

  test('a flat dotted key "deploy.release:" is unknown, so the deploy is empty', () => {
    const text = '- docker: "kayron"\n  github: "kayron"\n  deploy.release: "v0.5.3"\n';
    assert.equal(verdictOf(text).code, 'deploy-missing');
    expectProblemAt('- docker: "kayron"\n  github: "kayron"\n  «deploy.release»: "v0.5.3"\n', 'unknown-key', {
      kayron: false,
      messageStartsWith: 'Kayron ignores the flat key "deploy.release"',
    });
  });

  test('a duplicate top-level key: [2:3] mapping key "docker" already defined at [1:3], on the second key', () => {
    expectProblemAt(
      '- docker: "a"\n  «docker»: "b"\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n',
      'yaml-syntax',
      {
        kayron: true,
        messageStartsWith: '[2:3] mapping key "docker" already defined at [1:3]',
      },
    );
  });

  test('a duplicate key inside deploy', () => {
    expectProblemAt(
      '- docker: "a"\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n    «release»: "v1.0.1"\n',
      'yaml-syntax',
      {
        kayron: true,
        messageStartsWith: '[5:5] mapping key "release" already defined at [4:5]',
      },
    );
  });

  test('a duplicate key deep inside an unknown key is still an error', () => {
    expectProblemAt(
      '- docker: "a"\n  github: "a"\n  foo:\n    bar: 1\n    «bar»: 2\n  deploy:\n    release: "v1.0.0"\n',
      'yaml-syntax',
      {
        kayron: true,
        messageStartsWith: '[5:5] mapping key "bar" already defined at [4:5]',
      },
    );
  });
});

describe('anchors, aliases and merge keys (§1.4)', () => {
  test("<<: *anchor without an override merges an entry's keys", () => {
    const text = '- &base\n  docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n- <<: *base\n';
    assertAccepted(text, 2);
    assert.equal(decodeReleaseFile(text).entries[1]?.deploy?.release?.value, 'v0.5.3');
  });

  test('an explicit key that repeats a merged key is a duplicate, even for deploy', () => {
    assertYamlError(
      '- &base\n  docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n- <<: *base\n  deploy:\n    release: "v0.5.4"\n',
      'yaml-syntax',
      'duplicate key "deploy"',
    );
  });

  test("not quite: an explicit key that repeats a merged key is goccy's duplicate key error", () => {
    expectProblemAt(
      '- &base\n  docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n- <<: *base\n  «docker»: "specta"\n',
      'yaml-syntax',
      {
        kayron: true,
        messageStartsWith: '[7:3] duplicate key "docker"',
      },
    );
  });

  test('a whole-item alias (- *x) decodes to a second entry', () => {
    const text = '- &x\n  docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n- *x\n';
    assertAccepted(text, 2);
    assert.deepEqual(
      decodeReleaseFile(text).entries.map((entry) => [entry.index, entry.docker?.value]),
      [
        [0, 'kayron'],
        [1, 'kayron'],
      ],
    );
  });

  test('an undefined alias is an error: could not find alias "nope"', () => {
    expectProblemAt('- «*nope»\n', 'yaml-syntax', {
      kayron: true,
      messageStartsWith: '[1:4] could not find alias "nope"',
    }); // goccy points at the name after '*' (kayron-fuzz 1:412: `- *undefined` is [1:4])
  });

  test('a merge of an undefined anchor: cannot find anchor by alias name x, without a position (goccy decode.go)', () => {
    // goccy's merge looks the anchor up in its own table, not through the alias path: other words, no [line:col].
    const text = `${VALID}- «<<: *nope»\n  docker: "specta"\n`.replace(/[«»]/g, '');
    const verdict = verdictOf(text);
    assert.equal(verdict.code, 'yaml-syntax');
    assertStartsWith(verdict.message, 'cannot find anchor by alias name nope');
    const alias = text.indexOf('*nope');
    assert.deepEqual(verdict.problem.range, [alias, alias + 5], 'the squiggle is on the alias');
  });

  test('a merge of an undefined anchor inside a merged list is the same error, before the list is rejected', () => {
    assertStartsWith(verdictOf(`${VALID}- <<: [*nope]\n`).message, 'cannot find anchor by alias name nope');
  });

  test('a merge inside the anchor it names fails: goccy has not finished the anchor yet', () => {
    const text = '- &x\n  docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n    <<: *x\n';
    assertStartsWith(verdictOf(text).message, 'cannot find anchor by alias name x');
  });

  test('an alias inside the anchor it names reads as null, no error (goccy stops the recursion)', () => {
    assertAccepted('- &x\n  docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n  labels: *x\n', 1);
  });

  test('an aliased scalar value is decoded like the anchored one', () => {
    const text = '- docker: &name "kayron"\n  github: *name\n  deploy:\n    release: "v0.5.3"\n';
    assertAccepted(text, 1);
    assert.equal(decodeReleaseFile(text).entries[0]?.github?.value, 'kayron');
  });
});

describe('syntax (§1.4)', () => {
  test('flow style is fine', () => {
    assertAccepted(
      '[{docker: kayron, github: kayron, deploy: {release: v0.5.3}}, {github: infrastructure, provider: cloudformation, deploy: {branch: main}}]\n',
      2,
    );
  });

  test('inline # comments are fine', () => {
    assertAccepted(
      '- docker: "kayron" # the operator\n  github: "kayron"  # same name\n  deploy: # how\n    release: "v0.5.3" # pinned\n',
      1,
    );
  });

  test('CRLF line endings are fine, and ranges still point at the value', () => {
    const text = '- docker: "kayron"\r\n  github: "kayron"\r\n  deploy:\r\n    release: "1.2.3"\r\n';
    const verdict = verdictOf(text);
    assert.equal(verdict.code, 'release-format');
    assert.deepEqual([verdict.line, verdict.character, verdict.endLine, verdict.endCharacter], [3, 13, 3, 20]);
  });

  test('a comment ended by CRLF counts two lines for goccy: later positions move down (kayron-fuzz 1:2917, 1:1421)', () => {
    // goccy's comment scanner steps over the CR only; the LF left behind is a line break of its own.
    const text = '# c\r\n- docker: "a"\r\n  github: "a"\r\n  deploy:\r\n    preview: yes\r\n';
    assertYamlErrorAt(
      text,
      'yaml-type',
      '[6:14] cannot unmarshal string into Go struct field Struct.Deploy of type preview.Bool',
    );
    assertYamlErrorAt('# c\r\n- a: b\r\nc\r\n', 'yaml-syntax', '[4:1] ');
    // In an LF file a comment's line counts once.
    assertYamlErrorAt('# c\n- a: b\nc\n', 'yaml-syntax', '[3:1] ');
  });

  test("every CRLF inside a block scalar's body counts two lines for goccy, the one ending its last line too", () => {
    // goccy's block-scalar scanner takes CR and LF each as a line break; with the header's doubled break (above),
    // a two-line body moves everything after it on by three lines.
    const body = '- docker: a\r\n  github: |\r\n    b\r\n    c\r\n';
    assertYamlErrorAt(`${body}  deploy:\r\n    preview: yes\r\n`, 'yaml-type', '[9:14] cannot unmarshal string');
    assertYamlErrorAt(`${body} x\r\n`, 'yaml-syntax', '[8:2] value is not allowed in this context');
    // A blank line inside the body counts twice as well; in an LF file nothing moves.
    assertYamlErrorAt('- a: |\r\n    b\r\n\r\n    c\r\n x\r\n', 'yaml-syntax', '[9:2] ');
    assertYamlErrorAt('- a: |\n    b\n    c\n x\n', 'yaml-syntax', '[4:2] value is not allowed in this context');
  });

  test('a tab inside double-quoted text with more text after it makes goccy skip the character after the quote', () => {
    // goccy's column runs one ahead per such tab and the line break after the closing quote is skipped unread, so
    // the next key joins the line, right of the quoted value's key (kayron-fuzz 1:1998, 1:2685).
    const message = 'value is not allowed in this context. map key-value is pre-defined';
    const head = '- docker: "a"\n  github: "b"\n  note: ';
    assertYamlErrorAt(`${head}"t\tx"\n  deploy:\n    release: v1\n`, 'yaml-syntax', `[3:17] ${message}`);
    // Two tabs: two columns ahead, and the line break and one blank after the quote are skipped.
    assertYamlErrorAt(`${head}"t\tx\ty"\n  deploy:\n    release: v1\n`, 'yaml-syntax', `[3:19] ${message}`);
    // A tab right before the closing quote, a tab in single quotes and a tab ending the file's last value are fine.
    assertAccepted(`${head}"t\t"\n  deploy:\n    release: v1\n`, 1);
    assertAccepted(`${head}'t\tx'\n  deploy:\n    release: v1\n`, 1);
    assertAccepted(`- docker: "a"\n  github: "b"\n  deploy:\n    release: v1\n  note: "t\tx"\n`, 1);
  });

  test("a plain key whose ':' opens the next line is goccy's unexpected key name, at the key", () => {
    // goccy only ends the key at the next line, so the key's source text holds the line break (kayron-fuzz 1:4317).
    assertYamlErrorAt('- docker: a\n  github\n: b\n', 'yaml-syntax', '[2:3] unexpected key name');
    assertYamlErrorAt('- docker: a\n  github: b\n  deploy\n  : c\n', 'yaml-syntax', '[3:3] unexpected key name');
    // An explicit key may: goccy checks the `?` token there, not the key's text.
    assertAccepted('- ? docker\n  : kayron\n  github: kayron\n  deploy:\n    release: v1.0.0\n', 1);
  });

  test("after a block scalar with only blank lines, the next line's '-' starts no token for goccy", () => {
    // goccy empties its buffer but keeps the blank lines' length mark, so the `-` ending the body reads as text:
    // `- github` is a key at column 1, and the list ends before it (kayron-fuzz 1:3936).
    const message = '[4:1] value is not allowed in this context';
    assertYamlErrorAt('- docker: a\n  note: >\n\n- github: b\n', 'yaml-syntax', message);
    assertYamlErrorAt('- docker: a\n  note: |-\n   \n- github: b\n', 'yaml-syntax', message);
    // Without a blank line the `-` is an entry again.
    assert.equal(lintText('- docker: a\n  note: >\n- github: b\n').entryCount, 2);
    // With kept line breaks (`+`) an empty body is goccy's own error, at the line that ends it.
    assertYamlErrorAt(
      '- docker: a\n  note: >+\n\n- github: b\n',
      'yaml-syntax',
      '[4:1] could not find multi-line content',
    );
    // With `+` over a blank line of spaces goccy finds the value further on: no error, and the `-` is an entry.
    assert.equal(lintText('- docker: a\n  note: >+\n   \n- github: b\n').entryCount, 2);
    assert.equal(verdictOf('- docker: a\n  note: >+\n   \n- github: b\n').code, 'deploy-missing');
  });

  test('a tab goccy skips inside a key takes no column: later positions on its line move left (kayron-fuzz 1:2353)', () => {
    const preview = 'cannot unmarshal string into Go struct field Struct.Deploy of type preview.Bool';
    assertYamlErrorAt('- docker: a\n  github: b\n  deploy:\n    pre\tview: yes\n', 'yaml-type', `[4:14] ${preview}`);
    assertYamlErrorAt('provide\tr: x\n', 'yaml-type', '[1:9] mapping was used where sequence is expected');
    // Only on the tab's own line.
    assertYamlErrorAt('- docker: a\n  git\thub: b\n  deploy:\n    preview: yes\n', 'yaml-type', `[4:14] ${preview}`);
  });

  test("a !!bool value's column: one left for the tag's blank, one right per blank before the line break", () => {
    // Both shifts apply to the same value (kayron-fuzz 1:256, 1:340, 1:2720).
    const message = 'cannot convert "kayron" to boolean';
    assertYamlErrorAt('- docker: !!bool kayron\n', 'yaml-syntax', `[1:17] ${message}`);
    assertYamlErrorAt('- docker: !!bool kayron \n', 'yaml-syntax', `[1:18] ${message}`);
    assertYamlErrorAt('- docker: !!bool kayron  \n', 'yaml-syntax', `[1:19] ${message}`);
  });

  test("a tab goccy keeps at the end of a plain scalar's line moves its column right like a trailing blank", () => {
    // At or left of the last delimiter's column a tab after text is kept in goccy's buffer (kayron-fuzz 1:1845).
    assertYamlErrorAt('- docker: a\nb\t\n', 'yaml-syntax', '[2:2] value is not allowed in this context');
    assertYamlErrorAt('- docker: a\nb\n', 'yaml-syntax', '[2:1] value is not allowed in this context');
  });

  test("a '-' followed by a NUL is a sequence entry for goccy, as at the file's end (kayron-fuzz 1:607, 1:1112)", () => {
    const valid = '- docker: a\n  github: b\n  deploy:\n    release: v1.0.0\n  labels:\n';
    assertAccepted(`${valid}    -\u0000 x\n`, 1);
    // The NUL starts the entry's text: the key `<NUL> docker` sits at column 2, left of `github`.
    const message = '[2:3] value is not allowed in this context. map key-value is pre-defined';
    assertYamlErrorAt('-\u0000 docker: "a"\n  github: b\n', 'yaml-syntax', message);
    // After another control character the `-` is text: `-<SOH> x` is a plain scalar left after the list.
    assertYamlErrorAt('- docker: a\n-\u0001 x\n', 'yaml-syntax', '[2:1] value is not allowed in this context');
  });

  test("a '}' outside a flow collection is text for goccy: a file of it is a string, at goccy's position", () => {
    // The `yaml` library refuses the `}`; goccy reads the file as one plain scalar (kayron-fuzz 1:2733, 1:3819).
    const message = 'string was used where sequence is expected';
    assertYamlErrorAt('}\n', 'yaml-type', `[1:1] ${message}`);
    assertYamlErrorAt('} \n', 'yaml-type', `[1:2] ${message}`);
    assertYamlErrorAt('# {}\n}-  \n', 'yaml-type', `[2:3] ${message}`);
    // Plain text the `yaml` library reads alike keeps its own path: `null` is no release definition at all.
    assert.equal(lintText('null\n').verdict?.code, 'no-release-definitions');
  });

  test("inside a flow mapping every ':' is goccy's key delimiter, blank after it or not (kayron-fuzz 1:3507)", () => {
    // `docker:b` is the key `docker` again; `{:release: x}` opens with a delimiter and no key.
    assertYamlErrorAt(
      '- {docker: a, docker:b}\n',
      'yaml-syntax',
      '[1:15] mapping key "docker" already defined at [1:4]',
    );
    const invalidKey = '[1:35] found an invalid key for this map';
    assertYamlErrorAt('- {docker: a, github: b, deploy: {:release: v1.0.0}}\n', 'yaml-syntax', invalidKey);
    // Not before `/` (`http://`), and not in a flow sequence: `[x:y]` is text.
    assertAccepted('- {docker: a, github: b, deploy: {release: v1.0.0}, labels: {u: http://x}}\n', 1);
    assertAccepted('- docker: a\n  github: b\n  deploy:\n    release: v1.0.0\n  labels: [x:y]\n', 1);
  });

  test('a custom tag alone after its key takes the keys after it as its mapping, as goccy parses it', () => {
    // goccy parses the token after the tag as the tag's value: the mapping of the following keys (kayron-fuzz 1:4030,
    // 1:2252, 1:1054); a struct field refuses the tag itself (1:3257).
    const docker = 'cannot unmarshal map[string]interface {} into Go struct field Struct.Docker of type docker.String';
    assertYamlErrorAt('- docker: !a\n  github: b\n', 'yaml-type', `[1:11] ${docker}`);
    const release =
      'cannot unmarshal map[string]interface {} into Go struct field Struct.Deploy of type release.String';
    const deploy = '- docker: a\n  github: b\n  deploy:\n';
    assertYamlErrorAt(`${deploy}    release: !t\n    branch: main\n`, 'yaml-type', `[4:14] ${release}`);
    assertYamlErrorAt(
      '- github: b\n  docker: a\n  deploy: !x\n',
      'yaml-type',
      '[3:11] tag was used where mapping is expected',
    );
    // The swallowed keys are not the entry's own: `deploy` after `note: !a` is missing.
    assert.equal(
      verdictOf('- docker: a\n  github: b\n  note: !a\n  deploy:\n    release: v1.0.0\n').code,
      'deploy-missing',
    );
    // As the last key of the file it tags nothing: an unknown key stays harmless.
    assertAccepted(`${deploy}    release: v1.0.0\n  note: !a\n`, 1);
  });

  test("a tab opening a block scalar's first line: found a tab character where an indentation space is expected", () => {
    // kayron-fuzz 1:1390, 1:3516: goccy refuses the tab before the content's indentation is known, at the line start.
    const message = 'found a tab character where an indentation space is expected';
    assertYamlErrorAt('- docker: >-\n\t   a--b\n  github: x\n', 'yaml-syntax', `[2:1] ${message}`);
    assertYamlErrorAt('- docker: |+\n\t   server\n  github: x\n', 'yaml-syntax', `[2:1] ${message}`);
    // After a CRLF header the LF is a line of its own for goccy (kayron-fuzz 1:257).
    assertYamlErrorAt('- docker: a\r\n  github: >+\r\n\t   .git\r\n', 'yaml-syntax', `[4:1] ${message}`);
    // Once the first content line has fixed the indentation, a tab inside the text is text.
    assertAccepted(
      '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n  note: |\n    a\n    \tb\n',
      1,
    );
  });

  test("blanks after a plain scalar at the end of its line move goccy's column for it right (kayron-fuzz 1:2720)", () => {
    // goccy subtracts the trimmed text's length from the column of the line break.
    assertYamlErrorAt(
      '- docker: x  \n  deploy:\n    preview: maybe  \n',
      'yaml-type',
      '[3:16] cannot unmarshal string into Go struct field Struct.Deploy of type preview.Bool',
    );
    assertYamlErrorAt(
      '- docker: x\n  deploy:\n    preview: maybe\n',
      'yaml-type',
      '[3:14] cannot unmarshal string into Go struct field Struct.Deploy of type preview.Bool',
    );
    assertYamlErrorAt(
      '- docker: x\n  github: y \n   z: 1\n',
      'yaml-syntax',
      '[2:12] mapping value is not allowed in this context',
    );
  });

  test('of several type errors goccy reports the first in Go struct field order, not document order (kayron-fuzz 1:84)', () => {
    // deploy.Struct declares Branch, Preview, Release, Suspend; release.Struct declares Deploy, Docker, Github, Provider.
    assertYamlErrorAt(
      '- docker: x\n  deploy:\n    suspend: off\n    preview: Yes\n',
      'yaml-type',
      '[4:14] cannot unmarshal string into Go struct field Struct.Deploy of type preview.Bool',
    );
    assertYamlErrorAt('- github: [a]\n  deploy: x\n', 'yaml-type', '[2:11] string was used where mapping is expected');
    // List items still go in order: the first item's error wins over a later item's earlier field.
    assertYamlErrorAt(
      '- github: [a]\n- deploy: x\n',
      'yaml-type',
      '[1:11] cannot unmarshal []interface {} into Go struct field Struct.Github of type github.String',
    );
  });

  test("a type error on a tagged value is reported at the tag, where goccy's node starts (kayron-fuzz 1:4478)", () => {
    const message = 'cannot unmarshal string into Go struct field Struct.Deploy of type preview.Bool';
    assertYamlErrorAt('- docker: x\n  deploy: {preview: !!str true}\n', 'yaml-type', `[2:21] ${message}`);
    assertYamlErrorAt('- docker: x\n  deploy:\n    preview: !custom yes\n', 'yaml-type', `[3:14] ${message}`);
  });

  test('a file goccy parses despite a leading BOM or a NUL is decoded as goccy reads it (kayron-fuzz 1:5602, 1:668, 1:2371)', () => {
    const messageOf = (text: string) => decodeReleaseFile(text).problems[0]?.message ?? '';
    // `<BOM>- deploy` is one plain key, so the root is a mapping; `<BOM>%YAML 1.2` is a string, not a directive.
    assertStartsWith(
      messageOf('\ufeff- deploy:\n    release: |+\n      v1.8.2\n'),
      '[1:10] mapping was used where sequence is expected (the file starts with a UTF-8 byte order mark',
    );
    assertStartsWith(
      messageOf('\ufeff%YAML 1.2\n---\n- docker: a\n'),
      '[1:1] string was used where sequence is expected (the file starts',
    );
    // A NUL is text: in a key it makes another key, and Kayron goes on to its schema checks.
    assert.equal(
      verdictOf('- docker: "kayron"\n  github: "kayron"\n  deploy\u0000:\n    release: "v0.1.9"\n').code,
      'deploy-missing',
    );
  });

  test('an undefined alias in a later document fails the file, unless the first document is empty (kayron-fuzz 1:674, 1:5540)', () => {
    assertYamlErrorAt(
      '- github: infrastructure\n---\n- *undefined\n',
      'yaml-syntax',
      '[3:4] could not find alias "undefined"',
    );
    const emptyFirst = decodeReleaseFile(
      '---\n---\n- {docker: a, github: b, deploy: {release: v1.0.0}}\n- github: x\n  provider: *a2\n',
    );
    assert.equal(emptyFirst.failed, false);
    assert.deepEqual(
      emptyFirst.problems.filter((problem) => problem.kayronCheck),
      [],
    );
  });

  test("a tab in indentation: found character '\\t' that cannot start any token, at the tab", () => {
    expectProblemAt('- docker: "a"\n«\t»github: "a"\n', 'yaml-syntax', {
      kayron: true,
      messageStartsWith: "[2:1] found character '\t' that cannot start any token",
    });
    expectProblemAt('- docker: "a"\n  github: "a"\n  deploy:\n«\t»release: "v1.0.0"\n', 'yaml-syntax', {
      kayron: true,
      messageStartsWith: "[4:1] found character '\t' that cannot start any token",
    });
  });

  test("a tab-indented line reports only the tab, not the parser's follow-up errors on that line", () => {
    const result = lintText('- docker: "a"\n\tgithub: "a"\n');
    assert.deepEqual(
      result.problems.filter((problem) => problem.problem.kayronCheck).map((problem) => [problem.code, problem.line]),
      [['yaml-syntax', 1]],
    );
  });

  test('tabs inside quoted values, after a colon and inside block scalars are not indentation', () => {
    assertAccepted(
      '- docker: "kayron"\n  github:\t"kayron"\n  deploy:\n    release: "v0.5.3"\n    branch_note: |\n      \tkept\n',
      1,
    );
  });

  // The spec's §1.4/§6.2 wording for these two differs from what real Kayron (goccy v1.18.0) printed on the kayron-fuzz
  // corpus; the corpus is Kayron's own output, so these follow it (case ids in the comments).
  test('bad indentation after a key-value: value is not allowed in this context. map key-value is pre-defined', () => {
    // kayron-fuzz 1:313: `- docker: "alloy"\n   github: "alloy"` is [2:4] ... map key-value is pre-defined.
    assertYamlErrorAt(
      '- docker: "a"\n   github: "a"\n',
      'yaml-syntax',
      '[2:4] value is not allowed in this context. map key-value is pre-defined',
    );
  });

  test('bad indentation after a key with a plain value on the next lines: mapping value is not allowed in this context', () => {
    // goccy continues the plain scalar onto the deeper line, so `x release` becomes a key where `x` starts.
    assertYamlErrorAt(
      '- docker: "a"\n  deploy: x\n    release: v1.0.0\n',
      'yaml-syntax',
      '[2:11] mapping value is not allowed in this context',
    );
  });

  test('an unterminated double quote: could not find end character of double-quoted text', () => {
    assertYamlErrorAt(
      '- docker: "kayron\n  github: kayron\n',
      'yaml-syntax',
      '[1:11] could not find end character of double-quoted text',
    );
  });

  test('a double quote closed on a later line runs over the keys in between (kayron-fuzz 1:121)', () => {
    // The quote opened on line 1 closes at the next `"`; what follows it is a value after a complete key-value.
    assertYamlErrorAt(
      '- docker: "kayron\n  github: "kayron"\n',
      'yaml-syntax',
      '[2:12] value is not allowed in this context. map key-value is pre-defined',
    );
  });

  test("a quoted value continued on a line left of its key is goccy's folded text, and the keys after it count", () => {
    // goccy folds a line break to a blank (a line feed for an empty line) and skips the next line's leading blanks;
    // the `yaml` library would end the scalar at column 0 and lose the keys after it (kayron-fuzz 1:4485, 1:973).
    const file = (value: string): string =>
      `- github: infrastructure\n  provider: ${value}\n  deploy:\n    release: v1.0.0\n`;
    for (const [value, folded] of [
      ['"cloud\nformation"', 'cloud formation'],
      ["'cloud  \nformation'", 'cloud formation'],
      ['"cloud\n\n   formation"', 'cloud\nformation'],
      ['"cloud\\\nformation"', 'cloudformation'],
    ] as const) {
      const decoded = decodeReleaseFile(file(value));
      assert.deepEqual(decoded.problems, [], value);
      assert.equal(decoded.entries[0]?.provider?.value, folded, value);
      assert.equal(decoded.entries[0]?.deploy?.release?.value, 'v1.0.0', value);
    }
    const verdict = verdictOf(file('"cloud\nformation"'));
    assert.equal(verdict.code, 'provider-name', verdict.message);
    // Later positions count the quoted scalar's lines (kayron-fuzz 1:1509).
    assertYamlErrorAt(
      "- github: 'a\nb'\n  deploy:\n    branch: *nope\n",
      'yaml-syntax',
      '[4:14] could not find alias "nope"',
    );
  });

  test('a tab inside double quotes with text after it makes goccy skip the character after the closing quote', () => {
    // The skipped line break joins the next key to the value's line; the tab's extra column shifts it right
    // (kayron-fuzz 1:1998: `deploy` at [2:24]). Here: quote at column 11, `deploy` read at column 21 + 2.
    assertYamlErrorAt(
      '- docker: "kayron"\n  github: "kay\tron"\n  deploy:\n    release: "v0.5.3"\n',
      'yaml-syntax',
      '[2:23] value is not allowed in this context. map key-value is pre-defined',
    );
    // The extra column ends with the tab's line; the skipped character does not (kayron-fuzz 1:1884).
    assertYamlErrorAt(
      '- docker: "kayron"\n  github: "kay\tron\n  x"\n  deploy:\n    release: "v0.5.3"\n',
      'yaml-syntax',
      '[3:7] value is not allowed in this context. map key-value is pre-defined',
    );
    // A tab right before the closing quote skips nothing: the file parses and the name keeps the tab.
    assert.equal(
      verdictOf('- docker: "kayron"\n  github: "kayron\t"\n  deploy:\n    release: "v0.5.3"\n').code,
      'github-format',
    );
  });

  test('an unterminated quote is reported where it opens, as goccy does (its token position), not where the text ends', () => {
    for (const [text, at, position] of [
      ['- docker: "kayron\n', 10, '[1:11]'],
      ["- docker: 'kayron\n", 10, '[1:11]'],
      ['- docker: "a"\n  deploy:\n    release: "v1\n', 37, '[3:14]'],
    ] as const) {
      const problem = decodeReleaseFile(text).problems[0];
      assert.deepEqual(problem?.range, [at, at + 1], text);
      assert.match(
        problem?.message ?? '',
        new RegExp(`^\\${position.slice(0, -1)}\\] could not find end character of (double|single)-quoted text$`),
        text,
      );
    }
  });

  test("an unclosed flow sequence: sequence end token ']' not found", () => {
    assertYamlError('- docker: [kayron\n', 'yaml-syntax', "sequence end token ']' not found");
  });

  test('a UTF-8 BOM is read as text, so a valid file fails (kayron-fuzz 1:5747: [2:3] ... map key-value is pre-defined)', () => {
    const text = `\ufeff${VALID}`;
    assertYamlErrorAt(text, 'yaml-syntax', '[2:3] value is not allowed in this context. map key-value is pre-defined');
    assert.equal(decodeReleaseFile(text).failed, true);
  });

  test('a BOM joins the first plain scalar, which decides the error (kayron-fuzz 1:840, 1:26)', () => {
    const messageOf = (text: string) => decodeReleaseFile(text).problems[0]?.message ?? '';
    // `<BOM>- &base` runs on into the deeper next line, so its key spans two lines.
    assert.match(messageOf('\ufeff- &base\n  "docker": "specta"\n'), /^\[1:1\] unexpected key name /);
    assert.match(messageOf('\ufeff---\n- docker: &a0 123\n  github: x\n'), /^\[1:1\] unexpected key name /);
    assert.match(
      messageOf('\ufeff- docker: "kayron"\n'),
      /\(the file starts with a UTF-8 byte order mark/,
      "the hint follows Kayron's sentence",
    );
  });
});

describe('coercion into string fields (§1.4)', () => {
  const cases: [source: string, value: string][] = [
    ['010', '8'],
    ['0x1F', '31'],
    ['0o17', '15'],
    ['1_000', '1000'],
    ['1.10', '1.1'],
    ['.inf', '+Inf'],
    ['1e3', '1e3'],
    ['true', 'true'],
    ['2001-12-14', '2001-12-14'],
    ['456', '456'],
    ['"010"', '010'],
    ["'1.10'", '1.10'],
    ['!!str 1.10', '1.10'],
  ];
  for (const [source, value] of cases) {
    for (const field of ['docker', 'github', 'provider', 'release', 'branch'] as const) {
      test(`${field}: ${source} → ${JSON.stringify(value)}`, () => {
        const text =
          field === 'release' || field === 'branch'
            ? `- docker: "kayron"\n  github: "kayron"\n  deploy:\n    ${field}: ${source}\n`
            : `- docker: "kayron"\n  github: "kayron"\n  ${field}: ${source}\n  deploy:\n    release: "v0.5.3"\n`;
        const [entry] = decodeReleaseFile(text).entries;
        const decoded = field === 'release' || field === 'branch' ? entry?.deploy?.[field] : entry?.[field];
        assert.equal(decoded?.value, value);
      });
    }
  }

  // goccy's number rule (token.ToNumber): a text Go's strconv refuses, out of range included, stays the text.
  const numbers: [source: string, value: string, goccyNode: string][] = [
    ['1.7976931348623157e309', '1.7976931348623157e309', 'string'],
    ['-2.5e400', '-2.5e400', 'string'],
    ['1.5e-400', '0', 'float'],
    ['18446744073709551615', '18446744073709551615', 'int'],
    ['18446744073709551616', '18446744073709551616', 'string'],
    ['-9223372036854775808', '-9223372036854775808', 'int'],
    ['-9223372036854775809', '-9223372036854775809', 'string'],
    ['0x10000000000000000', '0x10000000000000000', 'string'],
    ['09', '09', 'string'],
    ['0b2', '0b2', 'string'],
    ['1_', '1', 'int'],
    ['+-5', '5', 'int'],
    ['-+5', '-+5', 'string'],
    ['-0x1F', '-31', 'int'],
    ['0x1.8p1', '0x1.8p1', 'string'],
    ['0X1.8p1', '3', 'float'],
    ['1.e2', '100', 'float'],
    ['+.inf', '+.inf', 'string'],
  ];
  for (const [source, value, goccyNode] of numbers) {
    test(`${source} reads ${JSON.stringify(value)} and is goccy's ${goccyNode}`, () => {
      const [entry] = decodeReleaseFile(
        `- docker: "kayron"\n  github: ${source}\n  deploy:\n    release: v1.0.0\n`,
      ).entries;
      assert.equal(entry?.github?.value, value);
      assertYamlErrorAt(`- deploy: ${source}\n`, 'yaml-type', `[1:11] ${goccyNode} was used where mapping is expected`);
    });
  }

  // !!int is strconv.Atoi(fmt.Sprint(value)), !!float is castToFloat (strconv.ParseFloat on text), errors ignored.
  const tagged: [source: string, value: string][] = [
    ['!!int 0x1F', '31'],
    ['!!int "0x1F"', '0'],
    ['!!int 3.0', '3'],
    ['!!int 3.5', '0'],
    ['!!int "+7"', '7'],
    ['!!int 99999999999999999999', '9223372036854775807'],
    ['!!int -99999999999999999999', '-9223372036854775808'],
    ['!!int ~', '0'],
    ['!!float 1e3', '1000'],
    ['!!float 1e999', '+Inf'],
    ['!!float "-Infinity"', '-Inf'],
    ['!!float 0x1F', '31'],
    ['!!float "1_000.5"', '0'],
    ['!!float true', '0'],
  ];
  for (const [source, value] of tagged) {
    test(`${source} reads ${JSON.stringify(value)}`, () => {
      const text = `- docker: "kayron"\n  github: ${source}\n  deploy:\n    release: v1.0.0\n`;
      assert.equal(decodeReleaseFile(text).entries[0]?.github?.value, value);
    });
  }

  test('an out-of-range float is a valid github name, as text (kayron-fuzz 1:1839)', () => {
    assertAccepted('- docker: "kayron"\n  github: 1.5e999\n  deploy:\n    release: "v0.5.3"\n', 1);
  });

  test('a block scalar ending the file without a line break has no final newline (clip and keep)', () => {
    for (const header of ['|', '|+', '>', '>+']) {
      const text = `- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: ${header}\n      v1.0.0`;
      assert.equal(decodeReleaseFile(text).entries[0]?.deploy?.release?.value, 'v1.0.0', header);
      assert.equal(
        decodeReleaseFile(`${text}\n`).entries[0]?.deploy?.release?.value,
        'v1.0.0\n',
        `${header} + newline`,
      );
      assertAccepted(text, 1);
    }
    // So the docker check decides: a 247-character name after a block-scalar release at the file's end.
    const long = `- docker: ${'a'.repeat(247)}\n  github: "kayron"\n  deploy:\n    release: |+\n      v1.0.0`;
    assert.equal(verdictOf(long).message, 'repository name must not be more than 255 characters');
  });

  test("!!binary is Go's base64 decoding with the error ignored: the bytes of the groups before the first fault", () => {
    const dockerOf = (value: string) =>
      decodeReleaseFile(`- docker: !!binary ${value}\n  github: "kayron"\n  deploy:\n    release: v1.0.0\n`).entries[0]
        ?.docker;
    assert.equal(dockerOf('"c3BsaXRzbGl0ZQ=="')?.value, 'splitslite');
    assert.equal(dockerOf('|\n    c3BsaXRz\n    bGl0ZQ==')?.value, 'splitslite', 'line breaks are skipped');
    assert.equal(dockerOf('"c3Bs aXRz"')?.value, 'spl', 'a blank is a fault');
    assert.equal(dockerOf('"c3BsaXRzbA"')?.value, 'splits', 'a group cut short at the end is dropped');
    assert.equal(dockerOf('"YQ==YQ=="')?.value, 'a', 'a padded group ends the text');
    assert.equal(dockerOf('"c3Bs-aXRz"')?.value, 'spl', 'a character outside the alphabet');
    const raw = dockerOf('"Yf8="');
    assert.equal(raw?.value, 'a\ufffd', 'a byte that is not UTF-8 shows as U+FFFD');
    assert.deepEqual(raw?.invalidUtf8At, [1]);
  });

  test('!!binary on a plain number, boolean or null fails: cannot convert "<Go value>" to string', () => {
    const entry = (docker: string) => `- docker: ${docker}\n  github: "kayron"\n  deploy:\n    release: v1.0.0\n`;
    assertYamlErrorAt(entry('!!binary 010'), 'yaml-syntax', '[1:19] cannot convert "8" to string');
    assertYamlErrorAt(entry('!!binary 1.50'), 'yaml-syntax', '[1:19] cannot convert "1.5" to string');
    assertYamlErrorAt(entry('!!binary true'), 'yaml-syntax', '[1:19] cannot convert "true" to string');
    assertYamlErrorAt(entry('!!binary ~'), 'yaml-syntax', '[1:19] cannot convert "<nil>" to string');
    // A quoted number is a string node.
    assert.equal(verdictOf(entry('!!binary "0100"')).code, 'docker-format', 'decoded: d3 5d 38');
    // It fails before any field is decoded, like an undefined alias (here under a key Kayron ignores).
    assertYamlErrorAt(
      `${entry('"kayron"')}  labels: !!binary 7\n`,
      'yaml-syntax',
      '[5:19] cannot convert "7" to string',
    );
  });

  test('a docker name with bytes that are not UTF-8 before its first ":" is the lowercase error (kayron-fuzz 1:156)', () => {
    const entry = (docker: string) => `- docker: ${docker}\n  github: "kayron"\n  deploy:\n    release: v1.0.0\n`;
    assert.equal(
      verdictOf(entry('!!binary "Yf8="')).message,
      'invalid reference format: repository name (registry/a\ufffd) must be lowercase',
    );
    // Go's strings.ToLower keeps a U+FFFD written in the file, and a bad byte after the ':' is not in the remote name.
    assert.equal(verdictOf(entry('"a\ufffd"')).message, 'invalid reference format');
    assert.equal(verdictOf(entry('!!binary "YTr/"')).message, 'invalid reference format');
    assert.equal(
      verdictOf(entry('"\u00c9t\u00e9"')).message,
      'invalid reference format: repository name (registry/\u00c9t\u00e9) must be lowercase',
      'a non-ASCII uppercase letter too',
    );
  });

  test('null and ~ become "" and count as absent', () => {
    for (const empty of ['null', '~', '']) {
      assert.equal(
        verdictOf(`- docker: "kayron"\n  github: ${empty}\n  deploy:\n    release: "v0.5.3"\n`).code,
        'github-missing',
      );
    }
  });

  test('a sequence or mapping in a string field is a type error on the value', () => {
    expectProblemAt('- docker: «[a]»\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n', 'yaml-type', {
      kayron: true,
      messageStartsWith:
        '[1:11] cannot unmarshal []interface {} into Go struct field Struct.Docker of type docker.String',
    });
    assertYamlError(
      '- docker: "a"\n  github: {name: a}\n  deploy:\n    release: "v1.0.0"\n',
      'yaml-type',
      'cannot unmarshal map[string]interface {} into Go struct field Struct.Github of type github.String',
    );
    assertYamlError(
      '- docker: "a"\n  github: "a"\n  deploy:\n    release: [v1.0.0]\n',
      'yaml-type',
      'cannot unmarshal []interface {} into Go struct field Struct.Deploy of type release.String',
    );
  });

  test('!!binary on a number, boolean or null: cannot convert "8" to string, one column left of the value', () => {
    assertYamlErrorAt('- docker: !!binary 010\n  github: "a"\n', 'yaml-syntax', '[1:19] cannot convert "8" to string');
    assertYamlError('- docker: !!binary true\n', 'yaml-syntax', 'cannot convert "true" to string');
    assertYamlError('- docker: !!binary ~\n', 'yaml-syntax', 'cannot convert "<nil>" to string');
    assertYamlError('- docker: !!binary 1.10\n', 'yaml-syntax', 'cannot convert "1.1" to string');
    // goccy converts the document's values before it decodes any field: an unknown key fails the file, and before
    // the type error of a field above it.
    assertYamlError('- docker: [a]\n  labels: !!binary 3\n', 'yaml-syntax', 'cannot convert "3" to string');
    // Text is base64-decoded (errors ignored), quoted text too.
    assert.notEqual(verdictOf('- docker: !!binary "010"\n  github: "a"\n').code, 'yaml-syntax');
  });

  test("!!binary keeps the bytes of the complete base64 groups before the first bad one, as Go's decoder returns them", () => {
    const github = (value: string): string | undefined =>
      decodeReleaseFile(`- github: ${value}\n  provider: cloudformation\n  deploy:\n    release: v1.0.0\n`).entries[0]
        ?.github?.value;
    assert.equal(github('!!binary a2F5cm9u'), 'kayron');
    assert.equal(github('!!binary "a2F5\\ncm9uIQ=="'), 'kayron!');
    // `kayr` is one whole group (3 bytes), then `on` is an incomplete one: Go returns the 3 bytes with its error.
    assert.equal(github('!!binary a2F5cm9'), 'kay');
    assert.equal(github('!!binary "a2F5 cm9u"'), 'kay', 'a blank stops the decoder: its group is lost');
    assert.equal(github('!!binary abc'), '');
    // `server` decodes to 3 bytes that are not UTF-8, so the name is invalid rather than missing (kayron-fuzz 1:2708).
    assert.equal(
      verdictOf('- docker: kayron\n  github: !!binary server\n  deploy:\n    release: v1.0.0\n').code,
      'github-format',
    );
  });

  test('a custom tag ending its line takes the keys below it as its mapping, as goccy gives a tag the next node', () => {
    // kayron-fuzz 1:4186, 1:3257: the tag's position is the error's.
    assertYamlErrorAt(
      '- docker: kayron\n  github: !a\n  deploy:\n    release: v1.0.0\n',
      'yaml-type',
      '[2:11] cannot unmarshal map[string]interface {} into Go struct field Struct.Github of type github.String',
    );
    assertYamlErrorAt(
      '- docker: kayron\n  github: kayron\n  deploy:\n    release: !x # c\n    preview: true\n',
      'yaml-type',
      '[4:14] cannot unmarshal map[string]interface {} into Go struct field Struct.Deploy of type release.String',
    );
    assertYamlErrorAt(
      '- docker: kayron\n  github: kayron\n  deploy: !a\n',
      'yaml-type',
      '[3:11] tag was used where mapping is expected',
    );
    // A deeper mapping under the tag is the ordinary case, read alike by both.
    assertYamlErrorAt(
      '- docker: kayron\n  github: !a\n    name: x\n  deploy:\n    release: v1.0.0\n',
      'yaml-type',
      '[2:11] cannot unmarshal map[string]interface {} into Go struct field Struct.Github of type github.String',
    );
  });

  test('a plain value goccy reads as text though it opens with an indicator: `}…`, `-` before a comma', () => {
    // The `yaml` library cannot start a plain scalar there; goccy can (kayron-fuzz 1:5505, 1:92).
    const decoded = decodeReleaseFile('- {docker: kayron, github: -, deploy: {release: v1.0.0}}\n');
    assert.deepEqual(decoded.problems, []);
    assert.equal(decoded.entries[0]?.github?.value, '-');
    assert.equal(decoded.entries[0]?.deploy?.release?.value, 'v1.0.0');
    const verdict = verdictOf('- docker: kayron\n  github: kayron\n  deploy:\n    release: }"v1.0.0"\n');
    assert.equal(verdict.code, 'release-format');
    assert.ok(verdict.message.includes('}\\"v1.0.0\\"'), verdict.message);
    // A file that is only such text is a string where the list should be (kayron-fuzz 1:2733, 1:3819).
    assertYamlErrorAt('}-  \n', 'yaml-type', '[1:3] string was used where sequence is expected');
    assertYamlErrorAt('# c\n} \n', 'yaml-type', '[2:2] string was used where sequence is expected');
    // A value glued to its key's colon in a flow mapping is that key's value for goccy (kayron-fuzz 1:3285).
    const glued = decodeReleaseFile('- {docker: kayron, github: kayron, deploy: {release:sv1.2.3}}\n');
    assert.equal(glued.entries[0]?.deploy?.release?.value, 'sv1.2.3');
    // `-1` is a number for both, and stays one.
    assert.equal(decodeReleaseFile('- {docker: kayron, github: -1}\n').entries[0]?.github?.coercedFrom?.kind, 'int64');
  });

  test('a literal block scalar keeps its newline, so the tag is invalid; >- strips it', () => {
    const literal = verdictOf('- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: |\n      v1.0.0\n');
    assert.equal(literal.code, 'release-format');
    assert.ok(literal.message.includes('"v1.0.0\\n"'), literal.message);
    assertAccepted('- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: >-\n      v1.0.0\n', 1);
    // At the end of a file without a final line break there is no newline to keep (kayron-fuzz 1:3951).
    assertAccepted('- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: |\n      v1.0.0', 1);
    assertAccepted('- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: >+\n      v1.0.0', 1);
  });
});

describe('booleans: deploy.suspend and deploy.preview (§1.4)', () => {
  for (const source of ['true', 'True', 'TRUE', '!!bool "true"', '!!bool true']) {
    test(`suspend: ${source} is true`, () => {
      assertAccepted(`- docker: "kayron"\n  github: "kayron"\n  deploy:\n    suspend: ${source}\n`, 1);
    });
  }
  for (const source of ['false', 'False', 'FALSE', 'null', '~', '']) {
    test(`suspend: ${source || '(empty)'} is false, so the deploy is empty`, () => {
      assert.equal(
        verdictOf(`- docker: "kayron"\n  github: "kayron"\n  deploy:\n    suspend: ${source}\n`).code,
        'deploy-missing',
      );
    });
  }
  for (const [source, goType] of [
    ['"true"', 'string'],
    ["'true'", 'string'],
    ['yes', 'string'],
    ['on', 'string'],
    ['y', 'string'],
    ['No', 'string'],
    ['tRUE', 'string'],
    ['0', 'uint64'],
    ['1', 'uint64'],
  ] as const) {
    for (const field of ['suspend', 'preview'] as const) {
      test(`${field}: ${source} is a type error (cannot unmarshal ${goType})`, () => {
        expectProblemAt(`- docker: "kayron"\n  github: "kayron"\n  deploy:\n    ${field}: «${source}»\n`, 'yaml-type', {
          kayron: true,
          messageStartsWith: `[4:${field.length + 7}] cannot unmarshal ${goType} into Go struct field Struct.Deploy of type ${field}.Bool`,
        });
      });
    }
  }
});

describe('deploy and list items (§1.4, §1.5)', () => {
  test('deploy given as a string: string was used where mapping is expected', () => {
    expectProblemAt('- docker: "kayron"\n  github: "kayron"\n  deploy: «"release"»\n', 'yaml-type', {
      kayron: true,
      messageStartsWith: '[3:11] string was used where mapping is expected',
    });
  });

  test('deploy: !a with no value is a tag node for goccy, not null: tag was used where mapping is expected', () => {
    const head = '- docker: "kayron"\n  github: "kayron"\n';
    assertYamlErrorAt(`${head}  deploy: !a\n`, 'yaml-type', '[3:11] tag was used where mapping is expected');
    assertYamlErrorAt(`${head}  deploy: &d !a\n  # c\n`, 'yaml-type', '[3:14] tag was used where mapping is expected');
  });

  test("a key's value that is only a custom tag takes the keys below it as its mapping (goccy parses the next token)", () => {
    assertYamlErrorAt(
      '- docker: "kayron"\n  github: !a\n  deploy:\n    release: "v0.5.3"\n',
      'yaml-type',
      '[2:11] cannot unmarshal map[string]interface {} into Go struct field Struct.Github of type github.String',
    );
    // An unknown key takes them too: deploy is no field of the entry any more.
    assert.equal(
      verdictOf('- docker: "kayron"\n  github: "kayron"\n  labels: !a\n  deploy:\n    release: "v0.5.3"\n').code,
      'deploy-missing',
    );
    // The last key of deploy: the next token is the entry's next key, so the entry's keys after deploy go under the tag.
    assertYamlErrorAt(
      '- docker: "kayron"\n  deploy:\n    branch: !a\n  github: "kayron"\n',
      'yaml-type',
      '[3:13] cannot unmarshal map[string]interface {} into Go struct field Struct.Deploy of type branch.String',
    );
    // The last key of the last entry's deploy before another item: the list's later items go under the tag.
    const list = '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    branch: !a\n- docker: "BAD"\n';
    assertYamlErrorAt(
      list,
      'yaml-type',
      '[4:13] cannot unmarshal []interface {} into Go struct field Struct.Deploy of type branch.String',
    );
    assert.equal(decodeReleaseFile(list).entries.length, 1, 'the second item belongs to the tag');
    // Inside deploy the same: release belongs to the tagged webhook, so the strategy is missing.
    assert.equal(
      verdictOf('- docker: "kayron"\n  github: "kayron"\n  deploy:\n    webhook: !a\n    release: "v0.5.3"\n').code,
      'deploy-missing',
    );
  });

  test('deploy given as a list: sequence was used where mapping is expected', () => {
    assertYamlError(
      '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    - release: "v0.5.3"\n',
      'yaml-type',
      'sequence was used where mapping is expected',
    );
  });

  test('deploy: null and deploy: {} mean an empty deploy', () => {
    for (const deploy of ['', ' null', ' ~', ' {}']) {
      assert.equal(verdictOf(`- docker: "kayron"\n  github: "kayron"\n  deploy:${deploy}\n`).code, 'deploy-missing');
    }
  });

  test('a scalar list item (- a) is an error', () => {
    expectProblemAt('- «a»\n', 'yaml-type', {
      kayron: true,
      messageStartsWith: '[1:3] string was used where mapping is expected',
    });
  });

  test('a nested list item (- - x) is an error', () => {
    assertYamlError('- - x\n', 'yaml-type', 'sequence was used where mapping is expected');
  });

  test('a null item (-) decodes to an all-empty entry that fails with "requires a deployment strategy", at the dash', () => {
    expectProblemAt('«-»\n', 'deploy-missing', { kayron: true, messageStartsWith: KAYRON_MESSAGES['deploy-missing'] });
  });

  test('- {} decodes to an all-empty entry that fails with "requires a deployment strategy"', () => {
    assert.equal(verdictOf('- {}\n').code, 'deploy-missing');
  });

  test('null items are counted in the block index', () => {
    const text = `-\n${VALID}-\n${VALID}`;
    assert.deepEqual(
      decodeReleaseFile(text).entries.map((entry) => [entry.index, entry.docker?.value ?? null]),
      [
        [0, null],
        [1, 'kayron'],
        [2, null],
        [3, 'kayron'],
      ],
    );
    // The second null item is at index 2, on line 6.
    const result = lintText(text);
    assert.deepEqual(
      problemsWithCode(result, 'deploy-missing').map((problem) => [problem.line, problem.character]),
      [
        [0, 0],
        [5, 0],
      ],
    );
  });
});

describe('one syntax error, one error diagnostic (issue 15 item 8)', () => {
  const tenEntries = Array.from(
    { length: 10 },
    (_, i) => `- docker: "svc-${i}"\n  github: "svc-${i}"\n  deploy:\n    release: "v0.${i}.0"\n`,
  ).join('');
  const errorsOf = (text: string) => {
    const analysis = analyzeReleaseFile('service/x.yaml', text);
    return [...analysis.kayronProblems, ...analysis.extraProblems].filter((problem) => problem.severity === 'error');
  };
  for (const [name, text, message] of [
    [
      'a tab that starts a line',
      tenEntries.replace('  github: "svc-3"', '\tgithub: "svc-3"'),
      "[14:1] found character '\t' that cannot start any token",
    ],
    [
      'a tab inside the indentation',
      tenEntries.replace('    release: "v0.2.0"', '  \t  release: "v0.2.0"'),
      "[12:3] found character '\t' that cannot start any token",
    ],
    [
      'an unterminated quote',
      tenEntries.replace('"svc-4"\n', '"svc-4\n'),
      '[18:12] value is not allowed in this context. map key-value is pre-defined',
    ],
    [
      'an unclosed flow sequence',
      tenEntries.replace('  deploy:\n    release: "v0.5.0"', '  deploy: [\n    release: "v0.5.0"'),
      "[25:1] ',' or ']' must be specified",
    ],
  ] as const) {
    test(`${name}: Kayron's error at goccy's position and nothing else`, () => {
      const errors = errorsOf(text);
      assert.deepEqual(
        errors.map((problem) => problem.message),
        [message],
      );
      assert.equal(errors[0]?.code, 'yaml-syntax');
    });
  }

  test("a byte that is not UTF-8 is one character (Go's runes), in the CLI and in the server's read of the file", async () => {
    // E2 82 starts a 3-byte sequence that never ends: two U+FFFD for Go, one for Node's decoder.
    const bytes = Buffer.concat([
      Buffer.from('- {github: '),
      Buffer.from([0xe2, 0x82]),
      Buffer.from(', deploy: *nope}\n'),
    ]);
    const expected = '[1:25] could not find alias "nope"';
    const root = makeTree({ 'service/x.yaml': bytes });
    try {
      const kayron = lintDiagnostics(await lintTree(root)).find((diagnostic) => diagnostic.kayron);
      assertStartsWith(kayron?.message ?? '', expected);
      const workspace = new ReleaseWorkspace(root);
      await workspace.scan();
      assert.equal(workspace.textOf('service/x.yaml'), '- {github: \ufffd\ufffd, deploy: *nope}\n');
      assertStartsWith(workspace.validate().kayronVerdict?.problem.message ?? '', expected);
    } finally {
      removeTree(root);
    }
  });

  test("the CLI prints the same single error, marked as Kayron's", async () => {
    const root = makeTree({ 'service/x.yaml': tenEntries.replace('  github: "svc-3"', '\tgithub: "svc-3"') });
    try {
      const diagnostics = lintDiagnostics(await lintTree(root)).filter((diagnostic) => diagnostic.severity === 'error');
      assert.equal(diagnostics.length, 1);
      assert.equal(diagnostics[0]?.kayron, true);
      assert.deepEqual(diagnostics[0]?.range.start, { line: 13, character: 0 });
    } finally {
      removeTree(root);
    }
  });
});
