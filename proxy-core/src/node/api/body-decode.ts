/**
 * A captured body made viewable, when the inspector asks for a request's detail (never on
 * the proxy's path): chunk framing removed from a chunked response (Perlbal relays it raw),
 * then gzip, deflate or br content coding undone, so the viewers and HAR get the entity. A
 * body cut by the capture's cap decodes as far as its bytes go.
 */
import zlib from 'node:zlib';
import type { CapturedBody, HeaderList } from '../../common/request-record.js';
import type { BodyBytes } from '../record/body-tap.js';

/** Decoded output is capped too: a small compressed body may inflate enormously. */
const MIN_DECODED_CAP = 1024 * 1024;

function header(h: HeaderList, name: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of h)
    if (k.toLowerCase() === name) found = found === undefined ? v : `${found}, ${v}`;
  return found;
}

function codings(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/**
 * `b` as CapturedBody. `headers` are the list that describes the bytes (the client's request
 * headers, or the response headers the client got); `chunked` says whether the bytes carry
 * chunk framing (response side only: llhttp de-chunks request bodies before the tap).
 */
export function capturedBody(b: BodyBytes, headers: HeaderList, chunked: boolean): CapturedBody {
  let bytes = b.bytes;
  const truncated = b.size > b.bytes.length;
  const decoded: string[] = [];
  let decodeError: string | undefined;
  const te = codings(header(headers, 'transfer-encoding'));
  if (chunked && te.includes('chunked')) {
    bytes = dechunk(bytes);
    decoded.push('chunked');
  }
  const ce = codings(header(headers, 'content-encoding'));
  const cap = Math.max(MIN_DECODED_CAP, b.bytes.length * 8);
  // Codings are listed in the order applied: undo the last first.
  for (let i = ce.length - 1; i >= 0; i--) {
    const coding = ce[i]!;
    try {
      bytes = inflate(coding, bytes, cap);
      decoded.push(coding);
    } catch (e) {
      decodeError = `${coding}: ${(e as Error).message}`;
      break;
    }
  }
  const out: CapturedBody = {
    base64: bytes.toString('base64'),
    size: b.size,
    captured: b.bytes.length,
    truncated,
  };
  if (decoded.length > 0) out.decoded = decoded;
  if (decodeError !== undefined) out.decodeError = decodeError;
  return out;
}

function inflate(coding: string, bytes: Buffer, cap: number): Buffer {
  // SYNC_FLUSH as the finish flush: a body cut short decodes as far as it goes.
  const z = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: cap };
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(bytes, z);
    case 'deflate':
      // RFC 9110 says zlib-wrapped; some servers send raw deflate.
      try {
        return zlib.inflateSync(bytes, z);
      } catch {
        return zlib.inflateRawSync(bytes, z);
      }
    case 'br':
      return zlib.brotliDecompressSync(bytes, {
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        maxOutputLength: cap,
      });
    default:
      throw new Error('not a coding the inspector can undo');
  }
}

/** The data of a chunked body (RFC 9112 section 7.1), as far as complete chunk data goes. */
export function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const eol = raw.indexOf('\r\n', at, 'latin1');
    if (eol < 0) break;
    const size = parseInt(raw.toString('latin1', at, eol).split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    const start = eol + 2;
    parts.push(raw.subarray(start, Math.min(start + size, raw.length)));
    at = start + size + 2;
  }
  return Buffer.concat(parts);
}
