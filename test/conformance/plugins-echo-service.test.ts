/**
 * EchoService against the real Perlbal 1.80: the same bytes to an `echo` service on both,
 * the same bytes back; `dumpconfig` shows the role and echo_delay. Empty lines, which wedge
 * Perlbal's session, are a deliberate difference (docs/compatibility.md).
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { havePerlbal, startBoth, type Server } from './harness.js';
import { sameDumpconfig } from './plugin-management.js';

const conf = `
LOAD EchoService
CREATE SERVICE echo
  SET role = echo
  SET listen = 127.0.0.1:{{port:echo}}
  SET echo_delay = 0
ENABLE echo
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

/** Send each chunk in turn (a pause between), then collect for `idleMs` and close. */
async function exchange(s: Server, chunks: string[], idleMs = 300): Promise<string> {
  const sock = net.connect(s.port('echo'), '127.0.0.1');
  let got = '';
  sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
  await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
  for (const c of chunks) {
    sock.write(c, 'latin1');
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, idleMs));
  sock.destroy();
  return got;
}

describe.runIf(havePerlbal())('EchoService vs Perlbal 1.80', () => {
  it('echoes lines the same way, partial lines included', async () => {
    const servers = await startBoth(conf, ['echo', 'mgmt']);
    const chunks = ['hello\r\nworld\nxx', 'yy\n', 'caf\xe9 \x01\x7f\r\n'];
    const [perlbal, ours] = await Promise.all([
      exchange(servers.perlbal, chunks),
      exchange(servers.ours, chunks),
    ]);
    expect(perlbal).toBe('hello\r\nworld\r\nxxyy\r\ncaf\xe9 \x01\x7f\r\n');
    expect(ours).toBe(perlbal);
  });

  it('dumps the echo service the same way', async () => {
    const servers = await startBoth(conf, ['echo', 'mgmt']);
    const dump = (await sameDumpconfig(servers)).join('\n');
    expect(dump).toContain('SET role = echo');
  });

  it('differs on purpose: an empty line is echoed instead of wedging the session', async () => {
    const servers = await startBoth(conf, ['echo', 'mgmt']);
    const chunks = ['\n', 'after\n'];
    const [perlbal, ours] = await Promise.all([
      exchange(servers.perlbal, chunks),
      exchange(servers.ours, chunks),
    ]);
    expect(perlbal).toBe('');
    expect(ours).toBe('\r\nafter\r\n');
  });
});
