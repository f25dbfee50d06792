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
import { alertText } from '../../catalog/texts.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { bump, type Severity } from '../../model/severity.js';
import { SUB_TECHNIQUES, type SubTechnique } from '../../model/technique.js';
import { ipv4Number, isIp, networkOf, v4Network, v4NetworkText } from '../../intel/ranges.js';
import { SSH_DEFAULT_PORT } from '../decoders/sshd-messages.js';
import type { StateView } from '../state/types.js';
import { authHost, authSubTechnique, evidence, logLocation, sourceOrigin } from './common.js';
import { readId, readNumber, writeId, writeNumber } from './registers.js';
import type { DetectEnv, Detector, EventContext } from './types.js';
import type { ManagementService } from '../../catalog/services.js';
import { apiSubTechnique, isAuthenticatedRequest, isWrite } from './workloads.js';

const RULE = 'new-source-range';
export const NEW_SOURCE_RANGE_NS = 'ds0029.range';
/** Marks (TTL followWindow) per source range: a write / a login was seen from it. */
export const FOLLOW_WRITE_NS = 'ds0029.follow-write';
export const FOLLOW_LOGIN_NS = 'ds0029.follow-login';
/** Mark + registers per source range: the last connection alert, open for escalation. */
const ALERTED_NS = 'ds0029.alerted';
const ESCALATED_NS = 'ds0029.escalated';
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

const SERVICE_IDS = new WeakMap<readonly ManagementService[], string>();

/** "ssh|…": the services a port is known for (once per catalogue entry, not per flow). */
function serviceIds(services: readonly ManagementService[]): string {
  let ids = SERVICE_IDS.get(services);
  if (ids === undefined) {
    ids = services.map((s) => s.id).join('|');
    SERVICE_IDS.set(services, ids);
  }
  return ids;
}

function connectionOf(ev: DrawbridgeEvent, env: DetectEnv): Connection | undefined {
  if (ev.kind === 'flow') {
    if (ev.action !== 'accept' || ev.direction === 'outbound') return undefined;
    const services = env.managementPorts.get(ev.dstPort);
    if (!services || services.length === 0) return undefined;
    const svc = services[0]!;
    return { src: ev.src, host: ev.dst, port: ev.dstPort, subTechnique: svc.subTechnique, service: serviceIds(services), login: false };
  }
  if (ev.kind === 'auth' && ev.service === 'ssh') {
    return { src: ev.src, host: authHost(ev), port: ev.dstPort ?? SSH_DEFAULT_PORT, subTechnique: authSubTechnique(ev), service: 'ssh', login: ev.success, user: ev.user };
  }
  return undefined;
}

/**
 * Range texts and baseline keys of IPv4 networks, built once and then reused. A string used again as
 * a map key is hashed once; one built afresh for every event is flattened and hashed every time,
 * which was most of the cost of a baseline lookup. Pure memoisation: bounded, and dropped when full.
 */
const MEMO_LIMIT = 100_000;
let memoPrefix = -1;
const rangeTexts = new Map<number, string>();
const rangeKeys = new Map<string, Map<number, string>>();
const targets = new Map<string, Map<number, string>>();
let memoKeys = 0;

function memoFor(prefix: number): void {
  if (prefix === memoPrefix && rangeTexts.size < MEMO_LIMIT && memoKeys < MEMO_LIMIT) return;
  memoPrefix = prefix;
  rangeTexts.clear();
  rangeKeys.clear();
  targets.clear();
  memoKeys = 0;
}

/** `${host}:${port}` (memoised with the range keys it prefixes). */
function targetOf(host: string, port: number): string {
  let byPort = targets.get(host);
  if (byPort === undefined) {
    byPort = new Map();
    targets.set(host, byPort);
  }
  let t = byPort.get(port);
  if (t === undefined) {
    t = `${host}:${port}`;
    byPort.set(port, t);
    memoKeys++;
  }
  return t;
}

/** A source's range: its text, and the IPv4 network as a number (-1 for IPv6). */
interface SourceRange {
  text: string;
  net: number;
}

