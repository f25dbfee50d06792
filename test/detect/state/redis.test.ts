/**
 * Store conformance: the same behaviour from the in-memory, SQLite and Redis stores (Redis a real
 * redis-server on a loopback port), and the same alerts from SQLite and Redis on the same logs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type DrawbridgeConfig } from '../../../src/config/schema.js';
import { runDetect } from '../../../src/detect/engine.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { SyncRedis } from '../../../src/detect/state/redis-bridge.js';
import { RedisStateStore } from '../../../src/detect/state/redis.js';
import { SqliteStateStore } from '../../../src/detect/state/sqlite.js';
import type { StateStore } from '../../../src/detect/state/types.js';
import { asnLookupFromRows } from '../../../src/intel/asn.js';
import { makeAlert, type Alert } from '../../../src/model/finding.js';
import { HAVE_REDIS, startRedis, type RedisServer } from './redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-conformance-'));
let server: RedisServer | undefined;
let n = 0;
const unique = (): string => `t${process.pid}-${n++}:`;

beforeAll(async () => {
  if (HAVE_REDIS) server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function alert(i: number): Alert {
  return makeAlert({
    rule: 'unseen-credential',
    subTechnique: 'ssh-access',
    control: 'DS0002',
    severity: 'high',
    title: `t${i}`,
    asset: 'alice@web1',
    location: { source: 'a.log', offset: i },
    time: '2025-03-04T09:15:02.000Z',
    evidence: { i },
    remediation: 'r',
  });
}

/** A store factory; `reopen` gives a second handle on the same durable data. */
interface Kind {
  make(): { store: StateStore; reopen: () => StateStore };
}

const KINDS: [string, Kind, boolean][] = [
  ['memory', { make: () => ({ store: new MemoryStateStore(), reopen: () => new MemoryStateStore() }) }, true],
  [
    'sqlite',
    {
      make: () => {
        const path = join(dir, `s-${n++}.db`);
        return { store: new SqliteStateStore(path), reopen: () => new SqliteStateStore(path) };
      },
    },
    true,
  ],
  [
    'redis',
    {
      make: () => {
        const prefix = unique();
        return { store: new RedisStateStore({ url: server!.url, prefix }), reopen: () => new RedisStateStore({ url: server!.url, prefix }) };
      },
    },
    HAVE_REDIS,
  ],
];

