#!/usr/bin/env node
// Palimg benchmark: recolours per second and MiB/s for a typical 2 KiB GIF (16 colours) and a
// 256-colour PNG, through the server (Perlbal Desktop vs the real Perlbal 1.80 with
// `LOAD palimg`, both pinned to CPU 0, keep-alive, `wrk` on CPU 1, runs interleaved) and for
// the pure transform alone. Needs the built core (`npm run -s build:core`).
//
//   node bench/palimg.mjs [--duration 5] [--warmup 2] [--reps 3] [--no-server]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { fmt, freePort, median } from './lib.mjs';
import { pinned, startOurs, startPerlbal } from './servers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(args[i + 1]);
};
const DURATION = opt('duration', 5);
const WARMUP = opt('warmup', 2);
const REPS = opt('reps', 3);
const SERVER = !args.includes('--no-server');

// ---- images (the same encoders as test/helpers/palimg-images.ts, in plain JS) --------------

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png256(w, h, rand) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 3;
  const palette = Buffer.from(Array.from({ length: 768 }, () => Math.floor(rand() * 256)));
  const raw = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) raw[y * (w + 1) + 1 + x] = (x * 7 + y * 3) & 255;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', palette),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function gif16(w, h, rand) {
  const screen = Buffer.from([w & 255, w >> 8, h & 255, h >> 8, 0x80 | (3 << 4) | 3, 0, 0]);
  const palette = Buffer.from(Array.from({ length: 48 }, () => Math.floor(rand() * 256)));
  const desc = Buffer.from([0x2c, 0, 0, 0, 0, w & 255, w >> 8, h & 255, h >> 8, 0]);
  // LZW of literal codes only (width 5), with a clear code before the width would grow.
  const out = [];
  let acc = 0;
  let bits = 0;
  const emit = (code) => {
    acc |= code << bits;
    bits += 5;
    while (bits >= 8) {
      out.push(acc & 255);
      acc >>>= 8;
      bits -= 8;
    }
  };
  emit(16);
  for (let i = 0, since = 0; i < w * h; i++, since++) {
    if (since === 12) {
      emit(16);
      since = 0;
    }
    emit(Math.floor(rand() * 16));
  }
  emit(17);
  if (bits) out.push(acc & 255);
  const blocks = [];
  for (let i = 0; i < out.length; i += 255)
    blocks.push(out.length - i >= 255 ? 255 : out.length - i, ...out.slice(i, i + 255));
  return Buffer.concat([
    Buffer.from('GIF89a'),
    screen,
    palette,
    desc,
    Buffer.from([4, ...blocks, 0, 0x3b]),
  ]);
}

const rand = rng(2026);
const IMAGES = [
  {
    name: 'typical 2 KiB GIF (16 colours)',
    file: 'bg.gif',
    kind: 'gif',
    bytes: gif16(56, 48, rand),
    spec: 'tff8000203040',
  },
  {
    name: '256-colour PNG',
    file: 'pal256.png',
    kind: 'png',
    bytes: png256(64, 64, rand),
    spec: 'g00000000ffffffff',
  },
];

// ---- the pure transform ---------------------------------------------------------------------

async function pureFunction() {
  const lib = path.join(root, 'proxy-core', 'dist', 'src', 'common', 'palimg', 'index.js');
  if (!fs.existsSync(lib)) throw new Error('build the core first: npm run -s build:core');
  const { parsePaletteSpec, recolourPrefix } = await import(lib);
  const rows = [];
  for (const img of IMAGES) {
    const run = (ms) => {
      let n = 0;
      const end = performance.now() + ms;
      while (performance.now() < end) {
        for (let i = 0; i < 200; i++)
          recolourPrefix(img.kind, img.bytes, parsePaletteSpec(img.spec));
        n += 200;
      }
      return n;
    };
    run(WARMUP * 1000);
    const rates = [];
    for (let r = 0; r < REPS; r++) rates.push(run(DURATION * 1000) / DURATION);
    const ops = median(rates);
    rows.push({
      image: img.name,
      bytes: img.bytes.length,
      ops,
      mibs: (ops * img.bytes.length) / 2 ** 20,
    });
  }
  return rows;
}

// ---- through the server ---------------------------------------------------------------------

