/**
 * DS0029 — Network Traffic Flow: a source range never seen for a management endpoint that goes on to
 * log in or to change something there.
 *
 * Only management traffic counts: what the surface (src/surface) says reaches a management endpoint —
 * a flow to a management port, an sshd login, a Kubernetes or Docker API request, an HTTP request to an
 * admin route or admin port. Public requests (a web site's POST /contact, a public API's /v1/orders) are
 * never counted, and flows to a public or shared port (443 of an unknown host) are kept only as context.
 *
 * What a first-seen range did decides:
 *
 *   | from the new range (within detect.contextWindow)                  | result                          |
 *   |--------------------------------------------------------------------|---------------------------------|
 *   | nothing: a connection, a refused login, an unauthenticated read    | an observation (digest), no alert |
 *   | a login, from the organisation's or the identity's usual networks  | nothing (the baseline learns)   |
 *   | a login, from an unrelated network                                 | medium                          |
 *   | a write (HTTP POST/PUT/PATCH/DELETE to management, Kubernetes      | high                            |
 *   |   create/update/patch, Docker API POST), from an unrelated network |                                 |
 *   | … from a hosting/VPS ASN the organisation never used               | +1                              |
 *   | … at night for that identity                                       | +1                              |
 *   | … a write after the range touched public or shared ports           | +1                              |
 *
 * Records arrive in either order: a login or write seen first leaves a mark (TTL followWindow) and the
 * first-seen connection alerts at once; a write after an alerted login raises `new-source-range-write`,
 * which names the first alert (alerts are immutable once emitted).
 */
import type { ApiEvent, DrawbridgeEvent } from '../../model/event.js';
import { alertText } from '../../catalog/texts.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { bump, type Severity } from '../../model/severity.js';
import { SUB_TECHNIQUES, type SubTechnique } from '../../model/technique.js';
import { ipv4Number, isIp, networkOf, v4Network, v4NetworkText } from '../../intel/ranges.js';
import { networkStanding, trusted, type NetworkStanding, type Standing } from '../../organisation/networks.js';
import { learnFromLog, learnFromRequest } from '../../surface/learned.js';
import type { Reach } from '../../surface/model.js';
import { SSH_DEFAULT_PORT } from '../decoders/sshd-messages.js';
import type { StateView } from '../state/types.js';
import { authHost, evidence, logLocation } from './common.js';
import { readId, readNumber, writeId, writeNumber } from './registers.js';
import type { DetectEnv, Detector, EventContext } from './types.js';
import { isAuthenticatedRequest, isWrite, unauthenticated } from './workloads.js';

const RULE = 'new-source-range';
export const NEW_SOURCE_RANGE_NS = 'ds0029.range';
/** Marks (TTL followWindow) per source range: a management write / a login was seen from it. */
export const FOLLOW_WRITE_NS = 'ds0029.follow-write';
export const FOLLOW_LOGIN_NS = 'ds0029.follow-login';
/** Mark (TTL contextWindow) per range: its first touch of a management endpoint was an observation. */
const PENDING_NS = 'ds0029.pending';
/** Mark (TTL contextWindow) per range: it touched a public or shared port. */
const CONTEXT_NS = 'ds0029.context';
/** Mark (TTL contextWindow) per range: it has alerted; its further contacts are no noise to digest and no new first alert. */
const RANGE_ALERTED_NS = 'ds0029.range-alerted';
/** Mark + registers per source range: the last alert, open for escalation. */
const ALERTED_NS = 'ds0029.alerted';
const ESCALATED_NS = 'ds0029.escalated';
const SUB_TECHNIQUE_IDS = Object.keys(SUB_TECHNIQUES) as SubTechnique[];

/** One record's contact with the surface. */
interface Touch {
  src: string;
  target: string;
  reach: Reach;
  login: boolean;
  write: boolean;
  what: 'connection' | 'failed-login' | 'request';
  user?: string;
}

