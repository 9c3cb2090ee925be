/**
 * Small helpers that reproduce Perl's text semantics on byte-ish strings, as Perlbal 1.80 sees
 * them: `\s` is ASCII whitespace only, `lc` is ASCII only, `split` drops trailing empty fields,
 * booleans follow `Perlbal::Service::_bool`.
 */

/** Perl's `\s` on a non-UTF-8 string: space, tab, LF, CR, FF, VT. JS `\s` is wider. */
export const PERL_WS = ' \t\n\r\f\v';

export function isPerlSpace(ch: string): boolean {
  return ch.length === 1 && PERL_WS.includes(ch);
}

/** Perl `lc` on a byte string only folds ASCII; keeping lengths equal keeps columns exact. */
export function lcAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Perl `ucfirst lc $x`. */
export function ucfirstLc(text: string): string {
  const lower = lcAscii(text);
  return lower.length === 0 ? lower : lower[0]!.toUpperCase() + lower.slice(1);
}

/**
 * Perl `split(/re/, $s)`: like JS split, but trailing empty fields are removed (leading ones
 * stay), and splitting an empty string gives an empty list.
 */
export function perlSplit(text: string, separator: RegExp): string[] {
  if (text === '') return [];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The characters Perlbal's `index_files` and `plugins` split on: `[\s,]+`. */
export const LIST_SEPARATOR = /[ \t\n\r\f\v,]+/;

const BOOL_ON = new Set(['1', 'true', 'on', 'yes']);
const BOOL_OFF = new Set(['0', 'false', 'off', 'no']);

/** `Perlbal::Service::_bool`: case-insensitive on/off words; undefined for anything else. */
export function perlBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (BOOL_ON.has(v)) return true;
  if (BOOL_OFF.has(v)) return false;
  return undefined;
}

/** Perl truthiness of a string: '' and '0' are false. */
export function perlTruthy(value: string | null | undefined): boolean {
  return value !== undefined && value !== null && value !== '' && value !== '0';
}

/** Perl's string form of a stored value, used where Perlbal compares with `eq`. */
export function perlString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
