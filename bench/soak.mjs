#!/usr/bin/env node
// Soak: a steady, moderate load through selector -> reverse_proxy -> a LiveJournal-like backend
// (the --demo journal: pages, userpics by X-REPROXY-FILE, photos by X-REPROXY-URL) and through
// selector -> web_server for static files and palimg recolouring, for N minutes. The proxy
// runs as `perlbal-desktop --config` in its own process; the load comes from this one at a
// fixed rate, so that RSS and file descriptors can be watched over time. Passes when no request
// failed and RSS and open fds grew by less than 10% from the end of the warm-up to the end.
// Needs a built core (npm ci). Usage:
//   node bench/soak.mjs [--minutes 10] [--rate 400] [--warmup-s 60] [--sample-s 10] [--ui 0|1]
// `--ui 1` also serves the browser UI, so the request inspector's bounded capture is in the
// process (it fills up to its limits during the run; its growth is then part of the figures).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, median, processStats, waitForPort } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = { minutes: 10, rate: 400, 'warmup-s': 60, 'sample-s': 10, ui: 0 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in args))
    throw new Error(`unknown option --${k}; known: ${Object.keys(args).join(', ')}`);
  args[k] = Number(process.argv[i + 1]);
}

const { startDemo } = await import(path.join(root, 'proxy-core/dist/src/node/demo/demo-server.js'));

/** The mix: what a LiveJournal page view fetches, roughly. */
const MIX = [
  { kind: 'journal page', host: 'frank.lj.localhost', path: '/', weight: 2 },
  { kind: 'front page', host: 'www.lj.localhost', path: '/', weight: 1 },
  { kind: 'userpic (X-REPROXY-FILE)', host: 'www.lj.localhost', path: '/userpic/frank', weight: 3 },
  {
    kind: 'photo (X-REPROXY-URL)',
    host: 'www.lj.localhost',
    path: '/photo/photo-mountains.png',
    weight: 2,
  },
  { kind: 'static file', host: 'stat.lj.localhost', path: '/css/site.css', weight: 3 },
  { kind: 'palimg', host: 'stat.lj.localhost', path: null, weight: 3 },
];
const PALIMG = [
  'photo-mountains.gif',
  'photo-mountains.png',
  'userpic-frank.png',
  'userpic-system.gif',
];

function pick(rand) {
  const total = MIX.reduce((n, m) => n + m.weight, 0);
  let x = rand * total;
  for (const m of MIX) if ((x -= m.weight) < 0) return m;
  return MIX[0];
}

function palimgPath(n) {
  const hex = (v) => (v & 0xffffff).toString(16).padStart(6, '0');
  const file = PALIMG[n % PALIMG.length];
  const spec =
    n % 3 === 0
      ? `t${hex(n * 2654435761)}`
      : n % 3 === 1
        ? `t${hex(n * 40503)}${hex(n * 97)}`
        : `0${hex(n * 7919)}1${hex(n)}`;
  return `/palimg/${file}/p${spec}`;
}

