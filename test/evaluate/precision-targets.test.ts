/**
 * The targets of a detector a security team can leave on, held on the realistic month for several seeds:
 * at most 20 alerts and at most 1 false high-or-critical per live day, every planted attack found at its
 * required severity, benign new events (new hire, key rotation, certificate renewal, new home ISP,
 * travelling admin) at most medium.
 */
import { describe, expect, it } from 'vitest';
import { evaluateScenario, renderEvaluation } from '../../src/evaluate/index.js';

const SCALE = 0.02;

describe.each([11, 12, 13])('precision targets on the realistic month (seed %i)', (seed) => {
  it('holds alerts/day, false highs/day, recall at severity and benign limits', async () => {
    const r = await evaluateScenario(seed, SCALE);
    const why = renderEvaluation(r);
    expect(r.summary.alertsPerDay, why).toBeLessThanOrEqual(20);
    for (const d of r.days) expect(d.falseHighs, `${d.date}\n${why}`).toBeLessThanOrEqual(1);
    for (const p of r.procedures) expect(p.found, `${p.id}\n${why}`).toBe(true);
    for (const b of r.benign) expect(b.withinLimit, `${b.id}\n${why}`).toBe(true);
  });
});
