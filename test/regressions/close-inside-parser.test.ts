/**
 * A connection closed from inside llhttp's callbacks (a body sink giving up on a chunk that
 * arrives after the head: a chunked PUT over max_chunked_request_size) must not free the
 * parser while it runs: that crashed the whole process.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.js';
import { startCore } from '../helpers/start-core.js';

async function headThenBody(port: number, head: string, body: string): Promise<void> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.on('error', () => {});
  sock.write(head);
  await new Promise((r) => setTimeout(r, 50));
  sock.write(body);
  await new Promise<void>((r) => {
    sock.once('close', () => r());
    setTimeout(() => r(), 1000);
  });
  sock.destroy();
}

it('survives a close from inside the parser and keeps serving', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-reg-'));
  fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
  const pb = await startCore(`
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${dir}
  SET enable_put = on
  SET max_chunked_request_size = 10
ENABLE web
`);
  const port = pb.port('web');
  for (let i = 0; i < 3; i++) {
    await headThenBody(
      port,
      'PUT /big.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      `14\r\n${'y'.repeat(20)}\r\n0\r\n\r\n`,
    );
  }
  const ok = await rawRequest(port, 'GET /a.txt HTTP/1.0\r\n\r\n', 300);
  expect(ok.text).toMatch(/^HTTP\/1\.0 200 OK/);
});
