/**
 * Vpaths against the real Perlbal 1.80: a selector routes by regexes on the request URI
 * (query included, the regex lower-cased because it is written before `=`), first match
 * wins; a rule naming a service that doesn't exist answers 404 "Not Found (<name> not a
 * defined service)"; with no match `default_service` takes the request. Vpaths has no
 * dumpconfig, so `dumpconfig` shows its "isn't capable" line on both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  havePerlbal,
  manageBoth,
  sendBoth,
  startBoth,
  type Comparable,
  type Server,
} from './harness.js';
import { samePluginsListing } from './plugin-management.js';

function docroot(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-vpaths-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

const web = (name: string, dir: string): string => `
CREATE SERVICE ${name}
  SET role = web_server
  SET docroot = ${dir}
ENABLE ${name}
`;

function config(): string {
  const a = docroot({ 'static/a.txt': 'static a\n', 'x.txt': 'x from a\n', 'Big/b.txt': 'B\n' });
  const b = docroot({ 'other/o.txt': 'other o\n', 'x.txt': 'x from b\n' });
  return `
SERVER aio_mode = none
LOAD vpaths
${web('wa', a)}
${web('wb', b)}
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:{{port:sel}}
  SET plugins = vpaths
  VPATH ^/static/ = wa
  VPATH ^/other/ = wb
  VPATH ^/Big/ = wa
  VPATH ^/ghost = nosuch
  VPATH \\?from=b$ = wb
  VPATH ^/x = wa
ENABLE sel
CREATE SERVICE withdefault
  SET role = selector
  SET listen = 127.0.0.1:{{port:withdefault}}
  SET plugins = vpaths
  SET default_service = wb
  VPATH ^/static/ = wa
ENABLE withdefault
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;
}

const get = (uri: string): string => `GET ${uri} HTTP/1.0\r\nHost: example.com\r\n\r\n`;

async function same(
  servers: { perlbal: Server; ours: Server },
  port: string,
  uri: string,
): Promise<Comparable> {
  const r = await sendBoth(servers, port, get(uri));
  expect(r.ours, `${port} ${uri}`).toEqual(r.perlbal);
  expect(r.perlbal).toHaveLength(1);
  return r.perlbal[0]!;
}

describe.runIf(havePerlbal())('Vpaths vs Perlbal 1.80', () => {
  it('routes by the first matching regex, the query included', async () => {
    const servers = await startBoth(config(), ['sel', 'withdefault', 'mgmt']);
    expect((await same(servers, 'sel', '/static/a.txt')).body).toBe('static a\n');
    expect((await same(servers, 'sel', '/other/o.txt')).body).toBe('other o\n');
    // The query is part of what the regexes see, and rules are tried in order.
    expect((await same(servers, 'sel', '/x.txt?from=b')).body).toBe('x from b\n');
    expect((await same(servers, 'sel', '/x.txt?from=a')).body).toBe('x from a\n');
    expect((await same(servers, 'sel', '/static/missing.txt')).statusLine).toBe(
      'HTTP/1.0 404 Not Found',
    );
  });

  it('lower-cases the regex (it is written before `=`)', async () => {
    const servers = await startBoth(config(), ['sel', 'withdefault', 'mgmt']);
    // `^/Big/` became `^/big/`: /big/b.txt is routed to wa (which only has Big/b.txt, so
    // 404). Unrouted, it would get no answer at all (no default_service on sel).
    expect((await same(servers, 'sel', '/big/b.txt')).statusLine).toBe('HTTP/1.0 404 Not Found');
  });

  it('answers 404 for a rule whose service does not exist', async () => {
    const servers = await startBoth(config(), ['sel', 'withdefault', 'mgmt']);
    const res = await same(servers, 'sel', '/ghost/town');
    expect(res.statusLine).toBe('HTTP/1.0 404 Not Found');
    expect(res.body).toBe('<h1>404 - Not Found</h1>\nNot Found (nosuch not a defined service)');
  });

  it('sends unmatched requests to default_service', async () => {
    const servers = await startBoth(config(), ['sel', 'withdefault', 'mgmt']);
    expect((await same(servers, 'withdefault', '/static/a.txt')).body).toBe('static a\n');
    expect((await same(servers, 'withdefault', '/x.txt')).body).toBe('x from b\n');
  });

  it('lists the plugin in `plugins` and `dumpconfig` as Perlbal does', async () => {
    const servers = await startBoth(config(), ['sel', 'withdefault', 'mgmt']);
    expect(await samePluginsListing(servers)).toContain('sel Vpaths');
    // The sel block only: Perlbal prints default_service as Perlbal::Service=HASH(0x...).
    const sessions = { perlbal: await servers.perlbal.manage(), ours: await servers.ours.manage() };
    const dump = await manageBoth(sessions, servers, 'dumpconfig', 'drain');
    const sel = (lines: string[]): string | undefined =>
      lines
        .join('\n')
        .split('\n\n')
        .find((b) => b.startsWith('CREATE SERVICE sel'));
    expect(sel(dump.ours)).toBe(sel(dump.perlbal));
    expect(sel(dump.perlbal)).toContain("# Plugin 'Vpaths' isn't capable of dumping config.");
  });
});

describe.runIf(havePerlbal())('Vpaths: deliberate differences', () => {
  it('no matching rule and no default_service: a 404 instead of a hang', async () => {
    const servers = await startBoth(config(), ['sel', 'withdefault', 'mgmt']);
    const r = await sendBoth(servers, 'sel', get('/nothing/here'));
    expect(r.perlbal).toEqual([]);
    expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 404 Not Found');
    expect(r.ours[0]!.body).toBe('<h1>404 - Not Found</h1>\nNot Found (no service selected)');
  });
});
