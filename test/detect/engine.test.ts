import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type DrawbridgeConfig } from '../../src/config/schema.js';
import { runDetect, type DetectOptions } from '../../src/detect/engine.js';
import { MemoryStateStore } from '../../src/detect/state/memory.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import { asnLookupFromRows } from '../../src/intel/asn.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Invented world: the organisation's office in AS64500, an allow-listed VPN, a foreign AS64666.
const ASN = asnLookupFromRows([
  { start: '198.51.100.0', end: '198.51.100.255', asn: 64500, org: 'Example Corp' },
  { start: '203.0.113.0', end: '203.0.113.255', asn: 64666, org: 'Faraway Hosting' },
  { start: '233.252.0.0', end: '233.252.0.255', asn: 64777, org: 'Scanner Net' },
]);
const K1 = 'SHA256:AAAAalicekeyoneAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const K2 = 'SHA256:ZZZZstrangerkeyZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ';
const CA = 'SHA256:CCCCcorpcaCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC';
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 2, 4, 8, 0, 0);

function config(extra: Record<string, unknown> = {}, detect: Record<string, unknown> = {}): DrawbridgeConfig {
  return ConfigSchema.parse({
    stateDir: join(dir, `state-${Math.random().toString(36).slice(2)}`),
    organisation: { asns: [64500], allowedRanges: ['192.0.2.0/24'] },
    detect: { learningPeriod: '1d', outOfOrderness: '5m', ...detect },
    ...extra,
  });
}

function syslog(t: number, host: string, body: string, pid = 2211): string {
  return `${new Date(t).toISOString().replace('Z', '+00:00')} ${host} sshd-session[${pid}]: ${body}`;
}

const login = (t: number, user: string, src: string, info: string, method = 'publickey'): string =>
  syslog(t, 'web1', `Accepted ${method} for ${user} from ${src} port ${40000 + (t % 20000)} ssh2${info ? `: ${info}` : ''}`);
const cert = (serial: number, fp: string): string => `ED25519-CERT ${fp} ID bob@corp (serial ${serial}) CA ED25519 ${CA}`;

/** A day of ordinary administration plus Internet background noise. */
function normalDay(day: number): string[] {
  const t = T0 + day * DAY;
  return [
    syslog(t, 'web1', 'Invalid user oracle from 233.252.0.7 port 50122'),
    syslog(t + 1000, 'web1', 'Connection closed by invalid user oracle 233.252.0.7 port 50122 [preauth]'),
    login(t + 60_000, 'alice', '198.51.100.10', `ED25519 ${K1}`),
    syslog(t + 61_000, 'web1', 'pam_unix(sshd:session): session opened for user alice(uid=1001) by alice(uid=0)'),
    // Certificates are re-issued daily: new serial and user key, same key id and CA.
    login(t + 120_000, 'bob', '198.51.100.11', cert(100 + day, `SHA256:bobkey${day}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`)),
    login(t + 180_000, 'carol', '192.0.2.5', '', 'password'),
  ];
}

const intrusion = (t: number, src = '203.0.113.66'): string[] => [
  login(t, 'alice', src, `ED25519 ${K2}`),
  syslog(t + 500, 'web1', 'pam_unix(sshd:session): session opened for user alice(uid=1001) by alice(uid=0)'),
];

