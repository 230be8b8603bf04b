/** Problems (text offsets) → LSP diagnostics; the one `kayron lint` would print is marked. */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Problem } from '../kayron/problem';
import { EXTENSION_SOURCE, KAYRON_SOURCE } from '../protocol';

const SEVERITY: Record<Problem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Appended to the problem that `kayron lint` itself would report. */
export const KAYRON_LINT_MARKER = ' [reported by kayron lint]';

export interface DiagnosticData {
  kayron: boolean;
  [key: string]: unknown;
}

export function toDiagnostic(document: TextDocument, problem: Problem, isKayronVerdict: boolean): Diagnostic {
  const diagnostic: Diagnostic = {
    range: { start: document.positionAt(problem.range[0]), end: document.positionAt(problem.range[1]) },
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: problem.kayronCheck ? KAYRON_SOURCE : EXTENSION_SOURCE,
    message: isKayronVerdict ? `${problem.message}${KAYRON_LINT_MARKER}` : problem.message,
    data: { ...problem.data, kayron: isKayronVerdict } satisfies DiagnosticData,
  };
  if (problem.code === 'extra-document' || problem.code === 'ignored-extension') diagnostic.tags = [DiagnosticTag.Unnecessary];
  return diagnostic;
}
