import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sshdDecoder } from '../../../src/detect/decoders/sshd.js';
import { parseEnvelope } from '../../../src/io/sources/syslog-envelope.js';
import { parseSyslogMessage, toEnvelopeLine, type ParseContext, type SyslogMessage } from '../../../src/io/sources/syslog-message.js';

const RECEIVED = Date.UTC(2026, 2, 4, 9, 20, 0);
const ctx = { received: RECEIVED, peer: '127.0.0.1' };
const FP = 'SHA256:Xy0m0r8Qk1tWw3yq5o1y2G9mB6k3p7Q2r4s5t6u7v8w';

function ok(raw: string, c: ParseContext = ctx): SyslogMessage {
  const r = parseSyslogMessage(raw, c);
  if ('reject' in r) throw new Error(`rejected: ${r.reject}`);
  return r;
}

describe('parseSyslogMessage', () => {
  it('parses RFC 5424 with structured data, facility and severity from PRI', () => {
    const m = ok('<38>1 2026-03-04T09:15:02.481337+01:00 web1 sshd 2211 - [origin ip="10.0.0.5"][x@1 a="b\\]c"] Accepted publickey for alice');
    expect(m).toMatchObject({
      time: Date.UTC(2026, 2, 4, 8, 15, 2, 481),
      host: 'web1',
      app: 'sshd',
      pid: '2211',
      msg: 'Accepted publickey for alice',
      facility: 4,
      severity: 6,
      format: 'rfc5424',
    });
    expect(m.receiverTime).toBeUndefined();
  });

  it('uses the receive time for an RFC 5424 NILVALUE timestamp and the peer for a NILVALUE host', () => {
    const m = ok('<165>1 - - app - ID47 - hello');
    expect(m).toMatchObject({ time: RECEIVED, host: '127.0.0.1', app: 'app', msg: 'hello', facility: 20, severity: 5, receiverTime: true });
    expect(m.pid).toBeUndefined();
  });

  it('strips the BOM that RFC 5424 puts before a UTF-8 MSG', () => {
    expect(ok('<13>1 2026-03-04T09:15:02Z h a - - - \ufeffnaïve').msg).toBe('naïve');
  });

  it('parses RFC 3164 and takes the year from the receiver', () => {
    const m = ok('<35>Mar  4 09:15:02 web1 sshd[2211]: Failed password for root from 203.0.113.9 port 4 ssh2');
    expect(m).toMatchObject({ time: Date.UTC(2026, 2, 4, 9, 15, 2), host: 'web1', app: 'sshd', pid: '2211', facility: 4, severity: 3, format: 'rfc3164' });
  });

  it('puts a December message received in January into the previous year', () => {
    const m = ok('<38>Dec 31 23:59:58 web1 cron[1]: tick', { received: Date.UTC(2026, 0, 1, 0, 0, 5) });
    expect(new Date(m.time).toISOString()).toBe('2025-12-31T23:59:58.000Z');
  });

  it('treats a message without PRI as user.notice and one without a timestamp as content (RFC 3164 §4.3.3)', () => {
    expect(ok('Mar  4 09:15:02 web1 app: hi')).toMatchObject({ facility: 1, severity: 5, app: 'app', msg: 'hi' });
    expect(ok('<14>just some text')).toMatchObject({ time: RECEIVED, host: '127.0.0.1', app: '', msg: 'just some text', receiverTime: true });
  });

  it('rejects what is broken, with a reason', () => {
    const reason = (raw: string): string => {
      const r = parseSyslogMessage(raw, ctx);
      return 'reject' in r ? r.reject : 'accepted';
    };
    expect(reason('')).toBe('empty message');
    expect(reason('\n')).toBe('empty message');
    expect(reason('<999>1 x')).toMatch(/PRI/);
    expect(reason('<1a>x')).toMatch(/PRI/);
    expect(reason('<13>2 2026-03-04T09:15:02Z h a - - - m')).toMatch(/VERSION 2/);
    expect(reason('<13>1 yesterday h a - - - m')).toMatch(/RFC 3339/);
    expect(reason(`<13>1 2026-03-04T09:15:02Z h ${'a'.repeat(49)} - - - m`)).toMatch(/APP-NAME/);
    expect(reason('<13>Feb 30 09:15:02 web1 app: m')).toMatch(/invalid date/);
  });
});

