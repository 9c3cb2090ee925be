#!/usr/bin/env node
// Live changes under load: wrk drives selector -> reverse_proxy -> pool while the config is
// applied 100 times (nodes, backend tunables, HEADER rules, a VHOST and a service coming and
// going) with node additions and removals from the API in between, as the desktop app's editor
// and status view make them. The core runs in this process, as in the desktop app's main
// process; two nginx origins are the backends. Passes when wrk saw no socket error and no
// answer other than 200. Needs nginx and wrk (apt-get install -y nginx-light wrk) and a
// built core (npm ci). Usage:
//   node bench/live-apply.mjs [--applies 100] [--connections 50] [--interval-ms 150]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, processStats } from './lib.mjs';
import { liveApplyConfig as configText } from './live-apply-config.mjs';
import { pinned, startOrigin, stopAll } from './servers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = { applies: 100, connections: 50, 'interval-ms': 150 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in args))
    throw new Error(`unknown option --${k}; known: ${Object.keys(args).join(', ')}`);
  args[k] = Number(process.argv[i + 1]);
}

const { ProxyCore, createInProcessApi } = await import(
  path.join(root, 'proxy-core/dist/src/index.js')
);

function variantFor(i, nodes, port) {
  const [a, b] = nodes;
  return {
    port,
    nodes: i % 3 === 0 ? [a] : i % 3 === 1 ? [b] : [a, b],
    persist: i % 5 !== 2,
    maxUses: [10, 0, 1, 3][i % 4],
    cache: [2, 0, 5][i % 3],
    header: i % 2 === 0,
    extraService: i % 6 < 3,
  };
}

function parseWrk(out) {
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((n, x) => n + Number(x), 0) : 0;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  return { total, non2xx, socketErrors, socketDetail: sock?.[0] ?? 'none', rps };
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pbd-live-apply-'));
  fs.chmodSync(work, 0o755);
  const docroot = path.join(work, 'docroot');
  fs.mkdirSync(docroot);
  fs.writeFileSync(path.join(docroot, 'page.txt'), 'x'.repeat(1024));
  const env = { work, docroot };
  const running = {};
  running.a = await startOrigin('origin-a', env, await freePort());
  running.b = await startOrigin('origin-b', env, await freePort());
  const nodes = [`127.0.0.1:${running.a.port}`, `127.0.0.1:${running.b.port}`];
  const port = await freePort();

  let text = configText(variantFor(2, nodes, port), docroot);
  const core = await ProxyCore.start(text);
  const api = createInProcessApi(core, { text, file: null });
  const duration = Math.ceil((args.applies * args['interval-ms'] * 1.5) / 1000) + 4;
  const [cmd, argv] = pinned(1, 'wrk', [
    '-t1',
    `-c${args.connections}`,
    `-d${duration}s`,
    '-H',
    'Host: www.lj.localhost',
    `http://127.0.0.1:${port}/page.txt`,
  ]);
  const wrk = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  wrk.stdout.on('data', (d) => (out += d));
  const done = new Promise((r) => wrk.on('exit', r));

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  await sleep(1500);
  const before = processStats(process.pid);
  let applies = 0;
  let nodeChanges = 0;
  const failures = [];
  for (let i = 0; i < args.applies; i++) {
    try {
      text = configText(variantFor(i, nodes, port), docroot);
      await api.applyConfig(text);
      applies++;
      await sleep(args['interval-ms'] / 2);
      // A node change from the API on top of the applied text, then back.
      const live = variantFor(i, nodes, port).nodes;
      const other = nodes.find((n) => !live.includes(n));
      if (other) {
        await api.addPoolNode('web_pool', other);
        await sleep(args['interval-ms'] / 4);
        await api.removePoolNode('web_pool', other);
        nodeChanges += 2;
      }
    } catch (e) {
      failures.push(`change ${i}: ${e.message}`);
    }
    await sleep(args['interval-ms'] / 4);
  }
  await done;
  const after = processStats(process.pid);
  api.dispose();
  core.close();
  stopAll(running);

  const w = parseWrk(out);
  console.log(
    `machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, Node ${process.version}`,
  );
  console.log(
    `wrk -c${args.connections} for ${duration}s through selector -> reverse_proxy -> 2 nginx origins`,
  );
  console.log(
    `config applies: ${applies}, node changes: ${nodeChanges}, failed changes: ${failures.length}`,
  );
  for (const f of failures) console.log(`  ${f}`);
  console.log(
    `requests: ${w.total} (${w.rps} req/s), non-200: ${w.non2xx}, socket errors: ${w.socketDetail}`,
  );
  console.log(
    `core process RSS: ${Math.round(before.rssKiB / 1024)} MiB -> ${Math.round(after.rssKiB / 1024)} MiB`,
  );
  const ok = failures.length === 0 && w.non2xx === 0 && w.socketErrors === 0 && w.total > 0;
  console.log(ok ? 'PASS: no request lost' : 'FAIL: requests were lost or changes failed');
  process.exit(ok ? 0 : 1);
}

await main();
