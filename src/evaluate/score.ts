/**
 * Score a detection run's alerts against an emulation's labels.json (pure): precision and recall
 * per detector and for incidents, per live day the alerts and the false highs, per planted
 * procedure its first alert and whether it was found at its required severity, per benign event the
 * highest severity raised.
 *
 * A true positive is an alert that points at a planted procedure (match.ts). A false high is a high
 * or critical alert that points at none — alerts on benign events included.
 */
import { DETECTORS } from '../detect/detectors/index.js';
import type { BenignKind, Labels } from '../emulate/labels.js';
import type { Alert } from '../model/finding.js';
import { atLeast, SEVERITIES, severityRank, type Severity } from '../model/severity.js';
import type { DataSource } from '../model/technique.js';
import { DEFAULT_TOLERANCE_MS, viewMatches, viewOf } from './match.js';

export interface DetectorScore {
  control: string;
  /** Rule ids of the detectors for this data source (and of alerts raised under it). */
  rule: string;
  alerts: number;
  truePositives: number;
  falsePositives: number;
  /** Procedures that expect this detector, and how many of them it alerted on. */
  expected: number;
  detected: number;
  /** null when undefined (no alerts / nothing expected). */
  precision: number | null;
  recall: number | null;
}

export interface IncidentScore {
  incidents: number;
  truePositives: number;
  falsePositives: number;
  expected: number;
  detected: number;
  /** Procedures whose matched alerts all share one incident. */
  linked: number;
  precision: number | null;
  recall: number | null;
}

export interface AlertRef {
  id: string;
  rule: string;
  control: string;
  severity: Severity;
  time: string;
}

export interface ProcedureResult {
  id: string;
  subTechnique: string;
  expected: DataSource[];
  detectedBy: string[];
  missing: DataSource[];
  alerts: number;
  incidents: string[];
  /** The severity required (labels.json minSeverity), when the label sets one. */
  minSeverity?: Severity;
  firstAlert?: AlertRef;
  /** Highest severity among its alerts (null: none). */
  highest: Severity | null;
  /** Found by every expected detector, and at the required severity. */
  found: boolean;
}

export interface BenignResult {
  id: string;
  kind: BenignKind;
  maxSeverity: Severity;
  alerts: number;
  highest: Severity | null;
  /** No alert above maxSeverity. */
  withinLimit: boolean;
}

export interface DayReport {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  alerts: number;
  bySeverity: Record<Severity, number>;
  truePositives: number;
  /** High or critical alerts that point at no planted procedure. */
  falseHighs: number;
}

export interface AlertSummary {
  id: string;
  rule: string;
  control: string;
  severity: string;
  time: string;
  title: string;
}

export interface EvaluationReport {
  dir: string;
  profile: string;
  seed: number;
  scale?: number;
  learningEnd: string;
  events?: number;
  rejected?: number;
  alerts: number;
  detectors: DetectorScore[];
  /** Present when alerts carry an `incident` field. */
  incidents?: IncidentScore;
  procedures: ProcedureResult[];
  benign: BenignResult[];
  /** Live days (after the learning period), one entry per UTC day. */
  days: DayReport[];
  summary: {
    liveDays: number;
    alertsPerDay: number;
    falseHighsPerDay: number;
    /** Procedures found (every expected detector, required severity) over all procedures. */
    recallAtSeverity: number | null;
    benignWithinLimit: number;
  };
  /** Procedures with every expected detector alerting, over all procedures. */
  recall: number | null;
  /** True positives over all alerts. */
  precision: number | null;
  /** The first 200 false positives, high and critical first. */
  falsePositives: AlertSummary[];
  falsePositiveCount: number;
}

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

function higher(a: Severity | null, b: Severity): Severity {
  return a === null || severityRank(b) > severityRank(a) ? b : a;
}

function isHigh(s: Severity): boolean {
  return atLeast(s, 'high');
}

/** The one detector table: data source → detector ids, from the detect registry. */
export function detectorTable(): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const d of DETECTORS) table.set(d.control, [...(table.get(d.control) ?? []), d.id]);
  return table;
}

const MAX_LISTED = 200;

