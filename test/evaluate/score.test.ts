import { describe, expect, it } from 'vitest';
import type { BenignLabel, Labels, ProcedureLabel } from '../../src/emulate/labels.js';
import { scoreAlerts } from '../../src/evaluate/index.js';
import { makeAlert, type Alert } from '../../src/model/finding.js';
import type { Severity } from '../../src/model/severity.js';
import type { DataSource } from '../../src/model/technique.js';

const attack: ProcedureLabel = {
  id: 'spray',
  subTechnique: 'ssh-access',
  description: '',
  expected: ['DS0029', 'DS0002'],
  minSeverity: 'high',
  incident: true,
  source: '161.97.94.113',
  sourceRange: '161.97.94.0/24',
  asn: 51167,
  asnOwner: 'Contabo GmbH',
  identity: 'svc-backup',
  window: { start: '2026-10-27T22:00:00.000000Z', end: '2026-10-27T23:00:00.000000Z' },
  records: [],
};
const hire: BenignLabel = {
  id: 'hire',
  kind: 'new-hire',
  description: '',
  maxSeverity: 'medium',
  source: '81.146.5.55',
  sourceRange: '81.146.5.0/24',
  identity: 'kim',
  window: { start: '2026-10-28T09:00:00.000000Z', end: '2026-10-28T10:00:00.000000Z' },
  records: [],
};
const labels: Labels = {
  version: 1,
  profile: 'realistic',
  scale: 0.5,
  seed: 4,
  days: 5,
  start: '2026-10-24T00:00:00.000000Z',
  end: '2026-10-29T00:00:00.000000Z',
  learningPeriod: '2d',
  learningPeriodMs: 2 * 86_400_000,
  learningEnd: '2026-10-26T00:00:00.000000Z',
  files: [],
  procedures: [attack],
  benign: [hire],
};

let offset = 0;
function alert(control: DataSource, rule: string, severity: Severity, time: string, evidence: Record<string, unknown>, asset = 'bastion-1:22'): Alert {
  return makeAlert({ rule, subTechnique: 'ssh-access', control, severity, title: 't', asset, location: { source: 'x', offset: offset++ }, time, evidence, remediation: '' });
}

describe('scoreAlerts: live days, severity required, benign events', () => {
  const low = alert('DS0029', 'new-source-range', 'low', '2026-10-27T22:01:00Z', { src: '161.97.94.7', range: '161.97.94.0/24' });
  const cred = alert('DS0002', 'unseen-credential', 'medium', '2026-10-27T22:40:00Z', { src: '161.97.94.113' }, 'svc-backup@bastion-1');
  const scanner = alert('DS0029', 'new-source-range', 'low', '2026-10-26T03:00:00Z', { src: '46.101.3.4' });
  const publicPost = alert('DS0029', 'new-source-range-write', 'critical', '2026-10-26T12:00:00Z', { src: '73.1.2.3' });
  const onHire = alert('DS0002', 'unseen-credential', 'high', '2026-10-28T09:05:00Z', { src: '81.146.5.55' }, 'kim@bastion-1');

  it('finds an attack only when every expected detector alerts and one alert reaches the required severity', () => {
    const below = scoreAlerts(labels, [low, cred]).procedures[0];
    expect(below).toMatchObject({ detectedBy: ['DS0002', 'DS0029'], missing: [], highest: 'medium', minSeverity: 'high', found: false });
    expect(below?.firstAlert).toMatchObject({ rule: 'new-source-range', severity: 'low', time: '2026-10-27T22:01:00Z' });
    const high = alert('DS0029', 'new-source-range-login', 'high', '2026-10-27T22:41:00Z', { range: '161.97.94.0/24' });
    expect(scoreAlerts(labels, [low, cred, high]).procedures[0]).toMatchObject({ highest: 'high', found: true });
    // At the severity but one detector short: not found.
    expect(scoreAlerts(labels, [high]).procedures[0]).toMatchObject({ missing: ['DS0002'], found: false });
  });

  it('counts alerts and false highs per live day; a high on a benign event is a false high', () => {
    const r = scoreAlerts(labels, [scanner, publicPost, low, cred, onHire]);
    expect(r.days.map((d) => [d.date, d.alerts, d.falseHighs, d.truePositives])).toEqual([
      ['2026-10-26', 2, 1, 0],
      ['2026-10-27', 2, 0, 2],
      ['2026-10-28', 1, 1, 0],
    ]);
    expect(r.days[0]?.bySeverity).toMatchObject({ low: 1, critical: 1, high: 0 });
    expect(r.summary).toMatchObject({ liveDays: 3, alertsPerDay: 5 / 3, falseHighsPerDay: 2 / 3, recallAtSeverity: 0, benignWithinLimit: 0 });
    expect(r.benign).toEqual([{ id: 'hire', kind: 'new-hire', maxSeverity: 'medium', alerts: 1, highest: 'high', withinLimit: false }]);
    expect(r.falsePositiveCount).toBe(3);
    // The most severe first.
    expect(r.falsePositives.map((f) => f.severity)).toEqual(['critical', 'high', 'low']);
  });

  it('keeps a benign event within its limit when nothing above it is raised', () => {
    const medium = alert('DS0002', 'unseen-credential', 'medium', '2026-10-28T09:05:00Z', { src: '81.146.5.55' }, 'kim@bastion-1');
    expect(scoreAlerts(labels, [medium]).benign[0]).toMatchObject({ alerts: 1, highest: 'medium', withinLimit: true });
    expect(scoreAlerts(labels, []).benign[0]).toMatchObject({ alerts: 0, highest: null, withinLimit: true });
  });

  it('lists the detectors of the detect registry, one row per data source, with their rule ids', () => {
    const r = scoreAlerts(labels, []);
    expect(r.detectors.map((d) => d.control).sort()).toEqual(['DS0002', 'DS0015', 'DS0029']);
    expect(r.detectors.find((d) => d.control === 'DS0015')?.rule.split(',')).toEqual(expect.arrayContaining(['rare-container-creation', 'unauthenticated-write']));
  });
});
