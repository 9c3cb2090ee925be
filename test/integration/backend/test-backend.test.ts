/**
 * The test backend (test/helpers/test-backend.ts) on its own: Perlbal::Test::WebServer's
 * commands and response bytes, what it records, the custom misbehaviours, the same bytes as
 * the original Perl module for the same requests, and the real Perlbal 1.80 in front of it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { havePerlbal, startPerlbal } from '../../conformance/harness.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

const PERL_WEBSERVER = '/usr/share/perl5/Perlbal/Test/WebServer.pm';

/** Everything the server sends until it closes or resets (or 300 ms of silence). */
async function exchange(port: number, data: string): Promise<{ text: string; closed: boolean }> {
  const sock = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), 300);
    };
    sock.on('connect', () => {
      sock.write(data);
      arm();
    });
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      arm();
    });
    sock.on('end', () => done(true));
    sock.on('error', () => done(true));
  });
}

const status = (pid: number, reqnum: number, extra: Partial<Record<'method' | 'length' | 'buffered' | 'options', string>> = {}): string =>
  `pid = ${pid}\nreqnum = ${reqnum}\nmethod = ${extra.method ?? 'GET'}\nlength = ${extra.length ?? '0'}\nbuffered = ${extra.buffered ?? ''}\noptions = ${extra.options ?? '0'}\n`;

const ok = (body: string, conn: 'close' | 'keep-alive' = 'close', extra = ''): string =>
  `HTTP/1.0 200 OK\r\nConnection: ${conn}\nContent-Length: ${body.length}\r\n${extra}Content-Type: text/plain\r\n\r\n${body}`;

