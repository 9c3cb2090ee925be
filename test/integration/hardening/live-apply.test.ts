/**
 * Live changes under traffic (hardening issue): while keep-alive clients send requests through
 * selector -> reverse_proxy -> pool without pause, the config is applied again and again (nodes,
 * backend tunables, HEADER rules, a VHOST and a service coming and going) and nodes are added and
 * removed from the API. No request may be lost: every one gets its backend's 200, and no
 * connection is dropped. bench/live-apply.mjs is the long version, with wrk and 100 applies.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createInProcessApi } from '../../../proxy-core/src/node/api/in-process-api.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';
import { until } from '../../helpers/open-files.js';

interface Variant {
  port: number;
  nodes: string[];
  persist: boolean;
  maxUses: number;
  cache: number;
  header: boolean;
  extraService: boolean;
}

// A URL specifier: the config builder is plain JavaScript, shared with bench/live-apply.mjs.
const { liveApplyConfig: configText } = (await import(
  new URL('../../../bench/live-apply-config.mjs', import.meta.url).href
)) as { liveApplyConfig(v: Variant, docroot: string): string };

/** Keep-alive clients that send GETs one after another until stopped; every answer is kept. */
function startTraffic(port: number, clients: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const answers: Array<{ status: number; body: string }> = [];
  const errors: string[] = [];
  let stopped = false;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: '/page', agent, headers: { Host: 'www.lj.localhost' } },
        (res) => {
          let body = '';
          res.setEncoding('latin1');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => (answers.push({ status: res.statusCode ?? 0, body }), resolve()));
          res.on('error', (e) => (errors.push(e.message), resolve()));
        },
      );
      req.on('error', (e) => (errors.push(e.message), resolve()));
    });
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) await one();
  });
  return {
    answers,
    errors,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

describe('live changes under traffic', () => {
  it('applies, adds and removes nodes 40 times without losing a request', async () => {
    const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-live-apply-'));
    const backends: TestBackend[] = await Promise.all([
      startBackend(),
      startBackend(),
      startBackend(),
    ]);
    backends.forEach((b, i) =>
      b.handle(() => ({ status: 200, body: `backend ${i}`, keepAlive: true })),
    );
    const [a, b, c] = backends.map((x) => x.hostport) as [string, string, string];

    let variant: Variant = {
      port: 0,
      nodes: [a, b],
      persist: true,
      maxUses: 10,
      cache: 2,
      header: false,
      extraService: false,
    };
    let text = configText(variant, docroot);
    const { core, port } = await startCore(text);
    const api = createInProcessApi(core, { text, file: null });
    const ssPort = port('ss');
    const traffic = startTraffic(ssPort, 6);

    // Between two changes, wait for a few more answers, so that every change meets traffic.
    const settle = async () => {
      const seen = traffic.answers.length;
      await until(() => traffic.answers.length >= seen + 5 || traffic.errors.length > 0, 10_000);
    };
    try {
      for (let i = 0; i < 40; i++) {
        if (i % 4 === 3) {
          // A node added and removed through the API (as the status view does), not the text.
          await api.addPoolNode('web_pool', c);
          await settle();
          await api.removePoolNode('web_pool', c);
          variant = { ...variant };
        } else {
          variant = {
            port: 0,
            nodes: i % 3 === 0 ? [a] : i % 3 === 1 ? [b, c] : [a, b, c],
            persist: i % 5 !== 2,
            maxUses: [10, 0, 1, 3][i % 4]!,
            cache: [2, 0, 5][i % 3]!,
            header: i % 2 === 0,
            extraService: i % 6 < 3,
          };
          text = configText(variant, docroot);
          const applied = await api.applyConfig(text);
          expect(applied.changes.length).toBeGreaterThan(0);
        }
        await settle();
        // The listener stays the same one: clients never had to reconnect elsewhere.
        expect(core.portOf('ss')).toBe(ssPort);
      }
    } finally {
      await traffic.stop();
      api.dispose();
    }

    expect(traffic.errors).toEqual([]);
    expect(traffic.answers.length).toBeGreaterThan(200);
    const wrong = traffic.answers.filter(
      (x) => x.status !== 200 || !/^backend [012]$/.test(x.body),
    );
    expect(wrong).toEqual([]);
    // Every backend took part, so node changes really moved traffic.
    for (const be of backends) expect(be.requests.length).toBeGreaterThan(0);
  });
});
