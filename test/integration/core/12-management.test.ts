/**
 * The management port of a running core: commands change the running server (listeners
 * open and close, services switch role), sessions keep their own context, the HTML pages
 * render, and the two Perlbal session bugs we fix stay fixed.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { rawOne, rawRequest } from '../../helpers/raw-http.js';
import { freePort } from '../../conformance/harness.js';

const BASE = `
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`;

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('management port', () => {
  it('creates, enables and disables a service while running', async () => {
    const pb = await startCore(BASE);
    const m = await pb.manage();
    const port = await freePort();
    expect(await m.line('create service extra')).toBe('OK');
    expect(await m.line('set role = web_server')).toBe('OK');
    expect(await m.line(`set listen = 127.0.0.1:${port}`)).toBe('OK');
    expect(await canConnect(port)).toBe(false);
    expect(await m.line('enable extra')).toBe('OK');
    expect(await canConnect(port)).toBe(true);
    expect(await m.multi('show service')).toEqual([
      `extra 127.0.0.1:${port} ENABLED`,
      `mgmt 127.0.0.1:0 ENABLED`,
      '.',
    ]);
    // No docroot yet: Perlbal's 500 "Docroot unconfigured".
    const res = await rawOne(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(500);
    expect(await m.line('disable extra')).toBe('OK');
    expect(await canConnect(port)).toBe(false);
  });

  it('reports a port in use without changing anything', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const pb = await startCore(BASE);
      const m = await pb.manage();
      await m.line('create service x');
      await m.line('set role = web_server');
      await m.line(`set listen = 127.0.0.1:${port}`);
      expect(await m.line('enable x')).toBe(
        `ERROR: Can't start service 'x' on 127.0.0.1:${port}: Error creating listening socket: Address already in use`,
      );
      expect(await m.multi('show service x')).toContain('     listening: 127.0.0.1:' + port);
      expect((await m.multi('show service')).find((l) => l.startsWith('x '))).toBe(`x 127.0.0.1:${port} DISABLED`);
    } finally {
      blocker.close();
    }
  });

  it('keeps a context per session', async () => {
    const pb = await startCore(BASE);
    const a = await pb.manage();
    const b = await pb.manage();
    expect(await a.line('create service one')).toBe('OK');
    expect(await b.line('set role = web_server')).toBe('ERROR: omitted service/pool name not implied from context');
    expect(await a.line('set role = web_server')).toBe('OK');
  });

  it('skips a bare LF line instead of wedging the session (Perlbal bug)', async () => {
    const pb = await startCore(BASE);
    const m = await pb.manage();
    m.send('uptime\n\n');
    const first = await m.multi('uptime');
    expect(first[0]).toMatch(/^starttime \d+$/);
    const second = await m.multi('version');
    expect(second.at(-1)).toBe('.');
  });

  it('closes on quit', async () => {
    const pb = await startCore(BASE);
    const m = await pb.manage();
    m.send('quit\r\n');
    await m.drain(200);
    expect(m.closed).toBe(true);
  });

  it('serves the HTML interface to a browser', async () => {
    const pb = await startCore(BASE);
    const port = pb.port('mgmt');
    const index = await rawRequest(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(index.closed).toBe(true);
    expect(index.text).toMatch(/^HTTP\/1\.0 200 OK\r\nContent-type: text\/html\r\nContent-Length: \d+\r\n\r\n<!DOCTYPE html/);
    expect(index.text).toContain(`<li><a href='/service?mgmt'>mgmt</a> - management (127.0.0.1:0)</li>`);
    const svc = await rawRequest(port, 'GET /service?mgmt HTTP/1.0\r\n\r\n');
    expect(svc.text).toContain('<b>show service mgmt</b></div>SERVICE mgmt\n');
    const socks = await rawRequest(port, 'GET /socks HTTP/1.0\r\n\r\n');
    expect(socks.text).toContain(`for <a href="/service?mgmt">mgmt</a>`);
    const missing = await rawRequest(port, 'GET /nope HTTP/1.0\r\n\r\n');
    expect(missing.text).toMatch(/^HTTP\/1\.0 404 Not found\r\n/);
    expect(missing.text).toContain('<h1>404 Not found</h1>');
  });

  it('answers crash with an error instead of dying', async () => {
    const pb = await startCore(BASE);
    const m = await pb.manage();
    expect(await m.line('crash')).toBe('ERROR: Intentional crash.');
    expect((await m.multi('uptime')).at(-1)).toBe('.');
  });

  it('shuts down gracefully: listeners close, the session gets OK', async () => {
    const pb = await startCore(BASE);
    const port = pb.port('mgmt');
    const m = await pb.manage();
    const stopped = new Promise<void>((r) => pb.core.once('stopped', () => r()));
    expect(await m.line('shutdown graceful')).toBe('OK');
    expect(await canConnect(port)).toBe(false);
    await stopped;
  });
});
