import { describe, expect, it } from 'vitest';
import { evaluateRange } from '../../../../proxy-core/src/node/files/range.js';

describe('evaluateRange (Perlbal HTTPHeaders::range, suffix form fixed)', () => {
  // The 20-byte range.bin of the verified transcripts (spec 16.2).
  const cases: Array<[string | undefined, number | null, unknown]> = [
    [undefined, 20, { status: 200 }],
    ['bytes=2-5', 20, { status: 206, start: 2, end: 5 }],
    ['bytes=15-', 20, { status: 206, start: 15, end: 19 }],
    ['bytes=5-100', 20, { status: 206, start: 5, end: 19 }],
    ['bytes=0-0', 20, { status: 206, start: 0, end: 0 }],
    ['bytes=19-19', 20, { status: 206, start: 19, end: 19 }],
    ['bytes=20-', 20, { status: 416 }],
    ['bytes=25-30', 20, { status: 416 }],
    ['bytes=5-1', 20, { status: 416 }],
    ['bytes=-', 20, { status: 200 }],
    ['bytes=0-1,3-4', 20, { status: 200 }],
    ['bytes= 0-1', 20, { status: 200 }],
    ['Bytes=0-1', 20, { status: 200 }],
    ['items=0-1', 20, { status: 200 }],
    ['bytes=0-1', null, { status: 200 }],
    ['bytes=0-', 0, { status: 416 }],
    ['bytes=0-99999999999999999999', 20, { status: 206, start: 0, end: 19 }],
  ];
  it.each(cases)('%s on %s bytes', (header, size, want) => {
    expect(evaluateRange(header, size)).toEqual(want);
  });

  describe('suffix ranges follow RFC 9110 14.1.2 (Perlbal served 0..N)', () => {
    it('bytes=-5 is the last 5 bytes', () => {
      expect(evaluateRange('bytes=-5', 20)).toEqual({ status: 206, start: 15, end: 19 });
    });
    it('bytes=-0 is unsatisfiable', () => {
      expect(evaluateRange('bytes=-0', 20)).toEqual({ status: 416 });
    });
    it('a suffix longer than the file selects the whole file', () => {
      expect(evaluateRange('bytes=-500', 20)).toEqual({ status: 206, start: 0, end: 19 });
      expect(evaluateRange('bytes=-20', 20)).toEqual({ status: 206, start: 0, end: 19 });
    });
    it('any suffix of an empty file is unsatisfiable', () => {
      expect(evaluateRange('bytes=-5', 0)).toEqual({ status: 416 });
    });
  });
});
