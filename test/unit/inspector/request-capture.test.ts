/**
 * The core's request capture: bounded by count and bytes (oldest dropped first, bodies before
 * records), summaries filtered with the filter language including header terms, paging,
 * lookup and clear; records kept compactly come back exactly as added; bodies come back
 * decoded with the detail.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../../proxy-core/src/common/errors.js';
import { compileFilter, subjectOf } from '../../../proxy-core/src/common/inspector/filter-eval.js';
import { summarize } from '../../../proxy-core/src/common/inspector/request-summary.js';
import type { HeaderList, RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { RequestCapture } from '../../../proxy-core/src/node/api/request-capture.js';
import { failedRecord, reproxiedRecord, sampleRecord } from '../../helpers/sample-records.js';

function throwsCode(f: () => unknown, code: string): void {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(hasErrorCode(err, code as never), String(err)).toBe(true);
}

describe('RequestCapture', () => {
  it('keeps at most maxRecords, dropping the oldest', () => {
    const c = new RequestCapture({ maxRecords: 3 });
    for (let id = 1; id <= 5; id++) c.add(sampleRecord({ id }));
    const l = c.list();
    expect(l.summaries.map((s) => s.id)).toEqual([3, 4, 5]);
    expect([l.captured, l.evicted]).toEqual([3, 2]);
    throwsCode(() => c.get(1), 'PB_ERR_API_NOT_FOUND');
    expect(c.get(4).id).toBe(4);
  });

  it('keeps within maxBytes, and always the newest record', () => {
    const c = new RequestCapture({ maxBytes: 8000 });
    for (let id = 1; id <= 10; id++) c.add(sampleRecord({ id }));
    expect(c.bytes).toBeLessThanOrEqual(8000);
    expect(c.size).toBeGreaterThan(1);
    expect(c.size).toBeLessThan(10);
    expect(c.list().summaries.at(-1)!.id).toBe(10);
    const tiny = new RequestCapture({ maxBytes: 1 });
    tiny.add(sampleRecord({ id: 7 }));
    expect(tiny.size).toBe(1);
  });

  it('filters on the full record (header terms), pages backwards and limits', () => {
    const c = new RequestCapture();
    c.add(sampleRecord());
    c.add(reproxiedRecord());
    c.add(failedRecord());
    expect(c.list({ filter: 'header:x-forwarded-for' }).summaries.map((s) => s.id)).toEqual([1, 2]);
    expect(c.list({ filter: 'header:x-forwarded-for', idsOnly: true })).toEqual(
      expect.objectContaining({ summaries: [], ids: [1, 2] }),
    );
    throwsCode(() => c.list({ idsOnly: 'yes' }), 'PB_ERR_API_INVALID_ARGUMENT');
    expect(c.list({ filter: 'reproxied' }).summaries[0]).toEqual(
      expect.objectContaining({ id: 2, reproxied: true, node: '127.0.0.1:8081' }),
    );
    expect(c.list({ limit: 2 }).summaries.map((s) => s.id)).toEqual([2, 3]);
    expect(c.list({ beforeId: 3, limit: 1 }).summaries.map((s) => s.id)).toEqual([2]);
    throwsCode(() => c.list({ filter: '(' }), 'PB_ERR_API_INVALID_ARGUMENT');
    throwsCode(() => c.list({ limit: -1 }), 'PB_ERR_API_INVALID_ARGUMENT');
    c.clear();
    expect([c.size, c.bytes]).toEqual([0, 0]);
  });
});

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['Host', 'Content-Type', 'content-type', 'X-Forwarded-For', 'Cookie', 'X-Id', 'Vary'];
const VALUES = ['a', 'text/html', 'image/png', '127.0.0.1', 'k=v; x=y', '', 'é ü', 'A*B'];

/** Records with random header lists: repeats, duplicates, odd values, backend twins. */
function randomRecord(id: number, next: () => number): RequestRecord {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const list = (n: number): HeaderList =>
    Array.from({ length: n }, () => [pick(NAMES), next() < 0.2 ? `v${id}` : pick(VALUES)]);
  const req = list(Math.floor(next() * 8));
  const res = list(Math.floor(next() * 8));
  const r = sampleRecord({ id, requestHeaders: req, responseHeaders: res, uri: `/p/${id}` });
  if (next() < 0.7)
    r.backendRequestHeaders = [...req.filter(() => next() < 0.8), ['X-Forwarded-For', '127.0.0.1']];
  else delete r.backendRequestHeaders;
  if (next() < 0.7)
    r.backendResponseHeaders = res.map((p) => (next() < 0.9 ? p : [p[0], 'changed']));
  else delete r.backendResponseHeaders;
  if (next() < 0.3)
    r.reproxy = [{ target: `http://127.0.0.1:1/${id}`, outcome: 'failed', reason: 'refused' }];
  return r;
}

