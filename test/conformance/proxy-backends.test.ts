/**
 * Backend connection rules against the real Perlbal 1.80: the error_retry_schedule as Perl
 * splits it (trailing commas drop out), and connect_ahead, whose spare connections ours opens
 * as the service is enabled while Perlbal waits for the first request (docs/compatibility.md).
 */
import { describe, expect, it } from 'vitest';
import { havePerlbal, sendBoth } from './harness.js';
import { expectSameBackendView, SIDES, startPair } from './proxy-pair.js';

const conf = (extra: string): string => `
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_backend = on
${extra}
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

describe.runIf(havePerlbal())('backend connections vs Perlbal 1.80', () => {
  it.each([
    ['0,0,', 3],
    ['0 , 0 ,,', 3],
    [',0', 3],
    ['0', 2],
  ])('error_retry_schedule %j: %i GETs reach the backend, the last 500 is passed on', async (schedule, gets) => {
    const pair = await startPair(conf(`  SET enable_error_retries = on\n  SET error_retry_schedule = ${schedule}`));
    pair.handle(() => ({ status: 500, body: 'boom\n', keepAlive: true }));
    const r = await sendBoth(pair.servers, 'proxy', 'GET /e500 HTTP/1.0\r\n\r\n', 1000);
    expect(r.ours).toEqual(r.perlbal);
    expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 500 Internal Server Error');
    expect(expectSameBackendView(pair)).toHaveLength(gets);
  });

  it('connect_ahead: Perlbal opens its spare at the first request, ours as the service starts; the same after a request', async () => {
    const pair = await startPair(conf('  SET connect_ahead = 1'));
    await pair.backend.ours.waitFor((b) => b.connections === 1);
    // Perlbal: nothing calls spawn_backends until a client needs a backend. A spawn would
    // have happened while the config loaded, and would show as a pending or idle backend.
    const m = await pair.servers.perlbal.manage();
    const show = await m.multi('show service proxy');
    expect(show).toContain('  pend backend: 0');
    expect(show).toContain(' connect-ahead: 0/1');
    const r = await sendBoth(pair.servers, 'proxy', 'GET /status HTTP/1.0\r\n\r\n');
    expect(r.ours.map((x) => x.statusLine)).toEqual(r.perlbal.map((x) => x.statusLine));
    // Then both keep the used connection and one spare.
    for (const side of SIDES) await pair.backend[side].waitFor((b) => b.connections === 2 && b.openConnections === 2);
  });
});
