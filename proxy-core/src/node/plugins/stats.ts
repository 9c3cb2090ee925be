/**
 * Stats (Perlbal::Plugin::Stats): per service, counts files sent, files reproxied, web
 * requests and proxy requests (normal and high priority), and keeps the last 100 proxied
 * requests with the time from backend assignment to the response head. The `stats` and
 * `recent` management commands print them in Perlbal's formats.
 */
import {
  ProxyRequest,
  type BackendHTTP,
  type ClientHTTPBase,
  type CoreContext,
  type PerlbalPlugin,
  type Service,
} from './plugin-api.js';

/** Perlbal's @statkeys, in the sorted order `stats` prints them. */
const STAT_KEYS = [
  'files_reproxied',
  'files_sent',
  'proxy_requests',
  'proxy_requests_highpri',
  'web_requests',
] as const;
type StatKey = (typeof STAT_KEYS)[number];

const RECENT_MAX = 100;

/** Perlbal::Plugin::Stats::Storage. */
class StatsStorage {
  readonly counts: Record<StatKey, number> = {
    files_reproxied: 0,
    files_sent: 0,
    proxy_requests: 0,
    proxy_requests_highpri: 0,
    web_requests: 0,
  };
  /** Requests sent to a backend and not yet answered: when they were sent. */
  readonly pending = new WeakMap<ClientHTTPBase, number>();
  /** `%-6.4f <url>` lines, oldest first. */
  readonly recent: string[] = [];
}

/** Perlbal's %statobjs, one table per running core (tests run several in one process). */
const tables = new WeakMap<CoreContext, Map<string, StatsStorage>>();

function tableOf(core: CoreContext): Map<string, StatsStorage> {
  let t = tables.get(core);
  if (!t) {
    t = new Map();
    tables.set(core, t);
  }
  return t;
}

export const statsPlugin: PerlbalPlugin = {
  name: 'stats',
  load(core) {
    tableOf(core);
    return () => tables.delete(core);
  },
  register(svc: Service, core: CoreContext) {
    // A fresh storage on every register, as Perlbal does: SET plugins resets the counters.
    const s = new StatsStorage();
    const table = tableOf(core);
    table.set(svc.name, s);
    const count = (key: StatKey) => (): false => {
      s.counts[key]++;
      return false;
    };
    svc.hooks.handle('stats', 'start_send_file', count('files_sent'));
    svc.hooks.handle('stats', 'start_file_reproxy', count('files_reproxied'));
    svc.hooks.handle('stats', 'start_web_request', count('web_requests'));
    svc.hooks.handle(
      'stats',
      'backend_client_assigned',
      (_be: BackendHTTP, client: ClientHTTPBase) => {
        s.pending.set(client, performance.now());
        const pr = client.roleState;
        s.counts[
          pr instanceof ProxyRequest && pr.highPriority
            ? 'proxy_requests_highpri'
            : 'proxy_requests'
        ]++;
        return false;
      },
    );
    svc.hooks.handle('stats', 'backend_response_received', (be: BackendHTTP) => {
      noteResponse(s, be);
      return false;
    });
    return () => {
      if (table.get(svc.name) === s) table.delete(svc.name);
    };
  },
  manageCommands: {
    stats: (_line, core) => statsLines(tableOf(core)),
    recent: (_line, core) => recentLines(tableOf(core)),
  },
};

function noteResponse(s: StatsStorage, be: BackendHTTP): void {
  const pr = be.client;
  if (!(pr instanceof ProxyRequest)) return;
  const started = s.pending.get(pr.client);
  if (started === undefined) return;
  s.pending.delete(pr.client);
  const req = pr.client.reqHeaders;
  if (!req) return;
  const seconds = (performance.now() - started) / 1000;
  const url = `http://${req.header('Host') || 'unknown'}${req.uri ?? ''}`;
  s.recent.push(`${seconds.toFixed(4).padEnd(6)} ${url}`);
  if (s.recent.length > RECENT_MAX) s.recent.shift();
}

/** `sprintf("%-15s %-25s %12d", svc, key, n)` per service and key, then the totals, then `.`. */
function statsLines(table: Map<string, StatsStorage>): string[] {
  const row = (svc: string, key: string, n: number): string =>
    `${svc.padEnd(15)} ${key.padEnd(25)} ${String(n).padStart(12)}`;
  const out: string[] = [];
  const totals = new Map<StatKey, number>(STAT_KEYS.map((k) => [k, 0]));
  for (const [name, s] of table) {
    for (const key of STAT_KEYS) {
      out.push(row(name, key, s.counts[key]));
      totals.set(key, totals.get(key)! + s.counts[key]);
    }
  }
  for (const key of STAT_KEYS) out.push(row('total', key, totals.get(key)!));
  out.push('.');
  return out;
}

function recentLines(table: Map<string, StatsStorage>): string[] {
  const out: string[] = [];
  for (const [name, s] of table) for (const line of s.recent) out.push(`${name} ${line}`);
  out.push('.');
  return out;
}