function rangeOf(src: string, env: DetectEnv): SourceRange | undefined {
  const n = ipv4Number(src);
  if (n >= 0) {
    if (env.allowed.containsV4(n)) return undefined;
    const prefix = env.config.detect.sourcePrefixV4;
    memoFor(prefix);
    const net = v4Network(n, prefix);
    let text = rangeTexts.get(net);
    if (text === undefined) {
      text = v4NetworkText(net, prefix);
      rangeTexts.set(net, text);
    }
    return { text, net };
  }
  if (!isIp(src) || env.allowed.contains(src)) return undefined;
  const text = networkOf(src, env.config.detect.sourcePrefixV4, env.config.detect.sourcePrefixV6);
  return text === undefined ? undefined : { text, net: -1 };
}

/** `${target}\0${range}`, the DS0029 baseline key (memoised for IPv4 ranges). */
function baselineKey(target: string, range: SourceRange): string {
  if (range.net < 0) return `${target}\u0000${range.text}`;
  let byNet = rangeKeys.get(target);
  if (byNet === undefined) {
    byNet = new Map();
    rangeKeys.set(target, byNet);
  }
  let key = byNet.get(range.net);
  if (key === undefined) {
    key = `${target}\u0000${range.text}`;
    byNet.set(range.net, key);
    memoKeys++;
  }
  return key;
}

/** The table above. */
export function connectionSeverity(f: { login: boolean; write: boolean; foreign: boolean; internal: boolean }): Severity {
  let s: Severity = f.write ? 'high' : f.login ? 'medium' : 'low';
  if ((f.login || f.write) && f.foreign) s = bump(s, 1);
  if (f.internal) s = bump(s, -1);
  return s;
}

export const ESCALATION_RULES = { login: 'new-source-range-login', write: 'new-source-range-write' } as const;

function requestTarget(ev: DrawbridgeEvent): string {
  if (ev.kind === 'auth') return `${authHost(ev)}:${ev.dstPort ?? SSH_DEFAULT_PORT}`;
  if (ev.kind === 'api') return ev.dst !== undefined ? `${ev.dst}${ev.dstPort !== undefined ? `:${ev.dstPort}` : ''}` : (ev.observer ?? ev.host ?? ev.service);
  return `${ev.dst}:${ev.dstPort}`;
}

function describe(ev: DrawbridgeEvent): string {
  if (ev.kind === 'auth') return ev.user !== '' ? `login as ${ev.user}, ${ev.method}` : 'login';
  if (ev.kind !== 'api') return 'connection';
  const what = ev.service === 'kubernetes' ? `${ev.resource}${ev.subresource ? `/${ev.subresource}` : ''}` : ev.resource;
  const who = ev.actor !== '' && ev.actor !== '-' ? ` as ${ev.actor}` : '';
  return `${ev.method ?? ev.verb} ${what}${who}`;
}

/**
 * Logins and writes leave marks; one after an alerted connection escalates that alert — once for a
 * login, once for a write (a login after a write adds nothing).
 */
