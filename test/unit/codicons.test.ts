// Every codicon the extension names exists in the VS Code the manifest declares (engines.vscode ^1.100): an unknown
// `$(name)` renders as nothing (the "GitHub offline" item had no icon with `$(cloud-offline)`). The list of names is
// test/fixtures/codicons/vscode-1.100.3.txt, extracted from code-server 4.100.3 by extract.mjs next to it.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { vscode: string };
  contributes: unknown;
};
const codicons = new Set(
  readFileSync(path.join(root, 'test/fixtures/codicons/vscode-1.100.3.txt'), 'utf8').split('\n').filter(Boolean),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** `$(name)` and `$(name~spin)` in any text. */
function labelIcons(text: string): string[] {
  return [...text.matchAll(/\$\(([a-z0-9-]+)(?:~[a-z]+)?\)/g)].map((match) => match[1] ?? '');
}

/** Names given to `new vscode.ThemeIcon(…)`, directly or through the icon tables and `icon` variables it is built from. */
function themeIcons(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    if (!/ThemeIcon\(|_ICONS\b.*=|const icon\b/.test(line)) continue;
    // not icon names: colours, comparisons and index expressions
    const withoutColors = line
      .replace(/ThemeColor\([^)]*\)/g, '')
      .replace(/[!=]==\s*'[^']*'/g, '')
      .replace(/\[[^\]]*\]/g, '');
    for (const match of withoutColors.matchAll(/'([a-z][a-z0-9-]*)'/g)) names.push(match[1] ?? '');
  }
  return names;
}

test('the codicon list is the one of the VS Code version the manifest declares', () => {
  assert.match(
    manifest.engines.vscode,
    /^\^1\.100\.\d+$/,
    'engines.vscode changed: extract the codicon list of that version (test/fixtures/codicons/extract.mjs)',
  );
  assert.ok(codicons.size > 500, `the list looks complete (${codicons.size} names)`);
  assert.ok(!codicons.has('cloud-offline'), 'cloud-offline came after 1.100');
});

test('every $(icon) in the manifest and every icon the client code names exists in VS Code 1.100', () => {
  const used = new Map<string, string>();
  for (const name of labelIcons(JSON.stringify(manifest.contributes))) used.set(name, 'package.json');
  for (const file of sourceFiles(path.join(root, 'client/src'))) {
    const text = readFileSync(file, 'utf8');
    for (const name of [...labelIcons(text), ...themeIcons(text)]) used.set(name, path.relative(root, file));
  }
  for (const expected of ['github', 'debug-disconnect', 'rocket', 'beaker', 'server-environment', 'circle-slash'])
    assert.ok(used.has(expected), `the scan finds ${expected}`);
  const unknown = [...used].filter(([name]) => !codicons.has(name)).map(([name, where]) => `${name} (${where})`);
  assert.deepEqual(unknown, [], 'codicons VS Code 1.100 does not have');
});

test('release files lift the inlay-hint length cap, so an environment hint is not cut off with room to spare', () => {
  const defaults = (manifest.contributes as { configurationDefaults: Record<string, Record<string, unknown>> })
    .configurationDefaults;
  assert.equal(defaults['[kayron-release]']?.['editor.inlayHints.maximumLength'], 0);
});
