/**
 * DS0015 — Application Log: creation of containers (Kubernetes pods and the workload objects that
 * start them; Docker containers and services) that is rare for its creator, judged per kind of
 * creation. Each identity has a baseline (within `detect.baselineExpiry`) for
 *   - any creation;
 *   - each privileged trait: privileged, hostPID, hostIPC, hostNetwork, a sensitive hostPath,
 *     added capabilities, the Docker/containerd socket;
 *   - creation in kube-system;
 * and a creation from a network that is neither the organisation's nor the identity's usual one is
 * rare as well. A kind with fewer than `detect.rareCreationThreshold` earlier creations is rare: a CI
 * identity that creates pods all day still alerts on its first privileged pod.
 *
 * Severity: the worst of the rare kinds — any: medium; a privileged trait: high or critical by what it
 * hands over (privilegeLevel); kube-system: high; an unusual network: medium, high from a hosting ASN.
 *
 * One creation is often logged several times (a proxy's access log, its request-body log, the
 * engine's own events): it is counted once. A later record of it that shows privileged bits the
 * first did not raises a second alert referencing the first (alerts are immutable once emitted).
 * A record read again after a restart is not counted again.
 */
import type { ApiEvent } from '../../model/event.js';
import { alertText } from '../../catalog/texts.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { atLeast, maxSeverity, SEVERITIES, type Severity } from '../../model/severity.js';
import { networkStanding, trusted, type NetworkStanding } from '../../organisation/networks.js';
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

/** The kinds a creation belongs to besides "any": its privileged traits and kube-system. */
export function creationKinds(ev: ApiEvent): string[] {
  const kinds = new Set<string>();
  for (const bit of ev.privileged ?? []) {
    if (bit === 'privileged' || bit === 'hostPID' || bit === 'hostIPC' || bit === 'hostNetwork') kinds.add(bit);
    else if (bit.startsWith('hostPath:')) kinds.add(/(docker|containerd|crio)\.sock$/.test(bit) ? 'docker.sock' : 'hostPath');
    else if (bit.startsWith('cap:')) kinds.add('capabilities');
  }
  if (ev.namespace === 'kube-system') kinds.add('kube-system');
  return [...kinds].sort();
}

function kindSeverity(kind: string, ev: ApiEvent, standing: NetworkStanding | undefined): Severity {
  if (kind === 'any') return 'medium';
  if (kind === 'kube-system') return 'high';
  if (kind === 'network') return standing?.standing === 'hosting' ? 'high' : 'medium';
  return privilegeSeverity(ev.privileged) ?? 'high';
}

const KIND_WORDS: Record<string, string> = { any: 'creation', 'kube-system': 'creation in kube-system', network: 'creation from this network', 'docker.sock': 'container-runtime socket mount', hostPath: 'sensitive hostPath mount', capabilities: 'added capability' };

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
    let severity: Severity = privileged ?? 'medium';

    let prior: number | undefined;
    let firstAlert: string | undefined;
    const rare: { kind: string; prior: number }[] = [];
    const who = apiIdentity(event);
    if (claim.count) {
      const window = config.detect.baselineExpiry;
      const threshold = config.detect.rareCreationThreshold;
      prior = state.count(CREATIONS_NS, who.key, event.time, window) - 1;
      if (prior < threshold) rare.push({ kind: 'any', prior });
      for (const kind of creationKinds(event)) {
        const p = state.count(CREATIONS_NS, `${who.key}\u0000${kind}`, event.time, window) - 1;
        if (p < threshold) rare.push({ kind, prior: p });
      }
      let standing: NetworkStanding | undefined;
      if (who.user !== undefined && event.src !== '') {
        standing = networkStanding(event.src, who.user, event.time, state, ctx.env);
        if (!trusted(standing)) rare.push({ kind: 'network', prior: 0 });
      }
      if (ctx.learning || rare.length === 0) return [];
      severity = rare.map((r) => kindSeverity(r.kind, event, standing)).reduce(maxSeverity);
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
        vars: { who: who.label, what, target, spec, rare: rare.map((r) => (r.kind === 'network' ? 'first creation from this network' : `${r.prior === 0 ? 'first' : `only ${r.prior} earlier`} ${KIND_WORDS[r.kind] ?? `${r.kind} creation`}${r.prior === 0 ? '' : 's'}`)).join(', ') },
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
        rareKinds: rare.map((r) => r.kind).join(',') || undefined,
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
