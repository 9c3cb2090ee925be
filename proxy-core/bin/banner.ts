/**
 * The start-up banner: what listens where, with a URL to click for HTTP services, and the
 * services reachable only through a selector, so a developer sees at once where to point
 * the browser; the demo backends `--demo` started; the `--access-log` line format.
 */
import type { RequestRecord } from '../src/common/request-record.js';
import type { ProxyCore } from '../src/node/core.js';
import type { DemoOutcome } from '../src/node/demo/demo-nodes.js';
import { vhostRules } from '../src/node/plugins/plugin-config.js';

function url(host: string, port: number, tls: boolean): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host;
  return `${tls ? 'https' : 'http'}://${h}:${port}/`;
}

/** How to talk to a management port: telnet, or over TLS a TLS client; a browser either way. */
function manageHow(host: string, port: number, tls: boolean): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host;
  const line = tls ? `openssl s_client -quiet -connect ${h}:${port}` : 'telnet';
  return `${line}, or ${url(host, port, tls)} in a browser`;
}

export function describeListeners(core: ProxyCore): string[] {
  const rows: string[][] = [];
  const listening = new Set<string>();
  for (const l of core.listening()) {
    listening.add(l.service);
    const host = l.listen.includes(':') ? l.listen.split(':')[0]! : '0.0.0.0';
    let where = `${host}:${l.port}${l.protocol === 'udp' ? ' (udp)' : ''}`;
    if (l.role === 'management') where += `  (${manageHow(host, l.port, l.tls)})`;
    else if (l.protocol === 'tcp') where = url(host, l.port, l.tls);
    rows.push([l.service, l.role, where]);
  }
  for (const s of core.model.services) {
    if (!listening.has(s.name) && s.enabled) rows.push([s.name, s.role ?? '', '(reached through a selector)']);
  }
  const w0 = Math.max(...rows.map((r) => r[0]!.length), 7);
  const w1 = Math.max(...rows.map((r) => r[1]!.length), 4);
  return rows.map((r) => `  ${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[2]}`);
}

/** Where a browser should go to reach `services`: a selector VHOST rule naming one, else its own listener. */
function tryUrl(core: ProxyCore, services: string[]): string | null {
  for (const sel of core.model.services) {
    if (sel.role !== 'selector' || !sel.enabled) continue;
    const port = core.portOf(sel.name);
    const rule = port === undefined ? undefined : vhostRules(sel).find(([, target]) => services.includes(target));
    if (!rule) continue;
    const [pattern] = rule;
    const host = pattern === '*' ? '127.0.0.1' : pattern.replace(/^\*\./, 'www.');
    return `http://${host}:${port}/`;
  }
  const direct = services.map((s) => core.portOf(s)).find((p) => p !== undefined);
  return direct === undefined ? null : `http://127.0.0.1:${direct}/`;
}

/** Banner lines for `--demo`: each demo backend started, and each node left alone. */
export function describeDemos(core: ProxyCore, outcomes: DemoOutcome[]): string[] {
  if (outcomes.length === 0) return ['  demo: no reverse_proxy pool has a 127.0.0.1 node; nothing to start'];
  return outcomes.map((o) => {
    const forWhom = o.target.services.join(', ');
    if ('server' in o) {
      const url = tryUrl(core, o.target.services);
      return `  demo backend on ${o.target.ipport} for ${forWhom}${url ? `: try ${url}` : ''}`;
    }
    const who = o.usedBy ? `service '${o.usedBy}' already listens there` : 'another program already listens there (your backend?)';
    return `  demo: not started on ${o.target.ipport} (for ${forWhom}): ${who}`;
  });
}

/**
 * One `--access-log` line per request record, e.g.
 * `127.0.0.1 "GET http://www.lj.localhost/ HTTP/1.1" 200 1234 12.3ms ss>web_proxy>127.0.0.1:8081`.
 */
export function formatAccessLine(r: RequestRecord): string {
  const client = r.client.replace(/:\d+$/, '');
  const version = r.httpVersion.startsWith('HTTP/') ? r.httpVersion : `HTTP/${r.httpVersion || '0.9'}`;
  const target = /^https?:\/\//.test(r.uri) ? r.uri : `http://${r.host || 'unknown'}${r.uri}`;
  const steps = r.route.filter((s) => s.kind === 'selector' || s.kind === 'service' || s.kind === 'node' || s.kind === 'reproxy');
  const route = steps.length > 0 ? steps.map((s) => (s.kind === 'reproxy' ? 'reproxy' : s.name)).join('>') : r.service;
  const error = r.error ? ` ${r.error.code}` : '';
  return `${client} "${r.method} ${target} ${version}" ${r.status} ${r.bytesOut} ${r.timings.totalMs.toFixed(1)}ms ${route}${error}`;
}
