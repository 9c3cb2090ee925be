/**
 * The core's request capture: bounded by count and bytes (oldest dropped first), summaries
 * filtered with the filter language including header terms, paging, lookup and clear.
 */
import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../../proxy-core/src/common/errors.js';
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
    const c = new RequestCapture({ maxBytes: 4000 });
    for (let id = 1; id <= 10; id++) c.add(sampleRecord({ id }));
    expect(c.bytes).toBeLessThanOrEqual(4000);
    expect(c.size).toBeGreaterThan(0);
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
