/**
 * Queues and Highpri against the real Perlbal 1.80: the backend receives the same request
 * head (X-Queue-* headers included, before HEADER rules), and `patterns` prints the same
 * pattern buffer, before and after a setter from the management port.
 */
import { describe, expect, it } from 'vitest';
import { havePerlbal, manageBoth, sendBoth } from './harness.js';
import { expectSameBackendView, startPair } from './proxy-pair.js';

const CONFIG = `
LOAD queues
LOAD highpri
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET plugins = queues, highpri
  SET proxy.highpri.host_pattern = ^vip\\.
  HEADER proxy remove X-HP-Queue-Age
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

describe.runIf(havePerlbal())('Queues and Highpri vs Perlbal 1.80', () => {
  it('sends the backend the same queue headers and prints the same patterns', async () => {
    const pair = await startPair(CONFIG);
    const { servers } = pair;
    for (const request of [
      'GET /login.bml HTTP/1.0\r\nHost: www.example.com\r\n\r\n',
      'GET /x HTTP/1.0\r\nHost: vip.example.com\r\n\r\n',
    ]) {
      const r = await sendBoth(servers, 'proxy', request);
      expect(r.ours).toEqual(r.perlbal);
    }
    const seen = expectSameBackendView(pair);
    expect(seen[0]!.head).toContain('X-Queue-Count: 0');
    const sessions = { perlbal: await servers.perlbal.manage(), ours: await servers.ours.manage() };
    for (const line of ['patterns', 'SET proxy.highpri.uri_pattern = none', 'patterns']) {
      const mode = line.startsWith('SET') ? 'drain' : 'multi';
      const r = await manageBoth(sessions, servers, line, mode);
      expect(r.ours, line).toEqual(r.perlbal);
    }
  });
});
