import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sshdDecoder } from '../../../src/detect/decoders/sshd.js';
import { isRejection, type DecodeResult } from '../../../src/detect/types.js';
import type { AuthEvent, FlowEvent } from '../../../src/model/event.js';

// Fixtures are invented from the documented templates (documentation addresses, made-up fingerprints).
const FP = 'SHA256:q7cVfzX0m3QhOqT3c1m3vVvQ0l2bZ1pG1bq8c9Yw4eE';
const CA = 'SHA256:Zk1Ew9uQx2cY7bq3mN6Rr0tV8pLs5aD4fG2hJ7kL9mQ';

function decode(line: string, year = 2025): DecodeResult {
  return sshdDecoder.open('auth.log', { defaultYear: year }).line(line, { source: 'auth.log', offset: 0, line: 1 });
}

function events(line: string, year?: number) {
  const r = decode(line, year);
  if (isRejection(r)) throw new Error(`rejected: ${r.reject}`);
  return r;
}

function oneAuth(line: string): AuthEvent {
  const r = events(line);
  expect(r).toHaveLength(1);
  expect(r[0]!.kind).toBe('auth');
  return r[0] as AuthEvent;
}

describe('sshd decoder: envelopes', () => {
  const body = `Accepted publickey for alice from 198.51.100.7 port 53211 ssh2: ED25519 ${FP}`;
  const cases: [string, string, number, string | undefined][] = [
    ['RFC 3164 file', `Mar  4 09:15:02 web1 sshd[2211]: ${body}`, Date.UTC(2025, 2, 4, 9, 15, 2), 'web1'],
    ['RFC 3164 two-digit day', `Mar 14 09:15:02 web1 sshd[2211]: ${body}`, Date.UTC(2025, 2, 14, 9, 15, 2), 'web1'],
    ['RFC 3164 with PRI', `<38>Mar  4 09:15:02 web1 sshd[2211]: ${body}`, Date.UTC(2025, 2, 4, 9, 15, 2), 'web1'],
    ['RFC 3164 without host', `<38>Mar  4 09:15:02 sshd[2211]: ${body}`, Date.UTC(2025, 2, 4, 9, 15, 2), undefined],
    ['rsyslog RFC 3339', `2025-03-04T09:15:02.481337+01:00 web1 sshd-session[2211]: ${body}`, Date.UTC(2025, 2, 4, 8, 15, 2, 481), 'web1'],
    ['RFC 3339 Z', `2025-03-04T09:15:02Z web1 sshd-auth[2211]: ${body}`, Date.UTC(2025, 2, 4, 9, 15, 2), 'web1'],
    ['RFC 5424 nil SD', `<38>1 2025-03-04T09:15:02.481337+01:00 web1 sshd 2211 - - ${body}`, Date.UTC(2025, 2, 4, 8, 15, 2, 481), 'web1'],
    [
      'RFC 5424 with SD and BOM',
      `<38>1 2025-03-04T09:15:02Z web1 sshd-session 2211 - [origin ip="192.0.2.1" x="a\\]b"][meta seq="1"] \uFEFF${body}`,
      Date.UTC(2025, 2, 4, 9, 15, 2),
      'web1',
    ],
    [
      'journald JSON',
      JSON.stringify({ __REALTIME_TIMESTAMP: '1741079702481337', _HOSTNAME: 'web1', SYSLOG_IDENTIFIER: 'sshd-session', _PID: '2211', MESSAGE: body }),
      1741079702481,
      'web1',
    ],
  ];
  for (const [name, line, time, host] of cases) {
    it(name, () => {
      const ev = oneAuth(line);
      expect(ev).toMatchObject({ user: 'alice', src: '198.51.100.7', srcPort: 53211, success: true, method: 'publickey', credential: FP, keyType: 'ED25519', credentialKind: 'key' });
      expect(ev.time).toBe(time);
      expect(ev.observer).toBe(host);
      expect(ev.ref).toEqual({ source: 'auth.log', offset: 0, line: 1 });
    });
  }

  it('journald: prefers _SOURCE_REALTIME_TIMESTAMP and decodes byte-array MESSAGE', () => {
    const bytes = [...Buffer.from('Invalid user x from 203.0.113.9 port 50122')];
    const line = JSON.stringify({ __REALTIME_TIMESTAMP: '1741079709000000', _SOURCE_REALTIME_TIMESTAMP: '1741079702000000', _HOSTNAME: 'web1', SYSLOG_IDENTIFIER: 'sshd', MESSAGE: bytes });
    const ev = oneAuth(line);
    expect(ev.time).toBe(1741079702000);
    expect(ev).toMatchObject({ user: 'x', invalidUser: true, success: false, src: '203.0.113.9' });
  });

  it('journald: other identifiers are skipped, broken records rejected with a reason', () => {
    expect(events(JSON.stringify({ __REALTIME_TIMESTAMP: '1', SYSLOG_IDENTIFIER: 'sudo', MESSAGE: 'x' }))).toEqual([]);
    expect(decode('{"MESSAGE": "Accepted"')).toMatchObject({ reject: expect.stringContaining('journald JSON') });
    expect(decode(JSON.stringify({ SYSLOG_IDENTIFIER: 'sshd', MESSAGE: 'x' }))).toMatchObject({ reject: expect.stringContaining('__REALTIME_TIMESTAMP') });
  });

  it('RFC 3164: the year comes from the context and advances when months wrap', () => {
    const d = sshdDecoder.open('a', { defaultYear: 2024 });
    const ref = { source: 'a', offset: 0 };
    const dec = d.line(`Dec 31 23:59:59 h sshd[1]: Invalid user a from 192.0.2.1 port 1`, ref) as AuthEvent[];
    const jan = d.line(`Jan  1 00:00:01 h sshd[1]: Invalid user a from 192.0.2.1 port 1`, ref) as AuthEvent[];
    expect(dec[0]!.time).toBe(Date.UTC(2024, 11, 31, 23, 59, 59));
    expect(jan[0]!.time).toBe(Date.UTC(2025, 0, 1, 0, 0, 1));
  });

  it('RFC 3164: an impossible date is rejected, not rolled over', () => {
    expect(decode('Feb 29 10:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 1', 2025)).toMatchObject({ reject: expect.stringContaining('invalid date') });
    expect(events('Feb 29 10:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 1', 2024)).toHaveLength(1);
  });

  it('other programs in an auth log are understood and skipped', () => {
    expect(events('Feb 23 00:08:48 h sudo: bob : TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls')).toEqual([]);
    expect(events('Jun 14 15:16:01 h sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=192.0.2.4')).toEqual([]);
    expect(events('Jun 19 04:09:11 h syslogd 1.4.1: restart.')).toEqual([]);
  });

  it('lines without a syslog or journald shape are rejected', () => {
    expect(decode('hello world')).toMatchObject({ reject: expect.stringContaining('not a syslog') });
    expect(decode('<999>Mar  4 09:15:02 h sshd[1]: x')).toMatchObject({ reject: expect.stringContaining('PRI') });
    expect(decode('<38>1 - h sshd 1 - - x')).toMatchObject({ reject: expect.stringContaining('NILVALUE') });
    expect(decode('<38>1 2025-03-04T09:15:02Z h sshd 1 - [unterminated x')).toMatchObject({ reject: expect.stringContaining('STRUCTURED-DATA') });
  });
});

