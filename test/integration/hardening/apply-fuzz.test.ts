/**
 * Hardening: fuzzing the live apply path. A running core (selector -> reverse_proxy and
 * web_server, plus management) is sent 300 byte-mutated versions of its own config through the
 * API the desktop editor uses. Every apply either succeeds or is refused with a PerlbalError and
 * changes nothing; nothing throws anything else, and afterwards the original config applies
 * again and serves. Every `listen` in a mutated text is put back to 127.0.0.1:0 first, so that
 * no case binds a real port.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { PerlbalError } from '../../../proxy-core/src/common/errors.js';
import { createInProcessApi } from '../../../proxy-core/src/node/api/in-process-api.js';
import { mutateBytes } from '../../helpers/config-mutate.js';
import { prng } from '../../helpers/palimg-images.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';

function get(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(
        { host: '127.0.0.1', port, path: '/index.html', agent: false, headers: { Host: host } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      )
      .on('error', reject);
  });
}

/** What must not move when an apply is refused: the services and how they are set up. */
const shape = (s: Awaited<ReturnType<ReturnType<typeof createInProcessApi>['getStatus']>>) =>
  s.services.map(({ name, role, listen, listening, enabled, pool }) => ({
    name,
    role,
    listen,
    listening,
    enabled,
    pool,
  }));

it('300 mutated configs applied live: applied or refused cleanly, never a crash', async () => {
  const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-apply-fuzz-'));
  fs.writeFileSync(path.join(docroot, 'index.html'), '<p>hello</p>\n');
  const be = await startBackend();
  be.handle(() => ({ status: 200, body: 'from the backend', keepAlive: true }));
  const base = `LOAD Vhosts
CREATE POOL web_pool
  POOL web_pool ADD ${be.hostport}
CREATE SERVICE web_proxy
  SET role = reverse_proxy
  SET pool = web_pool
  SET persist_backend = on
  SET max_backend_uses = 10
  SET backend_persist_cache = 2
  HEADER web_proxy insert X-Fuzz: 1
ENABLE web_proxy
CREATE SERVICE web_stat
  SET role = web_server
  SET docroot = ${docroot}
  SET dirindexing = on
ENABLE web_stat
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  VHOST *.lj.localhost = web_proxy
  VHOST stat.lj.localhost = web_stat
ENABLE ss
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`;
  const { core } = await startCore(base);
  const api = createInProcessApi(core, { text: base, file: null });
  const r = prng(20261207);
  let applied = 0;
  let refused = 0;
  try {
    for (let i = 0; i < 300; i++) {
      const current = (await api.getConfig()).text;
      const text = mutateBytes(r, base).replace(/(listen\s*=\s*)[^\s#]*/gi, '$1127.0.0.1:0');
      const before = shape(await api.getStatus());
      try {
        await api.applyConfig(text);
        applied++;
      } catch (e) {
        if (!(e instanceof PerlbalError))
          throw new Error(`case ${i} threw ${String(e)} on:\n${text.slice(0, 2000)}`, { cause: e });
        refused++;
        expect((await api.getConfig()).text, `case ${i}`).toBe(current);
        expect(shape(await api.getStatus()), `case ${i}`).toEqual(before);
      }
    }
    // Back to the original: it applies and serves both routes.
    await api.applyConfig(base);
    const port = core.portOf('ss')!;
    expect(await get(port, 'stat.lj.localhost')).toBe(200);
    expect(await get(port, 'www.lj.localhost')).toBe(200);
  } finally {
    api.dispose();
  }
  // Both kinds happened, or the test proved little.
  expect(applied).toBeGreaterThan(10);
  expect(refused).toBeGreaterThan(50);
}, 120_000);
