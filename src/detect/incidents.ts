/**
 * The intrusion chain of AT-GA003: a connection from a new range (DS0029) → an unseen credential
 * (DS0002) or an unauthenticated write → a rare or privileged container creation (DS0015). Alerts
 * of one intruder are linked into one incident:
 *
 * - by source: alerts naming a source in the same range (the exact address for internal sources,
 *   which many machines share) within detect.incidentWindow of the incident's previous alert there;
 * - by identity, forward only: a credential or creation alert binds its user to the incident, and
 *   later credential/creation alerts by that user join it — so the chain follows the intruder from
 *   the network into the account it became, but a lone connection never joins an account's incident.
 *
 * The link state (which incident a source or user is part of, open until the window closes) lives
 * in the StateStore and commits with the alerts, so a restarted run continues the same incidents.
 * The incident id is derived from the first alert's id ("INC-" + hash), so it is deterministic.
 * linkIncident is the per-alert transition; buildIncidents summarises alerts into incidents.
 */
import { stableId, type Alert } from '../model/finding.js';
import { bump, maxSeverity, severityRank, type Severity } from '../model/severity.js';
import type { Control, SubTechnique } from '../model/technique.js';
import { isIp, networkOf } from '../intel/ranges.js';
import type { DetectEnv } from './detectors/types.js';
import { readId, writeId } from './detectors/registers.js';
import type { StateView } from './state/types.js';

export type ChainStage = 'access' | 'credential' | 'creation' | 'related';

const RANK: Record<ChainStage, number> = { access: 1, credential: 2, creation: 3, related: 3 };

const STAGE_OF_RULE: Readonly<Record<string, ChainStage>> = {
  'new-source-range': 'access',
  'new-source-range-write': 'access',
  'unseen-credential': 'credential',
  'unauthenticated-write': 'credential',
  'rare-container-creation': 'creation',
  'rare-container-exec': 'related',
  'login-after-failures': 'credential',
};

const STAGE_OF_CONTROL: Partial<Record<Control, ChainStage>> = { DS0029: 'access', DS0002: 'credential', DS0015: 'creation' };

/** Users that name no one: never a link between alerts. */
const NOBODY = new Set(['', '-', 'system:anonymous', 'system:unauthenticated']);

export const INCIDENT_OPEN_NS = 'incident.open';
const INCIDENT_LINK_NS = 'incident.link';

export function stageOf(alert: Pick<Alert, 'rule' | 'control'>): ChainStage {
  return STAGE_OF_RULE[alert.rule] ?? STAGE_OF_CONTROL[alert.control] ?? 'related';
}

