/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) from and to request records.
 * What HAR has no field for (the routing trace, reproxy hops, the backend's side, the
 * proxy's error) goes under `_perlbal`, as the spec allows for custom fields (leading
 * underscore), so a HAR this exports imports back whole, and any other tool's HAR imports
 * with what it has.
 *
 * Captured bodies go where HAR puts them: the response's in `content.text` (UTF-8 text as is,
 * anything else base64 with `encoding: "base64"`), the request's in `postData.text` (base64
 * ones marked `_encoding: "base64"`, postData having no encoding field); a body cut by the
 * capture's cap says so in its `comment`, and `_perlbal.bodies` keeps the sizes.
 */
import type {
  CapturedBody,
  HeaderList,
  RequestRecord,
  RequestTimings,
} from '../../../proxy-core/src/common/request-record.js';
import { fromBase64, toBase64 } from '../palette/source.js';
import { utf8Text } from './body-view.js';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    headersSize: number;
    bodySize: number;
    postData?: HarPostData;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    content: HarContent;
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: {
    blocked: number;
    dns: number;
    connect: number;
    send: number;
    wait: number;
    receive: number;
    ssl: number;
  };
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _perlbal?: PerlbalExtra;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  params: HarNameValue[];
  text: string;
  /** Ours: the text is base64 (a body that is not UTF-8 text). */
  _encoding?: 'base64';
  comment?: string;
}

/** A captured body's facts, without its bytes (those are in content.text or postData.text). */
type BodyFacts = Omit<CapturedBody, 'base64'>;

/** The record fields HAR has no place for. */
type PerlbalExtra = Pick<
  RequestRecord,
  'id' | 'client' | 'listener' | 'service' | 'role' | 'route' | 'tags' | 'timings'
> &
  Partial<
    Pick<
      RequestRecord,
      | 'pool'
      | 'node'
      | 'backendConnection'
      | 'backendRequestHeaders'
      | 'backendResponseHeaders'
      | 'reproxy'
      | 'error'
      | 'bodiesDropped'
    >
  > & { bodies?: { request?: BodyFacts; response?: BodyFacts } };

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    entries: HarEntry[];
    comment?: string;
  };
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  416: 'Requested Range Not Satisfiable',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const pairs = (h: HeaderList): HarNameValue[] => h.map(([name, value]) => ({ name, value }));
const unpairs = (h: unknown): HeaderList =>
  Array.isArray(h)
    ? h
        .filter(
          (x): x is HarNameValue => typeof x?.name === 'string' && typeof x?.value === 'string',
        )
        .map((x) => [x.name, x.value])
    : [];

/** The first value of header `name` (any case) in `h`. */
export function header(h: HeaderList, name: string): string | undefined {
  const n = name.toLowerCase();
  return h.find(([k]) => k.toLowerCase() === n)?.[1];
}

function httpVersion(v: string): string {
  return v === '' ? 'HTTP/1.0' : v.startsWith('HTTP/') ? v : `HTTP/${v}`;
}

function queryString(uri: string): HarNameValue[] {
  const q = uri.indexOf('?');
  if (q < 0) return [];
  return uri
    .slice(q + 1)
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const dec = (s: string): string => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      return eq < 0
        ? { name: dec(p), value: '' }
        : { name: dec(p.slice(0, eq)), value: dec(p.slice(eq + 1)) };
    });
}

