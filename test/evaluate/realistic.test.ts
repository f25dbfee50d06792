/**
 * Today's detect over a small-scale realistic month: the planted attacks are found, and the report
 * holds together (days, false highs, benign events). Precision targets are not asserted here: they
 * come with the detection that earns them, through evaluateScenario(seed, scale).
 */
import { describe, expect, it } from 'vitest';
import { evaluateScenario, renderEvaluation, type EvaluationReport } from '../../src/evaluate/index.js';
import { atLeast } from '../../src/model/severity.js';

const SCALE = 0.02;
let report: EvaluationReport | undefined;
async function run(): Promise<EvaluationReport> {
  report ??= await evaluateScenario(5, SCALE);
  return report;
}

describe('evaluate on a small realistic month (seed 5)', () => {
  it('decodes every record and reports seven live days', async () => {
    const r = await run();
    expect(r.profile).toBe('realistic');
    expect(r.rejected, renderEvaluation(r)).toBe(0);
    expect(r.days.map((d) => d.date)).toEqual(['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30', '2026-10-31', '2026-11-01']);
    // Nothing alerts while learning: every alert falls on a live day.
    expect(r.days.reduce((n, d) => n + d.alerts, 0)).toBe(r.alerts);
    for (const d of r.days) {
      expect(d.falseHighs).toBeLessThanOrEqual(d.bySeverity.high + d.bySeverity.critical);
      expect(d.truePositives + d.falseHighs).toBeLessThanOrEqual(d.alerts);
    }
    expect(r.summary.falseHighsPerDay).toBeCloseTo(r.days.reduce((n, d) => n + d.falseHighs, 0) / 7);
  });

  it('finds every planted attack through the network and credential detectors', async () => {
    const r = await run();
    for (const control of ['DS0029', 'DS0002']) expect(r.detectors.find((d) => d.control === control)?.recall, `${control}\n${renderEvaluation(r)}`).toBe(1);
    for (const p of r.procedures) {
      expect(p.firstAlert, p.id).toBeDefined();
      expect(p.highest !== null && atLeast(p.highest, p.minSeverity ?? 'info'), `${p.id} highest ${p.highest}`).toBe(true);
    }
  });

  it('finds the brute force that worked, the password spray that worked and the night-time key from a hosting ASN at their severity', async () => {
    const r = await run();
    for (const id of ['ssh-brute-force-success', 'ssh-password-spray-success', 'ssh-new-key-hosting-night', 'kubernetes-anonymous-privileged-pod', 'kong-admin-port-write', 'jenkins-script-console']) {
      expect(r.procedures.find((p) => p.id === id)?.found, `${id}\n${renderEvaluation(r)}`).toBe(true);
    }
  });

  // Rarity is judged per kind of creation: a daily pod creator's first privileged pod is rare.
  it('finds the CI identity\'s first privileged pod with DS0015', async () => {
    const r = await run();
    expect(r.procedures.find((p) => p.id === 'ci-first-privileged-pod')?.detectedBy).toContain('DS0015');
  });

  it('reports the highest severity raised on each benign event', async () => {
    const r = await run();
    expect(r.benign.map((b) => b.kind).sort()).toEqual(['certificate-renewal', 'key-rotation', 'new-hire', 'new-home-isp', 'travelling-admin']);
    for (const b of r.benign) expect(b.withinLimit).toBe(b.highest === null || !atLeast(b.highest, 'high'));
  });
});

describe('evaluate options', () => {
  it('configure rewrites the emulated drawbridge.yaml before detection reads it', async () => {
    let seen: { asns: number[]; allowed: string[]; files: number } | undefined;
    const r = await evaluateScenario(6, 0.01, {
      historyDays: 1,
      liveDays: 1,
      configure: (yaml, labels) => `${yaml.replace('organisation:\n', `organisation:\n  asns: [${labels.procedures[0]?.asn ?? 0}]\n`)}`,
      run: async (files, config) => {
        seen = { asns: config.organisation.asns, allowed: config.organisation.allowedRanges, files: files.length };
        return { alerts: [] };
      },
    });
    expect(seen).toEqual({ asns: [45899], allowed: ['198.51.100.0/24', '192.0.2.0/24'], files: 6 });
    expect(r.days).toHaveLength(1);
    expect(r.procedures.every((p) => !p.found)).toBe(true);
  });
});
