/**
 * Is the authority trusted on this machine? A pure check: it reads trust stores and runs
 * the platform's read-only verify commands, and never changes anything. Linux: the system
 * bundle (what curl, git, Python's ssl and `openssl verify -CApath /etc/ssl/certs` use).
 * macOS: `security verify-cert`. Windows (and WSL's Windows side): `certutil -verifystore`.
 */
import { execFile } from 'node:child_process';
import nodeCrypto from 'node:crypto';
import fs from 'node:fs';

export interface StoreCheck {
  /** The store or command checked, as a person would name it. */
  store: string;
  /** null when it couldn't be checked (no such command, no such file). */
  trusted: boolean | null;
  detail: string;
}

export interface ToolCheck {
  variable: string;
  file: string;
  trusted: boolean;
}

export interface TrustReport {
  /** True when a system store trusts it, false when none does, null when none could be read. */
  trusted: boolean | null;
  stores: StoreCheck[];
  /** CA variables set in this environment, and whether the file they name holds the authority. */
  tools: ToolCheck[];
}

/** The system bundles of the common Linux families (Debian/Arch, Fedora, openSUSE, Alpine). */
export const LINUX_BUNDLES: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/** Variables that name a CA file for a tool (see trust-help.ts for which tool reads which). */
export const TOOL_VARIABLES: readonly string[] = [
  'NODE_EXTRA_CA_CERTS',
  'CURL_CA_BUNDLE',
  'GIT_SSL_CAINFO',
  'REQUESTS_CA_BUNDLE',
  'SSL_CERT_FILE',
  'PERL_LWP_SSL_CA_FILE',
  'HTTPS_CA_FILE',
];

export interface TrustCheckOptions {
  platform?: NodeJS.Platform;
  /** Linux bundles to look in (default LINUX_BUNDLES). */
  bundles?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Also ask Windows (through WSL interop); default: when /proc/version says Microsoft. */
  wsl?: boolean;
}

/** True when the PEM bundle text holds the certificate (compared as DER, whatever the line wrapping). */
export function bundleHolds(bundle: string, der: Buffer): boolean {
  const wanted = der.toString('base64');
  const blocks = bundle.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g);
  for (const b of blocks) if (b[1]!.replace(/\s+/g, '') === wanted) return true;
  return false;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function checkBundles(bundles: readonly string[], der: Buffer): StoreCheck[] {
  const seen = new Set<string>();
  const out: StoreCheck[] = [];
  for (const file of bundles) {
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const text = readText(real);
    if (text === null) continue;
    const trusted = bundleHolds(text, der);
    out.push({ store: file, trusted, detail: `${trusted ? 'in' : 'not in'} ${file}` });
  }
  if (out.length === 0)
    out.push({ store: 'system bundle', trusted: null, detail: 'no system bundle found' });
  return out;
}

/** Exit status 0 means trusted; a missing command means we can't tell. */
function verifyCommand(store: string, cmd: string, args: string[]): Promise<StoreCheck> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000, windowsHide: true }, (err) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (!err) resolve({ store, trusted: true, detail: `${cmd} ${args.join(' ')}: trusted` });
      else if (code === 'ENOENT')
        resolve({ store, trusted: null, detail: `${cmd} is not available` });
      else resolve({ store, trusted: false, detail: `${cmd} ${args.join(' ')}: not trusted` });
    });
  });
}

function isWsl(): boolean {
  return /microsoft/i.test(readText('/proc/version') ?? '');
}

function checkTools(env: NodeJS.ProcessEnv, der: Buffer): ToolCheck[] {
  return TOOL_VARIABLES.filter((v) => env[v]).map((variable) => {
    const file = env[variable]!;
    return { variable, file, trusted: bundleHolds(readText(file) ?? '', der) };
  });
}

export async function checkTrust(
  caFile: string,
  caPem: string,
  opts: TrustCheckOptions = {},
): Promise<TrustReport> {
  const platform = opts.platform ?? process.platform;
  const cert = new nodeCrypto.X509Certificate(caPem);
  const thumbprint = cert.fingerprint.replaceAll(':', '');
  const stores: StoreCheck[] = [];
  if (platform === 'darwin') {
    stores.push(await verifyCommand('macOS keychains', 'security', ['verify-cert', '-c', caFile]));
  } else if (platform === 'win32') {
    stores.push(
      await verifyCommand('Windows Root (this user)', 'certutil', [
        '-user',
        '-verifystore',
        'Root',
        thumbprint,
      ]),
    );
    stores.push(
      await verifyCommand('Windows Root (machine)', 'certutil', [
        '-verifystore',
        'Root',
        thumbprint,
      ]),
    );
  } else {
    stores.push(...checkBundles(opts.bundles ?? LINUX_BUNDLES, cert.raw));
    if (opts.wsl ?? isWsl()) {
      stores.push(
        await verifyCommand('Windows Root (this user, from WSL)', 'certutil.exe', [
          '-user',
          '-verifystore',
          'Root',
          thumbprint,
        ]),
      );
    }
  }
  const known = stores.filter((s) => s.trusted !== null);
  return {
    trusted: known.length === 0 ? null : known.some((s) => s.trusted),
    stores,
    tools: checkTools(opts.env ?? process.env, cert.raw),
  };
}
