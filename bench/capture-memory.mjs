#!/usr/bin/env node
// What the request inspector's capture costs: memory per record and time per request. Sends
// N requests with a browser's headers through an in-process core (selector -> VHOST ->
// reverse_proxy -> a backend answering JSON with a typical set of headers) while an in-process
// API keeps the capture, then measures heap + external memory after a full GC with the capture
// full and again after clearRequests(): the difference, per record, is what a record costs.
// CPU and GC time per request are measured without an API (no records at all) and with the
// capture full (every new record evicts one), in this process, which also runs the client and
// the backend: the difference is what records and the capture cost. Also times the capture's
// own work (add, list with and without a header: filter, detail).
// Needs a built core (npm run -s build:core); `--dist` points at another build to compare
// (e.g. an older commit's proxy-core/dist). Usage:
//   node --expose-gc bench/capture-memory.mjs [--requests 20000] [--body-kib 64] [--json 0|1]
//                                             [--dist proxy-core/dist]
import http from 'node:http';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = {
  requests: 20_000,
  'body-kib': 64,
  json: 0,
  concurrency: 16,
  dist: 'proxy-core/dist',
};
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in args))
    throw new Error(`unknown option --${k}; known: ${Object.keys(args).join(', ')}`);
  args[k] = k === 'dist' ? process.argv[i + 1] : Number(process.argv[i + 1]);
}
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const dist = (p) => import(path.resolve(root, args.dist, 'src', p));
const { ProxyCore } = await dist('node/core.js');
const { createInProcessApi } = await dist('node/api/in-process-api.js');
const { RequestCapture } = await dist('node/api/request-capture.js');

/** A backend answering like a LiveJournal page fragment API: ~600 bytes of JSON, 9 headers. */
const BODY = JSON.stringify({
  journal: 'frank',
  entries: Array.from({ length: 6 }, (_, i) => ({
    id: 1000 + i,
    subject: `Entry number ${i} about the weather`,
    time: '2026-11-25T10:00:00Z',
    tags: ['life', 'weather'],
  })),
});
const backend = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'private, max-age=0, must-revalidate',
    'Set-Cookie':
      'ljuniq=Qm9nVXNlcklkZW50aWZpZXI6MTIzNDU2; expires=Fri, 24 Dec 2027 10:00:00 GMT; path=/',
    'X-Request-Id': Math.random().toString(36).slice(2),
    ETag: `"${Math.random().toString(36).slice(2)}"`,
    Vary: 'Accept-Encoding, Cookie',
    'X-LJ-Server': 'app-03',
    'Content-Length': Buffer.byteLength(BODY),
  });
  res.end(BODY);
});
await new Promise((r) => backend.listen(0, '127.0.0.1', r));

const text = `LOAD vhosts
CREATE POOL backends
  POOL backends ADD 127.0.0.1:${backend.address().port}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET pool = backends
  SET persist_backend = on
  SET backend_persist_cache = 16
ENABLE proxy
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  SET persist_client = on
  VHOST *.lj.localhost = proxy
ENABLE sel
`;
const core = await ProxyCore.start(text, {});
const port = core.portOf('sel');
let api = null;

const HEADERS = {
  'User-Agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'Accept-Language': 'en-GB,en;q=0.9,de;q=0.7',
  'Accept-Encoding': 'gzip, deflate, br',
  Referer: 'http://www.lj.localhost/friends',
  Cookie:
    'ljuniq=Qm9nVXNlcklkZW50aWZpZXI6MTIzNDU2; ljmastersession=v1:u2:s117:a8dYw3mKq:g2b0f9c; ljloggedin=u2:s117; langpref=en_LJ/1732528800',
  'Upgrade-Insecure-Requests': '1',
};
const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency });
const users = ['frank', 'system', 'news', 'paidmembers', 'lj_dev'];
function one(i) {
  return new Promise((resolve, reject) => {
    const user = users[i % users.length];
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        agent,
        path: `/${user}/${10_000 + i}.html?thread=${i * 7}&mode=reply`,
        headers: { ...HEADERS, Host: `${user}.lj.localhost` },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
  });
}

async function sendAll(n) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      while (next < n) await one(next++);
    }),
  );
  return performance.now() - t0;
}

function mem() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, rss: m.rss };
}

async function settle() {
  // Records land when responses finish; the batcher flushes every 100 ms.
  for (let i = 0; i < 100; i++) {
    const l = await api.listRequests({ limit: 0 });
    if (l.captured >= args.requests) return l;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('records never arrived');
}

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

/** CPU (user + system) and GC microseconds per request over `n` requests. */
async function costOf(n) {
  globalThis.gc();
  const gc0 = gcMs;
  const cpu0 = process.cpuUsage();
  await sendAll(n);
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / n, gc: ((gcMs - gc0) * 1000) / n };
}

