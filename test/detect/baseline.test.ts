import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type DrawbridgeConfig } from '../../src/config/schema.js';
import {
  APPROVED_LAST,
  approveKeys,
  BaselineKeyError,
  exportBaseline,
  forgetKeys,
  forgetOlderThan,
  importBaseline,
  isBaselineNs,
  listBaseline,
  parseBaselineExport,
  resolveDetector,
  storedKeys,
} from '../../src/detect/baseline.js';
import { runDetect } from '../../src/detect/engine.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import { asnLookupFromRows } from '../../src/intel/asn.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ASN = asnLookupFromRows([{ start: '203.0.113.0', end: '203.0.113.255', asn: 64666, org: 'Faraway Hosting' }]);
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 2, 4, 8, 0, 0);
const K1 = 'SHA256:AAAAalicekeyoneAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const K2 = 'SHA256:ZZZZstrangerkeyZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ';
let n = 0;

function config(detect: Record<string, unknown> = {}): DrawbridgeConfig {
  return ConfigSchema.parse({ stateDir: join(dir, `state-${n++}`), detect: { outOfOrderness: '5m', ...detect } });
}

const login = (t: number, user: string, src: string, key: string): string =>
  `${new Date(t).toISOString().replace('Z', '+00:00')} web1 sshd-session[2211]: Accepted publickey for ${user} from ${src} port ${40000 + (t % 20000)} ssh2: ED25519 ${key}`;

