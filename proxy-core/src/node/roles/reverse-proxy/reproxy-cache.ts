/**
 * The reproxy cache (Perlbal Service reproxy_cache, add_to_reproxy_url_cache and
 * ClientProxy::satisfy_request_from_cache): with `reproxy_cache_maxsize` > 0, an answer carrying
 * `X-REPROXY-CACHE-FOR: <seconds>; <Header> <Header>...` and X-REPROXY-URL is remembered by
 * `Host|URI`; until it expires, the same request is answered without asking the application
 * backend: 304 when If-Modified-Since equals the cached Last-Modified, else the URLs again.
 */
import { HttpHeaders } from '../../http/http-headers.js';
import { httpNow } from '../../http/http-date.js';
import type { Service } from '../../service/service.js';
import { nowSeconds } from '../../util/clock.js';
import type { ProxyRequest } from './proxy-request.js';
import { recordHop } from './reproxy-hop.js';
import { startReproxyUrl } from './reproxy-url.js';

interface Entry {
  /** Epoch seconds; null means never served (Perlbal's undef timeout). */
  expires: number | null;
  headers: Array<[string, string]>;
  urls: string;
}

/** A least-recently-used map of `maxsize` entries (Perlbal::Cache). */
export class ReproxyCache {
  readonly #entries = new Map<string, Entry>();
  maxsize: number;
  hits = 0;
  requests = 0;

  constructor(maxsize: number) {
    this.maxsize = maxsize;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e) {
      this.#entries.delete(key);
      this.#entries.set(key, e);
    }
    return e;
  }

  set(key: string, e: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, e);
    while (this.#entries.size > this.maxsize) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

const caches = new WeakMap<Service, ReproxyCache>();

/** The service's cache, or null when reproxy_cache_maxsize is 0 (which destroys it). */
export function reproxyCacheOf(svc: Service): ReproxyCache | null {
  const max = svc.num('reproxy_cache_maxsize');
  if (max <= 0) {
    caches.delete(svc);
    return null;
  }
  let c = caches.get(svc);
  if (!c) {
    c = new ReproxyCache(max);
    caches.set(svc, c);
  }
  c.maxsize = max;
  return c;
}

function keyOf(pr: ProxyRequest): string {
  const req = pr.client.reqHeaders!;
  return `${req.header('Host') || ''}|${req.uri || ''}`;
}

/** Remember a reproxy answer (Perlbal add_to_reproxy_url_cache). */
export function addToReproxyCache(pr: ProxyRequest, res: HttpHeaders): void {
  const cache = reproxyCacheOf(pr.svc);
  const cacheFor = res.header('X-REPROXY-CACHE-FOR');
  const urls = res.header('X-REPROXY-URL');
  if (!cache || !cacheFor || !urls) return;
  const i = cacheFor.indexOf(';');
  const seconds = Number(i === -1 ? cacheFor : cacheFor.slice(0, i)) || 0;
  const names = i === -1 ? [] : cacheFor.slice(i + 1).split(/\s+/).filter(Boolean);
  const headers: Array<[string, string]> = [];
  for (const name of names) {
    const value = res.header(name);
    if (value) headers.push([name, value]);
  }
  cache.set(keyOf(pr), { expires: seconds ? nowSeconds() + seconds : null, headers, urls });
}

/** Perlbal satisfy_request_from_cache: true when the request was answered from the cache. */
export function satisfyFromCache(pr: ProxyRequest): boolean {
  const cache = reproxyCacheOf(pr.svc);
  if (!cache) return false;
  cache.requests++;
  const key = keyOf(pr);
  const entry = cache.get(key);
  if (!entry || entry.expires === null || nowSeconds() > entry.expires) return false;
  cache.hits++;
  const client = pr.client;
  client.tagRecord('reproxy-cache-hit');
  // The cache stands in for the application backend; the URLs it names follow as their own hops.
  const hop = recordHop(client, { target: `cache:${key}`, kind: 'cache', outcome: 'used' });
  const ims = client.reqHeaders!.header('If-Modified-Since');
  if (ims !== undefined) {
    const lm = entry.headers.find(([k]) => k.toUpperCase() === 'LAST-MODIFIED')?.[1] ?? '';
    if (ims.replace(/; length=(\d+)/, '') === lm) {
      if (hop) hop.status = 304;
      client.tagRecord('not-modified');
      const res = HttpHeaders.newResponse(304);
      res.setHeader('Content-Length', '0');
      client.setupKeepalive(res);
      client.resHeaders = res;
      client.state = 'xfer_resp';
      pr.beginReproxy(null);
      pr.responded = true;
      client.write(res.toString());
      pr.finishReproxy();
      return true;
    }
  }
  const res = HttpHeaders.newResponse(200);
  res.setHeader('Date', httpNow());
  for (const [k, v] of entry.headers) res.setHeader(k, v);
  startReproxyUrl(pr, res, entry.urls);
  return true;
}