describe('sshd decoder: messages', () => {
  const h = 'Mar  4 09:15:02 web1 sshd[2211]: ';

  it('certificate, current format (user-key fingerprint, key id, serial, CA)', () => {
    const ev = oneAuth(`${h}Accepted publickey for alice from 192.0.2.10 port 53211 ssh2: ED25519-CERT ${FP} ID alice@corp (serial 42) CA ED25519 ${CA}`);
    expect(ev).toMatchObject({ credentialKind: 'certificate', credential: 'alice@corp', certSerial: '42', ca: CA, keyFingerprint: FP, keyType: 'ED25519-CERT' });
  });

  it('certificate, 7.x format without user-key fingerprint; key id with spaces', () => {
    const ev = oneAuth(`${h}Accepted publickey for alice from 192.0.2.10 port 53211 ssh2: RSA-CERT ID alice smith (laptop) (serial 7) CA RSA ${CA}`);
    expect(ev).toMatchObject({ credentialKind: 'certificate', credential: 'alice smith (laptop)', certSerial: '7', ca: CA, keyFingerprint: undefined });
  });

  it('plain key with method info suffix and old MD5 fingerprint', () => {
    expect(oneAuth(`${h}Accepted publickey for bob from 192.0.2.10 port 1 ssh2: ECDSA ${FP}, extra info`).credential).toBe(FP);
    const md5 = oneAuth(`${h}Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2: RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84`);
    expect(md5).toMatchObject({ credentialKind: 'key', keyType: 'RSA', credential: '39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84' });
  });

  it('password, keyboard-interactive/pam and failures', () => {
    expect(oneAuth(`${h}Accepted password for carol from 192.0.2.11 port 2 ssh2`)).toMatchObject({ method: 'password', credentialKind: 'password', success: true });
    expect(oneAuth(`${h}Accepted keyboard-interactive/pam for carol from 192.0.2.11 port 2 ssh2`)).toMatchObject({ method: 'keyboard-interactive', success: true });
    expect(oneAuth(`${h}Failed password for invalid user admin from 203.0.113.9 port 4 ssh2`)).toMatchObject({ success: false, invalidUser: true, user: 'admin' });
    expect(oneAuth(`${h}Failed none for invalid user 0 from 203.0.113.9 port 4 ssh2`)).toMatchObject({ method: 'none', user: '0' });
    expect(oneAuth(`${h}Failed publickey for root from 203.0.113.9 port 4 ssh2: RSA ${FP}`)).toMatchObject({ success: false, credential: FP });
  });

  it('attacker-chosen user names cannot move the source', () => {
    const ev = oneAuth(`${h}Failed password for invalid user x from 9.9.9.9 port 1 ssh2: y from 203.0.113.9 port 4 ssh2`);
    expect(ev).toMatchObject({ src: '203.0.113.9', srcPort: 4, user: 'x from 9.9.9.9 port 1 ssh2: y' });
  });

  it('Invalid user with and without port; empty user', () => {
    expect(oneAuth(`${h}Invalid user oracle from 203.0.113.9 port 50122`)).toMatchObject({ user: 'oracle', srcPort: 50122, invalidUser: true, success: false });
    expect(oneAuth(`${h}Invalid user test from 10.0.2.2`)).toMatchObject({ user: 'test', srcPort: undefined });
    expect(oneAuth(`${h}Invalid user  from 203.0.113.9 port 1`)).toMatchObject({ user: '' });
  });

  it('connection lines become inbound flows to the logging host', () => {
    const f = events(`${h}Connection from 203.0.113.9 port 50122 on 192.0.2.1 port 2222 rdomain ""`) as FlowEvent[];
    expect(f[0]).toMatchObject({ kind: 'flow', src: '203.0.113.9', srcPort: 50122, dst: 'web1', dstPort: 2222, direction: 'inbound', action: 'accept' });
    const lines = [
      'Connection closed by invalid user oracle 203.0.113.9 port 50122 [preauth]',
      'Connection closed by 203.0.113.9 [preauth]',
      'Connection reset by authenticating user root 203.0.113.9 port 50122 [preauth]',
      'Received disconnect from 203.0.113.9 port 50122:11: Bye Bye [preauth]',
      'Received disconnect from 203.0.113.9: 11: Bye Bye [preauth]',
      'error: Received disconnect from 203.0.113.9: 3: com.jcraft.jsch.JSchException: Auth fail [preauth]',
      'Disconnected from user alice 203.0.113.9 port 50122',
      'Disconnecting invalid user admin 203.0.113.9 port 50122: Too many authentication failures [preauth]',
      'Did not receive identification string from 203.0.113.9',
      "Bad protocol version identification 'GET / HTTP/1.1' from 203.0.113.9 port 50122",
      'Unable to negotiate with 203.0.113.9 port 50122: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]',
      'banner exchange: Connection from 203.0.113.9 port 50122: invalid format',
      'fatal: Timeout before authentication for 203.0.113.9 port 50122',
      'error: maximum authentication attempts exceeded for root from 203.0.113.9 port 50122 ssh2 [preauth]',
      'Connection from 203.0.113.9 port 50122 timed out',
    ];
    for (const l of lines) {
      const r = events(h + l) as FlowEvent[];
      expect(r, l).toHaveLength(1);
      expect(r[0], l).toMatchObject({ kind: 'flow', src: '203.0.113.9', dst: 'web1', dstPort: 22 });
    }
  });

  it('IPv6 peers, whose colons must not be mistaken for separators', () => {
    const v6 = [
      ['Received disconnect from 2001:db8:10:f3::a22 port 45160:11: disconnected by user', 45160],
      ['Received disconnect from 2001:db8:10:f3::a22: 11: disconnected by user', undefined],
      ['Connection closed by authenticating user root 2001:db8:10:f3::a22 port 45160 [preauth]', 45160],
      ['Disconnected from user alice 2001:db8:10:f3::a22 port 45160', 45160],
      ['Did not receive identification string from 2001:db8:10:f3::a22 port 45160', 45160],
    ] as const;
    for (const [l, p] of v6) {
      const r = events(h + l) as FlowEvent[];
      expect(r[0], l).toMatchObject({ src: '2001:db8:10:f3::a22', srcPort: p });
    }
    expect(oneAuth(`${h}Accepted publickey for alice from 2001:db8::7 port 53211 ssh2: ED25519 ${FP}`)).toMatchObject({ src: '2001:db8::7', srcPort: 53211 });
    expect(oneAuth(`${h}Invalid user x from 2001:db8::7 port 1`)).toMatchObject({ src: '2001:db8::7', srcPort: 1 });
  });

  it('9.8+ listener lines carry both ends; drops are rejected flows', () => {
    const t = events('2025-03-04T09:15:02Z web1 sshd[1]: Timeout before authentication for connection from 203.0.113.9 to 192.0.2.1, pid = 4242') as FlowEvent[];
    expect(t[0]).toMatchObject({ src: '203.0.113.9', action: 'accept' });
    const d = events('2025-03-04T09:15:02Z web1 sshd[1]: drop connection #12 from [2001:db8::9]:50122 on [2001:db8::1]:22 past MaxStartups') as FlowEvent[];
    expect(d[0]).toMatchObject({ src: '2001:db8::9', srcPort: 50122, action: 'reject', dstPort: 22 });
  });

  it('irrelevant sshd lines decode to nothing', () => {
    for (const l of [
      'pam_unix(sshd:session): session opened for user alice(uid=1001) by alice(uid=0)',
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root',
      'PAM 4 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root',
      'input_userauth_request: invalid user oracle [preauth]',
      'reverse mapping checking getaddrinfo for ns.example.com [203.0.113.9] failed - POSSIBLE BREAK-IN ATTEMPT!',
      'Server listening on 0.0.0.0 port 22.',
      `Accepted key ED25519 ${FP} found at /home/alice/.ssh/authorized_keys:1`,
      'Postponed publickey for root from 203.0.113.9 port 57222 ssh2 [preauth]',
      'Partial publickey for root from 203.0.113.9 port 57222 ssh2: ED25519 ' + FP,
      'debug1: rexec start in 5 out 5 newsock 5 pipe -1 sock 8',
      'error: kex_exchange_identification: Connection closed by remote host',
      'fatal: Read from socket failed: Connection reset by peer [preauth]',
      'Connection closed by UNKNOWN port 65535',
      'Disconnecting: Too many authentication failures for root [preauth]',
    ]) {
      expect(events(h + l), l).toEqual([]);
    }
  });

  it('rsyslog repeats count as that many events', () => {
    const r = events(`${h}message repeated 5 times: [ Failed password for root from 203.0.113.9 port 42393 ssh2]`);
    expect(r).toHaveLength(5);
    expect(r[0]).toMatchObject({ kind: 'auth', success: false, user: 'root' });
  });

  it('malformed sshd lines of supported kinds are rejected with a reason', () => {
    expect(decode(`${h}Accepted publickey for alice from 192.0.2.10`)).toMatchObject({ reject: expect.stringContaining('auth result') });
    expect(decode(`${h}Accepted publickey for alice from 192.0.2.10 port 1 ssh2: ED25519`)).toMatchObject({ reject: expect.stringContaining('key info') });
    expect(decode(`${h}Connection closed by not-an-ip port 22`)).toMatchObject({ reject: expect.stringContaining('not an IP') });
    expect(decode(`${h}Something sshd never says`)).toMatchObject({ reject: expect.stringContaining('unrecognised sshd message') });
  });
});

