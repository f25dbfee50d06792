/**
 * DS0029 — Network Traffic Flow: an accepted inbound connection to a management port from a source
 * range (/24 v4, /48 v6 by default) never seen for that destination host+port. For sshd logs every
 * line showing a peer is such a connection (the log is written by the service on the port).
 * Allow-listed ranges never alert.
 *
 * Severity (what the connection led to, within detect.followWindow, from the same source range):
 *
 *   | seen with or after the connection                          | severity |
 *   |------------------------------------------------------------|----------|
 *   | nothing (a scan, a refused login)                           | low      |
 *   | an accepted login or authenticated API request              | medium   |
 *   | a write: HTTP POST/PUT/PATCH/DELETE, Kubernetes create/     | high     |
 *   |   update/patch, Docker API POST                             |          |
 *   | … and the source is outside the organisation's ranges/ASNs  | +1       |
 *   | source in an internal range                                 | −1       |
 *
 * The foreign-ASN step applies only to a login or a write: every Internet scanner is foreign, and
 * a scan alone stays low. Records arrive in either order: a login or write seen first leaves a mark
 * (TTL followWindow) and the connection's alert is raised at the higher level at once; a write seen
 * after the connection was alerted raises `new-source-range-write`, which names the first alert
 * (alerts are immutable once emitted).
 */
import type { DrawbridgeEvent } from '../../model/event.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { bump, type Severity } from '../../model/severity.js';
import { SUB_TECHNIQUES, type SubTechnique } from '../../model/technique.js';
import { isIp, networkOf } from '../../intel/ranges.js';
import { SSH_DEFAULT_PORT } from '../decoders/sshd-messages.js';
import type { StateView } from '../state/types.js';
import { authHost, authSubTechnique, evidence, logLocation, sourceOrigin } from './common.js';
import { readId, readNumber, writeId, writeNumber } from './registers.js';
import type { DetectEnv, Detector, EventContext } from './types.js';
import { apiSubTechnique, isAuthenticatedRequest, isWrite } from './workloads.js';

export const NEW_SOURCE_RANGE_NS = 'ds0029.range';
/** Marks (TTL followWindow) per source range: a write / a login was seen from it. */
export const FOLLOW_WRITE_NS = 'ds0029.follow-write';
export const FOLLOW_LOGIN_NS = 'ds0029.follow-login';
/** Mark + registers per source range: the last connection alert, open for escalation. */
const ALERTED_NS = 'ds0029.alerted';
const ESCALATED_NS = 'ds0029.escalated';
export const ESCALATION_RULE = 'new-source-range-write';
const SUB_TECHNIQUE_IDS = Object.keys(SUB_TECHNIQUES) as SubTechnique[];

interface Connection {
  src: string;
  host: string;
  port: number;
  subTechnique: SubTechnique;
  service: string;
  /** A login succeeded on this connection (worse than a bare connection). */
  login: boolean;
  user?: string;
}

function connectionOf(ev: DrawbridgeEvent, env: DetectEnv): Connection | undefined {
  if (ev.kind === 'flow') {
    if (ev.action !== 'accept' || ev.direction === 'outbound') return undefined;
    const services = env.managementPorts.get(ev.dstPort);
    if (!services || services.length === 0) return undefined;
    const svc = services[0]!;
    return { src: ev.src, host: ev.dst, port: ev.dstPort, subTechnique: svc.subTechnique, service: services.map((s) => s.id).join('|'), login: false };
  }
  if (ev.kind === 'auth' && ev.service === 'ssh') {
    return { src: ev.src, host: authHost(ev), port: ev.dstPort ?? SSH_DEFAULT_PORT, subTechnique: authSubTechnique(ev), service: 'ssh', login: ev.success, user: ev.user };
  }
  return undefined;
}

function rangeOf(src: string, env: DetectEnv): string | undefined {
  if (!isIp(src) || env.allowed.contains(src)) return undefined;
  return networkOf(src, env.config.detect.sourcePrefixV4, env.config.detect.sourcePrefixV6);
}

/** The table above. */
export function connectionSeverity(f: { login: boolean; write: boolean; foreign: boolean; internal: boolean }): Severity {
  let s: Severity = f.write ? 'high' : f.login ? 'medium' : 'low';
  if ((f.login || f.write) && f.foreign) s = bump(s, 1);
  if (f.internal) s = bump(s, -1);
  return s;
}