describe('test backend: Perlbal::Test::WebServer commands', () => {
  it('answers status over HTTP/1.0 with a bare-LF Connection line, then closes', async () => {
    const b = await startBackend();
    const r = await exchange(b.port, 'GET /status HTTP/1.0\r\n\r\n');
    expect(r.text).toBe(ok(status(1, 1)));
    expect(r.closed).toBe(true);
  });

  it('keeps HTTP/1.1 and HTTP/1.0 keep-alive connections, counting requests per connection', async () => {
    const b = await startBackend({ pidBase: 100 });
    const r = await exchange(
      b.port,
      'GET /status HTTP/1.1\r\nHost: x\r\n\r\nGET /status HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /reqdecr,status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(r.text).toBe(ok(status(101, 1), 'keep-alive') + ok(status(101, 2), 'keep-alive') + ok(status(101, 2)));
    expect(r.closed).toBe(true);
    expect(b.connections).toBe(1);
  });

  it('builds the status line when a command runs: status,keepalive:0 says keep-alive and closes', async () => {
    const b = await startBackend();
    const forced = await exchange(b.port, 'GET /keepalive:0,status HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(forced.text).toBe(ok(status(1, 1)));
    expect(forced.closed).toBe(true);
    const late = await exchange(b.port, 'GET /status,keepalive:0 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(late.text).toBe(ok(status(2, 1), 'keep-alive'));
    expect(late.closed).toBe(true);
    const kept = await exchange(b.port, 'GET /keepalive:1,status HTTP/1.0\r\n\r\n');
    expect(kept.text).toBe(ok(status(3, 1), 'keep-alive'));
    expect(kept.closed).toBe(false);
  });

  it('answers OPTIONS with 200 and remembers it on the connection; reqnum counts it', async () => {
    const b = await startBackend();
    const r = await exchange(b.port, 'OPTIONS * HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /status HTTP/1.0\r\n\r\n');
    expect(r.text).toBe(ok('', 'keep-alive') + ok(status(1, 2, { options: '1' })));
    expect(b.optionsSeen).toBe(1);
    expect(b.requests.map((q) => q.isOptions)).toEqual([true, false]);
  });

  it('reads a POST body of Content-Length bytes and records it with the exact head', async () => {
    const b = await startBackend();
    const head = 'POST /status HTTP/1.0\r\nHost: h\r\nX-Two:  spaced \r\nContent-Length: 5\r\n\r\n';
    const r = await exchange(b.port, `${head}helloEXTRA`);
    expect(r.text).toBe(ok(status(1, 1, { method: 'POST', length: '5' })));
    const [q] = b.requests;
    expect(q!.head.toString('latin1')).toBe(head);
    expect(q!.body.toString()).toBe('hello');
    expect(q!).toMatchObject({ connection: 1, method: 'POST', uri: '/status', version: '1.0', requestLine: 'POST /status HTTP/1.0' });
    expect(q!.headers).toEqual([
      ['Host', 'h'],
      ['X-Two', 'spaced '],
      ['Content-Length', '5'],
    ]);
  });

  it('dies without answering a GET that announces a body', async () => {
    const b = await startBackend();
    const r = await exchange(b.port, 'GET /status HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc');
    expect(r).toEqual({ text: '', closed: true });
    expect(b.requests).toHaveLength(1);
  });

  it('reproxy commands: reproxy_url is a 204, reproxy_url204 a 200, multi and file', async () => {
    const b = await startBackend();
    const url = await exchange(b.port, 'GET /reproxy_url:http://127.0.0.1:9/x HTTP/1.0\r\n\r\n');
    expect(url.text).toBe('HTTP/1.0 204 No Content\r\nConnection: close\nContent-Length: 0\r\nX-Reproxy-URL: http://127.0.0.1:9/x\r\n\r\n');
    const url200 = await exchange(b.port, 'GET /reproxy_url204:http://127.0.0.1:9/x HTTP/1.0\r\n\r\n');
    expect(url200.text).toBe(ok('', 'close', 'X-Reproxy-URL: http://127.0.0.1:9/x\r\n'));
    const multi = await exchange(b.port, 'GET /reproxy_url_multi:7:8:/p.txt HTTP/1.0\r\n\r\n');
    expect(multi.text).toBe(ok('', 'close', 'X-Reproxy-URL: http://127.0.0.1:7/p.txt http://127.0.0.1:8/p.txt\r\n'));
    const file = await exchange(b.port, 'GET /reproxy_file:/tmp/f.txt HTTP/1.0\r\n\r\n');
    expect(file.text).toBe(ok('', 'close', 'X-Reproxy-File: /tmp/f.txt\r\n'));
  });

  it('reproxy_url_cached records the signal it would send and repeats Content-Type', async () => {
    const b = await startBackend();
    const r = await exchange(b.port, 'GET /reproxy_url_cached:1:http://127.0.0.1:9/x HTTP/1.0\r\n\r\n');
    expect(r.text).toBe(
      ok('', 'close', 'X-Reproxy-URL: http://127.0.0.1:9/x\r\nX-Reproxy-Cache-For: 1; Last-Modified Content-Type\r\nLast-Modified: 199\r\nContent-Type: application/badger\r\n'),
    );
    await exchange(b.port, 'GET /kill:42:USR1,status HTTP/1.0\r\n\r\n');
    expect(b.signals).toEqual([
      { pid: 0, sig: 'USR1' },
      { pid: 42, sig: 'USR1' },
    ]);
  });

  it('reflect_request_headers answers with the headers as HTTP::Headers prints them', async () => {
    const b = await startBackend();
    const r = await exchange(b.port, 'GET /reflect_request_headers HTTP/1.0\r\nx-foo: 1\r\nHost: h\r\nUser-Agent: u\r\nX-Foo: 2\r\nzz_top: 3\r\n\r\n');
    expect(r.text).toBe(ok('Host: h\nUser-Agent: u\nX-Foo: 1\nX-Foo: 2\nZz_top: 3\n'));
  });

  it('decodes the path (+ and %XX), ignores unknown commands, and gives 500 to what it cannot parse', async () => {
    const b = await startBackend();
    expect((await exchange(b.port, 'GET /nothing%2Cstatus+ HTTP/1.0\r\n\r\n')).text).toBe(ok(status(1, 1)));
    expect((await exchange(b.port, 'GET / HTTP/1.0\r\n\r\n')).text).toBe(ok(''));
    expect((await exchange(b.port, 'GET /sleep:0.01,STATUS HTTP/1.0\r\n\r\n')).text).toBe(ok(''));
    const e500 = 'HTTP/1.0 500 Internal Server Error\r\nConnection: close\nContent-Length: 0\r\nContent-Type: text/plain\r\n\r\n';
    expect((await exchange(b.port, 'get /status HTTP/1.0\r\n\r\n')).text).toBe(e500);
    expect((await exchange(b.port, 'GET /status HTTP/1.2\r\n\r\n')).text).toBe(e500);
    expect((await exchange(b.port, '\r\nGET /status HTTP/1.0\r\n\r\n')).text).toBe(e500);
  });

  it('subreq:<port> asks another server for its status and reports both pids', async () => {
    const a = await startBackend({ pidBase: 10 });
    const other = await startBackend({ pidBase: 20 });
    const r = await exchange(a.port, `GET /subreq:${other.port} HTTP/1.0\r\n\r\n`);
    expect(r.text).toBe(ok('pid = 11\nsubpid = 21\nreqnum = 1\n'));
    expect(other.requests.map((q) => q.headText)).toEqual(['GET /status HTTP/1.0\r\nConnection: close\r\n\r\n']);
  });
});

describe('test backend: custom replies', () => {
  it('formats a status reply like the Perl backend, and keeps the connection as the request asked', async () => {
    const b = await startBackend();
    b.handle(() => ({ status: 404, reason: 'Nope', headers: [['X-A', '1']], body: 'gone' }));
    const r = await exchange(b.port, 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(r.text).toBe('HTTP/1.0 404 Nope\r\nConnection: keep-alive\nContent-Length: 4\r\nX-A: 1\r\nContent-Type: text/plain\r\n\r\ngone');
    expect(r.closed).toBe(false);
  });

  it('sends raw bytes (a garbage status line, short or long bodies) and then closes, keeps or resets', async () => {
    const b = await startBackend();
    b.handle((req) =>
      req.uri === '/short'
        ? { raw: 'HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc', then: 'close' }
        : req.uri === '/long'
          ? { raw: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nabcdef', then: 'keep' }
          : { raw: 'HTTP/1.1 200\r\n\r\n', then: 'reset' },
    );
    expect(await exchange(b.port, 'GET /short HTTP/1.0\r\n\r\n')).toEqual({ text: 'HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc', closed: true });
    expect(await exchange(b.port, 'GET /long HTTP/1.0\r\n\r\n')).toEqual({ text: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nabcdef', closed: false });
    expect(await exchange(b.port, 'GET /garbage HTTP/1.0\r\n\r\n')).toEqual({ text: 'HTTP/1.1 200\r\n\r\n', closed: true });
  });

  it('hangs, resets or closes instead of answering, and drips bytes slowly', async () => {
    const b = await startBackend();
    b.handle((req) => (req.uri === '/hang' ? 'hang' : req.uri === '/reset' ? 'reset' : req.uri === '/close' ? 'close' : { drip: 'HTTP/1.0 204 No Content\r\n\r\n', bytes: 8, intervalMs: 5 }));
    expect(await exchange(b.port, 'GET /hang HTTP/1.0\r\n\r\n')).toEqual({ text: '', closed: false });
    expect(await exchange(b.port, 'GET /reset HTTP/1.0\r\n\r\n')).toEqual({ text: '', closed: true });
    expect(await exchange(b.port, 'GET /close HTTP/1.0\r\n\r\n')).toEqual({ text: '', closed: true });
    expect(await exchange(b.port, 'GET /drip HTTP/1.0\r\n\r\n')).toEqual({ text: 'HTTP/1.0 204 No Content\r\n\r\n', closed: true });
    expect(b.requests.map((q) => q.uri)).toEqual(['/hang', '/reset', '/close', '/drip']);
  });

  it('leaves OPTIONS to the standard answer unless asked; falls back when the handler returns nothing', async () => {
    const b = await startBackend();
    b.handle((req) => (req.uri === '/mine' ? { status: 200, body: 'mine' } : undefined));
    const r = await exchange(b.port, 'OPTIONS /mine HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /status HTTP/1.0\r\n\r\n');
    expect(r.text).toBe(ok('', 'keep-alive') + ok(status(1, 2, { options: '1' })));
    b.handle(() => 'close', { includeOptions: true });
    expect(await exchange(b.port, 'OPTIONS * HTTP/1.0\r\n\r\n')).toEqual({ text: '', closed: true });
  });

  it('can refuse connections outright, and close() ends every socket', async () => {
    const b = await startBackend();
    b.onConnect = 'reset';
    expect(await exchange(b.port, 'GET /status HTTP/1.0\r\n\r\n')).toEqual({ text: '', closed: true });
    b.onConnect = 'hang';
    const sock = net.connect(b.port, '127.0.0.1');
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sock.on('error', () => {});
    await b.waitFor((x) => x.connections === 2 && x.openConnections === 1);
    await b.close();
    await closed;
    expect(b.connections).toBe(2);
    expect(b.requests).toHaveLength(0);
  });
});

/** The original module, run by perl on 127.0.0.1 with one forked child per connection. */
const PERL_SERVER = `
use strict; use IO::Socket::INET; use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Perlbal::Test::WebServer;
$SIG{CHLD} = 'IGNORE';
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, ReuseAddr => 1, Listen => 10) or die "listen: $!";
$| = 1; print $l->sockport, "\\n";
while (my $c = $l->accept) {
  next if fork;
  setsockopt($c, IPPROTO_TCP, TCP_NODELAY, pack("l", 1));
  Perlbal::Test::WebServer::serve_client($c); exit 0;
}`;

async function startPerlWebServer(): Promise<number> {
  const child = spawn('perl', ['-e', PERL_SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.on('exit', (code) => reject(new Error(`perl exited ${code}`)));
  });
}

describe.runIf(fs.existsSync(PERL_WEBSERVER))('test backend vs Perlbal::Test::WebServer itself', () => {
  it('sends the same bytes for the same requests (pids aside)', async () => {
    const perlPort = await startPerlWebServer();
    const ours: TestBackend = await startBackend();
    const cases = [
      'GET /status HTTP/1.0\r\n\r\n',
      'GET /status HTTP/1.1\r\nHost: x\r\n\r\nGET /status,keepalive:0 HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /keepalive:0,status HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /keepalive:1,status HTTP/1.0\r\n\r\n',
      'OPTIONS * HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /reqdecr,status HTTP/1.0\r\n\r\n',
      'POST /status HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello',
      'POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /status HTTP/1.0\r\n\r\n',
      'GET /status HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc',
      'GET /status HTTP/1.0\r\nConnection: Keep-Alive\r\nX-PERLBAL-BUFFERED-UPLOAD-REASON: size\r\n\r\n',
      'GET /status HTTP/1.0\n\n',
      '\r\nGET /status HTTP/1.0\r\n\r\n',
      'GET / HTTP/1.0\r\n\r\n',
      'get /status HTTP/1.0\r\n\r\n',
      'GET /status HTTP/1.2\r\n\r\n',
      'GET /x%2Cstatus+,sleep:0.01 HTTP/1.0\r\n\r\n',
      'GET /reproxy_url:http://127.0.0.1:9/x HTTP/1.0\r\n\r\n',
      'GET /reproxy_url204:http://127.0.0.1:9/x HTTP/1.0\r\n\r\n',
      'GET /reproxy_url_multi:7:8:/p.txt HTTP/1.0\r\n\r\n',
      'GET /reproxy_file:/tmp/x,status HTTP/1.0\r\n\r\n',
      'GET /reflect_request_headers HTTP/1.0\r\nx-b: 1\r\nHost: h\r\nAccept: */*\r\nX-B: 2\r\nx_c:3\r\nX-Long: a\r\n  b\r\nConnection: close\r\n\r\n',
    ];
    for (const c of cases) {
      const [p, o] = await Promise.all([exchange(perlPort, c), exchange(ours.port, c)]);
      // Real pids have other lengths than connection numbers: Content-Length follows them.
      const norm = (t: string): string =>
        t.includes('pid = ') ? t.replace(/^pid = \d+$/gm, 'pid = N').replace(/Content-Length: \d+/g, 'Content-Length: N') : t;
      expect({ text: norm(o.text), closed: o.closed }, JSON.stringify(c)).toEqual({ text: norm(p.text), closed: p.closed });
    }
  });
});

describe.runIf(havePerlbal())('test backend behind the real Perlbal 1.80', () => {
  it('serves a verified, kept-alive reverse proxy and records what Perlbal sent', async () => {
    const b = await startBackend();
    const pb = await startPerlbal(
      `CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_client = on
  SET persist_backend = on
  SET verify_backend = on
ENABLE proxy
`,
      ['proxy'],
      { ports: { backend: b.port } },
    );
    const first = await exchange(pb.port('proxy'), 'GET /status HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(first.text).toContain('HTTP/1.0 200 OK\r\n');
    expect(first.text).toContain(status(1, 2, { options: '1' }));
    const second = await exchange(pb.port('proxy'), 'GET /reflect_request_headers HTTP/1.0\r\nX-Forwarded-For: 9.9.9.9\r\n\r\n');
    expect(second.text).toContain('Connection: keep-alive\nX-Forwarded-For: 127.0.0.1\n');
    expect(b.connections).toBe(1);
    expect(b.requests.map((q) => q.requestLine)).toEqual(['OPTIONS * HTTP/1.0', 'GET /status HTTP/1.0', 'GET /reflect_request_headers HTTP/1.0']);
    expect(b.requests[0]!.headText).toBe('OPTIONS * HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
  });
});