const conf = (port, docroot, aio) =>
  `SERVER aio_mode = ${aio}\nLOAD palimg\nCREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:${port}\n` +
  `  SET docroot = ${docroot}\n  SET plugins = palimg\n  SET persist_client = on\nENABLE web\n`;

async function startServer(kind, work, docroot) {
  const port = await freePort();
  const c = { port, text: conf(port, docroot, kind === 'perlbal' ? 'ioaio' : 'none') };
  const env = { work, bin: path.join(root, 'proxy-core', 'bin', 'perlbal-desktop.js') };
  const s = kind === 'perlbal' ? await startPerlbal(kind, env, c) : await startOurs(kind, env, c);
  return { kind, port, child: s.child };
}

/** Check the body once (both servers must answer 200 with the image's length). */
async function check(port, url, size) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const body = await new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: url, agent }, (res) => {
          const parts = [];
          res.on('data', (c) => parts.push(c));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(Buffer.concat(parts))
              : reject(new Error(`${url}: ${res.statusCode}`)),
          );
        })
        .on('error', reject);
    });
    if (body.length !== size) throw new Error(`${url}: ${body.length} bytes, expected ${size}`);
  } finally {
    agent.destroy();
  }
}

function wrk(port, url, seconds) {
  const [cmd, argv] = pinned(1, 'wrk', [
    '-t1',
    '-c50',
    `-d${seconds}s`,
    '-H',
    'Connection: keep-alive',
    `http://127.0.0.1:${port}${url}`,
  ]);
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  if (!m || /Non-2xx/.test(r.stdout)) throw new Error(`wrk failed:\n${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

async function throughServers() {
  if (spawnSync('which', ['wrk']).status !== 0)
    throw new Error("'wrk' is missing: apt-get install -y wrk");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bench-palimg-'));
  const docroot = path.join(work, 'docroot');
  fs.mkdirSync(path.join(docroot, 'palimg'), { recursive: true });
  for (const img of IMAGES) fs.writeFileSync(path.join(docroot, 'palimg', img.file), img.bytes);
  const servers = [];
  try {
    for (const kind of ['ours', 'perlbal']) servers.push(await startServer(kind, work, docroot));
    const rows = [];
    for (const img of IMAGES) {
      const url = `/palimg/${img.file}/p${img.spec}`;
      const rates = { ours: [], perlbal: [] };
      for (const s of servers) {
        await check(s.port, url, img.bytes.length);
        wrk(s.port, url, WARMUP);
      }
      for (let r = 0; r < REPS; r++)
        for (const s of servers) rates[s.kind].push(wrk(s.port, url, DURATION));
      for (const s of servers) {
        const rps = median(rates[s.kind]);
        rows.push({
          image: img.name,
          server: s.kind,
          rps,
          mibs: (rps * img.bytes.length) / 2 ** 20,
        });
      }
    }
    return rows;
  } finally {
    for (const s of servers) s.child.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const pure = await pureFunction();
console.log('\npure transform (parse spec + rewrite prefix), one core:\n');
console.log('| image | bytes | recolours/s | MiB/s |\n|---|--:|--:|--:|');
for (const r of pure)
  console.log(`| ${r.image} | ${r.bytes} | ${fmt(r.ops, 0)} | ${fmt(r.mibs, 0)} |`);
let served = [];
if (SERVER) {
  served = await throughServers();
  console.log('\nthrough the server (wrk -t1 -c50, keep-alive):\n');
  console.log('| image | server | req/s | MiB/s | × Perlbal |\n|---|---|--:|--:|--:|');
  for (const r of served) {
    const base = served.find((x) => x.image === r.image && x.server === 'perlbal').rps;
    const name = r.server === 'ours' ? 'Perlbal Desktop' : 'Perlbal 1.80';
    console.log(
      `| ${r.image} | ${name} | ${fmt(r.rps, 0)} | ${fmt(r.mibs, 1)} | ${fmt(r.rps / base, 2)} |`,
    );
  }
}
const out = path.join(
  root,
  'bench',
  'results',
  `palimg-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ duration: DURATION, reps: REPS, pure, served }, null, 2));
console.log(`\nraw results: ${path.relative(root, out)}`);
