/**
 * Quick fixes that take their ranges from diagnostic data (`data.pair` of a duplicate key, `data.strategyPairs` of a
 * strategy conflict) rather than from a parse of the document: multi-line values are removed whole and nothing
 * else changes; ranges computed by the incremental analysis (items moved after an edit) are as good as full ones;
 * and data made for an earlier text never turns into an edit of the wrong lines.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver';
import { quickFixes } from '../../server/src/features/code-actions';
import { toDiagnostic } from '../../server/src/features/diagnostics';
import { analyzeReleaseFile, type FileAnalysis } from '../../server/src/features/validate';
import { analyzeReleaseFileIncremental } from '../../server/src/features/incremental-analysis';
import { generateReleaseFile } from '../bench/release-files';

const RELATIVE_PATH = 'service/service.yaml';
const URI = `file:///repo/${RELATIVE_PATH}`;
const DUPLICATE = /mapping key "[^"]*" already defined at /;

const documentOf = (text: string, version = 1) => TextDocument.create(URI, 'kayron-release', version, text);

/** Diagnostics as the server publishes them for `analysis` of `text` (the same conversion, data included). */
function diagnosticsFor(text: string, analysis: FileAnalysis, code: string): Diagnostic[] {
  const document = documentOf(text);
  return [...analysis.kayronProblems, ...analysis.extraProblems]
    .filter((problem) => problem.code === code)
    .map((problem) => toDiagnostic(document, problem, false));
}

const duplicateKeyDiagnostics = (text: string, analysis = analyzeReleaseFile(RELATIVE_PATH, text)) =>
  diagnosticsFor(text, analysis, 'yaml-syntax').filter((diagnostic) => DUPLICATE.test(diagnostic.message));

function fixesFor(document: TextDocument, diagnostics: Diagnostic[]): CodeAction[] {
  return quickFixes(document, diagnostics, {
    rootUri: 'file:///repo',
    relativePath: RELATIVE_PATH,
    exists: () => false,
  });
}

function apply(document: TextDocument, action: CodeAction | undefined): string {
  assert.ok(action?.edit?.changes, 'the action has text edits');
  assert.deepEqual(Object.keys(action.edit.changes), [document.uri], 'the edit touches only this document');
  return TextDocument.applyEdits(document, action.edit.changes[document.uri] as TextEdit[]);
}

/** The one duplicate-key fix for `text`, applied. */
function removeDuplicate(text: string): string {
  const diagnostics = duplicateKeyDiagnostics(text);
  assert.equal(diagnostics.length, 1, `one duplicate key in ${JSON.stringify(text)}`);
  const document = documentOf(text);
  const actions = fixesFor(document, diagnostics);
  assert.deepEqual(
    actions.map((action) => action.title),
    ['Remove the duplicate key'],
  );
  assert.equal(actions[0]?.isPreferred, false);
  return apply(document, actions[0]);
}

const before = '# pinned by the team\n- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n';
const after = '\n# next entry\n- docker: "specta"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n';

