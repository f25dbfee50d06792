/**
 * The one syslog envelope parser, shared by the log decoders (file lines) and the syslog receiver (wire
 * messages). Syslog line envelopes (what precedes a program's message): RFC 3164 as written to files or sent
 * on the wire, rsyslog's RFC 3339 high-precision file format, RFC 5424, and one `journalctl -o json`
 * record per line. Pure functions: text in, parts or a reason out.
 */

export interface SyslogRecord {
  /** Event time, epoch milliseconds. */
  time: number;
  host?: string;
  /** Program tag / SYSLOG_IDENTIFIER as written (e.g. `sshd-session`, `sshd(pam_unix)`). */
  program: string;
  pid?: string;
  /** The program's message, without header. */
  body: string;
  envelope: 'rfc3164' | 'rfc3339' | 'rfc5424' | 'journald';
}

export type EnvelopeResult = SyslogRecord | { reject: string } | undefined;

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

export interface Rfc3164Clock {
  /** Year for the next timestamp; advanced when months wrap from December to January. */
  year: number;
  lastMonth?: number;
  /**
   * When the records were written by (a file's mtime, now for live input). Given, each timestamp takes
   * the year that makes it the most recent date not after this, as syslog readers do; `year` is unused.
   */
  reference?: () => number;
}

/** Clocks of senders and readers disagree and local times are read as UTC: a day ahead is still "not after". */
const FUTURE_SLACK_MS = 86_400_000;

