/**
 * NotModified against the real Perlbal 1.80: a selector with host_pattern answers the same
 * 304 (no body, no Date) to any If-Modified-Since for matching hosts, and hands everything
 * else to its web_server the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { havePerlbal, sendBoth, startBoth } from './harness.js';

const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-notmod-'));
fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello world\n');
fs.utimesSync(
  path.join(docroot, 'hello.txt'),
  new Date('2020-01-01T00:00:00Z'),
  new Date('2020-01-01T00:00:00Z'),
);

const CONFIG = `
SERVER aio_mode = none
LOAD vhosts
LOAD NotModified
CREATE SERVICE ws
  SET role = web_server
  SET docroot = ${docroot}
ENABLE ws
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:{{port:ss}}
  SET persist_client = on
  SET plugins = notmodified, vhosts
  SET ss.notmodified.host_pattern = ^stat\\.
  VHOST * = ws
ENABLE ss
`;

describe.runIf(havePerlbal())('NotModified vs Perlbal 1.80', () => {
  it('answers the same 304s and passes the rest through', async () => {
    const servers = await startBoth(CONFIG, ['ss']);
    for (const request of [
      'GET /hello.txt HTTP/1.0\r\nHost: stat.example.com\r\nIf-Modified-Since: whenever\r\n\r\n',
      'GET /missing HTTP/1.1\r\nHost: stat.example.com\r\nIf-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n\r\n',
      'GET /hello.txt HTTP/1.0\r\nHost: stat.example.com\r\nConnection: keep-alive\r\nIf-Modified-Since: x\r\n\r\n',
      'GET /hello.txt HTTP/1.0\r\nHost: stat.example.com\r\n\r\n',
      'GET /hello.txt HTTP/1.0\r\nHost: www.example.com\r\nIf-Modified-Since: x\r\n\r\n',
    ]) {
      const r = await sendBoth(servers, 'ss', request);
      expect(r.ours, request).toEqual(r.perlbal);
    }
    const r = await sendBoth(
      servers,
      'ss',
      'GET / HTTP/1.0\r\nHost: stat.x\r\nIf-Modified-Since: x\r\n\r\n',
    );
    expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 304 Not Modified');
  });
});
