import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { SqliteStateStore } from '../../../src/detect/state/sqlite.js';
import type { StateStore } from '../../../src/detect/state/types.js';
import { makeAlert, type Alert } from '../../../src/model/finding.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function alert(n: number): Alert {
  return makeAlert({
    rule: 'unseen-credential',
    subTechnique: 'ssh-access',
    control: 'DS0002',
    severity: 'high',
    title: `t${n}`,
    asset: 'alice@web1',
    location: { source: 'a.log', offset: n },
    time: '2025-03-04T09:15:02.000Z',
    evidence: { n },
    remediation: 'r',
  });
}

const stores: [string, () => StateStore][] = [
  ['memory', () => new MemoryStateStore()],
  ['sqlite', () => new SqliteStateStore(join(dir, `s-${Math.random()}.db`))],
];

describe.each(stores)('%s StateStore', (_name, make) => {
  it('seen: new once, then known; first/last tracked', () => {
    const s = make();
    expect(s.seen('ns', 'k', 100)).toBe(true);
    expect(s.seen('ns', 'k', 200)).toBe(false);
    expect(s.seen('ns', 'k', 50)).toBe(false);
    expect(s.peek('ns', 'k')).toEqual({ first: 50, last: 200 });
    expect(s.seen('other', 'k', 100)).toBe(true);
    s.close();
  });

  it('seen: an entry unseen for longer than the expiry is new again', () => {
    const s = make();
    s.seen('ns', 'k', 0, 1000);
    expect(s.seen('ns', 'k', 1000, 1000)).toBe(false);
    expect(s.seen('ns', 'k', 2001, 1000)).toBe(true);
    expect(s.peek('ns', 'k')).toEqual({ first: 2001, last: 2001 });
    s.close();
  });

  it('counters over a sliding window', () => {
    const s = make();
    expect(s.count('c', 'k', 0, 100)).toBe(1);
    expect(s.count('c', 'k', 50, 100, 2)).toBe(3);
    expect(s.count('c', 'k', 120, 100)).toBe(3); // 50 (2) + 120 (1); 0 left the window
    expect(s.count('c', 'k', 300, 100)).toBe(1);
    s.close();
  });

  it('marks hold until their TTL', () => {
    const s = make();
    s.mark('m', 'k', 100, 50);
    expect(s.marked('m', 'k', 150)).toBe(true);
    expect(s.marked('m', 'k', 151)).toBe(false);
    expect(s.marked('m', 'other', 120)).toBe(false);
    s.close();
  });

  it('checkpoints and alerts; an alert id is kept once', () => {
    const s = make();
    expect(s.checkpoint('/a')).toBeUndefined();
    s.setCheckpoint('/a', { offset: 10, line: 2, size: 99 });
    expect(s.checkpoint('/a')).toEqual({ offset: 10, line: 2, size: 99 });
    expect(s.recordAlert(alert(1))).toBe(true);
    expect(s.recordAlert(alert(1))).toBe(false);
    expect(s.recordAlert(alert(2))).toBe(true);
    expect(s.alerts().map((a) => a.title)).toEqual(['t1', 't2']);
    s.close();
  });
});

describe('SqliteStateStore durability', () => {
  it('keeps committed state across reopen and rolls back a failed transaction', () => {
    const path = join(dir, 'durable.db');
    const a = new SqliteStateStore(path);
    a.transaction(() => {
      a.seen('ns', 'kept', 1);
      a.setCheckpoint('/log', { offset: 42, line: 3 });
    });
    expect(() =>
      a.transaction(() => {
        a.seen('ns', 'lost', 2);
        a.setCheckpoint('/log', { offset: 99, line: 9 });
        a.recordAlert(alert(3));
        throw new Error('crash');
      }),
    ).toThrow('crash');
    a.close();
    const b = new SqliteStateStore(path);
    expect(b.peek('ns', 'kept')).toEqual({ first: 1, last: 1 });
    expect(b.peek('ns', 'lost')).toBeUndefined();
    expect(b.checkpoint('/log')).toEqual({ offset: 42, line: 3 });
    expect(b.alerts()).toEqual([]);
    expect(b.seen('ns', 'kept', 5)).toBe(false);
    b.close();
  });

  it('cells committed but not yet folded (the writer still running or killed) are read from the change log', () => {
    const path = join(dir, 'cells-log.db');
    const writer = new SqliteStateStore(path);
    writer.transaction(() => writer.setCell('t', 'a', 10, 100, [1, 2]));
    writer.transaction(() => {
      writer.setCell('t', 'a', 20, 100, [3]);
      writer.setCell('t', 'b', 20, 100, [4]);
    });
    // A second connection while the writer holds its change log unfolded.
    const reader = new SqliteStateStore(path);
    expect(reader.cell('t', 'a', 30)).toEqual([3]);
    expect(reader.cell('t', 'b', 30)).toEqual([4]);
    expect(reader.cell('t', 'a', 121)).toBeUndefined();
    reader.close();
    writer.close();
  });

  it('opens a state file whose change log predates cells', () => {
    const path = join(dir, 'old-log.db');
    const old = new Database(path);
    old.exec('CREATE TABLE state_log (seq INTEGER PRIMARY KEY, seen TEXT NOT NULL, marks TEXT NOT NULL)');
    old.prepare('INSERT INTO state_log (seen, marks) VALUES (?, ?)').run(JSON.stringify(['ns', 'k', 5, 6]), '[]');
    old.close();
    const s = new SqliteStateStore(path);
    expect(s.peek('ns', 'k')).toEqual({ first: 5, last: 6 });
    s.transaction(() => s.setCell('t', 'k', 1, 10, [8]));
    expect(s.cell('t', 'k', 2)).toEqual([8]);
    s.close();
    const again = new SqliteStateStore(path);
    expect(again.cell('t', 'k', 2)).toEqual([8]);
    again.close();
  });

  it('keeps an alert owed to several sinks once; an outbox written by an earlier version is carried over', () => {
    const path = join(dir, 'outbox.db');
    const s = new SqliteStateStore(path);
    const a = alert(40);
    s.transaction(() => {
      s.recordAlert(a);
      s.enqueueOutbox(a, ['jsonl:/a', 'webhook:x', 'syslog:y']);
    });
    s.close();
    const db = new Database(path);
    const one = (sql: string) => db.prepare(sql).get() as Record<string, number>;
    expect(one("SELECT count(*) AS n, sum(length(json)) AS bytes FROM alerts")).toEqual({ n: 1, bytes: JSON.stringify(a).length });
    // The layout before: a copy of the alert per sink.
    db.exec('DROP TABLE owed');
    db.exec('CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (sink, id))');
    const b = alert(41);
    for (const [sink, x] of [['jsonl:/a', a], ['jsonl:/a', b], ['webhook:x', b]] as const) db.prepare('INSERT INTO outbox (sink, id, json) VALUES (?, ?, ?)').run(sink, x.id, JSON.stringify(x));
    db.close();
    const t = new SqliteStateStore(path);
    expect(t.outbox('jsonl:/a', 10)).toEqual([a, b]);
    expect(t.outbox('webhook:x', 10)).toEqual([b]);
    t.close();
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master WHERE name = 'outbox'").all()).toEqual([]);
    after.close();
  });
});