const SSH_REACH: Reach = { role: 'management', service: 'ssh', subTechnique: 'ssh-access', provenance: 'catalogue', why: 'an sshd login' };

function requestTarget(ev: DrawbridgeEvent): string {
  if (ev.kind === 'auth') return `${authHost(ev)}:${ev.dstPort ?? SSH_DEFAULT_PORT}`;
  if (ev.kind === 'api') return ev.dst !== undefined ? `${ev.dst}${ev.dstPort !== undefined ? `:${ev.dstPort}` : ''}` : (ev.observer ?? ev.host ?? ev.service);
  return `${ev.dst}:${ev.dstPort}`;
}

function actorOf(ev: ApiEvent): string | undefined {
  return unauthenticated(ev) ? undefined : ev.actor;
}

function touchOf(ev: DrawbridgeEvent, state: StateView, env: DetectEnv): Touch | undefined {
  if (ev.kind === 'flow') {
    if (ev.action !== 'accept' || ev.direction === 'outbound') return undefined;
    const reach = env.surface.flow(ev.dst, ev.dstPort, state);
    if (!reach) return undefined;
    return { src: ev.src, target: targetOf(ev.dst, ev.dstPort), reach, login: false, write: false, what: 'connection' };
  }
  if (ev.kind === 'auth') {
    if (ev.service !== 'ssh') return undefined;
    const t: Touch = { src: ev.src, target: targetOf(authHost(ev), ev.dstPort ?? SSH_DEFAULT_PORT), reach: SSH_REACH, login: ev.success, write: false, what: ev.success ? 'connection' : 'failed-login' };
    if (ev.user !== '') t.user = ev.user;
    return t;
  }
  if (ev.src === '') return undefined;
  learnFromLog(ev, state);
  const reach = env.surface.request(ev, state);
  const management = reach.role === 'management';
  if (management) learnFromRequest(ev, reach, state);
  const t: Touch = { src: ev.src, target: requestTarget(ev), reach, login: management && isAuthenticatedRequest(ev), write: management && isWrite(ev), what: 'request' };
  const user = actorOf(ev);
  if (user !== undefined) t.user = user;
  return t;
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

export interface AccessFacts {
  login: boolean;
  write: boolean;
  standing: Standing;
  night: boolean;
  /** The range touched public or shared ports before. */
  context: boolean;
}

/** The table above; undefined: not an alert. */
export function accessSeverity(f: AccessFacts): Severity | undefined {
  if (!(f.login || f.write) || f.standing === 'internal' || f.standing === 'organisation' || f.standing === 'identity') return undefined;
  let s: Severity = f.write ? 'high' : 'medium';
  if (f.standing === 'hosting') s = bump(s, 1);
  if (f.night) s = bump(s, 1);
  if (f.context && f.write) s = bump(s, 1);
  return s;
}

export const ESCALATION_RULES = { login: 'new-source-range-login', write: 'new-source-range-write' } as const;

function describe(ev: DrawbridgeEvent): string {
  if (ev.kind === 'auth') return ev.user !== '' ? `login as ${ev.user}, ${ev.method}` : 'login';
  if (ev.kind !== 'api') return 'connection';
  const what = ev.service === 'kubernetes' ? `${ev.resource}${ev.subresource ? `/${ev.subresource}` : ''}` : ev.resource;
  const who = ev.actor !== '' && ev.actor !== '-' ? ` as ${ev.actor}` : '';
  return `${ev.method ?? ev.verb} ${what}${who}`;
}

function standingEvidence(s: NetworkStanding): Record<string, string | number | boolean | undefined> {
  return { standing: s.standing, standingWhy: s.why, night: s.night, asn: s.asn?.asn, asOrg: s.asn?.org, foreignSource: !trusted(s) };
}

function apiEvidence(ev: DrawbridgeEvent): Record<string, string | number | boolean | undefined> {
  return {
    service: ev.kind === 'flow' ? undefined : ev.service,
    user: ev.kind === 'auth' ? ev.user : ev.kind === 'api' && ev.actor !== '' && ev.actor !== '-' ? ev.actor : undefined,
    actor: ev.kind === 'api' && ev.actor !== '' && ev.actor !== '-' ? ev.actor : undefined,
    method: ev.kind === 'api' ? ev.method : ev.kind === 'auth' ? ev.method : undefined,
    verb: ev.kind === 'api' ? ev.verb : undefined,
    resource: ev.kind === 'api' ? ev.resource : undefined,
    name: ev.kind === 'api' ? ev.name : undefined,
    status: ev.kind === 'api' ? ev.status : undefined,
  };
}

/**
 * After an alert, a login and then a write from the same range within followWindow escalate it — once
 * each (a login after a write adds nothing).
 */
function escalate(ev: DrawbridgeEvent, t: Touch, state: StateView, ctx: EventContext, range: string): Alert[] {
  const { env } = ctx;
  const ttl = env.config.detect.followWindow;
  if (!(t.login || t.write) || !state.marked(ALERTED_NS, range, ev.time)) return [];
  const first = readId(state, ALERTED_NS, range, 'DRA');
  if (first === undefined || state.marked(ESCALATED_NS, `${first}\u0000write`, ev.time)) return [];
  const kind = t.write ? 'write' : 'login';
  if (state.marked(ESCALATED_NS, `${first}\u0000${kind}`, ev.time)) return [];
  const standing = networkStanding(t.src, t.user, ev.time, state, env);
  const loginSeen = t.login || state.marked(FOLLOW_LOGIN_NS, range, ev.time);
  const severity = accessSeverity({ login: loginSeen, write: t.write, standing: standing.standing, night: standing.night, context: state.marked(CONTEXT_NS, range, ev.time) });
  if (severity === undefined) return [];
  state.mark(ESCALATED_NS, `${first}\u0000${kind}`, ev.time, ttl);
  const sub = SUB_TECHNIQUE_IDS[readNumber(state, ALERTED_NS, `${range}\u0000sub`) ?? -1] ?? t.reach.subTechnique;
  const minutes = Math.max(1, Math.round(ttl / 60_000));
  return [
    makeAlert({
      ...alertText(ESCALATION_RULES[kind], { vars: { how: describe(ev), target: t.target, range, minutes, first }, severity, subTechnique: sub }),
      asset: t.target,
      location: logLocation(ev),
      time: new Date(ev.time).toISOString(),
      key: first,
      evidence: evidence({
        firstAlert: first,
        src: t.src,
        range,
        ...apiEvidence(ev),
        reached: t.reach.service,
        surface: t.reach.why,
        login: loginSeen,
        write: t.write,
        ...standingEvidence(standing),
        line: ev.ref.line,
        raw: ctx.raw,
      }),
    }),
  ];
}

/** The first alert for a range at a management endpoint: it logged in or wrote (now, or within followWindow of its first contact). */
function firstAlert(ev: DrawbridgeEvent, t: Touch, state: StateView, ctx: EventContext, range: string, since: 'new' | 'observed'): Alert[] {
  const { env } = ctx;
  const loginSeen = t.login || state.marked(FOLLOW_LOGIN_NS, range, ev.time);
  const writeSeen = t.write || state.marked(FOLLOW_WRITE_NS, range, ev.time);
  const standing = networkStanding(t.src, t.user, ev.time, state, env);
  const context = state.marked(CONTEXT_NS, range, ev.time);
  const severity = accessSeverity({ login: loginSeen, write: writeSeen, standing: standing.standing, night: standing.night, context });
  if (severity === undefined) return [];
  const doing = writeSeen ? (t.write ? `Write (${describe(ev)})` : 'Contact, with writes from that range,') : t.login ? (ev.kind === 'api' ? `Authenticated request (${describe(ev)})` : `Login as ${t.user ?? '?'}`) : 'Contact, after a login from that range,';
  const alert = makeAlert({
    ...alertText(RULE, {
      vars: { what: doing, target: t.target, service: t.reach.service, range, since: since === 'new' ? 'never seen for it' : 'first seen there doing nothing', standing: standing.why },
      severity,
      subTechnique: t.reach.subTechnique,
      variant: { explanation: writeSeen ? 'write' : 'login' },
    }),
    asset: t.target,
    location: logLocation(ev),
    time: new Date(ev.time).toISOString(),
    key: range,
    evidence: evidence({
      src: t.src,
      range,
      ...apiEvidence(ev),
      reached: t.reach.service,
      surface: t.reach.why,
      login: t.login,
      loginFromRange: loginSeen,
      writeFromRange: writeSeen,
      firstSeenAsObservation: since === 'observed',
      publicContext: context,
      ...standingEvidence(standing),
      line: ev.ref.line,
      raw: ctx.raw,
    }),
  });
  const ttl = env.config.detect.followWindow;
  state.mark(PENDING_NS, range, ev.time, -1);
  state.mark(RANGE_ALERTED_NS, range, ev.time, env.config.detect.contextWindow);
  // A write still to come escalates this alert (unless one was seen already).
  if (!writeSeen) {
    state.mark(ALERTED_NS, range, ev.time, ttl);
    writeId(state, ALERTED_NS, range, alert.id);
    writeNumber(state, ALERTED_NS, `${range}\u0000sub`, SUB_TECHNIQUE_IDS.indexOf(t.reach.subTechnique));
    // It already says "login": only a write can still add to it.
    if (loginSeen) state.mark(ESCALATED_NS, `${alert.id}\u0000login`, ev.time, ttl);
  }
  return [alert];
}

export const newSourceRange: Detector = {
  id: RULE,
  control: 'DS0029',
  description: 'A source range never seen for a management endpoint that logs in or writes there (first-seen sources that do nothing are observations)',
  handle(ev, state, ctx): Alert[] {
    const { env } = ctx;
    const t = touchOf(ev, state, env);
    if (!t) return [];
    const sourceRange = rangeOf(t.src, env);
    if (!sourceRange) return [];
    const range = sourceRange.text;
    const window = env.config.detect.contextWindow;
    if (t.reach.role !== 'management') {
      // Public or shared: context for what the range does next, never an alert on its own.
      if (!state.marked(CONTEXT_NS, range, ev.time)) state.mark(CONTEXT_NS, range, ev.time, window);
      return [];
    }
    const ttl = env.config.detect.followWindow;
    if (t.login) state.mark(FOLLOW_LOGIN_NS, range, ev.time, ttl);
    if (t.write) state.mark(FOLLOW_WRITE_NS, range, ev.time, ttl);
    const isNew = state.seen(NEW_SOURCE_RANGE_NS, baselineKey(t.target, sourceRange), ev.time, env.config.detect.baselineExpiry);
    if (ctx.learning) return [];
    const pending = state.marked(PENDING_NS, range, ev.time);
    if (isNew) {
      // Read only here: a range seen before never needs it (one state read less per event).
      const alerted = !pending && state.marked(RANGE_ALERTED_NS, range, ev.time);
      if (t.login || t.write || state.marked(FOLLOW_LOGIN_NS, range, ev.time) || state.marked(FOLLOW_WRITE_NS, range, ev.time)) {
        return alerted ? escalate(ev, t, state, ctx, range) : firstAlert(ev, t, state, ctx, range, pending ? 'observed' : 'new');
      }
      if (alerted || env.internal.contains(t.src)) return [];
      ctx.observe?.({ time: ev.time, service: t.reach.service, target: t.target, src: t.src, range, what: t.what });
      state.mark(PENDING_NS, range, ev.time, window);
      return [];
    }
    if (!(t.login || t.write)) return [];
    if (pending) return firstAlert(ev, t, state, ctx, range, 'observed');
    return escalate(ev, t, state, ctx, range);
  },
};
