/**
 * `perlbal-desktop cert create|show|trust-help`: local HTTPS certificates in one step, and
 * what to run to trust them. The work is in proxy-core/src/node/certs; this file reads the
 * arguments and the config, and says what happened in words and commands a person can use.
 */
import fs from 'node:fs';
import nodeCrypto from 'node:crypto';
import path from 'node:path';
import {
  issuedBy,
  parseCert,
  keyMatches,
  missingNames,
  renewalReasons,
  summarise,
  daysLeft,
  type CertSummary,
} from '../src/node/certs/cert-inspect.js';
import {
  defaultCertDir,
  readIfExists,
  readRequest,
  storeFiles,
  type CertRequest,
  type StoreFiles,
} from '../src/node/certs/cert-store.js';
import { ensureCertificates } from '../src/node/certs/ensure-certs.js';
import { ALWAYS_COVERED, normaliseHosts, parseHostName } from '../src/node/certs/host-names.js';
import { hostsFromConfig } from '../src/node/certs/hosts-from-config.js';
import { checkTrust, type TrustReport } from '../src/node/certs/trust-check.js';
import {
  formatSections,
  sectionsForThisMachine,
  trustSections,
} from '../src/node/certs/trust-help.js';
import { ownerTag } from '../src/node/certs/x509-keys.js';
import { CERT_USAGE, commandUsage, parseCertArgs, type CertOptions } from './cert-args.js';
import { DEFAULT_CONFIG } from './perlbal.js';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const date = (d: Date): string => d.toISOString().slice(0, 10);

/** The names to cover, where each comes from, and the request to record in names.json. */
interface Wanted {
  hosts: string[];
  /** For `Names from:`: `file (VHOST ..., listen ...)`, `--hosts a,b`. */
  from: string[];
  notes: string[];
  /** Each name (normalised, as on a certificate) and where it comes from, for `show`. */
  sourceOf: Map<string, string>;
  request: CertRequest;
}

const RECORDED = ' (as recorded in names.json by cert create)';

/**
 * The request: --config and/or --hosts when given; else what the last `cert create` in the folder
 * was asked for (names.json), so `show` and a later `create` check the same names; else the
 * bundled config. A recorded config is read again, so a host added to it since is noticed.
 */
function wantedHosts(opts: CertOptions, dir: string): Wanted {
  const explicit = opts.config !== undefined || opts.hosts.length > 0;
  const recorded = explicit ? null : readRequest(storeFiles(dir).request);
  const request: CertRequest = recorded ?? {
    config: opts.config !== undefined || !explicit ? path.resolve(opts.config ?? DEFAULT_CONFIG) : null,
    hosts: opts.hosts,
  };
  const how = recorded ? RECORDED : '';
  const wanted: Wanted = { hosts: [], from: [], notes: [], sourceOf: new Map(), request };
  const add = (host: string, source: string): void => {
    wanted.hosts.push(host);
    const key = normalised(host);
    if (key !== null && !wanted.sourceOf.has(key)) wanted.sourceOf.set(key, source);
  };
  if (request.config !== null) {
    const file = request.config;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`Can't read the config ${file}${how}: ${(e as Error).message}`, { cause: e });
    }
    const found = hostsFromConfig(text, file);
    for (const h of found.hosts) add(h, `${found.sourceOf.get(h) ?? 'the config'} in ${file}`);
    wanted.from.push(`${file}${found.sources.length ? ` (${found.sources.join(', ')})` : ' (no VHOST or listen address names a host)'}`);
    wanted.notes.push(...found.notes);
    if (found.problems.length) {
      wanted.notes.push(`The config has errors; names were read from the rest. First: ${found.problems[0]}`);
    }
  }
  for (const h of request.hosts) add(h, `--hosts${how}`);
  if (request.hosts.length) wanted.from.push(`--hosts ${request.hosts.join(',')}`);
  if (recorded) wanted.from[wanted.from.length - 1] += RECORDED;
  return wanted;
}

/** The name as a certificate carries it, or null when it can't be on one (create says why). */
function normalised(host: string): string | null {
  try {
    return parseHostName(host).name;
  } catch {
    return null;
  }
}

function trustLine(report: TrustReport, dir: string): string {
  const where = report.stores.map((s) => s.detail).join('; ');
  if (report.trusted) return `yes (${where})`;
  const how = `see: perlbal-desktop cert trust-help --out ${JSON.stringify(dir)}`;
  return report.trusted === null ? `can't tell (${where}); ${how}` : `no (${where}); ${how}`;
}

