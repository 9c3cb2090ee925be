/**
 * Unusual backend response heads through the real Perlbal 1.80 and ours: the ones Perlbal
 * relays and ours relays the same way (obs-fold, control characters, HTTP/1.2, bytes above
 * 0x7f, trailing whitespace), the repeated Content-Length ours relays once, and the ones ours
 * refuses with a 502 because a client could frame the body differently from the proxy
 * (docs/compatibility.md lists each).
 */
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.js';
import { havePerlbal, sendBoth, type Comparable } from './harness.js';
import { expectSameBackendView, SIDES, startPair, type ProxyPair, type Side } from './proxy-pair.js';

const CONF = `
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_client = on
  SET persist_backend = on
  SET connect_ahead = 0
  SET idle_timeout = 2
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

/** Each URI answers with these raw bytes, then closes. */
const HEADS: Record<string, string> = {
  '/fold': 'HTTP/1.1 200 OK\r\nX-Folded: one\r\n  two\r\n\tthree\r\nContent-Length: 2\r\n\r\nok',
  '/ctl': 'HTTP/1.1 200 OK\r\nX-Ctl: a\x01b\x7fc\r\nContent-Length: 2\r\n\r\nok',
  '/http12': 'HTTP/1.2 200 Fine\r\nContent-Length: 2\r\n\r\nok',
  '/latin': 'HTTP/1.1 200 OK\r\nX-Utf8: caf\xc3\xa9\r\nX-Hi\xe9: x\r\nContent-Length: 2\r\n\r\nok',
  '/pad': 'HTTP/1.1 200 OK\r\nX-Pad:   padded  \r\nContent-Length: 2\r\n\r\nok',
  '/twocl': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: a\r\nContent-Length: 2\r\n\r\nok',
  '/clist': 'HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok',
  '/conflict': 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 2\r\n\r\nok!',
  '/notnum': 'HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok',
  '/nul': 'HTTP/1.1 200 OK\r\nX-Nul: a\0b\r\nContent-Length: 2\r\n\r\nok',
  '/barecr': 'HTTP/1.1 200 OK\r\nX-Cr: a\rb\r\nContent-Length: 2\r\n\r\nok',
  '/http2': 'HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok',
  '/lfhead': 'HTTP/1.0 200 OK\nContent-Length: 6\n\nab\r\n\r\n',
};

async function pair(): Promise<ProxyPair> {
  const p = await startPair(CONF);
  p.handle((r) => (HEADS[r.uri] ? { raw: Buffer.from(HEADS[r.uri]!, 'latin1'), then: 'close' } : undefined));
  return p;
}

const get = (uri: string, extra = ''): string => `GET ${uri} HTTP/1.0\r\n${extra}\r\n`;

async function both(p: ProxyPair, uri: string, idleMs = 400): Promise<{ perlbal: Comparable[]; ours: Comparable[] }> {
  return sendBoth(p.servers, 'proxy', get(uri), idleMs);
}

/** The same request bytes (latin1) to both; everything each sent back, as latin1 text. */
async function rawBoth(p: ProxyPair, request: string): Promise<Record<Side, string>> {
  const out = {} as Record<Side, string>;
  for (const side of SIDES) out[side] = (await rawRequest(p.servers[side].port('proxy'), Buffer.from(request, 'latin1'))).text;
  return out;
}

describe.runIf(havePerlbal())('backend response heads vs Perlbal 1.80: relayed the same', () => {
  it.each(['/fold', '/ctl', '/http12', '/latin', '/pad'])('%s', async (uri) => {
    const p = await pair();
    const r = await both(p, uri);
    expect(r.ours).toEqual(r.perlbal);
    expect(r.perlbal[0]!.body).toBe('ok');
    expectSameBackendView(p);
  });

  it('the relayed values, byte for byte', async () => {
    const p = await pair();
    const value = async (uri: string, name: string): Promise<string | undefined> =>
      (await both(p, uri)).ours[0]!.headers.find(([k]) => k === name)?.[1];
    expect(await value('/fold', 'X-Folded')).toBe('one  two\tthree');
    expect(await value('/ctl', 'X-Ctl')).toBe('a\x01b\x7fc');
    expect(await value('/latin', 'X-Utf8')).toBe('caf\xc3\xa9');
    expect(await value('/latin', 'X-Hi\xe9')).toBe('x');
    expect(await value('/pad', 'X-Pad')).toBe('padded  ');
    expect((await both(p, '/http12')).ours[0]!.statusLine).toBe('HTTP/1.0 200 Fine');
  });

  it('a HEADER insert with a non-ASCII value: the UTF-8 bytes of the config file', async () => {
    const p = await startPair(`${CONF}\nHEADER proxy insert X-Sig: caf\u00e9\n`);
    const r = await rawBoth(p, get('/status'));
    expect(r.ours).toBe(r.perlbal);
    expect(expectSameBackendView(p)[0]!.head).toContain('x-sig: caf\xc3\xa9\r\n');
  });

  it('request header bytes above 0x7f reach the backend unchanged', async () => {
    const p = await pair();
    const r = await rawBoth(p, get('/status', 'Cookie: name=caf\xc3\xa9\r\nX-Latin: \xe9\r\n'));
    expect(r.ours).toBe(r.perlbal);
    expect(expectSameBackendView(p)[0]!.head).toContain('Cookie: name=caf\xc3\xa9\r\nX-Latin: \xe9\r\n');
  });
});

describe.runIf(havePerlbal())('backend response heads vs Perlbal 1.80: where ours differs on purpose', () => {
  it('a bare-LF head with CRLF CRLF in its body: Perlbal ends the head at that CRLF CRLF (silence); ours at the blank line', async () => {
    const p = await pair();
    const r = await both(p, '/lfhead', 5000);
    expect(r.perlbal).toEqual([]);
    expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    expect(r.ours[0]!.body).toBe('ab\r\n\r\n');
  });

  it('a repeated Content-Length of one number: Perlbal relays the merged list, ours one value', async () => {
    const p = await pair();
    for (const uri of ['/twocl', '/clist']) {
      const r = await rawBoth(p, get(uri));
      expect(r.perlbal, uri).toContain('\r\nContent-Length: 2, 2\r\n');
      expect(r.ours, uri).toBe(r.perlbal.replace('Content-Length: 2, 2', 'Content-Length: 2'));
      expect(r.ours, uri).toMatch(/\r\n\r\nok$/);
    }
  });

  it('conflicting or non-numeric lengths, a NUL, a bare CR, HTTP/2.0: Perlbal relays them, ours answers 502', async () => {
    const p = await pair();
    for (const uri of ['/conflict', '/notnum', '/nul', '/barecr', '/http2']) {
      const r = await both(p, uri, 1000);
      expect(r.perlbal[0]?.statusLine, uri).toMatch(/^HTTP\/1\.0 200 /);
      expect(r.ours[0]?.statusLine, uri).toBe('HTTP/1.0 502 Bad Gateway');
      expect(r.ours[0]?.body, uri).toContain('invalid response head');
    }
  });
});
