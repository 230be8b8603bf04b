/**
 * Hostile input must never throw or take the language server down: each case returns a Kayron problem
 * (or file-too-large) instead.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { lintTree, MAX_RELEASE_FILE_BYTES } from '../../server/src/features/lint-tree';
import { analyzeReleaseFile, type FileAnalysis } from '../../server/src/features/validate';
import { MAX_NESTING_DEPTH } from '../../server/src/yaml/decode';
import { withTree } from '../helpers/tree';

function analyze(text: string): FileAnalysis {
  let analysis: FileAnalysis | undefined;
  assert.doesNotThrow(() => {
    analysis = analyzeReleaseFile('service/x.yaml', text);
  });
  assert.ok(analysis);
  return analysis;
}

function firstKayronProblem(analysis: FileAnalysis): { code: string; message: string } {
  const problem = analysis.kayronProblems[0];
  assert.ok(problem, 'a Kayron problem is reported');
  assert.equal(analysis.decoded?.failed, true, 'the file fails to decode, so Kayron would stop here');
  return problem;
}

/** Deterministic pseudo-random bytes (no Math.random, so a failure reproduces). */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

describe('robustness of analyzeReleaseFile', () => {
  test('binary content (with NUL bytes) fails as goccy reads it: NUL is text, so this one is a top-level string', () => {
    // kayron-fuzz 1:1965, 1:5806: real Kayron loads files with NUL bytes (they are text for goccy).
    const analysis = analyze(pseudoRandomBytes(64 * 1024, 7).toString('utf8'));
    const problem = firstKayronProblem(analysis);
    assert.equal(problem.code, 'yaml-type');
    assert.equal(problem.message, '[1:1] string was used where sequence is expected');
  });

  test('control characters without NUL do not throw and fail to decode', () => {
    const analysis = analyze('\u0001\u0002\u0003\u0007\u0008\u000b\u000c\u000e\u001f\n');
    assert.ok(['yaml-syntax', 'yaml-type'].includes(firstKayronProblem(analysis).code));
  });

  test('a 2 MB single line with an unterminated quote is a yaml-syntax problem', () => {
    const analysis = analyze(`- docker: "${'a'.repeat(2 * 1024 * 1024)}\n`);
    const problem = firstKayronProblem(analysis);
    assert.equal(problem.code, 'yaml-syntax');
    assert.match(problem.message, /could not find end character of double-quoted text/);
  });

  test('a 2 MB single-line docker value decodes and fails the length check', () => {
    const analysis = analyze(
      `- docker: "${'a'.repeat(2 * 1024 * 1024)}"\n  github: "a"\n  deploy: {release: v1.0.0}\n`,
    );
    assert.deepEqual(
      analysis.kayronProblems.map((problem) => [problem.code, problem.message]),
      [['docker-format', 'repository name must not be more than 255 characters']],
    );
  });

  for (const [name, text] of [
    ['10,000 unclosed [', '['.repeat(10_000)],
    ['10,000 balanced [ ]', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['10,000 nested flow mappings', `${'{a: '.repeat(10_000)}${'}'.repeat(10_000)}`],
    ['10,000 nested "- " on one line', `${'- '.repeat(10_000)}x\n`],
    ['deep nesting inside a release entry', `- docker: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n  github: "a"\n`],
    ['deep nesting in a second document', `- docker: "a"\n---\n${'['.repeat(10_000)}\n`],
  ] as const) {
    test(`${name}: a yaml-syntax problem, repeatedly (no process abort on the second run)`, () => {
      // The `yaml` composer recurses per level; a second deep run used to abort V8 (RegExp compiler OOM).
      for (let run = 0; run < 3; run++) {
        const problem = firstKayronProblem(analyze(text));
        assert.equal(problem.code, 'yaml-syntax');
        assert.match(problem.message, new RegExp(`nested more than ${MAX_NESTING_DEPTH} levels deep`));
      }
    });
  }

  test('a mapping with 20,000 keys, and 20,000 aliases of one anchor, are read to the end (no stack overflow)', () => {
    // goccy's parser recurses once per key of a mapping; the model iterates, so a wide mapping cannot exhaust the stack.
    const keys = `- docker: a\n${Array.from({ length: 20_000 }, (_, index) => `  k${index}: v\n`).join('')}`;
    assert.deepEqual(
      analyze(keys).kayronProblems.map((problem) => problem.code),
      ['deploy-missing', 'github-missing'],
    );
    const aliases = `- docker: &a a\n${Array.from({ length: 20_000 }, (_, index) => `  k${index}: *a\n`).join('')}`;
    assert.deepEqual(
      analyze(aliases).kayronProblems.map((problem) => problem.code),
      ['deploy-missing', 'github-missing'],
    );
  });

  test('a deep block sequence (one level per line) is refused the same way', () => {
    const text = `${Array.from({ length: 3000 }, (_, depth) => `${' '.repeat(depth)}-`).join('\n')}\n`;
    assert.equal(firstKayronProblem(analyze(text)).code, 'yaml-syntax');
  });

  test(`nesting up to ${MAX_NESTING_DEPTH} levels in an unknown key is still decoded`, () => {
    const deep = `${'['.repeat(MAX_NESTING_DEPTH - 3)}${']'.repeat(MAX_NESTING_DEPTH - 3)}`;
    const analysis = analyze(
      `- docker: "kayron"\n  github: "kayron"\n  extra: ${deep}\n  deploy:\n    release: "v1.0.0"\n`,
    );
    assert.deepEqual(analysis.kayronProblems, []);
    assert.equal(analysis.decoded?.entries.length, 1);
  });

  test("invalid UTF-8 becomes U+FFFD, as Go does, and the value fails Kayron's docker check", () => {
    const bytes = Buffer.concat([
      Buffer.from('- docker: "'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"\n  github: "a"\n  deploy:\n    release: "v1.0.0"\n'),
    ]);
    const analysis = analyze(bytes.toString('utf8'));
    assert.deepEqual(
      analysis.kayronProblems.map((problem) => [problem.code, problem.message]),
      [['docker-format', 'invalid reference format']],
    );
  });

  test('a file of invalid UTF-8 bytes only fails to decode', () => {
    const analysis = analyze(Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x0a, 0xc0, 0xaf]).toString('utf8'));
    assert.ok(['yaml-syntax', 'yaml-type'].includes(firstKayronProblem(analysis).code));
  });

  test('an alias to its own anchor does not loop', () => {
    const analysis = analyze('- &a\n  <<: *a\n  docker: "kayron"\n');
    assert.ok(analysis.kayronProblems.length > 0);
  });

  test('nested alias expansion (billion laughs) is not expanded', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `l${i}: &l${i} [${Array(9)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(',')}]`,
      );
    const analysis = analyze(
      `- docker: "kayron"\n  github: "kayron"\n  bomb:\n${levels.map((line) => `    ${line}`).join('\n')}\n  deploy:\n    release: "v1.0.0"\n`,
    );
    assert.deepEqual(analysis.kayronProblems, []);
  });
});

