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
import { readNumber, writeNumber } from './registers.js';
import type { Detector } from './types.js';

const FAILURES_NS = 'ds0002.failures';
const FAILED_USER_NS = 'ds0002.failed-user';
const ALERTED_NS = 'ds0002.bruteforce-alerted';
const SEP = '\u0000';
/** Distinct users failed from one range that make a spray. */
export const SPRAY_USERS = 3;

/** Failures (and distinct users) of a range over the current and the previous window. */
function tally(state: StateView, range: string, time: number, window: number): { failures: number; users: number } {
  const b = Math.floor(time / window);
  let failures = 0;
  let users = 0;
  for (const k of [b, b - 1]) {
    failures += readNumber(state, FAILURES_NS, `${range}${SEP}${k}${SEP}n`) ?? 0;
    users = Math.max(users, readNumber(state, FAILURES_NS, `${range}${SEP}${k}${SEP}u`) ?? 0);
  }
  return { failures, users };
}

function recordFailure(state: StateView, ev: AuthEvent, range: string, window: number): void {
  const b = Math.floor(ev.time / window);
  const n = `${range}${SEP}${b}${SEP}n`;
  writeNumber(state, FAILURES_NS, n, (readNumber(state, FAILURES_NS, n) ?? 0) + 1);
  if (state.seen(FAILED_USER_NS, `${range}${SEP}${b}${SEP}${ev.user}`, ev.time)) {
    const u = `${range}${SEP}${b}${SEP}u`;
    writeNumber(state, FAILURES_NS, u, (readNumber(state, FAILURES_NS, u) ?? 0) + 1);
  }
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
    const { failures, users } = tally(state, range, ev.time, window);
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
          vars: { what: spray ? 'Password spray' : 'Brute force', user: ev.user, host, src: ev.src, failures, users: spray ? ` for ${users} users` : '', range },
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
