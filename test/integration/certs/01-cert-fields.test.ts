/**
 * What `cert create` writes, read back with node:crypto and @peculiar/x509: an authority
 * (CA, path length 0, ten years) and a server certificate browsers accept from a local root
 * (SHA-256, not a CA, serverAuth, at most 825 days, every name as a SAN), keys mode 0600,
 * and a chain that passes OpenSSL's strict checks (Python 3.13's default).
 */
import { execFileSync } from 'node:child_process';
import nodeCrypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  X509Certificate as PeculiarCert,
} from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { ensureCertificates } from '../../../proxy-core/src/node/certs/ensure-certs.js';
import { tempDir } from './cert-helpers.js';

const DAY = 24 * 60 * 60 * 1000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

async function made() {
  const { certs } = tempDir();
  const r = await ensureCertificates({
    dir: certs,
    hosts: ['*.lj.localhost', 'lj.localhost', 'stat.lj.localhost'],
  });
  const read = (f: string) => fs.readFileSync(path.join(certs, f), 'utf8');
  return {
    certs,
    r,
    ca: new nodeCrypto.X509Certificate(read('ca.pem')),
    leaf: new nodeCrypto.X509Certificate(read('cert.pem')),
    read,
  };
}

describe('cert create: the files and their fields', () => {
  it('makes an authority: CA, path length 0, critical keyCertSign, ten years, SHA-256', async () => {
    const { ca, read } = await made();
    expect(ca.ca).toBe(true);
    expect(ca.checkIssued(ca)).toBe(true);
    const days = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / DAY;
    expect(days).toBe(3650);
    const p = new PeculiarCert(read('ca.pem'));
    const bc = p.getExtension(BasicConstraintsExtension)!;
    expect([bc.ca, bc.pathLength, bc.critical]).toEqual([true, 0, true]);
    const ku = p.getExtension(KeyUsagesExtension)!;
    expect(ku.critical).toBe(true);
    expect(ku.usages & KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(p.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(ca.subject).toMatch(/CN=Perlbal Desktop CA \S+@\S+/);
  });

  it('makes a server certificate browsers accept from a local root', async () => {
    const { ca, leaf, read } = await made();
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.keyUsage).toEqual([SERVER_AUTH]);
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY;
    expect(days).toBeLessThanOrEqual(825);
    expect(days).toBeLessThanOrEqual(398);
    expect(Date.parse(leaf.validFrom)).toBeLessThanOrEqual(Date.now());
    expect(leaf.subjectAltName).toBe(
      'DNS:*.lj.localhost, DNS:lj.localhost, DNS:stat.lj.localhost, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    const p = new PeculiarCert(read('cert.pem'));
    expect(p.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    const bc = p.getExtension(BasicConstraintsExtension)!;
    expect([bc.ca, bc.critical]).toEqual([false, true]);
    const ku = p.getExtension(KeyUsagesExtension)!;
    expect(ku.usages & KeyUsageFlags.digitalSignature).toBeTruthy();
    expect(ku.usages & KeyUsageFlags.keyCertSign).toBeFalsy();
    expect(leaf.checkPrivateKey(nodeCrypto.createPrivateKey(read('key.pem')))).toBe(true);
  });

  it('writes keys with mode 0600 in a 0700 folder, certificates readable', async () => {
    const { certs } = await made();
    const mode = (f: string) => fs.statSync(path.join(certs, f)).mode & 0o777;
    expect(mode('ca-key.pem')).toBe(0o600);
    expect(mode('key.pem')).toBe(0o600);
    expect(mode('ca.pem')).toBe(0o644);
    expect(mode('cert.pem')).toBe(0o644);
    expect(fs.statSync(certs).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(certs).sort()).toEqual(['ca-key.pem', 'ca.pem', 'cert.pem', 'key.pem']);
  });

  it('passes openssl verify -x509_strict (key identifiers present, as Python 3.13 requires)', async () => {
    const { certs } = await made();
    const out = execFileSync('openssl', [
      'verify',
      '-x509_strict',
      '-purpose',
      'sslserver',
      '-CAfile',
      path.join(certs, 'ca.pem'),
      path.join(certs, 'cert.pem'),
    ]).toString();
    expect(out).toContain(': OK');
  });
});
