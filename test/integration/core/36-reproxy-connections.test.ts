/**
 * Connections to X-REPROXY-URL targets (Perlbal::ReproxyManager): `max_reproxy_connections`
 * holds in every burst, also after the idle connections went stale and were replaced, and
 * every connection open to a target is one that `reproxy_state` counts (none left behind). The
 * per-host form caps a target named by host alone, as Perlbal's manual writes it, or by host:port.
 */
import net from 'node:net';
import http from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { until } from '../../helpers/open-files.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';

/**
 * A reproxy target that answers each request after a short pause, says its keep-alive ends
 * within a second (so that Perlbal's rule treats its idle connections as stale at once), and
 * counts connections and requests in progress.
 */
async function startSlowTarget() {
  const stats = { open: 0, inFlight: 0, maxInFlight: 0 };
  const server = net.createServer((sock) => {
    stats.open++;
    sock.on('close', () => stats.open--);
    sock.on('error', () => {});
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        stats.inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
        setTimeout(() => {
          stats.inFlight--;
          if (!sock.destroyed)
            sock.write(
              'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=1\r\nContent-Length: 5\r\n\r\nhello',
            );
        }, 50);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as net.AddressInfo).port, stats };
}

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/photo', agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('reproxy connections', () => {
  it('max_reproxy_connections holds in every burst, and every open connection is counted', async () => {
    const target = await startSlowTarget();
    const be = await startBackend();
    be.handle(() => ({
      status: 200,
      headers: [['X-REPROXY-URL', `http://127.0.0.1:${target.port}/photo.jpg`]],
      keepAlive: true,
    }));
    const pb = await startCore(`
SERVER max_reproxy_connections = 2
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_backend = on
  SET enable_reproxy = on
ENABLE proxy
`);
    const port = pb.port('proxy');
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all(Array.from({ length: 6 }, () => get(port)));
      expect(answers).toEqual(Array.from({ length: 6 }, () => ({ status: 200, body: 'hello' })));
      expect(target.stats.maxInFlight).toBeLessThanOrEqual(2);
      const state = await pb.core.run('reproxy_state');
      const counted = Number(/^backends \S+ (\d+)$/m.exec(state.join('\n'))?.[1]);
      const bored = Number(/^bored \S+ (\d+)$/m.exec(state.join('\n'))?.[1] ?? 0);
      expect(counted).toBeLessThanOrEqual(2);
      expect(bored).toBeLessThanOrEqual(counted);
      // Connections the proxy closed may reach the target's close event a moment later.
      await until(() => target.stats.open <= 2, 2000);
      expect(target.stats.open).toBeLessThanOrEqual(2);
    }
  });

  it.each([
    ['max_reproxy_connections(127.0.0.1) = 1', 'SERVER max_reproxy_connections(127.0.0.1) = 1'],
    [
      'max_reproxy_connections(127.0.0.1:PORT) = 1 over (127.0.0.1) = 4',
      'SERVER max_reproxy_connections(127.0.0.1) = 4\nSERVER max_reproxy_connections(127.0.0.1:PORT) = 1',
    ],
  ])('%s caps the target', async (_name, lines) => {
    const target = await startSlowTarget();
    const be = await startBackend();
    be.handle(() => ({
      status: 200,
      headers: [['X-REPROXY-URL', `http://127.0.0.1:${target.port}/photo.jpg`]],
      keepAlive: true,
    }));
    const server = lines.replaceAll('PORT', String(target.port));
    const pb = await startCore(`
${server}
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_backend = on
  SET enable_reproxy = on
ENABLE proxy
`);
    const state = (await pb.core.run('reproxy_state')).join('\n');
    for (const line of server.split('\n')) expect(state).toContain(line);
    const port = pb.port('proxy');
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 6 }, () => get(port)));
      expect(answers).toEqual(Array.from({ length: 6 }, () => ({ status: 200, body: 'hello' })));
    }
    expect(target.stats.maxInFlight).toBe(1);
  });
});
