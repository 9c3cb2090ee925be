/**
 * Hardening helpers: an exchange that never throws (a server may reset a connection that is
 * still writing a 200 KiB head at it), and the check that a request a backend received is one
 * well-formed HTTP/1.x message whose body framing is unambiguous.
 */
import net from 'node:net';
import { expect } from 'vitest';
import type { BackendRequest } from '../../helpers/test-backend.js';

export interface Exchange {
  bytes: Buffer;
  text: string;
  /** The server closed (FIN or RST) before the bounded wait ran out. */
  closed: boolean;
  /** First status code in the reply, or 0. */
  status: number;
}

/**
 * Send `data` (all at once, or as `drip` pieces `dripMs` apart) and read until the server
 * closes or `waitMs` pass. The wait is a bound on a hang, not a timing assertion.
 */
export async function exchange(
  port: number,
  data: Buffer | Buffer[],
  waitMs = 5000,
  opts: { dripMs?: number; endAfterWrite?: boolean } = {},
): Promise<Exchange> {
  const sock = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  let closed = false;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    const finish = (): void => {
      closed = true;
      clearTimeout(timer);
      resolve();
    };
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('close', finish);
    sock.on('error', () => {});
    sock.on('connect', () => {
      void (async () => {
        const pieces = Array.isArray(data) ? data : [data];
        for (const p of pieces) {
          if (sock.destroyed) return;
          sock.write(p);
          if (opts.dripMs) await new Promise((r) => setTimeout(r, opts.dripMs));
        }
        if (opts.endAfterWrite && !sock.destroyed) sock.end();
      })();
    });
  });
  sock.destroy();
  const bytes = Buffer.concat(chunks);
  const text = bytes.toString('latin1');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return { bytes, text, closed, status: m ? Number(m[1]) : 0 };
}

/** One byte per element, for slow drips. */
export function bytewise(s: string): Buffer[] {
  return [...Buffer.from(s, 'latin1')].map((b) => Buffer.from([b]));
}

/**
 * The request on the backend's side must be one clean message: a well-formed request line,
 * CRLF lines only, no folds, NUL or stray CR, at most one framing header, a body exactly as
 * long as the one Content-Length says, and nothing smuggled.
 */
export function expectWellFormed(req: BackendRequest, label: string): void {
  const why = `${label}: backend received ${JSON.stringify(req.headText)}`;
  expect(req.requestLine, why).toMatch(/^[A-Z]+ \/\S* HTTP\/1\.[01]$/);
  expect(req.uri, why).not.toContain('smuggled');
  expect(req.headText.endsWith('\r\n\r\n'), why).toBe(true);
  const lines = req.headText.slice(0, -4).split('\r\n');
  for (const l of lines) {
    expect(l, why).not.toMatch(/[\r\n\0]/);
    expect(l, why).not.toMatch(/^[ \t]/);
  }
  const cl = req.headers.filter(([k]) => k.toLowerCase() === 'content-length');
  const te = req.headers.filter(([k]) => k.toLowerCase() === 'transfer-encoding');
  expect(cl.length + te.length, why).toBeLessThanOrEqual(1);
  if (cl.length === 1) {
    expect(cl[0]![1], why).toMatch(/^\d+$/);
    expect(req.body.length, why).toBe(Number(cl[0]![1]));
  } else if (te.length === 0) {
    expect(req.body.length, why).toBe(0);
  }
}
