/**
 * What the body viewers show: the captured bytes (base64 from the core) as text in the
 * charset the Content-Type names, JSON pretty-printed, HTML as source split into tags and
 * text for colouring (never rendered: the page's CSP and common sense), images by their
 * type, and a hex dump. The Content-Type picks the view a body opens in; bytes without one
 * are sniffed (image signatures, then text or not).
 */

export type BodyViewKind = 'text' | 'json' | 'html' | 'image' | 'hex';

/** The bytes as UTF-8 text when they are valid UTF-8 and look like text; else null. */
export function utf8Text(b: Uint8Array): string | null {
  if (!looksLikeText(b)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return null;
  }
}

/** `type/subtype` lower-cased, without parameters; '' when absent. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function charsetOf(contentType: string | undefined): string {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return m ? m[1]!.toLowerCase() : 'utf-8';
}

/** The image type from the bytes' signature (PNG, GIF, JPEG, WebP, ICO, BMP), or null. */
export function sniffImage(b: Uint8Array): string | null {
  const at = (i: number, ...xs: number[]): boolean => xs.every((x, k) => b[i + k] === x);
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  if (at(0, 0x00, 0x00, 0x01, 0x00)) return 'image/x-icon';
  if (at(0, 0x42, 0x4d)) return 'image/bmp';
  return null;
}

/** Mostly printable and no NULs in the first 4 KiB: worth showing as text. */
export function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32) || c === 127) odd++;
  }
  return odd <= n / 100;
}

const JSON_TYPE = /^application\/(?:.+\+)?json$|^text\/json$|\+json$/;
const HTML_TYPE = /^(?:text\/html|application\/xhtml\+xml)$/;

/** The views that make sense for a body, the first being the one it opens in. */
export function viewsFor(contentType: string | undefined, b: Uint8Array): BodyViewKind[] {
  const t = mediaType(contentType);
  // An SVG in an <img> runs no script; its source is text as well.
  if (t === 'image/svg+xml') return ['image', 'text', 'hex'];
  if (t.startsWith('image/') || sniffImage(b) !== null) return ['image', 'hex'];
  if (JSON_TYPE.test(t)) return ['json', 'text', 'hex'];
  if (HTML_TYPE.test(t)) return ['html', 'text', 'hex'];
  const text = looksLikeText(b);
  if (t === '' && text) {
    const start = decodeText(b.subarray(0, 256)).trimStart();
    if (/^[[{]/.test(start)) return ['json', 'text', 'hex'];
    if (/^<(?:!doctype html|html)/i.test(start)) return ['html', 'text', 'hex'];
  }
  if (text || t.startsWith('text/')) return ['text', 'hex'];
  return ['hex', 'text'];
}

/** The bytes as text in the Content-Type's charset (UTF-8 by default; bad bytes become U+FFFD). */
export function decodeText(b: Uint8Array, contentType?: string): string {
  let label = charsetOf(contentType);
  // Browsers decode iso-8859-1 as windows-1252 too; TextDecoder knows both by label.
  try {
    return new TextDecoder(label).decode(b);
  } catch {
    label = 'utf-8';
    return new TextDecoder(label).decode(b);
  }
}

/** Pretty JSON, or why the text is not JSON (a cut body usually is not, whole). */
export function prettyJson(
  text: string,
): { ok: true; text: string } | { ok: false; error: string } {
  try {
    return { ok: true, text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** HTML source in pieces, tags (and comments, doctypes) apart from text, for colouring. */
export function htmlTokens(src: string): Array<{ tag: boolean; text: string }> {
  const out: Array<{ tag: boolean; text: string }> = [];
  const re = /<!--[\s\S]*?(?:-->|$)|<[!/?]?[A-Za-z][^>]*>?/g;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m.index > last) out.push({ tag: false, text: src.slice(last, m.index) });
    out.push({ tag: true, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < src.length) out.push({ tag: false, text: src.slice(last) });
  return out;
}

/** `offset  16 bytes in hex  |ascii|` lines, as `hexdump -C` prints them. */
export function hexDump(b: Uint8Array, max = b.length): string {
  const n = Math.min(b.length, max);
  const lines: string[] = [];
  const hex = (x: number): string => x.toString(16).padStart(2, '0');
  for (let off = 0; off < n; off += 16) {
    let h = '';
    let a = '';
    for (let i = 0; i < 16; i++) {
      const c = b[off + i];
      h += (c === undefined || off + i >= n ? '  ' : hex(c)) + (i === 7 ? '  ' : ' ');
      if (c !== undefined && off + i < n) a += c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${h} |${a}|`);
  }
  return lines.join('\n');
}
