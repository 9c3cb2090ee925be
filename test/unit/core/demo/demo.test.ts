/**
 * The pure parts of `--demo` and `--access-log`: which pool nodes get a demo backend, the
 * multipart reader, the stat host link, the new command-line flags, the access-log line, and
 * the palimg examples on the front page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchPalimgUri, parsePaletteSpec, recolourImage } from '../../../../proxy-core/src/common/palimg/index.js';
import { homePage, PALIMG_EXAMPLES } from '../../../../proxy-core/src/node/demo/pages.js';
import { parseArgs } from '../../../../proxy-core/bin/cli-args.js';
import { formatAccessLine } from '../../../../proxy-core/bin/banner.js';
import type { RequestRecord } from '../../../../proxy-core/src/common/request-record.js';
import { checkConfig, permissiveEnv } from '../../../../proxy-core/src/common/config/index.js';
import { demoTargets } from '../../../../proxy-core/src/node/demo/demo-nodes.js';
import { statHost } from '../../../../proxy-core/src/node/demo/layout.js';
import { boundaryOf, parseMultipart } from '../../../../proxy-core/src/node/demo/multipart.js';

describe('demo targets', () => {
  it('are the 127.0.0.1 nodes of pools used by enabled reverse proxies, once each', () => {
    const text = `
CREATE POOL a
  POOL a ADD 127.0.0.1:8081
  POOL a ADD 127.0.0.5:80
CREATE POOL b
  POOL b ADD 127.0.0.1:8081
  POOL b ADD 127.0.0.1:8082
CREATE POOL unused
  POOL unused ADD 127.0.0.1:9000
CREATE SERVICE one
  SET role = reverse_proxy
  SET pool = a
ENABLE one
CREATE SERVICE two
  SET role = reverse_proxy
  SET pool = b
ENABLE two
CREATE SERVICE off
  SET role = reverse_proxy
  SET pool = unused
`;
    const { model } = checkConfig(text, permissiveEnv);
    expect(demoTargets(model)).toEqual([
      { ipport: '127.0.0.1:8081', port: 8081, services: ['one', 'two'] },
      { ipport: '127.0.0.1:8082', port: 8082, services: ['two'] },
    ]);
  });
});

describe('multipart reader', () => {
  it('reads fields and files, quoted boundaries included', () => {
    expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(boundaryOf('multipart/form-data; boundary=xyz; charset=utf-8')).toBe('xyz');
    expect(boundaryOf('text/plain')).toBeNull();
    const body = Buffer.from(
      '--xyz\r\nContent-Disposition: form-data; name="subject"\r\n\r\nHi\r\nthere\r\n' +
        '--xyz\r\nContent-Disposition: form-data; name="photo"; filename="p.png"\r\nContent-Type: image/PNG\r\n\r\n\x89PNG\r\n\r\n' +
        '--xyz--\r\n',
      'latin1',
    );
    const parts = parseMultipart(body, 'xyz');
    expect(parts.map((p) => [p.name, p.filename, p.type, p.data.toString('latin1')])).toEqual([
      ['subject', undefined, undefined, 'Hi\r\nthere'],
      ['photo', 'p.png', 'image/png', '\x89PNG\r\n'],
    ]);
  });
});

describe('stat host', () => {
  it('swaps the first label for stat, keeping the port', () => {
    expect(statHost('www.lj.localhost:8080')).toBe('stat.lj.localhost:8080');
    expect(statHost('frank.lj.localhost')).toBe('stat.lj.localhost');
    expect(statHost('localhost:8080')).toBe('stat.localhost:8080');
  });
});

describe('command line', () => {
  it('adds --demo and --access-log; -d is still --daemon', () => {
    expect(parseArgs(['--demo', '--access-log'])).toMatchObject({ demo: true, accessLog: true, daemon: false });
    expect(parseArgs(['-d'])).toMatchObject({ daemon: true, demo: false });
    expect(parseArgs(['--de'])).toMatchObject({ demo: true });
    expect(parseArgs(['--acc'])).toMatchObject({ accessLog: true });
    expect(parseArgs(['--demo=1'])).toEqual({ error: 'Option demo does not take an argument' });
    expect(parseArgs(['--constructor'])).toEqual({ error: 'Unknown option: constructor' });
  });
});

describe('access-log line', () => {
  const record = (over: Partial<RequestRecord>): RequestRecord => ({
    id: 1,
    startedAt: 0,
    client: '127.0.0.1:50123',
    listener: 'ss',
    method: 'GET',
    host: 'www.lj.localhost',
    uri: '/',
    httpVersion: '1.1',
    service: 'web_proxy',
    role: 'reverse_proxy',
    route: [
      { kind: 'selector', name: 'ss' },
      { kind: 'vhost', name: '*.lj.localhost', detail: 'web_proxy' },
      { kind: 'service', name: 'web_proxy' },
      { kind: 'pool', name: 'p' },
      { kind: 'node', name: '127.0.0.1:8081' },
    ],
    status: 200,
    bytesIn: 0,
    bytesOut: 1234,
    requestHeaders: [],
    responseHeaders: [],
    timings: { totalMs: 12.34 },
    tags: [],
    ...over,
  });

  it('names client, request, status, bytes, time and route', () => {
    expect(formatAccessLine(record({}))).toBe('127.0.0.1 "GET http://www.lj.localhost/ HTTP/1.1" 200 1234 12.3ms ss>web_proxy>127.0.0.1:8081');
    expect(formatAccessLine(record({ host: '', route: [], service: 'web', error: { code: 'PB_ERR_BACKEND_CONNECT', message: 'x' } }))).toBe(
      '127.0.0.1 "GET http://unknown/ HTTP/1.1" 200 1234 12.3ms web PB_ERR_BACKEND_CONNECT',
    );
  });
});

describe('palimg examples on the demo front page', () => {
  const docroot = new URL('../../../../resources/docroot', import.meta.url).pathname;
  const read = (p: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(docroot, p)));

  it('the images in resources/docroot/palimg are palette images', () => {
    const files = fs.readdirSync(path.join(docroot, 'palimg')).sort();
    expect(files).toEqual(['bands.png', 'cog.gif', 'frank.png']);
    for (const f of files) {
      const bytes = read(`/palimg/${f}`);
      if (f.endsWith('.png')) expect(bytes[25], `${f}: IHDR colour type 3`).toBe(3);
      else expect(bytes[10]! & 0x80, `${f}: global colour table`).toBe(0x80);
    }
  });

  it('every example names one of them with a spec palimg accepts, and changes its colours', () => {
    for (const [caption, uri] of PALIMG_EXAMPLES) {
      const target = matchPalimgUri(uri);
      if (!target) {
        expect(caption).toBe('as it is');
        expect(fs.existsSync(path.join(docroot, uri)), uri).toBe(true);
        continue;
      }
      const change = parsePaletteSpec(target.spec);
      expect(change, uri).not.toBeNull();
      const original = read(target.path);
      const r = recolourImage(target.kind!, original, change!);
      expect(r.ok, uri).toBe(true);
      if (r.ok) expect(Buffer.from(r.image).equals(Buffer.from(original)), uri).toBe(false);
    }
  });

  it('the front page links them on the stat host', () => {
    const html = homePage({ host: 'www.lj.localhost:8080', backend: '127.0.0.1:8081' }, [], { line: 'GET / HTTP/1.0', headers: [] });
    for (const [, uri] of PALIMG_EXAMPLES) expect(html).toContain(`<img src="http://stat.lj.localhost:8080${uri}"`);
  });
});
