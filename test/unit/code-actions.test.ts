// Quick fixes: each applies a minimal edit, the result passes the check, and the rest of the file is byte-identical.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextEdit } from 'vscode-languageserver';
import { quickFixes } from '../../server/src/features/code-actions';
import { toDiagnostic } from '../../server/src/features/diagnostics';
import { analyzeReleaseFile } from '../../server/src/features/validate';

function actionsFor(
  text: string,
  code: string,
  relativePath = 'service/service.yaml',
  exists: (p: string) => boolean = () => false,
) {
  const analysis = analyzeReleaseFile(relativePath, text);
  const document = TextDocument.create(`file:///repo/${relativePath}`, 'kayron-release', 1, text);
  const problems = [...analysis.kayronProblems, ...analysis.extraProblems].filter((problem) => problem.code === code);
  assert.ok(problems.length > 0, `expected a ${code} problem in ${JSON.stringify(text)}`);
  const diagnostics = problems.map((problem) => toDiagnostic(document, problem, false));
  return { document, actions: quickFixes(document, diagnostics, { rootUri: 'file:///repo', relativePath, exists }) };
}

function apply(document: TextDocument, action: CodeAction | undefined): string {
  assert.ok(action?.edit?.changes, 'the action has text edits');
  const edits = action.edit.changes[document.uri] as TextEdit[];
  return TextDocument.applyEdits(document, edits);
}

const entry = (deploy: string, head = '- docker: "kayron"\n  github: "kayron"\n') =>
  `# pinned by the team\n${head}  deploy:\n${deploy}\n\n- docker: "specta"\n  github: "specta"\n  deploy:\n    release: "v0.3.1"\n`;

describe('quick fixes', () => {
  test('adds the missing v to a release tag, keeping the quotes', () => {
    const { document, actions } = actionsFor(entry('    release: "0.5.3"'), 'release-format');
    assert.equal(actions.length, 1);
    assert.equal(actions[0]?.title, 'Add the missing "v": v0.5.3');
    assert.equal(actions[0]?.isPreferred, true);
    assert.equal(apply(document, actions[0]), entry('    release: "v0.5.3"'));
  });

  test('replaces an uppercase V with the v Kayron needs', () => {
    const { document, actions } = actionsFor(entry('    release: "V1.2.3"'), 'release-format');
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Add the missing "v": v1.2.3'],
    );
    assert.equal(apply(document, actions[0]), entry('    release: "v1.2.3"'));
    const plain = actionsFor(entry('    release: V1.2.3'), 'release-format');
    assert.equal(apply(plain.document, plain.actions[0]), entry('    release: v1.2.3'));
  });

  test('drops +build metadata from a plain tag', () => {
    const { document, actions } = actionsFor(entry('    release: v1.2.3+build.5'), 'release-format');
    assert.equal(apply(document, actions[0]), entry('    release: v1.2.3'));
  });

  test('offers nothing when no single fix yields a tag Kayron accepts', () => {
    const { actions } = actionsFor(entry('    release: "latest"'), 'release-format');
    assert.deepEqual(actions, []);
  });

  test('lowercases a docker name', () => {
    const { document, actions } = actionsFor(
      entry('    release: "v1.0.0"', '- docker: \'Splits-Lite\'\n  github: "splits-lite"\n'),
      'docker-format',
    );
    assert.equal(
      apply(document, actions[0]),
      entry('    release: "v1.0.0"', '- docker: \'splits-lite\'\n  github: "splits-lite"\n'),
    );
  });

  test('strips owner/ and .git from github', () => {
    const { document, actions } = actionsFor(
      entry('    release: "v1.0.0"', '- docker: "kayron"\n  github: "0xSplits/kayron.git"\n'),
      'github-format',
    );
    assert.equal(actions[0]?.title, 'Use the repository name "kayron"');
    assert.equal(apply(document, actions[0]), entry('    release: "v1.0.0"'));
  });

  test('renames a misspelled key', () => {
    const { document, actions } = actionsFor(entry('    relase: "v1.0.0"'), 'unknown-key');
    assert.equal(actions[0]?.title, 'Rename to "release"');
    assert.equal(apply(document, actions[0]), entry('    release: "v1.0.0"'));
  });

  test('keeps one strategy per action, deleting the other lines whole', () => {
    const text = entry('    # release: "v0.5.2"\n    branch: "feature/x"\n    release: "v0.5.3"\n    preview: true');
    const { document, actions } = actionsFor(text, 'deploy-strategy-conflict');
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Keep only "branch"', 'Keep only "release"'],
    );
    assert.equal(
      apply(document, actions[0]),
      entry('    # release: "v0.5.2"\n    branch: "feature/x"\n    preview: true'),
    );
    assert.equal(
      apply(document, actions[1]),
      entry('    # release: "v0.5.2"\n    release: "v0.5.3"\n    preview: true'),
    );
  });

  test('sets the provider to cloudformation', () => {
    const text = '- github: "infrastructure"\n  provider: "aws"\n  deploy:\n    release: "v0.5.8"\n';
    const { document, actions } = actionsFor(text, 'provider-name', 'infrastructure/infrastructure.yaml');
    assert.equal(apply(document, actions[0]), text.replace('"aws"', '"cloudformation"'));
  });

  test("quotes a coerced scalar with the file's quote style, keeping the source digits", () => {
    const { document, actions } = actionsFor(entry('    release: 1.10'), 'coerced-scalar');
    assert.equal(apply(document, actions[0]), entry('    release: "1.10"'));
  });

  test('removes a duplicate key with its value', () => {
    const text = entry('    release: "v1.0.0"\n    release: "v1.0.1"');
    const { document, actions } = actionsFor(text, 'yaml-syntax');
    assert.equal(apply(document, actions[0]), entry('    release: "v1.0.0"'));
  });

  test('renames a .yml release file to .yaml, never over an existing file', () => {
    const text = '- docker: "a"\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n';
    const { actions } = actionsFor(text, 'ignored-extension', 'service/extra.yml');
    assert.deepEqual(actions[0]?.edit?.documentChanges, [
      {
        kind: 'rename',
        oldUri: 'file:///repo/service/extra.yml',
        newUri: 'file:///repo/service/extra.yaml',
        options: { overwrite: false, ignoreIfExists: false },
      },
    ]);
    assert.deepEqual(
      actionsFor(text, 'ignored-extension', 'service/extra.yml', (p) => p === 'service/extra.yaml').actions,
      [],
    );
  });

  test('moves a file CI lint never sees into service/', () => {
    const text = '- docker: "a"\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n';
    const { actions } = actionsFor(text, 'not-linted-by-ci', 'services/extra.yaml');
    assert.equal(actions[0]?.title, 'Move to service/extra.yaml');
  });

  test('CRLF files keep their line endings outside the edit', () => {
    const text = entry('    release: "0.5.3"').replace(/\n/g, '\r\n');
    const { document, actions } = actionsFor(text, 'release-format');
    assert.equal(apply(document, actions[0]), entry('    release: "v0.5.3"').replace(/\n/g, '\r\n'));
  });
});
