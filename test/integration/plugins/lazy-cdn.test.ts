/**
 * LazyCDN (Perlbal::Plugin::LazyCDN): a web_server hands missing files, and files older than
 * the `?v=` a URL asks for, to its fallback reverse_proxy; `??` lists too; the URI is pinged
 * over UDP; a kept-alive connection comes back to the web server afterwards.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RawConnection, rawOne } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

/** mtime of the docroot's files (2001-09-09). */
const MTIME = 1_000_000_000;

function docroot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-lazycdn-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, body] of [
    ['here.css', 'local{}\n'],
    ['a.js', 'a;\n'],
    ['b.js', 'b;\n'],
  ]) {
    fs.writeFileSync(path.join(dir, name!), body!);
    fs.utimesSync(path.join(dir, name!), MTIME, MTIME);
  }
  return dir;
}

async function start(extra = ''): Promise<{ core: StartedCore; backend: TestBackend }> {
  const backend = await startBackend();
  backend.handle((req) => ({ status: 200, body: `origin ${req.uri}\n`, keepAlive: true }));
  const core = await startCore(`
LOAD LazyCDN
CREATE POOL origin
  POOL origin ADD ${backend.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET pool = origin
  SET persist_backend = on
ENABLE proxy
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${docroot()}
  SET persist_client = on
  SET enable_concatenate_get = on
  SET fallback_service = proxy
  SET plugins = LazyCDN
${extra}
ENABLE web
`);
  return { core, backend };
}

const get = async (core: StartedCore, uri: string): Promise<string> =>
  (await rawOne(core.port('web'), `GET ${uri} HTTP/1.0\r\n\r\n`)).body.toString();

describe('LazyCDN', () => {
  it('serves local files and hands missing ones to the fallback service', async () => {
    const { core, backend } = await start();
    expect(await get(core, '/here.css')).toBe('local{}\n');
    expect(await get(core, '/missing.css?x=1')).toBe('origin /missing.css?x=1\n');
    expect(await get(core, '/??a.js,gone.js')).toBe('origin /??a.js,gone.js\n');
    expect(await get(core, '/??a.js,b.js')).toBe('a;\nb;\n');
    expect(backend.requests.map((r) => r.uri)).toEqual(['/missing.css?x=1', '/??a.js,gone.js']);
  });

  it('hands off a file older than the ?v= asked for, and serves one that is new enough', async () => {
    const { core } = await start();
    expect(await get(core, `/here.css?v=${MTIME + 1}`)).toBe(`origin /here.css?v=${MTIME + 1}\n`);
    expect(await get(core, `/here.css?v=${MTIME}`)).toBe('local{}\n');
    expect(await get(core, '/here.css?v=0')).toBe('local{}\n');
    expect(await get(core, `/here.css?xv=${MTIME + 1}`)).toBe('local{}\n');
    expect(await get(core, `/??a.js,b.js?v=${MTIME + 5}`)).toBe(
      `origin /??a.js,b.js?v=${MTIME + 5}\n`,
    );
  });

  it('pings the URI over UDP', async () => {
    const udp = dgram.createSocket('udp4');
    onTestFinished(() => void udp.close());
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const got = new Promise<string>((r) => udp.once('message', (m) => r(m.toString())));
    const { core } = await start(`  SET fallback_udp_ping_addr = 127.0.0.1:${udp.address().port}`);
    expect(await get(core, '/nothere.png')).toBe('origin /nothere.png\n');
    expect(await got).toBe('/nothere.png');
  });

  it('returns a kept-alive connection to the web server after a hand-off', async () => {
    const { core } = await start();
    const conn = await RawConnection.open(core.port('web'));
    onTestFinished(() => conn.close());
    const ask = async (uri: string): Promise<string> => {
      conn.write(`GET ${uri} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`);
      return (await conn.read(5000)).body.toString();
    };
    expect(await ask('/missing.css')).toBe('origin /missing.css\n');
    expect(await ask('/here.css')).toBe('local{}\n');
    expect(conn.closed).toBe(false);
  });

  it('answers 404 when the fallback service does not exist', async () => {
    const { core } = await start('  SET fallback_service = nosuch');
    const res = await rawOne(core.port('web'), 'GET /missing.css HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(404);
  });
});
