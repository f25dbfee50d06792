/**
 * The sshd decoder reads most auth.log lines through a fast path (sshd-fast.ts: the header of the last
 * line the general parser read, reused; the message kind from the first bytes of the body). Whatever
 * the fast path answers must be what the general path answers for that line, in any mix of envelopes,
 * programs, seconds and bodies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sshdDecoder } from '../../../src/detect/decoders/sshd.js';
import { parseRemoteId } from '../../../src/detect/decoders/sshd-messages.js';
import { Rfc3164FastPath, SSHD } from '../../../src/detect/decoders/sshd-fast.js';
import { parseEnvelope } from '../../../src/io/sources/syslog-envelope.js';
import type { DecodeResult } from '../../../src/detect/types.js';
import { fixture } from './helpers.js';

/** A fixed "written by" time: the year of every timestamp is then a function of the line alone. */
const ctx = { referenceTime: () => Date.UTC(2024, 5, 1) };

/** Each line through its own decoder: the fast path has nothing learned and never answers. */
function general(lines: readonly string[]): DecodeResult[] {
  return lines.map((l, i) => sshdDecoder.open('g', ctx).line(l, { source: 's', offset: i, line: i + 1 }));
}

function streamed(lines: readonly string[]): DecodeResult[] {
  const d = sshdDecoder.open('s', ctx);
  return lines.map((l, i) => d.line(l, { source: 's', offset: i, line: i + 1 }));
}

const header = fc.constantFrom('Mar  5 06:00:00', 'Mar  5 06:00:00', 'Mar  5 06:00:01', 'Dec 31 23:59:59', 'Feb 30 10:00:00', 'Mar 5 06:00:00');
const pri = fc.constantFrom('', '', '', '<38>', '<86>', '<999>');
const host = fc.constantFrom('bastion-prod-1', 'ip-10-0-11-28', 'h', '', 'a:b', 'ip-10-0-13-19.eu-west-1.compute.internal');
const tag = fc.constantFrom('sshd[123]:', 'sshd[123]:', 'sshd:', 'sshd-session[9]:', 'sshd-auth[7]:', '/usr/sbin/sshd[1]:', 'sshd(pam_unix)[3]:', 'sudo:', 'systemd-logind[795]:', 'CRON[12]:', 'sshd[12', 'sshdx[1]:', 'sshd-sessions[1]:', 'sshd[1]');
const body = fc.constantFrom(
  'Accepted publickey for oscar from 62.210.14.219 port 20689 ssh2: ED25519 SHA256:xQZDcrIxTHyDO3Fhl6zvMl8Amebjhv3ovx1oAC4u+4X',
  'Failed password for invalid user test from 125.138.90.117 port 52379 ssh2',
  'Failed password for root from 2001:db8::7 port 22 ssh2',
  'Invalid user docker from 7.121.59.118 port 38007',
  'Connection closed by 146.222.150.13 port 24321 [preauth]',
  'Connection closed by authenticating user root 10.0.0.5 port 4242 [preauth]',
  'Connection closed by invalid user  port 1 [preauth]',
  'Connection closed by user port 22',
  'Connection closed by  port 22',
  'Connection reset by 39.41.79.128 port 24525',
  'Disconnected from user alice 198.51.100.7 port 50000',
  'Disconnected from invalid user user 198.51.100.7 port 5x',
  'Received disconnect from 203.0.113.5 port 40000:11: Bye Bye [preauth]',
  'error: kex_exchange_identification: Connection closed by remote host',
  'error: kex_exchange_identification: read: Connection reset by peer',
  'banner exchange: Connection from 203.0.113.9 port 51000: invalid format',
  'error: banner exchange: Connection from 203.0.113.9 port 51000: invalid format',
  'PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4',
  'PAM: Connection from 1.2.3.4: weird',
  'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=7.121.59.118',
  'pam_unix(sshd:session): session opened for user oscar(uid=1000) by (uid=0)',
  'message repeated 3 times: [ Failed password for root from 192.0.2.1 port 22 ssh2]',
  'Timeout before authentication for 192.0.2.4 port 1000',
  'something sshd never says',
  '',
  'New session 42 of user oscar.',
  'pam_unix(sudo:session): session closed for user root',
);
const ending = fc.constantFrom('', '', '', '\r', ' ');

const parts = fc.tuple(pri, header, host, tag, body, ending);
const join = ([p, h, ho, t, b, e]: [string, string, string, string, string, string]): string => `${p}${h} ${ho}${ho === '' ? '' : ' '}${t} ${b}${e}`;
const line = parts.map(join);
/** Two lines, the second mostly in the same second as the first (what the fast path reuses). */
const sameSecond = fc.tuple(parts, parts, fc.boolean()).map(([a, b, same]) => [join(a), join(same ? [b[0], a[1], b[2], b[3], b[4], b[5]] : b)] as const);

describe('sshd: the fast path answers as the general path', () => {
  it('for any sequence of lines', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), (lines) => {
        expect(streamed(lines)).toEqual(general(lines));
      }),
      { numRuns: 1500 },
    );
  });

  it('reads the envelope as the general parser does, whenever it answers', () => {
    let answered = 0;
    fc.assert(
      fc.property(sameSecond, ([first, next]) => {
        const f = new Rfc3164FastPath();
        const env = parseEnvelope(first, { year: 2024, reference: ctx.referenceTime });
        if (env === undefined || 'reject' in env || env.envelope !== 'rfc3164') return;
        f.learn(first, env.time);
        const got = f.read(next);
        if (got === undefined) return;
        answered++;
        const want = parseEnvelope(next, { year: 2024, reference: ctx.referenceTime });
        expect(want).toMatchObject({ time: got.time, host: got.host, envelope: 'rfc3164' });
        if (got.program === SSHD) expect(want).toMatchObject({ body: got.body });
      }),
      { numRuns: 5000 },
    );
    // The property must not hold vacuously.
    expect(answered).toBeGreaterThan(150);
  });

  it('for the fixture auth logs', () => {
    const lines = fixture('sshd/auth.log').split('\n');
    expect(streamed(lines)).toEqual(general(lines));
  });
});

/** The regular expressions parseRemoteId used before it was written by hand. */
function remoteIdByRegex(s: string): ReturnType<typeof parseRemoteId> {
  let rest = s;
  let p: number | undefined;
  const m = / port (\d+)$/.exec(rest);
  if (m) {
    const n = Number(m[1]);
    p = n >= 0 && n <= 65535 ? n : undefined;
    rest = rest.slice(0, m.index);
  }
  const sp = rest.lastIndexOf(' ');
  const ip = rest.slice(sp + 1);
  if (sp < 0) return { ip, port: p };
  const pre = /^(authenticating user|invalid user|user) (.*)$/s.exec(rest.slice(0, sp));
  if (!pre) return undefined;
  return { user: pre[2], ip, port: p, invalidUser: pre[1] === 'invalid user' };
}

describe('sshd: the peer of a connection line', () => {
  it('reads as the regular expressions read it', () => {
    const word = fc.constantFrom('', ' ', 'user', 'invalid', 'invalid user', 'authenticating user', 'authenticating', 'port', ' port ', '22', '99999', 'x', '10.0.0.1', '::1', 'root', '\n');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), fc.constantFrom('', ' '), (words, sep) => {
        const s = words.join(sep);
        expect(parseRemoteId(s)).toEqual(remoteIdByRegex(s));
      }),
      { numRuns: 5000 },
    );
  });
});
