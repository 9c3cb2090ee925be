/**
 * The TLS settings of a service with `enable_ssl` (Perlbal Service::enable's `sslopts`: key,
 * certificate, cipher list, CA path, verify mode, plus our `ssl_sni_dir`), and the secure
 * contexts built from them: one for the default certificate and one per SNI certificate.
 * A TlsMaterial is an immutable snapshot; a reload builds a new one and swaps it in whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import type { ServiceModel } from '../../common/config/model.js';
import { PerlbalError } from '../../common/errors.js';
import { loadKeyPair, pemBlocks, tlsFileError, type KeyPair } from './pem-files.js';
import { loadSniDir } from './sni-dir.js';

/** IO::Socket::SSL's SSL_verify_mode bits (OpenSSL SSL_VERIFY_*). */
export const VERIFY_PEER = 0x01;
export const VERIFY_FAIL_IF_NO_PEER_CERT = 0x02;

export interface TlsSettings {
  service: string;
  /** Absolute paths (relative ones are resolved against the config file's folder). */
  keyFile: string;
  certFile: string;
  cipherList: string;
  caPath: string | null;
  verifyMode: number;
  sniDir: string | null;
}

export function tlsSettingsOf(svc: ServiceModel, baseDir: string): TlsSettings {
  const t = svc.tunables;
  const file = (v: unknown): string => path.resolve(baseDir, String(v ?? ''));
  const dir = (v: unknown): string | null =>
    typeof v === 'string' && v !== '' ? path.resolve(baseDir, v) : null;
  return {
    service: svc.name,
    keyFile: file(t['ssl_key_file'] ?? 'certs/server-key.pem'),
    certFile: file(t['ssl_cert_file'] ?? 'certs/server-cert.pem'),
    cipherList: String(t['ssl_cipher_list'] ?? 'ALL:!LOW:!EXP'),
    caPath: dir(t['ssl_ca_path']),
    verifyMode: Number(t['ssl_verify_mode'] ?? 0) || 0,
    sniDir: dir(t['ssl_sni_dir']),
  };
}

export function sameSettings(a: TlsSettings, b: TlsSettings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface TlsMaterial {
  readonly defaultPair: KeyPair;
  readonly defaultContext: tls.SecureContext;
  /** SNI certificates, in folder order. */
  readonly sniPairs: readonly KeyPair[];
  /** Exact names and `*.domain` wildcards (stored as `.domain`) to contexts; first file wins. */
  readonly byName: ReadonlyMap<string, tls.SecureContext>;
  /** Every file read: what a watcher must watch. */
  readonly files: readonly string[];
  /** The CA certificates of ssl_ca_path (client certificates are checked against them). */
  readonly ca: Buffer[] | null;
}

/** Perlbal's ssl_ca_path is a directory (OpenSSL's hashed layout or plain PEM files). */
function readCaPath(dir: string): Buffer[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw tlsFileError(
      dir,
      code === 'ENOENT' ? 'missing' : 'unreadable',
      `the ssl_ca_path folder can't be read (${code})`,
      { syscallCode: code },
    );
  }
  const out: Buffer[] = [];
  for (const n of names) {
    const f = path.join(dir, n);
    if (n.startsWith('.') || fs.statSync(f, { throwIfNoEntry: false })?.isFile() !== true) continue;
    let certs: string[] = [];
    try {
      certs = pemBlocks(fs.readFileSync(f)).certs;
    } catch {
      continue; // a CA folder may hold other files (CRLs, READMEs); OpenSSL skips them too
    }
    out.push(...certs.map((c) => Buffer.from(c)));
  }
  return out;
}

/** What tls.createSecureContext (and tls.Server#setSecureContext) take for one certificate. */
export function contextOptions(
  pair: KeyPair,
  s: TlsSettings,
  ca: Buffer[] | null,
): tls.SecureContextOptions {
  return { key: pair.key, cert: pair.cert, ciphers: s.cipherList, ...(ca ? { ca } : {}) };
}

function contextFor(pair: KeyPair, s: TlsSettings, ca: Buffer[] | null): tls.SecureContext {
  try {
    return tls.createSecureContext(contextOptions(pair, s, ca));
  } catch (e) {
    const msg = (e as Error).message;
    if (/cipher/i.test(msg)) {
      throw new PerlbalError(
        'PB_ERR_TLS_CONFIG',
        `ssl_cipher_list '${s.cipherList}' can't be used: ${msg}`,
        {
          service: s.service,
          problem: 'bad_cipher_list',
        },
      );
    }
    throw new PerlbalError(
      'PB_ERR_TLS_CONFIG',
      `${pair.certFile}: OpenSSL refused the certificate and key: ${msg}`,
      {
        service: s.service,
        file: pair.certFile,
      },
    );
  }
}

/** Read and check every file the settings name; throws a PerlbalError naming the bad one. */
export function loadTlsMaterial(s: TlsSettings, now = new Date()): TlsMaterial {
  try {
    const defaultPair = loadKeyPair(s.keyFile, s.certFile, now);
    const ca = s.caPath ? readCaPath(s.caPath) : null;
    const defaultContext = contextFor(defaultPair, s, ca);
    const sniPairs = s.sniDir ? loadSniDir(s.sniDir, now) : [];
    const byName = new Map<string, tls.SecureContext>();
    for (const pair of sniPairs) {
      const ctx = contextFor(pair, s, ca);
      for (const name of pair.names) {
        const keyName = name.startsWith('*.') ? name.slice(1) : name;
        if (!byName.has(keyName)) byName.set(keyName, ctx);
      }
    }
    const files = [s.keyFile, s.certFile, ...sniPairs.flatMap((p) => [p.keyFile, p.certFile])];
    return { defaultPair, defaultContext, sniPairs, byName, files: [...new Set(files)], ca };
  } catch (e) {
    if (e instanceof PerlbalError) {
      // Say whose files these are: a config may have several TLS services.
      e.message = `Service '${s.service}': ${e.message}`;
      Object.assign(e.details ?? {}, { service: s.service });
    }
    throw e;
  }
}

/** The context for a name the client asked for: exact name, then `*.parent`, else the default. */
export function contextForName(m: TlsMaterial, servername: string | undefined): tls.SecureContext {
  if (!servername || m.byName.size === 0) return m.defaultContext;
  const name = servername.toLowerCase().replace(/\.$/, '');
  const exact = m.byName.get(name);
  if (exact) return exact;
  const dot = name.indexOf('.');
  return (dot > 0 ? m.byName.get(name.slice(dot)) : undefined) ?? m.defaultContext;
}
