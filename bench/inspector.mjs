#!/usr/bin/env node
// The request inspector under load (issue 8), not a test: `perlbal-desktop --ui` with a large
// capture in front of a backend in this process, 100,000 requests sent before the UI opens,
// then Debian's Chromium (playwright-core) on the printed URL. Reports:
//  - the time to open the Requests view on a fresh page (the 100,000 summaries loaded and
//    the list drawn) and to come back to it from another view;
//  - frame times while 2,000 requests a second stream into the open list (requestAnimationFrame
//    deltas, max and p99, and long tasks from PerformanceObserver);
//  - filter latency over the 100,000 rows: from the input event of a typed filter to the list
//    showing the new rows (its aria-rowcount), and to the next frame after that.
// Targets: no frame over 50 ms while streaming; a filter over 100,000 rows under 100 ms.
// Needs the built renderer and core (npm run build). Only 127.0.0.1 is used. Usage:
//   node bench/inspector.mjs [--records 100000] [--rate 2000] [--seconds 10] [--json 0|1]
//                            [--profile page.cpuprofile]   (the page's CPU while streaming)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { processStats } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = { records: 100_000, rate: 2000, seconds: 10, json: 0, concurrency: 32, profile: '' };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in args))
    throw new Error(`unknown option --${k}; known: ${Object.keys(args).join(', ')}`);
  args[k] = k === 'profile' ? process.argv[i + 1] : Number(process.argv[i + 1]);
}
for (const need of ['out/renderer/index.html', 'proxy-core/dist/bin/perlbal.js'])
  if (!fs.existsSync(path.join(root, need))) throw new Error(`${need} is missing: npm run build`);

const log = (...a) => {
  if (!args.json) console.log(...a);
};

// ---- the backend: a LiveJournal-like JSON answer, one node ---------------------------------

const BODY = JSON.stringify({ ok: true, entries: [1, 2, 3], text: 'x'.repeat(300) });
const backend = http.createServer((req, res) => {
  req.resume();
  const missing = req.url.startsWith('/missing');
  res.writeHead(missing ? 404 : 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'private, max-age=0',
    'X-LJ-Server': `app-0${req.url.length % 4}`,
    'Content-Length': Buffer.byteLength(BODY),
  });
  res.end(BODY);
});
await new Promise((r) => backend.listen(0, '127.0.0.1', r));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bench-inspector-'));
const conf = path.join(dir, 'perlbal.conf');
fs.writeFileSync(
  conf,
  `CREATE POOL backends
  POOL backends ADD 127.0.0.1:${backend.address().port}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = backends
  SET persist_client = on
  SET persist_backend = on
  SET backend_persist_cache = 64
ENABLE proxy
`,
);

// ---- the core, in browser mode -------------------------------------------------------------

const cli = spawn(
  process.execPath,
  [
    path.join(root, 'proxy-core/bin/perlbal-desktop.js'),
    '--config',
    conf,
    '--ui',
    '--capture-records',
    String(args.records * 2),
    '--capture-mb',
    '4096',
    '--capture-body-kib',
    '64',
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PERLBAL_DESKTOP_SETTINGS_DIR: path.join(dir, 'settings') },
  },
);
const banner = await new Promise((resolve, reject) => {
  let out = '';
  const t = setTimeout(() => reject(new Error(`no banner: ${out}`)), 30_000);
  cli.on('exit', (code) => reject(new Error(`perlbal-desktop exited ${code}: ${out}`)));
  cli.stdout.on('data', (d) => {
    out += d;
    if (!out.includes('Running.\n')) return;
    clearTimeout(t);
    resolve(out);
  });
});
const proxyPort = Number(/^ {2}proxy\s+\w+\s+http:\/\/127\.0\.0\.1:(\d+)\//m.exec(banner)[1]);
const uiUrl = /UI \(browser mode\): (\S+)/.exec(banner)[1];

// ---- load ------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const USERS = ['frank', 'system', 'news', 'paidmembers', 'lj_dev', 'photos'];
let sent = 0;
let failed = 0;
function one() {
  const i = sent++;
  const user = USERS[i % USERS.length];
  const p = i % 10 === 9 ? `/missing/${i}` : `/${user}/${10_000 + i}.html?thread=${i * 7}`;
  return new Promise((resolve) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port: proxyPort,
        agent,
        path: p,
        headers: {
          Host: `${user}.lj.localhost`,
          'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36',
          Accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
          'Accept-Language': 'en-GB,en;q=0.9',
          Cookie: `ljuniq=Qm9nVXNlcklk${i % 50}; langpref=en_LJ/1732528800`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', () => {
      failed++;
      resolve();
    });
  });
}

async function preload(n) {
  const t0 = performance.now();
  let left = n;
  await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      while (left-- > 0) await one();
    }),
  );
  return performance.now() - t0;
}

