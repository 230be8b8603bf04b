// Completion without GitHub: keys valid at the cursor, provider and boolean values, the new-entry snippet, quoting.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem, TextEdit } from 'vscode-languageserver';
import { complete, type CompletionSources } from '../../server/src/features/complete';

async function at(marked: string, sources: CompletionSources = {}) {
  const offset = marked.indexOf('‸');
  assert.ok(offset >= 0, 'cursor marker ‸ present');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const document = TextDocument.create('file:///repo/service/service.yaml', 'kayron-release', 1, text);
  const items = await complete(document, offset, sources);
  const apply = (item: CompletionItem | undefined) => TextDocument.applyEdits(document, [item?.textEdit as TextEdit]);
  return { items, labels: items.map((item) => item.label), apply };
}

const HEAD = '- docker: "kayron"\n  github: "kayron"\n';

describe('key completion', () => {
  test('entry keys not yet present', async () => {
    const { labels } = await at(`${HEAD}  ‸\n`);
    assert.deepEqual(labels, ['provider', 'deploy']);
  });

  test('deploy keys under deploy:, minus the ones present', async () => {
    const { labels, apply, items } = await at(`${HEAD}  deploy:\n    release: "v1.0.0"\n    pr‸\n`);
    assert.deepEqual(labels, ['branch', 'suspend', 'preview']);
    assert.equal(
      apply(items.find((item) => item.label === 'preview')),
      `${HEAD}  deploy:\n    release: "v1.0.0"\n    preview: \n`,
    );
  });

  test("a new list item offers all entry keys and a whole-entry snippet in the file's quote style", async () => {
    const { labels, items } = await at(`${HEAD}  deploy:\n    release: "v1.0.0"\n\n- ‸`);
    assert.deepEqual(labels, ['docker', 'github', 'provider', 'deploy', 'new service entry']);
    const snippet = items.at(-1)?.textEdit as TextEdit;
    assert.equal(snippet.newText, 'docker: "${1:name}"\n  github: "${2:$1}"\n  deploy:\n    release: "${3:v0.1.0}"');
  });

  test('nothing inside a comment', async () => {
    assert.deepEqual((await at(`${HEAD}  # dep‸\n`)).labels, []);
  });
});

describe('value completion', () => {
  test('provider: cloudformation, keeping the typed quote', async () => {
    const { labels, apply, items } = await at('- github: "infrastructure"\n  provider: "‸"\n');
    assert.deepEqual(labels, ['cloudformation']);
    assert.equal(apply(items[0]), '- github: "infrastructure"\n  provider: "cloudformation"\n');
  });

  test('booleans are inserted unquoted (Kayron rejects "true")', async () => {
    const { labels, apply, items } = await at(`${HEAD}  deploy:\n    preview: "‸"\n`);
    assert.deepEqual(labels, ['true', 'false']);
    assert.equal(apply(items[0]), `${HEAD}  deploy:\n    preview: true\n`);
  });

  test('release tags from the source, newest first as given, double-quoted like the file when typed bare', async () => {
    const sources: CompletionSources = {
      versions: () => Promise.resolve([{ tag: 'v0.5.24', detail: 'latest' }, { tag: 'v0.5.3' }]),
    };
    const { labels, items, apply } = await at(`${HEAD}  deploy:\n    release:‸\n`, sources);
    assert.deepEqual(labels, ['v0.5.24', 'v0.5.3']);
    assert.ok((items[0]?.sortText ?? '') < (items[1]?.sortText ?? ''));
    assert.equal(apply(items[0]), `${HEAD}  deploy:\n    release: "v0.5.24"\n`);
  });

  test('an unavailable source yields no items, not a guess', async () => {
    const sources: CompletionSources = { versions: () => Promise.resolve(undefined) };
    assert.deepEqual((await at(`${HEAD}  deploy:\n    release: "‸"\n`, sources)).labels, []);
  });
});
