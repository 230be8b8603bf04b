// The editor gets at most 1,000 problems per file (VS Code's own cap): errors first, the kayron lint verdict always.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { limitProblems, MAX_DIAGNOSTICS_PER_FILE } from '../../server/src/features/diagnostics';
import type { Problem } from '../../server/src/kayron/problem';
import { analyzeReleaseFile, validateWorkspace } from '../../server/src/features/validate';
import { generateReleaseFile } from '../bench/release-files';

/** A real code per severity; limitProblems orders by severity alone. */
const CODES = {
  error: 'github-missing',
  warning: 'unknown-key',
  information: 'not-linted-by-ci',
  hint: 'coerced-scalar',
} as const;
const problem = (severity: Problem['severity'], at: number): Problem => ({
  code: CODES[severity],
  severity,
  kayronCheck: false,
  message: `${severity} ${at}`,
  range: [at, at + 1],
});

describe('limitProblems', () => {
  test('up to the limit, the very same list comes back', () => {
    const problems = Array.from({ length: 5 }, (_, index) => problem('warning', index));
    assert.equal(limitProblems(problems, undefined, 5), problems);
  });

  test('over the limit: a note first, then errors before warnings before hints, in file order', () => {
    const problems = [
      problem('hint', 0),
      problem('warning', 1),
      problem('error', 2),
      problem('warning', 3),
      problem('error', 4),
      problem('information', 5),
    ];
    const limited = limitProblems(problems, undefined, 4);
    assert.equal(limited.length, 4);
    assert.equal(limited[0]?.code, 'too-many-problems');
    assert.equal(limited[0]?.severity, 'information');
    assert.match(
      limited[0]?.message ?? '',
      /This file has 6 problems; the first 3 are shown \(errors first\)\. Run `kayron-releases lint` to list them all\./,
    );
    assert.deepEqual(limited.slice(1), [problems[1], problems[2], problems[4]]);
  });

  test('the verdict is kept even when errors alone would fill the list', () => {
    const problems = [problem('error', 0), problem('error', 1), problem('error', 2), problem('warning', 3)];
    const verdict = problems[3];
    const limited = limitProblems(problems, verdict, 3);
    assert.ok(verdict && limited.includes(verdict));
    assert.equal(limited.length, 3);
  });

  test('a 10,000-entry file where every entry has a problem is cut to the editor limit, keeping the verdict', () => {
    const relativePath = 'service/service.yaml';
    const analysis = analyzeReleaseFile(relativePath, generateReleaseFile(10_000, { problemRate: 1, seed: 3 }));
    const validation = validateWorkspace([analysis]);
    const problems = validation.problems.get(relativePath) ?? [];
    assert.ok(problems.length > MAX_DIAGNOSTICS_PER_FILE, `${problems.length} problems`);
    const verdict = validation.kayronVerdict?.problem;
    const limited = limitProblems(problems, verdict);
    assert.equal(limited.length, MAX_DIAGNOSTICS_PER_FILE);
    assert.ok(verdict && limited.includes(verdict));
    const errors = problems.filter((candidate) => candidate.severity === 'error').length;
    const shownErrors = limited.filter((candidate) => candidate.severity === 'error').length;
    assert.equal(
      shownErrors,
      Math.min(errors, MAX_DIAGNOSTICS_PER_FILE - 1),
      'errors fill the list before anything else',
    );
  });
});
