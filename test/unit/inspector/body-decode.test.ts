/**
 * Captured bodies made viewable: chunk framing removed from a relayed chunked response, gzip,
 * deflate (zlib or raw) and br undone, a body cut by the cap decoded as far as it goes, and
 * a coding that cannot be undone reported rather than thrown.
 */
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { capturedBody, dechunk } from '../../../proxy-core/src/node/api/body-decode.js';

const text = (b64: string): string => Buffer.from(b64, 'base64').toString();
const all = (bytes: Buffer) => ({ bytes, size: bytes.length });

describe('dechunk', () => {
  it('joins chunk data, ignoring extensions and trailers', () => {
    expect(
      dechunk(Buffer.from('3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: y\r\n\r\n')).toString(),
    ).toBe('abcde');
  });
  it('keeps what arrived of a body cut short', () => {
    expect(dechunk(Buffer.from('5\r\nhello\r\n10\r\nwor')).toString()).toBe('hellowor');
    expect(dechunk(Buffer.from('5\r\nhel')).toString()).toBe('hel');
  });
});

describe('capturedBody', () => {
  const json = JSON.stringify({ entries: Array.from({ length: 200 }, (_, i) => ({ i })) });

  it('undoes chunked then gzip on a response', () => {
    const gz = gzipSync(json);
    const raw = Buffer.concat([
      Buffer.from(`${gz.length.toString(16)}\r\n`),
      gz,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    const b = capturedBody(
      all(raw),
      [
        ['Transfer-Encoding', 'chunked'],
        ['Content-Encoding', 'gzip'],
      ],
      true,
    );
    expect(text(b.base64)).toBe(json);
    expect(b).toEqual(
      expect.objectContaining({ decoded: ['chunked', 'gzip'], size: raw.length, truncated: false }),
    );
  });

  it('leaves a request body alone when only the head says chunked (llhttp de-chunked it)', () => {
    const b = capturedBody(all(Buffer.from('abc')), [['Transfer-Encoding', 'chunked']], false);
    expect(b).toEqual({
      base64: Buffer.from('abc').toString('base64'),
      size: 3,
      captured: 3,
      truncated: false,
    });
  });

  it('decodes deflate (zlib and raw) and br', () => {
    for (const [coding, z] of [
      ['deflate', deflateSync(json)],
      ['deflate', deflateRawSync(json)],
      ['br', brotliCompressSync(json)],
    ] as const) {
      const b = capturedBody(all(z), [['Content-Encoding', coding]], true);
      expect(text(b.base64), coding).toBe(json);
    }
  });

  it('decodes a gzip body cut by the cap as far as it goes', () => {
    const gz = gzipSync(json);
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    const b = capturedBody({ bytes: cut, size: gz.length }, [['Content-Encoding', 'gzip']], true);
    expect(b.truncated).toBe(true);
    expect(b.decodeError).toBeUndefined();
    const out = text(b.base64);
    expect(out.length).toBeGreaterThan(0);
    expect(json.startsWith(out)).toBe(true);
  });

  it('says why a coding could not be undone, and keeps the bytes', () => {
    const b = capturedBody(all(Buffer.from('not gzip')), [['Content-Encoding', 'gzip']], true);
    expect(text(b.base64)).toBe('not gzip');
    expect(b.decodeError).toMatch(/^gzip: /);
    const c = capturedBody(all(Buffer.from('x')), [['Content-Encoding', 'compress']], true);
    expect(c.decodeError).toMatch(/^compress: /);
  });
});
