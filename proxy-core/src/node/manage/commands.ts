/**
 * The management commands that only a running server can answer (Perlbal.pm MANAGE_* that
 * report or act on live state). Config-changing commands go through the config language
 * instead (ProxyCore.runCommand). Output lines are returned without line endings; listing
 * commands end with Perlbal's `.` line.
 */
import fs from 'node:fs';
import type { CommandContext, ConfigModel } from '../../common/config/index.js';
import { dumpconfigPerlbal, effectiveMime } from '../../common/config/index.js';
import type { SocketRegistry } from '../socket-registry.js';
import { ManageError } from './manage-error.js';
import type { ProxyStats } from './proxy-stats.js';
import { showPool, showService, showServiceList } from './show.js';
import { backends, nodes, noverify, pending, queues, socks, states } from './sockets.js';

/** What the management commands read from the core. */
export interface ManageHost {
  readonly model: ConfigModel;
  readonly sockets: SocketRegistry;
  readonly startTime: number;
  readonly reqs: number;
  readonly proxyStats: ProxyStats;
  /** Perl class names of plugins registered on a service (`plugins` command). */
  pluginClassName(name: string): string;
  /** A command a loaded runtime plugin answers (Stats' `stats`, Highpri's `patterns`). */
  pluginCommand(verb: string, line: string): string[] | null;
  shutdownGracefully(seconds?: number): void;
  requestExit(): void;
}

export interface ManageCommand {
  kind: 'manage';
  verb: string;
  args: string;
  line: string;
}

/** Perlbal's MANAGE_* names, as `help` lists them. */
const HELP = [
  'aio', 'backends', 'create', 'default', 'disable', 'dumpconfig', 'enable', 'fd', 'gladiator', 'header', 'help',
  'leaks', 'load', 'mime', 'node', 'nodes', 'noverify', 'obj', 'pending', 'plugins', 'pool', 'proc', 'prof',
  'queues', 'reload', 'reproxy_state', 'server', 'set', 'show', 'shutdown', 'socks', 'state', 'states', 'track',
  'unload', 'uptime', 'use', 'varsize', 'verbose', 'version', 'xs',
];

/** Previous `proc` figures, for its deltas (process-wide in Perlbal). */
const lastProc = { utime: 0, stime: 0, reqs: 0 };

type Handler = (host: ManageHost, cmd: ManageCommand, ctx: CommandContext) => string[];

/** ManageCommand::no_opts */
function noOpts(cmd: ManageCommand): void {
  if (cmd.line !== cmd.verb) throw new ManageError(`The '${cmd.verb}' command takes no arguments`);
}

/** ManageCommand::parse: match or fail with the usage (or Perlbal's generic message). */
function parse(cmd: ManageCommand, re: RegExp, usage?: string): RegExpExecArray {
  const m = re.exec(cmd.line);
  if (!m) throw new ManageError(usage ?? `Invalid syntax to '${cmd.verb}' command`);
  return m;
}

const listing = (lines: string[]): string[] => [...lines, '.'];

