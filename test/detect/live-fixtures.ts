/** Invented sshd log lines and a world to judge them in, for the live (follow, syslog) detect tests. */
import { ConfigSchema, type DrawbridgeConfig } from '../../src/config/schema.js';
import { asnLookupFromRows } from '../../src/intel/asn.js';

// The organisation's office in AS64500, an allow-listed VPN, a foreign AS64666.
export const ASN = asnLookupFromRows([
  { start: '198.51.100.0', end: '198.51.100.255', asn: 64500, org: 'Example Corp' },
  { start: '203.0.113.0', end: '203.0.113.255', asn: 64666, org: 'Faraway Hosting' },
]);
export const K1 = 'SHA256:AAAAalicekeyoneAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
export const K2 = 'SHA256:ZZZZstrangerkeyZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ';
export const K3 = 'SHA256:YYYYanotherkeyYYYYYYYYYYYYYYYYYYYYYYYYYYYYY';
export const DAY = 86_400_000;
export const T0 = Date.UTC(2025, 2, 4, 8, 0, 0);

export function liveConfig(stateDir: string, detect: Record<string, unknown> = {}): DrawbridgeConfig {
  return ConfigSchema.parse({
    stateDir,
    organisation: { asns: [64500], allowedRanges: ['192.0.2.0/24'] },
    detect: { learningPeriod: '1d', outOfOrderness: '5m', ...detect },
  });
}

export interface SshdLine {
  time: number;
  host: string;
  pid: number;
  msg: string;
}

const entry = (time: number, msg: string, host = 'web1', pid = 2211): SshdLine => ({ time, host, pid, msg });

/** As rsyslog writes it to a file: `<RFC 3339 time> host sshd-session[pid]: msg`. */
export function fileLine(e: SshdLine): string {
  return `${new Date(e.time).toISOString().replace('Z', '+00:00')} ${e.host} sshd-session[${e.pid}]: ${e.msg}`;
}

/** As a sender puts it on the wire: RFC 5424, facility authpriv (10), severity info (6). */
export function rfc5424(e: SshdLine): string {
  return `<86>1 ${new Date(e.time).toISOString()} ${e.host} sshd-session ${e.pid} - - ${e.msg}`;
}

const accepted = (t: number, user: string, src: string, key: string): SshdLine =>
  entry(t, `Accepted publickey for ${user} from ${src} port ${40000 + (t % 20000)} ssh2: ED25519 ${key}`);

/** A day of ordinary administration (6 lines). */
export function normalDay(day: number): SshdLine[] {
  const t = T0 + day * DAY;
  return [
    entry(t, 'Invalid user oracle from 233.252.0.7 port 50122'),
    entry(t + 1000, 'Connection closed by invalid user oracle 233.252.0.7 port 50122 [preauth]'),
    accepted(t + 60_000, 'alice', '198.51.100.10', K1),
    entry(t + 61_000, 'pam_unix(sshd:session): session opened for user alice(uid=1001) by alice(uid=0)'),
    entry(t + 120_000, `Accepted password for carol from 192.0.2.5 port ${40000 + (t % 997)} ssh2`),
    entry(t + 121_000, 'pam_unix(sshd:session): session opened for user carol(uid=1002) by carol(uid=0)'),
  ];
}

/** A stranger's key for alice from a foreign range (2 lines): DS0002 and DS0029 after learning. */
export function intrusion(t: number, src = '203.0.113.66', user = 'alice', key = K2): SshdLine[] {
  return [accepted(t, user, src, key), entry(t + 500, `pam_unix(sshd:session): session opened for user ${user}(uid=1001) by ${user}(uid=0)`)];
}

export function fileText(entries: readonly SshdLine[]): string {
  return entries.map(fileLine).join('\n') + '\n';
}
