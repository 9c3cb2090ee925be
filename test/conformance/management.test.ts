/**
 * The management protocol against the real Perlbal 1.80: the same lines to both, the same
 * output back (ports mapped to their template names). Commands whose output is hash-ordered
 * or machine-specific are compared after the normalisation each case states.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ManageClient } from '../helpers/manage-client.js';
import { rawRequest } from '../helpers/raw-http.js';
import { havePerlbal, manageBoth, startBoth, type Server } from './harness.js';

const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-docroot-'));
fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello world\n');

const CONFIG = `
LOAD vhosts
CREATE POOL backends
  POOL backends ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:{{port:web}}
  SET docroot = ${docroot}
  SET dirindexing = 1
  SET persist_client = on
ENABLE web
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = backends
  SET persist_client = on
  SET persist_backend = on
  SET enable_reproxy = on
ENABLE proxy
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:{{port:sel}}
  SET plugins = vhosts
  VHOST www.example.com = web
ENABLE sel
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

describe.runIf(havePerlbal())('management protocol vs Perlbal 1.80', () => {
  let servers: { perlbal: Server; ours: Server };
  let sessions: { perlbal: ManageClient; ours: ManageClient };

  beforeEach(async () => {
    servers = await startBoth(CONFIG);
    sessions = { perlbal: await servers.perlbal.manage(), ours: await servers.ours.manage() };
  });

  const same = async (line: string, mode: 'multi' | 'line' | 'drain' = 'multi'): Promise<string[]> => {
    const r = await manageBoth(sessions, servers, line, mode);
    expect(r.ours, `'${line}'`).toEqual(r.perlbal);
    return r.ours;
  };

  it('answers the listing commands identically', async () => {
    for (const cmd of [
      'show service',
      'show service web',
      'show service proxy',
      'show service sel',
      'show service mgmt',
      'show pool',
      'show pool backends',
      'help',
      'plugins',
      'backends',
      'pending',
      'noverify',
      'nodes',
      'node 127.0.0.1:9',
      'aio',
      'obj',
      'track',
      'gladiator',
      'state changes',
      'states',
      'mime',
      'mime list',
    ]) {
      await same(cmd);
    }
  });

  it('reports errors identically', async () => {
    for (const cmd of [
      'show service nosuch',
      'show pool nosuch',
      'show foo',
      'states nosuch',
      'leaks',
      'help me',
      'uptime now',
      'state foo',
      'frobnicate',
      'pools',
      'set',
      'set persist_client = maybe',
      'set foo.nosuch = 1',
      'set web.listen = abc',
      'set proxy.pool = nosuch',
      'set proxy.docroot = /tmp',
      'set web.ssl_key_file = /tmp',
      'set web.ssl_cert_file = /tmp',
      'SET PROXY.queue_relief_chance = 101',
      'set proxy.connect_ahead = -1',
      'set extra.blah = 1',
      "set balance_method = 'random'",
      'pool add 127.0.0.1:9',
      'pool backends frob 127.0.0.1',
      'disable mgmt',
      'enable web',
      'server frob = 1',
      'server aio_mode = linux',
      'server pidfile = /tmp/x.pid',
      'header web insert X-Foo',
      'reload vhosts',
      'reload nosuch',
      'shutdown graceful x',
      'verbose maybe',
      'use nosuch',
      'create service',
      'mime frob',
      'mime set foo',
      'mime remove nosuchext',
      'prof',
      'xs enable foo bar',
      '!!!',
    ]) {
      await same(cmd, 'line');
    }
  });

  it('changes the running config with the same replies', async () => {
    await same('create service foo', 'line');
    await same('show service foo');
    await same('create pool foo', 'line');
    await same('set foo buffer_size = 2k', 'line');
    await same('create pool p2', 'line');
    await same('pool add p2 127.0.0.2', 'line');
    await same('pool p2 add 127.0.0.3:81', 'line');
    await same('pool p2 remove 127.0.0.2', 'line');
    await same('show pool p2');
    await same('set p2.nodefile = /nonexistent', 'line');
    await same('use foo', 'line');
    await same('set role = reverse_proxy', 'line');
    await same('set pool = p2', 'line');
    await same('show service foo');
    await same('show pool');
    await same('header foo insert X-Added: Yes', 'line');
    await same('header foo remove User-Agent', 'line');
    await same('default persist_client = on', 'line');
    await same('mime set foo application/x-foo', 'line');
    await same('mime remove foo', 'line');
    await same('mime remove foo', 'line');
    await same('enable foo', 'line');
    await same('disable foo', 'line');
    await same('disable foo', 'line');
    await same('prof on', 'line');
    await same('prof off', 'line');
    // Perlbal's profiler times Danga::Socket event handlers; ours has none (docs/compatibility.md).
    expect((await manageBoth(sessions, servers, 'prof data')).ours).toEqual(['.']);
    await same('unload nothing', 'line');
  });

  it('is silent where Perlbal is silent', async () => {
    await same('verbose off', 'drain');
    await same('create pool p3', 'drain');
    await same('', 'drain');
    await same('# just a comment', 'drain');
    await same('verbose on', 'line');
  });

  it('lists sockets alike (socks, socks summary, and the /socks page)', async () => {
    // fds and ages differ between the two processes, and so does the order fds come in; the
    // session's own client port is ephemeral. Perlbal lists a connection closed in the same
    // event-loop pass as `closed` (the harness's readiness probe, at times): left out.
    const lines = (out: string[]): string[] =>
      out
        .map((l) => l.replace(/^\s*\d+\s+\d+s /, '').replace(/open to 127\.0\.0\.1:\d+$/, 'open to 127.0.0.1:PEER'))
        .filter((l) => !l.endsWith(': closed'));
    for (const cmd of ['socks', 'socks all']) {
      const r = await manageBoth(sessions, servers, cmd);
      expect(r.ours[0]).toBe('   fd    age');
      expect(lines(r.ours).sort(), cmd).toEqual(lines(r.perlbal).sort());
    }
    await same('socks summary');
    await same('socks nosuchmode');
    // The page shows `socks summary` first, counted while the page's own request is open.
    const page = async (s: Server): Promise<string> => {
      const res = await rawRequest(s.port('mgmt'), 'GET /socks HTTP/1.0\r\n\r\n');
      return /<b>socks summary<\/b><\/div>([^<]*)<\/pre>/.exec(res.text)?.[1] ?? res.text;
    };
    const [theirs, ours] = [await page(servers.perlbal), await page(servers.ours)];
    expect(ours).toBe(theirs);
    expect(ours).toMatch(/Perlbal::TCPListener\nAggregate write buffer: 0\.0k\n {12}Open files: 0\n\.\n$/);
  });

  it('serves the page to an HTTP/1.1 request without Host, which Perlbal drops (a deliberate difference)', async () => {
    const req = 'GET / HTTP/1.1\r\n\r\n';
    const [theirs, ours] = [await rawRequest(servers.perlbal.port('mgmt'), req), await rawRequest(servers.ours.port('mgmt'), req)];
    // Perlbal's header parser refuses HTTP/1.1 without Host and the connection just closes.
    expect(theirs.text).toBe('');
    expect(theirs.closed).toBe(true);
    expect(ours.closed).toBe(true);
    expect(ours.text).toMatch(/^HTTP\/1\.0 200 OK\r\nContent-type: text\/html\r\n/);
    // With Host, both answer the same page.
    const withHost = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n';
    const pages = [await rawRequest(servers.perlbal.port('mgmt'), withHost), await rawRequest(servers.ours.port('mgmt'), withHost)];
    expect(servers.ours.normalise(pages[1]!.text)).toBe(servers.perlbal.normalise(pages[0]!.text));
    expect(servers.ours.normalise(ours.text)).toBe(servers.perlbal.normalise(pages[0]!.text));
  });

  it('lists queues alike (Perlbal prints them in hash order)', async () => {
    const r = await manageBoth(sessions, servers, 'queues');
    expect([...r.ours].sort()).toEqual([...r.perlbal].sort());
  });

  it('prints uptime and proc in the same shape', async () => {
    const shape = (lines: string[]): string[] => lines.map((l) => l.replace(/\d+(\.\d+)?/g, 'N'));
    for (const cmd of ['uptime', 'version', 'proc']) {
      const r = await manageBoth(sessions, servers, cmd);
      expect(shape(r.ours), cmd).toEqual(shape(r.perlbal));
    }
  });

  it('dumps the same config (Perlbal prints services and pools in hash order)', async () => {
    const r = await manageBoth(sessions, servers, 'dumpconfig', 'drain');
    const blocks = (lines: string[]): string[] =>
      lines.join('\n').split('\n\n').map((b) => b.trim()).filter(Boolean).sort();
    expect(blocks(r.ours)).toEqual(blocks(r.perlbal));
  });

  it('closes on quit and on lines ending in exit, but not on QUIT', async () => {
    const r = await manageBoth(sessions, servers, 'QUIT', 'line');
    expect(r.ours).toEqual(r.perlbal);
    sessions.perlbal.send('noexit\r\n');
    sessions.ours.send('noexit\r\n');
    await Promise.all([sessions.perlbal.drain(300), sessions.ours.drain(300)]);
    expect(sessions.ours.closed).toBe(true);
    expect(sessions.perlbal.closed).toBe(true);
  });
});
