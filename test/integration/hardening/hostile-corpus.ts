/**
 * Malformed and smuggling-style requests, each with what a correct HTTP/1.1 front end must do
 * with it. `reject`: a 400/408/413/414/431 or a close, never a forwarded request. `either`:
 * lenient acceptance is allowed (Perlbal accepts it), but what goes on must be one
 * well-formed request. Every request smuggles `/smuggled` behind its body where it can, so
 * a desync shows up as a backend request for that path.
 */

export interface HostileCase {
  name: string;
  bytes: Buffer;
  expect: 'reject' | 'either';
}

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';

function c(
  name: string,
  text: string | Buffer,
  expect: HostileCase['expect'] = 'reject',
): HostileCase {
  return { name, bytes: typeof text === 'string' ? Buffer.from(text, 'latin1') : text, expect };
}

const post = (headers: string, body: string): string =>
  `POST /status HTTP/1.1\r\nHost: x\r\n${headers}\r\n${body}`;

export const HOSTILE_CORPUS: HostileCase[] = [
  // ---- body framing: CL.TE / TE.CL / CL.CL ----
  c(
    'CL then TE',
    post('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', `0\r\n\r\n${SMUGGLED}`),
  ),
  c(
    'TE then CL',
    post('Transfer-Encoding: chunked\r\nContent-Length: 40\r\n', `0\r\n\r\n${SMUGGLED}`),
  ),
  c(
    'two different Content-Lengths',
    post('Content-Length: 5\r\nContent-Length: 45\r\n', `hello${SMUGGLED}`),
  ),
  c(
    'two equal Content-Lengths',
    post('Content-Length: 5\r\nContent-Length: 5\r\n', `hello${SMUGGLED}`),
  ),
  c('Content-Length list', post('Content-Length: 5, 5\r\n', `hello${SMUGGLED}`)),
  c('Content-Length with a sign', post('Content-Length: +5\r\n', `hello${SMUGGLED}`)),
  c('negative Content-Length', post('Content-Length: -1\r\n', `hello${SMUGGLED}`)),
  c('hex Content-Length', post('Content-Length: 0x5\r\n', `hello${SMUGGLED}`)),
  c(
    'Content-Length overflow',
    post('Content-Length: 99999999999999999999999\r\n', `hello${SMUGGLED}`),
  ),
  c('Content-Length with inner space', post('Content-Length: 1 5\r\n', `hello${SMUGGLED}`)),
  c(
    'TE chunked not last',
    post('Transfer-Encoding: chunked, identity\r\n', `5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
  ),
  c('TE xchunked', post('Transfer-Encoding: xchunked\r\n', `5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`)),
  c('TE with space before colon', post('Transfer-Encoding : chunked\r\n', `0\r\n\r\n${SMUGGLED}`)),
  c('TE with vertical tab', post('Transfer-Encoding:\x0bchunked\r\n', `0\r\n\r\n${SMUGGLED}`)),
  c(
    'TE folded onto the next line',
    post('Transfer-Encoding:\r\n chunked\r\n', `0\r\n\r\n${SMUGGLED}`),
  ),
  c(
    'TE identity on a request',
    post('Transfer-Encoding: identity\r\nContent-Length: 5\r\n', `hello${SMUGGLED}`),
  ),
  // ---- chunk sizes ----
  c(
    'chunk size not hex',
    post('Transfer-Encoding: chunked\r\n', `zz\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
  ),
  c(
    'negative chunk size',
    post('Transfer-Encoding: chunked\r\n', `-5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
  ),
  c(
    'chunk size overflow',
    post('Transfer-Encoding: chunked\r\n', `fffffffffffffffffff1\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
  ),
  c(
    'chunk longer than its size',
    post('Transfer-Encoding: chunked\r\n', `2\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
  ),
  c(
    'chunk size with space inside',
    post('Transfer-Encoding: chunked\r\n', `1 0\r\n${'a'.repeat(16)}\r\n0\r\n\r\n${SMUGGLED}`),
  ),
  c(
    'chunk size 0x prefix',
    post('Transfer-Encoding: chunked\r\n', `0x5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`),
  ),
  c(
    'chunk terminated by bare CR',
    post('Transfer-Encoding: chunked\r\n', `5\rhello\r\n0\r\n\r\n${SMUGGLED}`),
  ),
  // ---- line endings and bytes ----
  c(
    'obs-fold in an ordinary header',
    'GET /status HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n',
    'either',
  ),
  c('bare CR inside the head', 'GET /status HTTP/1.1\rHost: x\r\n\r\n'),
  c('bare CR inside a header value', 'GET /status HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n'),
  c('bare LF line endings (Perlbal accepts them)', 'GET /status HTTP/1.1\nHost: x\n\n', 'either'),
  c('NUL in the URI', 'GET /sta\0tus HTTP/1.1\r\nHost: x\r\n\r\n'),
  c('NUL in a header value', 'GET /status HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n'),
  c('NUL in a header name', 'GET /status HTTP/1.1\r\nHost: x\r\nX-\0A: b\r\n\r\n'),
  c('NUL before the request', '\0GET /status HTTP/1.1\r\nHost: x\r\n\r\n'),
  c('control byte in the method', 'G\x01T /status HTTP/1.1\r\nHost: x\r\n\r\n'),
  c('header without a colon', 'GET /status HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n'),
  c('empty header name', 'GET /status HTTP/1.1\r\nHost: x\r\n: value\r\n\r\n'),
  c('space inside a header name', 'GET /status HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n'),
  c(
    'high bytes in a header name',
    Buffer.concat([
      Buffer.from('GET /status HTTP/1.1\r\nHost: x\r\nX'),
      Buffer.from([0xc3, 0xa9]),
      Buffer.from(': b\r\n\r\n'),
    ]),
  ),
  // ---- request line ----
  c('HTTP/1.1 without Host', 'GET /status HTTP/1.1\r\n\r\n'),
  c('HTTP/0.9 request line', 'GET /status\r\n\r\n'),
  c('HTTP/2.0 request line', 'GET /status HTTP/2.0\r\nHost: x\r\n\r\n'),
  c('version garbage', 'GET /status HTTP/1.x\r\nHost: x\r\n\r\n'),
  c('extra token in the request line', 'GET /status HTTP/1.1 extra\r\nHost: x\r\n\r\n'),
  c('lower-case method', 'get /status HTTP/1.1\r\nHost: x\r\n\r\n'),
  c('unknown method', 'FROB /status HTTP/1.1\r\nHost: x\r\n\r\n'),
  c('tab between method and URI', 'GET\t/status HTTP/1.1\r\nHost: x\r\n\r\n'),
  c('space in the URI', 'GET /sta tus HTTP/1.1\r\nHost: x\r\n\r\n'),
  c('plain text, not HTTP', 'hello there\r\n\r\n'),
  c('TLS ClientHello on a plain port', Buffer.from('160301020001000100fc0303', 'hex')),
  // ---- sizes ----
  c(
    'oversized request line (200 KiB URI)',
    `GET /${'a'.repeat(200 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`,
  ),
  c(
    'oversized header (200 KiB value)',
    `GET /status HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(200 * 1024)}\r\n\r\n`,
  ),
  c(
    'header flood (20,000 headers)',
    `GET /status HTTP/1.1\r\nHost: x\r\n${'X-F: 1\r\n'.repeat(20_000)}\r\n`,
  ),
  c(
    'many small headers within the limit',
    `GET /status HTTP/1.1\r\nHost: x\r\n${'X-F: 1\r\n'.repeat(2_000)}\r\n`,
    'either',
  ),
];

/** Statuses an unparseable request may get. */
export const REJECT_STATUSES = [400, 408, 413, 414, 431];
