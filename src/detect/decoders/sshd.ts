/**
 * OpenSSH sshd authentication logs in any of the envelopes sshd's lines reach disk in:
 * RFC 3164 (file or wire, with PRI), rsyslog RFC 3339, RFC 5424 and `journalctl -o json`.
 * Each line's envelope is recognised on its own, so a mixed stream decodes too.
 */
import type { Decoder, DecodeContext, DecodeResult, RecordDecoder } from '../types.js';
import type { RecordRef } from '../../model/event.js';
import { parseEnvelope, type Rfc3164Clock } from '../../io/sources/syslog-envelope.js';
import { decodeSshdMessage } from './sshd-messages.js';
import { Rfc3164FastPath, SSHD } from './sshd-fast.js';

/** Program tags sshd logs under: ≤9.7 everything as sshd; ≥9.8 sessions as sshd-session; 10.x sshd-auth. */
export const SSHD_PROGRAMS: ReadonlySet<string> = new Set(['sshd', 'sshd-session', 'sshd-auth']);

function programBase(program: string): string {
  const slash = program.lastIndexOf('/');
  return slash < 0 ? program : program.slice(slash + 1);
}

export function isSshdProgram(program: string): boolean {
  return SSHD_PROGRAMS.has(programBase(program));
}

class SshdRecordDecoder implements RecordDecoder {
  private readonly clock: Rfc3164Clock;
  private readonly fast = new Rfc3164FastPath();

  constructor(ctx: DecodeContext) {
    this.clock = { year: ctx.defaultYear ?? new Date().getUTCFullYear(), ...(ctx.referenceTime ? { reference: ctx.referenceTime } : {}) };
  }

  line(text: string, ref: RecordRef): DecodeResult {
    const known = this.fast.read(text);
    if (known !== undefined) {
      // Other programs cost a look at their tag; their envelope is the one the general path accepted.
      if (known.program !== SSHD) return [];
      return decodeSshdMessage(known.body, { time: known.time, ref, observer: known.host });
    }
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.trim() === '') return [];
    const env = parseEnvelope(line, this.clock);
    if (env === undefined) return { reject: 'not a syslog (RFC 3164/3339/5424) or journald JSON line' };
    if ('reject' in env) return env;
    if (env.envelope === 'rfc3164' && line === text) this.fast.learn(text, env.time);
    // Other programs in an auth log (sudo, su, cron, old "sshd(pam_unix)" PAM tags) are understood and skipped.
    if (!isSshdProgram(env.program)) return [];
    return decodeSshdMessage(env.body, { time: env.time, ref, observer: env.host });
  }
}

export const sshdDecoder: Decoder = {
  id: 'sshd',
  description: 'OpenSSH sshd auth log: syslog RFC 3164/3339/5424 lines or journalctl -o json',
  sniff(sample: readonly string[]): number {
    const clock: Rfc3164Clock = { year: 2000 };
    let lines = 0;
    let envelopes = 0;
    let sshd = 0;
    for (const raw of sample) {
      if (raw.trim() === '') continue;
      lines++;
      const env = parseEnvelope(raw.endsWith('\r') ? raw.slice(0, -1) : raw, clock);
      if (env === undefined || 'reject' in env) continue;
      envelopes++;
      if (isSshdProgram(env.program)) sshd++;
    }
    if (lines === 0 || envelopes === 0) return 0;
    const fit = envelopes / lines;
    // A syslog stream without sshd lines is still readable here, but a better-suited decoder should win.
    return sshd > 0 ? 0.5 + 0.5 * fit : 0.2 * fit;
  },
  open(_source: string, ctx: DecodeContext): RecordDecoder {
    return new SshdRecordDecoder(ctx);
  },
};
