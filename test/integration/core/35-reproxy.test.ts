/**
 * Port of Perlbal's t/35-reproxy.t and the reproxy parts of t/40-ranges.t: X-REPROXY-FILE and
 * X-REPROXY-URL (primary 204 and 200), keep-alive kept, URL lists with a dead port or a 404
 * first, expected size, HEAD, the reproxy cache (hit without the backend, 304 on
 * If-Modified-Since, expiry), X-REPROXY-SERVICE, and each hop in the request record.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { freePort } from '../../conformance/harness.js';
import { until } from '../../helpers/open-files.js';
import { header, rawOne, RawConnection } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

const PHRASE = 'foo bar baz\n';

let be: TestBackend;
let pb: StartedCore;
let dir: string;
let records: RequestRecord[];

beforeEach(async () => {
  be = await startBackend();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-reproxy-'));
  fs.writeFileSync(path.join(dir, 'phrase.txt'), PHRASE);
  fs.writeFileSync(path.join(dir, 'empty.txt'), '');
  pb = await startCore(`
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${dir}
  SET persist_client = on
ENABLE web
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_client = on
  SET persist_backend = on
  SET enable_reproxy = on
  SET reproxy_cache_maxsize = 10
ENABLE proxy
`);
  records = [];
  pb.core.on('request', (r) => records.push(r));
});

const ka = (uri: string, extra = ''): string => `GET ${uri} HTTP/1.0\r\nConnection: keep-alive\r\n${extra}\r\n`;

describe('X-REPROXY-FILE', () => {
  it('serves a settled file from memory, whole and by range, and sees a change at once', async () => {
    const file = path.join(dir, 'settled.txt');
    fs.writeFileSync(file, 'first version\n');
    // Files unchanged for a second are kept in memory (validated by each request's stat).
    await until(() => Date.now() - fs.statSync(file).ctimeMs > 1100, 3000);
    const port = pb.port('proxy');
    for (let i = 0; i < 2; i++) {
      const r = await rawOne(port, ka(`/reproxy_file:${file}`));
      expect([r.status, r.body.toString()]).toEqual([200, 'first version\n']);
    }
    const ranged = await rawOne(port, ka(`/reproxy_file:${file}`, 'Range: bytes=6-12\r\n'));
    expect([ranged.status, ranged.body.toString()]).toEqual([206, 'version']);
    fs.writeFileSync(file, 'other version\n');
    const changed = await rawOne(port, ka(`/reproxy_file:${file}`));
    expect([changed.status, changed.body.toString()]).toEqual([200, 'other version\n']);
  });

  it('streams the file with the backend headers, keep-alive kept', async () => {
    const c = await RawConnection.open(pb.port('proxy'));
    for (let i = 0; i < 3; i++) {
      c.write(ka(`/reproxy_file:${dir}/phrase.txt`));
      const r = await c.read();
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe(PHRASE);
      expect(header(r, 'Accept-Ranges')).toBe('bytes');
      expect(header(r, 'Connection')).toBe('keep-alive');
    }
    expect(c.closed).toBe(false);
    c.close();
  });

  it('ranges (t/40): 206, open-ended, 416 past the end, 416 when start > end', async () => {
    const port = pb.port('proxy');
    const uri = `/reproxy_file:${dir}/phrase.txt`;
    const r1 = await rawOne(port, ka(uri, 'Range: bytes=0-6\r\n'));
    expect([r1.status, r1.body.toString()]).toEqual([206, 'foo bar']);
    const r2 = await rawOne(port, ka(uri, `Range: bytes=${PHRASE.length - 4}-\r\n`));
    expect([r2.status, r2.body.toString()]).toEqual([206, 'baz\n']);
    expect((await rawOne(port, ka(uri, `Range: bytes=${PHRASE.length}-\r\n`))).status).toBe(416);
    expect((await rawOne(port, ka(uri, 'Range: bytes=5-1\r\n'))).status).toBe(416);
  });

  it('404 for a missing or empty file; HEAD has no body', async () => {
    const port = pb.port('proxy');
    expect((await rawOne(port, ka(`/reproxy_file:${dir}/nope.txt`))).status).toBe(404);
    expect((await rawOne(port, ka(`/reproxy_file:${dir}/empty.txt`))).status).toBe(404);
    const head = await rawOne(port, `HEAD /reproxy_file:${dir}/phrase.txt HTTP/1.0\r\n\r\n`);
    expect(head.status).toBe(200);
    expect(header(head, 'Content-Length')).toBe(String(PHRASE.length));
    expect(head.raw.endsWith('\r\n\r\n')).toBe(true);
  });
});

describe('X-REPROXY-URL', () => {
  const url = (file: string): string => `http://127.0.0.1:${pb.port('web')}/${file}`;

  it('fetches from the target for a 204 and a 200 primary, keep-alive kept', async () => {
    const c = await RawConnection.open(pb.port('proxy'));
    for (const cmd of ['reproxy_url', 'reproxy_url204', 'reproxy_url']) {
      c.write(ka(`/${cmd}:${url('phrase.txt')}`));
      const r = await c.read();
      expect(r.status, cmd).toBe(200);
      expect(r.body.toString()).toBe(PHRASE);
    }
    expect(c.closed).toBe(false);
    c.close();
  });

  it('moves past a dead port and a 404 to a good URL; 503 when every URL fails', async () => {
    const port = pb.port('proxy');
    const dead = await freePort();
    const web = pb.port('web');
    const good = await rawOne(port, ka(`/reproxy_url_multi:${dead}:${web}:/phrase.txt`));
    expect(good.body.toString()).toBe(PHRASE);
    const after404 = await rawOne(port, ka(`/reproxy_url_multi:${web}:${web}:/nope.txt`));
    expect(after404.status).toBe(503);
    expect(after404.body.toString()).toBe('<h1>503 - Service Unavailable</h1>\n');
    await new Promise((r) => setTimeout(r, 20));
    const rec = records.find((r) => r.status === 200 && r.reproxy?.length === 2)!;
    expect(rec.reproxy!.map((h) => [h.outcome, h.reason ?? ''])).toEqual([
      ['failed', 'connection refused (nothing listens there)'],
      ['used', ''],
    ]);
    expect(rec.tags).toContain('reproxied');
    const failed = records.find((r) => r.status === 503)!;
    expect(failed.reproxy!.map((h) => h.reason)).toEqual(['status 404', 'status 404']);
  });

  it('ranges and HEAD through a reproxied URL', async () => {
    const port = pb.port('proxy');
    const r = await rawOne(port, ka(`/reproxy_url:${url('phrase.txt')}`, 'Range: bytes=0-6\r\n'));
    expect([r.status, r.body.toString(), header(r, 'Content-Range')]).toEqual([206, 'foo bar', `bytes 0-6/${PHRASE.length}`]);
    const past = await rawOne(port, ka(`/reproxy_url:${url('phrase.txt')}`, `Range: bytes=${PHRASE.length}-\r\n`));
    expect(past.status).toBe(416);
    const head = await rawOne(port, `HEAD /reproxy_url:${url('phrase.txt')} HTTP/1.0\r\n\r\n`);
    expect(head.status).toBe(200);
    expect(head.raw.endsWith('\r\n\r\n')).toBe(true);
  });

  it('the reproxy cache answers without the backend, 304s on If-Modified-Since, and expires', async () => {
    const port = pb.port('proxy');
    const uri = `/reproxy_url_cached:1:${url('phrase.txt')}`;
    const first = await rawOne(port, ka(uri, 'Host: cache.test\r\n'));
    expect(first.body.toString()).toBe(PHRASE);
    const before = be.requests.length;
    const hit = await rawOne(port, ka(uri, 'Host: cache.test\r\n'));
    expect(hit.body.toString()).toBe(PHRASE);
    expect(header(hit, 'Date')).toBeDefined();
    expect(header(hit, 'Content-Type')).toContain('application/badger');
    expect(be.requests.length).toBe(before);
    const notModified = await rawOne(port, ka(uri, 'Host: cache.test\r\nIf-Modified-Since: 199\r\n'));
    expect(notModified.status).toBe(304);
    expect(header(notModified, 'Connection')).toBe('keep-alive');
    await new Promise((r) => setTimeout(r, 2100));
    await rawOne(port, ka(uri, 'Host: cache.test\r\n'));
    expect(be.requests.length).toBe(before + 1);
  });
});

describe('X-REPROXY-SERVICE', () => {
  it('hands the original request to another service; an unknown one is a 404', async () => {
    be.handle((req) => {
      const target = req.uri.slice(1);
      return { status: 200, headers: [['X-REPROXY-SERVICE', target]], body: 'unused' };
    });
    const port = pb.port('proxy');
    const toWeb = await rawOne(port, ka('/web'));
    expect(toWeb.status).toBe(404);
    expect(toWeb.body.toString()).toBe('<h1>404 - Not Found</h1>\n');
    const none = await rawOne(port, ka('/nosuch'));
    expect(none.body.toString()).toContain('Vhost twiddling not configured for requested pair.');
  });
});

describe('misbehaving reproxy targets', () => {
  async function targetWith(handler: Parameters<TestBackend['handle']>[0]): Promise<string> {
    const target = await startBackend();
    target.handle(handler);
    return `http://127.0.0.1:${target.port}/x`;
  }

  it('a target that resets or sends garbage is skipped for the next URL', async () => {
    const good = `http://127.0.0.1:${pb.port('web')}/phrase.txt`;
    for (const bad of [await targetWith(() => 'reset'), await targetWith(() => ({ raw: 'NOT HTTP\r\n\r\n', then: 'close' }))]) {
      be.handle(() => ({ status: 200, headers: [['X-REPROXY-URL', `${bad} ${good}`]], body: '' }));
      const r = await rawOne(pb.port('proxy'), ka('/x'));
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe(PHRASE);
    }
  });

  it('a target that stops mid-body: the client connection closes, never a short body as complete', async () => {
    const short = await targetWith(() => ({ raw: 'HTTP/1.0 200 OK\r\nContent-Length: 50\r\n\r\nonly part', then: 'close' }));
    be.handle(() => ({ status: 200, headers: [['X-REPROXY-URL', short]], body: '' }));
    const r = await rawOne(pb.port('proxy'), ka('/x'), 2000);
    expect(r.closed).toBe(true);
    expect(r.body.length).toBeLessThan(50);
  });

  it('a target that never answers: 504 naming the URL at the idle timeout', async () => {
    const hang = await targetWith(() => 'hang');
    const pb2 = await startCore(`
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET enable_reproxy = on
  SET idle_timeout = 1
ENABLE proxy
`);
    be.handle(() => ({ status: 200, headers: [['X-REPROXY-URL', hang]], body: '' }));
    const r = await rawOne(pb2.port('proxy'), ka('/x'), 5000);
    expect(r.status).toBe(504);
    expect(r.body.toString()).toContain(`reproxy target ${hang} did not answer`);
  });
});
