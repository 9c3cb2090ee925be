/**
 * Certificates made at test time (selfsigned 5, EC P-256, SHA-256) in a temp folder removed
 * after the test: a test CA, leaves for given names (expired or not-yet-valid on request), and
 * a TLS client that reports which certificate the server presented.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { onTestFinished } from 'vitest';
import { RawConnection } from '../../helpers/raw-http.js';

export interface Pem {
  key: string;
  cert: string;
}

export async function makeCa(): Promise<Pem> {
  const r = await generate([{ name: 'commonName', value: 'Perlbal Desktop test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      {
        name: 'keyUsage',
        keyCertSign: true,
        cRLSign: true,
        digitalSignature: true,
        critical: true,
      },
    ],
  });
  return { key: r.private, cert: r.cert };
}

/** A leaf for `names` (the first is the CN), signed by `ca`, valid for a day unless told. */
export async function makeLeaf(
  ca: Pem,
  names: string[],
  dates: { notBeforeDate?: Date; notAfterDate?: Date } = {},
): Promise<Pem> {
  const r = await generate([{ name: 'commonName', value: names[0]! }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca,
    notBeforeDate: dates.notBeforeDate ?? new Date(Date.now() - 3600_000),
    notAfterDate: dates.notAfterDate ?? new Date(Date.now() + 86400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.map((value) => ({ type: 2 as const, value })),
          { type: 7 as const, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: r.private, cert: r.cert };
}

/** A temp folder for one test's files. */
export function tempDir(prefix = 'pbd-tls-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Write a pair as `<base>-key.pem` and `<base>-cert.pem` (Perlbal's names); returns the paths. */
export function writePair(
  dir: string,
  base: string,
  pem: Pem,
): { keyFile: string; certFile: string } {
  const keyFile = path.join(dir, `${base}-key.pem`);
  const certFile = path.join(dir, `${base}-cert.pem`);
  fs.writeFileSync(keyFile, pem.key);
  fs.writeFileSync(certFile, `${pem.cert}\n`);
  return { keyFile, certFile };
}

/** Replace a file the way certificate tools do: write aside, then rename over it. */
export function replaceFile(file: string, data: string): void {
  fs.writeFileSync(`${file}.tmp`, data);
  fs.renameSync(`${file}.tmp`, file);
}

export interface TlsClient {
  conn: RawConnection;
  socket: tls.TLSSocket;
  /** The certificate the server presented (Node 20 hands it out once per socket: read it here). */
  peer: crypto.X509Certificate | undefined;
  /** Its DNS names. */
  peerNames: string[];
  authorized: boolean;
}

/** Connect with SNI `servername` (none when undefined), trusting `ca`. */
export async function tlsConnect(
  port: number,
  ca: string,
  servername?: string,
  extra: tls.ConnectionOptions = {},
): Promise<TlsClient> {
  const socket = tls.connect({
    port,
    host: '127.0.0.1',
    ca,
    rejectUnauthorized: false,
    ...(servername ? { servername } : {}),
    ...extra,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const peer = socket.getPeerX509Certificate();
  onTestFinished(() => {
    socket.destroy();
  });
  return {
    conn: RawConnection.wrap(socket),
    socket,
    peer,
    peerNames: peer ? sanNames(peer) : [],
    authorized: socket.authorized,
  };
}

export function sanNames(x: crypto.X509Certificate): string[] {
  return (x.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
}

/** Poll (bounded) until `pred` holds. */
export async function until(
  pred: () => boolean | Promise<boolean>,
  ms = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
