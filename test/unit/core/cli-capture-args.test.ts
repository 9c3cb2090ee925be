/**
 * `--capture-records`, `--capture-mb` and `--capture-body-kib`: the request inspector's limits
 * for `--ui`, as whole numbers, scaled to the capture's units; `-c` and `--co` still mean
 * `--config`, and `--ca` is ambiguous.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../proxy-core/bin/cli-args.js';

describe('--capture-* options', () => {
  it('set the capture limits in records, bytes and body bytes', () => {
    expect(
      parseArgs([
        '--ui',
        '--capture-records=500000',
        '--capture-mb',
        '1024',
        '--capture-body-kib=0',
      ]),
    ).toMatchObject({
      ui: true,
      capture: { maxRecords: 500_000, maxBytes: 1024 * 1024 * 1024, maxBodyBytes: 0 },
    });
    expect(parseArgs(['--capture-body-kib', '256'])).toMatchObject({
      capture: { maxBodyBytes: 256 * 1024 },
    });
    expect(parseArgs(['--ui'])).not.toHaveProperty('capture');
  });

  it('refuse what is not a whole number in range', () => {
    for (const bad of [
      ['--capture-records=0'],
      ['--capture-mb=1.5'],
      ['--capture-mb'],
      ['--capture-body-kib=-1'],
    ])
      expect(parseArgs(bad)).toEqual({ error: expect.stringMatching(/requires a whole number/) });
    expect(parseArgs(['--ca=1'])).toEqual({ error: 'Unknown option: ca' });
    expect(parseArgs(['--co', 'x.conf'])).toMatchObject({ config: 'x.conf' });
  });
});
