/** Problems (text offsets) → LSP diagnostics; the one `kayron lint` would print is marked. */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Problem } from '../kayron/problem';
import { EXTENSION_SOURCE, KAYRON_SOURCE } from '../protocol';
import { documentationUrl } from '../diagnostic-codes';

const SEVERITY: Record<Problem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * Put before the problem that `kayron lint` itself would report: at the start, where the Problems panel cannot cut it
 * off the way it cuts a long message's end.
 */
export const KAYRON_LINT_MARKER = '[reported by kayron lint] ';

export interface DiagnosticData {
  kayron: boolean;
  [key: string]: unknown;
}

/** VS Code keeps at most this many diagnostics per file (ExtHostDiagnostics); the server sends no more than that. */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;

const SEVERITY_ORDER: readonly Problem['severity'][] = ['error', 'warning', 'information', 'hint'];

/**
 * At most `max` problems of a file, for the editor: errors first, then warnings, information and hints, each in file
 * order, always keeping `verdict` (the one `kayron lint` prints); when some are left out, a `too-many-problems` note
 * at the top of the file says how many. Converting and sending 12,000 diagnostics that VS Code would drop anyway
 * costs the server ~100 ms per keystroke.
 */
export function limitProblems(
  problems: readonly Problem[],
  verdict: Problem | undefined,
  max = MAX_DIAGNOSTICS_PER_FILE,
): readonly Problem[] {
  if (problems.length <= max) return problems;
  const kept = new Set<Problem>();
  if (verdict && problems.includes(verdict)) kept.add(verdict);
  for (const severity of SEVERITY_ORDER) {
    for (const problem of problems) {
      if (kept.size >= max - 1) break;
      if (problem.severity === severity) kept.add(problem);
    }
  }
  const note: Problem = {
    code: 'too-many-problems',
    severity: 'information',
    kayronCheck: false,
    message: `This file has ${problems.length.toLocaleString('en')} problems; the first ${kept.size.toLocaleString('en')} are shown (errors first). Run \`kayron-releases lint\` to list them all.`,
    range: [0, 0],
  };
  return [note, ...problems.filter((problem) => kept.has(problem))];
}

export function toDiagnostic(document: TextDocument, problem: Problem, isKayronVerdict: boolean): Diagnostic {
  const diagnostic: Diagnostic = {
    range: { start: document.positionAt(problem.range[0]), end: document.positionAt(problem.range[1]) },
    severity: SEVERITY[problem.severity],
    code: problem.code,
    codeDescription: { href: documentationUrl(problem.code) },
    source: problem.kayronCheck ? KAYRON_SOURCE : EXTENSION_SOURCE,
    message: isKayronVerdict ? `${KAYRON_LINT_MARKER}${problem.message}` : problem.message,
    data: { ...problem.data, kayron: isKayronVerdict } satisfies DiagnosticData,
  };
  if (problem.code === 'extra-document' || problem.code === 'ignored-extension')
    diagnostic.tags = [DiagnosticTag.Unnecessary];
  return diagnostic;
}
