/**
 * Arguments of `perlbal-desktop cert <create|show|trust-help>`, in the same style as the
 * main options (cli-args.ts): `--name=value` or `--name value`, unique abbreviations.
 */

export type CertCommand = 'create' | 'show' | 'trust-help';

export interface CertOptions {
  /** null for `perlbal-desktop cert` or `cert --help`: show the overview. */
  command: CertCommand | null;
  config?: string;
  hosts: string[];
  out?: string;
  force: boolean;
  help: boolean;
  platform?: string;
}

/** Value options: config, hosts, out, platform. Flags: force, help. */
type OptionName = 'config' | 'hosts' | 'out' | 'platform' | 'force' | 'help';

/** Which options each command takes. */
const ALLOWED: Record<CertCommand, readonly OptionName[]> = {
  create: ['config', 'hosts', 'out', 'force', 'help'],
  show: ['config', 'hosts', 'out', 'help'],
  'trust-help': ['out', 'platform', 'help'],
};
const LETTERS: Record<string, OptionName> = { c: 'config', o: 'out', f: 'force', h: 'help' };

export const CERT_USAGE = `Usage: perlbal-desktop cert <command> [OPTIONS]

Local HTTPS certificates: an authority you trust once, and a server certificate it signs
for every host name your config uses.

Commands:
  create       make the authority (once) and the server certificate; renew the server
               certificate when it expires within 30 days or misses a host
  show         what is in the folder: names, validity, fingerprints, trust, renewal
  trust-help   the exact commands to trust the authority on each platform and in tools

Run \`perlbal-desktop cert <command> --help\` for its options.
`;

const COMMAND_USAGE: Record<CertCommand, string> = {
  create: `Usage: perlbal-desktop cert create [--config FILE] [--hosts NAME,...] [--out DIR] [--force]
  --config=FILE, -c FILE  take host names from this Perlbal config: VHOST patterns and listen
                          addresses (default, with no --hosts either: the config and names the
                          last create in DIR was given, kept in names.json, else the bundled
                          resources/perlbal.conf)
  --hosts=NAME,...        host names or IPs to cover; *.name covers one level below name
  --out=DIR, -o DIR       the certificate folder, relative to the current folder
                          (default: DEFAULT_DIR)
  --force, -f             replace the authority and the server certificate, even if they
                          are not ours (browsers must then trust the new authority)
  --help, -h              show this help

Writes ca.pem, ca-key.pem, cert.pem and key.pem (keys with mode 0600) and names.json (what
was asked for), and reuses the authority already in DIR. localhost, 127.0.0.1 and ::1 are
always covered.
Exit status: 0 done, 1 nothing written (see the message), 2 bad arguments.
`,
  show: `Usage: perlbal-desktop cert show [--out DIR] [--config FILE] [--hosts NAME,...]
  --out=DIR, -o DIR       the certificate folder (default: DEFAULT_DIR)
  --config=FILE, -c FILE  check coverage against this config (default, with no --hosts
                          either: what create was given, from names.json, else the bundled
                          config)
  --hosts=NAME,...        check coverage of these names too
  --help, -h              show this help

Exit status: 0 nothing to renew, 1 no certificates (or unreadable), 2 bad arguments,
3 the server certificate needs renewal (run \`perlbal-desktop cert create\`).
`,
  'trust-help': `Usage: perlbal-desktop cert trust-help [--out DIR] [--platform NAME]
  --out=DIR, -o DIR       the certificate folder (default: DEFAULT_DIR)
  --platform=NAME         only this section: macos, debian, fedora, arch, chrome-linux,
                          windows, wsl, firefox, tools, or all (default: this machine's)
  --help, -h              show this help

Prints the commands; it never changes a trust store.
`,
};

export function commandUsage(command: CertCommand, defaultDir: string): string {
  return COMMAND_USAGE[command].replaceAll('DEFAULT_DIR', defaultDir);
}

function resolveName(given: string, allowed: readonly OptionName[]): OptionName | null {
  if (Object.hasOwn(LETTERS, given))
    return allowed.includes(LETTERS[given]!) ? LETTERS[given]! : null;
  if (allowed.includes(given as OptionName)) return given as OptionName;
  const hits = allowed.filter((n) => n.startsWith(given));
  return hits.length === 1 ? hits[0]! : null;
}

export function parseCertArgs(
  argv: string[],
): CertOptions | { error: string; command?: CertCommand } {
  const command = argv[0];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { command: null, hosts: [], force: false, help: true };
  }
  if (command !== 'create' && command !== 'show' && command !== 'trust-help') {
    return { error: `Unknown cert command: ${command} (create, show or trust-help)` };
  }
  const opts: CertOptions & { command: CertCommand } = {
    command,
    hosts: [],
    force: false,
    help: false,
  };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!m) return { error: `Unknown argument: ${arg}`, command };
    const name = resolveName(m[1]!, ALLOWED[command]);
    if (!name) return { error: `Unknown option for cert ${command}: ${arg}`, command };
    if (name === 'force' || name === 'help') {
      if (m[2] !== undefined) return { error: `Option ${name} does not take an argument`, command };
      opts[name] = true;
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '')
      return { error: `Option ${name} requires an argument`, command };
    if (name === 'hosts')
      opts.hosts.push(
        ...value
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean),
      );
    else opts[name] = value;
  }
  return opts;
}
