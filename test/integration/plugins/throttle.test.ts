/**
 * Throttle at run time (Perlbal::Plugin::Throttle; its t/77 is entirely skipped upstream).
 * The decisions are asserted through the answers and Perlbal's log lines, never through
 * durations: allowed, delayed (held back from the backend), denied for concurrency,
 * banned (closed), denied while banned; log_only; path_regex; white and black lists from
 * files, reloaded by THROTTLE RELOAD; the observed IP of a trusted upstream.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ProxyCore } from '../../../proxy-core/src/node/core.js';
import { startCore } from '../../helpers/start-core.js';
import { rawOne, rawRequest } from '../../helpers/raw-http.js';
import { startBackend } from '../../helpers/test-backend.js';

async function setup(settings: string) {
  const be = await startBackend();
  const pb = await startCore(`
LOAD throttle
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
${settings}
  SET plugins = throttle
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  const logs: string[] = [];
  pb.core.on('log', (_level, message) => logs.push(message));
  const waitLog = async (text: string): Promise<void> => {
    for (let i = 0; i < 300 && !logs.includes(text); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(logs).toContain(text);
  };
  const port = pb.port('proxy');
  const get = (uri: string, extra = '') =>
    rawOne(port, `GET ${uri} HTTP/1.0\r\n${extra}\r\n`, 3000);
  return { pb, be, logs, waitLog, port, get };
}

describe('Throttle', () => {
  it('allows an unseen IP, delays it when it comes back, bans it, then denies it', async () => {
    const t = await setup('  SET initial_delay = 1\n  SET ban_threshold = 2');
    expect((await t.get('/a')).status).toBe(200);
    expect(t.logs).toContain('Allowed unseen 127.0.0.1');
    const delayed = t.get('/b');
    await t.waitLog('Throttling 127.0.0.1 for 1: /b');
    // Held back: the backend has not seen /b yet.
    expect(t.be.requests.map((r) => r.uri)).toEqual(['/a']);
    const banned = await rawRequest(t.port, 'GET /c HTTP/1.0\r\n\r\n', 2000);
    expect(banned).toMatchObject({ text: '', closed: true });
    expect(t.logs).toContain('Banning 127.0.0.1 for 60s: /c');
    const denied = await t.get('/d');
    expect(denied.status).toBe(403);
    expect(denied.body.toString()).toContain('Forbidden.');
    expect(t.logs).toContain('Denying banned IP 127.0.0.1');
    // The delayed request goes on after its delay.
    expect((await delayed).status).toBe(200);
    expect(t.be.requests.map((r) => r.uri)).toEqual(['/a', '/b']);
  });

  it('denies more than max_concurrent requests at once and releases the count afterwards', async () => {
    const t = await setup('  SET default_action = allow\n  SET max_concurrent = 1');
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    t.be.handle(async (req) =>
      req.uri === '/slow' ? (await held, { status: 200, body: 'slow\n' }) : undefined,
    );
    const slow = t.get('/slow');
    await t.be.waitFor((b) => b.requests.length === 1);
    const second = await t.get('/fast');
    expect(second.status).toBe(403);
    expect(second.body.toString()).toBe('<h1>403 - Forbidden</h1>\nForbidden.\n');
    expect(t.logs).toContain('Too many concurrent connections from 127.0.0.1');
    release();
    expect((await slow).status).toBe(200);
    expect((await t.get('/fast')).status).toBe(200);
    expect((await t.get('/fast')).status).toBe(200);
  });

  it('only logs in log_only mode: nothing is delayed, denied or closed', async () => {
    const t = await setup('  SET initial_delay = 30\n  SET ban_threshold = 2\n  SET log_only = on');
    for (const uri of ['/a', '/b', '/c']) expect((await t.get(uri)).status).toBe(200);
    expect(t.logs).toEqual(
      expect.arrayContaining([
        'Allowed unseen 127.0.0.1',
        'Throttling 127.0.0.1 for 30: /b',
        'Banning 127.0.0.1 for 60s: /c',
      ]),
    );
    expect(t.be.requests).toHaveLength(3);
  });

  it('throttles only requests matching path_regex and method_regex', async () => {
    const t = await setup(
      '  SET initial_delay = 30\n  SET path_regex = ^/api/\n  SET method_regex = ^POST$',
    );
    for (let i = 0; i < 3; i++) expect((await t.get('/api/x')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await t.get('/page')).status).toBe(200);
    expect(t.logs.filter((l) => l.startsWith('Throttling') || l.startsWith('Allowed'))).toEqual([]);
  });

  it('honours log_events', async () => {
    const t = await setup(
      '  SET default_action = allow\n  SET max_concurrent = 0\n  SET log_events = ban, unban',
    );
    expect((await t.get('/x')).status).toBe(403);
    expect(t.logs.filter((l) => l.includes('127.0.0.1'))).toEqual([]);
  });

  it('lets the whitelist through, denies or throttles the blacklist, and reloads the files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-throttle-'));
    const white = path.join(dir, 'white.txt');
    const black = path.join(dir, 'black.txt');
    fs.writeFileSync(white, '# trusted\n10.9.9.9\n');
    fs.writeFileSync(black, '127.0.0.0/8  # everyone here\n');
    const t = await setup(
      `  SET whitelist_file = ${white}\n  SET blacklist_file = ${black}\n  SET initial_delay = 30`,
    );
    expect((await t.get('/x')).status).toBe(403);
    expect(t.logs).toContain('Denying blacklisted IP 127.0.0.1');
    fs.writeFileSync(white, '127.0.0.1\n');
    const m = await t.pb.manage();
    await m.line('USE proxy');
    expect(await m.line('THROTTLE RELOAD WHITELIST')).toBe('OK');
    for (let i = 0; i < 3; i++) expect((await t.get('/x')).status).toBe(200);
    expect(t.logs).toContain('Letting whitelisted ip 127.0.0.1 through');
    expect(t.logs.some((l) => l.startsWith('Throttling'))).toBe(false);
  });

  it('throttles blacklisted IPs instead with blacklist_action = throttle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-throttle-'));
    const black = path.join(dir, 'black.txt');
    fs.writeFileSync(black, '127.0.0.1\n');
    const t = await setup(
      `  SET blacklist_file = ${black}\n  SET blacklist_action = throttle\n  SET default_action = allow`,
    );
    expect((await t.get('/x')).status).toBe(200);
    expect(t.logs).toEqual(
      expect.arrayContaining(['Throttling blacklisted IP 127.0.0.1', 'Allowed unseen 127.0.0.1']),
    );
  });

  it('logs a list file it cannot use and carries on without it (Perlbal refuses SET plugins)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-throttle-'));
    const black = path.join(dir, 'black.txt');
    fs.writeFileSync(black, '# nothing listed yet\n');
    const t = await setup(`  SET blacklist_file = ${black}\n  SET default_action = allow`);
    expect((await t.get('/x')).status).toBe(200);
    expect(t.logs).toContain(
      `Throttle on service proxy: blacklist_file: ${black} contains no recognizable CIDRs`,
    );
  });

  it('keeps its state in memory when memcached_servers is set (logged)', async () => {
    const core = new ProxyCore();
    onTestFinished(() => core.close());
    const logs: string[] = [];
    core.on('log', (_level, message) => logs.push(message));
    await core.loadConfig(
      'LOAD throttle\nCREATE SERVICE proxy\n SET role = reverse_proxy\n SET memcached_servers = 127.0.0.1:11211\n SET plugins = throttle\n',
    );
    expect(logs).toContain(
      'Throttle on service proxy: memcached_servers is not supported; state is kept in memory',
    );
  });

  it('judges the observed IP of a trusted upstream', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-throttle-'));
    const black = path.join(dir, 'black.txt');
    fs.writeFileSync(black, '1.2.3.4\n');
    const t = await setup(
      `  SET always_trusted = on\n  SET blacklist_file = ${black}\n  SET default_action = allow`,
    );
    expect((await t.get('/x', 'X-Forwarded-For: 1.2.3.4\r\n')).status).toBe(403);
    expect(t.logs).toContain('Denying blacklisted IP 1.2.3.4');
    expect((await t.get('/x', 'X-Forwarded-For: 5.6.7.8\r\n')).status).toBe(200);
    expect((await t.get('/x')).status).toBe(200);
  });
});
