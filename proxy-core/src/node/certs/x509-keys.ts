/**
 * Key pairs, serial numbers and names for the local certificates, on Node's WebCrypto.
 *
 * Certificates are built with @peculiar/x509, the library selfsigned 5 itself uses, rather
 * than through selfsigned's generate(): generate() signs with a CA but cannot add the Subject
 * and Authority Key Identifier extensions, and without them OpenSSL's strict verification
 * (the default of Python 3.13's ssl.create_default_context) rejects the chain with "Missing
 * Authority Key Identifier". See docs/certificates.md.
 */
import nodeCrypto, { webcrypto } from 'node:crypto';
import os from 'node:os';
import type { JsonName } from '@peculiar/x509';
import { PerlbalError } from '../../common/errors.js';

export const crypto = webcrypto;
type CryptoKey = webcrypto.CryptoKey;

/** ECDSA P-256 with SHA-256: accepted everywhere (mkcert -ecdsa, Caddy), fast to generate. */
export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export type SigningAlgorithm = typeof EC_P256 | typeof RSA_SHA256;

export function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

/** PKCS#8 PEM (`BEGIN PRIVATE KEY`), what Node's tls and OpenSSL read. */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  return nodeCrypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
}

/** A CA key from PEM, ready to sign, with the algorithm its certificates are signed with. */
export async function importSigningKey(
  pem: string,
  file: string,
): Promise<{ key: CryptoKey; algorithm: SigningAlgorithm }> {
  let keyObject: nodeCrypto.KeyObject;
  try {
    keyObject = nodeCrypto.createPrivateKey(pem);
  } catch (e) {
    throw new PerlbalError(
      'PB_ERR_CERT_UNUSABLE',
      `${file} is not a private key: ${(e as Error).message}`,
      {
        file,
      },
    );
  }
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const type = keyObject.asymmetricKeyType;
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  if (type === 'ec' && curve === 'prime256v1') {
    const key = await crypto.subtle.importKey('pkcs8', der, EC_P256, false, ['sign']);
    return { key, algorithm: EC_P256 };
  }
  if (type === 'rsa') {
    const key = await crypto.subtle.importKey('pkcs8', der, RSA_SHA256, false, ['sign']);
    return { key, algorithm: RSA_SHA256 };
  }
  throw new PerlbalError(
    'PB_ERR_CERT_UNUSABLE',
    `${file} is a ${type ?? 'unknown'}${curve ? ` ${curve}` : ''} key; the authority's key must be ECDSA P-256 or RSA`,
    { file },
  );
}

/** 128 random bits, positive (RFC 5280 §4.1.2.2), never starting with a zero byte. */
export function randomSerial(): string {
  const bytes = nodeCrypto.randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** `user@host`, as mkcert puts it on its CA, so a keychain shows whose machine made it. */
export function ownerTag(): string {
  let user = 'user';
  try {
    user = os.userInfo().username || user;
  } catch {
    // No passwd entry (some containers): keep the generic name.
  }
  return `${user}@${os.hostname()}`;
}

/** A distinguished name as @peculiar/x509's JSON form, which needs no escaping of `,` or `=`. */
export function jsonName(entries: Array<[string, string]>): JsonName {
  return entries.map(([type, value]) => ({ [type]: [value] }));
}

export const DAY_MS = 24 * 60 * 60 * 1000;
