// TextMate grammar for Kayron release files: snapshot every fixture, check key-dependent scopes, validate the JSON.
// UPDATE_SNAPSHOTS=1 rewrites test/fixtures/grammar/*.snap.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, type IGrammar, parseRawGrammar, Registry, type StateStack } from 'vscode-textmate';

const root = path.join(__dirname, '..', '..');
const grammarPath = path.join(root, 'syntaxes', 'kayron-release.tmLanguage.json');
const fixturesDir = path.join(root, 'test', 'fixtures', 'grammar');
const scopeName = 'source.kayron-release';
const updateSnapshots = process.env.UPDATE_SNAPSHOTS === '1';
// Same location and override as corpus.test.ts: every saved version of 0xSplits/releases.
const corpusDir =
  process.env.KAYRON_CORPUS ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'releases-history');
// Kayron's release-tag grammar (kayron-spec §2.4), to tell which corpus values must get the version scope.
const KAYRON_TAG =
  /^v(0|[1-9]\d*)(\.(0|[1-9]\d*)(\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?)?)?$/;

interface Token {
  line: number;
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

let onigLoaded: Promise<void> | undefined;
function loadOniguruma(): Promise<void> {
  if (!onigLoaded) {
    const wasm = readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    onigLoaded = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  }
  return onigLoaded;
}

async function loadGrammar(): Promise<IGrammar> {
  await loadOniguruma();
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    // Self-contained: any other scope (source.yaml included) must never be requested.
    loadGrammar: (requested: string) => {
      if (requested !== scopeName) return Promise.reject(new Error(`grammar requested unknown scope ${requested}`));
      return Promise.resolve(parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath));
    },
  });
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, 'grammar loads');
  return grammar;
}

/** Splits like VS Code's text model, so CRLF and LF files give the grammar the same lines. */
function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function tokenize(grammar: IGrammar, text: string): Token[] {
  const tokens: Token[] = [];
  let state: StateStack = INITIAL;
  splitLines(text).forEach((lineText, index) => {
    const result = grammar.tokenizeLine(lineText, state);
    assert.equal(result.stoppedEarly, false, `line ${index + 1} tokenized completely`);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, lineText.length);
      if (end <= token.startIndex) continue;
      tokens.push({
        line: index + 1,
        start: token.startIndex,
        end,
        text: lineText.slice(token.startIndex, end),
        scopes: token.scopes,
      });
    }
    state = result.ruleStack;
  });
  return tokens;
}

