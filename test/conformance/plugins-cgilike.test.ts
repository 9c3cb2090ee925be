/**
 * Cgilike against the real Perlbal 1.80: the same handler written twice, in Perl
 * (`PbConf/App.pm`, run by Perlbal) and in JavaScript (`PbConf/App.cjs`, run by us), both
 * found through PERL5LIB; the answers to the same requests must match. The deliberate
 * difference (a HANDLED handler that printed nothing) is asserted on its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { havePerlbal, sendBoth, startBoth, type Comparable, type Server } from './harness.js';
import { sameDumpconfig, samePluginsListing } from './plugin-management.js';

const PERL = `package PbConf::App;
use strict;
sub handler {
    my ($r) = @_;
    my $p = $r->path;
    if ($p eq '/') { print "<p>Hello, world</p>"; return Perlbal::Plugin::Cgilike::HANDLED; }
    if ($p eq '/static.txt') { return Perlbal::Plugin::Cgilike::DECLINED; }
    if ($p eq '/info') {
        $r->response_header('Content-type', 'text/plain');
        my @seg = $r->path_segments;
        print join('|', $r->method, $r->query_string, $r->request_header->header('X-Test'), @seg);
        return 0;
    }
    if ($p eq '/teapot') { $r->response_status_code(418); $r->response_header('X-Handler', 'app'); print "short"; return 0; }
    if ($p eq '/nothing') { return 0; }
    if ($p eq '/die') { die "kaboom\\n"; }
    return 404;
}
1;
`;

const JS = `
exports.handler = function (r) {
  const p = r.path();
  if (p === '/') { r.print('<p>Hello, world</p>'); return r.HANDLED; }
  if (p === '/static.txt') return r.DECLINED;
  if (p === '/info') {
    r.responseHeader('Content-type', 'text/plain');
    r.print([r.method(), r.queryString(), r.requestHeader('X-Test'), ...r.pathSegments()].join('|'));
    return 0;
  }
  if (p === '/teapot') { r.responseStatusCode(418); r.responseHeader('X-Handler', 'app'); r.print('short'); return 0; }
  if (p === '/nothing') return 0;
  if (p === '/die') throw new Error('kaboom\\n');
  return 404;
};
`;

const conf = (docroot: string, handler = '  PERLHANDLER = PbConf::App::handler'): string => `
LOAD cgilike
PERLREQUIRE = PbConf::App
CREATE SERVICE cgi
  SET role = web_server
  SET listen = 127.0.0.1:{{port:cgi}}
  SET docroot = ${docroot}
  SET plugins = cgilike
${handler}
ENABLE cgi
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

describe.runIf(havePerlbal())('Cgilike vs Perlbal 1.80', () => {
  let lib: string;
  let saved: string | undefined;

  beforeAll(() => {
    lib = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-cgi-'));
    fs.mkdirSync(path.join(lib, 'PbConf'));
    fs.writeFileSync(path.join(lib, 'PbConf', 'App.pm'), PERL);
    fs.writeFileSync(path.join(lib, 'PbConf', 'App.cjs'), JS);
    fs.mkdirSync(path.join(lib, 'docroot'));
    fs.writeFileSync(path.join(lib, 'docroot', 'static.txt'), 'from disk\n');
    // Both find their module through PERL5LIB: Perlbal's child inherits it, ours reads it.
    saved = process.env['PERL5LIB'];
    process.env['PERL5LIB'] = lib;
  });

  afterAll(() => {
    if (saved === undefined) delete process.env['PERL5LIB'];
    else process.env['PERL5LIB'] = saved;
    fs.rmSync(lib, { recursive: true, force: true });
  });

  async function start(handler?: string): Promise<{ perlbal: Server; ours: Server }> {
    return startBoth(conf(path.join(lib, 'docroot'), handler), ['cgi', 'mgmt']);
  }

  async function same(
    servers: { perlbal: Server; ours: Server },
    request: string,
  ): Promise<Comparable> {
    const r = await sendBoth(servers, 'cgi', request);
    expect(r.ours, JSON.stringify(request)).toEqual(r.perlbal);
    expect(r.perlbal).toHaveLength(1);
    return r.perlbal[0]!;
  }

  it('answers HANDLED, DECLINED, status codes and dies the same way', async () => {
    const servers = await start();
    const hello = await same(servers, 'GET / HTTP/1.0\r\n\r\n');
    expect(hello).toMatchObject({
      statusLine: 'HTTP/1.0 200 OK',
      body: '<p>Hello, world</p>',
      closed: true,
    });
    await same(servers, 'GET /info/a%20b/c?x=1&y=2 HTTP/1.0\r\nX-Test: yes\r\n\r\n');
    expect((await same(servers, 'GET /static.txt HTTP/1.0\r\n\r\n')).body).toBe('from disk\n');
    expect((await same(servers, 'GET /teapot HTTP/1.0\r\n\r\n')).statusLine).toBe('HTTP/1.0 418 ');
    expect((await same(servers, 'GET /elsewhere HTTP/1.0\r\n\r\n')).statusLine).toBe(
      'HTTP/1.0 404 Not Found',
    );
    expect((await same(servers, 'GET /die HTTP/1.0\r\n\r\n')).body).toContain(
      'Error in handler: kaboom',
    );
  });

  it('answers 500 when no PERLHANDLER is set', async () => {
    const servers = await start('');
    expect((await same(servers, 'GET / HTTP/1.0\r\n\r\n')).body).toContain(
      'No perlhandler is configured for this service',
    );
  });

  it('shows the plugin in `plugins` and `dumpconfig`', async () => {
    const servers = await start();
    expect(await samePluginsListing(servers)).toContain('cgi Cgilike');
    await sameDumpconfig(servers);
  });

  it('differs on purpose: a HANDLED handler that printed nothing still gets a head', async () => {
    const servers = await start();
    const r = await sendBoth(servers, 'cgi', 'GET /nothing HTTP/1.0\r\n\r\n');
    expect(r.perlbal).toEqual([]);
    expect(r.ours).toEqual([
      {
        statusLine: 'HTTP/1.0 200 OK',
        headers: [['Content-type', 'text/html']],
        body: '',
        closed: true,
      },
    ]);
  });
});
