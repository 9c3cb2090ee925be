/**
 * MaxContentLength (Perlbal::Plugin::MaxContentLength) on real sockets: a Content-Length over
 * `max_content_length` gets `413 Content too long.` on every role, before a backend is asked;
 * requests at the limit, without a length or with the limit 0 pass; a live SET changes it.
 */
import { describe, expect, it } from 'vitest';
import { rawOne } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';

const post = (uri: string, body: string, extra = ''): string =>
  `POST ${uri} HTTP/1.0\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

describe('MaxContentLength', () => {
  it('refuses a reverse_proxy request over the limit before asking a backend', async () => {
    const backend = await startBackend();
    const core = await startCore(`
LOAD MaxContentLength
CREATE POOL p
  POOL p ADD ${backend.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET max_content_length = 10
  SET plugins = MaxContentLength
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
    const port = core.port('proxy');
    const refused = await rawOne(port, post('/status', 'x'.repeat(11)));
    expect(refused.statusLine).toBe('HTTP/1.0 413 ');
    expect(refused.body.toString()).toBe('<h1>413</h1>\nContent too long.\n');
    expect(refused.closed).toBe(true);
    expect(backend.requests).toHaveLength(0);

    const atLimit = await rawOne(port, post('/status', 'x'.repeat(10)));
    expect(atLimit.statusLine).toBe('HTTP/1.0 200 OK');
    expect(atLimit.body.toString()).toContain('length = 10');

    const noLength = await rawOne(port, 'GET /status HTTP/1.0\r\n\r\n');
    expect(noLength.statusLine).toBe('HTTP/1.0 200 OK');

    // The limit is read per request, as Perlbal reads $svc->{extra_config}.
    const m = await core.manage();
    expect(await m.line('SET proxy.max_content_length = 0')).toBe('OK');
    const unlimited = await rawOne(port, post('/status', 'x'.repeat(100)));
    expect(unlimited.statusLine).toBe('HTTP/1.0 200 OK');
  });

  it('refuses a PUT on a web_server and a POST through a selector', async () => {
    const core = await startCore(`
LOAD MaxContentLength
LOAD vhosts
CREATE SERVICE web
  SET role = web_server
  SET docroot = /tmp
  SET enable_put = on
  SET max_content_length = 5
  SET plugins = MaxContentLength
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:0
  SET max_content_length = 3
  SET plugins = vhosts, MaxContentLength
  VHOST * = web
ENABLE sel
CREATE SERVICE direct
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = /tmp
  SET max_content_length = 5
  SET plugins = MaxContentLength
ENABLE direct
`);
    const direct = await rawOne(
      core.port('direct'),
      `PUT /x HTTP/1.0\r\nContent-Length: 6\r\n\r\n123456`,
    );
    expect(direct.statusLine).toBe('HTTP/1.0 413 ');
    // The selector's own limit (3) applies first.
    const viaSelector = await rawOne(core.port('sel'), post('/x', 'abcd', 'Host: a\r\n'));
    expect(viaSelector.statusLine).toBe('HTTP/1.0 413 ');
  });

  it('does nothing on a service that did not register it', async () => {
    const backend = await startBackend();
    const core = await startCore(`
LOAD MaxContentLength
CREATE POOL p
  POOL p ADD ${backend.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET max_content_length = 1
ENABLE proxy
`);
    const res = await rawOne(core.port('proxy'), post('/status', 'abc'));
    expect(res.statusLine).toBe('HTTP/1.0 200 OK');
  });
});
