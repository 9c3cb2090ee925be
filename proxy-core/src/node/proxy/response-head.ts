/**
 * Reads a backend's response head (Perlbal Socket::read_headers + HTTPHeaders::new for
 * responses): bytes are gathered up to the blank line, the head is parsed with Perlbal's own
 * rules, and whatever follows is handed back untouched, because Perlbal passes bodies through
 * as they come (a chunked body is relayed raw, not decoded).
 *
 * Why not llhttp here, as for requests: a backend is the developer's own program, and Perlbal
 * relays heads that llhttp refuses (obs-fold, a repeated Content-Length, control characters,
 * HTTP/1.2); refusing them turned working pages into 502s. Body framing stays safe: what
 * could make the client and us disagree about where the response ends (conflicting
 * Content-Lengths, Content-Length with Transfer-Encoding, a bare CR or a NUL) is refused, and
 * every head is re-serialised with CRLF before it reaches the client.
 */
import { HttpHeaders } from '../http/http-headers.js';

/** Perlbal's limit for a head, requests and responses alike. */
const MAX_HEAD_BYTES = 102400;

export type HeadResult =
  | { kind: 'more' }
  | { kind: 'head'; headers: HttpHeaders; rest: Buffer }
  | { kind: 'error'; message: string };

export class ResponseHeadReader {
  #buf: Buffer | null = null;

  /** Feed bytes; a head once the blank line has arrived. */
  push(chunk: Buffer): HeadResult {
    const buf = this.#buf ? Buffer.concat([this.#buf, chunk]) : chunk;
    const end = headEnd(buf);
    if (end === -1) {
      if (buf.length > MAX_HEAD_BYTES) return { kind: 'error', message: 'response headers larger than 100 KiB' };
      this.#buf = buf;
      return { kind: 'more' };
    }
    this.#buf = null;
    const parsed = parseHead(buf.subarray(0, end));
    if (typeof parsed === 'string') return { kind: 'error', message: parsed };
    return { kind: 'head', headers: parsed, rest: buf.subarray(end) };
  }

  /** Bytes held while waiting for the rest of a head. */
  get pending(): number {
    return this.#buf?.length ?? 0;
  }

  reset(): void {
    this.#buf = null;
  }
}

/**
 * Offset just past the blank line ending the head: CRLF CRLF, or the bare-LF forms Perlbal's
 * own test backend mixes in (LF LF, LF CRLF).
 */
function headEnd(buf: Buffer): number {
  let best = -1;
  for (const [sep, len] of [['\r\n\r\n', 4], ['\n\n', 2], ['\n\r\n', 3]] as const) {
    const i = buf.indexOf(sep);
    if (i !== -1 && (best === -1 || i + len < best)) best = i + len;
  }
  return best;
}

/** The status line; the separators are Perl's `\s` (CR and LF never remain inside a line). */
const STATUS_LINE = /^HTTP\/(\d+)\.(\d+)[\t\v\f ]+(\d{3})(?:[\t\v\f ]+(.*))?$/;
const DIGITS = /^\d+$/;

/** Perlbal's header-name characters: an RFC 2616 token, but any byte above 0x7f too. */
const NAME_CHAR = new Uint8Array(256);
for (let c = 0x21; c < 0x100; c++) NAME_CHAR[c] = c === 0x7f || '()<>@,;:\\"/[]?={}'.includes(String.fromCharCode(c)) ? 0 : 1;

/** Perl's `\s` within a line: space, tab, vertical tab, form feed. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c;
}

/**
 * Perlbal HTTPHeaders::new for a response: the status line (a reason phrase may be missing
 * here, which Perlbal refused), `Name: value` lines with the value kept as sent (trailing
 * whitespace included), continuation lines glued to the previous value as they are, repeats
 * merged with `, ` (Set-Cookie kept apart). Returns a sentence saying what is wrong otherwise.
 */
export function parseHead(head: Buffer): HttpHeaders | string {
  const text = head.toString('latin1');
  // A NUL ends a C string; a lone CR ends a line for some clients and not for others.
  if (text.includes('\0')) return 'invalid response head (a NUL byte)';
  const lines = splitLines(text);
  if (typeof lines === 'string') return lines;
  const status = STATUS_LINE.exec(lines[0] ?? '');
  if (!status) return `invalid response head (status line ${JSON.stringify(clip(lines[0] ?? ''))})`;
  const major = Number(status[1]);
  const minor = Number(status[2]);
  if (major !== 1) return `invalid response head (HTTP/${status[1]}.${status[2]} is not HTTP/1.x)`;
  const raw: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (isSpace(line.charCodeAt(0))) {
      // obs-fold: Perlbal appends the line, leading whitespace and all, to the previous value
      // (RFC 9112 5.2 lets a proxy replace the fold with whitespace); before any header, dropped.
      if (raw.length > 0) raw[raw.length - 1] += line;
      continue;
    }
    const colon = line.indexOf(':');
    let n = 0;
    while (n < colon && NAME_CHAR[line.charCodeAt(n)] === 1) n++;
    if (colon < 1 || n !== colon) return `invalid response head (header line ${JSON.stringify(clip(line))})`;
    let v = colon + 1;
    while (v < line.length && isSpace(line.charCodeAt(v))) v++;
    raw.push(line.slice(0, colon), line.slice(v));
  }
  const framing = checkFraming(raw);
  if (framing) return `invalid response head (${framing})`;
  return HttpHeaders.response(Number(status[3]), status[4] ?? '', major, minor, raw);
}

/** Perl's split(/\r?\n/) without the trailing empty lines; a CR anywhere else is refused. */
function splitLines(text: string): string[] | string {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
    const line = text.slice(start, end);
    if (line.includes('\r')) return 'invalid response head (a CR not followed by LF)';
    lines.push(line);
    start = nl + 1;
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The length rules (RFC 9112 6.3, RFC 9110 8.6): Content-Length repeated, or given as a list,
 * is one length when every value is the same number, and is then relayed once; different
 * numbers, a non-number, or Content-Length next to Transfer-Encoding are refused, because a
 * client could frame the body differently from us. Rewrites `raw` in place; null when fine.
 */
function checkFraming(raw: string[]): string | null {
  let first = -1;
  let length: string | null = null;
  let repeated = false;
  let te = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') te = true;
    if (name.length !== 14 || name.toLowerCase() !== 'content-length') continue;
    const values = raw[i + 1]!.split(',');
    for (const v of values) {
      const n = v.trim().replace(/^0+(?=\d)/, '');
      if (!DIGITS.test(n)) return `Content-Length ${JSON.stringify(clip(raw[i + 1]!))} is not a number`;
      if (length !== null && n !== length) return `conflicting Content-Length values (${length} and ${n})`;
      length = n;
    }
    if (first !== -1 || values.length > 1) repeated = true;
    if (first === -1) first = i;
  }
  if (te && first !== -1) return 'both Transfer-Encoding and Content-Length';
  if (!repeated) return null;
  raw[first + 1] = length!;
  for (let i = raw.length - 2; i > first; i -= 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') raw.splice(i, 2);
  }
  return null;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}...` : s;
}
