/** Lints a releases tree on disk as `kayron lint` run in that folder would, plus the extension's extra checks. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { walkReleaseTree } from '../kayron/loader';
import { readRegularFile, releaseFileText, type RegularFileRead } from '../kayron/regular-file';
import type { Problem } from '../kayron/problem';
import { analyzeReleaseFile, validateWorkspace, type FileAnalysis } from './validate';
import { decodeReleaseFile } from '../yaml/decode';

/** Files larger than this are reported instead of parsed, so one stray dump cannot stall the editor or CI. */
export const MAX_RELEASE_FILE_BYTES = 5 * 1024 * 1024;

export interface LintedFile {
  relativePath: string;
  text: string;
  analysis: FileAnalysis;
}

export interface TreeLintResult {
  root: string;
  files: LintedFile[];
  problems: Map<string, Problem[]>;
  kayronVerdict: { relativePath: string; problem: Problem } | undefined;
  entryCount: number;
  unchecked: { relativePath: string; problem: Problem }[];
}

export function oversizedFileAnalysis(analysis: FileAnalysis, size: number): FileAnalysis {
  const problem: Problem = {
    code: 'file-too-large',
    severity: 'error',
    kayronCheck: false,
    message: `This release file is ${(size / 1024 / 1024).toFixed(1)} MiB; files over ${MAX_RELEASE_FILE_BYTES / 1024 / 1024} MiB are not checked.`,
    range: [0, 0],
  };
  return { ...analysis, decoded: undefined, kayronProblems: [], extraProblems: [problem] };
}

/** A FIFO, socket or device named like a release file: skipped, and Kayron's verdict becomes unknown. */
export function notRegularFileAnalysis(analysis: FileAnalysis, what: string): FileAnalysis {
  const problem: Problem = {
    code: 'not-a-regular-file',
    severity: 'error',
    kayronCheck: false,
    message: `This path is ${what}, not a regular file: it is not read or checked (reading it could block or never end).`,
    range: [0, 0],
  };
  return { ...analysis, decoded: undefined, kayronProblems: [], extraProblems: [problem] };
}

/** A file that could not be read (permission denied, an I/O error, no answer in time): not checked. */
export function unreadableFileAnalysis(analysis: FileAnalysis, reason: string): FileAnalysis {
  const problem: Problem = {
    code: 'unreadable-file',
    severity: 'error',
    kayronCheck: false,
    message: `This file could not be read, so it is not checked: ${reason}.`,
    range: [0, 0],
  };
  return { ...analysis, decoded: undefined, kayronProblems: [], extraProblems: [problem] };
}

/**
 * The analysis of a release file from a bounded read, or undefined when the bytes were read (the caller analyses
 * them). A path that leads to no file is Kayron's own failure; too large, not regular or unreadable is not checked.
 */
export function analysisOfUnread(relativePath: string, read: Exclude<RegularFileRead, { kind: 'read' }>): FileAnalysis {
  const empty = analyzeReleaseFile(relativePath, '');
  switch (read.kind) {
    case 'too-large':
      return oversizedFileAnalysis(empty, read.size);
    case 'not-regular':
      return notRegularFileAnalysis(empty, read.what);
    case 'missing':
      return missingFileAnalysis(empty, read.error);
    case 'unreadable':
      return unreadableFileAnalysis(empty, read.reason);
  }
}

/** Kayron fails on a release path that leads to no file (a dangling link, a linked directory named *.yaml): so do we. */
export function missingFileAnalysis(analysis: FileAnalysis, error: unknown): FileAnalysis {
  const reason = error instanceof Error ? error.message : String(error);
  const problem: Problem = {
    code: 'yaml-syntax',
    severity: 'error',
    kayronCheck: true,
    message: `cannot read the file: ${reason}`,
    range: [0, 0],
  };
  return {
    ...analysis,
    decoded: { ...decodeReleaseFile(''), failed: true, problems: [problem] },
    kayronProblems: [problem],
    extraProblems: [],
  };
}

export async function lintTree(root: string): Promise<TreeLintResult> {
  const walked = await walkReleaseTree(root, { includeIgnored: true });
  const files: LintedFile[] = [];
  for (const file of walked) {
    const read = await readRegularFile(file.absolutePath, { maxBytes: MAX_RELEASE_FILE_BYTES });
    if (read.kind !== 'read') {
      files.push({ relativePath: file.relativePath, text: '', analysis: analysisOfUnread(file.relativePath, read) });
      continue;
    }
    const text = releaseFileText(read.bytes);
    files.push({ relativePath: file.relativePath, text, analysis: analyzeReleaseFile(file.relativePath, text) });
  }
  const validation = validateWorkspace(files.map((file) => file.analysis));
  return { root, files, ...validation };
}

export function toLspRange(text: string, range: [number, number]) {
  const document = TextDocument.create('file:///x', 'yaml', 0, text);
  return { start: document.positionAt(range[0]), end: document.positionAt(range[1]) };
}

/** One diagnostic of `kayron-releases lint --json`. */
export interface JsonDiagnostic {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: Problem['severity'];
  code: string;
  message: string;
  /** The one diagnostic that `kayron lint` itself would print. */
  kayron: boolean;
}

/** The CLI's diagnostics for a linted tree; shared with the fuzz-corpus comparison so both see the same output. */
export function lintDiagnostics(result: TreeLintResult): JsonDiagnostic[] {
  const diagnostics: JsonDiagnostic[] = [];
  const texts = new Map(
    result.files.map((file) => [file.relativePath, TextDocument.create('file:///x', 'yaml', 0, file.text)]),
  );
  for (const [relativePath, problems] of result.problems) {
    const document = texts.get(relativePath);
    for (const problem of problems) {
      diagnostics.push({
        file: relativePath,
        range: document
          ? { start: document.positionAt(problem.range[0]), end: document.positionAt(problem.range[1]) }
          : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: problem.severity,
        code: problem.code,
        message: problem.message,
        kayron: result.kayronVerdict?.problem === problem,
      });
    }
  }
  const verdict = result.kayronVerdict;
  if (verdict && !texts.has(verdict.relativePath)) {
    diagnostics.push({
      file: verdict.relativePath,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'error',
      code: verdict.problem.code,
      message: verdict.problem.message,
      kayron: true,
    });
  }
  return diagnostics;
}