function renderSnapshot(name: string, tokens: Token[]): string {
  const lines = [
    `# ${name}: line:start-end (line 1-based; columns 0-based, end exclusive) "text" scopes without ${scopeName}`,
  ];
  for (const token of tokens) {
    const scopes = token.scopes.filter((scope) => scope !== scopeName);
    // Bare whitespace carries no information; unscoped text does (it shows what the grammar missed).
    if (scopes.length === 0 && token.text.trim() === '') continue;
    lines.push(
      `${token.line}:${token.start}-${token.end} ${JSON.stringify(token.text)} ${scopes.length > 0 ? scopes.join(' ') : '(root)'}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The tokens covering `text` (searched from `lineMarker` on) on the first line that contains `lineMarker`. */
function tokensOf(tokens: Token[], source: string, lineMarker: string, text: string): Token[] {
  const lines = splitLines(source);
  const line = lines.findIndex((lineText) => lineText.includes(lineMarker)) + 1;
  assert.ok(line > 0, `fixture has a line containing ${JSON.stringify(lineMarker)}`);
  const lineText = lines[line - 1] ?? '';
  const start = lineText.indexOf(text, lineText.indexOf(lineMarker));
  assert.ok(start >= 0, `line ${line} contains ${JSON.stringify(text)}`);
  const covering = tokens.filter(
    (token) => token.line === line && token.end > start && token.start < start + text.length,
  );
  assert.ok(covering.length > 0, `tokens cover ${JSON.stringify(text)} on line ${line}`);
  return covering;
}

function scopesOf(tokens: Token[], source: string, lineMarker: string, text: string): string[] {
  const covering = tokensOf(tokens, source, lineMarker, text);
  assert.equal(
    covering.length,
    1,
    `${JSON.stringify(text)} on the line with ${JSON.stringify(lineMarker)} is one token`,
  );
  const [token] = covering;
  assert.ok(token, 'one token');
  assert.equal(token.text, text, `the token is exactly ${JSON.stringify(text)}`);
  return token.scopes;
}

function hasScope(scopes: string[], wanted: string): boolean {
  return scopes.some((scope) => scope.split(' ').includes(wanted));
}

// Every assertion carries a message: without one, node's assert re-parses the transpiled one-line source to describe the
// failure, which can take minutes.
function assertScope(scopes: string[], wanted: string, what = 'token'): void {
  assert.ok(hasScope(scopes, wanted), `${what}: expected ${wanted} in [${scopes.join(' | ')}]`);
}
function assertNoScope(scopes: string[], unwanted: string, what = 'token'): void {
  assert.ok(!hasScope(scopes, unwanted), `${what}: expected no ${unwanted} in [${scopes.join(' | ')}]`);
}

/** Kayron-specific scopes end in `.kayron` or name a Kayron key (`keyword.other.kayron.<key>`). */
function hasKayronScope(scopes: string[]): boolean {
  return scopes.some((scope) => /\.kayron(\.|$)/.test(scope));
}

function listYamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listYamlFiles(full);
    return entry.name.endsWith('.yaml') ? [full] : [];
  });
}

const fixtureNames = readdirSync(fixturesDir)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

describe('kayron-release grammar', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await loadGrammar();
  });

  describe('snapshots', () => {
    test('the fixture set covers the brief', () => {
      for (const name of [
        'sample-service.yaml',
        'sample-infrastructure.yaml',
        'comments.yaml',
        'branch.yaml',
        'booleans.yaml',
        'scalars.yaml',
        'crlf.yaml',
        'flow.yaml',
        'malformed.yaml',
        'yaml-features.yaml',
      ]) {
        assert.ok(fixtureNames.includes(name), `test/fixtures/grammar/${name} exists`);
      }
    });

    test('the sample workspace fixtures are copies of the sample workspace files', () => {
      for (const [fixture, original] of [
        ['sample-service.yaml', 'service/service.yaml'],
        ['sample-infrastructure.yaml', 'infrastructure/infrastructure.yaml'],
      ] as const) {
        assert.equal(
          readFileSync(path.join(fixturesDir, fixture), 'utf8'),
          readFileSync(path.join(root, original), 'utf8'),
          `copy ${original} to test/fixtures/grammar/${fixture} and run with UPDATE_SNAPSHOTS=1`,
        );
      }
    });

    test('every snapshot belongs to a fixture', () => {
      const orphans = readdirSync(fixturesDir).filter(
        (name) => name.endsWith('.snap') && !fixtureNames.includes(name.slice(0, -'.snap'.length)),
      );
      assert.deepEqual(orphans, [], 'snapshots without a fixture');
    });

    for (const name of fixtureNames) {
      test(name, () => {
        const source = readFileSync(path.join(fixturesDir, name), 'utf8');
        const actual = renderSnapshot(name, tokenize(grammar, source));
        const snapshotPath = path.join(fixturesDir, `${name}.snap`);
        if (updateSnapshots) {
          writeFileSync(snapshotPath, actual);
          return;
        }
        assert.ok(existsSync(snapshotPath), `${name}.snap exists (run with UPDATE_SNAPSHOTS=1 to create it)`);
        assert.equal(
          actual,
          readFileSync(snapshotPath, 'utf8'),
          `${name} tokens match ${name}.snap (UPDATE_SNAPSHOTS=1 rewrites it)`,
        );
      });
    }
  });

  describe('key-dependent scopes', () => {
    const load = (name: string) => {
      const source = readFileSync(path.join(fixturesDir, name), 'utf8');
      return { source, tokens: tokenize(grammar, source) };
    };

    test('a double-quoted release version has the version scope, its v and prerelease separate', () => {
      const { source, tokens } = load('sample-service.yaml');
      const version = tokensOf(tokens, source, 'release: "v0.5.3"', 'v0.5.3');
      assert.deepEqual(
        version.map((token) => token.text),
        ['v', '0.5.3'],
        'v0.5.3 splits into the v and the numbers',
      );
      for (const token of version) {
        assertScope(token.scopes, 'constant.numeric.version.kayron', `${token.text} is in the version scope`);
        assertScope(token.scopes, 'string.quoted.double.yaml', `${token.text} is inside the string`);
      }
      assertScope(version[0]?.scopes ?? [], 'punctuation.definition.version.kayron');
      assertNoScope(version[1]?.scopes ?? [], 'punctuation.definition.version.kayron');

      const alloy = tokensOf(tokens, source, 'release: "v1.12.2-ce60d74"', 'v1.12.2-ce60d74');
      assert.deepEqual(
        alloy.map((token) => token.text),
        ['v', '1.12.2', '-', 'ce60d74'],
        'v1.12.2-ce60d74 splits into v, numbers, separator and prerelease',
      );
      assertScope(alloy[2]?.scopes ?? [], 'punctuation.separator.prerelease.kayron');
      assertScope(alloy[3]?.scopes ?? [], 'meta.version.prerelease.kayron');
      for (const token of alloy) assertScope(token.scopes, 'constant.numeric.version.kayron', token.text);
      // A valid tag is coloured as valid: no part of it in a scope themes paint like an error (red, underlined).
      for (const token of alloy) {
        const suspicious = token.scopes
          .flatMap((scope) => scope.split(' '))
          .filter((scope) => /^(invalid|entity\.other|markup\.deleted|message\.error)\b|\berror\b/.test(scope));
        assert.deepEqual(suspicious, [], `${token.text} of a valid tag is in no error-looking scope`);
      }
    });

    test('plain and single-quoted release versions have the version scope', () => {
      const { source, tokens } = load('scalars.yaml');
      assertScope(scopesOf(tokens, source, 'release: v1.2.3', '1.2.3'), 'constant.numeric.version.kayron');
      assertScope(scopesOf(tokens, source, "release: 'v0.2.0'", '0.2.0'), 'constant.numeric.version.kayron');
      assertScope(scopesOf(tokens, source, "release: 'v0.2.0'", '0.2.0'), 'string.quoted.single.yaml');
      assertScope(scopesOf(tokens, source, 'release: v1.2 ', '1.2'), 'constant.numeric.version.kayron');
    });

    test('strings that are not Kayron release tags get no version scope', () => {
      const { source, tokens } = load('scalars.yaml');
      for (const [marker, text] of [
        ['release: "1.2.3"', '1.2.3'],
        ['release: "v1.2.3+build"', 'v1.2.3+build'],
        ['release: "v1.2.3-01"', 'v1.2.3-01'],
        ['release: "v1.2-pre"', 'v1.2-pre'],
        ['release: V1.2.3', 'V1.2.3'],
      ] as const) {
        const scopes = scopesOf(tokens, source, marker, text);
        assertNoScope(scopes, 'constant.numeric.version.kayron', `${text} is not a version`);
        assert.ok(
          scopes.some((scope) => scope.startsWith('string.')),
          `${text} is a string`,
        );
      }
      assertScope(
        scopesOf(tokens, source, 'release: 1.2 ', '1.2'),
        'constant.numeric.float.yaml',
        'an unquoted 1.2 is a YAML float',
      );
    });

    test('a version under any other key is not a version', () => {
      const { source, tokens } = load('scalars.yaml');
      const docker = scopesOf(tokens, source, 'docker: "v1.2.3"', 'v1.2.3');
      assertNoScope(docker, 'constant.numeric.version.kayron');
      assertScope(docker, 'string.quoted.double.yaml');
      const github = scopesOf(tokens, source, 'github: v1.2.3', 'v1.2.3');
      assertNoScope(github, 'constant.numeric.version.kayron');
      assertScope(github, 'string.unquoted.plain.out.yaml');
      assertNoScope(scopesOf(tokens, source, 'Release: "v1.2.3"', 'v1.2.3'), 'constant.numeric.version.kayron');
    });

    test('booleans under suspend and preview have the boolean scope in every accepted spelling', () => {
      const { source, tokens } = load('booleans.yaml');
      for (const [marker, text] of [
        ['preview: true', 'true'],
        ['suspend: True', 'True'],
        ['suspend: TRUE', 'TRUE'],
        ['preview: false', 'false'],
        ['preview: False', 'False'],
        ['suspend: FALSE', 'FALSE'],
      ] as const) {
        assertScope(scopesOf(tokens, source, marker, text), 'constant.language.boolean.yaml', `${marker}`);
      }
      for (const [marker, text] of [
        ['suspend: yes', 'yes'],
        ['preview: on', 'on'],
        ['suspend: tRUE', 'tRUE'],
      ] as const) {
        const scopes = scopesOf(tokens, source, marker, text);
        assertNoScope(scopes, 'constant.language.boolean.yaml', `${text} is no YAML 1.2 boolean`);
        assertScope(scopes, 'string.unquoted.plain.out.yaml', `${text} is a plain string`);
      }
      assertScope(scopesOf(tokens, source, 'preview: "true"', 'true'), 'string.quoted.double.yaml');
      assertNoScope(scopesOf(tokens, source, 'preview: "true"', 'true'), 'constant.language.boolean.yaml');
      assertScope(scopesOf(tokens, source, 'suspend: ~', '~'), 'constant.language.null.yaml');
      assertScope(scopesOf(tokens, source, 'suspend: null', 'null'), 'constant.language.null.yaml');
    });

    test('Kayron keys carry the key scope and their own keyword scope; other keys only the key scope', () => {
      const { source, tokens } = load('sample-service.yaml');
      for (const key of ['docker', 'github', 'deploy', 'release', 'preview']) {
        const scopes = scopesOf(tokens, source, `${key}:`, key);
        assertScope(scopes, 'entity.name.tag.yaml', `${key} is a key`);
        assertScope(scopes, `keyword.other.kayron.${key}`, `${key} is a Kayron key`);
      }
      const infrastructure = load('sample-infrastructure.yaml');
      assertScope(
        scopesOf(infrastructure.tokens, infrastructure.source, 'provider:', 'provider'),
        'keyword.other.kayron.provider',
      );
      const branches = load('branch.yaml');
      assertScope(
        scopesOf(branches.tokens, branches.source, 'branch: "lite"', 'branch'),
        'keyword.other.kayron.branch',
      );
      const booleans = load('booleans.yaml');
      assertScope(
        scopesOf(booleans.tokens, booleans.source, 'suspend: True', 'suspend'),
        'keyword.other.kayron.suspend',
      );

      const features = load('yaml-features.yaml');
      for (const key of ['Release', 'webhook', 'deploy.release', 'labels']) {
        const scopes = scopesOf(features.tokens, features.source, `${key}:`, key);
        assertScope(scopes, 'entity.name.tag.yaml', `${key} is a key`);
        assert.ok(!hasKayronScope(scopes), `${key} is not a Kayron key`);
      }
      const quoted = scopesOf(features.tokens, features.source, '"release": "v2.0.0"', 'release');
      assertScope(quoted, 'keyword.other.kayron.release', 'a quoted Kayron key is still the Kayron key');
      assertScope(
        scopesOf(features.tokens, features.source, '"release": "v2.0.0"', '2.0.0'),
        'constant.numeric.version.kayron',
      );
    });

    test('the item marker, the colon and the quotes have their punctuation scopes', () => {
      const { source, tokens } = load('sample-infrastructure.yaml');
      assertScope(scopesOf(tokens, source, '- github:', '-'), 'punctuation.definition.block.sequence.item.yaml');
      assertScope(scopesOf(tokens, source, 'github:', ':'), 'punctuation.separator.key-value.mapping.yaml');
      const quotes = tokensOf(tokens, source, 'github: "infrastructure"', '"infrastructure"');
      assertScope(quotes[0]?.scopes ?? [], 'punctuation.definition.string.begin.yaml');
      assertScope(quotes.at(-1)?.scopes ?? [], 'punctuation.definition.string.end.yaml');
    });

    test('commented-out pins and entries are comments only', () => {
      const { source, tokens } = load('comments.yaml');
      for (const [marker, text] of [
        ['# release: "v0.5.3"', 'release'],
        ['# release: "v0.5.3"', 'v0.5.3'],
        ['# - docker: "splits-lite"', 'docker'],
        ['#   deploy:', 'deploy'],
        ['# branch: "lite"', 'lite'],
      ] as const) {
        const covering = tokensOf(tokens, source, marker, text);
        for (const token of covering) {
          assertScope(token.scopes, 'comment.line.number-sign.yaml', `${text} in ${marker} is a comment`);
          assert.ok(!hasKayronScope(token.scopes), `${text} in ${marker} has no Kayron scope`);
        }
      }
      assertScope(scopesOf(tokens, source, 'release: "v0.2.0" # pinned', '#'), 'comment.line.number-sign.yaml');
      assertScope(scopesOf(tokens, source, 'release: "v0.2.0" # pinned', '0.2.0'), 'constant.numeric.version.kayron');
      assertScope(
        scopesOf(tokens, source, 'github: a#b', 'a#b'),
        'string.unquoted.plain.out.yaml',
        'a # inside a word is no comment',
      );
    });

    test('branch names are scoped as branches only under branch:', () => {
      const { source, tokens } = load('branch.yaml');
      assertScope(scopesOf(tokens, source, 'branch: "lite"', 'lite'), 'string.unquoted.branch.kayron');
      assertScope(scopesOf(tokens, source, 'branch: "lite"', 'lite'), 'string.quoted.double.yaml');
      const slashed = scopesOf(
        tokens,
        source,
        'branch: feature/infra-indexing-discovery-exports',
        'feature/infra-indexing-discovery-exports',
      );
      assertScope(slashed, 'string.unquoted.branch.kayron');
      assertScope(scopesOf(tokens, source, "branch: 'main'", 'main'), 'string.unquoted.branch.kayron');
      assertScope(
        scopesOf(tokens, source, 'branch: 123', '123'),
        'constant.numeric.integer.decimal.yaml',
        'a number stays a number',
      );
      assertNoScope(scopesOf(tokens, source, 'docker: "main"', 'main'), 'string.unquoted.branch.kayron');
    });

    test('cloudformation is the provider constant only under provider:', () => {
      const { source, tokens } = load('sample-infrastructure.yaml');
      assertScope(
        scopesOf(tokens, source, 'provider: "cloudformation"', 'cloudformation'),
        'support.constant.provider.kayron',
      );
      const scalars = load('scalars.yaml');
      assertScope(
        scopesOf(scalars.tokens, scalars.source, 'provider: cloudformation', 'cloudformation'),
        'support.constant.provider.kayron',
      );
      assertNoScope(
        scopesOf(scalars.tokens, scalars.source, 'provider: "aws"', 'aws'),
        'support.constant.provider.kayron',
      );
      assertNoScope(
        scopesOf(scalars.tokens, scalars.source, 'github: "cloudformation"', 'cloudformation'),
        'support.constant.provider.kayron',
      );
    });

    test('flow style keeps Kayron keys and values', () => {
      const { source, tokens } = load('flow.yaml');
      const marker = '- {docker: kayron, github: "kayron", deploy: {release: v0.5.3, preview: true}}';
      assertScope(scopesOf(tokens, source, marker, 'release'), 'keyword.other.kayron.release');
      assertScope(scopesOf(tokens, source, marker, '0.5.3'), 'constant.numeric.version.kayron');
      assertScope(scopesOf(tokens, source, marker, 'true'), 'constant.language.boolean.yaml');
      assertScope(scopesOf(tokens, source, marker, '{'), 'punctuation.definition.mapping.begin.yaml');
      assertScope(scopesOf(tokens, source, marker, 'kayron'), 'string.unquoted.plain.in.yaml');
    });

    test('CRLF lines tokenize exactly like LF lines', () => {
      const source = readFileSync(path.join(fixturesDir, 'crlf.yaml'), 'utf8');
      assert.ok(source.includes('\r\n'), 'crlf.yaml keeps its CRLF line endings (check .gitattributes / autocrlf)');
      assert.deepEqual(
        tokenize(grammar, source),
        tokenize(grammar, source.replace(/\r\n/g, '\n')),
        'same tokens for CRLF and LF',
      );
    });

    test('block scalars end where their indentation ends', () => {
      const { source, tokens } = load('yaml-features.yaml');
      assertScope(scopesOf(tokens, source, 'release: |', '|'), 'keyword.control.flow.block-scalar.literal.yaml');
      for (const text of ['v1.0.0-in-block', '# not a comment']) {
        for (const token of tokensOf(tokens, source, text, text)) {
          assertScope(token.scopes, 'string.unquoted.block.yaml', `${text} is block scalar content`);
          assert.ok(
            !hasScope(token.scopes, 'comment.line.number-sign.yaml') && !hasKayronScope(token.scopes),
            `${text} is only content`,
          );
        }
      }
      assertScope(scopesOf(tokens, source, '# a comment after the block', '#'), 'comment.line.number-sign.yaml');
      assertScope(scopesOf(tokens, source, 'github: after-block', 'github'), 'keyword.other.kayron.github');
      assertScope(scopesOf(tokens, source, 'release: >-', '-'), 'storage.modifier.chomping-indicator.yaml');
      assertScope(scopesOf(tokens, source, '  github: sibling-of-dash-block', 'github'), 'keyword.other.kayron.github');
    });

    test('a malformed file recovers at the next entry', () => {
      const { source, tokens } = load('malformed.yaml');
      assertScope(
        scopesOf(tokens, source, 'release: "v0.5.3', 'v0.5.3'),
        'string.quoted.double.yaml',
        'an unterminated string is a string',
      );
      assertScope(scopesOf(tokens, source, '- docker: "after-unterminated"', 'docker'), 'keyword.other.kayron.docker');
      assertScope(scopesOf(tokens, source, '- docker: "after-unclosed-flow"', 'docker'), 'keyword.other.kayron.docker');
      assertScope(scopesOf(tokens, source, '\tgithub: "tab"', '\t'), 'invalid.illegal.tab-indentation.yaml');
      assertScope(
        scopesOf(tokens, source, '\tgithub: "tab"', 'github'),
        'keyword.other.kayron.github',
        'the key after a tab is still a key',
      );
      const last = tokens.filter((token) => token.line === splitLines(source.trimEnd()).length);
      assert.ok(
        last.some((token) => hasScope(token.scopes, 'constant.numeric.version.kayron')),
        'the last entry is highlighted normally',
      );
    });
  });

  test('every saved version of the real releases repository is fully and correctly scoped', () => {
    assert.ok(existsSync(corpusDir), `the corpus exists at ${corpusDir} (set KAYRON_CORPUS to point elsewhere)`);
    const files = listYamlFiles(corpusDir);
    assert.ok(files.length >= 130, `found ${files.length} saved versions`);
    let releases = 0;
    let branches = 0;
    for (const file of files) {
      const where = path.relative(corpusDir, file);
      const source = readFileSync(file, 'utf8');
      const tokens = tokenize(grammar, source);
      splitLines(source).forEach((lineText, index) => {
        const line = tokens.filter((token) => token.line === index + 1);
        for (const token of line) {
          const scoped = token.scopes.some((scope) => scope !== scopeName);
          assert.ok(
            scoped || token.text.trim() === '',
            `${where}:${index + 1} ${JSON.stringify(token.text)} has a scope`,
          );
        }
        if (/^\s*#/.test(lineText)) {
          for (const token of line.filter((candidate) => candidate.text.trim() !== '')) {
            assertScope(
              token.scopes,
              'comment.line.number-sign.yaml',
              `${where}:${index + 1} ${JSON.stringify(token.text)}`,
            );
          }
          return;
        }
        const release = /^\s*(?:- )?release: "([^"]*)"/.exec(lineText);
        if (release?.[1] !== undefined) {
          releases++;
          const value = release[1];
          const start = lineText.indexOf('"', lineText.indexOf('release:')) + 1;
          const valueTokens = line.filter((token) => token.start >= start && token.end <= start + value.length);
          assert.equal(valueTokens.map((token) => token.text).join(''), value, `${where}:${index + 1} value tokens`);
          for (const token of valueTokens) {
            if (KAYRON_TAG.test(value))
              assertScope(token.scopes, 'constant.numeric.version.kayron', `${where}:${index + 1} ${value}`);
            else assertNoScope(token.scopes, 'constant.numeric.version.kayron', `${where}:${index + 1} ${value}`);
          }
        }
        const branch = /^\s*(?:- )?branch: "([^"]+)"/.exec(lineText);
        if (branch?.[1] !== undefined) {
          branches++;
          const branchTokens = line.filter((candidate) => candidate.text === branch[1]);
          assert.equal(branchTokens.length, 1, `${where}:${index + 1} ${branch[1]} is one token`);
          for (const token of branchTokens) {
            assertScope(token.scopes, 'string.unquoted.branch.kayron', `${where}:${index + 1} ${branch[1]}`);
          }
        }
      });
    }
    assert.ok(releases > 200 && branches >= 40, `checked ${releases} release and ${branches} branch values`);
  });

  describe('grammar file', () => {
    interface RawRule {
      include?: string;
      match?: string;
      begin?: string;
      end?: string;
      while?: string;
      patterns?: RawRule[];
      captures?: Record<string, RawRule>;
      beginCaptures?: Record<string, RawRule>;
      endCaptures?: Record<string, RawRule>;
      whileCaptures?: Record<string, RawRule>;
      repository?: Record<string, RawRule>;
    }
    const raw = JSON.parse(readFileSync(grammarPath, 'utf8')) as RawRule & { scopeName: string };

    function* walk(rule: RawRule, where: string): Generator<[RawRule, string]> {
      yield [rule, where];
      for (const [index, child] of (rule.patterns ?? []).entries()) yield* walk(child, `${where}.patterns[${index}]`);
      for (const key of ['captures', 'beginCaptures', 'endCaptures', 'whileCaptures'] as const) {
        for (const [group, child] of Object.entries(rule[key] ?? {})) yield* walk(child, `${where}.${key}[${group}]`);
      }
      for (const [name, child] of Object.entries(rule.repository ?? {}))
        yield* walk(child, `${where}.repository.${name}`);
    }

    test('is the grammar package.json contributes for the kayron-release language', () => {
      const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        contributes: {
          grammars: { language: string; scopeName: string; path: string }[];
          languages: { id: string; configuration: string }[];
        };
      };
      const contribution = manifest.contributes.grammars.find((grammar) => grammar.language === 'kayron-release');
      assert.ok(contribution, 'package.json contributes a kayron-release grammar');
      assert.equal(contribution.scopeName, raw.scopeName, 'scopeName');
      assert.equal(path.join(root, contribution.path), grammarPath, 'grammar path');
      const language = manifest.contributes.languages.find((candidate) => candidate.id === 'kayron-release');
      assert.ok(language, 'package.json contributes the kayron-release language');
      const configuration = JSON.parse(readFileSync(path.join(root, language.configuration), 'utf8')) as {
        wordPattern?: string;
        onEnterRules?: { beforeText: string }[];
        indentationRules?: Record<string, string>;
      };
      // VS Code compiles these as JavaScript regular expressions; a bad one silently disables the feature.
      for (const pattern of [
        configuration.wordPattern,
        ...(configuration.onEnterRules ?? []).map((rule) => rule.beforeText),
        ...Object.values(configuration.indentationRules ?? {}),
      ]) {
        if (pattern !== undefined) assert.doesNotThrow(() => new RegExp(pattern), pattern);
      }
      if (configuration.wordPattern)
        assert.ok(!new RegExp(configuration.wordPattern).test(''), 'the word pattern never matches the empty string');
    });

    test('is self-contained: every include names a rule of its own repository', () => {
      const repository = raw.repository ?? {};
      for (const [rule, where] of walk(raw, '$')) {
        if (rule.include === undefined) continue;
        assert.ok(rule.include.startsWith('#'), `${where} includes ${rule.include}, which is outside this grammar`);
        assert.ok(rule.include.slice(1) in repository, `${where} includes missing rule ${rule.include}`);
      }
    });

    test('every regular expression compiles with Oniguruma', async () => {
      await loadOniguruma();
      let count = 0;
      for (const [rule, where] of walk(raw, '$')) {
        for (const key of ['match', 'begin', 'end', 'while'] as const) {
          const source = rule[key];
          if (source === undefined) continue;
          // vscode-textmate substitutes begin captures into end/while back-references before compiling them.
          const compiled = key === 'end' || key === 'while' ? source.replace(/\\[0-9]/g, 'x') : source;
          assert.doesNotThrow(() => new oniguruma.OnigScanner([compiled]).dispose(), `${where}.${key}: ${source}`);
          count++;
        }
      }
      assert.ok(count > 50, `checked ${count} expressions`);
    });

    test('tokenizes a 10,000-line file to the end with its state intact', () => {
      const entry = (index: number) => [
        `# entry ${index}: release: "v0.${index}.0"`,
        `- docker: "service-${index}"`,
        `  github: "service-${index}"`,
        `  deploy: {preview: true}`,
        `  deploy:`,
        `    release: "v1.${index}.2-ce60d74" # pinned`,
        ``,
      ];
      const lines: string[] = [];
      for (let index = 0; lines.length < 10_000; index++) lines.push(...entry(index));
      lines.push('- docker: "last"', '  deploy:', '    release: v9.9.9');
      assert.ok(lines.length >= 10_000, `${lines.length} lines`);
      const tokens = tokenize(grammar, lines.join('\n'));
      const last = tokens.filter((token) => token.line === lines.length);
      assert.deepEqual(
        last.filter((token) => hasScope(token.scopes, 'constant.numeric.version.kayron')).map((token) => token.text),
        ['v', '9.9.9'],
        'the last line still gets its version scope',
      );
      assertScope(last.find((token) => token.text === 'release')?.scopes ?? [], 'keyword.other.kayron.release');
    });
  });
});
