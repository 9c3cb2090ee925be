/**
 * Reading certificates back: what `cert show` prints, and the questions renewal asks
 * (expiring soon? missing a host the config now uses? issued by our authority? key matching?).
 */
import nodeCrypto from 'node:crypto';
import { PerlbalError } from '../../common/errors.js';
import { covers } from './host-names.js';
import { RENEW_BEFORE_DAYS } from './server-cert.js';
import { DAY_MS } from './x509-keys.js';

export interface CertSummary {
  subject: string;
  issuer: string;
  /** DNS names and IP addresses from subjectAltName, in certificate order. */
  names: string[];
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER, as colon-separated hex (what browsers show). */
  fingerprint256: string;
  /** SHA-1 thumbprint without colons: what Windows' certutil looks certificates up by. */
  thumbprint: string;
  ca: boolean;
}

/** subjectAltName text (`DNS:a, IP Address:1.2.3.4`) -> names. */
function altNames(cert: nodeCrypto.X509Certificate): string[] {
  const text = cert.subjectAltName ?? '';
  return text
    .split(/,\s*/)
    .map((part) => /^(?:DNS|IP Address):(.*)$/.exec(part)?.[1])
    .filter((n): n is string => n !== undefined)
    .map((n) => (n.includes(':') ? new URL(`http://[${n}]/`).hostname.slice(1, -1) : n));
}

export function summarise(cert: nodeCrypto.X509Certificate): CertSummary {
  return {
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    names: altNames(cert),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    fingerprint256: cert.fingerprint256,
    thumbprint: cert.fingerprint.replaceAll(':', ''),
    ca: cert.ca,
  };
}

/** Parse a PEM certificate read from `file`; PB_ERR_CERT_UNUSABLE names the file when it isn't one. */
export function parseCert(pem: string, file: string): nodeCrypto.X509Certificate {
  try {
    return new nodeCrypto.X509Certificate(pem);
  } catch (e) {
    throw new PerlbalError(
      'PB_ERR_CERT_UNUSABLE',
      `${file} is not a PEM certificate (${(e as Error).message})`,
      {
        file,
      },
    );
  }
}

/** True when `cert` was signed by `authority` (signature and issuer name both). */
export function issuedBy(
  cert: nodeCrypto.X509Certificate,
  authority: nodeCrypto.X509Certificate,
): boolean {
  return cert.checkIssued(authority) && cert.verify(authority.publicKey);
}

/** True when the PEM key is the private half of the certificate's key. */
export function keyMatches(cert: nodeCrypto.X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(nodeCrypto.createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** Needed names the certificate doesn't cover (a one-level wildcard covers its subdomains). */
export function missingNames(names: readonly string[], needed: readonly string[]): string[] {
  return needed.filter((host) => !names.some((san) => covers(san, host)));
}

export function daysLeft(cert: CertSummary, now = new Date()): number {
  return Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY_MS);
}

/**
 * Why a server certificate of ours should be issued again; empty when it is fine. The key
 * check comes from the caller, which knows whether key.pem exists.
 */
export function renewalReasons(
  cert: CertSummary,
  needed: readonly string[],
  keyOk: boolean,
  now = new Date(),
): string[] {
  const reasons: string[] = [];
  const left = daysLeft(cert, now);
  if (left < 0) reasons.push(`it expired on ${cert.notAfter.toISOString().slice(0, 10)}`);
  else if (left < RENEW_BEFORE_DAYS) reasons.push(`it expires in ${left} days`);
  const missing = missingNames(cert.names, needed);
  if (missing.length) reasons.push(`it doesn't cover ${missing.join(', ')}`);
  if (!keyOk) reasons.push("key.pem is missing or doesn't belong to cert.pem");
  return reasons;
}
