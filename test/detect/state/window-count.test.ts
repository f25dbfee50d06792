import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounted, countWindow, kept, type Counted } from '../../../src/detect/state/window-count.js';

/** The definition: add, drop every count at or before time - window, sum (time - window, time]. */
function naive(list: Counted[], time: number, n: number, window: number): number {
  list.push({ time, n });
  const from = time - window;
  const keep = list.filter((c) => c.time > from);
  list.length = 0;
  list.push(...keep);
  return keep.filter((c) => c.time <= time).reduce((a, c) => a + c.n, 0);
}

describe('windowed counts', () => {
  it('answer as the definition does, in order and out of order, and keep the same counts', () => {
    const call = fc.record({ time: fc.integer({ min: 0, max: 400 }), n: fc.integer({ min: 1, max: 3 }), window: fc.integer({ min: 0, max: 120 }) });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 300 }), (calls) => {
        const model: Counted[] = [];
        const w = countWindow<Counted>();
        for (const c of calls) expect(addCounted(w, { time: c.time, n: c.n }, c.window)).toBe(naive(model, c.time, c.n, c.window));
        expect(kept(w).map((c) => c.time)).toEqual(model.map((c) => c.time).sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('tells what it drops, and costs what left the window: a long run in time order stays short', () => {
    const w = countWindow<Counted>();
    const gone: number[] = [];
    for (let t = 0; t < 50_000; t++) addCounted(w, { time: t, n: 1 }, 100, (c) => gone.push(c.time));
    expect(gone.length).toBe(50_000 - 100);
    expect(kept(w).length).toBe(100);
    expect(w.items.length).toBeLessThan(2_300);
  });
});