describe('duplicate keys: the fix removes exactly the duplicate pair', () => {
  const cases: [string, string, string][] = [
    // [label, the entry's lines after `release`, the lines the fix must remove]
    ['a one-line value', '', '    release: "v0.5.4"\n'],
    ['a one-line value with a trailing comment', '', '    release: "v0.5.4" # newer\n'],
    ['a block mapping value', '  # a comment that stays\n', '  deploy:\n    release: "v0.5.4"\n    preview: true\n'],
    ['a block sequence value', '', '  github:\n    - "one"\n    - "two"\n'],
    ['a literal block scalar value', '', '  github: |\n    kayron\n    again\n'],
    ['a flow mapping over two lines', '', '  deploy: {release: "v0.5.4",\n    preview: true}\n'],
    ['a value on the line after its key', '', '    release:\n      "v0.5.4"\n'],
    ['a comment between key and value', '', '    release:\n      # newer\n      "v0.5.4"\n'],
  ];
  for (const [label, kept, duplicate] of cases) {
    test(label, () => {
      // The duplicate sits at the end of the first entry: after it come a blank line, a comment and another entry.
      const expected = `${before}${kept}${after}`;
      assert.equal(removeDuplicate(`${before}${kept}${duplicate}${after}`), expected);
    });
  }

  test('a block scalar with keep chomping takes the blank lines after it, which are part of its value', () => {
    assert.equal(removeDuplicate(`${before}  github: >+\n    kayron\n${after}`), `${before}${after.slice(1)}`);
  });

  test('a duplicate in the middle of an entry, with the keys around it untouched', () => {
    const text = '- docker: "kayron"\n  github: "kayron"\n  docker: |-\n    other\n  deploy:\n    release: "v1.0.0"\n';
    assert.equal(removeDuplicate(text), '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v1.0.0"\n');
  });

  test('the last line of a file without a final line break', () => {
    assert.equal(removeDuplicate(`${before}    release: |\n      v0.5.4`), before);
  });

  test('CRLF line breaks stay CRLF', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    assert.equal(
      removeDuplicate(crlf(`${before}  deploy:\n    release: "v0.5.4"\n    preview: true\n${after}`)),
      crlf(`${before}${after}`),
    );
  });

  test('each of several duplicates gets its own fix', () => {
    const text = `${before}    release: "v0.5.4"\n  github: |\n    x\n${after.replace('    release: "v0.3.1"\n', '    release: "v0.3.1"\n    release:\n      - "v0.3.2"\n')}`;
    const document = documentOf(text);
    const actions = fixesFor(document, duplicateKeyDiagnostics(text));
    assert.equal(actions.length, 3);
    assert.equal(apply(document, actions[0]), text.replace('    release: "v0.5.4"\n', ''));
    assert.equal(apply(document, actions[1]), text.replace('  github: |\n    x\n', ''));
    assert.equal(apply(document, actions[2]), text.replace('    release:\n      - "v0.3.2"\n', ''));
  });
});

describe('strategy conflicts: each fix keeps one strategy and removes the others whole', () => {
  const entry = (deploy: string) =>
    `# pinned\n- docker: "kayron"\n  github: "kayron"\n  deploy:\n${deploy}\n# next\n- docker: "specta"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n`;

  function strategyFixes(text: string) {
    const document = documentOf(text);
    const diagnostics = diagnosticsFor(text, analyzeReleaseFile(RELATIVE_PATH, text), 'deploy-strategy-conflict');
    assert.equal(diagnostics.length, 1, `one strategy conflict in ${JSON.stringify(text)}`);
    const actions = fixesFor(document, diagnostics);
    assert.ok(
      actions.every((action) => action.isPreferred === false),
      'no strategy is preferred over another',
    );
    return Object.fromEntries(actions.map((action) => [action.title, apply(document, action)]));
  }

  test('multi-line values: a folded branch, a release on the next line, a suspend after a comment', () => {
    const release = '    release:\n      "v0.5.3"';
    const branch = '    branch: >-\n      feature/\n      x';
    const suspend = '    suspend:\n      # paused for the migration\n      true';
    const preview = '    preview: true';
    assert.deepEqual(strategyFixes(entry([release, branch, preview, suspend].join('\n'))), {
      'Keep only "release"': entry([release, preview].join('\n')),
      'Keep only "branch"': entry([branch, preview].join('\n')),
      'Keep only "suspend"': entry([preview, suspend].join('\n')),
    });
  });

  test('a literal block scalar followed by comments that stay', () => {
    const release = '    release: "v0.5.3" # pinned';
    const branch = '    branch: |-\n      feature/y';
    const comment = '    # the team wants a branch here';
    assert.deepEqual(strategyFixes(entry([branch, comment, release].join('\n'))), {
      'Keep only "release"': entry([comment, release].join('\n')),
      'Keep only "branch"': entry([branch, comment].join('\n')),
    });
  });

  test('CRLF line breaks stay CRLF', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const release = '    release: "v0.5.3"';
    const branch = '    branch:\n      "feature/x"';
    assert.deepEqual(strategyFixes(crlf(entry([release, branch].join('\n')))), {
      'Keep only "release"': crlf(entry(release)),
      'Keep only "branch"': crlf(entry(branch)),
    });
  });
});

