/**
 * `drawbridge evaluate DIR`: run detection over an emulated directory and score the alerts against
 * its labels.json — precision and recall per detector and for incidents.
 *
 * An alert is a true positive when it points at a planted procedure: its time lies within the
 * procedure's window (± a tolerance) and it names the procedure's source address or range, or its
 * identity. Every other alert is a false positive.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DrawbridgeConfig } from '../config/schema.js';
import { parseConfig } from '../config/load.js';
import type { Alert } from '../model/finding.js';
import type { DataSource } from '../model/technique.js';
import { DETECTORS as DETECTOR_RULES, type Labels, type ProcedureLabel } from '../emulate/labels.js';
import { runDetect } from './pipeline/index.js';
import { MemoryStateStore } from './state/memory.js';

/** Runs detection over files (paths as given) with a configuration; returns every alert raised. */
export type DetectRunner = (files: readonly string[], config: DrawbridgeConfig) => Promise<DetectOutcome>;

export interface DetectOutcome {
  alerts: Alert[];
  /** Records the decoders rejected (reported, not scored). */
  rejected?: number;
  events?: number;
}

export interface EvaluateOptions {
  /** Default: the detect engine with a fresh in-memory state (an evaluation never touches stateDir). */
  run?: DetectRunner;
  /** Slack around a procedure's window when matching alert times (default 5 minutes). */
  toleranceMs?: number;
}

export interface DetectorScore {
  control: string;
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

export interface ProcedureResult {
  id: string;
  subTechnique: string;
  expected: DataSource[];
  detectedBy: string[];
  missing: DataSource[];
  alerts: number;
  incidents: string[];
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
  seed: number;
  learningEnd: string;
  events?: number;
  rejected?: number;
  alerts: number;
  detectors: DetectorScore[];
  /** Present when alerts carry an `incident` field. */
  incidents?: IncidentScore;
  procedures: ProcedureResult[];
  /** Procedures with every expected detector alerting, over all procedures. */
  recall: number | null;
  /** True positives over all alerts. */
  precision: number | null;
  falsePositives: AlertSummary[];
}

const DEFAULT_TOLERANCE_MS = 5 * 60_000;

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

/** Every string inside an alert's evidence (nested), for matching addresses and identities. */
function strings(v: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > 6) return out;
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out, depth + 1);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) strings(x, out, depth + 1);
  return out;
}

/** Does `alert` point at `p`? Time window ± tolerance, and source address/range or identity named. */
export function alertMatches(alert: Alert, p: ProcedureLabel, toleranceMs = DEFAULT_TOLERANCE_MS): boolean {
  const t = Date.parse(alert.time);
  if (!Number.isFinite(t)) return false;
  if (t < Date.parse(p.window.start) - toleranceMs || t > Date.parse(p.window.end) + toleranceMs) return false;
  const said = strings(alert.evidence, new Set<string>([alert.asset]));
  if (said.has(p.source) || said.has(p.sourceRange)) return true;
  if (alert.title.includes(p.source) || alert.title.includes(p.sourceRange)) return true;
  if (p.identity !== undefined) {
    if (said.has(p.identity)) return true;
    // Detectors name identities as user@host.
    for (const s of said) if (s.startsWith(`${p.identity}@`)) return true;
  }
  return false;
}