function rfc3164Year(clock: Rfc3164Clock, month: number, day: number, h: number, mi: number, sec: number): number {
  if (clock.reference === undefined) {
    // A file spans a new year when months jump back (Dec → Jan); the header itself carries no year.
    if (clock.lastMonth !== undefined && month < clock.lastMonth - 6) clock.year++;
    clock.lastMonth = month;
    return clock.year;
  }
  const ref = clock.reference();
  const year = new Date(ref).getUTCFullYear();
  return utc(year, month, day, h, mi, sec, 0) > ref + FUTURE_SLACK_MS ? year - 1 : year;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digitsAt(s: string, from: number, len: number): number {
  let n = 0;
  for (let i = from; i < from + len; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return NaN;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** The last calendar day utc() resolved (lines come in time order, so mostly the same day). */
let lastDayKey = NaN;
let lastDayStart = NaN;
const DAY_MS = 86_400_000;

/** A UTC timestamp from calendar parts, or NaN when a part is out of range (e.g. Feb 30). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
  // Date.UTC is plain arithmetic in the time of day, so only the day is worth a Date.
  const key = (y * 12 + mo) * 32 + d;
  if (key !== lastDayKey) {
    const start = Date.UTC(y, mo, d);
    // Date.UTC rolls Feb 30 over into March: reject instead of guessing.
    lastDayStart = new Date(start).getUTCDate() === d ? start : NaN;
    lastDayKey = key;
  }
  const t = lastDayStart + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
  // 23:59:60 lands on the next day, which the day check above would have refused.
  return t - lastDayStart >= DAY_MS ? NaN : t;
}

/**
 * RFC 3339 timestamp starting at `i` (e.g. `2025-03-04T09:15:02.481337+01:00`).
 * Returns [time, index after the timestamp] or undefined.
 */
export function parseRfc3339(s: string, i = 0): [number, number] | undefined {
  if (s.length < i + 20) return undefined;
  if (s[i + 4] !== '-' || s[i + 7] !== '-' || (s[i + 10] !== 'T' && s[i + 10] !== 't') || s[i + 13] !== ':' || s[i + 16] !== ':') return undefined;
  const y = digitsAt(s, i, 4);
  const mo = digitsAt(s, i + 5, 2);
  const d = digitsAt(s, i + 8, 2);
  const h = digitsAt(s, i + 11, 2);
  const mi = digitsAt(s, i + 14, 2);
  const sec = digitsAt(s, i + 17, 2);
  let j = i + 19;
  let ms = 0;
  if (s[j] === '.') {
    j++;
    const start = j;
    while (j < s.length && isDigit(s.charCodeAt(j))) j++;
    if (j === start) return undefined;
    // Milliseconds from the first three fraction digits; finer digits do not change event order here.
    const frac = s.slice(start, Math.min(j, start + 3)).padEnd(3, '0');
    ms = digitsAt(frac, 0, 3);
  }
  let offset = 0;
  const z = s[j];
  if (z === 'Z' || z === 'z') j++;
  else if (z === '+' || z === '-') {
    if (s[j + 3] !== ':') return undefined;
    const oh = digitsAt(s, j + 1, 2);
    const om = digitsAt(s, j + 4, 2);
    if (Number.isNaN(oh) || Number.isNaN(om) || oh > 23 || om > 59) return undefined;
    offset = (z === '+' ? 1 : -1) * (oh * 60 + om) * 60_000;
    j += 6;
  } else return undefined;
  const t = utc(y, mo - 1, d, h, mi, sec, ms);
  if (Number.isNaN(t)) return undefined;
  return [t - offset, j];
}

/** `tag[pid]: body` or `tag: body`, starting at i. Tags are printable, without space, `[` or `:`. */
function parseTag(s: string, i: number): { program: string; pid?: string; body: string } | undefined {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 91 /* [ */ || c === 58 /* : */ || c === 32) break;
    j++;
  }
  if (j === i || j >= s.length) return undefined;
  const program = s.slice(i, j);
  let pid: string | undefined;
  if (s.charCodeAt(j) === 91) {
    const close = s.indexOf(']', j);
    if (close < 0) return undefined;
    pid = s.slice(j + 1, close);
    j = close + 1;
  }
  if (s.charCodeAt(j) !== 58) return undefined;
  j++;
  if (s.charCodeAt(j) === 32) j++;
  return { program, pid, body: s.slice(j) };
}

/** `<PRI>` → [value, index after it]; undefined without one; a string names what is wrong. */
export function readPri(s: string): [number, number] | undefined | string {
  if (s.charCodeAt(0) !== 60 /* < */) return undefined;
  const close = s.indexOf('>');
  if (close < 0 || close > 4) return 'PRI: no closing ">" within 3 digits';
  const digits = s.slice(1, close);
  if (!/^\d{1,3}$/.test(digits)) return `PRI: "${digits.slice(0, 8)}" is not 1–3 digits`;
  const v = Number(digits);
  if (v > 191) return `PRI: ${v} is over 191`;
  return [v, close + 1];
}

/** `<PRI>` at the start; returns the index after it, or 0 when absent, or -1 when malformed. */
function skipPri(s: string): number {
  const p = readPri(s);
  return p === undefined ? 0 : typeof p === 'string' ? -1 : p[1];
}

/** RFC 3164 `Mmm dd hh:mm:ss host tag[pid]: body` from index i (after an optional PRI). */
function parseRfc3164(s: string, i: number, clock: Rfc3164Clock): EnvelopeResult {
  const month = MONTHS[s.slice(i, i + 3)];
  if (month === undefined || s[i + 3] !== ' ' || s[i + 9] !== ':' || s[i + 12] !== ':' || s[i + 15] !== ' ') return undefined;
  const d1 = s.charCodeAt(i + 4);
  const day = (d1 === 32 ? 0 : d1 - 48) * 10 + (s.charCodeAt(i + 5) - 48);
  const h = digitsAt(s, i + 7, 2);
  const mi = digitsAt(s, i + 10, 2);
  const sec = digitsAt(s, i + 13, 2);
  if ((d1 !== 32 && !isDigit(d1)) || !isDigit(s.charCodeAt(i + 5)) || Number.isNaN(h + mi + sec)) return undefined;
  const year = rfc3164Year(clock, month, day, h, mi, sec);
  const time = utc(year, month, day, h, mi, sec, 0);
  if (Number.isNaN(time)) return { reject: `timestamp: invalid date "${s.slice(i, i + 15)}" in year ${year}` };
  return hostAndTag(s, i + 16, time, 'rfc3164');
}

/** `host tag[pid]: body`; senders that omit the host put the tag first, which we recognise by its colon. */
function hostAndTag(s: string, i: number, time: number, envelope: 'rfc3164' | 'rfc3339'): EnvelopeResult {
  const sp = s.indexOf(' ', i);
  const first = sp < 0 ? s.slice(i) : s.slice(i, sp);
  if (first.endsWith(':')) {
    const tag = parseTag(s, i);
    if (tag) return { time, program: tag.program, pid: tag.pid, body: tag.body, envelope };
  }
  if (sp < 0 || first.length === 0) return { reject: 'header: no host or program tag after the timestamp' };
  const tag = parseTag(s, sp + 1);
  if (tag) return { time, host: first, program: tag.program, pid: tag.pid, body: tag.body, envelope };
  // RFC 3164 allows content without a "tag:" (e.g. "syslogd 1.4.1: restart."): the first word names the sender.
  const rest = s.slice(sp + 1).trimStart();
  const word = /^[^\s:[]*/.exec(rest)?.[0] ?? '';
  if (word === '') return { reject: 'header: no program tag after the host' };
  return { time, host: first, program: word, body: rest.slice(word.length).trimStart(), envelope };
}

/** RFC 5424 `<PRI>1 TS HOST APP PROCID MSGID SD [MSG]` from index i (just after the PRI). */
function parseRfc5424(s: string, i: number): EnvelopeResult {
  let j = i + 2;
  const next = (): string | undefined => {
    const sp = s.indexOf(' ', j);
    if (sp < 0) return undefined;
    const tok = s.slice(j, sp);
    j = sp + 1;
    return tok;
  };
  const ts = next();
  const host = next();
  const app = next();
  const procid = next();
  const msgid = next();
  if (ts === undefined || host === undefined || app === undefined || procid === undefined || msgid === undefined) {
    return { reject: 'RFC 5424: header has fewer than 6 fields' };
  }
  if (ts === '-') return { reject: 'RFC 5424: TIMESTAMP is NILVALUE; no event time' };
  const t = parseRfc3339(ts);
  if (!t || t[1] !== ts.length) return { reject: `RFC 5424: TIMESTAMP "${ts.slice(0, 40)}" is not RFC 3339` };
  // STRUCTURED-DATA: "-" or one or more [id param="value"...] elements; values escape \" \] \\.
  if (s[j] === '-') j++;
  else if (s[j] === '[') {
    while (s[j] === '[') {
      let inQuote = false;
      j++;
      for (; j < s.length; j++) {
        const c = s[j];
        if (inQuote && c === '\\') j++;
        else if (c === '"') inQuote = !inQuote;
        else if (!inQuote && c === ']') break;
      }
      if (j >= s.length) return { reject: 'RFC 5424: unterminated STRUCTURED-DATA' };
      j++;
    }
  } else return { reject: 'RFC 5424: STRUCTURED-DATA missing' };
  let body = j >= s.length ? '' : s[j] === ' ' ? s.slice(j + 1) : undefined;
  if (body === undefined) return { reject: 'RFC 5424: no space after STRUCTURED-DATA' };
  if (body.charCodeAt(0) === 0xfeff) body = body.slice(1);
  return {
    time: t[0],
    host: host === '-' ? undefined : host,
    program: app === '-' ? '' : app,
    pid: procid === '-' ? undefined : procid,
    body,
    envelope: 'rfc5424',
  };
}

/** A journal export field: strings as is; byte arrays (non-UTF-8) decoded lossily; repeated fields → first. */
function journalField(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length > 0) {
    if (v.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255)) {
      return Buffer.from(v as number[]).toString('utf8');
    }
    return journalField(v[0]);
  }
  return undefined;
}

