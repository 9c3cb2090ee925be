/**
 * A web_server with enable_ssl (spec 9.8): the same responses over TLS, small files in one
 * write, large ones streamed, keep-alive on the TLS connection.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { parseResponses } from '../../helpers/raw-http.js';
import { makeDocroot, webConf } from '../../fixtures/docroot/build.js';

/** Send `data` over TLS and read until the server closes. */
async function tlsRaw(port: number, data: string): Promise<Buffer> {
  const sock = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    sock.once('secureConnect', () => sock.write(data));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.once('end', () => resolve());
    sock.once('error', reject);
  });
  sock.destroy();
  return Buffer.concat(chunks);
}

describe('web_server over TLS', () => {
  it('serves small and large files, several per connection', async () => {
    const d = makeDocroot();
    const key = path.join(d.base, 'key.pem');
    const cert = path.join(d.base, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      {
        stdio: 'ignore',
      },
    );
    const big = crypto.randomBytes(5 * 1024 * 1024 + 3);
    d.write('big.bin', big);
    const pb = await startCore(
      webConf(d.docroot, [
        'persist_client = on',
        'enable_ssl = on',
        `ssl_key_file = ${key}`,
        `ssl_cert_file = ${cert}`,
      ]),
    );
    const bytes = await tlsRaw(
      pb.port('web'),
      'GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n' +
        'GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=1-\r\n\r\n' +
        'GET /sub/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const res = parseResponses(bytes);
    expect(res.map((r) => r.status)).toEqual([200, 206, 200]);
    expect(res[0]!.body.toString()).toBe('hello world\n');
    expect(res[1]!.body.equals(big.subarray(1))).toBe(true);
    expect(res[2]!.body.toString()).toBe('<html>index</html>\n');
  });
});