function follow(ev: DrawbridgeEvent, state: StateView, ctx: EventContext, range: string, escalate: boolean): Alert[] {
  const { env } = ctx;
  const ttl = env.config.detect.followWindow;
  const login = isAuthenticatedRequest(ev);
  const write = isWrite(ev);
  if (login) state.mark(FOLLOW_LOGIN_NS, range, ev.time, ttl);
  if (write) state.mark(FOLLOW_WRITE_NS, range, ev.time, ttl);
  if (!(login || write) || !escalate || ctx.learning || !state.marked(ALERTED_NS, range, ev.time)) return [];
  const first = readId(state, ALERTED_NS, range, 'DRA');
  if (first === undefined || state.marked(ESCALATED_NS, `${first}\u0000write`, ev.time)) return [];
  const kind = write ? 'write' : 'login';
  if (state.marked(ESCALATED_NS, `${first}\u0000${kind}`, ev.time)) return [];
  state.mark(ESCALATED_NS, `${first}\u0000${kind}`, ev.time, ttl);
  const origin = sourceOrigin(ev.src, env);
  const loginSeen = login || state.marked(FOLLOW_LOGIN_NS, range, ev.time);
  const severity = connectionSeverity({ login: loginSeen, write, foreign: origin.foreign, internal: origin.internal });
  const sub = SUB_TECHNIQUE_IDS[readNumber(state, ALERTED_NS, `${range}\u0000sub`) ?? -1] ?? (ev.kind === 'api' ? apiSubTechnique(ev) : ev.kind === 'auth' ? authSubTechnique(ev) : 'ssh-access');
  const target = requestTarget(ev);
  const minutes = Math.max(1, Math.round(ttl / 60_000));
  return [
    makeAlert({
      ...alertText(ESCALATION_RULES[kind], { vars: { how: describe(ev), target, range, minutes, first }, severity, subTechnique: sub }),
      asset: target,
      location: logLocation(ev),
      time: new Date(ev.time).toISOString(),
      key: first,
      evidence: evidence({
        firstAlert: first,
        src: ev.src,
        range,
        service: ev.kind === 'flow' ? undefined : ev.service,
        user: ev.kind === 'auth' ? ev.user : undefined,
        actor: ev.kind === 'api' && ev.actor !== '' && ev.actor !== '-' ? ev.actor : undefined,
        method: ev.kind === 'api' ? ev.method : ev.kind === 'auth' ? ev.method : undefined,
        verb: ev.kind === 'api' ? ev.verb : undefined,
        resource: ev.kind === 'api' ? ev.resource : undefined,
        name: ev.kind === 'api' ? ev.name : undefined,
        status: ev.kind === 'api' ? ev.status : undefined,
        login: loginSeen,
        write,
        internalSource: origin.internal,
        foreignSource: origin.foreign,
        asn: origin.asn?.asn,
        asOrg: origin.asn?.org,
        line: ev.ref.line,
        raw: ctx.raw,
      }),
    }),
  ];
}

/** A connection event from a range never seen for its target → the alert (and open it for escalation). */
function connectionAlert(ev: DrawbridgeEvent, state: StateView, ctx: EventContext): Alert[] {
  const { env } = ctx;
  const c = connectionOf(ev, env);
  if (!c) return [];
  const sourceRange = rangeOf(c.src, env);
  if (!sourceRange) return [];
  const range = sourceRange.text;
  const target = sourceRange.net >= 0 ? targetOf(c.host, c.port) : `${c.host}:${c.port}`;
  const isNew = state.seen(NEW_SOURCE_RANGE_NS, baselineKey(target, sourceRange), ev.time, env.config.detect.baselineExpiry);
  if (!isNew || ctx.learning) return [];
  const origin = sourceOrigin(c.src, env);
  const loginSeen = c.login || state.marked(FOLLOW_LOGIN_NS, range, ev.time);
  const writeSeen = state.marked(FOLLOW_WRITE_NS, range, ev.time);
  const severity = connectionSeverity({ login: loginSeen, write: writeSeen, foreign: origin.foreign, internal: origin.internal });
  const alert = makeAlert({
    ...alertText(RULE, {
      vars: { what: c.login ? `Login as ${c.user ?? '?'}` : 'Connection', target, service: c.service, range, writes: writeSeen ? ', with writes from that range' : '', port: c.port },
      severity,
      subTechnique: c.subTechnique,
    }),
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
  });
  // A write still to come escalates this alert (unless one was seen already).
  if (!writeSeen) {
    const ttl = env.config.detect.followWindow;
    state.mark(ALERTED_NS, range, ev.time, ttl);
    writeId(state, ALERTED_NS, range, alert.id);
    writeNumber(state, ALERTED_NS, `${range}\u0000sub`, SUB_TECHNIQUE_IDS.indexOf(c.subTechnique));
    // It already says "login": only a write can still add to it.
    if (loginSeen) state.mark(ESCALATED_NS, `${alert.id}\u0000login`, ev.time, ttl);
  }
  return [alert];
}

export const newSourceRange: Detector = {
  id: RULE,
  control: 'DS0029',
  description: 'Inbound connection to a management port from a source range never seen for that host and port',
  handle(ev, state, ctx): Alert[] {
    const raised = connectionAlert(ev, state, ctx);
    if (ev.kind !== 'api' && !(ev.kind === 'auth' && ev.success)) return raised;
    const range = rangeOf(ev.src, ctx.env);
    // A record that raised its own new-range alert says everything the escalation would.
    return range ? [...raised, ...follow(ev, state, ctx, range.text, raised.length === 0)] : raised;
  },
};

