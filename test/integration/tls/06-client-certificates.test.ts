/**
 * ssl_verify_mode and ssl_ca_path (IO::Socket::SSL SSL_verify_mode / SSL_ca_path): 1 asks for
 * a client certificate and refuses one the CAs did not sign; 3 also refuses clients that send
 * none. Refused clients are closed before any request is read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { makeCa, makeLeaf, tempDir, tlsConnect, writePair, type Pem } from './tls-fixtures.js';

async function setup(mode: number): Promise<{ port: number; ca: Pem }> {
  const dir = tempDir();
  const ca = await makeCa();
  const { keyFile, certFile } = writePair(dir, 'server', await makeLeaf(ca, ['localhost']));
  const cas = path.join(dir, 'cas');
  fs.mkdirSync(cas);
  fs.writeFileSync(path.join(cas, 'ca.pem'), ca.cert);
  fs.mkdirSync(path.join(dir, 'docroot'));
  fs.writeFileSync(path.join(dir, 'docroot', 'x.txt'), 'x\n');
  const pb = await startCore(
    `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:0\n  SET docroot = ${dir}/docroot\n` +
      `  SET enable_ssl = on\n  SET ssl_key_file = ${keyFile}\n  SET ssl_cert_file = ${certFile}\n  SET ssl_ca_path = ${cas}\n  SET ssl_verify_mode = ${mode}\nENABLE web\n`,
  );
  return { port: pb.port('web'), ca };
}

/** Status of GET /x.txt, or 'closed' when the server hung up without answering. */
async function get(port: number, ca: string, client?: Pem): Promise<number | 'closed'> {
  const c = await tlsConnect(
    port,
    ca,
    'localhost',
    client ? { key: client.key, cert: client.cert } : {},
  );
  c.conn.write('GET /x.txt HTTP/1.0\r\n\r\n');
  try {
    return (await c.conn.read(3000)).status;
  } catch {
    return 'closed';
  }
}

describe('client certificates', () => {
  it('ssl_verify_mode = 1: no certificate is fine, a foreign one is refused', async () => {
    const s = await setup(1);
    expect(await get(s.port, s.ca.cert)).toBe(200);
    expect(await get(s.port, s.ca.cert, await makeLeaf(s.ca, ['client']))).toBe(200);
    expect(await get(s.port, s.ca.cert, await makeLeaf(await makeCa(), ['intruder']))).toBe(
      'closed',
    );
  });

  it('ssl_verify_mode = 3: a certificate is required', async () => {
    const s = await setup(3);
    expect(await get(s.port, s.ca.cert)).toBe('closed');
    expect(await get(s.port, s.ca.cert, await makeLeaf(s.ca, ['client']))).toBe(200);
  });
});
