/** Time formatting for emulated records. Times are integer microseconds since the Unix epoch. */

export const US_PER_MS = 1000;
export const US_PER_S = 1_000_000;
export const US_PER_MIN = 60 * US_PER_S;
export const US_PER_H = 60 * US_PER_MIN;
export const US_PER_DAY = 24 * US_PER_H;

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** Date and time parts in UTC; `frac` = the microseconds within the second. */
function parts(us: number): { d: Date; frac: number } {
  const ms = Math.floor(us / US_PER_MS);
  return { d: new Date(ms), frac: us - Math.floor(us / US_PER_S) * US_PER_S };
}

/** `2026-11-02T09:15:02` (UTC, no fraction, no zone). */
function base(us: number): string {
  return new Date(Math.floor(us / US_PER_S) * 1000).toISOString().slice(0, 19);
}

/** RFC 3339 with microseconds and a numeric offset: rsyslog RSYSLOG_FileFormat. */
export function rfc3339Offset(us: number): string {
  return `${base(us)}.${pad(parts(us).frac, 6)}+00:00`;
}

/** RFC 3339 UTC with `digits` fraction digits (6 for Kubernetes MicroTime / ALB, 9 for GCP). */
export function rfc3339Z(us: number, digits: 6 | 9 = 6): string {
  const frac = pad(parts(us).frac, 6);
  return `${base(us)}.${digits === 9 ? frac + '000' : frac}Z`;
}

/** Epoch seconds with 6 decimals (Zeek `time`). */
export function epochSeconds6(us: number): string {
  return `${Math.floor(us / US_PER_S)}.${pad(parts(us).frac, 6)}`;
}

export function epochSeconds(us: number): number {
  return Math.floor(us / US_PER_S);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** nginx $time_local in UTC: `04/Mar/2025:09:15:02 +0000`. */
export function nginxTime(us: number): string {
  const d = new Date(Math.floor(us / US_PER_S) * 1000);
  return `${pad(d.getUTCDate(), 2)}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} +0000`;
}

/** Zeek #open/#close stamp: `2026-11-02-00-00-00`. */
export function zeekStamp(us: number): string {
  return base(us).replace('T', '-').replace(/:/g, '-');
}

/** Hive-style Azure blob path parts for the hour containing `us`. */
export function hourParts(us: number): { y: string; m: string; d: string; h: string } {
  const d = new Date(Math.floor(us / US_PER_H) * 3_600_000);
  return { y: String(d.getUTCFullYear()), m: pad(d.getUTCMonth() + 1, 2), d: pad(d.getUTCDate(), 2), h: pad(d.getUTCHours(), 2) };
}
