// Bumps and branch switches as code actions: titles, targets, preferred fix, and byte-exact edits.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextEdit } from 'vscode-languageserver';
import {
  bumpAllEdits,
  bumpTargets,
  entryActions,
  orderBranchesByRecency,
  PICK_BRANCH_COMMAND,
} from '../../server/src/features/entry-actions';
import { applyOffsetEdits } from '../../server/src/features/release-edits';
import { analyzeReleaseFile } from '../../server/src/features/validate';
import { acceptedTags } from '../../server/src/github/versions';

const TAGS = acceptedTags([
  'v0.5.1',
  'v0.5.3',
  'v0.5.24',
  'v0.6.0',
  'v0.6.2',
  'v1.0.0',
  'v1.1.0-rc.1',
  'v1',
  'not-a-tag',
  'v2.0.0+build',
]);

const FILE =
  '# services\n- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v0.5.3"\n\n- docker: "specta"\n  github: "specta"\n  deploy:\n    # release: "v0.3.1"\n    branch: "feature/x"\n';

function setup(text = FILE) {
  const document = TextDocument.create('file:///repo/service/service.yaml', 'kayron-release', 1, text);
  const entries = analyzeReleaseFile('service/service.yaml', text).decoded?.entries ?? [];
  return { document, entries };
}

function apply(document: TextDocument, action: CodeAction | undefined): string {
  const edits: TextEdit[] | undefined = action?.edit?.changes?.[document.uri];
  assert.ok(edits, `action ${action?.title ?? '(none)'} has edits`);
  return TextDocument.applyEdits(document, edits);
}

describe('bump targets', () => {
  test('latest, latest patch and latest minor, only when newer; never a rejected or pre-release tag', () => {
    assert.deepEqual(bumpTargets('v0.5.3', TAGS), [
      { tag: 'v1.0.0', title: 'Bump to v1.0.0 (latest)', preferred: true },
      { tag: 'v0.5.24', title: 'Bump to latest patch v0.5.24', preferred: false },
      { tag: 'v0.6.2', title: 'Bump to latest minor v0.6.2', preferred: false },
    ]);
    assert.deepEqual(bumpTargets('v1.0.0', TAGS), []);
    assert.deepEqual(
      bumpTargets('v0.6.2', TAGS).map((target) => target.tag),
      ['v1.0.0'],
    );
  });
});

describe('entry actions', () => {
  test('a pinned entry offers bumps (refactor), recent branches and "Switch to branch…"', () => {
    const { document, entries } = setup();
    const actions = entryActions({
      document,
      text: FILE,
      entry: entries[0]!,
      tags: TAGS,
      branches: [{ name: 'feature/a', pullRequestTitle: '#12 Add a' }, { name: 'main' }],
    });
    assert.deepEqual(
      actions.map((action) => action.title),
      [
        'Bump to v1.0.0 (latest)',
        'Bump to latest patch v0.5.24',
        'Bump to latest minor v0.6.2',
        'Switch to branch feature/a (#12 Add a)',
        'Switch to branch main',
        'Switch to branch…',
      ],
    );
    assert.equal(actions[0]?.kind, 'refactor.rewrite.kayron.bump');
    assert.equal(apply(document, actions[0]), FILE.replace('"v0.5.3"', '"v1.0.0"'));
    assert.equal(
      apply(document, actions[3]),
      FILE.replace('    release: "v0.5.3"\n', '    # release: "v0.5.3"\n    branch: "feature/a"\n'),
    );
    assert.equal(actions[5]?.command?.command, PICK_BRANCH_COMMAND);
    assert.deepEqual(actions[5]?.command?.arguments, [{ uri: document.uri, index: 0 }]);
  });

  test('with the release-outdated diagnostic the bumps are quick fixes, latest preferred', () => {
    const { document, entries } = setup();
    const outdated = {
      range: {
        start: document.positionAt(FILE.indexOf('"v0.5.3"')),
        end: document.positionAt(FILE.indexOf('"v0.5.3"') + 8),
      },
      message: 'newer release available: v1.0.0',
      code: 'release-outdated',
    };
    const actions = entryActions({
      document,
      text: FILE,
      entry: entries[0]!,
      tags: TAGS,
      branches: undefined,
      outdated,
    });
    assert.equal(actions[0]?.kind, 'quickfix');
    assert.equal(actions[0]?.isPreferred, true);
    assert.deepEqual(actions[0]?.diagnostics, [outdated]);
  });

  test('without GitHub data only "Switch to branch…" is offered, never a guessed version', () => {
    const { document, entries } = setup();
    assert.deepEqual(
      entryActions({ document, text: FILE, entry: entries[0]!, tags: undefined, branches: undefined }).map(
        (action) => action.title,
      ),
      ['Switch to branch…'],
    );
  });

  test('a branch entry switches back to the commented pin, removing the comment', () => {
    const { document, entries } = setup();
    const actions = entryActions({ document, text: FILE, entry: entries[1]!, tags: TAGS, branches: undefined });
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Switch back to release v0.3.1'],
    );
    assert.equal(
      apply(document, actions[0]),
      FILE.replace('    # release: "v0.3.1"\n    branch: "feature/x"\n', '    release: "v0.3.1"\n'),
    );
  });
});

describe('bump all', () => {
  test('bumps every outdated pin to its latest and leaves branches alone', () => {
    const { entries } = setup();
    const edits = bumpAllEdits(FILE, entries, (github) => (github === 'kayron' ? TAGS : undefined));
    assert.equal(applyOffsetEdits(FILE, edits), FILE.replace('"v0.5.3"', '"v1.0.0"'));
  });
});

describe('branch order', () => {
  test('most recently updated pull-request branches first, then other branches, the default branch last', () => {
    const ordered = orderBranchesByRecency([
      { name: 'main', isDefault: true },
      { name: 'old-experiment' },
      { name: 'feature/a', pullRequestTitle: '#1 A', updatedAt: '2026-11-01T00:00:00Z' },
      { name: 'feature/b', pullRequestTitle: '#2 B', updatedAt: '2026-11-20T00:00:00Z' },
    ]);
    assert.deepEqual(
      ordered.map((branch) => branch.name),
      ['feature/b', 'feature/a', 'old-experiment', 'main'],
    );
  });
});
