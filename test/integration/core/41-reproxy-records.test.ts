/**
 * Every reproxy step in the request record (RequestRecord.reproxy, issue 4), so the inspector
 * can show the whole chain: X-REPROXY-URL entries that are not http:// (Perlbal drops them
 * silently) as failed hops in their place, X-REPROXY-FILE by its path whether it worked or not,
 * X-REPROXY-SERVICE hand-offs, and answers from the reproxy cache followed by their URLs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { until } from '../../helpers/open-files.js';
import { rawOne } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

let app: TestBackend;
let pb: StartedCore;
let dir: string;
let records: RequestRecord[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-reproxy-rec-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'phrase.txt'), 'foo bar baz\n');
  app = await startBackend();
  pb = await startCore(`
CREATE POOL p
  POOL p ADD ${app.hostport}
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${dir}
ENABLE web
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET enable_reproxy = on
  SET reproxy_cache_maxsize = 10
ENABLE proxy
`);
  records = [];
  pb.core.on('request', (r) => records.push(r));
});

/**
 * One request (the connection closes after it) and its record. URL targets are our own `web`
 * service, whose requests have records too: only the proxy's listener counts here.
 */
async function recorded(
  uri: string,
  headers = '',
): Promise<{ status: number; rec: RequestRecord }> {
  const proxied = (): RequestRecord[] => records.filter((r) => r.listener === 'proxy');
  const before = proxied().length;
  const r = await rawOne(
    pb.port('proxy'),
    `GET ${uri} HTTP/1.0\r\nHost: rec.test\r\n${headers}\r\n`,
  );
  await until(() => proxied().length > before);
  return { status: r.status, rec: proxied()[before]! };
}

const hops = (rec: RequestRecord): unknown[] =>
  (rec.reproxy ?? []).map((h) => [
    h.kind,
    h.target.replace(String(pb.port('web')), 'WEB'),
    h.outcome,
    h.reason ?? '',
    h.status ?? 0,
  ]);

describe('X-REPROXY-URL entries that are not http://', () => {
  it('are failed hops in their place; with nothing else the 503 shows them all', async () => {
    const good = `http://127.0.0.1:${pb.port('web')}/phrase.txt`;
    app.handle(() => ({
      status: 200,
      headers: [['X-REPROXY-URL', `ftp://a/x ${good} https://b/y`]],
      body: '',
    }));
    const ok = await recorded('/mixed');
    expect(ok.status).toBe(200);
    expect(hops(ok.rec)).toEqual([
      ['url', 'ftp://a/x', 'failed', 'not an http:// URL (Perlbal skips it)', 0],
      ['url', 'http://127.0.0.1:WEB/phrase.txt', 'used', '', 200],
    ]);
    app.handle(() => ({
      status: 200,
      headers: [['X-REPROXY-URL', ' ftp://a/x  https://b/y ']],
      body: '',
    }));
    const none = await recorded('/none');
    expect(none.status).toBe(503);
    expect(hops(none.rec)).toEqual([
      ['url', 'ftp://a/x', 'failed', 'not an http:// URL (Perlbal skips it)', 0],
      ['url', 'https://b/y', 'failed', 'not an http:// URL (Perlbal skips it)', 0],
    ]);
    expect(none.rec.tags).toContain('reproxy-failed');
  });
});

describe('X-REPROXY-FILE', () => {
  it('is recorded by its path, used or failed', async () => {
    const file = path.join(dir, 'phrase.txt');
    const used = await recorded(`/reproxy_file:${file}`);
    expect(hops(used.rec)).toEqual([['file', `file:${file}`, 'used', '', 200]]);
    const missing = path.join(dir, 'nope.txt');
    const failed = await recorded(`/reproxy_file:${missing}`);
    expect(failed.status).toBe(404);
    expect(hops(failed.rec)).toEqual([
      ['file', `file:${missing}`, 'failed', `X-REPROXY-FILE ${missing} does not exist`, 404],
    ]);
  });
});

describe('X-REPROXY-SERVICE', () => {
  it('records the hand-off, and an unknown service as failed', async () => {
    app.handle((req) => ({
      status: 200,
      headers: [['X-REPROXY-SERVICE', req.uri.slice(1)]],
      body: '',
    }));
    const web = await recorded('/web');
    expect(web.rec.service).toBe('web');
    expect(hops(web.rec)).toEqual([['service', 'service:web', 'used', '', 0]]);
    expect(web.rec.tags).toContain('reproxied');
    const none = await recorded('/nosuch');
    expect(none.status).toBe(404);
    expect(hops(none.rec)).toEqual([
      ['service', 'service:nosuch', 'failed', "there is no service 'nosuch'", 404],
    ]);
  });
});

describe('the reproxy cache', () => {
  it('a hit is a cache hop followed by its URL; a 304 from the cache is a cache hop alone', async () => {
    const uri = `/reproxy_url_cached:30:http://127.0.0.1:${pb.port('web')}/phrase.txt`;
    const key = `cache:rec.test|/reproxy_url_cached:30:http://127.0.0.1:WEB/phrase.txt`;
    const first = await recorded(uri);
    expect(hops(first.rec)).toEqual([['url', 'http://127.0.0.1:WEB/phrase.txt', 'used', '', 200]]);
    const hit = await recorded(uri);
    expect(hops(hit.rec)).toEqual([
      ['cache', key, 'used', '', 0],
      ['url', 'http://127.0.0.1:WEB/phrase.txt', 'used', '', 200],
    ]);
    expect(hit.rec.tags).toContain('reproxy-cache-hit');
    // The test backend's cached entry carries Last-Modified: 199.
    const notModified = await recorded(uri, 'If-Modified-Since: 199\r\n');
    expect(notModified.status).toBe(304);
    expect(hops(notModified.rec)).toEqual([['cache', key, 'used', '', 304]]);
  });
});
