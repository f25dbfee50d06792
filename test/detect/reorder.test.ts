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

  it('property: pushes and releases interleaved come out in (time, arrival) order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1))), (ops) => {
        const b = new ReorderBuffer<{ time: number; seq: number }>();
        const pending: { time: number; seq: number }[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op >= 0) {
            const item = { time: op, seq: seq++ };
            b.push(item);
            pending.push(item);
          } else {
            // Release everything up to the median pending time.
            const w = pending.length > 0 ? [...pending].sort((x, y) => x.time - y.time)[pending.length >> 1]!.time : 0;
            const expected = pending.filter((x) => x.time <= w).sort((x, y) => x.time - y.time || x.seq - y.seq);
            expect(b.release(w)).toEqual(expected);
            pending.splice(0, pending.length, ...pending.filter((x) => x.time > w));
          }
        }
        expect(b.size).toBe(pending.length);
      }),
    );
  });
});