/** One `journalctl -o json` record. */
export function parseJournalJson(line: string): EnvelopeResult {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (e) {
    return { reject: `journald JSON: ${(e as Error).message}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { reject: 'journald JSON: not an object' };
  const o = doc as Record<string, unknown>;
  const message = journalField(o.MESSAGE);
  if (message === undefined) return { reject: 'journald JSON: field MESSAGE missing or not text' };
  // The sender's own timestamp is closer to the event than the journal's receive time.
  const usText = journalField(o._SOURCE_REALTIME_TIMESTAMP) ?? journalField(o.__REALTIME_TIMESTAMP);
  if (usText === undefined || !/^\d{1,17}$/.test(usText)) return { reject: 'journald JSON: field __REALTIME_TIMESTAMP missing or not microseconds' };
  return {
    time: Math.floor(Number(usText) / 1000),
    host: journalField(o._HOSTNAME),
    program: journalField(o.SYSLOG_IDENTIFIER) ?? journalField(o._COMM) ?? '',
    pid: journalField(o.SYSLOG_PID) ?? journalField(o._PID),
    body: message,
    envelope: 'journald',
  };
}

/**
 * Recognise the envelope of one line. `undefined` means the line has no syslog shape at all
 * (the caller decides whether that is a rejection); `{reject}` means it has the shape but is broken.
 */
export function parseEnvelope(line: string, clock: Rfc3164Clock): EnvelopeResult {
  const c0 = line.charCodeAt(0);
  if (c0 === 123 /* { */) return parseJournalJson(line);
  const i = skipPri(line);
  if (i < 0) return { reject: 'header: malformed <PRI>' };
  if (i > 0 && line[i] === '1' && line[i + 1] === ' ') return parseRfc5424(line, i);
  if (isDigit(line.charCodeAt(i))) {
    const t = parseRfc3339(line, i);
    if (!t) return isDigit(line.charCodeAt(i + 1)) && line[i + 4] === '-' ? { reject: 'timestamp: not RFC 3339' } : undefined;
    if (line[t[1]] !== ' ') return { reject: 'header: no space after the timestamp' };
    return hostAndTag(line, t[1] + 1, t[0], 'rfc3339');
  }
  return parseRfc3164(line, i, clock);
}
