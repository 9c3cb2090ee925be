/**
 * Command-line options, parsed the way Perl's Getopt::Long parses Perlbal's: long options
 * with `=` or a separate value, single-dash forms, and unique abbreviations (`--conf`, `-c`,
 * `-d`, `-h`, `-v`). `--demo` and `--access-log` are ours.
 */
export interface CliOptions {
  config?: string;
  daemon: boolean;
  help: boolean;
  version: boolean;
  /** Start the demo backend on free 127.0.0.1 pool nodes. */
  demo: boolean;
  /** Print one line per completed request. */
  accessLog: boolean;
  /** Serve the desktop UI to a browser on 127.0.0.1 (browser mode). */
  ui: boolean;
  /** The request inspector's capture limits for --ui (`--capture-*`); defaults when absent. */
  capture?: { maxRecords?: number; maxBytes?: number; maxBodyBytes?: number };
}

export const USAGE = `Usage: perlbal-desktop [OPTIONS]
       perlbal-desktop cert create|show|trust-help [OPTIONS]   (local HTTPS certificates)
  --config=FILE, -c FILE   run this Perlbal config (default: the bundled resources/perlbal.conf)
  --daemon, -d             detach and run in the background
  --demo                   start a small demo LiveJournal on every 127.0.0.1 pool node of a
                           reverse_proxy that nothing listens on yet
  --access-log             print one line per request: client, request, status, bytes,
                           time and route
  --ui                     also serve the desktop UI to a browser, on 127.0.0.1 at a
                           random port, behind a URL with a one-time token it prints
  --capture-records=N      with --ui: requests the inspector keeps (default 100000)
  --capture-mb=N           with --ui: memory they may take, bodies included, in MiB
                           (default 256; the oldest bodies go first, then the oldest requests)
  --capture-body-kib=N     with --ui: KiB kept of each request and response body
                           (default 64; 0 keeps no bodies)
  --help, -h               show this help
  --version, -v            show the version

Perlbal Desktop runs a Perlbal 1.80 config: the same commands, services, plugins and
management port. Docs: README.md and docs/ in the repository.
`;

const NAMES = [
  'config',
  'daemon',
  'help',
  'version',
  'demo',
  'access-log',
  'ui',
  'capture-records',
  'capture-mb',
  'capture-body-kib',
] as const;
type Name = (typeof NAMES)[number];
/** `--capture-*`: a whole number, at least `min`, to the capture limit it sets (scaled). */
const CAPTURE: Partial<
  Record<Name, { key: 'maxRecords' | 'maxBytes' | 'maxBodyBytes'; min: number; scale: number }>
> = {
  'capture-records': { key: 'maxRecords', min: 1, scale: 1 },
  'capture-mb': { key: 'maxBytes', min: 1, scale: 1024 * 1024 },
  'capture-body-kib': { key: 'maxBodyBytes', min: 0, scale: 1024 },
};
/** Perlbal's one-letter forms keep their meaning now that `d` could also start `demo`. */
const LETTERS: Record<string, Name> = { c: 'config', d: 'daemon', h: 'help', v: 'version' };
const FLAGS: Partial<Record<Name, keyof Omit<CliOptions, 'config' | 'capture'>>> = {
  daemon: 'daemon',
  help: 'help',
  version: 'version',
  demo: 'demo',
  'access-log': 'accessLog',
  ui: 'ui',
};

function resolveName(given: string): Name | null {
  if (Object.hasOwn(LETTERS, given)) return LETTERS[given]!;
  const hits = NAMES.filter((n) => n.startsWith(given));
  return hits.length === 1 ? hits[0]! : NAMES.includes(given as Name) ? (given as Name) : null;
}

export function parseArgs(argv: string[]): CliOptions | { error: string } {
  const opts: CliOptions = { daemon: false, help: false, version: false, demo: false, accessLog: false, ui: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!m) return { error: `Unknown argument: ${arg}` };
    const name = resolveName(m[1]!);
    if (!name) return { error: `Unknown option: ${m[1]}` };
    if (name === 'config') {
      const value = m[2] ?? argv[++i];
      if (value === undefined || value === '') return { error: 'Option config requires an argument' };
      opts.config = value;
      continue;
    }
    const cap = CAPTURE[name];
    if (cap) {
      const value = m[2] ?? argv[++i];
      const n = Number(value);
      if (value === undefined || !/^\d+$/.test(value) || n < cap.min)
        return {
          error: `Option ${name} requires a whole number${cap.min ? ` of at least ${cap.min}` : ''}`,
        };
      opts.capture = { ...opts.capture, [cap.key]: n * cap.scale };
      continue;
    }
    if (m[2] !== undefined) return { error: `Option ${name} does not take an argument` };
    opts[FLAGS[name]!] = true;
  }
  return opts;
}
