import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatCopy } from '../../src/detect/strings.js';

describe('flatCopy', () => {
  it('returns the same text for any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.nat(40), (s, cut) => {
        const slice = (s + s).slice(cut % (s.length + 1));
        expect(flatCopy(slice)).toBe(slice);
        expect(flatCopy(slice).length).toBe(slice.length);
      }),
    );
    expect(flatCopy('\ud800 lone surrogate here')).toBe('\ud800 lone surrogate here');
  });
});