export function incidentIdFor(firstAlertId: string): string {
  return stableId('INC', [firstAlertId]);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The keys an alert links by: its source network and, past the access stage, its user. */
export function linkKeys(alert: Alert, env: DetectEnv): { source?: string; identity?: string } {
  const out: { source?: string; identity?: string } = {};
  const src = text(alert.evidence.src);
  if (src !== undefined && isIp(src)) {
    if (env.internal.contains(src)) out.source = `ip:${src}`;
    else {
      const net = networkOf(src, env.config.detect.sourcePrefixV4, env.config.detect.sourcePrefixV6);
      if (net !== undefined) out.source = `net:${net}`;
    }
  }
  const user = text(alert.evidence.user);
  if (user !== undefined && !NOBODY.has(user) && RANK[stageOf(alert)] >= RANK.credential) out.identity = `user:${user}`;
  return out;
}

/**
 * Give `alert` its incident (sets alert.incident and returns it): the open incident of its source,
 * else of its user, else a new one named after this alert. Then keep its keys open for the window.
 */
export function linkIncident(alert: Alert, state: StateView, env: DetectEnv): string {
  const time = Date.parse(alert.time);
  const keys = linkKeys(alert, env);
  const candidates = [keys.source, keys.identity].filter((k): k is string => k !== undefined);
  let incident: string | undefined;
  if (Number.isFinite(time)) {
    for (const k of candidates) {
      if (!state.marked(INCIDENT_OPEN_NS, k, time)) continue;
      incident = readId(state, INCIDENT_LINK_NS, k, 'INC');
      if (incident !== undefined) break;
    }
  }
  incident ??= incidentIdFor(alert.id);
  if (Number.isFinite(time)) {
    for (const k of candidates) {
      state.mark(INCIDENT_OPEN_NS, k, time, env.config.detect.incidentWindow);
      writeId(state, INCIDENT_LINK_NS, k, incident);
    }
  }
  alert.incident = incident;
  return incident;
}

export interface IncidentStep {
  alert: string;
  time: string;
  rule: string;
  control: Control;
  severity: Severity;
  stage: ChainStage;
  title: string;
}

export interface Incident {
  id: string;
  /** The highest alert severity, one step higher when the full chain is present. */
  severity: Severity;
  /** access → credential → creation, in that order in time. */
  fullChain: boolean;
  stages: ChainStage[];
  title: string;
  start: string;
  end: string;
  /** Source addresses named by the alerts. */
  sources: string[];
  /** Users the credential and creation steps name. */
  users: string[];
  subTechniques: SubTechnique[];
  /** Alerts in time order (then chain order). */
  timeline: IncidentStep[];
}

const STAGE_ORDER: ChainStage[] = ['access', 'credential', 'creation', 'related'];

function hasFullChain(steps: readonly IncidentStep[]): boolean {
  const first = (s: ChainStage): number | undefined => {
    const hit = steps.find((x) => x.stage === s);
    return hit ? Date.parse(hit.time) : undefined;
  };
  const a = first('access');
  if (a === undefined) return false;
  // The first credential step at or after the first access, then a creation at or after that.
  const c = steps.find((x) => x.stage === 'credential' && Date.parse(x.time) >= a);
  if (!c) return false;
  const tc = Date.parse(c.time);
  return steps.some((x) => x.stage === 'creation' && Date.parse(x.time) >= tc);
}

/** Summarise alerts carrying an incident id into incidents (pure; alerts without one are ignored). */
export function buildIncidents(alerts: readonly Alert[]): Incident[] {
  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    if (a.incident === undefined) continue;
    const list = groups.get(a.incident);
    if (list) list.push(a);
    else groups.set(a.incident, [a]);
  }
  const out: Incident[] = [];
  for (const [id, list] of groups) {
    const steps: IncidentStep[] = list
      .map((a) => ({ alert: a.id, time: a.time, rule: a.rule, control: a.control, severity: a.severity, stage: stageOf(a), title: a.title }))
      .sort((x, y) => Date.parse(x.time) - Date.parse(y.time) || RANK[x.stage] - RANK[y.stage] || x.alert.localeCompare(y.alert));
    const full = hasFullChain(steps);
    let severity: Severity = steps.reduce<Severity>((m, s) => maxSeverity(m, s.severity), 'info');
    if (full) severity = bump(severity, 1);
    const stages = STAGE_ORDER.filter((s) => steps.some((x) => x.stage === s));
    const sources = [...new Set(list.map((a) => text(a.evidence.src)).filter((s): s is string => s !== undefined))].sort();
    // Users the intruder acted as: named by credential and later steps (a connection names only what was tried).
    const acting = list.filter((a) => RANK[stageOf(a)] >= RANK.credential);
    const users = [...new Set(acting.map((a) => text(a.evidence.user)).filter((s): s is string => s !== undefined))].sort();
    out.push({
      id,
      severity,
      fullChain: full,
      stages,
      title: `${full ? 'Intrusion chain' : 'Activity'} from ${sources.join(', ') || 'an unknown source'}${users.length > 0 ? ` as ${users.join(', ')}` : ''}: ${stages.join(' → ')}`,
      start: steps[0]!.time,
      end: steps[steps.length - 1]!.time,
      sources,
      users,
      subTechniques: [...new Set(list.map((a) => a.subTechnique))].sort(),
      timeline: steps,
    });
  }
  return out.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
}
