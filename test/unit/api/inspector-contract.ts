/**
 * Contract cases for the request inspector methods (listRequests, getRequestDetail,
 * clearRequests, resendRequest), run inside describeContract for every transport: requests
 * sent through the fixture's proxy are captured with their headers and bodies, filtered by
 * the filter language on the core side, resent through the same listener, and cleared.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import type { CoreClient } from '../../../proxy-core/src/common/api/index.js';
import type { RequestList } from '../../../proxy-core/src/common/inspector/capture-api.js';
import { get, type ApiFixture } from '../../helpers/api-fixture.js';
import { rejectsWith } from './contract.js';

/** One POST through a service; resolves with the status. */
function post(port: number, uri: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: uri,
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** listRequests until `pred` holds (records land when the response is done: bounded wait). */
async function listUntil(
  api: CoreClient,
  filter: string,
  pred: (l: RequestList) => boolean,
): Promise<RequestList> {
  for (let i = 0; i < 100; i++) {
    const l = await api.listRequests({ filter });
    if (pred(l)) return l;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`listRequests(${JSON.stringify(filter)}) never matched`);
}

export function describeInspectorContract(get_: () => { api: CoreClient; fx: ApiFixture }): void {
  describe('request inspector', () => {
    it('captures requests with their route and headers, and filters on the core side', async () => {
      const { api, fx } = get_();
      const port = fx.core.portOf('proxy')!;
      const web = fx.core.portOf('web')!;
      expect(await get(port, '/one')).toBe(200);
      expect(await get(web, '/missing')).toBe(404);
      const all = await listUntil(api, '', (l) => l.summaries.length >= 2);
      const one = all.summaries.find((s) => s.uri === '/one')!;
      expect(one).toEqual(
        expect.objectContaining({
          service: 'proxy',
          pool: 'backends',
          node: fx.backend.hostport,
          status: 200,
        }),
      );
      expect(all.limits.maxRecords).toBeGreaterThan(0);

      const only404 = await api.listRequests({ filter: 'status>=400 and not service:proxy' });
      expect(only404.summaries.map((s) => [s.uri, s.status])).toEqual([['/missing', 404]]);
      // header: terms need the headers the core kept: the backend saw X-Forwarded-For.
      const viaHeader = await api.listRequests({ filter: 'header:x-forwarded-for' });
      expect(viaHeader.summaries.map((s) => s.uri)).toEqual(['/one']);

      const detail = await api.getRequestDetail(one.id);
      expect(detail.route.map((s) => s.kind)).toEqual(
        expect.arrayContaining(['service', 'pool', 'node']),
      );
      expect(detail.requestHeaders.length).toBeGreaterThan(0);
      expect(detail.backendRequestHeaders?.length).toBeGreaterThan(0);
      expect(detail.backendResponseHeaders?.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(detail))).toEqual(detail);
    });

    it('gives the captured request and response bodies with the detail', async () => {
      const { api, fx } = get_();
      fx.backend.handle((req) =>
        req.uri === '/with-body'
          ? {
              status: 200,
              headers: [['Content-Type', 'application/json']],
              body: JSON.stringify({ ok: true, got: req.body.toString() }),
            }
          : undefined,
      );
      try {
        expect(await post(fx.core.portOf('proxy')!, '/with-body', '{"a":1}')).toBe(200);
      } finally {
        fx.backend.handle(null);
      }
      const l = await listUntil(api, 'path:/with-body', (x) => x.summaries.length === 1);
      expect(l.limits.maxBodyBytes).toBeGreaterThan(0);
      const d = await api.getRequestDetail(l.summaries[0]!.id);
      const text = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString();
      expect(text(d.requestBody?.base64)).toBe('{"a":1}');
      expect(JSON.parse(text(d.responseBody?.base64))).toEqual({ ok: true, got: '{"a":1}' });
      expect(d.responseBody).toEqual(expect.objectContaining({ truncated: false }));

      // The whole body was kept, so the request can be resent with it.
      fx.backend.handle((req) =>
        req.uri === '/with-body' ? { status: 200, body: req.body.toString() } : undefined,
      );
      try {
        expect((await api.resendRequest(d.id)).status).toBe(200);
        const again = await listUntil(api, 'path:/with-body', (x) => x.summaries.length === 2);
        const d2 = await api.getRequestDetail(again.summaries[1]!.id);
        expect(text(d2.requestBody?.base64)).toBe('{"a":1}');
        expect(text(d2.responseBody?.base64)).toBe('{"a":1}');
      } finally {
        fx.backend.handle(null);
      }
    });

    it('resends a captured request through the proxy, and clears the capture', async () => {
      const { api, fx } = get_();
      const port = fx.core.portOf('proxy')!;
      expect(await get(port, '/again')).toBe(200);
      const first = await listUntil(api, 'path:/again', (l) => l.summaries.length === 1);
      const res = await api.resendRequest(first.summaries[0]!.id);
      expect(res).toEqual({ status: 200, target: `127.0.0.1:${port}` });
      const both = await listUntil(api, 'path:/again', (l) => l.summaries.length === 2);
      expect(both.summaries[1]!.id).toBeGreaterThan(both.summaries[0]!.id);

      await api.clearRequests();
      expect((await api.listRequests()).summaries).toEqual([]);
      await rejectsWith(api.getRequestDetail(first.summaries[0]!.id), 'PB_ERR_API_NOT_FOUND');
      await rejectsWith(api.resendRequest(-1), 'PB_ERR_API_NOT_FOUND');
    });

    it('refuses malformed queries and filters with codes', async () => {
      const { api } = get_();
      await rejectsWith(api.listRequests({ filter: 'status>' }), 'PB_ERR_API_INVALID_ARGUMENT');
      await rejectsWith(api.listRequests({ filter: 'bogus:1' }), 'PB_ERR_API_INVALID_ARGUMENT');
      await rejectsWith(
        api.listRequests('x' as unknown as { filter: string }),
        'PB_ERR_API_INVALID_ARGUMENT',
      );
      await rejectsWith(api.getRequestDetail('1' as unknown as number), 'PB_ERR_API_NOT_FOUND');
    });
  });
}
