/**
 * MIME type by extension, as Perlbal's `/\.(\w+)$/` lookup in $MimeType: case-sensitive,
 * `text/plain` when the extension is missing or unknown (so `UPPER.PNG` and `x.tar.gz` are
 * text/plain, exactly as in Perlbal).
 */

/** The extension Perlbal's `/\.(\w+)$/` captures, or null. */
export function extensionOf(path: string): string | null {
  const dot = path.lastIndexOf('.');
  if (dot === -1 || dot === path.length - 1) return null;
  for (let i = dot + 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    const word = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
    if (!word) return null;
  }
  return path.slice(dot + 1);
}

/** The table's type for `ext`, or undefined (own keys only: `x.constructor` is not a type). */
export function mimeForExtension(
  table: Readonly<Record<string, string>>,
  ext: string | null,
): string | undefined {
  if (ext === null || !Object.hasOwn(table, ext)) return undefined;
  const t = table[ext];
  return typeof t === 'string' && t !== '' ? t : undefined;
}

/** Content-Type for a served file path. */
export function mimeFor(table: Readonly<Record<string, string>>, path: string): string {
  return mimeForExtension(table, extensionOf(path)) ?? 'text/plain';
}