function write(lines: string[]): string {
  const p = join(dir, `log-${n++}.log`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

function store(cfg: DrawbridgeConfig): SqliteStateStore {
  return new SqliteStateStore(join(cfg.stateDir, 'state.db'));
}

async function detect(cfg: DrawbridgeConfig, lines: string[], learnOnly = false) {
  const s = store(cfg);
  try {
    return await runDetect([write(lines)], { config: cfg, store: s, asn: ASN, now: T0, deadLetter: false, learnOnly });
  } finally {
    s.close();
  }
}

const rules = (r: { alerts: { rule: string; asset: string }[] }): string[][] => r.alerts.map((a) => [a.rule, a.asset]);

describe('learn (runDetect with learnOnly)', () => {
  it('learns every event without alerting; what it learned stays quiet later and anything else alerts', async () => {
    const cfg = config();
    const learned = await detect(cfg, [login(T0, 'alice', '198.51.100.10', K1), login(T0 + 60_000, 'alice', '203.0.113.66', K2)], true);
    expect(learned.alerts).toEqual([]);
    expect(learned.stats.events).toBe(2);
    const s = store(cfg);
    expect(listBaseline(s).map((r) => [r.detector, r.key])).toEqual([
      ['unseen-credential', `alice@web1=key:${K1}`],
      ['unseen-credential', `alice@web1=key:${K2}`],
      ['new-source-range', 'web1:22=198.51.100.0/24'],
      ['new-source-range', 'web1:22=203.0.113.0/24'],
    ]);
    s.close();
    const later = await detect(cfg, [
      login(T0 + DAY, 'alice', '203.0.113.70', K2),
      login(T0 + DAY + 1000, 'bob', '203.0.113.70', K1),
      login(T0 + DAY + 2000, 'alice', '100.64.1.1', K1),
    ]);
    // alice's known key from a new range is no alert when the range is internal (100.64.0.0/10); bob's key is new.
    expect(rules(later)).toEqual([['unseen-credential', 'bob@web1']]);
  });

  it('the same input without learnOnly alerts (the option is what silences it)', async () => {
    const cfg = config();
    const r = await detect(cfg, [login(T0, 'alice', '198.51.100.10', K1), login(T0 + 60_000, 'alice', '203.0.113.66', K2)]);
    expect(r.alerts.length).toBeGreaterThan(0);
  });
});

describe('approve', () => {
  it('an approved credential never alerts, even after the baseline expiry', async () => {
    const cfg = config({ baselineExpiry: '30d' });
    const s = store(cfg);
    approveKeys(s, resolveDetector('unseen-credential'), [`alice@web1=${K2}`], cfg, T0);
    expect(listBaseline(s)).toEqual([
      { detector: 'unseen-credential', ns: 'ds0002.credential', key: `alice@web1=key:${K2}`, first: T0, approved: true },
    ]);
    s.close();
    const r = await detect(cfg, [login(T0, 'alice', '203.0.113.66', K2), login(T0 + 400 * DAY, 'alice', '203.0.113.66', K2), login(T0 + 400 * DAY + 1, 'alice', '203.0.113.66', K1)]);
    // The learned range expires after 30 days and alerts again; the approved key does not.
    expect(rules(r)).toEqual([
      ['new-source-range', 'web1:22'],
      ['new-source-range', 'web1:22'],
      ['unseen-credential', 'alice@web1'],
    ]);
    expect(r.alerts.find((a) => a.rule === 'unseen-credential')!.evidence.credential).toBe(K1);
  });

  it('an approved range covers the sources inside it; wider ranges are split into the configured size', async () => {
    const cfg = config();
    const s = store(cfg);
    const written = approveKeys(s, resolveDetector('new-source-range'), ['web1:22=203.0.112.0/23'], cfg, T0);
    expect(written.map((e) => e.key)).toEqual(['web1:22\u0000203.0.112.0/24', 'web1:22\u0000203.0.113.0/24']);
    expect(written.every((e) => e.last === APPROVED_LAST)).toBe(true);
    s.close();
    const r = await detect(cfg, [login(T0, 'alice', '203.0.113.66', K1), login(T0 + 1000, 'alice', '203.0.112.9', K1), login(T0 + 2000, 'alice', '203.0.114.1', K1)]);
    expect(r.alerts.filter((a) => a.rule === 'new-source-range').map((a) => a.evidence.range)).toEqual(['203.0.114.0/24']);
  });

  it('approving a key already learned keeps its first sighting', () => {
    const cfg = config();
    const s = store(cfg);
    s.seen('ds0029.range', 'web1:22\u0000198.51.100.0/24', T0 - DAY);
    approveKeys(s, resolveDetector('ds0029.range'), ['web1:22=198.51.100.7'], cfg, T0);
    expect(s.peek('ds0029.range', 'web1:22\u0000198.51.100.0/24')).toEqual({ first: T0 - DAY, last: APPROVED_LAST });
    s.close();
  });

  it('one bad key approves nothing', () => {
    const cfg = config();
    const s = store(cfg);
    expect(() => approveKeys(s, resolveDetector('unseen-credential'), [`alice@web1=${K1}`, 'alice@web1=fingerprint'], cfg, T0)).toThrow(BaselineKeyError);
    expect(listBaseline(s)).toEqual([]);
    s.close();
  });
});

describe('key syntax', () => {
  const cfg = ConfigSchema.parse({ detect: { sourcePrefixV4: 24, sourcePrefixV6: 48 } });
  const cred = resolveDetector('unseen-credential');
  const range = resolveDetector('new-source-range');

  it('credentials: bare fingerprints are keys; certificates need the CA; token-from takes a range', () => {
    expect(storedKeys(cred, 'alice@web1=SHA256:abc', cfg)).toEqual(['alice@web1\u0000key:SHA256:abc']);
    expect(storedKeys(cred, 'bob@web1=cert:bob@corp|ca:SHA256:ca', cfg)).toEqual(['bob@web1\u0000cert:bob@corp|ca:SHA256:ca']);
    expect(storedKeys(cred, 'carol@web1=method:password', cfg)).toEqual(['carol@web1\u0000method:password']);
    expect(storedKeys(cred, 'system:serviceaccount:kube-system:x@kube-api=token-from:10.1.2.3', cfg)).toEqual([
      'system:serviceaccount:kube-system:x@kube-api\u0000token-from:10.1.2.0/24',
    ]);
    for (const bad of ['alice=key:x', 'alice@web1=', '=key:x', 'alice@web1=fp:x', 'bob@web1=cert:bob', 'x@y=token-from:10.0.0.0/8']) {
      expect(() => storedKeys(cred, bad, cfg), bad).toThrow(BaselineKeyError);
    }
  });

  it('ranges: HOST:PORT with IPv6 in brackets; addresses cut to the configured prefix', () => {
    expect(storedKeys(range, '[2001:db8::5]:22=2001:db8:1:2::9', cfg)).toEqual(['2001:db8::5:22\u00002001:db8:1::/48']);
    expect(storedKeys(range, '10.0.0.5:6443=198.51.100.0/25', cfg)).toEqual(['10.0.0.5:6443\u0000198.51.100.0/24']);
    expect(storedKeys(range, '10.0.0.5:22=10.0.0.0/12', cfg)).toHaveLength(4096);
    for (const bad of ['10.0.0.5=1.2.3.4', '10.0.0.5:0=1.2.3.4', '10.0.0.5:22=1.2.3.4/33', '10.0.0.5:22=10.0.0.0/8', 'h:22=not-an-ip']) {
      expect(() => storedKeys(range, bad, cfg), bad).toThrow(BaselineKeyError);
    }
  });

  it('only detectors that keep a baseline are named, by id or namespace', () => {
    expect(resolveDetector('ds0029.range').detector).toBe('new-source-range');
    expect(() => resolveDetector('engine.first-event')).toThrow(BaselineKeyError);
    expect(() => resolveDetector('incident.link')).toThrow('keeps no baseline (baselines: unseen-credential, new-source-range, organisation)');
  });

  it('registers, marks and engine state kept in the same store are not listed as baselines', () => {
    const s = new SqliteStateStore(':memory:');
    s.seen('incident.link', 'user:alice\u0000hi', 5);
    s.seen('engine.first-event', 'time', 5);
    s.seen('ds0029.range', 'h:22\u00001.2.3.0/24', 5);
    expect(listBaseline(s).map((r) => r.key)).toEqual(['h:22=1.2.3.0/24']);
    expect(forgetOlderThan(s, 100).map((e) => e.ns)).toEqual(['ds0029.range']);
    expect(s.peek('incident.link', 'user:alice\u0000hi')).toBeDefined();
    s.close();
  });

  it('never throws anything but a BaselineKeyError, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.constantFrom(cred, range), (text, target) => {
        try {
          const keys = storedKeys(target, text, cfg);
          expect(keys.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(BaselineKeyError);
        }
      }),
    );
  });
});

