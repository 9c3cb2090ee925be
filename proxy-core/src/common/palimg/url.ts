/**
 * Is a (percent-decoded) request target a palimg URL? Perlbal's start_serve_request hook
 * matches `^/palimg/(.+)\.(\w+)(.*)$` and then `^/p(.+)$` on the rest; the split is at the
 * last `.` followed by a word character, so `/palimg/v1.2/x.gif/pt...` works. Differences,
 * on purpose: the query string is cut off first (Perlbal made `?v=1` part of the spec and
 * failed), and `$` is the true end (Perl's `$` also allowed a trailing newline).
 */

export type ImageKind = 'gif' | 'png';

export interface PalimgTarget {
  /** The image's path under the docroot, `/palimg/<name>.<ext>` (the spec removed). */
  readonly path: string;
  /** The extension as written in the URL. */
  readonly ext: string;
  /** `gif` or `png`, matched case-insensitively; null for any other extension (a 404). */
  readonly kind: ImageKind | null;
  /** The palette spec: everything after `/p`. */
  readonly spec: string;
}

// `[^\n]` is Perl's `.`; JS's `.` also stops at \r and the Unicode line separators.
const PALIMG_URI = /^\/palimg\/([^\n]+)\.(\w+)([^\n]*)$/;
const SPEC_SUFFIX = /^\/p([^\n]+)$/;

/** The palimg request in `uri`, or null when it is a plain static request. */
export function matchPalimgUri(uri: string): PalimgTarget | null {
  const q = uri.indexOf('?');
  const path = q === -1 ? uri : uri.slice(0, q);
  const m = PALIMG_URI.exec(path);
  if (!m) return null;
  const s = SPEC_SUFFIX.exec(m[3]!);
  if (!s) return null;
  const ext = m[2]!;
  const lower = ext.toLowerCase();
  return {
    path: `/palimg/${m[1]!}.${ext}`,
    ext,
    kind: lower === 'gif' || lower === 'png' ? lower : null,
    spec: s[1]!,
  };
}