describe('RequestCapture compact storage', () => {
  it('gives back every record exactly as it was added', () => {
    const c = new RequestCapture();
    const next = rng(1);
    const recs = [sampleRecord(), reproxiedRecord(), failedRecord()];
    for (let id = 10; id < 400; id++) recs.push(randomRecord(id, next));
    for (const r of recs) c.add(structuredClone(r));
    for (const r of recs) expect(c.get(r.id)).toEqual(r);
    expect(c.list().summaries).toEqual(recs.map(summarize));
  });

  it('gives records back exactly while evicting (ids of freed pairs are given to others)', () => {
    const c = new RequestCapture({ maxRecords: 3 });
    const next = rng(4);
    const recs = Array.from({ length: 500 }, (_, i) => randomRecord(i + 1, next));
    recs.forEach((r, i) => {
      c.add(structuredClone(r));
      for (const kept of recs.slice(Math.max(0, i - 2), i + 1))
        expect(c.get(kept.id)).toEqual(kept);
    });
  });

  it('answers header: terms exactly as the filter does on header lists', () => {
    const c = new RequestCapture();
    const next = rng(2);
    const recs = Array.from({ length: 300 }, (_, i) => randomRecord(i + 1, next));
    for (const r of recs) c.add(structuredClone(r));
    const filters = [
      'header:content-type',
      'header:CONTENT-TYPE=text',
      'header:content-type=image/*',
      'header:x-id=v1*',
      'header:cookie=x=y',
      'header:vary=A*B',
      'header:x-forwarded-for and not header:cookie',
      'header:host=é or status:200',
      '-header:x-id',
      'header:nothing',
      'header:x-id!=a',
    ];
    for (const f of filters) {
      const test = compileFilter(f);
      if (!test.ok) throw new Error(test.message);
      const want = recs.filter((r) => test.test(subjectOf(r))).map((r) => r.id);
      expect(
        c.list({ filter: f }).summaries.map((s) => s.id),
        f,
      ).toEqual(want);
    }
  });

  it('frees interned headers with the records that used them', () => {
    const c = new RequestCapture({ maxRecords: 20 });
    const next = rng(3);
    for (let id = 1; id <= 40; id++) c.add(randomRecord(id, next));
    const early = c.bytes;
    for (let id = 41; id <= 4000; id++) c.add(randomRecord(id, next));
    expect(c.size).toBe(20);
    // Unique values (v<id>) are freed with their records: memory stays where it was.
    expect(c.bytes).toBeLessThan(early * 1.5);
    expect(c.get(4000).id).toBe(4000);
  });
});

describe('RequestCapture bodies', () => {
  const body = (s: string | Buffer, size?: number) => {
    const bytes = Buffer.isBuffer(s) ? s : Buffer.from(s);
    return { bytes, size: size ?? bytes.length };
  };

  it('gives bodies back with the detail, decoded, and counts them in bytes', () => {
    const c = new RequestCapture();
    const json = JSON.stringify({ a: [1, 2, 3] });
    const r = sampleRecord({
      responseHeaders: [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
        ['Transfer-Encoding', 'chunked'],
      ],
    });
    const gz = gzipSync(json);
    const chunked = Buffer.concat([
      Buffer.from(`${gz.length.toString(16)}\r\n`),
      gz,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    c.add(r, { request: body('name=frank', 10), response: body(chunked) });
    const plain = c.bytes;
    expect(plain).toBeGreaterThan(chunked.length + 10);
    const d = c.get(1);
    expect(d.requestBody).toEqual({
      base64: Buffer.from('name=frank').toString('base64'),
      size: 10,
      captured: 10,
      truncated: false,
    });
    expect(Buffer.from(d.responseBody!.base64, 'base64').toString()).toBe(json);
    expect(d.responseBody).toEqual(
      expect.objectContaining({
        size: chunked.length,
        truncated: false,
        decoded: ['chunked', 'gzip'],
      }),
    );
    // Without bodies the record is as it was.
    const { requestBody: _a, responseBody: _b, ...rest } = d;
    expect(rest).toEqual(r);
  });

  it('marks a body cut by the cap as truncated', () => {
    const c = new RequestCapture();
    c.add(sampleRecord(), { response: body('abc', 5000) });
    expect(c.get(1).responseBody).toEqual(expect.objectContaining({ size: 5000, truncated: true }));
  });

  it('drops the oldest bodies before any record when over maxBytes', () => {
    const probe = new RequestCapture();
    for (let id = 1; id <= 10; id++) probe.add(sampleRecord({ id }));
    const big = Buffer.alloc(10_000, 0x61);
    // Room for the records and two bodies (each a little over 10,000 bytes), not three.
    const c = new RequestCapture({ maxBytes: probe.bytes + 25_000 });
    for (let id = 1; id <= 10; id++) c.add(sampleRecord({ id }), { response: body(big) });
    expect(c.size).toBe(10);
    expect(c.bytes).toBeLessThanOrEqual(c.limits.maxBytes);
    const kept = c.list().summaries.map((s) => c.get(s.id));
    expect(kept.map((r) => r.responseBody !== undefined)).toEqual([
      ...Array<boolean>(8).fill(false),
      true,
      true,
    ]);
    expect(kept[0]!.bodiesDropped).toBe(true);
    expect(kept[9]!.bodiesDropped).toBeUndefined();
  });
});
