/**
 * The organisation, learned: from history, the source ranges and ASNs from which known identities log
 * in successfully (how many identities, on how many days), and each identity's usual networks and
 * hours. drawbridge.yaml (organisation.allowedRanges, organisation.asns) adds to it and overrides it.
 *
 * Kept in the state store, as baselines (`seen` sets) so `drawbridge baseline` lists, approves and
 * forgets them, plus small counters (registers) so a lookup is one read:
 *   org.net-identity   `NET\0USER`  — USER logged in from NET (NET is `range:CIDR` or `asn:N`)
 *   org.net-day        `NET\0DAY`   — a login from NET on DAY (YYYY-MM-DD, UTC)
 *   org.identity-hour  `USER\0H`    — USER logged in during hour H (UTC)
 */
import { ipv4Number, networkOf, v4Network, v4NetworkText } from '../intel/ranges.js';
import type { AsnInfo } from '../intel/asn.js';
import type { StateView } from '../detect/state/types.js';
import { readNumber, writeNumber } from '../detect/detectors/registers.js';
import type { DetectEnv } from '../detect/detectors/types.js';
import { isHostingAsn } from './hosting.js';

export const NET_IDENTITY_NS = 'org.net-identity';
export const NET_DAY_NS = 'org.net-day';
export const IDENTITY_HOUR_NS = 'org.identity-hour';
/** Approved organisation networks (`drawbridge baseline approve --detector organisation NET`). */
export const ORG_APPROVED_NS = 'org.network';
const COUNT_NS = 'org.net-count';
const LOGINS_NS = 'org.identity-logins';
/** One user, one network, one day: everything after the first login of the day is already known. */
const DAILY_NS = 'org.identity-net-day';
const SEP = '\u0000';

/** Logins an identity needs before its hours say anything about "night". */
const HOURS_NEED_LOGINS = 10;

/**
 * Where a source stands relative to the organisation (worst last):
 * internal · organisation (configured or learned network) · identity (this identity's usual network,
 * first used at least detect.contextWindow ago) ·
 * unrelated (an ASN the organisation does not use) · hosting (a hosting/VPS ASN never seen for the organisation).
 */
export type Standing = 'internal' | 'organisation' | 'identity' | 'unrelated' | 'hosting';

export interface NetworkStanding {
  standing: Standing;
  /** The identity has a login history and this hour is outside it. */
  night: boolean;
  asn?: AsnInfo;
  range?: string;
  why: string;
}

const DAY_MS = 86_400_000;
/** The last day asked for: events come in time order, so most calls repeat it. */
let memoDay = Number.NaN;
let memoDayText = '';

export function dayOf(time: number): string {
  const day = Math.floor(time / DAY_MS);
  if (day !== memoDay) {
    memoDayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
    memoDay = day;
  }
  return memoDayText;
}

/**
 * Range texts of IPv4 sources, built once per network and then reused: a key string used again is
 * hashed once by the state store's maps, one built afresh is flattened and hashed at every lookup.
 */
const MEMO_LIMIT = 100_000;
const v4Ranges = new Map<number, string>();
let v4RangesPrefix = -1;

/** networkOf(src) with the run's prefixes, memoised for IPv4. */
function sourceRange(src: string, env: DetectEnv): string | undefined {
  const { sourcePrefixV4: p4, sourcePrefixV6: p6 } = env.config.detect;
  const n = ipv4Number(src);
  if (n < 0) return networkOf(src, p4, p6);
  if (p4 !== v4RangesPrefix || v4Ranges.size >= MEMO_LIMIT) {
    v4Ranges.clear();
    v4RangesPrefix = p4;
  }
  const net = v4Network(n, p4);
  let text = v4Ranges.get(net);
  if (text === undefined) {
    text = v4NetworkText(net, p4);
    v4Ranges.set(net, text);
  }
  return text;
}

function nets(range: string | undefined, asn: AsnInfo | undefined): string[] {
  const out: string[] = [];
  if (range !== undefined) out.push(`range:${range}`);
  if (asn !== undefined) out.push(`asn:${asn.asn}`);
  return out;
}

function counts(state: StateView, net: string): { identities: number; days: number } {
  return { identities: readNumber(state, COUNT_NS, `${net}${SEP}i`) ?? 0, days: readNumber(state, COUNT_NS, `${net}${SEP}d`) ?? 0 };
}

function bumpCount(state: StateView, net: string, which: 'i' | 'd'): void {
  const key = `${net}${SEP}${which}`;
  writeNumber(state, COUNT_NS, key, (readNumber(state, COUNT_NS, key) ?? 0) + 1);
}

