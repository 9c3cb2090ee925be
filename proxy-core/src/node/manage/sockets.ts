/**
 * Management commands about live sockets and proxy state: `socks`, `states`, `backends`,
 * `pending`, `noverify`, `nodes`/`node`, `queues` (Perlbal.pm MANAGE_*), in Perlbal's
 * formats. Hash-ordered output in Perlbal is given a stable order here.
 */
import type { ConfigModel } from '../../common/config/model.js';
import type { SocketRegistry } from '../socket-registry.js';
import { nowSeconds } from '../util/clock.js';
import type { ProxyStats } from './proxy-stats.js';
import { ManageError } from './manage-error.js';

const sprintf5d = (n: number): string => String(n).padStart(5);

export function socks(sockets: SocketRegistry, mode: string): string[] {
  const list = sockets.list();
  if (mode === 'summary') {
    const count = new Map<string, number>();
    let writeBuf = 0;
    for (const t of list) {
      count.set(t.perlbalClass, (count.get(t.perlbalClass) ?? 0) + 1);
      writeBuf += (t as { writeBufferSize?: number }).writeBufferSize ?? 0;
    }
    const out = [...count.keys()].sort().map((k) => `${sprintf5d(count.get(k)!)} ${k}`);
    const openFiles = list.filter((t) => (t as { hasOpenFile?: boolean }).hasOpenFile === true).length;
    // Perlbal's `$mc->out()` with no arguments returns the writer without calling it: no blank line.
    out.push(`Aggregate write buffer: ${(writeBuf / 1024).toFixed(1)}k`, `            Open files: ${openFiles}`);
    return out;
  }
  if (mode !== 'all') return [];
  const now = nowSeconds();
  const out = [`${'fd'.padStart(5)} ${'age'.padStart(6)}`];
  for (const t of list) out.push(`${sprintf5d(t.fd)} ${String(now - t.createdAt).padStart(5)}s ${t.asString()}`);
  return out;
}

/** `states [svc]`: class, state, count; with a service, only its clients and backends. */
export function states(sockets: SocketRegistry, model: ConfigModel, service: string | undefined): string[] {
  if (service !== undefined && !model.services.some((s) => s.name === service)) {
    throw new ManageError('Service not found.');
  }
  const counts = new Map<string, Map<string, number>>();
  const perService = new Set(['Perlbal::ClientProxy', 'Perlbal::BackendHTTP', 'Perlbal::ClientHTTP']);
  for (const t of sockets.list()) {
    if (!t.state) continue;
    if (service !== undefined && (!perService.has(t.perlbalClass) || t.serviceName !== service)) continue;
    const byState = counts.get(t.perlbalClass) ?? new Map<string, number>();
    byState.set(t.state, (byState.get(t.state) ?? 0) + 1);
    counts.set(t.perlbalClass, byState);
  }
  const out: string[] = [];
  for (const cls of [...counts.keys()].sort()) {
    const byState = counts.get(cls)!;
    for (const st of [...byState.keys()].sort()) out.push(`${cls} ${st} ${byState.get(st)}`);
  }
  return out;
}

/** `backends`: open backend connections per node. */
export function backends(sockets: SocketRegistry): string[] {
  const nodes = new Map<string, number>();
  for (const t of sockets.list()) {
    if (t.perlbalClass !== 'Perlbal::BackendHTTP') continue;
    const ipport = (t as { ipport?: string }).ipport ?? '';
    nodes.set(ipport, (nodes.get(ipport) ?? 0) + 1);
  }
  return [...nodes.keys()].sort().map((n) => `${n} ${nodes.get(n)}`);
}

export function pending(model: ConfigModel, stats: ProxyStats): string[] {
  const now = nowSeconds();
  const out: string[] = [];
  for (const name of model.services.map((s) => s.name).sort()) {
    const list = stats.pendingConnects(name).sort((a, b) => (a.ipport < b.ipport ? -1 : 1));
    for (const p of list) out.push(`${name} ${p.ipport} ${now - p.createdAt}`);
  }
  return out;
}

export function noverify(stats: ProxyStats): string[] {
  const now = nowSeconds();
  return [...stats.noVerify()].map(([ipport, until]) => `${ipport} ${until - now}`);
}

/** `nodes` / `node ip[:port]` (port defaults to 80). */
export function nodes(stats: ProxyStats, ip: string | undefined, port: string | undefined): string[] {
  const all = stats.nodeStats();
  const keys = ip ? [`${ip}:${port ?? 80}`] : [...all.keys()];
  const out: string[] = [];
  for (const ipport of keys) {
    const st = all.get(ipport);
    if (!st) continue;
    for (const [key, v] of Object.entries(st)) {
      if (!Array.isArray(v)) {
        out.push(`${ipport} ${key} ${v}`);
        continue;
      }
      const tally = new Map<number, number>();
      for (const code of v) tally.set(code, (tally.get(code) ?? 0) + 1);
      for (const [code, n] of tally) out.push(`${ipport} ${key} ${code} ${n}`);
    }
  }
  return out;
}

/** `queues`: age and count of each priority queue of each reverse proxy. */
export function queues(model: ConfigModel, stats: ProxyStats): string[] {
  const now = nowSeconds();
  const out: string[] = [];
  for (const s of model.services) {
    if (s.role !== 'reverse_proxy') continue;
    const q = stats.queues(s.name);
    for (const [name, info] of [['normal', q.normal], ['highpri', q.highpri], ['lowpri', q.lowpri]] as const) {
      const age = info.oldestRequestTime === null ? 0 : now - info.oldestRequestTime;
      out.push(`${s.name}-${name}.age ${age}`, `${s.name}-${name}.count ${info.count}`);
    }
  }
  return out;
}