await sendAll(2000); // warm up connections, JIT
const steady = Math.max(2000, args.requests / 2);
const noRecords = await costOf(steady);
api = createInProcessApi(core, {
  text,
  file: null,
  capture: {
    maxRecords: args.requests,
    maxBytes: 8 * 1024 ** 3,
    maxBodyBytes: args['body-kib'] * 1024,
  },
});
const before = mem();
const ms = await sendAll(args.requests);
await settle();
// The capture is full: every record now evicts the oldest, as it does after a day of use.
const fullCapture = await costOf(steady);
await new Promise((r) => setTimeout(r, 300));
// Measured in that steady state: the capture's tables have seen as many evictions as adds.
const listed = await settle();
const full = mem();
const sample = (await api.listRequests({ limit: 1 })).summaries[0];
const detail = await api.getRequestDetail(sample.id);
const recordJson = JSON.stringify({ ...detail, requestBody: undefined, responseBody: undefined });
if (process.env.PEEK)
  console.log(recordJson, detail.responseBody?.size, detail.responseBody?.captured);

const time = (fn, reps = 5) => {
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(reps / 2)];
};
const listAll = time(() => api.listRequests({ limit: 1_000_000 }));
const listPath = time(() => api.listRequests({ filter: 'path:/frank/', limit: 1_000_000 }));
const listHeader = time(() =>
  api.listRequests({ filter: 'header:x-lj-server=app-03', limit: 1_000_000 }),
);
const listHeaderMiss = time(() =>
  api.listRequests({ filter: 'header:x-nothing', limit: 1_000_000 }),
);
const detailMs =
  time(() => {
    for (let i = 0; i < 1000; i++) void api.getRequestDetail(sample.id - i);
  }) / 1000;

await api.clearRequests();
const cleared = mem();

/**
 * The capture's own cost per record, on the proxy's thread: add() of fresh copies of the
 * sample record (new strings each, as the core's are, and made just before, so in cache as
 * the core's are), with eviction running (a full capture). The copy's own cost is measured
 * alone and taken off.
 */
function addCost(withBody) {
  const plain = { ...detail };
  delete plain.requestBody;
  delete plain.responseBody;
  const json = JSON.stringify(plain);
  const body = { response: { bytes: Buffer.from(BODY), size: BODY.length } };
  const copy = (i) => {
    const r = JSON.parse(json);
    r.id = 1e7 + i;
    return r;
  };
  const cap = new RequestCapture({ maxRecords: 5_000 });
  for (let i = 0; i < 5_000; i++) cap.add(copy(i), withBody ? body : undefined);
  const n = 20_000;
  let sink = 0;
  let t0 = performance.now();
  for (let i = 0; i < n; i++) sink += copy(i).id;
  const copyMs = performance.now() - t0;
  t0 = performance.now();
  for (let i = 5_000; i < 5_000 + n; i++) cap.add(copy(i), withBody ? body : undefined);
  const bothMs = performance.now() - t0;
  return sink > 0 ? ((bothMs - copyMs) * 1000) / n : NaN;
}
const addUs = addCost(false);
const addBodyUs = addCost(true);
const n = listed.captured;
const per = (k) => (full[k] - cleared[k]) / n;
const out = {
  requests: n,
  requestsPerSecond: Math.round((args.requests / ms) * 1000),
  recordJsonBytes: recordJson.length,
  responseBodyBytes: Buffer.byteLength(BODY),
  bodyCaptureKiB: args['body-kib'],
  perRecord: {
    heap: Math.round(per('heap')),
    external: Math.round(per('external')),
    rss: Math.round(per('rss')),
    estimate: Math.round((listed.bytes ?? NaN) / n),
  },
  ms: {
    list100k: +((listAll / n) * 100_000).toFixed(1),
    filterPath100k: +((listPath / n) * 100_000).toFixed(1),
    filterHeader100k: +((listHeader / n) * 100_000).toFixed(1),
    filterHeaderMiss100k: +((listHeaderMiss / n) * 100_000).toFixed(1),
    detail: +detailMs.toFixed(4),
  },
  addMicroseconds: { record: +addUs.toFixed(2), withBody: +addBodyUs.toFixed(2) },
  perRequestMicroseconds: {
    cpuNoRecords: +noRecords.cpu.toFixed(1),
    cpuFullCapture: +fullCapture.cpu.toFixed(1),
    gcNoRecords: +noRecords.gc.toFixed(1),
    gcFullCapture: +fullCapture.gc.toFixed(1),
  },
  before,
};
if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
else console.log(out);
api.dispose();
core.close();
agent.destroy();
backend.close();
