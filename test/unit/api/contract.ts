/**
 * The CoreApi contract, written once and run against every transport (house style B8): the
 * in-process API, the browser-mode WebSocket and the Electron IPC bridge. Each run gets a real
 * core on loopback sockets; the transport under test is the only thing that differs.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  CoreClient,
  CoreEventMap,
  CoreEventName,
} from '../../../proxy-core/src/common/api/index.js';
import type { CoreStatus } from '../../../proxy-core/src/common/api/status.js';
import { hasErrorCode, type ErrorCode } from '../../../proxy-core/src/common/errors.js';
import { fixtureConfig, get, startApiFixture, type ApiFixture } from '../../helpers/api-fixture.js';
import { describeHttpsContract } from './https-contract.js';
import { describeInspectorContract } from './inspector-contract.js';
import { describePalimgContract } from './palimg-contract.js';

export interface Connected {
  client: CoreClient;
  close(): void | Promise<void>;
}

/** Connects a client of the transport under test to the fixture's core. */
export type Connect = (fixture: ApiFixture) => Promise<Connected>;

/** The in-process API's options for a fixture: its config, and UI settings in its temp folder. */
export function apiOptions(fx: ApiFixture): { text: string; file: string; settingsDir: string } {
  return { text: fx.text, file: fx.file, settingsDir: settingsDirOf(fx) };
}

const settingsDirOf = (fx: ApiFixture): string => path.join(fx.dir, 'ui-settings');

