#!/usr/bin/env node
// Benchmark: Perlbal Desktop against the real Perlbal 1.80 and nginx on loopback, driven by
// wrk in the same run: as web servers serving the same files, and as reverse proxies in front
// of one nginx origin. Prints req/s, p50/p99 latency, CPU, idle and peak RSS, the ratios
// ours/Perlbal and ours/nginx, and the targets. Needs Debian's perlbal, nginx and wrk:
//   apt-get install -y perlbal libstring-crc32-perl nginx-light wrk
// and a built core (`npm ci` builds it). Usage:
//   node bench/run.mjs [--duration 10] [--warmup 3] [--reps 3] [--connections 50] [--only web-1k,proxy-1k]
// Measured servers are pinned to CPU 0, wrk and the origin to CPU 1 when `taskset` exists;
// runs are interleaved.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { processStats, median, fmt } from './lib.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { launchAll, pinned, pinnedCpus, stopAll, workerPid } from './servers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = parseArgs(process.argv.slice(2));

function parseArgs(argv) {
  const o = { duration: 10, warmup: 3, reps: 3, connections: 50, only: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, '');
    const v = argv[++i];
    if (k === 'only') o.only = v.split(',');
    else if (k in o) o[k] = Number(v);
    else throw new Error(`unknown option --${k}`);
  }
  return o;
}

function need(bin) {
  if (spawnSync('which', [bin]).status !== 0) {
    console.error(`bench: '${bin}' is missing. apt-get install -y perlbal libstring-crc32-perl nginx-light wrk`);
    process.exit(2);
  }
}

function runWrk(url, extraArgs) {
  const [c, a] = pinned(1, 'wrk', ['-t1', `-c${args.connections}`, `-d${args.duration}s`, '--latency', ...extraArgs, url]);
  const r = spawnSync(c, a, { encoding: 'utf8' });
  const out = r.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const lat = (p) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return NaN;
    const n = Number(m[1]);
    return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
  };
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out)?.[0] ?? '';
  return { rps, p50: lat(50), p99: lat(99), errors, raw: out };
}

/** One wrk run against `server`, with the server's CPU use over the run. */
function measureOnce(server, scenario) {
  const pid = workerPid(server);
  const before = processStats(pid);
  const t0 = process.hrtime.bigint();
  const w = runWrk(scenario.url(server), scenario.wrkArgs);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = processStats(pid);
  return { ...w, cpuPct: ((after.cpuSeconds - before.cpuSeconds) / secs) * 100, rssPeakMiB: after.peakRssKiB / 1024 };
}

function summarise(server, reps) {
  return {
    rps: median(reps.map((r) => r.rps)),
    p50: median(reps.map((r) => r.p50)),
    p99: median(reps.map((r) => r.p99)),
    cpuPct: median(reps.map((r) => r.cpuPct)),
    rssPeakMiB: Math.max(...reps.map((r) => r.rssPeakMiB)),
    idleRssMiB: server.idleRssMiB,
    errors: reps.map((r) => r.errors).filter(Boolean).join('; '),
  };
}

/**
 * Runs are interleaved (ours, Perlbal, nginx, ours, ...) so that a burst of load from
 * elsewhere on a shared machine hits every server alike and the ratios stay meaningful.
 */
function measureScenario(running, scenario) {
  const targets = Object.entries(scenario.servers).map(([label, kind]) => ({ label, server: running[kind] }));
  for (const { server } of targets) runWrk(scenario.url(server), [...scenario.wrkArgs, '-d', `${args.warmup}s`]);
  const reps = new Map(targets.map((t) => [t.label, []]));
  for (let i = 0; i < args.reps; i++) {
    for (const { label, server } of targets) {
      process.stderr.write(`bench: ${scenario.name} ${label} run ${i + 1}/${args.reps}\n`);
      reps.get(label).push(measureOnce(server, scenario));
    }
  }
  return Object.fromEntries(targets.map(({ label, server }) => [label, summarise(server, reps.get(label))]));
}

async function main() {
  for (const b of ['wrk', 'nginx', 'perlbal']) need(b);
  const bin = path.join(root, 'proxy-core', 'bin', 'perlbal-desktop.js');
  if (!fs.existsSync(path.join(root, 'proxy-core', 'dist', 'bin', 'perlbal.js'))) {
    console.error('bench: build the core first (npm ci, or npm run build:core)');
    process.exit(2);
  }
  const scenarios = SCENARIOS.filter((s) => !args.only || args.only.includes(s.name));
  const unknown = (args.only ?? []).filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`bench: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pbd-bench-'));
  // nginx's worker drops to an unprivileged user when started as root: let it read the files.
  fs.chmodSync(work, 0o755);
  const env = { work, root, bin, docroot: path.join(work, 'docroot') };
  for (const s of scenarios) s.prepare?.(env);
  const kinds = [...new Set(scenarios.flatMap((s) => Object.values(s.servers)))];
  const results = {};
  const running = await launchAll(kinds, env);
  try {
    await new Promise((r) => setTimeout(r, 300));
    for (const s of Object.values(running)) s.idleRssMiB = processStats(workerPid(s)).rssKiB / 1024;
    for (const sc of scenarios) results[sc.name] = measureScenario(running, sc);
  } finally {
    stopAll(running);
  }
  report(results, scenarios);
  const out = path.join(root, 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ machine: machine(), args, results }, null, 2));
  console.log(`\nraw results: ${path.relative(root, file)}`);
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    pinned: pinnedCpus,
    date: new Date().toISOString(),
  };
}

function report(results, scenarios) {
  const m = machine();
  console.log(`\nmachine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.os}, Node ${m.node}${m.pinned ? ', servers on CPU 0, wrk and the proxy origin on CPU 1' : ''}`);
  console.log(`wrk -t1 -c${args.connections} -d${args.duration}s; median of ${args.reps} runs after a ${args.warmup}s warm-up\n`);
  const head = ['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'CPU %', 'idle/peak RSS MiB', 'x Perlbal', 'x nginx'];
  const rows = [head];
  for (const s of scenarios) {
    const r = results[s.name] ?? {};
    for (const label of Object.keys(s.servers)) {
      const x = r[label];
      if (!x) continue;
      rows.push([
        s.name,
        label,
        fmt(x.rps, 0),
        fmt(x.p50, 2),
        fmt(x.p99, 2),
        fmt(x.cpuPct, 0),
        `${fmt(x.idleRssMiB, 0)} / ${fmt(x.rssPeakMiB, 0)}`,
        r.perlbal ? fmt(x.rps / r.perlbal.rps, 2) : '',
        r.nginx ? fmt(x.rps / r.nginx.rps, 2) : '',
      ]);
      if (x.errors) rows.push(['', '', `errors: ${x.errors}`]);
    }
  }
  const widths = head.map((_, i) => Math.max(...rows.map((row) => String(row[i] ?? '').length)));
  for (const row of rows) console.log(row.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  '));
  for (const s of scenarios) {
    const r = results[s.name];
    if (!s.target || !r || Object.keys(s.servers).some((label) => !r[label])) continue;
    const verdicts = s.target(r).map(([what, ok]) => `${ok ? 'met' : 'MISSED'}: ${what}`);
    console.log(`${s.name}: ${verdicts.join('; ')}`);
  }
}

await main();
// A stray server child (an nginx worker that outlived its master) must not keep us running.
process.exit(0);
