/**
 * The generated certificate in use: our web_server with enable_ssl serves it, and clients
 * that trust only ca.pem (Node's tls, curl --cacert) accept every name on it and refuse a
 * name that isn't, including a name two levels under a wildcard. curl reaches it by each DNS
 * name, by 127.0.0.1 and on the IPv6 loopback by ::1.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { ensureCertificates } from '../../../proxy-core/src/node/certs/ensure-certs.js';
import { startCore } from '../../helpers/start-core.js';
import { tempDir } from './cert-helpers.js';

interface Served {
  port: number;
  ca: string;
  caFile: string;
}

async function serveGenerated(): Promise<Served> {
  const { base, certs } = tempDir();
  await ensureCertificates({
    dir: certs,
    hosts: ['*.lj.localhost', 'lj.localhost', 'stat.lj.localhost'],
  });
  const docroot = path.join(base, 'docroot');
  fs.mkdirSync(docroot);
  fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello over TLS\n');
  const pb = await startCore(
    [
      'CREATE SERVICE web',
      '  SET role = web_server',
      '  SET listen = 127.0.0.1:0',
      `  SET docroot = ${docroot}`,
      '  SET enable_ssl = on',
      `  SET ssl_cert_file = ${path.join(certs, 'cert.pem')}`,
      `  SET ssl_key_file = ${path.join(certs, 'key.pem')}`,
      'ENABLE web',
      '',
    ].join('\n'),
  );
  const caFile = path.join(certs, 'ca.pem');
  return { port: pb.port('web'), ca: fs.readFileSync(caFile, 'utf8'), caFile };
}

/** Connect trusting only `ca`, checking the certificate against `name`; resolves with the error or null. */
function handshake(
  s: Served,
  name: string,
  ca: string[] | undefined = [s.ca],
): Promise<Error | null> {
  return new Promise((resolve) => {
    const sock = tls.connect({
      host: '127.0.0.1',
      port: s.port,
      ...(ca ? { ca } : {}),
      // SNI takes DNS names only; IPs are checked against the IP SANs.
      ...(/^[\d.:]+$/.test(name) ? {} : { servername: name }),
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
    });
    sock.once('secureConnect', () => {
      sock.destroy();
      resolve(null);
    });
    sock.once('error', (e) => {
      sock.destroy();
      resolve(e);
    });
  });
}

let s: Served;
beforeEach(async () => {
  s = await serveGenerated();
});

describe('a generated certificate served by enable_ssl', () => {
  it.each([
    'stat.lj.localhost',
    'www.lj.localhost',
    'lj.localhost',
    'localhost',
    '127.0.0.1',
    '::1',
  ])('Node tls trusting only ca.pem accepts %s', async (name) => {
    expect(await handshake(s, name)).toBeNull();
  });

  it('refuses a name not on it, and a name two levels under the wildcard', async () => {
    const other = await handshake(s, 'www.example.com');
    expect((other as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const deep = await handshake(s, 'a.b.lj.localhost');
    expect((deep as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('is refused by a client that does not trust the authority', async () => {
    const err = await handshake(s, 'stat.lj.localhost', tls.rootCertificates.slice());
    expect((err as NodeJS.ErrnoException).code).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/,
    );
  });
});

/**
 * A port on [::1] whose connections reach `port` on 127.0.0.1 byte for byte, so the TLS service
 * (Perlbal's `listen` takes IPv4 addresses only) answers on the IPv6 loopback with its own
 * handshake. Null when ::1 can't be bound (no IPv6 loopback).
 */
async function onV6Loopback(port: number): Promise<number | null> {
  const open = new Set<net.Socket>();
  const relay = net.createServer((inbound) => {
    const outbound = net.connect(port, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    for (const sock of [inbound, outbound]) {
      open.add(sock);
      sock.on('close', () => open.delete(sock));
      sock.on('error', () => (inbound.destroy(), outbound.destroy()));
    }
  });
  const bound = await new Promise<boolean>((resolve) => {
    relay.once('error', () => resolve(false));
    relay.listen(0, '::1', () => resolve(true));
  });
  if (!bound) return null;
  onTestFinished(() => {
    for (const sock of open) sock.destroy();
    return new Promise<void>((r) => relay.close(() => r()));
  });
  return (relay.address() as net.AddressInfo).port;
}

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', ...args], (err, stdout, stderr) => {
      const code = err ? Number((err as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('curl --cacert ca.pem (curl is installed on the test machines)', () => {
  it.each(['stat.lj.localhost', 'www.lj.localhost', 'lj.localhost', 'localhost'])(
    'fetches https://%s/',
    async (name) => {
      const r = await curl([
        '--cacert',
        s.caFile,
        '--resolve',
        `${name}:${s.port}:127.0.0.1`,
        `https://${name}:${s.port}/hello.txt`,
      ]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('hello over TLS\n');
    },
  );

  it('fetches https://127.0.0.1/ by its IP SAN', async () => {
    const r = await curl(['--cacert', s.caFile, `https://127.0.0.1:${s.port}/hello.txt`]);
    expect(r.stdout).toBe('hello over TLS\n');
  });

  it('fetches https://[::1]/ by its IP SAN, listening on the IPv6 loopback', async (ctx) => {
    const v6 = await onV6Loopback(s.port);
    if (v6 === null) return ctx.skip('this machine has no IPv6 loopback');
    const r = await curl(['-g', '--cacert', s.caFile, `https://[::1]:${v6}/hello.txt`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello over TLS\n');
  });

  it('refuses a host not on the certificate and one two levels under the wildcard (exit 60)', async () => {
    for (const name of ['www.example.com', 'a.b.lj.localhost']) {
      const r = await curl([
        '--cacert',
        s.caFile,
        '--resolve',
        `${name}:${s.port}:127.0.0.1`,
        `https://${name}:${s.port}/hello.txt`,
      ]);
      expect(r.code).toBe(60);
      expect(r.stdout).toBe('');
    }
  });
});