describe.each(KINDS)('%s store conformance', (name, kind, available) => {
  const durable = name !== 'memory';
  const run = available ? it : it.skip;
  const use = <T>(fn: (s: StateStore) => T): T => {
    const { store } = kind.make();
    try {
      return fn(store);
    } finally {
      store.close();
    }
  };

  run('seen: new once, then known; first/last tracked; namespaces apart', () =>
    use((s) => {
      expect(s.seen('ns', 'k', 100)).toBe(true);
      expect(s.seen('ns', 'k', 200)).toBe(false);
      expect(s.seen('ns', 'k', 50)).toBe(false);
      expect(s.peek('ns', 'k')).toEqual({ first: 50, last: 200 });
      expect(s.seen('other', 'k', 100)).toBe(true);
      expect(s.peek('ns', 'missing')).toBeUndefined();
    }));

  run('seen: an entry unseen for longer than the expiry starts over', () =>
    use((s) => {
      s.seen('ns', 'k', 0, 1000);
      expect(s.seen('ns', 'k', 1000, 1000)).toBe(false);
      expect(s.seen('ns', 'k', 2001, 1000)).toBe(true);
      expect(s.peek('ns', 'k')).toEqual({ first: 2001, last: 2001 });
    }));

  run('counters over a sliding window, keys apart', () =>
    use((s) => {
      expect(s.count('c', 'k', 0, 100)).toBe(1);
      expect(s.count('c', 'k', 50, 100, 2)).toBe(3);
      expect(s.count('c', 'k', 120, 100)).toBe(3); // 50 (2) + 120 (1); 0 left the window
      expect(s.count('c', 'other', 120, 100)).toBe(1);
      expect(s.count('c', 'k', 300, 100)).toBe(1);
      // Two counts at the same instant are two counts.
      expect(s.count('c', 'k', 300, 100)).toBe(2);
    }));

  run('marks hold until their TTL in event time', () =>
    use((s) => {
      s.mark('m', 'k', 100, 50);
      expect(s.marked('m', 'k', 150)).toBe(true);
      expect(s.marked('m', 'k', 151)).toBe(false);
      expect(s.marked('m', 'other', 120)).toBe(false);
      s.mark('m', 'k', 200, 10);
      expect(s.marked('m', 'k', 205)).toBe(true);
      s.prune(1_000);
      expect(s.marked('m', 'k', 205)).toBe(false);
    }));

  run('cells hold their numbers until their TTL in event time; rewritten in place; pruned once lapsed', () =>
    use((s) => {
      expect(s.cell('t', 'k', 0)).toBeUndefined();
      s.setCell('t', 'k', 100, 50, [7, 0, -3, 2.5]);
      expect(s.cell('t', 'k', 150)).toEqual([7, 0, -3, 2.5]);
      expect(s.cell('t', 'k', 151)).toBeUndefined();
      expect(s.cell('t', 'other', 120)).toBeUndefined();
      expect(s.cell('u', 'k', 120)).toBeUndefined();
      // The caller's array is copied both ways.
      const v = [1];
      s.setCell('t', 'k', 200, 10, v);
      v.push(2);
      s.cell('t', 'k', 205)!.push(3);
      expect(s.cell('t', 'k', 205)).toEqual([1]);
      s.setCell('t', 'long', 200, 10_000, [9]);
      s.prune(1_000);
      expect(s.cell('t', 'k', 205)).toBeUndefined();
      expect(s.cell('t', 'long', 205)).toEqual([9]);
    }));

  run('checkpoints and alerts; an alert id is kept once', () =>
    use((s) => {
      expect(s.checkpoint('/a')).toBeUndefined();
      s.setCheckpoint('/a', { offset: 10, line: 2, size: 99 });
      s.setCheckpoint('/b', { offset: 1, line: 1 });
      expect(s.checkpoint('/a')).toEqual({ offset: 10, line: 2, size: 99 });
      expect(s.checkpoint('/b')).toEqual({ offset: 1, line: 1 });
      expect(s.recordAlert(alert(1))).toBe(true);
      expect(s.recordAlert(alert(1))).toBe(false);
      expect(s.recordAlert(alert(2))).toBe(true);
      expect(s.alerts().map((a) => a.title)).toEqual(['t1', 't2']);
    }));

  run('inside a transaction, reads see the transaction’s own writes', () =>
    use((s) => {
      s.transaction(() => {
        expect(s.seen('ns', 'k', 10)).toBe(true);
        expect(s.seen('ns', 'k', 20)).toBe(false);
        expect(s.peek('ns', 'k')).toEqual({ first: 10, last: 20 });
        expect(s.count('c', 'k', 10, 100)).toBe(1);
        expect(s.count('c', 'k', 20, 100)).toBe(2);
        s.mark('m', 'k', 10, 5);
        expect(s.marked('m', 'k', 15)).toBe(true);
        s.setCell('t', 'k', 10, 5, [1, 2]);
        expect(s.cell('t', 'k', 15)).toEqual([1, 2]);
        s.setCheckpoint('/a', { offset: 5, line: 1 });
        expect(s.checkpoint('/a')).toEqual({ offset: 5, line: 1 });
        expect(s.recordAlert(alert(7))).toBe(true);
        expect(s.recordAlert(alert(7))).toBe(false);
      });
      expect(s.peek('ns', 'k')).toEqual({ first: 10, last: 20 });
      expect(s.count('c', 'k', 30, 100)).toBe(3);
      expect(s.alerts().map((a) => a.title)).toEqual(['t7']);
    }));

  run('baseline access: entries in order, put, forget', () =>
    use((s) => {
      s.seen('b', 'y', 5);
      s.seen('b', 'x\u0000with nul', 3);
      s.seen('a', 'z', 1);
      s.putEntry({ ns: 'b', key: 'w', first: 1, last: 2 });
      expect(s.entries()).toEqual([
        { ns: 'a', key: 'z', first: 1, last: 1 },
        { ns: 'b', key: 'w', first: 1, last: 2 },
        { ns: 'b', key: 'x\u0000with nul', first: 3, last: 3 },
        { ns: 'b', key: 'y', first: 5, last: 5 },
      ]);
      expect(s.entries('a')).toEqual([{ ns: 'a', key: 'z', first: 1, last: 1 }]);
      expect(s.forget('b', 'y')).toBe(true);
      expect(s.forget('b', 'y')).toBe(false);
      expect(s.entries('b').map((e) => e.key)).toEqual(['w', 'x\u0000with nul']);
      expect(s.seen('b', 'y', 9)).toBe(true);
    }));

  (durable && available ? it : it.skip)('a committed transaction survives reopening; a failed one leaves nothing', () => {
    const { store: a, reopen } = kind.make();
    a.transaction(() => {
      a.seen('ns', 'kept', 1);
      a.count('c', 'k', 1, 100);
      a.setCell('t', 'kept', 1, 100, [4, 5]);
      a.setCheckpoint('/log', { offset: 42, line: 3 });
    });
    expect(() =>
      a.transaction(() => {
        a.seen('ns', 'lost', 2);
        a.seen('ns', 'kept', 5);
        a.count('c', 'k', 2, 100);
        a.mark('m', 'lost', 2, 100);
        a.setCell('t', 'kept', 2, 100, [6]);
        a.setCell('t', 'lost', 2, 100, [6]);
        a.setCheckpoint('/log', { offset: 99, line: 9 });
        a.recordAlert(alert(3));
        throw new Error('crash');
      }),
    ).toThrow('crash');
    a.close();
    const b = reopen();
    expect(b.peek('ns', 'kept')).toEqual({ first: 1, last: 1 });
    expect(b.peek('ns', 'lost')).toBeUndefined();
    expect(b.marked('m', 'lost', 3)).toBe(false);
    expect(b.cell('t', 'kept', 3)).toEqual([4, 5]);
    expect(b.cell('t', 'lost', 3)).toBeUndefined();
    expect(b.checkpoint('/log')).toEqual({ offset: 42, line: 3 });
    expect(b.alerts()).toEqual([]);
    expect(b.count('c', 'k', 3, 100)).toBe(2);
    b.close();
  });

  run('outbox: an alert is owed to each sink, oldest first, until that sink marks it sent', () =>
    use((s) => {
      const [a1, a2, a3] = [alert(11), alert(12), alert(13)];
      s.transaction(() => {
        for (const a of [a1, a2, a3]) if (s.recordAlert(a)) s.enqueueOutbox(a, ['jsonl:/a', 'webhook:x']);
      });
      expect(s.outbox('jsonl:/a', 10).map((a) => a.id)).toEqual([a1.id, a2.id, a3.id]);
      expect(s.outbox('jsonl:/a', 2)).toEqual([a1, a2]);
      s.transaction(() => s.markSent('jsonl:/a', [a1.id, a2.id]));
      expect(s.outbox('jsonl:/a', 10).map((a) => a.id)).toEqual([a3.id]);
      // Marked per sink: the other still owes all three.
      expect(s.outbox('webhook:x', 10).map((a) => a.id)).toEqual([a1.id, a2.id, a3.id]);
      expect(s.outbox('never-named', 10)).toEqual([]);
    }));

  (durable && available ? it : it.skip)('outbox: rows commit with the alerts, survive reopening, and a failed transaction owes nothing', () => {
    const { store: a, reopen } = kind.make();
    const [kept, lost] = [alert(21), alert(22)];
    a.transaction(() => {
      a.recordAlert(kept);
      a.enqueueOutbox(kept, ['jsonl:/a']);
    });
    expect(() =>
      a.transaction(() => {
        a.recordAlert(lost);
        a.enqueueOutbox(lost, ['jsonl:/a']);
        throw new Error('crash');
      }),
    ).toThrow('crash');
    a.close();
    const b = reopen();
    expect(b.outbox('jsonl:/a', 10)).toEqual([kept]);
    b.transaction(() => b.markSent('jsonl:/a', [kept.id]));
    b.close();
    const c = reopen();
    expect(c.outbox('jsonl:/a', 10)).toEqual([]);
    c.close();
  });
});

