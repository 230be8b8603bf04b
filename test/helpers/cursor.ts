/**
 * Marker helpers for unit tests (in the spirit of yaml-language-server's caret helper) and a one-call way to run
 * the validation core on in-memory release files.
 *
 * Markers:
 * - a cursor: one `|` (or another single-character marker of your choice, since `|` is also YAML's literal block
 *   indicator) → `{ text, offset }`;
 * - ranges: `«` … `»` pairs, in order of their opening marker → `{ text, ranges }`. These never occur in release
 *   files, so they need no escaping.
 */
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { classifyPath } from '../../server/src/kayron/loader';
import { compareWalkOrder } from '../../server/src/kayron/entry-model';
import type { Problem, Range } from '../../server/src/kayron/problem';
import {
  analyzeReleaseFile,
  validateWorkspace,
  type FileAnalysis,
  type WorkspaceValidation,
} from '../../server/src/features/validate';

export const RANGE_OPEN = '«';
export const RANGE_CLOSE = '»';

export function parseCursor(marked: string, marker = '|'): { text: string; offset: number } {
  const offset = marked.indexOf(marker);
  assert.ok(offset >= 0, `no cursor marker ${JSON.stringify(marker)} in ${JSON.stringify(marked)}`);
  assert.equal(
    marked.indexOf(marker, offset + marker.length),
    -1,
    `more than one cursor marker ${JSON.stringify(marker)}`,
  );
  return { text: marked.slice(0, offset) + marked.slice(offset + marker.length), offset };
}

export function parseRanges(marked: string): { text: string; ranges: Range[] } {
  let text = '';
  const open: number[] = [];
  const ranges: { order: number; range: Range }[] = [];
  let order = 0;
  for (const char of marked) {
    if (char === RANGE_OPEN) {
      open.push(text.length);
      ranges.push({ order: order++, range: [text.length, -1] });
    } else if (char === RANGE_CLOSE) {
      const start = open.pop();
      assert.ok(start !== undefined, `unbalanced ${RANGE_CLOSE} in ${JSON.stringify(marked)}`);
      const pending = [...ranges].reverse().find((item) => item.range[0] === start && item.range[1] === -1);
      assert.ok(pending);
      pending.range[1] = text.length;
    } else {
      text += char;
    }
  }
  assert.equal(open.length, 0, `unbalanced ${RANGE_OPEN} in ${JSON.stringify(marked)}`);
  return { text, ranges: ranges.sort((a, b) => a.order - b.order).map((item) => item.range) };
}