function fdCount(pid) {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pbd-soak-'));
  const docroot = path.join(work, 'docroot');
  fs.cpSync(path.join(root, 'resources/docroot'), docroot, { recursive: true });
  fs.mkdirSync(path.join(docroot, 'palimg'));
  for (const f of PALIMG)
    fs.copyFileSync(path.join(root, 'resources/demo', f), path.join(docroot, 'palimg', f));
  if (!fs.existsSync(path.join(docroot, 'css/site.css'))) {
    fs.mkdirSync(path.join(docroot, 'css'), { recursive: true });
    fs.writeFileSync(path.join(docroot, 'css/site.css'), 'body { color: #333; }\n'.repeat(100));
  }

  const [port, backendPort, mgmt] = [await freePort(), await freePort(), await freePort()];
  const demo = await startDemo({ port: backendPort, assetsDir: path.join(root, 'resources/demo') });
  const conf = path.join(work, 'soak.conf');
  fs.writeFileSync(
    conf,
    fs
      .readFileSync(path.join(root, 'resources/perlbal.conf'), 'utf8')
      .replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`)
      .replaceAll('127.0.0.1:8081', `127.0.0.1:${backendPort}`)
      .replaceAll('127.0.0.1:8065', `127.0.0.1:${mgmt}`)
      .replaceAll('127.0.0.1:7002', `127.0.0.1:${await freePort()}`)
      .replace('SET docroot = docroot', `SET docroot = ${docroot}\n  SET plugins = palimg`),
  );
  const proxy = spawn(
    process.execPath,
    [
      path.join(root, 'proxy-core/bin/perlbal-desktop.js'),
      '--config',
      conf,
      ...(args.ui ? ['--ui'] : []),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  proxy.stderr.on('data', (d) => (stderr += d));
  await waitForPort(port, 10_000);
  const pid = proxy.pid;

  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const counts = new Map(MIX.map((m) => [m.kind, { ok: 0, failed: 0, lastError: '' }]));
  let inFlight = 0;
  let sent = 0;
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

  const fire = () => {
    const m = pick(rand());
    const p = m.path ?? palimgPath(sent);
    sent++;
    inFlight++;
    const c = counts.get(m.kind);
    const fail = (why) => ((c.failed++, (c.lastError = why)), inFlight--);
    const req = http.get(
      { host: '127.0.0.1', port, path: p, agent, headers: { Host: m.host } },
      (res) => {
        let bytes = 0;
        res.on('data', (d) => (bytes += d.length));
        res.on('end', () => {
          if (res.statusCode !== 200 || bytes === 0)
            return fail(`${res.statusCode} for ${m.host}${p} (${bytes} bytes)`);
          c.ok++;
          inFlight--;
        });
        res.on('error', (e) => fail(e.message));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer in 30 s for ${m.host}${p}`)));
    req.on('error', (e) => fail(e.message));
  };

  const totalMs = args.minutes * 60_000;
  const start = Date.now();
  const samples = [];
  const sample = () => {
    const s = processStats(pid);
    const failed = [...counts.values()].reduce((n, c) => n + c.failed, 0);
    const row = {
      t: Math.round((Date.now() - start) / 1000),
      rssMiB: s.rssKiB / 1024,
      fds: fdCount(pid),
      sent,
      failed,
      inFlight,
    };
    samples.push(row);
    process.stderr.write(
      `soak: t=${row.t}s rss=${row.rssMiB.toFixed(1)} MiB fds=${row.fds} sent=${sent} failed=${failed}\n`,
    );
  };
  // A fixed rate, in 10 ms slices, so that the load does not follow the proxy's speed.
  let due = 0;
  const ticker = setInterval(() => {
    due += args.rate / 100;
    for (; due >= 1; due--) fire();
  }, 10);
  const sampler = setInterval(sample, args['sample-s'] * 1000);
  sample();
  await new Promise((r) => setTimeout(r, totalMs));
  clearInterval(ticker);
  clearInterval(sampler);
  for (let i = 0; i < 300 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
  sample();
  agent.destroy();
  proxy.kill('SIGTERM');
  await demo.close();

  // Compare the first minute after the warm-up with the last minute, each by its median: a
  // single sample moves with the load of the moment (fds by a few sockets in use).
  const steady = samples.filter((s) => s.t >= args['warmup-s']);
  const windowN = Math.max(1, Math.round(60 / args['sample-s']));
  const med = (rows, k) => median(rows.map((r) => r[k]));
  const afterWarmup = {
    rssMiB: med(steady.slice(0, windowN), 'rssMiB'),
    fds: med(steady.slice(0, windowN), 'fds'),
  };
  const last = {
    rssMiB: med(steady.slice(-windowN), 'rssMiB'),
    fds: med(steady.slice(-windowN), 'fds'),
  };
  const rssGrowth = (last.rssMiB - afterWarmup.rssMiB) / afterWarmup.rssMiB;
  const fdGrowth = (last.fds - afterWarmup.fds) / afterWarmup.fds;
  const failed = [...counts.values()].reduce((n, c) => n + c.failed, 0);

  console.log(
    `machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, Node ${process.version}`,
  );
  console.log(
    `${args.minutes} min at ${args.rate} req/s${args.ui ? ' with the browser UI (request capture) on' : ''}; ${sent} requests`,
  );
  for (const [kind, c] of counts)
    console.log(
      `  ${kind.padEnd(26)} ok ${String(c.ok).padStart(8)}  failed ${c.failed}${c.lastError ? `  (last: ${c.lastError})` : ''}`,
    );
  console.log(
    `RSS MiB: start ${samples[0].rssMiB.toFixed(1)}, first minute after warm-up ${afterWarmup.rssMiB.toFixed(1)}, peak ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(1)}, last minute ${last.rssMiB.toFixed(1)} (${(rssGrowth * 100).toFixed(1)}% after warm-up)`,
  );
  console.log(
    `open fds: start ${samples[0].fds}, first minute after warm-up ${afterWarmup.fds}, peak ${Math.max(...samples.map((s) => s.fds))}, last minute ${last.fds} (${(fdGrowth * 100).toFixed(1)}% after warm-up)`,
  );
  if (inFlight > 0) console.log(`${inFlight} requests still unanswered at the end`);
  if (stderr.trim())
    console.log(`proxy stderr:\n${stderr.trim().split('\n').slice(-10).join('\n')}`);
  const ok = failed === 0 && inFlight === 0 && rssGrowth < 0.1 && fdGrowth < 0.1;
  console.log(ok ? 'PASS' : 'FAIL');
  process.exit(ok ? 0 : 1);
}

await main();
