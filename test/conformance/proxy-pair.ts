/**
 * Reverse-proxy differential testing: the real Perlbal 1.80 and ours on one config template,
 * each in front of its own test backend (test/helpers/test-backend.ts), so a test can compare
 * what the two backends received as well as what the two clients got back.
 */
import { expect } from 'vitest';
import { ManageClient } from '../helpers/manage-client.js';
import { RawConnection, type ParsedResponse } from '../helpers/raw-http.js';
import { startBackend, type Handler, type TestBackend } from '../helpers/test-backend.js';
import { startBoth, startPerlbal, type Comparable, type Server } from './harness.js';

export type Side = 'perlbal' | 'ours';
export const SIDES: readonly Side[] = ['perlbal', 'ours'];

export interface ProxyPair {
  servers: { perlbal: Server; ours: Server };
  /** One backend per server and per name given to startPair (default: `backend`). */
  backends: Record<Side, Record<string, TestBackend>>;
  /** The `backend` backend of each side. */
  backend: Record<Side, TestBackend>;
  /** Install the same handler on both sides' backends. */
  handle(fn: Handler | null, name?: string): void;
}

/**
 * Set `PB_CONFORMANCE_PERLBAL_TWICE=1` to run Perlbal on both sides: every comparison then
 * checks that the case is deterministic, and the pinned expectations about Perlbal hold.
 */
const PERLBAL_TWICE = process.env['PB_CONFORMANCE_PERLBAL_TWICE'] === '1';

export async function startPair(template: string, backendNames: string[] = ['backend'], waitFor = ['proxy', 'mgmt']): Promise<ProxyPair> {
  const backends = { perlbal: {}, ours: {} } as Record<Side, Record<string, TestBackend>>;
  for (const side of SIDES) {
    for (const [i, name] of backendNames.entries()) backends[side][name] = await startBackend({ pidBase: i * 1000 });
  }
  const ports = (side: Side): Record<string, number> =>
    Object.fromEntries(Object.entries(backends[side]).map(([name, b]) => [name, b.port]));
  const servers = PERLBAL_TWICE
    ? {
        perlbal: await startPerlbal(template, waitFor, { ports: ports('perlbal') }),
        ours: await startPerlbal(template, waitFor, { ports: ports('ours') }),
      }
    : await startBoth(template, waitFor, { perlbal: { ports: ports('perlbal') }, ours: { ports: ports('ours') } });
  const first = backendNames[0]!;
  return {
    servers,
    backends,
    backend: { perlbal: backends.perlbal[first]!, ours: backends.ours[first]! },
    handle(fn, name = first) {
      for (const side of SIDES) backends[side][name]!.handle(fn);
    },
  };
}

/** A backend's log as comparable data: connection number, head with ports named, body. */
export function backendView(b: TestBackend, s: Server): Array<{ connection: number; head: string; body: string }> {
  return b.requests.map((r) => ({ connection: r.connection, head: s.normalise(r.headText), body: r.body.toString('latin1') }));
}

/** Both backends received the same bytes, on the same connections; returns that log. */
export function expectSameBackendView(pair: ProxyPair, name = 'backend'): Array<{ connection: number; head: string; body: string }> {
  const perlbal = backendView(pair.backends.perlbal[name]!, pair.servers.perlbal);
  const ours = backendView(pair.backends.ours[name]!, pair.servers.ours);
  expect(ours, 'what the backend received').toEqual(perlbal);
  return perlbal;
}

export function comparable(res: ParsedResponse, closed: boolean, s: Server): Comparable {
  return {
    statusLine: res.statusLine,
    headers: res.headers.filter(([k]) => k.toLowerCase() !== 'date').map(([k, v]): [string, string] => [k, s.normalise(v)]),
    body: s.normalise(res.body.toString('latin1')),
    closed,
  };
}

export interface Conversation {
  responses: Comparable[];
  /** True if the server closed the connection after the last response (checked briefly). */
  closedAfter: boolean;
}

/**
 * Requests one after another on ONE client connection (each answered before the next is
 * sent): keep-alive without pipelining. `{{port:x}}` in a request is filled in per server.
 */
export async function converse(s: Server, requests: string[], portName = 'proxy'): Promise<Conversation> {
  const conn = await RawConnection.open(s.port(portName));
  const responses: Comparable[] = [];
  try {
    for (const r of requests) {
      if (conn.closed) throw new Error(`${s.kind}: the connection closed before ${JSON.stringify(r)}`);
      const data = r.replace(/\{\{port:(\w+)\}\}/g, (_, n: string) => String(s.port(n)));
      conn.write(data);
      responses.push(comparable(await conn.read(10_000, data.startsWith('HEAD ')), conn.closed, s));
    }
    return { responses, closedAfter: await conn.waitClosed(150) };
  } finally {
    conn.close();
  }
}

/** The same conversation with both servers, at the same time. */
export async function converseBoth(pair: ProxyPair, requests: string[]): Promise<Record<Side, Conversation>> {
  const [perlbal, ours] = await Promise.all([converse(pair.servers.perlbal, requests), converse(pair.servers.ours, requests)]);
  return { perlbal, ours };
}

/** Node stats from `nodes`, without the timestamps, sorted (Perlbal prints in hash order). */
export async function nodeStats(s: Server): Promise<string[]> {
  const m: ManageClient = await s.manage('mgmt');
  const lines = await m.multi('nodes');
  return lines
    .filter((l) => l !== '.' && !/ last\w+ /.test(l))
    .map((l) => s.normalise(l))
    .sort();
}