describe('forget', () => {
  it('forgotten keys alert again; keys not in the baseline are reported', async () => {
    const cfg = config();
    await detect(cfg, [login(T0, 'alice', '198.51.100.10', K1)], true);
    const s = store(cfg);
    const r = forgetKeys(s, resolveDetector('unseen-credential'), [`alice@web1=${K1}`, `bob@web1=${K1}`], cfg);
    expect(r.forgotten.map((e) => e.key)).toEqual([`alice@web1\u0000key:${K1}`]);
    expect(r.missing).toEqual([`bob@web1=${K1}`]);
    s.close();
    const again = await detect(cfg, [login(T0 + DAY, 'alice', '198.51.100.10', K1)]);
    expect(rules(again)).toEqual([['unseen-credential', 'alice@web1']]);
  });

  it('--older-than drops entries last seen before the cutoff; approved entries and engine state stay', async () => {
    const cfg = config();
    await detect(cfg, [login(T0, 'alice', '198.51.100.10', K1), login(T0 + 40 * DAY, 'bob', '198.51.100.10', K2)], true);
    const s = store(cfg);
    approveKeys(s, resolveDetector('unseen-credential'), [`carol@web1=${K1}`], cfg, T0 - 365 * DAY);
    const gone = forgetOlderThan(s, T0 + 45 * DAY - 30 * DAY);
    expect(gone.map((e) => e.key)).toEqual([`alice@web1\u0000key:${K1}`]);
    expect(listBaseline(s).map((r) => r.key)).toEqual([`bob@web1=key:${K2}`, `carol@web1=key:${K1}`, 'web1:22=198.51.100.0/24']);
    expect(s.peek('engine.first-event', 'time')).toEqual({ first: T0, last: T0 });
    expect(forgetOlderThan(s, T0 + 100 * DAY, 'ds0029.range').map((e) => e.ns)).toEqual(['ds0029.range']);
    s.close();
  });
});

