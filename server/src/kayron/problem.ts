/** A finding about a release file, in text offsets; features turn it into LSP diagnostics. */
import type { DiagnosticCode } from '../diagnostic-codes';

/** `[start, end)` offsets into the document text. */
export type Range = [number, number];

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Problem {
  /** One of the documented codes (diagnostic-codes.ts, the README table): an undeclared one does not compile. */
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  range: Range;
  /** One of Kayron's own lint checks (as opposed to the extension's extra warnings). */
  kayronCheck: boolean;
  /** Machine-readable details for quick fixes (e.g. a suggested key). */
  data?: Record<string, unknown>;
  /**
   * For YAML problems: the stage of goccy that raises it (0 scanner, 1 parser, 2 document values, 3 field decoding).
   * goccy stops at its first error, so Kayron's own problem is the earliest by stage, then by position.
   */
  goccyStage?: number;
  /**
   * For field decoding errors: goccy's order within the stage. goccy decodes list items in order and a struct's fields
   * in the order the Go struct declares them (not the document's), and keeps the first error. The item's index times
   * `GOCCY_ITEM_ORDER_STRIDE` plus the field's rank: whoever moves an item to another index re-bases it.
   */
  goccyOrder?: number;
}

/** Room for a struct's field ranks in `goccyOrder` between one list item and the next. */
export const GOCCY_ITEM_ORDER_STRIDE = 100;

function precedes(problem: Problem, first: Problem): boolean {
  const stage = problem.goccyStage ?? 0;
  const firstStage = first.goccyStage ?? 0;
  if (stage !== firstStage) return stage < firstStage;
  if (problem.goccyOrder !== undefined && first.goccyOrder !== undefined && problem.goccyOrder !== first.goccyOrder) {
    return problem.goccyOrder < first.goccyOrder;
  }
  return problem.range[0] < first.range[0];
}

/** The problem `kayron lint` prints for a file: the earliest YAML problem by goccy's stage, else the first check. */
export function firstKayronProblem(problems: readonly Problem[]): Problem | undefined {
  let first: Problem | undefined;
  for (const problem of problems) {
    if (problem.goccyStage === undefined) continue;
    if (!first || precedes(problem, first)) first = problem;
  }
  return first ?? problems[0];
}
