/**
 * The backend response head parser (Perlbal HTTPHeaders::new for responses): what it relays
 * as Perlbal does, and the few heads it refuses because a client could frame the body
 * differently from us (test/conformance/backend-responses.test.ts runs these against Perlbal).
 */
import { describe, expect, it } from 'vitest';
import { HttpHeaders } from '../../../../proxy-core/src/node/http/http-headers.js';
import { parseHead, ResponseHeadReader } from '../../../../proxy-core/src/node/proxy/response-head.js';

function parse(text: string): HttpHeaders {
  const r = parseHead(Buffer.from(text, 'latin1'));
  if (typeof r === 'string') throw new Error(r);
  return r;
}

function refusal(text: string): string {
  const r = parseHead(Buffer.from(text, 'latin1'));
  if (typeof r !== 'string') throw new Error(`accepted: ${r.toString()}`);
  return r;
}

describe('parseHead: relayed as Perlbal relays it', () => {
  it('keeps names as sent, values with their trailing whitespace, order of first occurrence', () => {
    const h = parse('HTTP/1.1 200 Fine\r\nX-Pad:   padded  \r\nx-dup: 1\r\nContent-Length: 2\r\nX-Dup: 2\r\n\r\n');
    expect(h.code).toBe(200);
    expect(h.reason).toBe('Fine');
    expect(h.versionNumber).toBe(1001);
    expect(h.entries()).toEqual([
      ['X-Pad', 'padded  '],
      ['x-dup', '1, 2'],
      ['Content-Length', '2'],
    ]);
  });

  it('keeps each Set-Cookie', () => {
    expect(parse('HTTP/1.0 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n').entries()).toEqual([
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });

  it('glues an obs-fold line to the value as it is, leading whitespace included; drops one before any header', () => {
    const h = parse('HTTP/1.1 200 OK\r\n  stray\r\nX-Folded: one\r\n  two\r\n\tthree\r\nContent-Length: 0\r\n\r\n');
    expect(h.header('X-Folded')).toBe('one  two\tthree');
    expect(h.entries().map(([k]) => k)).toEqual(['X-Folded', 'Content-Length']);
  });

  it('one Content-Length for identical repeats and lists of one number', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: a\r\nContent-Length: 2\r\n\r\n').entries()).toEqual([
      ['Content-Length', '2'],
      ['X-A', 'a'],
    ]);
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n').header('Content-Length')).toBe('2');
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 02,2\r\n\r\n').header('Content-Length')).toBe('2');
    // A single value is left exactly as sent.
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 5 \r\n\r\n').header('Content-Length')).toBe('5 ');
  });

  it('control characters other than CR and NUL stay in values; bytes above 0x7f too', () => {
    const h = parse('HTTP/1.1 200 OK\r\nX-Ctl: a\x01b\x7fc\r\nX-Latin: \xc3\xa9\r\n\r\n');
    expect(h.header('X-Ctl')).toBe('a\x01b\x7fc');
    expect(Buffer.from(h.header('X-Latin')!, 'latin1')).toEqual(Buffer.from([0xc3, 0xa9]));
  });

  it('any HTTP/1.x version; a missing or empty reason phrase; bare-LF lines', () => {
    const h = parse('HTTP/1.2 404\nContent-Length: 0\n\n');
    expect(h.versionNumber).toBe(1002);
    expect(h.code).toBe(404);
    expect(h.reason).toBe('');
    expect(parse('HTTP/1.0 200 \r\n\r\n').reason).toBe('');
    expect(parse('HTTP/1.1\t204\tNo Content\r\n\r\n').code).toBe(204);
  });
});

describe('parseHead: refused', () => {
  it.each([
    ['conflicting Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n', 'conflicting Content-Length values (2 and 3)'],
    ['a list of different lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n', 'conflicting Content-Length values'],
    ['a length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\n', 'is not a number'],
    ['an empty length', 'HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n', 'is not a number'],
    ['Content-Length with Transfer-Encoding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n', 'both Transfer-Encoding and Content-Length'],
    ['a bare CR in a value', 'HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n', 'a CR not followed by LF'],
    ['a bare CR in a fold', 'HTTP/1.1 200 OK\r\nX-A: a\r\n \r\r\n\r\n', 'a CR not followed by LF'],
    ['a NUL', 'HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n', 'a NUL byte'],
    ['HTTP/2.0', 'HTTP/2.0 200 OK\r\n\r\n', 'HTTP/2.0 is not HTTP/1.x'],
    ['a status that is not a number', 'HTTP/1.1 abc Fine\r\n\r\n', 'status line'],
    ['a four-digit status', 'HTTP/1.1 2000 OK\r\n\r\n', 'status line'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nX-A : b\r\n\r\n', 'header line'],
    ['a line without a colon', 'HTTP/1.1 200 OK\r\nNoColon\r\n\r\n', 'header line'],
    ['an empty name', 'HTTP/1.1 200 OK\r\n: b\r\n\r\n', 'header line'],
  ])('%s', (_what, text, why) => {
    expect(refusal(text)).toContain(why);
  });
});

describe('ResponseHeadReader', () => {
  it('waits for the blank line and hands back the bytes after it untouched', () => {
    const r = new ResponseHeadReader();
    expect(r.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-'))).toEqual({ kind: 'more' });
    const got = r.push(Buffer.from('Length: 5\r\n\r\nhel'));
    expect(got.kind).toBe('head');
    if (got.kind !== 'head') return;
    expect(got.headers.header('Content-Length')).toBe('5');
    expect(got.rest.toString()).toBe('hel');
  });
});