/** Score alerts against labels (pure). */
export function scoreAlerts(labels: Labels, alerts: readonly Alert[], dir = '', toleranceMs = DEFAULT_TOLERANCE_MS): EvaluationReport {
  const matchOf = new Map<Alert, ProcedureLabel[]>();
  for (const a of alerts) matchOf.set(a, labels.procedures.filter((p) => alertMatches(a, p, toleranceMs)));

  const controls = new Map<string, string>(Object.entries(DETECTOR_RULES));
  for (const a of alerts) if (!controls.has(a.control)) controls.set(a.control, a.rule);
  const detectors: DetectorScore[] = [...controls].map(([control, rule]) => {
    const mine = alerts.filter((a) => a.control === control);
    const tp = mine.filter((a) => (matchOf.get(a) ?? []).length > 0).length;
    const expecting = labels.procedures.filter((p) => (p.expected as string[]).includes(control));
    const detected = expecting.filter((p) => mine.some((a) => (matchOf.get(a) ?? []).includes(p))).length;
    const rules = [...new Set(mine.map((a) => a.rule))];
    return {
      control,
      rule: rules.length > 0 ? rules.join(',') : rule,
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
    const mine = alerts.filter((a) => (matchOf.get(a) ?? []).includes(p));
    const detectedBy = [...new Set(mine.map((a) => a.control))].sort();
    return {
      id: p.id,
      subTechnique: p.subTechnique,
      expected: p.expected,
      detectedBy,
      missing: p.expected.filter((c) => !detectedBy.includes(c)),
      alerts: mine.length,
      incidents: [...new Set(mine.map((a) => a.incident).filter((i): i is string => i !== undefined))].sort(),
    };
  });

  let incidents: IncidentScore | undefined;
  if (alerts.some((a) => a.incident !== undefined)) {
    const byIncident = new Map<string, Alert[]>();
    for (const a of alerts) {
      if (a.incident === undefined) continue;
      byIncident.set(a.incident, [...(byIncident.get(a.incident) ?? []), a]);
    }
    const tp = [...byIncident.values()].filter((list) => list.some((a) => (matchOf.get(a) ?? []).length > 0)).length;
    const expecting = procedures.filter((r) => labels.procedures.find((p) => p.id === r.id)?.incident);
    const detected = expecting.filter((r) => r.incidents.length > 0).length;
    // Linked: every alert of the procedure carries an incident, and it is the same one.
    const linked = expecting.filter((r) => {
      const mine = alerts.filter((a) => (matchOf.get(a) ?? []).some((p) => p.id === r.id));
      return mine.length > 0 && mine.every((a) => a.incident !== undefined) && r.incidents.length === 1;
    }).length;
    incidents = {
      incidents: byIncident.size,
      truePositives: tp,
      falsePositives: byIncident.size - tp,
      expected: expecting.length,
      detected,
      linked,
      precision: ratio(tp, byIncident.size),
      recall: ratio(detected, expecting.length),
    };
  }

  const tpAll = alerts.filter((a) => (matchOf.get(a) ?? []).length > 0).length;
  const complete = procedures.filter((r) => r.missing.length === 0).length;
  const report: EvaluationReport = {
    dir,
    seed: labels.seed,
    learningEnd: labels.learningEnd,
    alerts: alerts.length,
    detectors,
    procedures,
    recall: ratio(complete, procedures.length),
    precision: ratio(tpAll, alerts.length),
    falsePositives: alerts
      .filter((a) => (matchOf.get(a) ?? []).length === 0)
      .map((a) => ({ id: a.id, rule: a.rule, control: a.control, severity: a.severity, time: a.time, title: a.title })),
  };
  if (incidents) report.incidents = incidents;
  return report;
}

/** The detect engine over the files, with fresh in-memory state and no dead-letter file. */
export const engineRunner: DetectRunner = async (files, config) => {
  const store = new MemoryStateStore();
  try {
    const r = await runDetect([...files], { config, store, deadLetter: false });
    return { alerts: r.alerts, rejected: r.stats.rejected, events: r.stats.events };
  } finally {
    store.close();
  }
};

export async function readLabels(dir: string): Promise<Labels> {
  const text = await readFile(join(dir, 'labels.json'), 'utf8');
  const v = JSON.parse(text) as Labels;
  if (v.version !== 1 || !Array.isArray(v.procedures) || !Array.isArray(v.files)) throw new Error(`${join(dir, 'labels.json')}: not a labels file of version 1`);
  return v;
}

/** Run detection over DIR (configured by DIR/drawbridge.yaml) and score it against DIR/labels.json. */
export async function evaluate(dir: string, opts: EvaluateOptions = {}): Promise<EvaluationReport> {
  const labels = await readLabels(dir);
  const configFile = join(dir, 'drawbridge.yaml');
  const config = parseConfig(await readFile(configFile, 'utf8'), configFile);
  const files = labels.files.map((f) => join(dir, f.path));
  const outcome = await (opts.run ?? engineRunner)(files, config);
  const report = scoreAlerts(labels, outcome.alerts, dir, opts.toleranceMs);
  if (outcome.events !== undefined) report.events = outcome.events;
  if (outcome.rejected !== undefined) report.rejected = outcome.rejected;
  return report;
}

function pct(v: number | null): string {
  return v === null ? '   —  ' : `${(v * 100).toFixed(1).padStart(5)}%`;
}

export function renderEvaluation(r: EvaluationReport): string {
  const out: string[] = [];
  out.push(`evaluation of ${r.dir} (seed ${r.seed}; learning ends ${r.learningEnd})`);
  if (r.events !== undefined) out.push(`${r.events} events, ${r.rejected ?? 0} rejected records, ${r.alerts} alerts`);
  else out.push(`${r.alerts} alerts`);
  out.push('');
  out.push('detector                              alerts   TP   FP  precision  recall');
  for (const d of r.detectors) {
    out.push(`${`${d.control} ${d.rule}`.padEnd(36)} ${String(d.alerts).padStart(6)} ${String(d.truePositives).padStart(4)} ${String(d.falsePositives).padStart(4)}    ${pct(d.precision)}  ${pct(d.recall)} (${d.detected}/${d.expected})`);
  }
  if (r.incidents) {
    const i = r.incidents;
    out.push(`${'incidents'.padEnd(36)} ${String(i.incidents).padStart(6)} ${String(i.truePositives).padStart(4)} ${String(i.falsePositives).padStart(4)}    ${pct(i.precision)}  ${pct(i.recall)} (${i.detected}/${i.expected}; ${i.linked} linked into one)`);
  } else {
    out.push('incidents: alerts carry no incident field');
  }
  out.push(`${'all'.padEnd(36)} ${String(r.alerts).padStart(6)}                ${pct(r.precision)}  ${pct(r.recall)} (procedures fully detected)`);
  out.push('');
  out.push('planted procedures:');
  for (const p of r.procedures) {
    const status = p.missing.length === 0 ? 'detected' : `MISSED ${p.missing.join(', ')}`;
    out.push(`  ${p.id.padEnd(42)} ${status.padEnd(24)} by ${p.detectedBy.join(', ') || '—'}${p.incidents.length > 0 ? `  incident ${p.incidents.join(', ')}` : ''}`);
  }
  if (r.falsePositives.length > 0) {
    out.push('');
    out.push(`false positives (${r.falsePositives.length}${r.falsePositives.length > 20 ? ', first 20' : ''}):`);
    for (const f of r.falsePositives.slice(0, 20)) out.push(`  ${f.time}  ${f.control} ${f.rule} [${f.severity}] ${f.title}`);
  }
  return out.join('\n') + '\n';
}
