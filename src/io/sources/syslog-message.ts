/**
 * One syslog message as received on the network (RFC 5424, or RFC 3164 as relays see it), parsed into
 * its parts, and re-emitted as the one-line file envelope the log decoders read
 * (`<RFC 3339 time> host app[pid]: msg`, rsyslog's high-precision file format).
 * Header grammar (PRI included) comes from the one envelope parser, syslog-envelope.ts; this module adds what only
 * the wire has: PRI → facility/severity, the receiver's clock for missing or year-less timestamps, and
 * the RFC 5424 field-length limits.
 */
import { parseEnvelope, readPri, type Rfc3164Clock, type SyslogRecord } from './syslog-envelope.js';

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

export interface SyslogMessage {
  /** Event time, epoch ms: the sender's timestamp, or the receive time when the sender gave none. */
  time: number;
  /** Sender's HOSTNAME; the peer address when the message names none. */
  host?: string;
  /** APP-NAME / TAG ('' when absent). */
  app: string;
  pid?: string;
  msg: string;
  /** 0–23 (RFC 5424 table 1). */
  facility: number;
  /** 0 emergency … 7 debug (RFC 5424 table 2). */
  severity: number;
  format: 'rfc5424' | 'rfc3164';
  /** The timestamp came from the receiver's clock, not the sender. */
  receiverTime?: boolean;
}

export interface ParseContext {
  /** Receive time, epoch ms: fills missing timestamps and the year RFC 3164 leaves out. */
  received: number;
  /** Sender address, used as host when the message carries none. */
  peer?: string;
}

export type SyslogParse = SyslogMessage | { reject: string };

/** RFC 3164 §4.3.3: a message without PRI is treated as user.notice. */
const DEFAULT_PRI = 13;
/** RFC 5424 §6.2: HOSTNAME ≤ 255, APP-NAME ≤ 48, PROCID ≤ 128 printable characters. */
const MAX_HOST = 255;
const MAX_APP = 48;
const MAX_PROCID = 128;
/** A year-less RFC 3164 time this far ahead of the receiver is from last year (a December message read in January). */
const FUTURE_SLACK_MS = 2 * 24 * 3600 * 1000;

function stripTrailer(s: string): string {
  let e = s.length;
  while (e > 0) {
    const c = s.charCodeAt(e - 1);
    if (c !== 10 && c !== 13 && c !== 0) break;
    e--;
  }
  return e === s.length ? s : s.slice(0, e);
}

function fromRecord(r: SyslogRecord, pri: number, format: SyslogMessage['format'], ctx: ParseContext, receiverTime: boolean): SyslogMessage {
  const m: SyslogMessage = {
    time: r.time,
    app: r.program,
    msg: r.body,
    facility: pri >> 3,
    severity: pri & 7,
    format,
  };
  const host = r.host ?? ctx.peer;
  if (host !== undefined) m.host = host;
  if (r.pid !== undefined) m.pid = r.pid;
  if (receiverTime) m.receiverTime = true;
  return m;
}

function parse5424(s: string, pri: number, afterPri: number, ctx: ParseContext): SyslogParse {
  // RFC 5424 §6.2.3: a sender without a clock sends NILVALUE; the receiver's time is the best we have.
  let text = s;
  let receiverTime = false;
  if (s.startsWith('- ', afterPri + 2)) {
    text = `${s.slice(0, afterPri + 2)}${new Date(ctx.received).toISOString()}${s.slice(afterPri + 3)}`;
    receiverTime = true;
  }
  const r = parseEnvelope(text, { year: new Date(ctx.received).getUTCFullYear() });
  if (r === undefined) return { reject: 'RFC 5424: header not recognised' };
  if ('reject' in r) return r;
  if ((r.host?.length ?? 0) > MAX_HOST) return { reject: `RFC 5424: HOSTNAME longer than ${MAX_HOST}` };
  if (r.program.length > MAX_APP) return { reject: `RFC 5424: APP-NAME longer than ${MAX_APP}` };
  if ((r.pid?.length ?? 0) > MAX_PROCID) return { reject: `RFC 5424: PROCID longer than ${MAX_PROCID}` };
  return fromRecord(r, pri, 'rfc5424', ctx, receiverTime);
}

function parse3164(s: string, pri: number, ctx: ParseContext): SyslogParse {
  const year = new Date(ctx.received).getUTCFullYear();
  const attempt = (clock: Rfc3164Clock) => parseEnvelope(s, clock);
  let r = attempt({ year });
  if (r !== undefined && !('reject' in r) && r.envelope === 'rfc3164' && r.time > ctx.received + FUTURE_SLACK_MS) {
    r = attempt({ year: year - 1 });
  }
  if (r === undefined) {
    // RFC 3164 §4.3.3: no recognisable TIMESTAMP — a relay stamps it and keeps the whole text as CONTENT.
    const content = s.slice(readPriEnd(s));
    return fromRecord({ time: ctx.received, program: '', body: content, envelope: 'rfc3164' }, pri, 'rfc3164', ctx, true);
  }
  if ('reject' in r) return r;
  return fromRecord(r, pri, 'rfc3164', ctx, false);
}

function readPriEnd(s: string): number {
  const p = readPri(s);
  return Array.isArray(p) ? p[1] : 0;
}

/** Parse one received message (a datagram or a TCP frame, decoded as UTF-8). Never throws. */
export function parseSyslogMessage(raw: string, ctx: ParseContext): SyslogParse {
  const s0 = stripTrailer(raw);
  if (s0.trim() === '') return { reject: 'empty message' };
  const p = readPri(s0);
  if (typeof p === 'string') return { reject: p };
  const s = p ? s0 : `<${DEFAULT_PRI}>${s0}`;
  const [pri, afterPri] = p ?? [DEFAULT_PRI, String(DEFAULT_PRI).length + 2];
  const version = /^(\d{1,2}) /.exec(s.slice(afterPri, afterPri + 3));
  if (version) {
    if (version[1] !== '1') return { reject: `VERSION ${version[1]} is not supported (RFC 5424 defines 1)` };
    return parse5424(s, pri, afterPri, ctx);
  }
  return parse3164(s, pri, ctx);
}

/** Control characters (except TAB) as `#ooo`, as rsyslog writes them, so one message stays one line. */
function escapeControls(s: string): string {
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => `#${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** Tag and pid must not contain what ends them in the envelope grammar (space, `[`, `]`, `:`). */
function tagSafe(s: string): string {
  return s.replace(/[\s[\]:]/g, '_');
}

/**
 * The message as a file line the decoders read (`2025-03-04T09:15:02.481Z web1 sshd[2211]: Accepted …`).
 * Time is written in UTC with milliseconds; the host falls back to "-" when neither message nor peer named one.
 */
export function toEnvelopeLine(m: SyslogMessage): string {
  const host = m.host && m.host !== '' ? tagSafe(m.host) : '-';
  const app = m.app !== '' ? tagSafe(m.app) : '-';
  const pid = m.pid !== undefined && m.pid !== '' ? `[${tagSafe(m.pid)}]` : '';
  return `${new Date(m.time).toISOString()} ${host} ${app}${pid}: ${escapeControls(m.msg)}`;
}