function write(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

function opts(cfg: DrawbridgeConfig, more: Partial<DetectOptions> = {}): DetectOptions {
  return { config: cfg, store: new MemoryStateStore(), asn: ASN, now: T0, ...more };
}

describe('runDetect over sshd logs', () => {
  it('after the learning period, a new key from a foreign ASN raises DS0002 (high) and DS0029', async () => {
    const file = write('planted.log', [...normalDay(0), ...normalDay(1), ...normalDay(2), ...intrusion(T0 + 2 * DAY + 3_600_000), ...normalDay(3)]);
    const r = await runDetect([file], opts(config()));
    expect(r.rejected).toEqual([]);
    expect(r.stats).toMatchObject({ records: 26, rejected: 0, late: 0 });
    expect(r.alerts.map((a) => [a.rule, a.control, a.severity, a.asset])).toEqual([
      ['unseen-credential', 'DS0002', 'high', 'alice@web1'],
      ['new-source-range', 'DS0029', 'high', 'web1:22'],
    ]);
    const [cred, range] = r.alerts as [(typeof r.alerts)[0], (typeof r.alerts)[0]];
    expect(cred.subTechnique).toBe('ssh-access');
    expect(cred.technique).toBe('AT-GA003');
    expect(cred.evidence).toMatchObject({ credential: K2, src: '203.0.113.66', asn: 64666, asOrg: 'Faraway Hosting', foreignSource: true });
    expect(cred.evidence.raw).toContain(`Accepted publickey for alice from 203.0.113.66`);
    const lineNo = 19;
    expect(cred.evidence.line).toBe(lineNo);
    const text = readFileSync(file, 'utf8');
    expect(text.slice(cred.location.offset).startsWith(cred.evidence.raw as string)).toBe(true);
    expect(cred.location).toEqual({ source: file, offset: cred.location.offset, time: new Date(T0 + 2 * DAY + 3_600_000).toISOString(), record: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(range.evidence).toMatchObject({ range: '203.0.113.0/24', login: true });

    // Deterministic ids: the same input gives the same alerts.
    const again = await runDetect([file], opts(config()));
    expect(again.alerts.map((a) => a.id)).toEqual(r.alerts.map((a) => a.id));
  });

  it('nothing alerts during the learning period', async () => {
    const file = write('early.log', [...normalDay(0), ...intrusion(T0 + 3_600_000), ...normalDay(3)]);
    const r = await runDetect([file], opts(config()));
    expect(r.alerts).toEqual([]);
    const noLearning = await runDetect([file], opts(config({}, { learningPeriod: 0 })));
    // Without learning everything is new: every first login and every first range alerts.
    expect(noLearning.alerts.length).toBeGreaterThan(4);
  });

  it('allow-listed ranges never raise DS0029; a new key from there is still DS0002, not raised', async () => {
    const file = write('vpn.log', [...normalDay(0), ...normalDay(2), ...intrusion(T0 + 2 * DAY + 3_600_000, '192.0.2.200')]);
    const r = await runDetect([file], opts(config()));
    expect(r.alerts.map((a) => [a.rule, a.severity])).toEqual([['unseen-credential', 'medium']]);
    expect(r.alerts[0]!.evidence).toMatchObject({ foreignSource: false });
  });

  it('unknown ASNs count as foreign; organisation ASNs do not', async () => {
    const file = write('asn.log', [...normalDay(0), ...normalDay(2), ...intrusion(T0 + 2 * DAY + 3_600_000, '198.51.100.99'), login(T0 + 2 * DAY + 7_200_000, 'bob', '100.0.0.1', `ED25519 ${K2}`)]);
    const r = await runDetect([file], opts(config()));
    const creds = r.alerts.filter((a) => a.rule === 'unseen-credential');
    expect(creds.map((a) => [a.asset, a.severity])).toEqual([
      ['alice@web1', 'medium'],
      ['bob@web1', 'high'],
    ]);
    // The /24 of 198.51.100.99 is already known from alice's normal logins: no DS0029 for it.
    expect(r.alerts.filter((a) => a.rule === 'new-source-range').map((a) => a.evidence.range)).toEqual(['100.0.0.0/24']);
  });

  it('baseline entries expire when unseen for longer than baselineExpiry', async () => {
    const file = write('expiry.log', [...normalDay(0), login(T0 + 40 * DAY, 'alice', '198.51.100.10', `ED25519 ${K1}`)]);
    const keep = await runDetect([file], opts(config()));
    expect(keep.alerts).toEqual([]);
    const r = await runDetect([file], opts(config({}, { baselineExpiry: '30d' })));
    expect(r.alerts.map((a) => [a.rule, a.asset])).toEqual([
      ['unseen-credential', 'alice@web1'],
      ['new-source-range', 'web1:22'],
    ]);
  });

  it('orders events within the allowed disorder and counts later ones as late', async () => {
    const day2 = T0 + 2 * DAY;
    const lines = [
      ...normalDay(0),
      // Intrusion logged 2 minutes before a line with an earlier time stamp: within the 5 min bound.
      login(day2 + 120_000, 'alice', '203.0.113.66', `ED25519 ${K2}`),
      login(day2, 'alice', '203.0.113.67', `ED25519 ${K2}`),
      // An hour late: processed, counted.
      login(day2 + 3_600_000, 'dave', '198.51.100.12', `ED25519 ${K1}`),
      login(day2 + 60_000, 'erin', '198.51.100.12', `ED25519 ${K1}`),
    ];
    const r = await runDetect([write('disorder.log', lines)], opts(config()));
    expect(r.stats.late).toBe(1);
    const first = r.alerts.find((a) => a.rule === 'unseen-credential' && a.asset === 'alice@web1')!;
    // In event-time order the login from .67 (earlier time, later line) comes first and takes the alert.
    expect(first.evidence.src).toBe('203.0.113.67');
    expect(r.alerts.map((a) => a.asset)).toContain('erin@web1');
  });

  it('keeps rejected records with source, offset, line and reason, and writes them to the dead-letter file', async () => {
    const cfg = config();
    const lines = [...normalDay(0), syslog(T0 + DAY, 'web1', 'Accepted publickey for alice from 198.51.100.10'), 'garbage line'];
    const file = write('bad.log', lines);
    const r = await runDetect([file], opts(cfg));
    expect(r.stats.rejected).toBe(2);
    expect(r.rejected.map((x) => [x.line, x.reason.split(':')[0]])).toEqual([
      [7, 'auth result'],
      [8, 'not a syslog (RFC 3164/3339/5424) or journald JSON line'],
    ]);
    expect(readFileSync(file, 'utf8').slice(r.rejected[1]!.offset)).toBe('garbage line\n');
    const dead = readFileSync(join(cfg.stateDir, 'dead-letter.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; source: string });
    expect(dead.map((d) => [d.source, d.line])).toEqual([
      [file, 7],
      [file, 8],
    ]);
  });

  it('merges several sources (files and stdin) in event-time order', async () => {
    const a = write('web1.log', normalDay(0));
    const web2 = normalDay(2).map((l) => l.replace(' web1 ', ' web2 '));
    const stdin = Readable.from([Buffer.from([...normalDay(0).map((l) => l.replace(' web1 ', ' web2 ')), ...web2, ...intrusion(T0 + 2 * DAY + 3_600_000)].join('\n'))]);
    const r = await runDetect([a, '-'], opts(config(), { stdin }));
    expect(r.alerts.map((x) => [x.rule, x.asset, x.location.source])).toEqual([
      ['unseen-credential', 'alice@web1', '-'],
      ['new-source-range', 'web1:22', '-'],
    ]);
  });

  it('a forced unknown format is an error; an unrecognisable source is one rejection naming it', async () => {
    const file = write('nginx.log', ['198.51.100.4 - - [04/Mar/2025:09:15:02 +0000] "GET / HTTP/1.1" 404 153 "-" "curl/8"']);
    await expect(runDetect([file], opts(config(), { format: 'nope' }))).rejects.toThrow('unknown log format "nope"');
    const r = await runDetect([file], opts(config(), { decoders: [] }));
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.reason).toContain('format not recognised');
  });
});

describe('runDetect resume (SQLite)', () => {
  it('a run killed halfway and re-run gives the same alerts as a clean run, none twice', async () => {
    const lines = [...normalDay(0), ...normalDay(1), ...normalDay(2), ...intrusion(T0 + 2 * DAY + 3_600_000), ...normalDay(3), login(T0 + 3 * DAY + 9_000_000, 'frank', '233.252.1.9', `ED25519 ${K2}`)];
    const file = write('resume.log', lines);
    const clean = await runDetect([file], { ...opts(config(), { chunkSize: 256 }), store: new SqliteStateStore(join(dir, 'clean.db')) });
    expect(clean.alerts.length).toBeGreaterThanOrEqual(3);

    for (const killAt of [3, 9, 14]) {
      const path = join(dir, `crash-${killAt}.db`);
      const first = new SqliteStateStore(path);
      await expect(
        runDetect([file], {
          ...opts(config(), { chunkSize: 256 }),
          store: first,
          beforeCommit: (batch) => {
            if (batch === killAt) throw new Error('killed');
          },
        }),
      ).rejects.toThrow('killed');
      const before = first.alerts().map((a) => a.id);
      first.close();

      const second = new SqliteStateStore(path);
      const rerun = await runDetect([file], { ...opts(config(), { chunkSize: 256 }), store: second });
      const all = [...before, ...rerun.alerts.map((a) => a.id)];
      expect(new Set(all).size).toBe(all.length);
      expect(all).toEqual(clean.alerts.map((a) => a.id));
      expect(second.alerts().map((a) => a.id)).toEqual(clean.alerts.map((a) => a.id));
      // The checkpoint is at the end: a third run reads nothing new and raises nothing.
      const third = await runDetect([file], { ...opts(config()), store: second });
      expect(third.stats.records).toBe(0);
      expect(third.alerts).toEqual([]);
      second.close();
    }
  });
});
