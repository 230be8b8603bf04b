// Manifest drift: contributed commands and handlers agree, settings are documented, generated files are current.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { DIAGNOSTIC_CODES, documentationUrl } from '../../server/src/diagnostic-codes';
import { releaseJsonSchema } from '../../server/src/schema/json-schema';

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; category?: string }[];
    configuration: { properties: Record<string, { description?: string; markdownDescription?: string }> };
  };
};

/** The names in the client's command table (`COMMANDS` in client/src/commands.ts), read with the TypeScript parser. */
function commandTableNames(): string[] {
  const file = path.join(root, 'client/src/commands.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== 'COMMANDS' || !declaration.initializer)
        continue;
      const table = ts.isSatisfiesExpression(declaration.initializer)
        ? declaration.initializer.expression
        : declaration.initializer;
      assert.ok(ts.isObjectLiteralExpression(table), 'COMMANDS is an object literal');
      for (const property of table.properties) {
        assert.ok(
          ts.isPropertyAssignment(property) && ts.isStringLiteral(property.name),
          'every command is a quoted name',
        );
        names.push(property.name.text);
      }
    }
  }
  return names;
}

test('every contributed command has exactly one handler in the command table, and vice versa', () => {
  const names = commandTableNames();
  assert.equal(new Set(names).size, names.length, 'no name twice');
  const contributed = manifest.contributes.commands.map((command) => command.command).sort();
  assert.deepEqual(names.filter((name) => !name.startsWith('_')).sort(), contributed);
  for (const name of names)
    assert.match(name, /^_?kayron\./, `${name} is a kayron command (internal ones start with _)`);
  for (const command of manifest.contributes.commands)
    assert.equal(command.category, 'Kayron', `${command.command} has the Kayron category`);
});

test('commands are registered from the command table only', () => {
  const sources = readdirSync(path.join(root, 'client/src'), { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  const registering = sources.filter((file) =>
    /\bregister(?:TextEditor)?Command\(/.test(readFileSync(path.join(root, 'client/src', file), 'utf8')),
  );
  assert.deepEqual(registering, ['commands.ts']);
});

test('every setting is described and documented in the README', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const [name, setting] of Object.entries(manifest.contributes.configuration.properties)) {
    assert.ok(setting.description ?? setting.markdownDescription, `${name} has a description`);
    assert.ok(readme.includes(`\`${name}\``), `${name} is documented in README.md`);
  }
});

test('the committed JSON Schema equals the one generated from the zod schema', () => {
  const committed = JSON.parse(readFileSync(path.join(root, 'schema/release.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(committed, releaseJsonSchema(), 'run `npm run schema` and commit the result');
});

test('every diagnostic code is documented in the README table, and the table lists no other code', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const rows = [
    ...readme.matchAll(/^\| <a name="([a-z-]+)"><\/a>`([a-z-]+)` \| (?:error|warning|information|hint) \|/gm),
  ];
  const documented = rows.map((match) => match[2]);
  assert.deepEqual([...documented].sort(), [...DIAGNOSTIC_CODES].sort());
  for (const [, anchor, code] of rows) assert.equal(anchor, code, `the row of ${code} carries its anchor`);
});

test('every diagnostic code links to its README row on the repository named in package.json', () => {
  const repositoryUrl = (
    JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { repository: { url: string } }
  ).repository.url.replace(/\.git$/, '');
  assert.match(repositoryUrl, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const hrefs = new Set<string>();
  for (const code of DIAGNOSTIC_CODES) {
    const href = documentationUrl(code);
    assert.equal(href, `${repositoryUrl}#${code}`);
    assert.ok(readme.includes(`<a name="${code}"></a>`), `README anchors ${code}`);
    hrefs.add(href);
  }
  assert.equal(hrefs.size, DIAGNOSTIC_CODES.length, 'one page anchor per code');
});

/** Type-checks `source` as a module in test/unit (so its relative imports resolve) with the project's options. */
function typeErrors(source: string): string[] {
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(
    ts.readConfigFile(configPath, (file) => ts.sys.readFile(file)).config,
    ts.sys,
    root,
  );
  const fileName = path.join(__dirname, 'problem-code-probe.ts');
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (path.resolve(file) === fileName ? source : readFile(file));
  host.fileExists = (
    (exists) => (file: string) =>
      path.resolve(file) === fileName || exists(file)
  )(host.fileExists.bind(host));
  const program = ts.createProgram([fileName], { ...config.options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === fileName || diagnostic.file === undefined)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

test('a problem code outside the documented list does not compile; every listed one does', () => {
  const probe = (codes: readonly string[]) =>
    typeErrors(
      [
        "import type { Problem } from '../../server/src/kayron/problem';",
        ...codes.map(
          (code, index) =>
            `export const p${index}: Problem = { code: ${JSON.stringify(code)}, severity: 'error', message: '', range: [0, 0], kayronCheck: false };`,
        ),
      ].join('\n'),
    );
  assert.deepEqual(probe(DIAGNOSTIC_CODES), [], 'every documented code is a valid Problem.code');
  const undocumented = probe(['undocumented-code']);
  assert.equal(undocumented.length, 1, undocumented.join('\n'));
  assert.match(undocumented[0] ?? '', /'"undocumented-code"' is not assignable to type/);
});

test('the committed grammar equals the output of syntaxes/build-grammar.mjs', () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'grammar-')), 'grammar.json');
  execFileSync(process.execPath, [path.join(root, 'syntaxes/build-grammar.mjs'), out]);
  assert.equal(
    readFileSync(out, 'utf8'),
    readFileSync(path.join(root, 'syntaxes/kayron-release.tmLanguage.json'), 'utf8'),
    'run `node syntaxes/build-grammar.mjs syntaxes/kayron-release.tmLanguage.json`',
  );
});

test('every bundle the extension loads is packaged in the .vsix (the server starts its analysis worker from dist/), the CLI bundle is not', () => {
  const outfiles = [...readFileSync(path.join(root, 'esbuild.mjs'), 'utf8').matchAll(/outfile: '([^']+)'/g)]
    .map((match) => match[1])
    .sort();
  assert.ok(outfiles.includes('dist/analysis-worker.js'), JSON.stringify(outfiles));
  assert.ok(outfiles.includes('dist/cli.js'), JSON.stringify(outfiles));
  const packaged = readFileSync(path.join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!dist/'))
    .map((line) => line.slice(1))
    .sort();
  assert.deepEqual(
    packaged,
    outfiles.filter((file) => file !== 'dist/cli.js'),
  );
});

test('release metadata: production build before packaging, LICENSE, CHANGELOG, a 128×128 PNG icon, keywords, one repository everywhere', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown> & {
    scripts: Record<string, string>;
    repository: { url: string };
    bugs: { url: string };
    homepage: string;
    icon: string;
    keywords: string[];
    license: string;
    dependencies?: Record<string, string>;
  };
  assert.match(pkg.scripts['vscode:prepublish'] ?? '', /esbuild\.mjs --production\b/);
  assert.match(readFileSync(path.join(root, 'esbuild.mjs'), 'utf8'), /minify: production/);
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License\n/);
  assert.match(
    readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'),
    new RegExp(`^## \\[${String(pkg['version']).replace(/\./g, '\\.')}\\]`, 'm'),
  );
  const icon = readFileSync(path.join(root, pkg.icon));
  assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'IHDR width × height');
  assert.ok(pkg.keywords.length >= 5 && pkg.keywords.length <= 30, 'vsce allows at most 30 keywords');
  const repository = pkg.repository.url.replace(/\.git$/, '');
  assert.equal(pkg.bugs.url, `${repository}/issues`);
  assert.ok(pkg.homepage.startsWith(repository), pkg.homepage);
  assert.equal(
    pkg.dependencies,
    undefined,
    'every runtime dependency is bundled: the .vsix and the npm package install none',
  );
  for (const file of ['LICENSE', 'CHANGELOG.md', pkg.icon, 'README.md'])
    assert.ok(readFileSync(path.join(root, '.vscodeignore'), 'utf8').includes(`!${file}`), `${file} is packaged`);
});

