/**
 * enable_ssl on every role Perlbal allows it on (spec §4: check_role '*'): a web_server, a
 * reverse_proxy, a selector handing off to a plain web_server, and the management port, each
 * answering over TLS with a certificate the client verifies; and curl --cacert against it.
 */
import { execFile } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';
import { header } from '../../helpers/raw-http.js';
import { makeCa, makeLeaf, tempDir, tlsConnect, writePair, type Pem } from './tls-fixtures.js';

const haveCurl = spawnSync('which', ['curl']).status === 0;

async function setup(): Promise<{
  dir: string;
  ca: Pem;
  key: string;
  cert: string;
  docroot: string;
}> {
  const dir = tempDir();
  const ca = await makeCa();
  const { keyFile, certFile } = writePair(dir, 'server', await makeLeaf(ca, ['localhost']));
  const docroot = path.join(dir, 'docroot');
  fs.mkdirSync(docroot);
  fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello over tls\n');
  return { dir, ca, key: keyFile, cert: certFile, docroot };
}

const ssl = (key: string, cert: string): string =>
  `  SET enable_ssl = on\n  SET ssl_key_file = ${key}\n  SET ssl_cert_file = ${cert}\n`;

describe('enable_ssl on every role', () => {
  it('web_server', async () => {
    const s = await setup();
    const pb = await startCore(
      `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:0\n  SET docroot = ${s.docroot}\n  SET persist_client = on\n${ssl(s.key, s.cert)}ENABLE web\n`,
    );
    expect(pb.core.listening().find((l) => l.service === 'web')?.tls).toBe(true);
    const c = await tlsConnect(pb.port('web'), s.ca.cert, 'localhost');
    expect(c.authorized).toBe(true);
    for (let i = 0; i < 2; i++) {
      c.conn.write('GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const res = await c.conn.read();
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('hello over tls\n');
    }
    expect(c.conn.closed).toBe(false);
  });

  it('reverse_proxy', async () => {
    const s = await setup();
    const backend = await startBackend();
    backend.handle(() => ({
      status: 200,
      body: 'from the backend\n',
      headers: [['Content-Type', 'text/plain']],
    }));
    const pb = await startCore(
      `CREATE POOL p\n  POOL p ADD ${backend.hostport}\nCREATE SERVICE rp\n  SET role = reverse_proxy\n  SET listen = 127.0.0.1:0\n  SET pool = p\n${ssl(s.key, s.cert)}ENABLE rp\n`,
    );
    const c = await tlsConnect(pb.port('rp'), s.ca.cert, 'localhost');
    c.conn.write('GET /x HTTP/1.0\r\nHost: localhost\r\n\r\n');
    const res = await c.conn.read();
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('from the backend\n');
    expect(backend.requests.some((r) => r.uri === '/x')).toBe(true);
  });

  it('selector handing off to a plain web_server', async () => {
    const s = await setup();
    const pb = await startCore(
      `LOAD vhosts\nCREATE SERVICE web\n  SET role = web_server\n  SET docroot = ${s.docroot}\nENABLE web\n` +
        `CREATE SERVICE ss\n  SET role = selector\n  SET listen = 127.0.0.1:0\n  SET plugins = vhosts\n  VHOST localhost = web\n${ssl(s.key, s.cert)}ENABLE ss\n`,
    );
    const c = await tlsConnect(pb.port('ss'), s.ca.cert, 'localhost');
    c.conn.write('GET /hello.txt HTTP/1.0\r\nHost: localhost\r\n\r\n');
    const res = await c.conn.read();
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello over tls\n');
  });

  it('management: the command line and the HTML pages', async () => {
    const s = await setup();
    const pb = await startCore(
      `CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:0\n${ssl(s.key, s.cert)}ENABLE mgmt\n`,
    );
    const c = await tlsConnect(pb.port('mgmt'), s.ca.cert, 'localhost');
    c.socket.write('show service\r\n');
    const text = await new Promise<string>((resolve) => {
      let got = '';
      c.socket.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.includes('\r\n.\r\n')) resolve(got);
      });
    });
    expect(text).toMatch(/^mgmt\s+127\.0\.0\.1:0 ENABLED/m);
    const h = await tlsConnect(pb.port('mgmt'), s.ca.cert, 'localhost');
    h.conn.write('GET / HTTP/1.0\r\n\r\n');
    const res = await h.conn.read();
    expect(res.status).toBe(200);
    expect(header(res, 'Content-Type')).toMatch(/html/);
  });

  it('twenty handshakes at once all complete', async () => {
    const s = await setup();
    const pb = await startCore(
      `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:0\n  SET docroot = ${s.docroot}\n${ssl(s.key, s.cert)}ENABLE web\n`,
    );
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const c = await tlsConnect(pb.port('web'), s.ca.cert, 'localhost');
        c.conn.write('GET /hello.txt HTTP/1.0\r\n\r\n');
        return (await c.conn.read()).status;
      }),
    );
    expect(statuses).toEqual(Array(20).fill(200));
  });

  it.runIf(haveCurl)('curl --cacert trusts it', async () => {
    const s = await setup();
    const caFile = path.join(s.dir, 'ca.pem');
    fs.writeFileSync(caFile, s.ca.cert);
    const pb = await startCore(
      `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:0\n  SET docroot = ${s.docroot}\n${ssl(s.key, s.cert)}ENABLE web\n`,
    );
    const port = pb.port('web');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'curl',
        [
          '-sS',
          '--cacert',
          caFile,
          '--resolve',
          `localhost:${port}:127.0.0.1`,
          `https://localhost:${port}/hello.txt`,
        ],
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(out).toBe('hello over tls\n');
  });
});
