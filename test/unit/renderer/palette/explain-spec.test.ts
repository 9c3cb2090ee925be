import { describe, expect, it } from 'vitest';
import { parsePaletteSpec } from '../../../../proxy-core/src/common/palimg/index.js';
import { explainSpec } from '../../../../renderer/src/palette/explain-spec.js';
import { prng } from '../../../helpers/palimg-images.js';

describe('explainSpec', () => {
  it('accepts what the server accepts', () => {
    for (const s of [
      'tc0d0e0',
      'tffffff336699',
      'g00000000ff3366cc',
      'gff3366cc00000000',
      '0ff0000',
      '0ffffff1000000',
      'a1111112222222333333344444445555555666666677777777'.slice(0, 49),
    ])
      expect(explainSpec(s), s).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['tC0D0E0', /"C" at position 2 is upper case/],
    ['tc0d0e', /6 or 12 hex digits\); this has 5/],
    ['tc0d0e0ff', /this has 8/],
    ['g050000000512345', /16 hex digits\); this has 15/],
    ['g05000000051234ff', /two indexes must differ \(both are 05\)/],
    ['g0x000000ff123456', /"x" at position 3 is not a hex digit/],
    ['0ff000', /7 hex digits each\): 6 digits are 0 entries and 6 digit\(s\) over/],
    ['0ff00001ff00', /12 digits are 1 entry and 5/],
    ['0000000'.repeat(8), /At most 7 explicit entries; this has 8/],
    ['x123456', /"x" at position 1 is not a hex digit; a spec is t/],
    ['0ff0000?v=1', /"\?" at position 8/],
  ])('explains %j', (spec, why) => {
    expect(parsePaletteSpec(spec)).toBeNull();
    expect(explainSpec(spec)).toMatch(why);
  });

  it('agrees with the server parser on random specs, and always names a rule', () => {
    const rand = prng(42);
    const alphabet = '0123456789abcdefABtgx?';
    for (let n = 0; n < 20_000; n++) {
      const first = 'tg0'[Math.floor(rand() * 3)]!;
      const len = Math.floor(rand() * 20);
      let s = first === '0' ? '' : first;
      for (let i = 0; i < len; i++) {
        // Mostly lower-case hex, so that valid specs come up too.
        s +=
          rand() < 0.95
            ? alphabet[Math.floor(rand() * 16)]
            : alphabet[Math.floor(rand() * alphabet.length)];
      }
      const why = explainSpec(s);
      expect(why === null, s).toBe(parsePaletteSpec(s) !== null);
      if (why !== null) expect(why, s).not.toBe('Invalid palimg palette spec');
    }
  });
});