describe.skipIf(!HAVE_REDIS)('RedisStateStore on a real redis-server', () => {
  it('hash-tags keys per detector key and gives marks a PX TTL', () => {
    const prefix = unique();
    const s = new RedisStateStore({ url: server!.url, prefix });
    s.seen('ds0002.credential', 'alice@web1\u0000key:SHA256:abc', 1);
    s.count('ds0015.creations', 'alice', 1, 1000);
    s.mark('ds0029.alerted', '203.0.113.0/24', 1, 60_000);
    s.close();
    const raw = new SyncRedis(server!.url);
    try {
      const keys = (raw.run({ type: 'scan', match: `${prefix}*` }) as string[]).sort();
      expect(keys).toEqual([
        `${prefix}count:{ds0015.creations\u0000alice}`,
        `${prefix}mark:{ds0029.alerted\u0000203.0.113.0/24}`,
        `${prefix}seen:{ds0002.credential\u0000alice@web1\u0000key:SHA256:abc}`,
      ]);
      expect(raw.run({ type: 'call', args: ['TYPE', keys[0]!] })).toBe('zset');
      expect(raw.run({ type: 'call', args: ['HGETALL', keys[2]!] })).toEqual(['first', '1', 'last', '1']);
      const pttl = raw.run({ type: 'call', args: ['PTTL', keys[1]!] }) as number;
      expect(pttl).toBeGreaterThan(60_000);
      expect(pttl).toBeLessThanOrEqual(60_000 + 3_600_000);
    } finally {
      raw.close();
    }
  });

  it('fails with a message naming the server when nothing listens there', () => {
    expect(() => new RedisStateStore({ url: 'redis://127.0.0.1:1', timeoutMs: 2000 })).toThrow(/redis redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED|redis redis:\/\/127\.0\.0\.1:1:/);
  });
});