function toolLines(report: TrustReport): string[] {
  return report.tools.map(
    (t) =>
      `${t.variable}=${t.file} ${t.trusted ? 'holds the authority' : "doesn't hold the authority"}`,
  );
}

async function create(opts: CertOptions, dir: string): Promise<number> {
  const wanted = wantedHosts(opts, dir);
  const r = await ensureCertificates({ dir, hosts: wanted.hosts, force: opts.force, request: wanted.request });
  const ca = summarise(new nodeCrypto.X509Certificate(fs.readFileSync(r.files.caCert)));
  out(`Certificate folder: ${dir}`);
  const caWhat = r.authority === 'reused' ? 'reused' : `${r.authority} (key ca-key.pem, mode 0600)`;
  out(`Authority:          ca.pem ${caWhat}, valid until ${date(ca.notAfter)}`);
  const why = r.reasons.length ? `: ${r.reasons.join('; ')}` : '';
  const serverWhat =
    r.server === 'kept'
      ? 'kept, it covers every name'
      : `${r.server}${why} (key key.pem, mode 0600)`;
  out(`Server certificate: cert.pem ${serverWhat}, valid until ${date(r.notAfter)}`);
  out(`Names:              ${r.names.join(', ')}`);
  if (wanted.from.length) out(`Names from:         ${wanted.from.join('; ')}`);
  if (r.carriedOver.length) out(`Kept from the previous certificate: ${r.carriedOver.join(', ')}`);
  printNotes([...wanted.notes, ...r.notes]);
  out();
  out('Use it in a service (Perlbal SSL settings):');
  out('  SET enable_ssl    = on');
  out(`  SET ssl_cert_file = ${r.files.cert}`);
  out(`  SET ssl_key_file  = ${r.files.key}`);
  const trust = await checkTrust(r.files.caCert, fs.readFileSync(r.files.caCert, 'utf8'));
  out();
  out(`Trusted by this machine: ${trustLine(trust, dir)}`);
  return 0;
}

function printNotes(notes: string[]): void {
  if (notes.length === 0) return;
  out('Notes:');
  for (const n of new Set(notes)) out(`  - ${n}`);
}

function modeOf(file: string): string {
  if (process.platform === 'win32') return '';
  return `, mode ${(fs.statSync(file).mode & 0o777).toString(8).padStart(4, '0')}`;
}

function printCert(title: string, c: CertSummary): void {
  out(title);
  out(`  Subject:  ${c.subject}`);
  out(`  Issuer:   ${c.issuer}`);
  if (c.names.length) out(`  Names:    ${c.names.join(', ')}`);
  out(`  Valid:    ${date(c.notBefore)} to ${date(c.notAfter)} (${daysLeft(c)} days left)`);
  out(`  SHA-256:  ${c.fingerprint256}`);
}

/** The server part of `show`: what to renew, or why it can't be renewed without --force. */
function showServer(files: StoreFiles, ca: nodeCrypto.X509Certificate, needed: string[], wanted: Wanted): string[] {
  const pem = readIfExists(files.cert);
  if (pem === null) return ['there is no cert.pem'];
  const cert = parseCert(pem, files.cert);
  const summary = summarise(cert);
  printCert(`Server certificate (${files.cert})`, summary);
  const ours = issuedBy(cert, ca);
  out(`  Issued by ca.pem: ${ours ? 'yes' : 'NO (create needs --force to replace it)'}`);
  const keyPem = readIfExists(files.key);
  const keyOk = keyPem !== null && keyMatches(cert, keyPem);
  out(
    `  Key:      key.pem ${keyPem === null ? 'is missing' : keyOk ? `matches${modeOf(files.key)}` : "doesn't match"}`,
  );
  const missing = missingNames(summary.names, needed).map(
    (n) => `${n} (${wanted.sourceOf.get(n) ?? 'always covered'})`,
  );
  out(`  Covers the names wanted: ${missing.length ? `no, missing ${missing.join(', ')}` : 'yes'}`);
  const reasons = renewalReasons(summary, needed, keyOk);
  return ours ? reasons : [...reasons, 'it was not issued by ca.pem'];
}