/** `rate` requests a second for `seconds`, in 10 ms ticks; resolves with the rate achieved. */
async function stream(rate, seconds) {
  const t0 = performance.now();
  const start = sent;
  const inflight = new Set();
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - t0) / 1000;
      if (elapsed >= seconds) {
        clearInterval(tick);
        return resolve();
      }
      const due = Math.floor(elapsed * rate) - (sent - start);
      for (let k = 0; k < due && inflight.size < 400; k++) {
        const p = one();
        inflight.add(p);
        void p.then(() => inflight.delete(p));
      }
    }, 10);
  });
  await Promise.all(inflight);
  return (sent - start) / ((performance.now() - t0) / 1000);
}

/* global window, document, requestAnimationFrame, MutationObserver -- these run in the page */

// ---- measuring in the page -------------------------------------------------------------------

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const r1 = (x) => Math.round(x * 10) / 10;

const FRAME_MONITOR = () => {
  const w = window;
  w.__frames = [];
  w.__longTasks = [];
  w.__monitoring = true;
  let last = performance.now();
  const loop = (now) => {
    if (!w.__monitoring) return;
    w.__frames.push(now - last);
    last = now;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame((now) => {
    last = now;
    requestAnimationFrame(loop);
  });
  w.__observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push(e.duration);
  });
  w.__observer.observe({ type: 'longtask' });
};

const STOP_MONITOR = () => {
  window.__monitoring = false;
  window.__observer.disconnect();
  return { frames: window.__frames, longTasks: window.__longTasks };
};

/** In the page: type `text` into the filter box; ms to the list's new row count and to the next frame. */
const TIME_FILTER = async (text) => {
  const box = document.querySelector('input[aria-label="Filter requests"]');
  const grid = document.querySelector('[role=grid][aria-label="Requests"]');
  const before = grid.getAttribute('aria-rowcount');
  const t0 = performance.now();
  const updated = new Promise((resolve) => {
    const mo = new MutationObserver(() => {
      if (grid.getAttribute('aria-rowcount') === before) return;
      mo.disconnect();
      resolve(performance.now());
    });
    mo.observe(grid, { attributes: true, attributeFilter: ['aria-rowcount'] });
    setTimeout(() => (mo.disconnect(), resolve(NaN)), 10_000);
  });
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  const t1 = await updated;
  const t2 = await new Promise((r) =>
    requestAnimationFrame(() => setTimeout(() => r(performance.now()), 0)),
  );
  return { text, rows: Number(grid.getAttribute('aria-rowcount')), dom: t1 - t0, frame: t2 - t0 };
};

/**
 * The core's share of a filter: listRequests round trips over the UI's own WebSocket, timed
 * from Node (the median of five), for the calls the page makes.
 */
async function coreRoundTrips() {
  const u = new URL(uiUrl);
  const ws = new WebSocket(`ws://${u.host}/api`, { origin: `http://${u.host}` });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'hello', token: u.searchParams.get('token') }));
  await new Promise((resolve) => ws.once('message', resolve));
  let id = 0;
  const call = (args) =>
    new Promise((resolve) => {
      const me = ++id;
      const t0 = performance.now();
      const on = (d) => {
        const f = JSON.parse(String(d));
        if (f.id !== me) return;
        ws.off('message', on);
        resolve({ ms: performance.now() - t0, bytes: String(d).length });
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ type: 'call', id: me, method: 'listRequests', args: [args] }));
    });
  const median = async (args) => {
    const xs = [];
    for (let i = 0; i < 5; i++) xs.push(await call(args));
    xs.sort((a, b) => a.ms - b.ms);
    return { ms: r1(xs[2].ms), kib: Math.round(xs[2].bytes / 1024) };
  };
  const out = {
    all: await median({ limit: 100_000 }),
    headerIds: await median({ filter: 'header:x-lj-server=app-01', limit: 100_000, idsOnly: true }),
    header: await median({ filter: 'header:x-lj-server=app-01', limit: 100_000 }),
  };
  ws.close();
  return out;
}

// ---- the run -----------------------------------------------------------------------------------

