/** A finding about a release file, in text offsets; features turn it into LSP diagnostics. */

/** `[start, end)` offsets into the document text. */
export type Range = [number, number];

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Problem {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  /** One of Kayron's own lint checks (as opposed to the extension's extra warnings). */
  kayronCheck: boolean;
  /** Machine-readable details for quick fixes (e.g. a suggested key). */
  data?: Record<string, unknown>;
}