/** HAR timings: -1 where a phase did not happen; send/wait/receive never negative. */
function harTimings(t: RequestTimings): HarEntry['timings'] {
  const wait = t.firstByteMs ?? 0;
  const receive = t.transferMs ?? 0;
  const blocked = t.queuedMs ?? -1;
  const connect = t.connectMs ?? -1;
  const accounted = wait + receive + Math.max(blocked, 0);
  return {
    blocked,
    dns: -1,
    connect,
    send: Math.max(0, round(t.totalMs - accounted)),
    wait,
    receive,
    ssl: -1,
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;

function facts(b: CapturedBody): BodyFacts {
  const { base64: _bytes, ...rest } = b;
  return rest;
}

/** A body as HAR text: UTF-8 text as is, other bytes as base64. */
function harText(b: CapturedBody): { text: string; base64: boolean; length: number } {
  const bytes = fromBase64(b.base64);
  const text = utf8Text(bytes);
  return text !== null
    ? { text, base64: false, length: bytes.length }
    : { text: b.base64, base64: true, length: bytes.length };
}

function cutNote(b: CapturedBody): string | undefined {
  return b.truncated
    ? `Perlbal Desktop captured only the first ${b.captured} of ${b.size} bytes of this body`
    : undefined;
}

function harContent(r: RequestRecord, mimeType: string): HarContent {
  const b = r.responseBody;
  if (!b) return { size: r.bytesOut, mimeType };
  const t = harText(b);
  const c: HarContent = { size: b.truncated ? r.bytesOut : t.length, mimeType, text: t.text };
  if (t.base64) c.encoding = 'base64';
  const note = cutNote(b);
  if (note) c.comment = note;
  return c;
}

function harPostData(r: RequestRecord): HarPostData | undefined {
  const b = r.requestBody;
  if (!b) return undefined;
  const t = harText(b);
  const p: HarPostData = {
    mimeType: header(r.requestHeaders, 'content-type') ?? 'application/octet-stream',
    params: [],
    text: t.text,
  };
  if (t.base64) p._encoding = 'base64';
  const note = cutNote(b);
  if (note) p.comment = note;
  return p;
}

/** The captured body HAR text stands for (our facts when the HAR is ours). */
function bodyFromHar(
  text: unknown,
  base64: boolean,
  known: BodyFacts | undefined,
): CapturedBody | undefined {
  if (typeof text !== 'string') return undefined;
  const b64 = base64 ? text : toBase64(new TextEncoder().encode(text));
  const n = fromBase64(b64).length;
  return known
    ? { ...known, base64: b64 }
    : { base64: b64, size: n, captured: n, truncated: false };
}

export function recordToHarEntry(r: RequestRecord): HarEntry {
  const ctype = header(r.responseHeaders, 'content-type') ?? 'x-unknown';
  const extra: PerlbalExtra = {
    id: r.id,
    client: r.client,
    listener: r.listener,
    service: r.service,
    role: r.role,
    route: r.route,
    tags: r.tags,
    timings: r.timings,
  };
  for (const k of [
    'pool',
    'node',
    'backendConnection',
    'backendRequestHeaders',
    'backendResponseHeaders',
    'reproxy',
    'error',
    'bodiesDropped',
  ] as const) {
    if (r[k] !== undefined) (extra as Record<string, unknown>)[k] = r[k];
  }
  if (r.requestBody || r.responseBody)
    extra.bodies = {
      ...(r.requestBody ? { request: facts(r.requestBody) } : {}),
      ...(r.responseBody ? { response: facts(r.responseBody) } : {}),
    };
  const t = harTimings(r.timings);
  const entry: HarEntry = {
    startedDateTime: new Date(r.startedAt).toISOString(),
    // The spec: time is the sum of the non -1 timings.
    time: round(Object.values(t).reduce((a, b) => a + (b > 0 ? b : 0), 0)),
    request: {
      method: r.method,
      url: `http://${r.host || 'localhost'}${r.uri}`,
      httpVersion: httpVersion(r.httpVersion),
      cookies: [],
      headers: pairs(r.requestHeaders),
      queryString: queryString(r.uri),
      headersSize: -1,
      bodySize: r.bytesIn,
    },
    response: {
      status: r.status,
      statusText: STATUS_TEXT[r.status] ?? '',
      httpVersion: httpVersion(r.httpVersion),
      cookies: [],
      headers: pairs(r.responseHeaders),
      content: harContent(r, ctype),
      redirectURL: header(r.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: r.bytesOut,
    },
    cache: {},
    timings: t,
    _perlbal: extra,
  };
  if (r.node)
    entry.serverIPAddress = r.node.slice(0, r.node.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  if (r.error) entry.comment = `${r.error.code}: ${r.error.message}`;
  const post = harPostData(r);
  if (post) entry.request.postData = post;
  return entry;
}

export function toHar(records: readonly RequestRecord[], version = '0'): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'Perlbal Desktop', version },
      entries: records.map(recordToHarEntry),
    },
  };
}

export type HarImport = { ok: true; records: RequestRecord[] } | { ok: false; message: string };

/**
 * Records from a HAR file's text. Entries without `_perlbal` (another tool's HAR) get what
 * HAR knows: no route, service '(imported)'. Ids are negative, so they never collide with
 * the core's.
 */
export function fromHar(text: string): HarImport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `Not JSON: ${(e as Error).message}` };
  }
  const entries = (doc as Har | null)?.log?.entries;
  if (!Array.isArray(entries)) return { ok: false, message: 'Not a HAR file: no log.entries' };
  const records: RequestRecord[] = [];
  entries.forEach((e: Partial<HarEntry>, i) => {
    const req = e.request;
    const res = e.response;
    if (!req || typeof req.url !== 'string' || typeof req.method !== 'string') return;
    let host = '';
    let uri = req.url;
    try {
      const u = new URL(req.url);
      host = u.host;
      uri = u.pathname + u.search;
    } catch {
      /* a relative URL: keep it as the URI */
    }
    const requestHeaders = unpairs(req.headers);
    // The URL was built from the record's host; a relative URL leaves the Host header.
    if (host === '') host = header(requestHeaders, 'host') ?? '';
    const x = e._perlbal;
    const totalMs = typeof e.time === 'number' ? e.time : 0;
    const rec: RequestRecord = {
      id: -(i + 1),
      startedAt: Date.parse(e.startedDateTime ?? '') || 0,
      client: x?.client ?? '',
      listener: x?.listener ?? '',
      method: req.method,
      host,
      uri,
      httpVersion: (req.httpVersion ?? '').replace(/^HTTP\//, ''),
      service: x?.service ?? '(imported)',
      role: x?.role ?? '',
      route: Array.isArray(x?.route) ? x.route : [],
      status: typeof res?.status === 'number' ? res.status : 0,
      bytesIn: typeof req.bodySize === 'number' && req.bodySize > 0 ? req.bodySize : 0,
      bytesOut:
        typeof res?.bodySize === 'number' && res.bodySize > 0
          ? res.bodySize
          : (res?.content?.size ?? 0),
      requestHeaders,
      responseHeaders: unpairs(res?.headers),
      timings: x?.timings ?? { totalMs },
      tags: Array.isArray(x?.tags) ? x.tags : [],
    };
    for (const k of [
      'pool',
      'node',
      'backendConnection',
      'backendRequestHeaders',
      'backendResponseHeaders',
      'reproxy',
      'error',
      'bodiesDropped',
    ] as const) {
      if (x?.[k] !== undefined) (rec as unknown as Record<string, unknown>)[k] = x[k];
    }
    const post = req.postData as Partial<HarPostData> | undefined;
    const requestBody = bodyFromHar(post?.text, post?._encoding === 'base64', x?.bodies?.request);
    if (requestBody) rec.requestBody = requestBody;
    const content = res?.content as Partial<HarContent> | undefined;
    const responseBody = bodyFromHar(
      content?.text,
      content?.encoding === 'base64',
      x?.bodies?.response,
    );
    if (responseBody) rec.responseBody = responseBody;
    records.push(rec);
  });
  return { ok: true, records };
}
