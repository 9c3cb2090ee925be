/**
 * The core host (main/src/core-host.ts) with real cores on loopback: the startup file choice,
 * switching to another config (the old core closes first), going back to the old file when
 * the new one can't run, and stopping gracefully: a request in flight finishes, within a bound.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCoreHost, startupConfigFile, type CoreHost } from '../../../main/src/core-host.js';
import { get } from '../../helpers/api-fixture.js';
import { startBackend } from '../../helpers/test-backend.js';

const conf = (name: string) => `CREATE SERVICE ${name}
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = .
ENABLE ${name}
`;

let dir: string;
let host: CoreHost | null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-core-host-'));
  host = null;
});
afterEach(async () => {
  await host?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('core host', () => {
  it('starts from $PERLBAL_DESKTOP_CONFIG, else the last config if it exists, else the bundled', () => {
    const last = write('last.conf', conf('a'));
    const bundled = path.resolve('/app/resources/perlbal.conf');
    expect(startupConfigFile('/app/out/main', last, {})).toBe(last);
    expect(startupConfigFile('/app/out/main', path.join(dir, 'gone.conf'), {})).toBe(bundled);
    expect(startupConfigFile('/app/out/main', null, {})).toBe(bundled);
    expect(startupConfigFile('/app/out/main', last, { PERLBAL_DESKTOP_CONFIG: '/x.conf' })).toBe(
      path.resolve('/x.conf'),
    );
  });

  it('switches to another config, and back to the old one when the new one fails', async () => {
    const first = write('first.conf', conf('first'));
    const second = write('second.conf', conf('second'));
    const broken = write('broken.conf', 'CREATE SERVICE x\n  SET rolez = web_server\n');
    host = createCoreHost(first);
    const names = async () => (await (await host!.api()).getStatus()).services.map((s) => s.name);
    expect(await names()).toEqual(['first']);

    await host.switchTo(second);
    expect(host.file()).toBe(second);
    expect(await names()).toEqual(['second']);
    expect((await (await host.api()).getConfig()).file).toBe(second);

    await expect(host.switchTo(broken)).rejects.toThrow();
    expect(host.file()).toBe(second);
    expect(await names()).toEqual(['second']);
  });

  const proxyConf = (backend: string) => `CREATE POOL backends
  POOL backends ADD ${backend}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = backends
ENABLE proxy
`;

  const portOf = async (h: CoreHost): Promise<number> => {
    const where = (await (await h.api()).getStatus()).services[0]!.listening[0]!;
    return Number(where.slice(where.lastIndexOf(':') + 1));
  };

  it('stops gracefully: a request in flight still gets its answer, new ones are refused', async () => {
    const backend = await startBackend();
    host = createCoreHost(write('proxy.conf', proxyConf(backend.hostport)));
    const port = await portOf(host);
    const slow = get(port, '/sleep:0.4,status');
    await new Promise((r) => setTimeout(r, 100));
    let stopped = false;
    const stopping = host.stop().then(() => (stopped = true));
    // A second stop waits for the same drain.
    const again = host.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    expect(await get(port, '/status')).toBe('ECONNREFUSED');
    expect(await slow).toBe(200);
    await stopping;
    await again;
    host = null;
  });

  it('cuts what is still running after the drain bound', async () => {
    const backend = await startBackend();
    host = createCoreHost(write('proxy.conf', proxyConf(backend.hostport)), {
      drainTimeoutMs: 150,
    });
    const port = await portOf(host);
    let settled = false;
    const stuck = get(port, '/sleep:5,status').finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 100));
    await host.stop();
    await new Promise((r) => setTimeout(r, 20));
    // Cut, not waited for: the backend is still sleeping.
    expect(settled).toBe(true);
    expect(await stuck).not.toBe(200);
    host = null;
  });
});