describe('toEnvelopeLine', () => {
  it('re-emits a message as a file line the sshd decoder turns into an auth event', () => {
    const m = ok(`<38>1 2026-03-04T09:15:02.481Z web1 sshd-session 2211 - - Accepted publickey for alice from 198.51.100.7 port 53211 ssh2: ED25519 ${FP}`);
    const line = toEnvelopeLine(m);
    expect(line).toBe(`2026-03-04T09:15:02.481Z web1 sshd-session[2211]: Accepted publickey for alice from 198.51.100.7 port 53211 ssh2: ED25519 ${FP}`);
    expect(sshdDecoder.sniff([line])).toBeGreaterThan(0.5);
    const events = sshdDecoder.open('syslog', { defaultYear: 2026 }).line(line, { source: 'syslog', offset: 0, line: 1 });
    expect(events).toEqual([
      expect.objectContaining({ kind: 'auth', user: 'alice', src: '198.51.100.7', success: true, observer: 'web1', time: Date.UTC(2026, 2, 4, 9, 15, 2, 481) }),
    ]);
  });

  it('keeps one message on one line and the tag grammar intact', () => {
    const m: SyslogMessage = { time: 0, host: 'h', app: 'a:b[c]', pid: '1]2', msg: 'two\nlines\r\x00end\ttab', facility: 1, severity: 5, format: 'rfc3164' };
    expect(toEnvelopeLine(m)).toBe('1970-01-01T00:00:00.000Z h a_b_c_[1_2]: two#012lines#015#000end\ttab');
  });
});

describe('syslog message parser properties', () => {
  it('never throws on arbitrary input, and every accepted message re-emits as one parseable line', () => {
    const pri = fc.integer({ min: 0, max: 200 }).map((n) => `<${n}>`);
    const input = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.tuple(pri, fc.string({ maxLength: 120 })).map(([p, s]) => p + s),
      fc.tuple(pri, fc.constantFrom('1 ', '1 - ', 'Mar  4 ', '2026-03-04T09:15:02Z '), fc.string({ maxLength: 120 })).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(input, (raw) => {
        const r = parseSyslogMessage(raw, ctx);
        if ('reject' in r) {
          expect(typeof r.reject).toBe('string');
          return;
        }
        expect(r.facility).toBeGreaterThanOrEqual(0);
        expect(r.facility).toBeLessThanOrEqual(23);
        expect(r.severity).toBeLessThanOrEqual(7);
        expect(Number.isFinite(r.time)).toBe(true);
        const line = toEnvelopeLine(r);
        expect(line).not.toMatch(/[\n\r]/);
        const env = parseEnvelope(line, { year: 2026 });
        expect(env && !('reject' in env)).toBeTruthy();
      }),
      { numRuns: 3000 },
    );
  });

  it('recovers the fields of generated RFC 5424 messages', () => {
    const token = fc.stringMatching(/^[!-9;-Z^-~]{1,40}$/).filter((s) => s !== '-');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 191 }),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        token,
        token,
        fc.integer({ min: 1, max: 4_000_000 }),
        fc.string({ maxLength: 100 }).map((s) => s.replace(/[\r\n\x00]/g, ' ').trimEnd()),
        (p, time, host, app, pid, msg) => {
          const raw = `<${p}>1 ${new Date(time).toISOString()} ${host} ${app} ${pid} - - ${msg}`;
          const m = ok(raw);
          expect(m).toMatchObject({ time, host, app, pid: String(pid), msg, facility: p >> 3, severity: p & 7 });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