export function scoreAlerts(labels: Labels, alerts: readonly Alert[], dir = '', toleranceMs = DEFAULT_TOLERANCE_MS): EvaluationReport {
  const benignLabels = labels.benign ?? [];
  const views = alerts.map(viewOf);
  const matchOf = new Map<Alert, string[]>();
  const benignOf = new Map<string, Alert[]>();
  for (const v of views) {
    matchOf.set(v.alert, labels.procedures.filter((p) => viewMatches(v, p, toleranceMs)).map((p) => p.id));
    for (const b of benignLabels) if (viewMatches(v, b, toleranceMs)) benignOf.set(b.id, [...(benignOf.get(b.id) ?? []), v.alert]);
  }
  const matched = (a: Alert): boolean => (matchOf.get(a) ?? []).length > 0;

  const controls = detectorTable();
  for (const a of alerts) if (!controls.has(a.control)) controls.set(a.control, [a.rule]);
  const detectors: DetectorScore[] = [...controls].map(([control, rules]) => {
    const mine = alerts.filter((a) => a.control === control);
    const tp = mine.filter(matched).length;
    const expecting = labels.procedures.filter((p) => (p.expected as string[]).includes(control));
    const detected = expecting.filter((p) => mine.some((a) => (matchOf.get(a) ?? []).includes(p.id))).length;
    const raised = [...new Set(mine.map((a) => a.rule))];
    return {
      control,
      rule: [...new Set([...rules, ...raised])].join(','),
      alerts: mine.length,
      truePositives: tp,
      falsePositives: mine.length - tp,
      expected: expecting.length,
      detected,
      precision: ratio(tp, mine.length),
      recall: ratio(detected, expecting.length),
    };
  });

  const procedures: ProcedureResult[] = labels.procedures.map((p) => {
    const mine = alerts.filter((a) => (matchOf.get(a) ?? []).includes(p.id)).sort((x, y) => Date.parse(x.time) - Date.parse(y.time));
    const detectedBy = [...new Set(mine.map((a) => a.control))].sort();
    const missing = p.expected.filter((c) => !detectedBy.includes(c));
    const highest = mine.reduce<Severity | null>((h, a) => higher(h, a.severity), null);
    const first = mine[0];
    const r: ProcedureResult = {
      id: p.id,
      subTechnique: p.subTechnique,
      expected: p.expected,
      detectedBy,
      missing,
      alerts: mine.length,
      incidents: [...new Set(mine.map((a) => a.incident).filter((i): i is string => i !== undefined))].sort(),
      highest,
      found: missing.length === 0 && (p.minSeverity === undefined || (highest !== null && atLeast(highest, p.minSeverity))),
    };
    if (p.minSeverity !== undefined) r.minSeverity = p.minSeverity;
    if (first) r.firstAlert = { id: first.id, rule: first.rule, control: first.control, severity: first.severity, time: first.time };
    return r;
  });

  const benign: BenignResult[] = benignLabels.map((b) => {
    const mine = benignOf.get(b.id) ?? [];
    const highest = mine.reduce<Severity | null>((h, a) => higher(h, a.severity), null);
    return { id: b.id, kind: b.kind, maxSeverity: b.maxSeverity, alerts: mine.length, highest, withinLimit: highest === null || severityRank(highest) <= severityRank(b.maxSeverity) };
  });

  let incidents: IncidentScore | undefined;
  if (alerts.some((a) => a.incident !== undefined)) {
    const byIncident = new Map<string, Alert[]>();
    for (const a of alerts) {
      if (a.incident === undefined) continue;
      byIncident.set(a.incident, [...(byIncident.get(a.incident) ?? []), a]);
    }
    const tp = [...byIncident.values()].filter((list) => list.some(matched)).length;
    const expecting = procedures.filter((r) => labels.procedures.find((p) => p.id === r.id)?.incident);
    const detected = expecting.filter((r) => r.incidents.length > 0).length;
    // Linked: every alert of the procedure carries an incident, and it is the same one.
    const linked = expecting.filter((r) => {
      const mine = alerts.filter((a) => (matchOf.get(a) ?? []).includes(r.id));
      return mine.length > 0 && mine.every((a) => a.incident !== undefined) && r.incidents.length === 1;
    }).length;
    incidents = { incidents: byIncident.size, truePositives: tp, falsePositives: byIncident.size - tp, expected: expecting.length, detected, linked, precision: ratio(tp, byIncident.size), recall: ratio(detected, expecting.length) };
  }

  const days = liveDays(labels, alerts, matched);
  const tpAll = alerts.filter(matched).length;
  const complete = procedures.filter((r) => r.missing.length === 0).length;
  const falsePositives = alerts.filter((a) => !matched(a)).sort((x, y) => severityRank(y.severity) - severityRank(x.severity) || Date.parse(x.time) - Date.parse(y.time));
  const n = Math.max(1, days.length);
  const report: EvaluationReport = {
    dir,
    profile: labels.profile ?? 'basic',
    seed: labels.seed,
    learningEnd: labels.learningEnd,
    alerts: alerts.length,
    detectors,
    procedures,
    benign,
    days,
    summary: {
      liveDays: days.length,
      alertsPerDay: days.reduce((s, d) => s + d.alerts, 0) / n,
      falseHighsPerDay: days.reduce((s, d) => s + d.falseHighs, 0) / n,
      recallAtSeverity: ratio(procedures.filter((p) => p.found).length, procedures.length),
      benignWithinLimit: benign.filter((b) => b.withinLimit).length,
    },
    recall: ratio(complete, procedures.length),
    precision: ratio(tpAll, alerts.length),
    falsePositives: falsePositives.slice(0, MAX_LISTED).map((a) => ({ id: a.id, rule: a.rule, control: a.control, severity: a.severity, time: a.time, title: a.title })),
    falsePositiveCount: falsePositives.length,
  };
  if (labels.scale !== undefined) report.scale = labels.scale;
  if (incidents) report.incidents = incidents;
  return report;
}

/** One entry per UTC day from the end of the learning period to the end of the emulation. */
function liveDays(labels: Labels, alerts: readonly Alert[], matched: (a: Alert) => boolean): DayReport[] {
  const from = Date.parse(labels.learningEnd);
  const to = Date.parse(labels.end);
  const days: DayReport[] = [];
  const index = new Map<string, DayReport>();
  if (!Number.isFinite(from) || !Number.isFinite(to)) return days;
  for (let t = Math.floor(from / 86_400_000) * 86_400_000; t < to; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const d: DayReport = { date, alerts: 0, bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>, truePositives: 0, falseHighs: 0 };
    days.push(d);
    index.set(date, d);
  }
  for (const a of alerts) {
    const t = Date.parse(a.time);
    if (!Number.isFinite(t)) continue;
    const d = index.get(new Date(t).toISOString().slice(0, 10));
    if (!d) continue;
    d.alerts++;
    d.bySeverity[a.severity]++;
    if (matched(a)) d.truePositives++;
    else if (isHigh(a.severity)) d.falseHighs++;
  }
  return days;
}
