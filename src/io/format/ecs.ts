/**
 * Elastic Common Schema 8.x alert documents (one per alert, for an Elasticsearch index or a Beats/Agent
 * pipeline). The mapping:
 *
 * | ECS field                      | from                                                          |
 * |--------------------------------|---------------------------------------------------------------|
 * | @timestamp                     | alert.time (event time); a finding without one: render time   |
 * | ecs.version                    | ECS_VERSION                                                    |
 * | message, event.reason          | title                                                         |
 * | event.kind                     | "alert"                                                       |
 * | event.category                 | control: DS0002 → authentication; DS0029 → network; DS0015 → api; |
 * |                                | mitigations (audit/probe findings) → configuration; always plus intrusion_detection |
 * | event.type                     | ["info"] (allowed for every category above)                   |
 * | event.severity                 | 1 info … 5 critical (the OCSF severity_id scale)              |
 * | event.risk_score               | 0 / 21 / 47 / 73 / 99 (Elastic detection rules' defaults per severity) |
 * | event.id                       | id (deterministic; use it as the document _id to dedupe)      |
 * | event.provider / event.dataset | "drawbridge" / "drawbridge.alert" (or "drawbridge.finding")  |
 * | rule.id / rule.name            | rule                                                          |
 * | rule.description               | explanation                                                   |
 * | rule.category                  | sub-technique name                                            |
 * | rule.ruleset                   | "drawbridge"                                                  |
 * | threat.framework               | "Application Attack Matrix" (the matrix TECHNIQUE.md cites)   |
 * | threat.tactic.name             | "Gain Access"                                                 |
 * | threat.technique.id / .name    | AT-GA003 / External Remote Services                           |
 * | threat.technique.subtechnique  | sub-technique id and name                                     |
 * | source.ip / source.port        | evidence.src / evidence.srcPort (only a valid IP literal)     |
 * | source.as.number / .organization.name | evidence.asn / evidence.asOrg                        |
 * | user.name                      | evidence.user                                                 |
 * | destination.address / .port    | evidence.host / evidence.port                                 |
 * | log.file.path, log.offset      | location.source / location.offset (log records)               |
 * | drawbridge.*                   | everything else: asset, control (+ name), severity label,     |
 * |                                | remediation, confidence, incident, location, evidence (whole) |
 */
import type { Finding } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { SUB_TECHNIQUES, TECHNIQUE, TECHNIQUE_NAME, controlName, type Control } from '../../model/technique.js';
import { isIp } from '../../intel/ranges.js';

export const ECS_VERSION = '8.11.0';
export const ECS_THREAT_FRAMEWORK = 'Application Attack Matrix';
const TACTIC = 'Gain Access';

const SEVERITY_NUMBER: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const RISK_SCORE: Record<Severity, number> = { info: 0, low: 21, medium: 47, high: 73, critical: 99 };

/** ECS event.category values (from the ECS allowed-values list) for each control. */
export function ecsCategories(control: Control): string[] {
  switch (control) {
    case 'DS0002':
      return ['authentication', 'intrusion_detection'];
    case 'DS0029':
      return ['network', 'intrusion_detection'];
    case 'DS0015':
      return ['api', 'intrusion_detection'];
    default:
      return ['configuration', 'intrusion_detection'];
  }
}

function nonEmptyText(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function port(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** Drop undefined members so the document carries only what is known. */
function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** One ECS document for a finding or alert. `now` stands in for @timestamp when the item has no time. */
export function toEcsDocument(f: Finding, now: number): Record<string, unknown> {
  const isAlert = 'time' in f && typeof f.time === 'string';
  const time = isAlert ? (f as { time: string }).time : new Date(now).toISOString();
  const ev = f.evidence;
  const loc = f.location;
  const src = nonEmptyText(ev.src);
  const doc: Record<string, unknown> = {
    '@timestamp': time,
    ecs: { version: ECS_VERSION },
    message: f.title,
    event: {
      kind: 'alert',
      category: ecsCategories(f.control),
      type: ['info'],
      severity: SEVERITY_NUMBER[f.severity],
      risk_score: RISK_SCORE[f.severity],
      id: f.id,
      provider: 'drawbridge',
      dataset: isAlert ? 'drawbridge.alert' : 'drawbridge.finding',
      reason: f.title,
    },
    rule: compact({
      id: f.rule,
      name: f.rule,
      description: f.explanation,
      category: SUB_TECHNIQUES[f.subTechnique],
      ruleset: 'drawbridge',
    }),
    threat: {
      framework: ECS_THREAT_FRAMEWORK,
      tactic: { name: [TACTIC] },
      technique: {
        id: [TECHNIQUE],
        name: [TECHNIQUE_NAME],
        subtechnique: { id: [f.subTechnique], name: [SUB_TECHNIQUES[f.subTechnique]] },
      },
    },
    drawbridge: compact({
      asset: f.asset,
      severity: f.severity,
      control: f.control,
      control_name: controlName(f.control),
      remediation: f.remediation,
      confidence: f.confidence,
      incident: (f as { incident?: string }).incident,
      location: loc,
      evidence: ev,
    }),
  };
  if (src && isIp(src)) {
    doc.source = compact({
      ip: src,
      port: port(ev.srcPort),
      as: ev.asn !== undefined || ev.asOrg !== undefined ? compact({ number: typeof ev.asn === 'number' ? ev.asn : undefined, organization: nonEmptyText(ev.asOrg) ? { name: ev.asOrg } : undefined }) : undefined,
    });
  }
  const user = nonEmptyText(ev.user);
  if (user) doc.user = { name: user };
  const dst = nonEmptyText(ev.host);
  if (dst) doc.destination = compact({ address: dst, port: port(ev.port) });
  if ('source' in loc) doc.log = { file: { path: loc.source }, offset: loc.offset };
  return doc;
}

export function toEcs(items: readonly Finding[], now = Date.now()): string {
  return items.map((f) => JSON.stringify(toEcsDocument(f, now))).join('\n') + (items.length ? '\n' : '');
}
