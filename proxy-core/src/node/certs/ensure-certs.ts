/**
 * "Local certificates in one step": make the authority if there is none, then make, renew or
 * keep the server certificate. Everything is decided before anything is written, so a
 * refusal (a file that isn't ours, without --force) leaves the folder as it was.
 */
import nodeCrypto from 'node:crypto';
import { PerlbalError } from '../../common/errors.js';
import { createAuthority, loadAuthority, type Authority } from './authority.js';
import {
  issuedBy,
  keyMatches,
  renewalReasons,
  summarise,
  type CertSummary,
} from './cert-inspect.js';
import {
  ensureDir,
  readIfExists,
  storeFiles,
  writeCert,
  writeKey,
  writeRequest,
  type CertRequest,
  type StoreFiles,
} from './cert-store.js';
import { ALWAYS_COVERED, normaliseHosts, parseHostName, type HostName } from './host-names.js';
import { issueServerCert } from './server-cert.js';

export interface EnsureOptions {
  dir: string;
  /** Names to cover (from the config and/or --hosts); localhost and the loopback IPs are added. */
  hosts: readonly string[];
  /** Replace the authority and the server certificate, whatever is there. */
  force?: boolean;
  now?: Date;
  /** Where `hosts` came from, recorded in names.json once the certificates are in place. */
  request?: CertRequest;
}

export interface EnsureResult {
  files: StoreFiles;
  authority: 'created' | 'replaced' | 'reused';
  server: 'created' | 'renewed' | 'replaced' | 'kept';
  /** Why the server certificate was renewed. */
  reasons: string[];
  /** The names on the server certificate now. */
  names: string[];
  /** Names carried over from the previous certificate that nobody asked for this time. */
  carriedOver: string[];
  notAfter: Date;
  /** Names left out, and why. */
  notes: string[];
}

function conflict(file: string, why: string, what: string): PerlbalError {
  return new PerlbalError(
    'PB_ERR_CERT_EXISTS',
    `${why}. Nothing was changed. Run again with --force to replace ${what}.`,
    { file },
  );
}

/** The authority to sign with: the one in the folder, or a new one when there is none. */
async function planAuthority(
  files: StoreFiles,
  force: boolean,
  now: Date,
): Promise<{ authority: Authority; state: EnsureResult['authority'] }> {
  const cert = readIfExists(files.caCert);
  const key = readIfExists(files.caKey);
  if (cert === null && key === null) return { authority: await fresh(now), state: 'created' };
  if (force) return { authority: await fresh(now), state: 'replaced' };
  const again = 'the authority (browsers that trust the old one will have to trust the new one)';
  if (cert === null)
    throw conflict(files.caKey, `${files.caKey} is there but ${files.caCert} is not`, again);
  if (key === null)
    throw conflict(files.caCert, `${files.caCert} is there but ${files.caKey} is not`, again);
  try {
    return {
      authority: loadAuthority({ certPem: cert, keyPem: key }, files.caCert, now),
      state: 'reused',
    };
  } catch (e) {
    throw conflict(files.caCert, (e as Error).message, again);
  }
}

async function fresh(now: Date): Promise<Authority> {
  const pem = await createAuthority(now);
  return { ...pem, cert: new nodeCrypto.X509Certificate(pem.certPem) };
}

/** The old server certificate, when it is ours; a conflict when it is someone else's. */
function existingServer(
  files: StoreFiles,
  authority: Authority,
): { cert: nodeCrypto.X509Certificate; summary: CertSummary } | null {
  const certPem = readIfExists(files.cert);
  if (certPem === null) {
    if (readIfExists(files.key) !== null) {
      throw conflict(files.key, `${files.key} is there without ${files.cert}`, 'it');
    }
    return null;
  }
  let cert: nodeCrypto.X509Certificate;
  try {
    cert = new nodeCrypto.X509Certificate(certPem);
  } catch {
    throw conflict(files.cert, `${files.cert} is not a PEM certificate`, 'it');
  }
  if (!issuedBy(cert, authority.cert)) {
    throw conflict(files.cert, `${files.cert} was not issued by ${files.caCert}`, 'it');
  }
  return { cert, summary: summarise(cert) };
}

function hostNames(inputs: readonly string[]): { hosts: HostName[]; notes: string[] } {
  const { hosts, notes } = normaliseHosts([...inputs, ...ALWAYS_COVERED]);
  // DNS names first: the first one becomes the CN, and people read names before addresses.
  return {
    hosts: [...hosts.filter((h) => h.kind === 'dns'), ...hosts.filter((h) => h.kind === 'ip')],
    notes,
  };
}

export async function ensureCertificates(opts: EnsureOptions): Promise<EnsureResult> {
  const now = opts.now ?? new Date();
  const force = opts.force ?? false;
  const files = storeFiles(opts.dir);
  const wanted = hostNames(opts.hosts);
  const { authority, state } = await planAuthority(files, force, now);
  // With --force everything is replaced; otherwise a server certificate must be ours to renew
  // (with a new authority, any certificate already there is someone else's).
  const old = force ? null : existingServer(files, authority);
  const neededNames = wanted.hosts.map((h) => h.name);
  let server: EnsureResult['server'] = old
    ? 'kept'
    : readIfExists(files.cert) !== null
      ? 'replaced'
      : 'created';
  let reasons: string[] = [];
  let carriedOver: string[] = [];
  let hosts = wanted.hosts;
  if (old) {
    const keyPem = readIfExists(files.key);
    const keyOk = keyPem !== null && keyMatches(old.cert, keyPem);
    reasons = renewalReasons(old.summary, neededNames, keyOk, now);
    if (reasons.length) {
      server = 'renewed';
      // Renewal never takes a name away: a name someone added with --hosts stays.
      carriedOver = old.summary.names.filter((n) => !neededNames.includes(n) && isValidName(n));
      hosts = hostNames([...neededNames, ...carriedOver]).hosts;
    }
  }

  ensureDir(files.dir);
  if (state !== 'reused') {
    writeKey(files.caKey, authority.keyPem);
    writeCert(files.caCert, authority.certPem);
  }
  let summary = old?.summary;
  if (server !== 'kept') {
    const issued = await issueServerCert(authority, hosts, now);
    writeKey(files.key, issued.keyPem);
    writeCert(files.cert, issued.certPem);
    summary = summarise(new nodeCrypto.X509Certificate(issued.certPem));
  }
  if (opts.request) writeRequest(files.request, opts.request);
  return {
    files,
    authority: state,
    server,
    reasons,
    names: summary!.names,
    carriedOver,
    notAfter: summary!.notAfter,
    notes: wanted.notes,
  };
}

function isValidName(name: string): boolean {
  try {
    parseHostName(name);
    return true;
  } catch {
    return false;
  }
}