const HANDLERS: Record<string, Handler> = {
  help: (_h, c) => (noOpts(c), listing(HELP)),
  uptime: (h, c) => (noOpts(c), listing(uptime(h))),
  version: (h, c) => (noOpts(c), listing(uptime(h))),
  show(h, c) {
    let m = /^show service (\w+)$/.exec(c.line);
    if (m) return listing(showService(h.model, m[1]!, h.proxyStats));
    m = /^show pool(?:\s+(\w+))?$/.exec(c.line);
    if (m) return listing(showPool(h.model, m[1], h.proxyStats));
    if (/^show service$/.test(c.line)) return listing(showServiceList(h.model));
    throw new ManageError("Invalid syntax to 'show' command");
  },
  socks(h, c) {
    const m = parse(c, /^socks(?: (\w+))?$/);
    return listing(socks(h.sockets, m[1] ?? 'all'));
  },
  states(h, c) {
    const m = parse(c, /^states(?:\s+(.+))?$/);
    return listing(states(h.sockets, h.model, m[1]));
  },
  queues: (h, c) => (noOpts(c), listing(queues(h.model, h.proxyStats))),
  backends: (h, c) => (noOpts(c), listing(backends(h.sockets))),
  pending: (h, c) => (noOpts(c), listing(pending(h.model, h.proxyStats))),
  noverify: (h, c) => (noOpts(c), listing(noverify(h.proxyStats))),
  nodes: nodesHandler,
  node: nodesHandler,
  reproxy_state: (h) => listing(h.proxyStats.reproxyState()),
  proc: (h, c) => (noOpts(c), listing(proc(h))),
  fd: (_h, c) => (noOpts(c), listing(fd())),
  plugins(h, c) {
    noOpts(c);
    const lines = h.model.services
      .filter((s) => s.plugins.length > 0)
      .map((s) => [s.name, ...s.plugins.map((p) => h.pluginClassName(p))].join(' '));
    return listing(lines);
  },
  aio: (_h, c) => (noOpts(c), listing([])),
  obj: (_h, c) => (noOpts(c), listing([])),
  track: (_h, c) => (noOpts(c), listing([])),
  gladiator: (_h, c) => (noOpts(c), listing([])),
  varsize: (_h, c) => (noOpts(c), listing([])),
  state: (_h, c) => (parse(c, /^state changes$/), listing([])),
  leaks(_h, c) {
    parse(c, /^leaks(?:\s+(.+))?$/);
    if (!process.env['PERLBAL_DEBUG']) throw new ManageError('command disabled without $ENV{PERLBAL_DEBUG} set');
    return listing([]);
  },
  prof(_h, c, ctx) {
    const which = parse(c, /^prof\w*\s+(on|off|data)$/)[1];
    if (which === 'data') return listing([]);
    return ctx.verbose ? ['OK'] : [];
  },
  xs(_h, c) {
    const m = parse(c, /^xs(?:\s+(\w+)\s+(\w+))?$/);
    if (m[1]) throw new ManageError('Known XS modules: .');
    return listing(['XS module status:', '', '   No modules available.', '', 'To enable a module: xs enable <module>', 'To disable a module: xs disable <module>']);
  },
  verbose(_h, c, ctx) {
    const m = parse(c, /^verbose (on|off)$/, 'usage: VERBOSE {on|off}');
    ctx.verbose = m[1] === 'on';
    return ctx.verbose ? ['OK'] : [];
  },
  dumpconfig(h, _c, ctx) {
    const out = dumpconfigPerlbal(h.model);
    return ctx.verbose ? [...out, 'OK'] : out;
  },
  mime(h, c) {
    const m = parse(c, /^mime(?:\s+(\w+)(?:\s+(\w+))?(?:\s+(\S+))?)?$/);
    if (m[1] && m[1] !== 'list') throw new ManageError('Usage: list, remove <ext>, set <ext> <mime>');
    const table = effectiveMime(h.model);
    return listing(Object.keys(table).sort().map((k) => `${k} ${table[k]}`));
  },
  shutdown(h, c, ctx) {
    const m = parse(c, /^shutdown(\s?graceful)?\s?(\d+)?$/);
    if (!m[1]) {
      h.requestExit();
      return [];
    }
    h.shutdownGracefully(m[2] ? Number(m[2]) : undefined);
    return ctx.verbose ? ['OK'] : [];
  },
  reload(h, c) {
    const name = parse(c, /^reload (\w+)$/)[1]!;
    const loaded = h.model.plugins.find((p) => p === name.toLowerCase());
    if (!loaded) throw new ManageError(`Unknown/unloaded plugin '${name}'`);
    throw new ManageError(`Plugin Perlbal::Plugin::${h.pluginClassName(loaded)} doesn't support reloading`);
  },
  // Perlbal dies here on purpose (a crash test); a desktop app must not, so it only reports.
  crash: () => {
    throw new ManageError('Intentional crash.');
  },
};

function nodesHandler(h: ManageHost, c: ManageCommand): string[] {
  const m = parse(c, /^nodes?(?:\s+(\d+.\d+.\d+.\d+)(?::(\d+))?)?$/);
  return listing(nodes(h.proxyStats, m[1], m[2]));
}

function uptime(h: ManageHost): string[] {
  const now = Math.floor(Date.now() / 1000);
  return [`starttime ${h.startTime}`, `uptime ${now - h.startTime}`, 'version 1.80'];
}

/** `proc`: time, pid, CPU seconds and requests, each with its change since the last `proc`. */
function proc(h: ManageHost): string[] {
  const cpu = process.cpuUsage();
  const ut = cpu.user / 1e6;
  const st = cpu.system / 1e6;
  const out = [
    `time: ${Math.floor(Date.now() / 1000)}`,
    `pid: ${process.pid}`,
    `utime: ${ut} (+${+(ut - lastProc.utime).toFixed(6)})`,
    `stime: ${st} (+${+(st - lastProc.stime).toFixed(6)})`,
    `reqs: ${h.reqs} (+${h.reqs - lastProc.reqs})`,
  ];
  Object.assign(lastProc, { utime: ut, stime: st, reqs: h.reqs });
  return out;
}

/** `fd`: the hard open-files limit and the descriptors in use (Linux /proc). */
function fd(): string[] {
  let limits: string;
  let cur: number;
  try {
    limits = fs.readFileSync('/proc/self/limits', 'utf8');
    cur = fs.readdirSync('/proc/self/fd').length;
  } catch {
    throw new ManageError('This command is only available where /proc is (Linux)');
  }
  const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(limits)?.[1] ?? 'unlimited';
  return [`max ${hard}`, `cur ${cur}`];
}

/** Run one `manage` command; errors become `ERROR: ...` lines as in run_manage_command. */
export function runManageCommand(host: ManageHost, cmd: ManageCommand, ctx: CommandContext): string[] {
  const handler = HANDLERS[cmd.verb];
  try {
    if (handler) return handler(host, cmd, ctx);
    const fromPlugin = host.pluginCommand(cmd.verb, cmd.line);
    if (fromPlugin) return fromPlugin;
    return [`ERROR: unknown command: ${cmd.verb}`];
  } catch (e) {
    if (e instanceof ManageError) return [`ERROR: ${e.message}`];
    throw e;
  }
}
