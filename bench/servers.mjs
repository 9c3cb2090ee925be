// The processes the benchmark measures, and how each starts: ours, the real Perlbal and nginx
// as web servers; the same three as reverse proxies in front of an nginx origin; ours with
// request records on. Measured servers run on CPU 0; the origin shares CPU 1 with wrk.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from './lib.mjs';

const haveTaskset = spawnSync('which', ['taskset']).status === 0;
export const pinnedCpus = haveTaskset;

export function pinned(cpu, cmd, argv) {
  return haveTaskset ? ['taskset', ['-c', String(cpu), cmd, ...argv]] : [cmd, argv];
}

/** Start a process on `cpu` and wait until `port` accepts connections. */
async function startProcess(name, cpu, cmd, argv, port, stdout = 'pipe') {
  const [c, a] = pinned(cpu, cmd, argv);
  const child = spawn(c, a, { stdio: ['ignore', stdout, 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  try {
    await waitForPort(port, 10_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start: ${e.message}\n${log}`, { cause: e });
  }
  return { name, child, port, log: () => log };
}

const mgmtBlock = (mgmt) => `CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:${mgmt}\nENABLE mgmt\n`;

function webConf(kind, port, mgmt, env) {
  return (
    `SERVER aio_mode = ${kind === 'perlbal' ? 'ioaio' : 'none'}\n` +
    `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:${port}\n  SET docroot = ${env.docroot}\n  SET persist_client = on\nENABLE web\n` +
    mgmtBlock(mgmt)
  );
}

/** The proxy under test: keep-alive to clients and to the origin; the rest as Perlbal defaults. */
function proxyConf(port, mgmt, origin) {
  return (
    `CREATE POOL origin\n  POOL origin ADD 127.0.0.1:${origin}\n` +
    `CREATE SERVICE proxy\n  SET role = reverse_proxy\n  SET listen = 127.0.0.1:${port}\n  SET pool = origin\n` +
    `  SET persist_backend = on\n  SET persist_client = on\n  SET enable_reproxy = on\nENABLE proxy\n` +
    mgmtBlock(mgmt)
  );
}

function nginxConf(env, name, server) {
  const prefix = path.join(env.work, name);
  fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;\ndaemon off;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/logs/error.log;\n` +
      `events { worker_connections 4096; }\n` +
      `http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; keepalive_timeout 65;\n` +
      `  types { text/plain txt; application/octet-stream bin; }\n${server} }\n`,
  );
  return ['-p', prefix, '-c', conf];
}

/**
 * The proxies' origin: static files, plus the two reproxy answers a LiveJournal backend gives
 * (`/rp-url/NAME` points the proxy at this origin's `/NAME`, `/rp-file/NAME` at the file).
 */
function originServer(env, port) {
  return (
    `  server { listen 127.0.0.1:${port}; root ${env.docroot};\n` +
    `    location ~ ^/rp-url/(.*)$ { add_header X-REPROXY-URL http://127.0.0.1:${port}/$1; return 200 ""; }\n` +
    `    location ~ ^/rp-file/(.*)$ { add_header X-REPROXY-FILE ${env.docroot}/$1; return 200 ""; } }`
  );
}

/** An nginx origin named `name` (its own prefix folder) serving the docroot, on CPU 1. */
export function startOrigin(name, env, port) {
  return startNginx(name, 1, env, port, originServer(env, port));
}

async function startNginx(name, cpu, env, port, server) {
  const s = await startProcess(name, cpu, 'nginx', nginxConf(env, name, server), port);
  s.masterPid = s.child.pid;
  return s;
}

export async function startOurs(name, env, conf, extraArgs = [], stdout = 'pipe') {
  const file = path.join(env.work, `${name}.conf`);
  fs.writeFileSync(file, conf.text);
  return startProcess(name, 0, process.execPath, [env.bin, '--config', file, ...extraArgs], conf.port, stdout);
}

export async function startPerlbal(name, env, conf) {
  const file = path.join(env.work, `${name}.conf`);
  fs.writeFileSync(file, conf.text);
  return startProcess(name, 0, 'perlbal', [`--config=${file}`], conf.port);
}

/** Every kind of server: `needs` names servers that must run first (the origin). */
export const SERVER_KINDS = {
  ours: { start: async (env, port, mgmt) => startOurs('ours', env, { port, text: webConf('ours', port, mgmt, env) }) },
  perlbal: { start: async (env, port, mgmt) => startPerlbal('perlbal', env, { port, text: webConf('perlbal', port, mgmt, env) }) },
  nginx: { start: (env, port) => startNginx('nginx', 0, env, port, `  server { listen 127.0.0.1:${port}; root ${env.docroot}; }`) },
  origin: { start: (env, port) => startNginx('origin', 1, env, port, originServer(env, port)) },
  'ours-proxy': {
    needs: ['origin'],
    start: (env, port, mgmt, deps) => startOurs('ours-proxy', env, { port, text: proxyConf(port, mgmt, deps.origin.port) }),
  },
  'ours-records': {
    needs: ['origin'],
    // --access-log turns request records on; the lines go to /dev/null, so the cost measured
    // is building and formatting the records, not a terminal.
    start: (env, port, mgmt, deps) =>
      startOurs('ours-records', env, { port, text: proxyConf(port, mgmt, deps.origin.port) }, ['--access-log'], fs.openSync('/dev/null', 'w')),
  },
  'perlbal-proxy': {
    needs: ['origin'],
    start: (env, port, mgmt, deps) => startPerlbal('perlbal-proxy', env, { port, text: proxyConf(port, mgmt, deps.origin.port) }),
  },
  'nginx-proxy': {
    needs: ['origin'],
    start: (env, port, _mgmt, deps) =>
      startNginx(
        'nginx-proxy',
        0,
        env,
        port,
        `  upstream origin { server 127.0.0.1:${deps.origin.port}; keepalive 64; }\n` +
          `  server { listen 127.0.0.1:${port}; location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
      ),
  },
};

/** Start `kinds` (and what they need) once each; returns name -> server. */
export async function launchAll(kinds, env) {
  const running = {};
  const launch = async (kind) => {
    if (running[kind]) return running[kind];
    const def = SERVER_KINDS[kind];
    const deps = {};
    for (const need of def.needs ?? []) deps[need] = await launch(need);
    running[kind] = await def.start(env, await freePort(), await freePort(), deps);
    return running[kind];
  };
  try {
    for (const kind of kinds) await launch(kind);
  } catch (e) {
    stopAll(running);
    throw e;
  }
  return running;
}

export function stopAll(running) {
  for (const s of Object.values(running)) {
    // An nginx worker outlives a SIGKILLed master: stop the workers by pid first.
    if (s.masterPid) for (const pid of childPids(s.masterPid)) spawnSync('kill', ['-9', String(pid)]);
    s.child.kill('SIGKILL');
  }
}

function childPids(pid) {
  return spawnSync('pgrep', ['-P', String(pid)]).stdout.toString().trim().split('\n').filter(Boolean).map(Number);
}

/** The pid doing the work (nginx: its single worker, child of the master). */
export function workerPid(server) {
  if (!server.masterPid) return server.child.pid;
  return childPids(server.masterPid)[0] ?? server.masterPid;
}

// ---- TLS (enable_ssl): the web servers over HTTPS with one EC P-256 certificate ----------

/** A self-signed certificate for localhost in the work folder, made once with openssl. */
function tlsFiles(env) {
  const dir = path.join(env.work, 'tls');
  const key = path.join(dir, 'server-key.pem');
  const cert = path.join(dir, 'server-cert.pem');
  if (!fs.existsSync(cert)) {
    fs.mkdirSync(dir, { recursive: true });
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
    if (r.status !== 0) throw new Error(`openssl could not make the benchmark certificate: ${r.stderr}`);
    fs.chmodSync(dir, 0o755);
  }
  return { key, cert };
}

function tlsWebConf(kind, port, mgmt, env) {
  const { key, cert } = tlsFiles(env);
  return webConf(kind, port, mgmt, env).replace(
    'ENABLE web\n',
    `  SET enable_ssl = on\n  SET ssl_key_file = ${key}\n  SET ssl_cert_file = ${cert}\nENABLE web\n`,
  );
}

Object.assign(SERVER_KINDS, {
  'ours-tls': { start: (env, port, mgmt) => startOurs('ours-tls', env, { port, text: tlsWebConf('ours', port, mgmt, env) }) },
  'perlbal-tls': { start: (env, port, mgmt) => startPerlbal('perlbal-tls', env, { port, text: tlsWebConf('perlbal', port, mgmt, env) }) },
  'nginx-tls': {
    start: (env, port) => {
      const { key, cert } = tlsFiles(env);
      return startNginx('nginx-tls', 0, env, port,
        `  server { listen 127.0.0.1:${port} ssl; ssl_certificate ${cert}; ssl_certificate_key ${key}; root ${env.docroot}; }`);
    },
  },
});