describe('export and import', () => {
  it('round-trips between stores, approvals included, and leaves engine state out', async () => {
    const cfg = config();
    await detect(cfg, [login(T0, 'alice', '198.51.100.10', K1)], true);
    const a = store(cfg);
    approveKeys(a, resolveDetector('new-source-range'), ['web1:22=203.0.113.0/24'], cfg, T0 + 5);
    const text = exportBaseline(a, T0 + DAY);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ format: 'drawbridge-baseline', version: 1, exportedAt: new Date(T0 + DAY).toISOString() });
    expect(lines).toHaveLength(4);
    expect(lines[3]).toEqual({ detector: 'new-source-range', ns: 'ds0029.range', key: 'web1:22\u0000203.0.113.0/24', first: new Date(T0 + 5).toISOString(), approved: true });

    const parsed = parseBaselineExport(text);
    expect(parsed.problems).toEqual([]);
    const cfg2 = config();
    const b = store(cfg2);
    expect(importBaseline(b, parsed.entries)).toEqual({ added: 3, merged: 0 });
    expect(b.entries()).toEqual(a.entries().filter((e) => isBaselineNs(e.ns)));
    a.close();
    b.close();
  });

  it('merging keeps the earliest first and the latest last sighting', () => {
    const cfg = config();
    const s = store(cfg);
    s.putEntry({ ns: 'ds0029.range', key: 'h:22\u00001.2.3.0/24', first: 100, last: 200 });
    const r = importBaseline(s, [
      { ns: 'ds0029.range', key: 'h:22\u00001.2.3.0/24', first: 50, last: 150 },
      { ns: 'ds0029.range', key: 'h:22\u00001.2.4.0/24', first: 10, last: 20 },
    ]);
    expect(r).toEqual({ added: 1, merged: 1 });
    expect(s.peek('ds0029.range', 'h:22\u00001.2.3.0/24')).toEqual({ first: 50, last: 200 });
    s.close();
  });

  it('problems name the line and the field', () => {
    const header = '{"format":"drawbridge-baseline","version":1,"exportedAt":"2025-03-04T00:00:00.000Z"}';
    const ok = '{"detector":"x","ns":"ds0029.range","key":"k","first":"2025-03-04T00:00:00.000Z","last":"2025-03-05T00:00:00.000Z","approved":false}';
    const text = [
      header,
      ok,
      '{"detector":"x","ns":"ds0029.range","key":"k","first":"yesterday","last":"2025-03-05T00:00:00.000Z","approved":false}',
      '{"detector":"x","ns":"ds0029.range","key":"k","first":"2025-03-04T00:00:00.000Z","approved":false}',
      'not json',
      '{"detector":"x","ns":"engine.first-event","key":"time","first":"2025-03-04T00:00:00.000Z","approved":true,"extra":1}',
      '',
      '{"detector":"x","ns":"ds0029.range","key":"k","first":"2025-03-06T00:00:00.000Z","last":"2025-03-05T00:00:00.000Z","approved":false}',
    ].join('\n');
    const r = parseBaselineExport(text);
    expect(r.entries).toHaveLength(1);
    expect(r.problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'first'],
      [4, 'last'],
      [5, undefined],
      [6, 'ns'],
      [6, 'extra'], // not a field of the format
      [8, 'last'],
    ]);
    expect(r.problems.find((p) => p.line === 8)!.message).toBe('earlier than first');
  });

  it('rejects another format or version in the header', () => {
    expect(parseBaselineExport('{"format":"drawbridge-baseline","version":2,"exportedAt":"2025-03-04T00:00:00.000Z"}\n').problems).toMatchObject([
      { line: 1, field: 'version' },
    ]);
    expect(parseBaselineExport('').problems).toMatchObject([{ line: 1, message: expect.stringContaining('empty') }]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.json()), { maxLength: 5 }), (lines) => {
        const r = parseBaselineExport(lines.join('\n'));
        expect(r.entries.length + r.problems.length).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
