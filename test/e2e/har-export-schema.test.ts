/**
 * The inspector's HAR export (renderer/src/inspector/har.ts) against the HAR 1.2 JSON schema,
 * with ajv (har-schema.ts beside it): a reproxied request, a failed one, an empty export; and
 * the validator itself refuses what the schema forbids. Pure Node; it sits with the browser
 * tests because the schema helper needs Node's require, which the renderer's checks don't allow.
 */
import { describe, expect, it } from 'vitest';
import { toHar } from '../../renderer/src/inspector/har.js';
import { failedRecord, reproxiedRecord, sampleRecord } from '../helpers/sample-records.js';
import { validateHarSchema } from './har-schema.js';

describe('HAR export against the HAR 1.2 JSON schema', () => {
  it('validates, for ordinary, failed and no requests', () => {
    expect(validateHarSchema(toHar([sampleRecord(), reproxiedRecord(), failedRecord()]))).toEqual(
      [],
    );
    expect(validateHarSchema(toHar([]))).toEqual([]);
  });

  it('refuses what the schema forbids', () => {
    const har = toHar([sampleRecord()]) as unknown as {
      log: { version: string; entries: Array<Record<string, unknown>> };
    };
    const entry = har.log.entries[0]!;
    delete entry['cache'];
    entry['time'] = 'slow';
    entry['startedDateTime'] = 'yesterday';
    (entry['timings'] as Record<string, unknown>)['wait'] = -5;
    har.log.version = '1.1';
    const problems = validateHarSchema(har);
    expect(problems).toEqual(
      expect.arrayContaining([
        "/log/entries/0 must have required property 'cache'",
        '/log/entries/0/time must be number',
        '/log/entries/0/startedDateTime must match format "date-time"',
        expect.stringMatching(/^\/log\/entries\/0\/timings\/wait must pass "min" keyword/),
        '/log/version must be "1.2"',
      ]),
    );
  });
});
