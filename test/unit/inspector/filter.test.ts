/**
 * The inspector's filter language: parsing (precedence, negation, quoting, errors with
 * offsets), evaluation of every field against records, and autocomplete.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter, subjectOf } from '../../../proxy-core/src/common/inspector/filter-eval.js';
import { parseFilter } from '../../../proxy-core/src/common/inspector/filter-parse.js';
import {
  applySuggestion,
  suggestFilter,
} from '../../../proxy-core/src/common/inspector/filter-suggest.js';
import { summarize } from '../../../proxy-core/src/common/inspector/request-summary.js';
import { failedRecord, reproxiedRecord, sampleRecord } from '../../helpers/sample-records.js';

const records = [sampleRecord(), reproxiedRecord(), failedRecord()];
/** Ids of the sample records that `filter` keeps. */
function ids(filter: string): number[] {
  const f = compileFilter(filter);
  if (!f.ok) throw new Error(`${filter}: ${f.message} at ${f.offset}`);
  return records.filter((r) => f.test(subjectOf(r))).map((r) => r.id);
}

describe('filter language: parsing', () => {
  it('gives "or" lower precedence than implicit and explicit "and"', () => {
    const p = parseFilter('a b or c and d');
    expect(p.ok && p.expr).toEqual({
      kind: 'or',
      left: {
        kind: 'and',
        left: { kind: 'text', value: 'a' },
        right: { kind: 'text', value: 'b' },
      },
      right: {
        kind: 'and',
        left: { kind: 'text', value: 'c' },
        right: { kind: 'text', value: 'd' },
      },
    });
  });

  it('negates with not, - and !, and groups with parentheses', () => {
    const p = parseFilter('not (status:200 or -method:GET) !reproxied');
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.expr.kind).toBe('and');
    expect(JSON.stringify(p.expr)).toContain('"kind":"not"');
  });

  it('reads quoted values with spaces', () => {
    const p = parseFilter('header:"x-note=two words"');
    expect(p.ok && p.expr).toEqual({
      kind: 'term',
      field: 'header',
      op: ':',
      value: 'x-note=two words',
    });
  });

  it('the empty filter matches everything', () => {
    expect(parseFilter('   ')).toEqual({ ok: true, expr: { kind: 'all' } });
  });

  it.each([
    ['status>', 7, 'needs a value'],
    ['bogus:1', 0, "Unknown field 'bogus'"],
    ['method>GET', 6, 'cannot be compared'],
    ['status>=abc', 8, 'not a number'],
    ['(status:200', 11, 'Missing )'],
    ['status:200 )', 11, "Unexpected ')'"],
    ['or status:200', 0, 'needs a term'],
    ['path:"abc', 5, 'Unclosed quote'],
    ['status:200 and', 14, 'Expected a term'],
  ])('reports %j at offset %i', (src, offset, msg) => {
    const p = parseFilter(src);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.error.offset).toBe(offset);
    expect(p.error.message).toContain(msg);
  });
});

describe('filter language: evaluation', () => {
  it.each([
    ['', [1, 2, 3]],
    ['status:200', [1, 2]],
    ['status:5xx', [3]],
    ['status!=5xx', [1, 2]],
    ['status>=500', [3]],
    ['status<300 and not reproxied', [1]],
    ['method:post', [3]],
    ['-method:GET', [3]],
    ['host:lj.localhost', [1, 2, 3]],
    ['host=lj.localhost', [3]],
    ['host:*.lj.localhost', [1, 2]],
    ['path:/userpic/', [1]],
    ['path:/files/*.jpg', [2]],
    ['service:proxy', [1, 2, 3]],
    ['pool:backends node:127.0.0.1:8081', [1, 2, 3]],
    ['header:x-forwarded-for', [1, 2]],
    ['header:content-type=image/*', [1, 2, 3]],
    ['header:cookie=ljsession', [1, 2, 3]],
    ['duration>100', [3]],
    ['duration<=7.5', [1, 2]],
    ['size>1k', [1, 2]],
    ['size<1k', [3]],
    ['error', [3]],
    ['error:ECONNREFUSED', [3]],
    ['error:PB_ERR_BACKEND', [3]],
    ['not error', [1, 2]],
    ['reproxied', [2]],
    ['reproxied:false', [1, 3]],
    ['tag:keep-alive', [1]],
    ['client:127.0.0.1', [1, 2, 3]],
    ['talkpost', [3]],
    ['userpic or talkpost', [1, 3]],
    ['(status:200 or status:502) and not path:/files', [1, 3]],
  ])('%j keeps %j', (filter, expected) => {
    expect(ids(filter)).toEqual(expected);
  });

  it('answers header terms false for a summary without headers', () => {
    const f = compileFilter('header:x-forwarded-for');
    expect(f.ok && f.test(summarize(sampleRecord()))).toBe(false);
  });
});

describe('filter language: autocomplete', () => {
  it('offers fields with help for a partial word', () => {
    const s = suggestFilter('status:200 and se', 17);
    expect(s.map((x) => x.label)).toEqual(['service:']);
    expect(s[0]!.help).toContain('service that answered');
    expect(applySuggestion('status:200 and se', s[0]!)).toEqual({
      text: 'status:200 and service:',
      cursor: 23,
    });
  });

  it('offers known values after field:, quoting ones with spaces', () => {
    const known = { service: ['proxy', 'palimg web'], node: ['127.0.0.1:8081'] };
    expect(suggestFilter('service:p', 9, known).map((x) => [x.label, x.insert, x.from])).toEqual([
      ['proxy', 'proxy', 8],
      ['palimg web', '"palimg web"', 8],
    ]);
    expect(suggestFilter('status:5', 8).map((x) => x.label)).toEqual([
      '5xx',
      '500',
      '502',
      '503',
      '504',
    ]);
  });

  it('keeps a leading negation and offers keywords', () => {
    const s = suggestFilter('-rep', 4);
    expect(s.map((x) => [x.insert, x.from])).toEqual([['reproxied', 1]]);
    expect(suggestFilter('status:200 o', 12).map((x) => x.label)).toEqual(['or']);
  });
});
