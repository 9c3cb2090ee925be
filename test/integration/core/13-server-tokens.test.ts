/**
 * Perlbal t/13-server-tokens: `server_tokens` adds `Server: Perlbal` to the web server's
 * own responses (files, errors); off removes it everywhere.
 */
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { header, rawOne } from '../../helpers/raw-http.js';
import { makeDocroot, webConf } from '../../fixtures/docroot/build.js';

describe('server_tokens (t/13)', () => {
  it('is on by default: files and errors say Server: Perlbal', async () => {
    const d = makeDocroot();
    const pb = await startCore(webConf(d.docroot));
    const ok = await rawOne(pb.port('web'), 'GET /hello.txt HTTP/1.0\r\n\r\n');
    expect(ok.status).toBe(200);
    expect(header(ok, 'Server')).toBe('Perlbal');
    expect(ok.headers.map(([k]) => k).slice(0, 3)).toEqual(['Date', 'Server', 'Last-Modified']);
    const missing = await rawOne(pb.port('web'), 'GET /nope HTTP/1.0\r\n\r\n');
    expect(missing.status).toBe(404);
    expect(header(missing, 'Server')).toBe('Perlbal');
  });

  it('off: no Server header on files, listings, concat or errors', async () => {
    const d = makeDocroot();
    const conf = webConf(d.docroot, [
      'server_tokens = off',
      'dirindexing = on',
      'enable_concatenate_get = on',
    ]);
    const pb = await startCore(conf);
    for (const req of ['/hello.txt', '/nope', '/list/', '/sub/??a.css,b.css', '/sub/../x']) {
      const res = await rawOne(pb.port('web'), `GET ${req} HTTP/1.0\r\n\r\n`);
      expect(header(res, 'Server'), req).toBeUndefined();
    }
    const file = await rawOne(pb.port('web'), 'GET /hello.txt HTTP/1.0\r\n\r\n');
    expect(file.headers.map(([k]) => k)).toEqual([
      'Date',
      'Last-Modified',
      'Accept-Ranges',
      'Content-Type',
      'Content-Length',
      'Connection',
    ]);
  });
});
