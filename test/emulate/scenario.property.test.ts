import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildScenario, learningDays } from '../../src/emulate/scenario.js';

describe('scenario invariants over seeds and lengths (property)', () => {
  it('plants every procedure after learning and before the end, from a new range, for any seed and 2–5 days', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }), fc.integer({ min: 2, max: 5 }), (seed, days) => {
        const { labels } = buildScenario({ seed, days });
        expect(labels.learningPeriodMs).toBe(learningDays(days) * 86_400_000);
        expect(labels.procedures.length).toBe(6);
        const learningEnd = Date.parse(labels.learningEnd);
        const end = Date.parse(labels.end);
        for (const p of labels.procedures) {
          expect(Date.parse(p.window.start)).toBeGreaterThanOrEqual(learningEnd);
          expect(Date.parse(p.window.end)).toBeLessThan(end);
          expect(p.records.length).toBeGreaterThan(1);
        }
        expect(new Set(labels.procedures.map((p) => p.sourceRange)).size).toBe(6);
      }),
      { numRuns: 12 },
    );
  });

  it('learns for a little over half the period, never all of it', () => {
    for (let d = 2; d <= 60; d++) {
      expect(learningDays(d)).toBeGreaterThanOrEqual(1);
      expect(learningDays(d)).toBeLessThan(d);
    }
    expect(learningDays(7)).toBe(4);
  });
});
