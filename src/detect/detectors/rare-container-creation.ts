/**
 * DS0015 — Application Log: creation of containers (Kubernetes pods and the workload objects that
 * start them; Docker containers and services) by an identity that created fewer than
 * `detect.rareCreationThreshold` of them within the baseline (`detect.baselineExpiry`).
 *
 * Severity: medium; high or critical when the spec hands over the node (privileged, host
 * namespaces, sensitive hostPath mounts, dangerous capabilities — see privilegeLevel).
 *
 * One creation is often logged several times (a proxy's access log, its request-body log, the
 * engine's own events): it is counted once. A later record of it that shows privileged bits the
 * first did not raises a second alert referencing the first (alerts are immutable once emitted).
 * A record read again after a restart is not counted again.
 */
import type { ApiEvent } from '../../model/event.js';
import { alertText } from '../../catalog/texts.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { atLeast, SEVERITIES, type Severity } from '../../model/severity.js';
import { evidence, logLocation } from './common.js';
import { apiIdentity, apiTarget } from './identity.js';
import { readId, writeId } from './registers.js';
import type { Detector, EventContext } from './types.js';
import { apiSubTechnique, creationOf, privilegeSeverity, type Creation } from './workloads.js';
import type { StateView } from '../state/types.js';

export const CREATIONS_NS = 'ds0015.creations';
const RECORD_NS = 'ds0015.creation-record';
const ATTRIBUTED_NS = 'ds0015.creation-attributed';
const UNATTRIBUTED_NS = 'ds0015.creation-unattributed';
const ALERT_NS = 'ds0015.creation-alert';
const ALERT_SEVERITY_NS = 'ds0015.creation-alert-severity';

/** How long records of one creation are taken for duplicates of each other. */
export function duplicateWindow(ctx: EventContext): number {
  const d = ctx.env.config.detect;
  return Math.max(d.followWindow, 2 * d.outOfOrderness);
}

/** Claim the record (and the creation it logs) for counting; false when either was counted already. */
function firstRecord(ev: ApiEvent, c: Creation, state: StateView, hold: number): { count: boolean; duplicate: boolean } {
  const recordKey = `${ev.ref.source}@${ev.ref.offset}\u0000${c.key ?? c.name ?? ''}\u0000${ev.time}`;
  if (state.marked(RECORD_NS, recordKey, ev.time)) return { count: false, duplicate: false };
  state.mark(RECORD_NS, recordKey, ev.time, hold);
  if (c.key === undefined) return { count: true, duplicate: false };
  if (state.marked(ATTRIBUTED_NS, c.key, ev.time)) return { count: false, duplicate: true };
  if (!c.attributed) {
    // Engine events follow (or precede) the API request they record: count only what nobody else logged.
    if (state.marked(UNATTRIBUTED_NS, c.key, ev.time)) return { count: false, duplicate: false };
    state.mark(UNATTRIBUTED_NS, c.key, ev.time, hold);
    return { count: true, duplicate: false };
  }
  state.mark(ATTRIBUTED_NS, c.key, ev.time, hold);
  return { count: true, duplicate: false };
}

function alreadyAlertedAtLeast(state: StateView, key: string, severity: Severity, time: number): boolean {
  return SEVERITIES.some((s) => atLeast(s, severity) && state.marked(ALERT_SEVERITY_NS, `${key}\u0000${s}`, time));
}

export const rareContainerCreation: Detector = {
  id: 'rare-container-creation',
  control: 'DS0015',
  description: 'Container or workload creation by an identity that rarely creates them (privileged specs raise the severity)',
  handle(event, state, ctx): Alert[] {
    if (event.kind !== 'api') return [];
    const c = creationOf(event);
    if (!c) return [];
    const { config } = ctx.env;
    const hold = duplicateWindow(ctx);
    const claim = firstRecord(event, c, state, hold);
    const privileged = privilegeSeverity(event.privileged);
    const severity: Severity = privileged ?? 'medium';

    let prior: number | undefined;
    let firstAlert: string | undefined;
    const who = apiIdentity(event);
    if (claim.count) {
      prior = state.count(CREATIONS_NS, who.key, event.time, config.detect.baselineExpiry) - 1;
      if (ctx.learning || prior >= config.detect.rareCreationThreshold) return [];
    } else if (claim.duplicate && c.key !== undefined && privileged !== undefined) {
      // A second record of an alerted creation, showing more: worth a new alert only if it is worse.
      firstAlert = readId(state, ALERT_NS, c.key, 'DRA');
      if (ctx.learning || !state.marked(ALERT_NS, c.key, event.time) || firstAlert === undefined) return [];
      if (alreadyAlertedAtLeast(state, c.key, severity, event.time)) return [];
    } else return [];

    const target = apiTarget(event);
    const bits = event.privileged;
    const spec = bits === undefined ? 'privileged bits unknown: this record has no request body' : bits.length === 0 ? 'no privileged settings' : `privileged settings: ${bits.join(', ')}`;
    const what = `${c.kind}${c.name !== undefined ? ` ${c.name}` : ''}`;
    const alert = makeAlert({
      ...alertText(this.id, {
        vars: { who: who.label, what, target, spec, prior: prior === 0 ? 'no' : `only ${prior}`, creations: prior === 1 ? 'creation' : 'creations' },
        severity,
        subTechnique: apiSubTechnique(event),
        variant: { title: firstAlert !== undefined ? 'further-record' : 'first', remediation: event.service === 'kubernetes' ? 'kubernetes' : 'docker' },
      }),
      asset: `${who.label}@${target}`,
      location: logLocation(event),
      time: new Date(event.time).toISOString(),
      key: `${c.key ?? ''}\u0000${severity}`,
      evidence: evidence({
        actor: event.actor || undefined,
        user: who.user,
        src: event.src || undefined,
        service: event.service,
        target,
        verb: event.verb,
        resource: event.resource,
        kind: c.kind,
        namespace: event.namespace,
        name: event.name,
        privileged: bits?.join(','),
        privilegedKnown: bits !== undefined,
        priorCreations: prior,
        threshold: config.detect.rareCreationThreshold,
        status: event.status,
        userAgent: event.userAgent,
        impersonatedUser: event.impersonatedUser,
        groups: event.groups?.join(','),
        firstAlert,
        line: event.ref.line,
        raw: ctx.raw,
      }),
    });
    if (c.key !== undefined) {
      if (firstAlert === undefined) {
        writeId(state, ALERT_NS, c.key, alert.id);
        state.mark(ALERT_NS, c.key, event.time, hold);
      }
      state.mark(ALERT_SEVERITY_NS, `${c.key}\u0000${severity}`, event.time, hold);
    }
    return [alert];
  },
};
