/**
 * The common auth.log line, read without the general envelope parser: an RFC 3164 file line with no
 * PRI whose 16-character header (`Mar  5 06:00:00 `) is the one the general parser last accepted (lines
 * come in time order, many to a second), then `host tag[pid]: body`. Lines of other programs (sudo,
 * systemd-logind, CRON) cost a look at their tag and no object. The host is a slice of the line, as the
 * general parser gives it.
 *
 * It answers only where the general path (io/sources/syslog-envelope.ts) would answer the same, and
 * declines everything else (a new second, a PRI, a tag without a host, a tag with a path, CR endings).
 */
import { flatCopy } from '../strings.js';

export const SSHD = 1;
export const OTHER = 0;

export interface FastLine {
  time: number;
  host: string;
  /** SSHD or OTHER. */
  program: number;
  body: string;
}

export class Rfc3164FastPath {
  private header = '';
  private time = Number.NaN;
  /** Reused for every answer: the caller reads it before the next line. */
  private readonly out: FastLine = { time: 0, host: '', program: OTHER, body: '' };

  /** The general parser accepted `text` as RFC 3164 (no PRI) at `time`: its header may be reused. */
  learn(text: string, time: number): void {
    const c = text.charCodeAt(0);
    if (c < 65 || c > 90 || text.charCodeAt(15) !== 32) return;
    this.header = flatCopy(text.slice(0, 16));
    this.time = time;
  }

  /** The parts of `text`, or undefined when the general path must read it. */
  read(text: string): FastLine | undefined {
    if (this.header === '' || !text.startsWith(this.header)) return undefined;
    const n = text.length;
    if (text.charCodeAt(n - 1) === 13) return undefined;
    const sp = text.indexOf(' ', 16);
    // No host (the tag comes first, ending in a colon) or an empty one: the general path decides.
    if (sp <= 16 || text.charCodeAt(sp - 1) === 58) return undefined;
    const tag = sp + 1;
    let j = tag;
    let slash = false;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === 91 || c === 58 || c === 32) break;
      if (c === 47) slash = true;
    }
    if (j === tag || j >= n || slash) return undefined;
    const tagEnd = j;
    if (text.charCodeAt(j) === 91) {
      const close = text.indexOf(']', j);
      if (close < 0) return undefined;
      j = close + 1;
    }
    if (text.charCodeAt(j) !== 58) return undefined;
    j++;
    if (text.charCodeAt(j) === 32) j++;
    const out = this.out;
    out.time = this.time;
    out.host = text.slice(16, sp);
    out.program = isSshdTag(text, tag, tagEnd) ? SSHD : OTHER;
    out.body = out.program === SSHD ? text.slice(j) : '';
    return out;
  }
}

/** sshd, sshd-session or sshd-auth (the tags of sshd.ts SSHD_PROGRAMS) at text[from, to). */
function isSshdTag(text: string, from: number, to: number): boolean {
  if (!text.startsWith('sshd', from)) return false;
  const len = to - from;
  return len === 4 || (len === 12 && text.startsWith('-session', from + 4)) || (len === 9 && text.startsWith('-auth', from + 4));
}