// ── same alerts from SQLite and Redis ─────────────────────────────────────────────────────────

const ASN = asnLookupFromRows([
  { start: '198.51.100.0', end: '198.51.100.255', asn: 64500, org: 'Example Corp' },
  { start: '203.0.113.0', end: '203.0.113.255', asn: 64666, org: 'Faraway Hosting' },
]);
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 2, 4, 8, 0, 0);
const syslog = (t: number, body: string): string => `${new Date(t).toISOString().replace('Z', '+00:00')} web1 sshd-session[2211]: ${body}`;
const login = (t: number, user: string, src: string, key: string): string =>
  syslog(t, `Accepted publickey for ${user} from ${src} port ${40000 + (t % 20000)} ssh2: ED25519 SHA256:${key}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);

/** Ten days of logins from a few users and ranges, with intrusions on days 4 and 7. */
function history(): string[] {
  const lines: string[] = [];
  for (let day = 0; day < 10; day++) {
    const t = T0 + day * DAY;
    lines.push(syslog(t, `Invalid user oracle from 203.0.113.${day} port 50122`));
    lines.push(login(t + 60_000, 'alice', '198.51.100.10', 'alice1'));
    lines.push(login(t + 120_000, 'bob', `198.51.100.${20 + (day % 3)}`, day % 4 === 0 ? 'bob2' : 'bob1'));
    if (day === 4) lines.push(login(t + 3_600_000, 'alice', '203.0.113.66', 'evil'));
    if (day === 7) lines.push(login(t + 3_600_000, 'carol', '100.64.9.9', 'carol1'));
  }
  return lines;
}

function config(): DrawbridgeConfig {
  return ConfigSchema.parse({
    stateDir: join(dir, `state-${n++}`),
    organisation: { asns: [64500] },
    detect: { learningPeriod: '2d', outOfOrderness: '5m' },
  });
}

describe.skipIf(!HAVE_REDIS)('SQLite and Redis give the same alerts on the same input', () => {
  const file = join(dir, 'history.log');
  beforeAll(() => writeFileSync(file, history().join('\n') + '\n'));

  async function detectWith(store: StateStore, more: { beforeCommit?: (b: number) => void } = {}) {
    try {
      return await runDetect([file], { config: config(), store, asn: ASN, now: T0, deadLetter: false, chunkSize: 256, ...more });
    } finally {
      store.close();
    }
  }

  it('in one run', async () => {
    const sqlite = await detectWith(new SqliteStateStore(join(dir, `eq-${n++}.db`)));
    const redis = await detectWith(new RedisStateStore({ url: server!.url, prefix: unique() }));
    // The scanner's range (203.0.113.0/24) was seen from the first day: alice's login from it is no first contact.
    expect(sqlite.alerts).toHaveLength(2);
    expect(redis.observations).toEqual(sqlite.observations);
    expect(sqlite.alerts.map((a) => [a.rule, a.asset])).toEqual(
      expect.arrayContaining([
        ['unseen-credential', 'alice@web1'],
        ['unseen-credential', 'carol@web1'],
      ]),
    );
    expect(redis.alerts.map((a) => a.id)).toEqual(sqlite.alerts.map((a) => a.id));
    expect(redis.alerts).toEqual(sqlite.alerts);
    expect(redis.stats).toEqual(sqlite.stats);
  });

  it('across a crash and a resume: nothing lost, nothing repeated', async () => {
    const whole = await detectWith(new SqliteStateStore(join(dir, `eq-${n++}.db`)));
    const prefix = unique();
    await expect(
      detectWith(new RedisStateStore({ url: server!.url, prefix }), {
        beforeCommit: (b) => {
          if (b === 15) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const first = new RedisStateStore({ url: server!.url, prefix });
    const before = first.alerts();
    first.close();
    const resumed = await detectWith(new RedisStateStore({ url: server!.url, prefix }));
    // The crash fell between alerts: some were committed before it, the rest come after the resume.
    expect(before.length).toBeGreaterThan(0);
    expect(resumed.alerts.length).toBeGreaterThan(0);
    expect([...before, ...resumed.alerts].map((a) => a.id)).toEqual(whole.alerts.map((a) => a.id));
    const all = new RedisStateStore({ url: server!.url, prefix });
    expect(all.alerts().map((a) => a.id)).toEqual(whole.alerts.map((a) => a.id));
    all.close();
  });
});
