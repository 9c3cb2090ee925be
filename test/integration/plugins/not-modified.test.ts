/**
 * NotModified at run time (Perlbal::Plugin::NotModified): with host_pattern set, a request to
 * a matching Host that carries any If-Modified-Since gets `304 Not Modified` from the
 * selector itself; other hosts, requests without the header, and services where the pattern
 * was never set go on as usual. The pattern can be changed from the management port.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { header, rawOne } from '../../helpers/raw-http.js';

async function setup(pattern: string | null) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-notmod-'));
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello\n');
  const pb = await startCore(`
LOAD vhosts
LOAD NotModified
CREATE SERVICE ws
  SET role = web_server
  SET docroot = ${dir}
ENABLE ws
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = notmodified, vhosts
  ${pattern === null ? '' : `SET ss.notmodified.host_pattern = ${pattern}`}
  VHOST * = ws
ENABLE ss
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  return { pb, port: pb.port('ss') };
}

const get = (host: string, ims?: string): string =>
  `GET /hello.txt HTTP/1.0\r\nHost: ${host}\r\n${ims === undefined ? '' : `If-Modified-Since: ${ims}\r\n`}\r\n`;

describe('NotModified', () => {
  it('answers 304 to any If-Modified-Since for a matching host', async () => {
    const { port } = await setup('^stat\\.');
    const res = await rawOne(port, get('stat.example.com', 'not even a date'));
    expect(res.statusLine).toBe('HTTP/1.0 304 Not Modified');
    expect(res.body.length).toBe(0);
    expect(header(res, 'Date')).toBeUndefined();
    expect(header(res, 'Server')).toBe('Perlbal');
  });

  it('lets other hosts and requests without If-Modified-Since through', async () => {
    const { port } = await setup('^stat\\.');
    expect(
      (await rawOne(port, get('www.example.com', 'Sat, 01 Jan 2000 00:00:00 GMT'))).status,
    ).toBe(200);
    expect((await rawOne(port, get('stat.example.com'))).status).toBe(200);
  });

  it('does nothing until the pattern is set, and follows it from the management port', async () => {
    const { pb, port } = await setup(null);
    expect((await rawOne(port, get('stat.example.com', 'x'))).status).toBe(200);
    const m = await pb.manage();
    m.send('SET ss.notmodified.host_pattern = (?i)^STAT\\.\r\n');
    await m.drain();
    expect((await rawOne(port, get('stat.example.com', 'x'))).status).toBe(304);
  });
});
