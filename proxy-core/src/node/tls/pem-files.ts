/**
 * Reading and checking one certificate and its private key (what IO::Socket::SSL does with
 * SSL_cert_file and SSL_key_file, but with a sentence per failure). Every error names the file
 * and the problem: missing, unreadable, not PEM, encrypted, expired, or not the key of the
 * certificate. A bad certificate is the most common way an HTTPS setup goes wrong, and
 * OpenSSL's own messages ("error:0480006C:PEM routines::no start line") name neither.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { PerlbalError } from '../../common/errors.js';

/** What went wrong with a file, for callers (and the UI) that branch on it. */
export type PemProblem =
  | 'missing'
  | 'unreadable'
  | 'not_a_file'
  | 'not_pem'
  | 'wrong_contents'
  | 'encrypted'
  | 'expired'
  | 'not_yet_valid'
  | 'mismatch';

/** A checked certificate chain and its key, ready for tls.createSecureContext. */
export interface KeyPair {
  keyFile: string;
  certFile: string;
  key: Buffer;
  /** The chain as read (leaf first), PEM. */
  cert: Buffer;
  leaf: crypto.X509Certificate;
  /** DNS names the leaf is for (subjectAltName, else the CN), lower-case. */
  names: string[];
}

const CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_RE = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

export function tlsFileError(
  file: string,
  problem: PemProblem,
  text: string,
  details: Record<string, unknown> = {},
): PerlbalError {
  return new PerlbalError('PB_ERR_TLS_CONFIG', `${file}: ${text}`, { file, problem, ...details });
}

/** Read a file, turning every failure into a sentence naming it. */
export function readTlsFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail(file, 'missing', `the ${what} file doesn't exist`, code);
    if (code === 'EISDIR')
      return fail(file, 'not_a_file', `the ${what} file is a directory, not a file`, code);
    if (code === 'EACCES' || code === 'EPERM')
      return fail(file, 'unreadable', `the ${what} file can't be read: permission denied`, code);
    return fail(
      file,
      'unreadable',
      `the ${what} file can't be read (${code ?? (e as Error).message})`,
      code,
    );
  }
}

function fail(file: string, problem: PemProblem, text: string, syscallCode?: string): never {
  throw tlsFileError(file, problem, text, syscallCode ? { syscallCode } : {});
}

/** The PEM blocks a file holds, by kind (a file may hold a key, certificates, or both). */
export function pemBlocks(data: Buffer): { key: string | null; certs: string[] } {
  const text = data.toString('latin1');
  return { key: KEY_RE.exec(text)?.[0] ?? null, certs: text.match(CERT_RE) ?? [] };
}

export function parseKey(file: string, pem: string | null, data: Buffer): crypto.KeyObject {
  if (pem === null) {
    if (pemBlocks(data).certs.length > 0)
      fail(
        file,
        'wrong_contents',
        'holds a certificate, not a private key (are ssl_key_file and ssl_cert_file swapped?)',
      );
    fail(file, 'not_pem', "isn't a PEM private key (no '-----BEGIN PRIVATE KEY-----' block)");
  }
  if (pem.includes('ENCRYPTED'))
    fail(
      file,
      'encrypted',
      'the private key is encrypted with a passphrase, which a server started unattended cannot supply; decrypt it with `openssl pkey -in key.pem -out key.pem`',
    );
  try {
    return crypto.createPrivateKey(pem);
  } catch (e) {
    return fail(file, 'not_pem', `the private key can't be parsed (${(e as Error).message})`);
  }
}

export function parseLeaf(file: string, certs: string[], data: Buffer): crypto.X509Certificate {
  if (certs.length === 0) {
    if (pemBlocks(data).key !== null)
      fail(
        file,
        'wrong_contents',
        'holds a private key, not a certificate (are ssl_key_file and ssl_cert_file swapped?)',
      );
    fail(file, 'not_pem', "isn't a PEM certificate (no '-----BEGIN CERTIFICATE-----' block)");
  }
  try {
    return new crypto.X509Certificate(certs[0]!);
  } catch (e) {
    return fail(file, 'not_pem', `the certificate can't be parsed (${(e as Error).message})`);
  }
}

/** The dates of a certificate: refuse one that has expired or is not valid yet. */
export function checkValidity(file: string, leaf: crypto.X509Certificate, now: Date): void {
  const from = new Date(leaf.validFrom);
  const to = new Date(leaf.validTo);
  const subject = subjectName(leaf);
  if (now > to)
    fail(
      file,
      'expired',
      `the certificate for ${subject} expired on ${to.toISOString()}; make a new one (perlbal-desktop cert, or openssl req -x509)`,
    );
  if (now < from)
    fail(
      file,
      'not_yet_valid',
      `the certificate for ${subject} is not valid until ${from.toISOString()} (is the clock right?)`,
    );
}

/** The names a leaf certificate serves: DNS subjectAltNames, else its CN (RFC 6125 §6.4.4). */
export function certNames(leaf: crypto.X509Certificate): string[] {
  const sans = (leaf.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase());
  if (sans.length > 0) return [...new Set(sans)];
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1];
  return cn ? [cn.toLowerCase()] : [];
}

export function subjectName(leaf: crypto.X509Certificate): string {
  return certNames(leaf)[0] ?? (leaf.subject.replace(/\n/g, ', ') || 'an unnamed subject');
}

/** Read, parse and cross-check a key file and a certificate file (they may be the same file). */
export function loadKeyPair(keyFile: string, certFile: string, now = new Date()): KeyPair {
  const keyData = readTlsFile(keyFile, 'key');
  const certData = certFile === keyFile ? keyData : readTlsFile(certFile, 'certificate');
  const key = parseKey(keyFile, pemBlocks(keyData).key, keyData);
  const certs = pemBlocks(certData).certs;
  const leaf = parseLeaf(certFile, certs, certData);
  checkValidity(certFile, leaf, now);
  if (!leaf.checkPrivateKey(key)) {
    throw new PerlbalError(
      'PB_ERR_TLS_CONFIG',
      `${keyFile}: the private key doesn't match the certificate in ${certFile} (for ${subjectName(leaf)}); they must come from the same openssl run`,
      { file: keyFile, certFile, problem: 'mismatch' satisfies PemProblem },
    );
  }
  return {
    keyFile,
    certFile,
    key: Buffer.from(pemBlocks(keyData).key!),
    cert: Buffer.from(certs.join('\n') + '\n'),
    leaf,
    names: certNames(leaf),
  };
}