/** Logins and writes leave marks; a write after an alerted connection escalates it. */
function follow(ev: DrawbridgeEvent, state: StateView, ctx: EventContext, range: string): Alert[] {
  const { env } = ctx;
  const ttl = env.config.detect.followWindow;
  if (isAuthenticatedRequest(ev)) state.mark(FOLLOW_LOGIN_NS, range, ev.time, ttl);
  if (!isWrite(ev)) return [];
  state.mark(FOLLOW_WRITE_NS, range, ev.time, ttl);
  if (ctx.learning || !state.marked(ALERTED_NS, range, ev.time)) return [];
  const first = readId(state, ALERTED_NS, range, 'DRA');
  if (first === undefined || state.marked(ESCALATED_NS, first, ev.time)) return [];
  state.mark(ESCALATED_NS, first, ev.time, ttl);
  const origin = sourceOrigin(ev.src, env);
  const login = state.marked(FOLLOW_LOGIN_NS, range, ev.time);
  const severity = connectionSeverity({ login, write: true, foreign: origin.foreign, internal: origin.internal });
  const sub = SUB_TECHNIQUE_IDS[readNumber(state, ALERTED_NS, `${range}\u0000sub`) ?? -1] ?? apiSubTechnique(ev);
  const target = ev.dst !== undefined ? `${ev.dst}${ev.dstPort !== undefined ? `:${ev.dstPort}` : ''}` : (ev.observer ?? ev.host ?? ev.service);
  const request = `${ev.method ?? ev.verb} ${ev.service === 'kubernetes' ? `${ev.resource}${ev.subresource ? `/${ev.subresource}` : ''}` : ev.resource}`;
  return [
    makeAlert({
      rule: ESCALATION_RULE,
      subTechnique: sub,
      control: 'DS0029',
      severity,
      title: `Write (${request}) to ${target} from ${range}, within ${Math.round(ttl / 60_000)} min of a first connection from that range (escalates ${first})`,
      asset: target,
      location: logLocation(ev),
      time: new Date(ev.time).toISOString(),
      key: first,
      evidence: evidence({
        firstAlert: first,
        src: ev.src,
        range,
        service: ev.service,
        method: ev.method,
        verb: ev.verb,
        resource: ev.resource,
        name: ev.name,
        actor: ev.actor && ev.actor !== '-' ? ev.actor : undefined,
        status: ev.status,
        login,
        internalSource: origin.internal,
        foreignSource: origin.foreign,
        asn: origin.asn?.asn,
        asOrg: origin.asn?.org,
        line: ev.ref.line,
        raw: ctx.raw,
      }),
      explanation:
        'A source range that had just connected to a management service for the first time went on to change something through it. ' +
        'Scanners connect and leave; an intruder using an exposed interface or a stolen credential writes — creates routes, plugins, ' +
        'containers or pods — within minutes.',
      remediation:
        `Review what ${range} changed (the request above and those around it) and undo what is not yours. Restrict the management ` +
        'interface to VPN or allow-listed ranges (M1037) and require authentication on it.',
    }),
  ];
}

export const newSourceRange: Detector = {
  id: 'new-source-range',
  control: 'DS0029',
  description: 'Inbound connection to a management port from a source range never seen for that host and port',
  handle(ev, state, ctx): Alert[] {
    const { env } = ctx;
    const out: Alert[] = [];
    if (ev.kind === 'api' || (ev.kind === 'auth' && ev.success)) {
      const range = rangeOf(ev.src, env);
      if (range) out.push(...follow(ev, state, ctx, range));
    }
    const c = connectionOf(ev, env);
    if (!c) return out;
    const range = rangeOf(c.src, env);
    if (!range) return out;
    const target = `${c.host}:${c.port}`;
    const isNew = state.seen(NEW_SOURCE_RANGE_NS, `${target}\u0000${range}`, ev.time, env.config.detect.baselineExpiry);
    if (!isNew || ctx.learning) return out;
    const origin = sourceOrigin(c.src, env);
    const loginSeen = c.login || state.marked(FOLLOW_LOGIN_NS, range, ev.time);
    const writeSeen = state.marked(FOLLOW_WRITE_NS, range, ev.time);
    const severity = connectionSeverity({ login: loginSeen, write: writeSeen, foreign: origin.foreign, internal: origin.internal });
    const alert = makeAlert({
      rule: this.id,
      subTechnique: c.subTechnique,
      control: this.control,
      severity,
      title: `${c.login ? `Login as ${c.user ?? '?'}` : 'Connection'} to ${target} (${c.service}) from ${range}, a range never seen for it${writeSeen ? ', with writes from that range' : ''}`,
      asset: target,
      location: logLocation(ev),
      time: new Date(ev.time).toISOString(),
      key: range,
      evidence: evidence({
        host: c.host,
        port: c.port,
        service: c.service,
        src: c.src,
        range,
        login: c.login,
        loginFromRange: loginSeen,
        writeFromRange: writeSeen,
        user: c.user,
        internalSource: origin.internal,
        foreignSource: origin.foreign,
        asn: origin.asn?.asn,
        asOrg: origin.asn?.org,
        line: ev.ref.line,
        raw: ctx.raw,
      }),
      explanation:
        'A management service accepted a connection from a network it has not been reached from before (within the baseline). ' +
        'Attackers using stolen credentials or exposed interfaces arrive from new ranges; administrators usually come from a few known ones. ' +
        'A connection alone is usually an Internet scanner (low); a login or a write from the same range within minutes raises it.',
      remediation:
        `Check who connected from ${range}. If the range is legitimate, add it to organisation.allowedRanges in drawbridge.yaml; ` +
        `otherwise restrict ${c.service} on port ${c.port} to VPN or allow-listed ranges (security group / firewall), as M1037 asks.`,
    });
    // A write still to come escalates this alert (unless one was seen already).
    if (!writeSeen) {
      const ttl = env.config.detect.followWindow;
      state.mark(ALERTED_NS, range, ev.time, ttl);
      writeId(state, ALERTED_NS, range, alert.id);
      writeNumber(state, ALERTED_NS, `${range}\u0000sub`, SUB_TECHNIQUE_IDS.indexOf(c.subTechnique));
    }
    out.push(alert);
    return out;
  },
};
