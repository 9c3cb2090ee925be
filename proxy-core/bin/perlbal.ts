/**
 * `perlbal-desktop`: run a Perlbal config headless, as `perlbal` does (Perlbal's bin/perlbal:
 * --config, --daemon, --help, --version), with clearer start-up errors. With no --config it
 * runs the bundled laptop config, resources/perlbal.conf.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestRecord } from '../src/common/request-record.js';
import { startDemos, type DemoOutcome } from '../src/node/demo/demo-nodes.js';
import { parseArgs, USAGE, type CliOptions } from './cli-args.js';
import { describeDemos, describeListeners, formatAccessLine } from './banner.js';
import { checkRendererBuilt, describeBrowserUi, startBrowserUi } from './browser-ui.js';
import { DaemonPipe, runDaemon } from './daemon.js';
import { checkOrReport, startConfig, StartupExit, StartupFailure, type StartupOutput } from './start-config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** proxy-core/bin (source) or proxy-core/dist/bin (built): the repository root is above. */
const repoRoot = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
export const DEFAULT_CONFIG = path.join(repoRoot, 'resources', 'perlbal.conf');
/** The demo journal's userpics and photos (made by proxy-core/scripts/make-demo-images.mjs). */
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

const terminal: StartupOutput = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

/** The options a `--daemon` parent gives its detached copy: explicit, with an absolute config. */
function childArgs(opts: CliOptions, file: string): string[] {
  const args = ['--config', file];
  if (opts.demo) args.push('--demo');
  if (opts.accessLog) args.push('--access-log');
  if (opts.ui) args.push('--ui');
  const cap = opts.capture;
  if (cap?.maxRecords !== undefined) args.push(`--capture-records=${cap.maxRecords}`);
  if (cap?.maxBytes !== undefined) args.push(`--capture-mb=${cap.maxBytes / (1024 * 1024)}`);
  if (cap?.maxBodyBytes !== undefined) args.push(`--capture-body-kib=${cap.maxBodyBytes / 1024}`);
  return args;
}

/**
 * Run the config (foreground, or as the detached copy `--daemon` started, with `pipe` leading
 * back to the parent). Resolves once running; exits the process if it can't start.
 */
async function run(opts: CliOptions, pipe: DaemonPipe | null): Promise<void> {
  const io = pipe ?? terminal;
  const file = path.resolve(opts.config ?? DEFAULT_CONFIG);
  const text = readConfig(file);
  if (opts.ui) checkRendererBuilt(RENDERER_DIR);
  if (opts.daemon && !pipe) {
    // As Perlbal does before it forks: a config that can't load fails here, in the foreground.
    checkOrReport(text, file, io);
    process.exit(await runDaemon(childArgs(opts, file), io));
  }
  const core = await startConfig(text, file, io);
  const debug = Number(process.env['PERLBAL_DEBUG'] ?? 0) > 0;
  core.on('log', (level, message) => {
    if (level !== 'debug' || debug) process.stdout.write(`${message}\n`);
  });
  if (core.idle) {
    io.err('No services or management port configured.  Nothing to do.  Stopping.');
    core.close();
    throw new StartupFailure();
  }
  const pidfile = core.model.server['pidfile'];
  if (typeof pidfile === 'string' && pidfile) writePidfile(pidfile, io);
  const demos: DemoOutcome[] = opts.demo ? await startDemos(core, DEMO_ASSETS) : [];
  const finish = (code: number): void => {
    if (typeof pidfile === 'string' && pidfile) fs.rmSync(pidfile, { force: true });
    // The demo backends go with us; their sockets close at once, and a stuck one can't hold us.
    setTimeout(() => process.exit(code), 1000).unref();
    void Promise.all(demos.map((d) => ('server' in d ? d.server.close() : undefined))).finally(() => process.exit(code));
  };
  core.on('exit', () => finish(0));
  core.on('stopped', () => {
    process.stdout.write('ending run\n');
    finish(0);
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stdout.write(`Caught ${sig}, finishing requests in flight (again to stop now).\n`);
      process.once(sig, () => finish(0));
      core.shutdownGracefully(10);
    });
  }
  process.on('SIGPIPE', () => {});
  io.out(`Perlbal Desktop ${VERSION} running ${file}`);
  for (const line of describeListeners(core)) io.out(line);
  if (opts.demo) for (const line of describeDemos(core, demos)) io.out(line);
  if (opts.accessLog) core.on('request', accessLogger(process.stdout));
  if (opts.ui) {
    const ui = await startBrowserUi(core, {
      text,
      file,
      rendererDir: RENDERER_DIR,
      version: VERSION,
      capture: opts.capture,
    });
    io.out(describeBrowserUi(ui));
  }
  if (pipe) return pipe.ready();
  // Perlbal's last words before its event loop; in the background they go to syslog there.
  io.out('Running.');
  io.out('beginning run');
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

function writePidfile(file: string, io: StartupOutput): void {
  try {
    fs.writeFileSync(file, `${process.pid}\n`);
  } catch (e) {
    io.out(`Couldn't write pidfile ${file}: ${(e as Error).message}`);
  }
}

export async function main(argv: string[]): Promise<void> {
  // A reader that goes away (`perlbal-desktop --access-log | head`) must not take the proxy
  // down with it: what would have been printed is dropped.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', ignoreClosedReader);
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
  const pipe = DaemonPipe.fromEnv();
  const io = pipe ?? terminal;
  try {
    await run(parsed, pipe);
  } catch (e) {
    if (e instanceof StartupExit) process.exit(0);
    if (!(e instanceof StartupFailure)) io.err((e as Error).message);
    io.err('Error starting up.');
    pipe?.close();
    process.exit(1);
  }
}

function ignoreClosedReader(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}
