/**
 * Does an alert point at a labelled event? Its time lies within the event's window (± a tolerance)
 * and it names the event's source address or range, or its identity.
 */
import type { Alert } from '../model/finding.js';

export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

/** What the matcher needs of a procedure or benign label. */
export interface Matchable {
  source: string;
  sourceRange: string;
  identity?: string;
  window: { start: string; end: string };
}

/** Every string inside an alert's evidence (nested), for matching addresses and identities. */
function strings(v: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > 6) return out;
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out, depth + 1);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) strings(x, out, depth + 1);
  return out;
}

/** An alert's time and the strings it names, read once and matched against many labels. */
export interface AlertView {
  alert: Alert;
  time: number;
  said: Set<string>;
}

export function viewOf(alert: Alert): AlertView {
  return { alert, time: Date.parse(alert.time), said: strings(alert.evidence, new Set<string>([alert.asset])) };
}

export function viewMatches(v: AlertView, p: Matchable, toleranceMs = DEFAULT_TOLERANCE_MS): boolean {
  if (!Number.isFinite(v.time)) return false;
  if (v.time < Date.parse(p.window.start) - toleranceMs || v.time > Date.parse(p.window.end) + toleranceMs) return false;
  const { said, alert } = v;
  if (said.has(p.source) || said.has(p.sourceRange)) return true;
  if (alert.title.includes(p.source) || alert.title.includes(p.sourceRange)) return true;
  if (p.identity !== undefined) {
    if (said.has(p.identity)) return true;
    // Detectors name identities as user@host.
    for (const s of said) if (s.startsWith(`${p.identity}@`)) return true;
  }
  return false;
}

export function alertMatches(alert: Alert, p: Matchable, toleranceMs = DEFAULT_TOLERANCE_MS): boolean {
  return viewMatches(viewOf(alert), p, toleranceMs);
}
