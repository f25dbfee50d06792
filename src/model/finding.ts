import { createHash } from 'node:crypto';
import type { Severity } from './severity.js';
import { TECHNIQUE, type Control, type SubTechnique } from './technique.js';

/** Where a finding or alert was seen: a config line, a probed endpoint or a log record. */
export type FileLocation = { file: string; line: number; column?: number };
export type HostLocation = { host: string; port: number };
export type LogLocation = {
  source: string;
  offset: number;
  time?: string;
  /**
   * Fingerprint of the normalised record: the same record read from a file, stdin, syslog or the ingest
   * API has the same one, and so its alerts have the same ids.
   */
  record?: string;
};
export type Location = FileLocation | HostLocation | LogLocation;

/**
 * One shape for audit/probe findings and detect alerts (DESIGN.md "Contracts").
 * `id` is deterministic: the same input always yields the same id.
 */
export interface Finding {
  id: string;
  rule: string;
  technique: typeof TECHNIQUE;
  subTechnique: SubTechnique;
  control: Control;
  severity: Severity;
  title: string;
  /** The thing at risk: a host, a config file's service, a cluster, an identity. */
  asset: string;
  location: Location;
  /** What was seen, as plain data (safe to serialise). */
  evidence: Record<string, unknown>;
  /** Longer explanation of why this matters. */
  explanation?: string;
  /** A concrete fix: the lines to write. */
  remediation: string;
  /** Set when the verdict is not certain (e.g. a distribution may have backported a fix). */
  confidence?: 'confirmed' | 'possible';
}

/** A detect alert is a finding over log records; it may also carry an incident id. */
export interface Alert extends Finding {
  location: LogLocation;
  time: string;
  incident?: string;
}

export type FindingInput = Omit<Finding, 'id' | 'technique'> & {
  /** Extra material for the id when rule+asset+location are not unique on their own. */
  key?: string;
};

export function stableId(prefix: string, parts: readonly unknown[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(typeof p === 'string' ? p : JSON.stringify(p));
    h.update('\u0000');
  }
  return `${prefix}-${h.digest('hex').slice(0, 16)}`;
}

export function makeFinding(input: FindingInput): Finding {
  // A spread of an existing finding may carry an old id: it never survives.
  const { key, id: _oldId, technique: _t, ...rest } = input as FindingInput & Partial<Finding>;
  const id = stableId('DRB', [input.rule, input.asset, locationKey(input.location), key ?? '']);
  return { id, technique: TECHNIQUE, ...rest };
}

export function makeAlert(input: Omit<Alert, 'id' | 'technique'> & { key?: string }): Alert {
  const { key, id: _oldId, technique: _t, ...rest } = input as Omit<Alert, 'id' | 'technique'> & { key?: string } & Partial<Alert>;
  const id = stableId('DRA', [input.rule, input.asset, alertRecordKey(input.location), key ?? '']);
  return { id, technique: TECHNIQUE, ...rest };
}

/** What identifies an alert's record in its id: its fingerprint when known, else where it was read. */
function alertRecordKey(l: LogLocation): string {
  return l.record !== undefined ? `${l.time ?? ''}#${l.record}` : locationKey(l);
}

export function locationKey(l: Location): string {
  if ('file' in l) return `${l.file}:${l.line}`;
  if ('host' in l) return `${l.host}:${l.port}`;
  return `${l.source}@${l.offset}`;
}

export function isFileLocation(l: Location): l is FileLocation {
  return 'file' in l;
}
export function isHostLocation(l: Location): l is HostLocation {
  return 'host' in l;
}

// Collators built once: localeCompare with options builds one per call, which dominates large sorts.
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];
const LOCATION_COLLATOR = new Intl.Collator('en', { numeric: true });
const TEXT_COLLATOR = new Intl.Collator();

/** Stable order for output: severity desc, then location, then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    LOCATION_COLLATOR.compare(locationKey(a.location), locationKey(b.location)) ||
    TEXT_COLLATOR.compare(a.rule, b.rule) ||
    TEXT_COLLATOR.compare(a.id, b.id)
  );
}
