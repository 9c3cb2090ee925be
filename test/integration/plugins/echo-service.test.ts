/**
 * EchoService (Perlbal::Plugin::EchoService): LOAD adds the `echo` role; lines come back with
 * CRLF, partial lines wait for their end, echo_delay postpones, empty lines are echoed (they
 * wedged Perlbal's session), and `socks` lists the connection by Perlbal's class name.
 */
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startCore } from '../../helpers/start-core.js';

const conf = (extra = ''): string => `
LOAD EchoService
CREATE SERVICE echo
  SET role = echo
  SET listen = 127.0.0.1:0
${extra}
ENABLE echo
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`;

/** A raw connection collecting what the echo server sends. */
async function connect(
  port: number,
): Promise<{ sock: net.Socket; until(text: string): Promise<string> }> {
  const sock = net.connect(port, '127.0.0.1');
  onTestFinished(() => void sock.destroy());
  await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
  let got = '';
  const waiters: Array<() => void> = [];
  sock.on('data', (d: Buffer) => {
    got += d.toString('latin1');
    for (const w of waiters.splice(0)) w();
  });
  return {
    sock,
    async until(text) {
      const deadline = Date.now() + 5000;
      while (!got.includes(text)) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(got)}`,
          );
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return got;
    },
  };
}

describe('EchoService', () => {
  it('echoes complete lines with CRLF and keeps a partial line for later', async () => {
    const core = await startCore(conf());
    const c = await connect(core.port('echo'));
    c.sock.write('hello\r\nworld\nxx');
    expect(await c.until('world\r\n')).toBe('hello\r\nworld\r\n');
    c.sock.write('yy\n');
    expect(await c.until('xxyy\r\n')).toBe('hello\r\nworld\r\nxxyy\r\n');
  });

  it('echoes empty lines instead of wedging the session', async () => {
    const core = await startCore(conf());
    const c = await connect(core.port('echo'));
    c.sock.write('\n\r\nafter\n');
    expect(await c.until('after\r\n')).toBe('\r\n\r\nafter\r\n');
  });

  it('waits echo_delay seconds before echoing', async () => {
    const core = await startCore(conf('  SET echo_delay = 1'));
    const c = await connect(core.port('echo'));
    c.sock.write('slow\n');
    expect(await c.until('slow\r\n')).toBe('slow\r\n');
  });

  it('is listed by socks under its Perlbal class', async () => {
    const core = await startCore(conf());
    const c = await connect(core.port('echo'));
    c.sock.write('x\n');
    await c.until('x\r\n');
    const m = await core.manage();
    const socks = await m.multi('socks');
    expect(
      socks.some((l) => l.includes('Perlbal::Plugin::EchoService::Client(R): open to 127.0.0.1:')),
    ).toBe(true);
  });
});
