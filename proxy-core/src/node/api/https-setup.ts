/**
 * "HTTPS in one click" for the core API: getHttpsStatus reads the certificate folder, the
 * running config and this machine's trust stores; enableHttps makes (or reuses) the local
 * authority and a certificate for every host the config uses (node/certs/ensure-certs.ts),
 * then turns on or updates an SSL service through the same transactional applyConfig.
 */
import nodeCrypto from 'node:crypto';
import net from 'node:net';
import type { AppliedConfig } from '../../common/api/core-api.js';
import type { EnableHttpsOptions, EnableHttpsResult, HttpsStatus } from '../../common/api/https.js';
import type { ServiceStatus } from '../../common/api/status.js';
import { checkConfig, type ConfigModel } from '../../common/config/index.js';
import { PerlbalError } from '../../common/errors.js';
import { missingNames, summarise } from '../certs/cert-inspect.js';
import { defaultCertDir, readIfExists, storeFiles } from '../certs/cert-store.js';
import { ensureCertificates } from '../certs/ensure-certs.js';
import { ALWAYS_COVERED, covers, normaliseHosts } from '../certs/host-names.js';
import { hostsFromModel } from '../certs/hosts-from-config.js';
import { checkTrust } from '../certs/trust-check.js';
import { sectionsForThisMachine, trustSections } from '../certs/trust-help.js';
import type { ProxyCore } from '../core.js';
import { planHttpsConfig, sslService } from './https-config.js';

/** Where the certificates go when no folder is given (tests point it at a temp folder). */
export const CERT_DIR_VARIABLE = 'PERLBAL_DESKTOP_CERT_DIR';

/** The port a new SSL service gets when the caller names none (0: one the OS picks). */
export const HTTPS_PORT_VARIABLE = 'PERLBAL_DESKTOP_HTTPS_PORT';

/** The folder the API uses: the option, else $PERLBAL_DESKTOP_CERT_DIR, else the user's. */
export function resolveCertDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option || env[CERT_DIR_VARIABLE] || defaultCertDir(env);
}

/** LiveJournal's ssl_proxy port, if free; else one the OS picks (then free, checked now). */
export function pickHttpsPort(preferred = 8443): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, '127.0.0.1', () => {
        const got = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(got));
      });
    });
  return tryPort(preferred).then(async (p) => p ?? (await tryPort(0)) ?? preferred);
}

/** $PERLBAL_DESKTOP_HTTPS_PORT when it is a port number, else 8443 or a free one. */
async function defaultPort(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fromEnv = Number(env[HTTPS_PORT_VARIABLE] ?? 'x');
  if (Number.isInteger(fromEnv) && fromEnv >= 0 && fromEnv <= 65535) return fromEnv;
  return pickHttpsPort();
}