describe('robustness of lintTree', () => {
  test(`a file over ${MAX_RELEASE_FILE_BYTES / 1024 / 1024} MiB is reported as file-too-large instead of being parsed`, async () => {
    const big = `- docker: "kayron"\n  github: "kayron"\n  deploy:\n    release: "v1.0.0"\n# ${'x'.repeat(MAX_RELEASE_FILE_BYTES)}\n`;
    await withTree(
      {
        'service/big.yaml': big,
        'service/ok.yaml': '- docker: "specta"\n  github: "specta"\n  deploy:\n    release: "v1.0.0"\n',
      },
      async (root) => {
        const result = await lintTree(root);
        const problems = result.problems.get('service/big.yaml') ?? [];
        assert.deepEqual(
          problems.map((problem) => [problem.code, problem.severity, problem.range]),
          [['file-too-large', 'error', [0, 0]]],
        );
        assert.match(problems[0]?.message ?? '', /^This release file is 5\.0 MiB; files over 5 MiB are not checked\.$/);
        assert.equal(result.entryCount, 1, 'the other file is still checked');
      },
    );
  });

  test("a binary file in service/ is goccy's load error (here a top-level string), not an exception", async () => {
    await withTree({ 'service/blob.yaml': pseudoRandomBytes(4096, 11) }, async (root) => {
      const result = await lintTree(root);
      assert.equal(result.kayronVerdict?.relativePath, 'service/blob.yaml');
      assert.equal(result.kayronVerdict.problem.code, 'yaml-type');
      assert.equal(result.kayronVerdict.problem.message, '[1:1] string was used where sequence is expected');
    });
  });

  test('invalid UTF-8 bytes on disk are decoded like Go does (U+FFFD), not rejected by the reader', async () => {
    const bytes = Buffer.concat([
      Buffer.from('- docker: "ka'),
      Buffer.from([0xff]),
      Buffer.from('yron"\n  github: "kayron"\n  deploy:\n    release: "v1.0.0"\n'),
    ]);
    await withTree({ 'service/x.yaml': bytes }, async (root) => {
      const result = await lintTree(root);
      assert.equal(result.kayronVerdict?.problem.code, 'docker-format');
      assert.equal(result.files[0]?.analysis.decoded?.entries[0]?.docker?.value, 'ka\ufffdyron');
    });
  });
});