let browser = null;
try {
  log(`preloading ${args.records} requests through the proxy...`);
  const preloadMs = await preload(args.records);
  log(`  ${Math.round(args.records / (preloadMs / 1000))} req/s, ${failed} failed`);
  await new Promise((r) => setTimeout(r, 500));
  const coreAfterPreload = processStats(cli.pid);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const rowCount = () =>
    page.evaluate(() =>
      Number(
        document
          .querySelector('[role=grid][aria-label="Requests"]')
          ?.getAttribute('aria-rowcount') ?? -1,
      ),
    );

  // Cold: a fresh page, straight to Requests, until all rows are there and drawn.
  let t0 = performance.now();
  await page.goto(uiUrl);
  await page.getByRole('button', { name: 'Requests' }).click();
  await page.waitForFunction(
    (n) =>
      Number(
        document.querySelector('[role=grid][aria-label="Requests"]')?.getAttribute('aria-rowcount'),
      ) >= n,
    Math.min(args.records, 100_000),
    { timeout: 120_000, polling: 'raf' },
  );
  await page.locator('.viewport [role=row][data-id]').first().waitFor();
  const openColdMs = performance.now() - t0;
  // Warm: to Status and back (the inspector's state outlives the view).
  await page.getByRole('button', { name: 'Status' }).click();
  await page.waitForTimeout(300);
  t0 = performance.now();
  await page.getByRole('button', { name: 'Requests' }).click();
  await page.locator('.viewport [role=row][data-id]').first().waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  const openWarmMs = performance.now() - t0;
  log(
    `open Requests: cold ${r1(openColdMs)} ms, warm ${r1(openWarmMs)} ms, rows ${await rowCount()}`,
  );

  // Filters over the full list (no traffic).
  const filters = [];
  for (const text of [
    'status:404',
    'path:/frank/',
    'service:proxy and not status:404',
    'frank',
    '',
    'header:x-lj-server=app-01',
    '',
  ]) {
    filters.push(await page.evaluate(TIME_FILTER, text));
    await page.waitForTimeout(200);
  }
  for (const f of filters)
    log(
      `filter ${JSON.stringify(f.text)}: ${f.rows} rows, list ${r1(f.dom)} ms, frame ${r1(f.frame)} ms`,
    );
  const core = await coreRoundTrips();
  log('core round trips (listRequests over the WebSocket):', core);

  // Streaming into the open list.
  const cdp = args.profile ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await page.evaluate(FRAME_MONITOR);
  const coreBefore = processStats(cli.pid);
  const achieved = await stream(args.rate, args.seconds);
  await page.waitForTimeout(500);
  const coreAfter = processStats(cli.pid);
  const { frames, longTasks } = await page.evaluate(STOP_MONITOR);
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    fs.writeFileSync(args.profile, JSON.stringify(profile));
  }
  const streaming = {
    rate: Math.round(achieved),
    frames: frames.length,
    fps: r1(frames.length / args.seconds),
    maxFrameMs: r1(Math.max(...frames)),
    p99FrameMs: r1(pct(frames, 99)),
    p50FrameMs: r1(pct(frames, 50)),
    framesOver50ms: frames.filter((f) => f > 50).length,
    longTasks: longTasks.length,
    maxLongTaskMs: r1(Math.max(0, ...longTasks)),
    coreCpuPercent: Math.round(
      ((coreAfter.cpuSeconds - coreBefore.cpuSeconds) / (args.seconds + 0.5)) * 100,
    ),
  };
  log(`streaming ${streaming.rate} req/s for ${args.seconds} s:`, streaming);

  // A filter while the list is full and following (after streaming, the list holds its 100,000).
  const filterAfter = await page.evaluate(TIME_FILTER, 'status:404');
  log(
    `filter after streaming: ${filterAfter.rows} rows, list ${r1(filterAfter.dom)} ms, frame ${r1(filterAfter.frame)} ms`,
  );
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);

  const result = {
    machine: {
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      memGiB: Math.round(os.totalmem() / 1024 ** 3),
      kernel: os.release(),
      node: process.version,
      chromium: browser.version(),
      load: os.loadavg().map((x) => r1(x)),
    },
    preload: {
      requests: args.records,
      reqPerSec: Math.round(args.records / (preloadMs / 1000)),
      failed,
    },
    core: {
      rssMiBAfterPreload: Math.round(coreAfterPreload.rssKiB / 1024),
      rssMiBEnd: Math.round(coreAfter.rssKiB / 1024),
    },
    openRequestsMs: { cold: r1(openColdMs), warm: r1(openWarmMs) },
    filters: filters.map((f) => ({ ...f, dom: r1(f.dom), frame: r1(f.frame) })),
    coreListRequestsMs: core,
    filterAfterStreaming: {
      ...filterAfter,
      dom: r1(filterAfter.dom),
      frame: r1(filterAfter.frame),
    },
    streaming,
    pageHeapMiB: heap === null ? null : Math.round(heap / 1024 ** 2),
    targets: {
      noFrameOver50msWhileStreaming: streaming.maxFrameMs <= 50,
      filterUnder100ms: filters
        .filter((f) => f.text && !f.text.startsWith('header:'))
        .every((f) => f.frame < 100),
    },
  };
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(JSON.stringify(result, null, 2));
} finally {
  await browser?.close();
  cli.kill('SIGTERM');
  agent.destroy();
  backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
