// What the benchmark measures. Each scenario prepares its files, names the servers it runs
// against, builds the URL and wrk options, and states the target from the issue it serves.
import fs from 'node:fs';
import path from 'node:path';

function file(env, name, bytes) {
  const dir = path.join(env.work, 'docroot');
  fs.mkdirSync(dir, { recursive: true });
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = 97 + (i % 26);
  fs.writeFileSync(path.join(dir, name), buf);
}

const ALL = ['ours', 'perlbal', 'nginx'];

export const SCENARIOS = [
  {
    name: 'web-1k',
    servers: ALL,
    prepare: (env) => file(env, '1k.bin', 1024),
    url: (s) => `http://127.0.0.1:${s.port}/1k.bin`,
    wrkArgs: ['-H', 'Connection: keep-alive'],
    target: (r) => [[`>= 3x Perlbal req/s (${(r.ours.rps / r.perlbal.rps).toFixed(2)}x)`, r.ours.rps >= 3 * r.perlbal.rps]],
  },
  {
    name: 'web-1m',
    servers: ALL,
    prepare: (env) => file(env, '1m.bin', 1024 * 1024),
    url: (s) => `http://127.0.0.1:${s.port}/1m.bin`,
    wrkArgs: ['-H', 'Connection: keep-alive'],
    target: (r) => [[`>= 0.8x nginx req/s (${(r.ours.rps / r.nginx.rps).toFixed(2)}x)`, r.ours.rps >= 0.8 * r.nginx.rps]],
  },
];
