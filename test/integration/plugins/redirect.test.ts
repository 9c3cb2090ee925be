/**
 * Redirect at run time (Perlbal t/76-plugin-redirect.t): a Vhosts selector hands a request to
 * a web_server whose REDIRECT HOST rule answers 301 to the target host with the original path
 * and query, keeping the connection alive; wildcard and `*` rules; unmatched hosts are served.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { header, rawOne, RawConnection } from '../../helpers/raw-http.js';

async function setup(rules: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-redirect-'));
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello\n');
  const pb = await startCore(`
LOAD vhosts
LOAD redirect
CREATE SERVICE ws
  SET role = web_server
  SET docroot = ${dir}
  SET persist_client = on
  SET plugins = redirect
${rules}
ENABLE ws
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:0
  SET persist_client = on
  SET plugins = vhosts
  VHOST * = ws
ENABLE ss
`);
  return pb.port('ss');
}

const get = (uri: string, host?: string, conn = 'close'): string =>
  `GET ${uri} HTTP/1.1\r\n${host === undefined ? '' : `Host: ${host}\r\n`}Connection: ${conn}\r\n\r\n`;

describe('Redirect (t/76-plugin-redirect)', () => {
  it('answers 301 with the path and query, keeping the connection alive', async () => {
    const port = await setup('  REDIRECT HOST example.com example.net');
    const conn = await RawConnection.open(port);
    conn.write(get('/foo/bar.txt?a=b', 'example.com', 'keep-alive'));
    const res = await conn.read();
    expect(res.statusLine).toBe('HTTP/1.0 301 Permanent Redirect');
    expect(header(res, 'Location')).toBe('http://example.net/foo/bar.txt?a=b');
    expect(header(res, 'Content-Length')).toBe('0');
    expect(header(res, 'Connection')).toBe('keep-alive');
    conn.write(get('/hello.txt', 'other.com', 'keep-alive'));
    const served = await conn.read();
    expect(served.status).toBe(200);
    expect(served.body.toString()).toBe('hello\n');
    expect(conn.closed).toBe(false);
    conn.close();
  });

  it('matches case-insensitively without the port, then wildcards, then *', async () => {
    const port = await setup(
      '  REDIRECT HOST Example.COM www.example.net\n  REDIRECT HOST *.example.org org.example.net\n  REDIRECT HOST * fallback.example',
    );
    const where = async (host?: string) => header(await rawOne(port, get('/x', host)), 'Location');
    expect(await where('EXAMPLE.com:8080')).toBe('http://www.example.net/x');
    expect(await where('a.b.example.org')).toBe('http://org.example.net/x');
    expect(await where('example.org')).toBe('http://org.example.net/x');
    expect(await where('elsewhere.test')).toBe('http://fallback.example/x');
  });

  it('tries only * for a request without a Host', async () => {
    const withStar = await setup('  REDIRECT HOST * fallback.example');
    expect(header(await rawOne(withStar, 'GET /y HTTP/1.0\r\n\r\n'), 'Location')).toBe(
      'http://fallback.example/y',
    );
    const without = await setup('  REDIRECT HOST example.com example.net');
    expect((await rawOne(without, 'GET /hello.txt HTTP/1.0\r\n\r\n')).status).toBe(200);
  });
});