describe('data from the incremental analysis gives the same fixes', () => {
  test('pairs of items moved by an edit above them are moved too', () => {
    const large = generateReleaseFile(120, { seed: 5 });
    const conflict =
      '- docker: "late"\n  github: "late"\n  deploy:\n    release: "v1.0.0"\n    branch: >-\n      feature/late\n';
    const duplicate =
      '- docker: "later"\n  github: "later"\n  deploy:\n    release: "v1.0.0"\n  deploy:\n    release: "v1.0.1"\n    preview: true\n';
    const tail = `${conflict}${duplicate}`;
    const first = analyzeReleaseFileIncremental(RELATIVE_PATH, `${large}${tail}`);
    const edited = `# a new first line\n\n${large}${tail}`;
    const incremental = analyzeReleaseFileIncremental(RELATIVE_PATH, edited, first);
    const full = analyzeReleaseFile(RELATIVE_PATH, edited);
    const document = documentOf(edited);
    for (const code of ['yaml-syntax', 'deploy-strategy-conflict']) {
      const fromIncremental = fixesFor(document, diagnosticsFor(edited, incremental, code));
      const fromFull = fixesFor(document, diagnosticsFor(edited, full, code));
      assert.ok(fromIncremental.length > 0, code);
      assert.deepEqual(fromIncremental, fromFull, code);
    }
    const removed = fixesFor(document, duplicateKeyDiagnostics(edited, incremental))[0];
    assert.equal(apply(document, removed), edited.replace('  deploy:\n    release: "v1.0.1"\n    preview: true\n', ''));
    const keepRelease = fixesFor(document, diagnosticsFor(edited, incremental, 'deploy-strategy-conflict')).find(
      (action) => action.title === 'Keep only "release"',
    );
    assert.equal(apply(document, keepRelease), edited.replace('    branch: >-\n      feature/late\n', ''));
  });
});

describe('data made for an earlier text', () => {
  const duplicateText = `${before}  deploy:\n    release: "v0.5.4"\n    preview: true\n${after}`;
  const strategyText =
    '- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n    branch: "feature/x"\n    preview: true\n';

  /**
   * Diagnostics of `earlier`, as VS Code sends them back once the document reads `now`: its markers keep their
   * ranges until the server publishes again; `movedLines` shifts them as if the editor had moved them with the text.
   */
  function staleFixes(earlier: string, now: string, code: string, movedLines = 0) {
    const moved = (position: { line: number; character: number }) => ({
      line: position.line + movedLines,
      character: position.character,
    });
    const diagnostics = diagnosticsFor(earlier, analyzeReleaseFile(RELATIVE_PATH, earlier), code).map((diagnostic) => ({
      ...diagnostic,
      range: { start: moved(diagnostic.range.start), end: moved(diagnostic.range.end) },
    }));
    assert.ok(diagnostics.length > 0);
    const document = documentOf(now, 2);
    return { document, actions: fixesFor(document, diagnostics) };
  }

  for (const movedLines of [0, 1]) {
    const how = movedLines === 0 ? 'ranges as published' : 'ranges moved with the text';
    test(`a line inserted above: no duplicate-key fix (${how})`, () => {
      assert.deepEqual(
        staleFixes(duplicateText, `# a new line\n${duplicateText}`, 'yaml-syntax', movedLines).actions,
        [],
      );
    });

    test(`a line inserted above: no strategy fix (${how})`, () => {
      assert.deepEqual(
        staleFixes(strategyText, `# a new line\n${strategyText}`, 'deploy-strategy-conflict', movedLines).actions,
        [],
      );
    });
  }

  test('a strategy renamed meanwhile: no strategy fix', () => {
    assert.deepEqual(
      staleFixes(
        strategyText,
        strategyText.replace('branch: "feature/x"', 'brunch: "feature/x"'),
        'deploy-strategy-conflict',
      ).actions,
      [],
    );
  });

  test('the duplicate key removed meanwhile: no fix that removes another line', () => {
    const now = duplicateText.replace('  deploy:\n    release: "v0.5.4"\n    preview: true\n', '');
    const { document, actions } = staleFixes(duplicateText, now, 'yaml-syntax');
    for (const action of actions) assert.equal(apply(document, action), now, 'a fix may only leave the text as it is');
  });

  // The keys stay where they were but their values grew: the stale pair ranges would leave lines behind.
  test('a line added to the duplicate value meanwhile: no fix', () => {
    const now = duplicateText.replace('    preview: true\n', '    preview: true\n    suspend: false\n');
    assert.deepEqual(staleFixes(duplicateText, now, 'yaml-syntax').actions, []);
  });

  test('a strategy value grown to several lines meanwhile: no fix', () => {
    const now = strategyText.replace('    branch: "feature/x"\n', '    branch: >-\n      feature/\n      x\n');
    assert.deepEqual(staleFixes(strategyText, now, 'deploy-strategy-conflict').actions, []);
  });
});
