import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ReorderBuffer } from '../../src/detect/reorder.js';

describe('ReorderBuffer', () => {
  it('releases in time order up to the watermark, stable for equal times', () => {
    const b = new ReorderBuffer<{ time: number; seq: number }>();
    [5, 1, 3, 3, 9].forEach((time, seq) => b.push({ time, seq }));
    expect(b.release(3).map((x) => [x.time, x.seq])).toEqual([
      [1, 1],
      [3, 2],
      [3, 3],
    ]);
    expect(b.isLate(2)).toBe(true);
    expect(b.isLate(3)).toBe(false);
    expect(b.release(Infinity).map((x) => x.time)).toEqual([5, 9]);
  });

  it('property: output is sorted whatever the input order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 })), (times) => {
        const b = new ReorderBuffer<{ time: number; seq: number }>();
        times.forEach((time, seq) => b.push({ time, seq }));
        expect(b.release(Infinity).map((x) => x.time)).toEqual([...times].sort((a, c) => a - c));
      }),
    );
  });
});
