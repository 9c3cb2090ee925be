/**
 * Byte ranges for static files (Perlbal::HTTPHeaders::range), with one deliberate fix: the
 * suffix form `bytes=-N` means the last N bytes (RFC 9110 14.1.2) where Perlbal served 0..N.
 * Everything else is Perlbal's: only a single `bytes=S-E` value is honoured, anything else
 * (multi-range, whitespace, other units) is ignored and the whole file is sent.
 */

export type RangeResult =
  { status: 200 } | { status: 416 } | { status: 206; start: number; end: number };

const FULL: RangeResult = Object.freeze({ status: 200 });
const UNSATISFIABLE: RangeResult = Object.freeze({ status: 416 });
const BYTES_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * Evaluate a Range header against a file of `size` bytes (null when the path is not a
 * regular file, which never gets a range).
 */
export function evaluateRange(header: string | undefined, size: number | null): RangeResult {
  if (!header || size === null) return FULL;
  const m = BYTES_RANGE.exec(header);
  if (!m) return FULL;
  const s = m[1]!;
  const e = m[2]!;
  if (s === '' && e === '') return FULL;
  if (s === '') return suffixRange(Number(e), size);
  const start = Number(s);
  const end = e === '' ? null : Number(e);
  if (end !== null && start > end) return UNSATISFIABLE;
  if (start >= size) return UNSATISFIABLE;
  return { status: 206, start, end: end !== null && end < size ? end : size - 1 };
}

/**
 * RFC 9110 14.1.2: `-N` selects the last N bytes; a suffix longer than the file selects all
 * of it; `-0`, or any suffix of an empty file, is unsatisfiable.
 */
function suffixRange(n: number, size: number): RangeResult {
  if (n === 0 || size === 0) return UNSATISFIABLE;
  return { status: 206, start: n >= size ? 0 : size - n, end: size - 1 };
}
