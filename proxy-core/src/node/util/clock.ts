/**
 * Time as Perlbal reads it: whole epoch seconds for ages, uptimes and idle checks, and
 * milliseconds where a precise duration is shown.
 */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function nowMs(): number {
  return Date.now();
}
