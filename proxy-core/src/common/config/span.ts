/**
 * Source positions for config commands and diagnostics. Lines and columns are 1-based, as
 * editors and people count them; `endColumn` is exclusive.
 */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function lineSpan(line: number, column: number, endColumn: number): Span {
  return { line, column, endLine: line, endColumn };
}

/** A span for text that has no source (commands made by `dump`, management lines). */
export const NO_SPAN: Span = Object.freeze({ line: 0, column: 0, endLine: 0, endColumn: 0 });
