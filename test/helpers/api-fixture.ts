/**
 * A running core for the API contract suite: a web_server with a docroot, a reverse_proxy in
 * front of a real test backend (pool `backends`), all on 127.0.0.1 port 0, started from a
 * real config file in a temp folder so saveConfig has somewhere to write.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ProxyCore } from '../../proxy-core/src/node/core.js';
import { startBackend, type TestBackend } from './test-backend.js';

export interface ApiFixture {
  core: ProxyCore;
  backend: TestBackend;
  file: string;
  text: string;
  dir: string;
  /** HTTPS certificates go here (PERLBAL_DESKTOP_CERT_DIR), never in the user's folder. */
  certDir: string;
  close(): void;
}

export function fixtureConfig(backendHostport: string): string {
  return `# contract fixture
CREATE POOL backends
  POOL backends ADD ${backendHostport}

CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = docroot
ENABLE web

CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = backends
ENABLE proxy
`;
}

export async function startApiFixture(): Promise<ApiFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-api-'));
  const certDir = path.join(dir, 'certs');
  const certDirBefore = process.env['PERLBAL_DESKTOP_CERT_DIR'];
  process.env['PERLBAL_DESKTOP_CERT_DIR'] = certDir;
  fs.mkdirSync(path.join(dir, 'docroot'));
  fs.writeFileSync(path.join(dir, 'docroot', 'index.html'), '<h1>hello</h1>\n');
  const backend = await startBackend();
  const file = path.join(dir, 'perlbal.conf');
  const text = fixtureConfig(backend.hostport);
  fs.writeFileSync(file, text);
  const core = await ProxyCore.start(text, { file, cwd: dir });
  return {
    core,
    backend,
    file,
    text,
    dir,
    certDir,
    close() {
      core.close();
      if (certDirBefore === undefined) delete process.env['PERLBAL_DESKTOP_CERT_DIR'];
      else process.env['PERLBAL_DESKTOP_CERT_DIR'] = certDirBefore;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One GET through a service; resolves with the status, or the socket error code. */
export function get(port: number, uri = '/'): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: uri, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}