/** The next `event` payload for which `pred` holds (bounded wait). */
export function nextEvent<E extends CoreEventName>(
  client: CoreClient,
  event: E,
  pred: (p: CoreEventMap[E]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<CoreEventMap[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (p) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

export async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<Error> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, `expected a rejection with ${code}`).not.toBeNull();
  expect(hasErrorCode(e, code), `expected ${code}, got ${JSON.stringify(e)} ${String(e)}`).toBe(
    true,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

const portOf = (s: CoreStatus, service: string): number => {
  const where = s.services.find((x) => x.name === service)?.listening[0];
  if (!where) throw new Error(`service ${service} is not listening`);
  return Number(where.slice(where.lastIndexOf(':') + 1));
};

export function describeContract(transport: string, connect: Connect): void {
  describe(`CoreApi contract over ${transport}`, () => {
    let fx: ApiFixture;
    let conn: Connected;
    let api: CoreClient;

    beforeEach(async () => {
      fx = await startApiFixture();
      conn = await connect(fx);
      api = conn.client;
    });

    afterEach(async () => {
      await conn.close();
      fx.close();
    });

    it('reports services, pools and nodes', async () => {
      const s = await api.getStatus();
      expect(s.services.map((x) => [x.name, x.role, x.listen, x.enabled])).toEqual([
        ['web', 'web_server', '127.0.0.1:0', true],
        ['proxy', 'reverse_proxy', '127.0.0.1:0', true],
      ]);
      expect(portOf(s, 'web')).toBe(fx.core.portOf('web'));
      expect(s.services.find((x) => x.name === 'proxy')?.pool).toBe('backends');
      expect(s.pools).toEqual([
        expect.objectContaining({
          name: 'backends',
          services: ['proxy'],
          nodes: [
            expect.objectContaining({ node: fx.backend.hostport, health: 'unknown', requests: 0 }),
          ],
        }),
      ]);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    });

    it('counts requests, delivers request summaries and status updates in batches', async () => {
      const port = portOf(await api.getStatus(), 'proxy');
      const summaries = nextEvent(api, 'requests', (b) =>
        b.summaries.some((r) => r.service === 'proxy'),
      );
      const status = nextEvent(
        api,
        'status',
        (st) => (st.services.find((x) => x.name === 'proxy')?.requests ?? 0) >= 2,
      );
      expect(await get(port, '/status')).toBe(200);
      expect(await get(port, '/status')).toBe(200);
      const batch = await summaries;
      const first = batch.summaries[0]!;
      expect(first).toEqual(
        expect.objectContaining({ service: 'proxy', status: 200, node: fx.backend.hostport }),
      );
      // Summaries only: the headers and the route come with getRequestDetail.
      for (const key of ['requestHeaders', 'responseHeaders', 'backendRequestHeaders', 'route'])
        expect(first).not.toHaveProperty(key);
      expect((await api.getRequestDetail(first.id)).requestHeaders.length).toBeGreaterThan(0);
      const st = await status;
      expect(st.counters.requests).toBeGreaterThanOrEqual(2);
      const node = st.pools[0]!.nodes[0]!;
      expect(node).toEqual(expect.objectContaining({ health: 'ok', errors: 0, lastError: null }));
      expect(node.requests).toBeGreaterThanOrEqual(1);
    });

    it('marks a node failing, with its last error, when it refuses connections', async () => {
      await fx.backend.close();
      const port = portOf(await api.getStatus(), 'proxy');
      expect(await get(port, '/')).toBe(502);
      const st = await nextEvent(api, 'status', (x) => x.pools[0]!.nodes[0]!.errors > 0);
      const node = st.pools[0]!.nodes[0]!;
      expect(node.health).toBe('failing');
      expect(node.lastError).toEqual(expect.objectContaining({ code: 'ECONNREFUSED' }));
      expect(st.services.find((x) => x.name === 'proxy')?.errors).toBe(1);
    });

    it('disables a service so that it refuses connections, and enables it again', async () => {
      const port = portOf(await api.getStatus(), 'web');
      expect(await get(port)).toBe(200);
      await api.disableService('web');
      expect((await api.getStatus()).services.find((x) => x.name === 'web')?.enabled).toBe(false);
      expect(await get(port)).toBe('ECONNREFUSED');
      expect((await api.getConfig()).liveChanges).toBe(true);
      await api.enableService('web');
      const after = await api.getStatus();
      expect(after.services.find((x) => x.name === 'web')?.enabled).toBe(true);
      expect(await get(portOf(after, 'web'))).toBe(200);
    });

    it('refuses unknown services and malformed names with codes', async () => {
      await rejectsWith(api.disableService('nosuch'), 'PB_ERR_API_NOT_FOUND');
      await rejectsWith(api.enableService('web\nSHUTDOWN'), 'PB_ERR_API_INVALID_ARGUMENT');
      await rejectsWith(api.enableService(42 as unknown as string), 'PB_ERR_API_INVALID_ARGUMENT');
    });

    it('adds and removes pool nodes', async () => {
      await api.addPoolNode('backends', '127.0.0.1:9');
      let s = await api.getStatus();
      expect(s.pools[0]!.nodes.map((n) => n.node)).toEqual([fx.backend.hostport, '127.0.0.1:9']);
      await api.removePoolNode('backends', fx.backend.hostport);
      s = await api.getStatus();
      expect(s.pools[0]!.nodes.map((n) => n.node)).toEqual(['127.0.0.1:9']);
      await rejectsWith(api.removePoolNode('backends', '127.0.0.1:10'), 'PB_ERR_API_NOT_FOUND');
      await rejectsWith(api.addPoolNode('nopool', '127.0.0.1:10'), 'PB_ERR_API_NOT_FOUND');
      await rejectsWith(api.addPoolNode('backends', 'not a node'), 'PB_ERR_API_INVALID_ARGUMENT');
    });

    it('returns the config text and file', async () => {
      expect(await api.getConfig()).toEqual({ text: fx.text, file: fx.file, liveChanges: false });
    });

    it('checks a config with the core parser and changes nothing', async () => {
      const ok = await api.checkConfig(fx.text);
      expect(ok.ok).toBe(true);
      const bad = await api.checkConfig('CREATE SERVICE x\n  SET rol = web_server\n');
      expect(bad.ok).toBe(false);
      expect(bad.diagnostics[0]).toEqual(
        expect.objectContaining({ severity: 'error', span: expect.objectContaining({ line: 2 }) }),
      );
      expect((await api.getConfig()).text).toBe(fx.text);
    });

    it('applies a config and says what changed', async () => {
      const next =
        fixtureConfig(fx.backend.hostport).replace('ENABLE web\n', '') +
        '\nPOOL backends ADD 127.0.0.1:9\n';
      const res = await api.applyConfig(next);
      expect(res.changes).toEqual(
        expect.arrayContaining([
          { kind: 'service-disabled', name: 'web', detail: '' },
          { kind: 'pool-changed', name: 'backends', detail: '+127.0.0.1:9' },
        ]),
      );
      expect(await api.getConfig()).toEqual({ text: next, file: fx.file, liveChanges: false });
      expect((await api.getStatus()).services.find((x) => x.name === 'web')?.enabled).toBe(false);
      expect((await api.applyConfig(next)).changes).toEqual([]);
    });

    it('plans a config: the changes applying it would make, and nothing changes', async () => {
      const next =
        fixtureConfig(fx.backend.hostport).replace('ENABLE web\n', '') +
        '\nPOOL backends ADD 127.0.0.1:9\n';
      const before = await api.getStatus();
      const plan = await api.planConfig(next);
      expect(plan.ok).toBe(true);
      expect(plan.changes).toEqual(
        expect.arrayContaining([
          { kind: 'service-disabled', name: 'web', detail: '' },
          { kind: 'pool-changed', name: 'backends', detail: '+127.0.0.1:9' },
        ]),
      );
      expect((await api.getStatus()).services).toEqual(before.services);
      expect(await api.getConfig()).toEqual({ text: fx.text, file: fx.file, liveChanges: false });
      // The plan is what apply then does.
      expect((await api.applyConfig(next)).changes).toEqual(plan.changes);
      expect((await api.planConfig(next)).changes).toEqual([]);
    });

    it('plans a config with errors as diagnostics, not a rejection', async () => {
      const plan = await api.planConfig('CREATE SERVICE web\n  SET rol = web_server\n');
      expect(plan.ok).toBe(false);
      expect(plan.changes).toEqual([]);
      expect(plan.diagnostics[0]).toEqual(
        expect.objectContaining({ severity: 'error', span: expect.objectContaining({ line: 2 }) }),
      );
      await rejectsWith(api.planConfig(7 as unknown as string), 'PB_ERR_API_INVALID_ARGUMENT');
    });

    it('keeps the UI settings in a file, and refuses malformed ones', async () => {
      expect(await api.getSettings()).toEqual({ savedFilters: [] });
      const saved = { savedFilters: ['status>=500', 'host:*.lj.localhost not reproxied'] };
      expect(await api.saveSettings(saved)).toEqual(saved);
      expect(await api.getSettings()).toEqual(saved);
      const file = path.join(settingsDirOf(fx), 'ui-settings.json');
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(saved);
      if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      for (const bad of [
        'x',
        null,
        { savedFilters: 'status:200' },
        { savedFilters: [42] },
        { savedFilters: ['a\nb'] },
        { savedFilters: ['same', 'same'] },
        { savedFilters: Array.from({ length: 101 }, (_, i) => `path:/${i}`) },
        { savedFilters: [], theme: 'light' },
      ])
        await rejectsWith(
          api.saveSettings(bad as unknown as { savedFilters: string[] }),
          'PB_ERR_API_INVALID_ARGUMENT',
        );
      expect(await api.getSettings()).toEqual(saved);
      // A damaged file means defaults, never an error.
      fs.writeFileSync(file, '{ not json');
      expect(await api.getSettings()).toEqual({ savedFilters: [] });
    });

    it('refuses a config with errors, naming the line, and changes nothing', async () => {
      const before = await api.getStatus();
      const e = await rejectsWith(
        api.applyConfig('CREATE SERVICE web\n  SET listen = 127.0.0.1:0\n  SET rol = web_server\n'),
        'PB_ERR_CONFIG_INVALID',
      );
      expect(e.message).toMatch(/line 3/);
      const after = await api.getStatus();
      expect(after.services).toEqual(before.services);
      expect((await api.getConfig()).text).toBe(fx.text);
    });

    it('refuses a config whose address is taken, and changes nothing', async () => {
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const taken = (blocker.address() as net.AddressInfo).port;
      try {
        const next = `${fx.text}\nCREATE SERVICE other\n  SET role = web_server\n  SET listen = 127.0.0.1:${taken}\n  SET docroot = docroot\nENABLE other\n`;
        await rejectsWith(api.applyConfig(next), 'PB_ERR_LISTEN_IN_USE');
      } finally {
        blocker.close();
      }
      const after = await api.getStatus();
      expect(after.services.map((s) => s.name)).toEqual(['web', 'proxy']);
      expect(await get(portOf(after, 'web'))).toBe(200);
      expect((await api.getConfig()).text).toBe(fx.text);
    });

    it('saves the text to the config file', async () => {
      const next = `${fx.text}# saved from the UI\n`;
      expect(await api.saveConfig(next)).toEqual({ file: fx.file, bytes: Buffer.byteLength(next) });
      expect(fs.readFileSync(fx.file, 'utf8')).toBe(next);
      await rejectsWith(
        api.saveConfig(undefined as unknown as string),
        'PB_ERR_API_INVALID_ARGUMENT',
      );
    });

    it('sends log lines in batches and stops after unsubscribe', async () => {
      const lines = nextEvent(api, 'log', (b) => b.some((l) => l.message.includes('DISABLE web')));
      await api.disableService('web');
      expect((await lines).find((l) => l.message.includes('DISABLE web'))).toEqual(
        expect.objectContaining({ level: 'info' }),
      );
      const seen: unknown[] = [];
      const off = api.on('log', (b) => seen.push(b));
      off();
      // Another subscriber still gets the batch the unsubscribed one no longer sees.
      const again = nextEvent(api, 'log', (b) => b.some((l) => l.message.includes('ENABLE web')));
      await api.enableService('web');
      await again;
      expect(seen).toEqual([]);
    });

    describePalimgContract(() => ({ api, fx }));
    describeHttpsContract(() => ({ api, fx }));
    describeInspectorContract(() => ({ api, fx }));
  });
}