async function show(opts: CertOptions, dir: string): Promise<number> {
  const files = storeFiles(dir);
  const caPem = readIfExists(files.caCert);
  if (caPem === null) {
    process.stderr.write(
      `No certificate authority in ${dir}. Make one with: perlbal-desktop cert create --out ${JSON.stringify(dir)}\n`,
    );
    return 1;
  }
  const wanted = wantedHosts(opts, dir);
  const needed = normaliseHosts([...wanted.hosts, ...ALWAYS_COVERED]).hosts.map((h) => h.name);
  const ca = parseCert(caPem, files.caCert);
  out(`Certificate folder: ${dir}`);
  printCert(`Authority (${files.caCert})`, summarise(ca));
  const caKey = readIfExists(files.caKey);
  out(
    `  Key:      ca-key.pem ${caKey === null ? 'is missing' : keyMatches(ca, caKey) ? `matches${modeOf(files.caKey)}` : "doesn't match"}`,
  );
  const trust = await checkTrust(files.caCert, caPem);
  out(`  Trusted:  ${trustLine(trust, dir)}`);
  for (const line of toolLines(trust)) out(`            ${line}`);
  const reasons = showServer(files, ca, needed, wanted);
  if (wanted.from.length) out(`Names wanted from: ${wanted.from.join('; ')}`);
  printNotes(wanted.notes);
  if (reasons.length === 0) {
    out('Renewal: nothing to renew.');
    return 0;
  }
  out(
    `Renewal: needed, ${reasons.join('; ')}. Run: perlbal-desktop cert create --out ${JSON.stringify(dir)}`,
  );
  return 3;
}

function trustHelp(opts: CertOptions, dir: string): number {
  const files = storeFiles(dir);
  const caPem = readIfExists(files.caCert);
  const ca = caPem === null ? null : parseCert(caPem, files.caCert);
  const names = (() => {
    const pem = readIfExists(files.cert);
    return pem === null ? [] : summarise(parseCert(pem, files.cert)).names;
  })();
  const host =
    names.find((n) => !n.startsWith('*') && !n.includes(':') && !/^\d/.test(n)) ?? 'localhost';
  const sections = trustSections({
    caFile: files.caCert,
    caName: ca
      ? (/CN=([^\n]*)/.exec(ca.subject)?.[1] ?? 'Perlbal Desktop CA')
      : `Perlbal Desktop CA ${ownerTag()}`,
    thumbprint: ca ? ca.fingerprint.replaceAll(':', '') : '<SHA-1 thumbprint of ca.pem>',
    exampleUrl: `https://${host}:8443/`,
  });
  const ids =
    opts.platform === 'all'
      ? sections.map((s) => s.id)
      : opts.platform
        ? [opts.platform]
        : sectionsForThisMachine();
  const chosen = sections.filter((s) => ids.includes(s.id));
  if (chosen.length === 0) {
    process.stderr.write(
      `Unknown platform: ${opts.platform} (${sections.map((s) => s.id).join(', ')} or all)\n`,
    );
    return 2;
  }
  out(`Trusting the authority ${files.caCert}${ca ? ` (SHA-256 ${ca.fingerprint256})` : ''}`);
  if (!ca) out('(it does not exist yet: run `perlbal-desktop cert create` first)');
  out(
    'Its key, ca-key.pem, can sign a certificate for any site: keep it on this machine, never share it.',
  );
  out();
  out(formatSections(chosen));
  if (opts.platform !== 'all') {
    out();
    out('Other platforms: perlbal-desktop cert trust-help --platform all');
  }
  return 0;
}

/** Runs a cert command and returns the exit status. */
export async function certMain(argv: string[]): Promise<number> {
  const parsed = parseCertArgs(argv);
  const dirDefault = defaultCertDir();
  if ('error' in parsed) {
    process.stderr.write(
      `${parsed.error}\n${parsed.command ? commandUsage(parsed.command, dirDefault) : CERT_USAGE}`,
    );
    return 2;
  }
  if (parsed.command === null) {
    process.stdout.write(CERT_USAGE);
    return 0;
  }
  if (parsed.help) {
    process.stdout.write(commandUsage(parsed.command, dirDefault));
    return 0;
  }
  const dir = path.resolve(parsed.out ?? dirDefault);
  try {
    if (parsed.command === 'create') return await create(parsed, dir);
    if (parsed.command === 'show') return await show(parsed, dir);
    return trustHelp(parsed, dir);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
}
