/**
 * DS0002 — User Account Authentication: a successful login from a source range that had just failed
 * `detect.bruteForceFailures` times or more (a brute force that worked), or had failed for several users
 * (a password spray that worked). Failed attempts alone are observations (the DS0029 digest); the
 * success is what matters.
 *
 * Severity: high; a spray that succeeded, critical. From the organisation's own networks (someone
 * mistyping from the office) one step lower.
 */
import type { AuthEvent } from '../../model/event.js';
import { alertText } from '../../catalog/texts.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { bump, type Severity } from '../../model/severity.js';
import { networkOf } from '../../intel/ranges.js';
import { networkStanding, trusted } from '../../organisation/networks.js';
import type { StateView } from '../state/types.js';
import { authHost, authSubTechnique, evidence, logLocation } from './common.js';
import type { Detector } from './types.js';

/**
 * One tally per range, updated in place and lapsing two windows after its last failure (so the state
 * grows with the ranges that fail, not with the failures): [window, failures, failures in the window
 * before, users failed in the window before, …a hash of each user failed in this window].
 */
const TALLY_NS = 'ds0002.failure-tally';
const ALERTED_NS = 'ds0002.bruteforce-alerted';
const WINDOW = 0;
const FAILURES = 1;
const PREV_FAILURES = 2;
const PREV_USERS = 3;
const USERS = 4;
/** Distinct users failed from one range that make a spray. */
export const SPRAY_USERS = 3;
/** Users a tally tells apart in one window; a spray past this many is reported as "at least" this many. */
export const TRACKED_USERS = 32;

/** 32-bit FNV-1a of a user name: users are told apart by hash, so a tally stays a few numbers. */
function userHash(user: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < user.length; i++) h = Math.imul(h ^ user.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Failures (and distinct users) of a range over the current and the previous window. */
function tally(t: number[] | undefined, time: number, window: number): { failures: number; users: number } {
  const b = Math.floor(time / window);
  if (t === undefined) return { failures: 0, users: 0 };
  const users = t.length - USERS;
  if (t[WINDOW] === b) return { failures: (t[FAILURES] as number) + (t[PREV_FAILURES] as number), users: Math.max(users, t[PREV_USERS] as number) };
  if (t[WINDOW] === b - 1) return { failures: t[FAILURES] as number, users };
  return { failures: 0, users: 0 };
}

function recordFailure(state: StateView, ev: AuthEvent, range: string, window: number): void {
  const b = Math.floor(ev.time / window);
  const old = state.cell(TALLY_NS, range, ev.time);
  let t: number[];
  if (old === undefined || (old[WINDOW] as number) < b - 1) t = [b, 0, 0, 0];
  else if (old[WINDOW] === b - 1) t = [b, 0, old[FAILURES] as number, old.length - USERS];
  else t = old;
  const w = t[WINDOW] as number;
  // A record out of order by a window counts in the window before; older ones are already out of every window.
  if (b === w - 1) t[PREV_FAILURES] = (t[PREV_FAILURES] as number) + 1;
  else if (b === w) {
    t[FAILURES] = (t[FAILURES] as number) + 1;
    const h = userHash(ev.user);
    if (t.length - USERS < TRACKED_USERS && t.indexOf(h, USERS) === -1) t.push(h);
  } else return;
  state.setCell(TALLY_NS, range, ev.time, (w + 2) * window - ev.time, t);
}

export const loginAfterFailures: Detector = {
  id: 'login-after-failures',
  control: 'DS0002',
  description: 'Successful login from a range that had just failed many times or for many users (brute force or password spray that worked)',
  handle(ev, state, ctx): Alert[] {
    if (ev.kind !== 'auth' || ev.src === '') return [];
    const d = ctx.env.config.detect;
    const range = networkOf(ev.src, d.sourcePrefixV4, d.sourcePrefixV6);
    if (range === undefined) return [];
    const window = d.contextWindow;
    if (!ev.success) {
      recordFailure(state, ev, range, window);
      return [];
    }
    if (ctx.learning) return [];
    const { failures, users } = tally(state.cell(TALLY_NS, range, ev.time), ev.time, window);
    const spray = users >= SPRAY_USERS;
    if (failures < d.bruteForceFailures && !spray) return [];
    if (state.marked(ALERTED_NS, range, ev.time)) return [];
    state.mark(ALERTED_NS, range, ev.time, window);
    const standing = networkStanding(ev.src, ev.user, ev.time, state, ctx.env);
    let severity: Severity = spray ? 'critical' : 'high';
    if (trusted(standing)) severity = bump(severity, -1);
    const host = authHost(ev);
    return [
      makeAlert({
        ...alertText(this.id, {
          vars: { what: spray ? 'Password spray' : 'Brute force', user: ev.user, host, src: ev.src, failures, users: spray ? ` for ${users >= TRACKED_USERS ? 'at least ' : ''}${users} users` : '', range },
          severity,
          subTechnique: authSubTechnique(ev),
        }),
        asset: `${ev.user}@${host}`,
        location: logLocation(ev),
        time: new Date(ev.time).toISOString(),
        key: range,
        evidence: evidence({
          user: ev.user,
          host,
          service: ev.service,
          method: ev.method,
          src: ev.src,
          range,
          failures,
          failedUsers: users,
          spray,
          standing: standing.standing,
          standingWhy: standing.why,
          asn: standing.asn?.asn,
          asOrg: standing.asn?.org,
          line: ev.ref.line,
          raw: ctx.raw,
        }),
      }),
    ];
  },
};
