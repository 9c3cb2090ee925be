/**
 * Cgilike (Perlbal::Plugin::Cgilike) with JavaScript handlers: PERLHANDLER names a function
 * of a module found beside the config (or in PERL5LIB); HANDLED, DECLINED, status codes,
 * POSTPONE_RESPONSE and promises, errors, and the request object's accessors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { rawOne } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { queryPairs } from '../../../proxy-core/src/node/plugins/cgilike/request.js';

const APP = `
exports.handler = function (r) {
  const p = r.path();
  if (p === '/') { r.print('<p>Hello, world</p>'); return r.HANDLED; }
  if (p === '/nothing') return;
  if (p === '/static.txt') return r.DECLINED;
  if (p.startsWith('/info')) {
    r.responseHeader('Content-type', 'text/plain');
    r.responseHeader('X-Handler', 'app');
    r.printf('%s %s\\n', r.method(), r.uri());
    r.print(JSON.stringify({ segments: r.pathSegments(), query: r.queryString(), args: r.queryArgs(), ua: r.requestHeader('User-Agent') }));
    return 0;
  }
  if (p === '/teapot') { r.responseStatusCode(418); r.print('short and stout'); return 0; }
  if (p === '/later') { setTimeout(() => { r.print('later'); r.endResponse(); }, 5); return r.POSTPONE_RESPONSE; }
  if (p === '/async') return new Promise((resolve) => setTimeout(() => { r.print('async'); resolve(); }, 5));
  if (p === '/async404') return Promise.resolve(404);
  if (p === '/die') throw new Error('kaboom');
  if (p === '/die-late') { r.print('partial'); throw new Error('late kaboom'); }
  return 404;
};
`;

function appDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cgilike-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'My'));
  fs.writeFileSync(path.join(dir, 'My', 'App.cjs'), APP);
  fs.mkdirSync(path.join(dir, 'docroot'));
  fs.writeFileSync(path.join(dir, 'docroot', 'static.txt'), 'from disk\n');
  return dir;
}

const conf = (handlerLines: string): string => `
LOAD cgilike
PERLREQUIRE = My::App
CREATE SERVICE cgilike
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = docroot
  SET plugins = cgilike
${handlerLines}
ENABLE cgilike
`;

async function start(handlerLines = '  PERLHANDLER = My::App::handler'): Promise<StartedCore> {
  return startCore(conf(handlerLines), { cwd: appDir() });
}

const get = (core: StartedCore, uri: string, headers = '') =>
  rawOne(core.port('cgilike'), `GET ${uri} HTTP/1.0\r\n${headers}\r\n`);

describe('Cgilike', () => {
  it('answers with what the handler prints: HTTP/1.0 200 OK, text/html, no length, then close', async () => {
    const core = await start();
    const res = await get(core, '/');
    expect(res.raw).toBe('HTTP/1.0 200 OK\r\nContent-type: text/html\r\n\r\n<p>Hello, world</p>');
    expect(res.closed).toBe(true);
  });

  it('gives the handler the request: uri, path segments, query, headers', async () => {
    const core = await start();
    const res = await get(core, '/info/a%20b?x=1&y=two+words;z', 'User-Agent: t\r\n');
    expect(res.raw).toMatch(
      /^HTTP\/1\.0 200 OK\r\nContent-type: text\/plain\r\nX-Handler: app\r\n\r\n/,
    );
    const [first, json] = res.body.toString().split('\n');
    expect(first).toBe('GET /info/a%20b?x=1&y=two+words;z');
    expect(JSON.parse(json!)).toEqual({
      segments: ['info', 'a b'],
      query: 'x=1&y=two+words;z',
      args: [
        ['x', '1'],
        ['y', 'two words'],
        ['z', ''],
      ],
      ua: 't',
    });
  });

  it('lets DECLINED requests through, and answers a returned status code', async () => {
    const core = await start();
    expect((await get(core, '/static.txt')).body.toString()).toBe('from disk\n');
    const missing = await get(core, '/nope');
    expect(missing.statusLine).toBe('HTTP/1.0 404 Not Found');
    expect(missing.body.toString()).toBe('<h1>404 - Not Found</h1>\n404');
    expect((await get(core, '/teapot')).raw).toBe(
      'HTTP/1.0 418 \r\nContent-type: text/html\r\n\r\nshort and stout',
    );
  });

  it('sends the head even when a HANDLED handler printed nothing (Perlbal sent nothing)', async () => {
    const core = await start();
    expect((await get(core, '/nothing')).raw).toBe(
      'HTTP/1.0 200 OK\r\nContent-type: text/html\r\n\r\n',
    );
  });

  it('supports POSTPONE_RESPONSE with endResponse(), and promises', async () => {
    const core = await start();
    expect((await get(core, '/later')).body.toString()).toBe('later');
    expect((await get(core, '/async')).body.toString()).toBe('async');
    expect((await get(core, '/async404')).status).toBe(404);
  });

  it('turns a throw into a 500, or a close once output started', async () => {
    const core = await start();
    const died = await get(core, '/die');
    expect(died.status).toBe(500);
    expect(died.body.toString()).toContain('Error in handler: kaboom');
    const late = await get(core, '/die-late');
    expect(late.raw).toBe('HTTP/1.0 200 OK\r\nContent-type: text/html\r\n\r\npartial');
    expect(late.closed).toBe(true);
  });

  it('answers 500 without a handler, or when the handler cannot be found', async () => {
    const none = await start('');
    const res = await get(none, '/');
    expect(res.status).toBe(500);
    expect(res.body.toString()).toContain('No perlhandler is configured for this service');
    const wrong = await start('  PERLHANDLER = My::App::nosuch');
    expect((await get(wrong, '/')).body.toString()).toContain(
      "Error in handler: Undefined subroutine &My::App::nosuch called (My::App exports no function 'nosuch')",
    );
    const gone = await start('  PERLHANDLER = No::Such::handler');
    expect((await get(gone, '/')).body.toString()).toContain(
      "Error in handler: Can't locate No::Such",
    );
  });

  it('finds modules in PERL5LIB too', async () => {
    const lib = appDir();
    const saved = process.env['PERL5LIB'];
    process.env['PERL5LIB'] = lib;
    onTestFinished(() => {
      if (saved === undefined) delete process.env['PERL5LIB'];
      else process.env['PERL5LIB'] = saved;
    });
    const core = await startCore(
      conf('  PERLHANDLER = My::App::handler').replace(
        'docroot = docroot',
        `docroot = ${lib}/docroot`,
      ),
    );
    expect((await get(core, '/')).body.toString()).toBe('<p>Hello, world</p>');
  });

  it('decodes query pairs like URI->query_form', () => {
    expect(queryPairs('a=1;b=%41+c&&d')).toEqual([
      ['a', '1'],
      ['b', 'A c'],
      ['d', ''],
    ]);
    expect(queryPairs(undefined)).toEqual([]);
  });
});