describe('sshd decoder: sniff', () => {
  it('prefers streams with sshd lines', () => {
    expect(sshdDecoder.sniff(['Mar  4 09:15:02 web1 sshd[2211]: Server listening on 0.0.0.0 port 22.'])).toBeGreaterThan(0.9);
    expect(sshdDecoder.sniff(['Mar  4 09:15:02 web1 cron[1]: x'])).toBeLessThan(0.5);
    expect(sshdDecoder.sniff(['{"kind":"Event","apiVersion":"audit.k8s.io/v1"}', '10.0.0.1 - - [04/Mar/2025:09:15:02 +0000] "GET / HTTP/1.1" 200 1'])).toBe(0);
  });
});

describe('sshd decoder: property', () => {
  const d = sshdDecoder.open('fuzz', { defaultYear: 2025 });
  const ref = { source: 'fuzz', offset: 0 };
  const check = (s: string): void => {
    const r = d.line(s, ref);
    expect(Array.isArray(r) || typeof r.reject === 'string').toBe(true);
  };
  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => check(s)), { numRuns: 2000 });
  });
  it('never throws on mangled sshd lines', () => {
    const prefixes = ['Mar  4 09:15:02 web1 sshd[1]: ', '<38>1 2025-03-04T09:15:02Z web1 sshd 1 - - ', '2025-03-04T09:15:02.1+01:00 h sshd-session[2]: ', '{"MESSAGE":'];
    const words = ['Accepted', 'Failed', 'publickey', 'password', 'for', 'invalid user', 'from', 'port', '203.0.113.9', '2001:db8::1', 'ssh2:', 'ID', '(serial', ')', 'CA', 'ED25519-CERT', FP, '[preauth]', 'Connection', 'closed by', 'message repeated 3 times: [', ']', ':', ' '];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.array(fc.constantFrom(...words), { maxLength: 20 }), (p, ws) => check(p + ws.join(' '))),
      { numRuns: 3000 },
    );
  });
});