test('kayron.github.enabled turns network use off: tagged usesOnlineServices, sent to the server at start', () => {
  const setting = (
    manifest.contributes.configuration.properties as Record<string, { default?: unknown; tags?: string[] }>
  )['kayron.github.enabled'];
  assert.ok(setting);
  assert.equal(setting.default, true);
  assert.deepEqual(setting.tags, ['usesOnlineServices']);
  assert.match(
    readFileSync(path.join(root, 'client/src/language-client.ts'), 'utf8'),
    /githubEnabled: githubEnabled\(\)/,
  );
  assert.match(
    readFileSync(path.join(root, 'server/src/lsp/server.ts'), 'utf8'),
    /networkAllowed:\s+options\.trusted !== false && options\.githubEnabled !== false/,
  );
});

test("the Environments view appears only in releases repositories (the context key the client sets from the server's roots)", () => {
  const views = (manifest.contributes as unknown as { views: { explorer: { id: string; when?: string }[] } }).views
    .explorer;
  assert.equal(views.find((view) => view.id === 'kayron.environments')?.when, 'kayron.isReleasesRepo');
  assert.match(
    readFileSync(path.join(root, 'client/src/release-files.ts'), 'utf8'),
    /setContext', 'kayron\.isReleasesRepo', params\.roots\.length > 0\)/,
  );
});

test('typing inside quotes of a release file pops suggestions (VS Code turns quickSuggestions.strings off by default)', () => {
  const defaults = (
    JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { configurationDefaults: Record<string, Record<string, unknown>> };
    }
  ).contributes.configurationDefaults;
  assert.deepEqual(defaults['[kayron-release]']?.['editor.quickSuggestions'], {
    other: 'on',
    comments: 'off',
    strings: 'on',
  });
});
