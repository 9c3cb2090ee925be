// What the benchmark measures. Each scenario prepares its files, maps the names it reports
// (ours, perlbal, nginx, ...) to the server processes it runs against (bench/servers.mjs),
// builds the URL and wrk options, and states the targets from the issue it serves.
import fs from 'node:fs';
import path from 'node:path';

function file(env, name, bytes) {
  fs.mkdirSync(env.docroot, { recursive: true });
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = 97 + (i % 26);
  fs.writeFileSync(path.join(env.docroot, name), buf);
}

const WEB = { ours: 'ours', perlbal: 'perlbal', nginx: 'nginx' };
const PROXIES = { ours: 'ours-proxy', perlbal: 'perlbal-proxy', nginx: 'nginx-proxy' };
const KEEP_ALIVE = ['-H', 'Connection: keep-alive'];
const CLOSE = ['-H', 'Connection: close'];
const ratio = (a, b) => (a / b).toFixed(2);

/** The reverse-proxy targets for 1 KiB keep-alive responses. */
function proxyTargets(r) {
  const { ours, perlbal, nginx } = r;
  return [
    [`>= 4x Perlbal req/s (${ratio(ours.rps, perlbal.rps)}x)`, ours.rps >= 4 * perlbal.rps],
    [`>= 0.5x nginx req/s (${ratio(ours.rps, nginx.rps)}x)`, ours.rps >= 0.5 * nginx.rps],
    [`p99 <= 2x nginx (${ours.p99.toFixed(2)} ms vs ${nginx.p99.toFixed(2)} ms)`, ours.p99 <= 2 * nginx.p99],
    [`idle RSS < 80 MiB (${ours.idleRssMiB.toFixed(0)} MiB)`, ours.idleRssMiB < 80],
  ];
}

function proxyScenario(name, fileName, bytes, wrkArgs, target) {
  return {
    name,
    servers: PROXIES,
    prepare: (env) => file(env, fileName, bytes),
    url: (s) => `http://127.0.0.1:${s.port}/${fileName}`,
    wrkArgs,
    ...(target ? { target } : {}),
  };
}

/**
 * The backend answers with X-REPROXY-URL (back to the origin's own file) or X-REPROXY-FILE;
 * the proxy fetches or reads the real body. nginx has no X-REPROXY, so only ours and Perlbal.
 */
function reproxyScenario(name, kind, fileName, bytes) {
  return {
    name,
    servers: { ours: 'ours-proxy', perlbal: 'perlbal-proxy' },
    prepare: (env) => file(env, fileName, bytes),
    url: (s) => `http://127.0.0.1:${s.port}/${kind}/${fileName}`,
    wrkArgs: KEEP_ALIVE,
    target: (r) => [[`>= 3x Perlbal req/s (${ratio(r.ours.rps, r.perlbal.rps)}x)`, r.ours.rps >= 3 * r.perlbal.rps]],
  };
}

export const SCENARIOS = [
  {
    name: 'web-1k',
    servers: WEB,
    prepare: (env) => file(env, '1k.bin', 1024),
    url: (s) => `http://127.0.0.1:${s.port}/1k.bin`,
    wrkArgs: KEEP_ALIVE,
    target: (r) => [[`>= 3x Perlbal req/s (${ratio(r.ours.rps, r.perlbal.rps)}x)`, r.ours.rps >= 3 * r.perlbal.rps]],
  },
  {
    name: 'web-1m',
    servers: WEB,
    prepare: (env) => file(env, '1m.bin', 1024 * 1024),
    url: (s) => `http://127.0.0.1:${s.port}/1m.bin`,
    wrkArgs: KEEP_ALIVE,
    target: (r) => [[`>= 0.8x nginx req/s (${ratio(r.ours.rps, r.nginx.rps)}x)`, r.ours.rps >= 0.8 * r.nginx.rps]],
  },
  proxyScenario('proxy-1k', '1k.bin', 1024, KEEP_ALIVE, proxyTargets),
  proxyScenario('proxy-1k-close', '1k.bin', 1024, CLOSE),
  proxyScenario('proxy-64k', '64k.bin', 64 * 1024, KEEP_ALIVE),
  proxyScenario('proxy-64k-close', '64k.bin', 64 * 1024, CLOSE),
  reproxyScenario('reproxy-url-64k', 'rp-url', '64k.bin', 64 * 1024),
  reproxyScenario('reproxy-url-1m', 'rp-url', '1m.bin', 1024 * 1024),
  reproxyScenario('reproxy-file-64k', 'rp-file', '64k.bin', 64 * 1024),
  reproxyScenario('reproxy-file-1m', 'rp-file', '1m.bin', 1024 * 1024),
  {
    // The same proxy with and without someone listening for request records (--access-log
    // to /dev/null): the difference is what records cost.
    name: 'proxy-1k-records',
    servers: { ours: 'ours-proxy', 'ours+records': 'ours-records' },
    prepare: (env) => file(env, '1k.bin', 1024),
    url: (s) => `http://127.0.0.1:${s.port}/1k.bin`,
    wrkArgs: KEEP_ALIVE,
    target: (r) => {
      const cost = 1 - r['ours+records'].rps / r.ours.rps;
      return [[`records cost < 10% of req/s (${(cost * 100).toFixed(1)}%)`, cost < 0.1]];
    },
  },
];

// ---- TLS: a 1 KiB file over HTTPS, on keep-alive connections and with a new connection (and
// so a handshake) per request, with the same connections as every other scenario. Each server
// keeps its default TLS settings.
const TLS_WEB = { ours: 'ours-tls', perlbal: 'perlbal-tls', nginx: 'nginx-tls' };

function tlsScenario(name, wrkArgs, target) {
  return {
    name,
    servers: TLS_WEB,
    prepare: (env) => file(env, '1k.bin', 1024),
    url: (s) => `https://127.0.0.1:${s.port}/1k.bin`,
    wrkArgs,
    ...(target ? { target } : {}),
  };
}

SCENARIOS.push(
  tlsScenario('tls-1k', KEEP_ALIVE, (r) => [
    [`>= 3x Perlbal req/s (${ratio(r.ours.rps, r.perlbal.rps)}x)`, r.ours.rps >= 3 * r.perlbal.rps],
    [`>= 0.5x nginx req/s (${ratio(r.ours.rps, r.nginx.rps)}x)`, r.ours.rps >= 0.5 * r.nginx.rps],
  ]),
  tlsScenario('tls-1k-close', CLOSE),
);