export interface LspRange {
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

/** 0-based LSP positions (UTF-16 code units) of an offset range, as the language server reports them. */
export function toLspRange(text: string, range: Range): LspRange {
  const document = TextDocument.create('file:///release.yaml', 'yaml', 0, text);
  const start = document.positionAt(range[0]);
  const end = document.positionAt(range[1]);
  return { line: start.line, character: start.character, endLine: end.line, endCharacter: end.character };
}

export interface ProblemTuple extends LspRange {
  code: string;
  /** True for the one problem `kayron lint` itself would print. */
  kayron: boolean;
}

export interface LocatedProblem extends ProblemTuple {
  relativePath: string;
  problem: Problem;
}

export interface LintOutcome {
  /** Every problem of every file, files in Kayron's walk order, each file's problems in the order validate returns. */
  problems: LocatedProblem[];
  /** The bare tuples of `problems`, for `deepEqual` against expectations. */
  tuples: ProblemTuple[];
  verdict: (LocatedProblem & { message: string }) | undefined;
  entryCount: number;
  analyses: FileAnalysis[];
  validation: WorkspaceValidation;
  texts: Map<string, string>;
}

/** Runs analyzeReleaseFile on each file Kayron would load (or warn about) and validateWorkspace over all of them. */
export function lintFiles(files: Record<string, string>): LintOutcome {
  const texts = new Map<string, string>();
  const paths = Object.keys(files)
    .filter((relativePath) => {
      const fileClass = classifyPath(relativePath);
      return fileClass.loadedByKayron || fileClass.ignoredExtension;
    })
    .sort(compareWalkOrder);
  const analyses = paths.map((relativePath) => {
    const text = files[relativePath] ?? '';
    texts.set(relativePath, text);
    return analyzeReleaseFile(relativePath, text);
  });
  const validation = validateWorkspace(analyses);
  return outcome(validation, analyses, texts);
}

export function outcome(
  validation: WorkspaceValidation,
  analyses: FileAnalysis[],
  texts: Map<string, string>,
): LintOutcome {
  const problems: LocatedProblem[] = [];
  const verdictProblem = validation.kayronVerdict?.problem;
  let verdict: LintOutcome['verdict'];
  const paths = [...validation.problems.keys()];
  for (const relativePath of paths) {
    const text = texts.get(relativePath) ?? '';
    for (const problem of validation.problems.get(relativePath) ?? []) {
      const located: LocatedProblem = {
        code: problem.code,
        ...toLspRange(text, problem.range),
        kayron: problem === verdictProblem && validation.kayronVerdict?.relativePath === relativePath,
        relativePath,
        problem,
      };
      problems.push(located);
      if (located.kayron) verdict = { ...located, message: problem.message };
    }
  }
  // The "no release definitions" verdict of an empty tree belongs to no file.
  if (!verdict && validation.kayronVerdict && verdictProblem) {
    const text = texts.get(validation.kayronVerdict.relativePath) ?? '';
    verdict = {
      code: verdictProblem.code,
      ...toLspRange(text, verdictProblem.range),
      kayron: true,
      relativePath: validation.kayronVerdict.relativePath,
      problem: verdictProblem,
      message: verdictProblem.message,
    };
  }
  return {
    problems,
    tuples: problems.map(({ code, line, character, endLine, endCharacter, kayron }) => ({
      code,
      line,
      character,
      endLine,
      endCharacter,
      kayron,
    })),
    verdict,
    entryCount: validation.entryCount,
    analyses,
    validation,
    texts,
  };
}

/** One release file, by default `service/x.yaml` as in kayron-spec §6.2. */
export function lintText(text: string, relativePath = 'service/x.yaml'): LintOutcome {
  return lintFiles({ [relativePath]: text });
}

export function problemsWithCode(result: LintOutcome, code: string): LocatedProblem[] {
  return result.problems.filter((problem) => problem.code === code);
}

/**
 * Asserts that the file given with `«…»` markers has a problem with `code` exactly at the first marked range and
 * returns it. `kayron` (optional) also pins whether it is the verdict.
 */
export function expectProblemAt(
  marked: string,
  code: string,
  options: { relativePath?: string; kayron?: boolean; messageStartsWith?: string } = {},
): LocatedProblem {
  const { text, ranges } = parseRanges(marked);
  const range = ranges[0];
  assert.ok(range, 'mark the expected range with «…»');
  const result = lintText(text, options.relativePath);
  const expected = toLspRange(text, range);
  const matches = problemsWithCode(result, code);
  const found = matches.find(
    (problem) =>
      problem.line === expected.line &&
      problem.character === expected.character &&
      problem.endLine === expected.endLine &&
      problem.endCharacter === expected.endCharacter,
  );
  assert.ok(
    found,
    `expected ${code} at ${JSON.stringify(expected)}; got ${JSON.stringify(
      result.problems.map(({ problem, ...rest }) => ({ ...rest, message: problem.message })),
      null,
      1,
    )}`,
  );
  if (options.kayron !== undefined)
    assert.equal(found.kayron, options.kayron, `${code} is ${options.kayron ? '' : 'not '}the Kayron verdict`);
  if (options.messageStartsWith !== undefined) assertStartsWith(found.problem.message, options.messageStartsWith);
  return found;
}

export function assertStartsWith(actual: string, prefix: string, what = 'message'): void {
  assert.ok(
    actual.startsWith(prefix),
    `${what} should start with ${JSON.stringify(prefix)}\n     but was ${JSON.stringify(actual)}`,
  );
}

/** goccy messages read `[line:col] text`; returns the text, failing if the position prefix is missing. */
export function goccyText(message: string): string {
  const match = /^\[(\d+):(\d+)\] ([\s\S]*)$/.exec(message);
  assert.ok(match, `a goccy message starts with [line:col]: ${JSON.stringify(message)}`);
  return match[3] ?? '';
}

/** A minimal valid service entry with the given overrides, in the corpus's style. */
export function serviceEntry(fields: { docker?: string; github?: string; deploy?: string } = {}): string {
  const docker = fields.docker ?? '"kayron"';
  const github = fields.github ?? '"kayron"';
  const deploy = fields.deploy ?? 'release: "v0.5.3"';
  return `- docker: ${docker}\n  github: ${github}\n  deploy:\n    ${deploy}\n`;
}
