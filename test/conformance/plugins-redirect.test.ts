/**
 * Redirect against the real Perlbal 1.80 (t/76-plugin-redirect.t): a Vhosts selector in front
 * of a web_server with REDIRECT HOST rules; the same 301s (status text, Location, header
 * order, keep-alive) and the same pass-through for unmatched hosts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { havePerlbal, sendBoth, startBoth } from './harness.js';

const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-redirect-'));
fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello world\n');

const CONFIG = `
SERVER aio_mode = none
LOAD vhosts
LOAD redirect
CREATE SERVICE ws
  SET role = web_server
  SET docroot = ${docroot}
  SET persist_client = on
  SET plugins = redirect
  REDIRECT HOST example.com www.example.net
  REDIRECT HOST *.example.org org.example.net
ENABLE ws
CREATE SERVICE bare
  SET role = web_server
  SET listen = 127.0.0.1:{{port:bare}}
  SET plugins = redirect
  REDIRECT HOST * fallback.example
ENABLE bare
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:{{port:ss}}
  SET persist_client = on
  SET plugins = vhosts
  VHOST * = ws
ENABLE ss
`;

describe.runIf(havePerlbal())('Redirect vs Perlbal 1.80', () => {
  it('redirects and passes through the same way', async () => {
    const servers = await startBoth(CONFIG, ['ss', 'bare']);
    const cases: Array<[string, string]> = [
      ['ss', 'GET /foo/bar.txt HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n'],
      ['ss', 'GET /a?b=c HTTP/1.1\r\nHost: EXAMPLE.com:8080\r\n\r\n'],
      ['ss', 'HEAD /x HTTP/1.0\r\nHost: a.b.example.org\r\n\r\n'],
      ['ss', 'GET /hello.txt HTTP/1.0\r\nHost: other.test\r\n\r\n'],
      ['bare', 'GET /z HTTP/1.0\r\n\r\n'],
      ['bare', 'GET /z HTTP/1.0\r\nHost: anything\r\n\r\n'],
    ];
    for (const [port, request] of cases) {
      const r = await sendBoth(servers, port, request);
      expect(r.ours, request).toEqual(r.perlbal);
    }
    const first = await sendBoth(servers, 'ss', cases[0]![1]);
    expect(first.ours[0]!.statusLine).toBe('HTTP/1.0 301 Permanent Redirect');
  });
});
