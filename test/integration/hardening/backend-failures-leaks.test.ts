/**
 * Hardening: failing backends and reproxy targets beyond 34-backend-failures and 35-reproxy
 * (reset after the head, huge heads, drips, stalls, short and long bodies, bad chunking),
 * each as a direct backend and as an X-REPROXY-URL target. The proxy stays up, the client
 * gets an error status or a response that ends with the connection (never a short body as
 * complete), the request record says what happened, and after many rounds the process's
 * file descriptors and heap are back at their baseline.
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect, it } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { until } from '../../helpers/open-files.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend, type Reply } from '../../helpers/test-backend.js';
import { exchange } from './wire.js';

const BIG = 'x'.repeat(300 * 1024);
const FAILURES: Array<[string, Reply]> = [
  [
    'resets after the head',
    { raw: 'HTTP/1.0 200 OK\r\nContent-Length: 50\r\n\r\n', then: 'reset' },
  ],
  [
    'sends a 300 KiB header',
    { raw: `HTTP/1.0 200 OK\r\nX-Big: ${BIG}\r\nContent-Length: 2\r\n\r\nok`, then: 'close' },
  ],
  ['sends a garbage status line', { raw: 'HTTP/1.0 abc\r\n\r\n', then: 'close' }],
  [
    'stalls after part of the body',
    { raw: 'HTTP/1.0 200 OK\r\nContent-Length: 50\r\n\r\nhalf', then: 'hang' },
  ],
  ['closes mid-body', { raw: 'HTTP/1.0 200 OK\r\nContent-Length: 50\r\n\r\nhalf', then: 'close' }],
  [
    'sends a bad chunk size',
    {
      raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
      then: 'close',
    },
  ],
  [
    'sends Content-Length and chunked',
    {
      raw: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      then: 'close',
    },
  ],
  ['never answers', 'hang'],
  [
    'drips the head a byte at a time',
    { drip: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', bytes: 1, intervalMs: 5 },
  ],
];

const RELAYED = new Set([
  'drips the head a byte at a time',
  'sends a bad chunk size',
  'sends Content-Length and chunked',
]);

/** What the client got is an error or a response that ends with the connection. */
function expectClearOutcome(label: string, res: Awaited<ReturnType<typeof exchange>>): void {
  expect(res.closed, label).toBe(true);
  if (res.status === 200) {
    const m = /Content-Length: (\d+)\r\n/i.exec(res.text);
    const body = res.text.slice(res.text.indexOf('\r\n\r\n') + 4);
    // A 200 is either whole (the drip) or cut short by the close, never padded or extended.
    if (m) expect(body.length, label).toBeLessThanOrEqual(Number(m[1]));
  } else {
    expect([0, 502, 503, 504], label).toContain(res.status);
  }
}

/** The test process's open descriptors (the core runs in-process). */
const fdCount = (): number => fs.readdirSync('/proc/self/fd').length;

function gcIfPossible(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

it('failing backends and reproxy targets: clear outcomes, records, no fd or heap growth', async () => {
  const be = await startBackend();
  const target = await startBackend({ pidBase: 100 });
  let reply: Reply | undefined;
  let viaReproxy = false;
  be.handle(() =>
    viaReproxy
      ? { status: 200, headers: [['X-REPROXY-URL', `http://${target.hostport}/t`]], body: '' }
      : reply,
  );
  target.handle(() => reply);
  const pb = await startCore(`
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET enable_reproxy = on
  SET idle_timeout = 1
ENABLE proxy
`);
  const records: RequestRecord[] = [];
  pb.core.on('request', (r) => records.push(r));
  const port = pb.port('proxy');
  const GET = Buffer.from('GET /status HTTP/1.0\r\n\r\n');

  const round = async (check: boolean): Promise<void> => {
    for (const via of [false, true]) {
      for (const [what, r] of FAILURES) {
        viaReproxy = via;
        reply = r;
        const before = records.length;
        const res = await exchange(port, GET, 8000);
        const label = `${via ? 'reproxy target' : 'backend'} ${what}: ${JSON.stringify(res.text.slice(0, 100))}`;
        if (!check) continue;
        expectClearOutcome(label, res);
        expect(await until(() => records.length > before, 2000), label).toBe(true);
        const rec = records[records.length - 1]!;
        // A drip is slow, not broken; bad chunking is relayed as-is to a closing connection
        // (as Perlbal; the proxy does not re-frame chunked responses, docs/reliability.md).
        if (!RELAYED.has(what)) {
          // The record names a failure: an error, an error tag, or a 5xx.
          const said =
            rec.error !== undefined ||
            rec.status >= 500 ||
            rec.tags.some((t) => /error|closed|failed/.test(t));
          expect(said, `${label} record ${JSON.stringify(rec)}`).toBe(true);
        }
      }
    }
    // Still serving.
    viaReproxy = false;
    reply = undefined;
    expect((await exchange(port, GET)).status).toBe(200);
  };

  const gc = gcIfPossible();
  await round(true); // warm-up: lazily created objects, pools, caches
  await until(() => be.openConnections === 0 && target.openConnections === 0, 5000);
  gc?.();
  const fdBase = fdCount();
  const heapBase = process.memoryUsage().heapUsed;
  for (let i = 0; i < 2; i++) await round(false);
  await until(() => be.openConnections === 0 && target.openConnections === 0, 5000);
  // Settle: closes finish asynchronously; a small tolerance for the runner's own descriptors.
  expect(await until(() => fdCount() <= fdBase + 2, 5000), `fds ${fdCount()} vs ${fdBase}`).toBe(
    true,
  );
  gc?.();
  const grown = process.memoryUsage().heapUsed - heapBase;
  // With gc: a tight bound. Without it, garbage not yet collected is counted: a loose one.
  expect(grown, `heap grew by ${grown} bytes`).toBeLessThan(
    gc ? 8 * 1024 * 1024 : 64 * 1024 * 1024,
  );
}, 120_000);
