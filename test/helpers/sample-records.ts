/**
 * Request records shaped as the core emits them, for the inspector's pure-logic tests: a
 * proxied 200, a reproxied request whose first hop fell through, a 502 refused by a node.
 */
import type { RequestRecord } from '../../proxy-core/src/common/request-record.js';

export function sampleRecord(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: 1,
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    client: '127.0.0.1:50000',
    listener: 'proxy',
    method: 'GET',
    host: 'www.lj.localhost',
    uri: '/userpic/1?size=big&x=a%20b',
    httpVersion: '1.1',
    service: 'proxy',
    role: 'reverse_proxy',
    route: [
      { kind: 'service', name: 'proxy', detail: 'reverse_proxy' },
      { kind: 'pool', name: 'backends' },
      { kind: 'node', name: '127.0.0.1:8081', detail: 'new connection' },
    ],
    pool: 'backends',
    node: '127.0.0.1:8081',
    backendConnection: 'new',
    status: 200,
    bytesIn: 0,
    bytesOut: 2048,
    requestHeaders: [
      ['Host', 'www.lj.localhost'],
      ['User-Agent', 'test'],
      ['Cookie', "ljsession=it's"],
    ],
    backendRequestHeaders: [
      ['Host', 'www.lj.localhost'],
      ['X-Forwarded-For', '127.0.0.1'],
    ],
    backendResponseHeaders: [['Content-Type', 'image/png']],
    responseHeaders: [
      ['Content-Type', 'image/png'],
      ['Content-Length', '2048'],
    ],
    timings: { queuedMs: 0.5, connectMs: 1.2, firstByteMs: 3, transferMs: 2, totalMs: 7.5 },
    tags: ['keep-alive'],
    ...over,
  };
}

export function reproxiedRecord(): RequestRecord {
  return sampleRecord({
    id: 2,
    uri: '/files/a.jpg',
    route: [
      { kind: 'selector', name: 'sel' },
      { kind: 'vhost', name: 'files.lj.localhost', detail: 'proxy' },
      { kind: 'service', name: 'proxy', detail: 'reverse_proxy' },
      { kind: 'pool', name: 'backends' },
      { kind: 'node', name: '127.0.0.1:8081' },
      {
        kind: 'reproxy',
        name: 'http://127.0.0.1:1/a http://127.0.0.1:8082/a',
        detail: 'X-REPROXY-URL',
      },
    ],
    reproxy: [
      { target: 'http://127.0.0.1:1/a', outcome: 'failed', reason: 'connection refused' },
      { target: 'http://127.0.0.1:8082/a', outcome: 'used', status: 200 },
    ],
    tags: ['reproxied'],
  });
}

export function failedRecord(): RequestRecord {
  const r = sampleRecord({
    id: 3,
    method: 'POST',
    host: 'lj.localhost',
    uri: '/talkpost_do',
    status: 502,
    bytesIn: 10,
    bytesOut: 120,
    error: {
      code: 'PB_ERR_BACKEND_CONNECT',
      message: 'Backend refused the connection (pool backends, node 127.0.0.1:8081)',
      syscallCode: 'ECONNREFUSED',
    },
    tags: ['backend-error:ECONNREFUSED'],
    timings: { queuedMs: 1, totalMs: 300 },
  });
  delete r.backendRequestHeaders;
  delete r.backendResponseHeaders;
  delete r.backendConnection;
  return r;
}
