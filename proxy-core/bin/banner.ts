/**
 * The start-up banner: what listens where, with a URL to click for HTTP services, and the
 * services reachable only through a selector, so a developer sees at once where to point
 * the browser.
 */
import type { ProxyCore } from '../src/node/core.js';

function url(host: string, port: number, tls: boolean): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host;
  return `${tls ? 'https' : 'http'}://${h}:${port}/`;
}

export function describeListeners(core: ProxyCore): string[] {
  const rows: string[][] = [];
  const listening = new Set<string>();
  for (const l of core.listening()) {
    listening.add(l.service);
    const host = l.listen.includes(':') ? l.listen.split(':')[0]! : '0.0.0.0';
    let where = `${host}:${l.port}${l.protocol === 'udp' ? ' (udp)' : ''}`;
    if (l.role === 'management') where += `  (telnet, or ${url(host, l.port, false)} in a browser)`;
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
