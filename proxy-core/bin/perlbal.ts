/**
 * `perlbal-desktop`: run a Perlbal config headless, as `perlbal` does (Perlbal's bin/perlbal:
 * --config, --daemon, --help, --version), with clearer start-up errors. With no --config it
 * runs the bundled laptop config, resources/perlbal.conf.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../src/common/config/index.js';
import type { RequestRecord } from '../src/common/request-record.js';
import { hasErrorCode } from '../src/common/errors.js';
import { ConfigError, ProxyCore } from '../src/node/core.js';
import { startDemos, type DemoOutcome } from '../src/node/demo/demo-nodes.js';
import { parseArgs, USAGE, type CliOptions } from './cli-args.js';
import { describeDemos, describeListeners, formatAccessLine } from './banner.js';
import { checkRendererBuilt, describeBrowserUi, startBrowserUi } from './browser-ui.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** proxy-core/bin (source) or proxy-core/dist/bin (built): the repository root is above. */
const repoRoot = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
export const DEFAULT_CONFIG = path.join(repoRoot, 'resources', 'perlbal.conf');
/** The demo journal's userpics and photos (made by scripts/make-demo-images.mjs). */
const DEMO_ASSETS = path.join(repoRoot, 'resources', 'demo');
/** The built renderer (`npm run build`), served by --ui. */
const RENDERER_DIR = path.join(repoRoot, 'out', 'renderer');
const VERSION = '0.1.0';

function readConfig(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'No such file or directory' : err.message;
    throw new Error(`Error opening config file (${file}): ${why}`, { cause: e });
  }
}

/** --daemon: re-run ourselves detached with stdio closed, and let the parent exit 0. */
function daemonize(argv: string[]): never {
  const args = argv.filter((a) => !/^--?d(a(e(m(on?)?)?)?)?$/.test(a));
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], {
    detached: true,
    stdio: 'ignore',
    cwd: '/',
  });
  child.unref();
  process.exit(0);
}

async function run(opts: CliOptions, argv: string[]): Promise<void> {
  const file = path.resolve(opts.config ?? DEFAULT_CONFIG);
  if (opts.daemon) daemonize(argv.map((a) => (a === opts.config ? file : a)));
  const text = readConfig(file);
  if (opts.ui) checkRendererBuilt(RENDERER_DIR);
  let core: ProxyCore;
  try {
    core = await ProxyCore.start(text, { file, cwd: path.dirname(file) });
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const d of e.diagnostics) {
        const stream = d.severity === 'error' ? process.stderr : process.stdout;
        stream.write(`${formatDiagnostic({ ...d, file: d.file ?? file })}\n`);
      }
    } else {
      process.stderr.write(`ERROR: ${(e as Error).message}\n`);
    }
    process.stderr.write('Error starting up.\n');
    process.exit(1);
  }
  const debug = Number(process.env['PERLBAL_DEBUG'] ?? 0) > 0;
  core.on('log', (level, message) => {
    if (level !== 'debug' || debug) process.stdout.write(`${message}\n`);
  });
  if (core.idle) {
    process.stderr.write('No services or management port configured.  Nothing to do.  Stopping.\n');
    core.close();
    process.exit(1);
  }
  const pidfile = core.model.server['pidfile'];
  if (typeof pidfile === 'string' && pidfile) writePidfile(pidfile);
  const demos: DemoOutcome[] = opts.demo ? await startDemos(core, DEMO_ASSETS) : [];
  const finish = (code: number): void => {
    if (typeof pidfile === 'string' && pidfile) fs.rmSync(pidfile, { force: true });
    // The demo backends go with us; their sockets close at once, and a stuck one can't hold us.
    setTimeout(() => process.exit(code), 1000).unref();
    void Promise.all(demos.map((d) => ('server' in d ? d.server.close() : undefined))).finally(() => process.exit(code));
  };
  core.on('exit', () => finish(0));
  core.on('stopped', () => finish(0));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stdout.write(`Caught ${sig}, finishing requests in flight (again to stop now).\n`);
      process.once(sig, () => finish(0));
      core.shutdownGracefully(10);
    });
  }
  process.on('SIGPIPE', () => {});
  process.stdout.write(`Perlbal Desktop ${VERSION} running ${file}\n`);
  for (const line of describeListeners(core)) process.stdout.write(`${line}\n`);
  if (opts.demo) for (const line of describeDemos(core, demos)) process.stdout.write(`${line}\n`);
  if (opts.accessLog) core.on('request', accessLogger(process.stdout));
  if (opts.ui) {
    const ui = await startBrowserUi(core, {
      text,
      file,
      rendererDir: RENDERER_DIR,
      version: VERSION,
      capture: opts.capture,
    });
    process.stdout.write(`${describeBrowserUi(ui)}\n`);
  }
  process.stdout.write('Running.\n');
}

/**
 * `--access-log`: one line per request record. Lines of one event-loop turn go out in one
 * write, so a busy proxy makes one write per turn instead of one per request.
 */
function accessLogger(out: NodeJS.WritableStream): (record: RequestRecord) => void {
  let pending: string[] = [];
  const flush = (): void => {
    out.write(pending.join(''));
    pending = [];
  };
  return (record) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(`${formatAccessLine(record)}\n`);
  };
}

function writePidfile(file: string): void {
  try {
    fs.writeFileSync(file, `${process.pid}\n`);
  } catch (e) {
    process.stdout.write(`Couldn't write pidfile ${file}: ${(e as Error).message}\n`);
  }
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'cert') {
    // Loaded on demand: certificate work never slows down starting the proxy.
    const { certMain } = await import('./cert-cli.js');
    process.exit(await certMain(argv.slice(1)));
  }
  const parsed = parseArgs(argv);
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n${USAGE}`);
    process.exit(1);
  }
  if (parsed.help) {
    process.stderr.write(USAGE);
    process.exit(0);
  }
  if (parsed.version) {
    process.stdout.write(`Perlbal version 1.80 (Perlbal Desktop ${VERSION})\n`);
    process.exit(0);
  }
  try {
    await run(parsed, argv);
  } catch (e) {
    if (hasErrorCode(e, 'PB_ERR_CONFIG_INVALID')) throw e;
    process.stderr.write(`${(e as Error).message}\nError starting up.\n`);
    process.exit(1);
  }
}