/** A learned network is the organisation's once enough identities, or enough days, vouch for it. */
function learnedOrg(state: StateView, net: string, env: DetectEnv): boolean {
  if (state.peek(ORG_APPROVED_NS, net) !== undefined) return true;
  const o = env.config.organisation;
  if (!o.learn) return false;
  const c = counts(state, net);
  return c.identities >= o.minIdentities || c.days >= o.minDays;
}

function hourOf(time: number): number {
  return new Date(time).getUTCHours();
}

/** Outside the identity's hours: it has a history, and never logged in within an hour of this one. */
function atNight(state: StateView, user: string | undefined, time: number): boolean {
  if (user === undefined || (readNumber(state, LOGINS_NS, user) ?? 0) < HOURS_NEED_LOGINS) return false;
  const h = hourOf(time);
  for (const d of [-1, 0, 1]) if (state.peek(IDENTITY_HOUR_NS, `${user}${SEP}${(h + d + 24) % 24}`) !== undefined) return false;
  return true;
}

/** Where `src` stands for `user` (undefined: nobody authenticated) at `time`. */
export function networkStanding(src: string, user: string | undefined, time: number, state: StateView, env: DetectEnv): NetworkStanding {
  if (env.internal.contains(src)) return { standing: 'internal', night: false, why: 'internal range' };
  if (env.allowed.contains(src)) return { standing: 'organisation', night: false, why: 'organisation.allowedRanges' };
  const range = sourceRange(src, env);
  const asn = env.asn?.lookup(src);
  const base = { ...(asn ? { asn } : {}), ...(range !== undefined ? { range } : {}) };
  if (asn !== undefined && env.orgAsns.has(asn.asn)) return { standing: 'organisation', night: false, ...base, why: `organisation.asns (AS${asn.asn})` };
  for (const net of nets(range, asn)) {
    if (!learnedOrg(state, net, env)) continue;
    const c = counts(state, net);
    return { standing: 'organisation', night: false, ...base, why: `learned organisation network ${net.replace(/^range:|^asn:/, net.startsWith('asn:') ? 'AS' : '')} (${c.identities} identities, ${c.days} days)` };
  }
  const night = atNight(state, user, time);
  if (user !== undefined) {
    // A network becomes an identity's usual one only after a while: a session from somewhere new
    // (an intruder's) must not vouch for its own later requests.
    const settled = time - env.config.detect.contextWindow;
    for (const net of nets(range, asn)) {
      const e = state.peek(NET_IDENTITY_NS, `${net}${SEP}${user}`);
      if (e !== undefined && e.first <= settled) return { standing: 'identity', night, ...base, why: `${user}'s usual network (${net})` };
    }
  }
  const seenForOrg = asn !== undefined && counts(state, `asn:${asn.asn}`).identities > 0;
  if (isHostingAsn(asn) && !seenForOrg) return { standing: 'hosting', night, ...base, why: `hosting provider AS${asn!.asn} ${asn!.org}, never used by the organisation` };
  return { standing: 'unrelated', night, ...base, why: asn ? `AS${asn.asn} ${asn.org}, not an organisation network` : 'unknown ASN, not an organisation network' };
}

/** A standing the organisation vouches for (its own or the identity's usual networks). */
export function trusted(s: NetworkStanding): boolean {
  return s.standing === 'internal' || s.standing === 'organisation' || s.standing === 'identity';
}

/** Learn from a successful login of `user` from `src`. */
export function learnLogin(state: StateView, env: DetectEnv, user: string, src: string, time: number): void {
  if (!env.config.organisation.learn || user === '' || src === '') return;
  const range = sourceRange(src, env);
  if (range === undefined) return;
  const day = dayOf(time);
  // Most logins repeat a user, network and day already learned: one read settles them.
  if (!state.seen(DAILY_NS, `${user}${SEP}${range}${SEP}${day}`, time, 86_400_000)) return;
  writeNumber(state, LOGINS_NS, user, (readNumber(state, LOGINS_NS, user) ?? 0) + 1);
  state.seen(IDENTITY_HOUR_NS, `${user}${SEP}${hourOf(time)}`, time);
  if (env.internal.contains(src)) return;
  const asn = env.asn?.lookup(src);
  for (const net of nets(range, asn)) {
    if (state.seen(NET_IDENTITY_NS, `${net}${SEP}${user}`, time)) bumpCount(state, net, 'i');
    if (state.seen(NET_DAY_NS, `${net}${SEP}${day}`, time)) bumpCount(state, net, 'd');
  }
}