function checkOptions(opts: unknown): EnableHttpsOptions {
  if (opts === undefined || opts === null) return {};
  const port = (opts as EnableHttpsOptions).port;
  if (
    typeof opts !== 'object' ||
    (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
  ) {
    throw new PerlbalError('PB_ERR_API_INVALID_ARGUMENT', 'enableHttps takes { port?: 0..65535 }');
  }
  return port === undefined ? {} : { port };
}

/** A name for the example URL: a concrete host the certificate covers, else localhost. */
function urlHost(configHosts: readonly string[], names: readonly string[]): string {
  const concrete = configHosts.filter(
    (h) => !h.includes('*') && !/^[\d.]+$/.test(h) && names.some((n) => covers(n, h)),
  );
  return concrete[0] ?? 'localhost';
}

function trustSteps(
  caFile: string,
  caPem: string,
  url: string,
): Pick<HttpsStatus, 'trustSteps' | 'ownSteps'> {
  const cert = new nodeCrypto.X509Certificate(caPem);
  const summary = summarise(cert);
  const caName = /CN=([^,\n]+)/.exec(summary.subject)?.[1] ?? 'Perlbal Desktop';
  const all = trustSections({ caFile, caName, thumbprint: summary.thumbprint, exampleUrl: url });
  const own = sectionsForThisMachine();
  const first = own.map((id) => all.find((s) => s.id === id)!).filter(Boolean);
  return {
    trustSteps: [...first, ...all.filter((s) => !own.includes(s.id))],
    ownSteps: first.length,
  };
}

/** The HTTPS picture now: certificates, names, trust, the TLS service and a URL on it. */
export async function httpsStatus(
  model: ConfigModel,
  services: readonly ServiceStatus[],
  certDir: string,
): Promise<HttpsStatus> {
  const files = storeFiles(certDir);
  const found = hostsFromModel(model);
  const needed = normaliseHosts([...found.hosts, ...ALWAYS_COVERED]).hosts.map((h) => h.name);
  const caPem = readIfExists(files.caCert);
  const certPem = readIfExists(files.cert);
  const ca = caPem === null ? null : summarise(new nodeCrypto.X509Certificate(caPem));
  const leaf = certPem === null ? null : summarise(new nodeCrypto.X509Certificate(certPem));
  const ssl = sslService(model);
  const running = ssl ? services.find((s) => s.name === ssl.name) : undefined;
  const listening = running?.listening[0];
  const host = urlHost(found.hosts, leaf?.names ?? []);
  const port = listening?.slice(listening.lastIndexOf(':') + 1);
  const url = port ? `https://${host}:${port}/` : null;
  const trust = caPem === null ? null : await checkTrust(files.caCert, caPem);
  const steps =
    caPem === null
      ? { trustSteps: [], ownSteps: 0 }
      : trustSteps(files.caCert, caPem, url ?? 'https://localhost:8443/');
  return {
    certDir,
    authority: ca && {
      file: files.caCert,
      subject: ca.subject,
      notAfter: ca.notAfter.toISOString(),
    },
    certificate: leaf && {
      file: files.cert,
      names: leaf.names,
      notAfter: leaf.notAfter.toISOString(),
    },
    configHosts: found.hosts,
    missingHosts: leaf ? missingNames(leaf.names, needed) : needed,
    // One note per fact: two selectors with the same wildcard would otherwise say it twice.
    notes: [...new Set(found.notes)],
    trusted: trust?.trusted ?? null,
    stores: trust?.stores ?? [],
    ...steps,
    service: ssl
      ? {
          name: ssl.name,
          role: ssl.role,
          listening: running?.listening ?? [],
          enabled: ssl.enabled,
        }
      : null,
    url,
  };
}

export interface EnableHttpsContext {
  core: ProxyCore;
  /** The config text the core runs (the API's), and its file. */
  text: string;
  file: string | null;
  certDir: string;
  /** The API's transactional applyConfig, so the text and the editor stay in step. */
  apply(text: string): Promise<AppliedConfig>;
  status(): Promise<HttpsStatus>;
}

export async function enableHttps(
  ctx: EnableHttpsContext,
  rawOptions: unknown,
): Promise<EnableHttpsResult> {
  const opts = checkOptions(rawOptions);
  const checked = checkConfig(ctx.text, ctx.core.env, ctx.file ?? undefined);
  const certs = await ensureCertificates({
    dir: ctx.certDir,
    hosts: hostsFromModel(checked.model).hosts,
  });
  const plan = planHttpsConfig({
    text: ctx.text,
    commands: checked.commands,
    model: checked.model,
    certFile: certs.files.cert,
    keyFile: certs.files.key,
    listen: `127.0.0.1:${opts.port ?? (await defaultPort())}`,
  });
  const applied = plan.action === 'unchanged' ? null : await ctx.apply(plan.text);
  return {
    authority: certs.authority,
    certificate: certs.server,
    reasons: certs.reasons,
    service: plan.action,
    serviceName: plan.serviceName,
    changes: applied?.changes ?? [],
    text: plan.text,
    explanation: plan.explanation,
    status: await ctx.status(),
  };
}
