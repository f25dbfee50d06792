import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Alert } from '../../model/finding.js';
import type { BaselineEntry, Checkpoint, SeenEntry, StateStore } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS seen (ns TEXT NOT NULL, key TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counter_events (ns TEXT NOT NULL, key TEXT NOT NULL, time INTEGER NOT NULL, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS counter_events_key ON counter_events (ns, key, time);
CREATE TABLE IF NOT EXISTS marks (ns TEXT NOT NULL, key TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (source TEXT PRIMARY KEY, offset INTEGER NOT NULL, line INTEGER NOT NULL, size INTEGER);
CREATE TABLE IF NOT EXISTS alerts (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
`;

/**
 * Durable StateStore on SQLite (better-sqlite3, WAL). One process writes; the engine wraps each
 * batch — state changes, alerts and source checkpoints — in one transaction, so a crash loses or
 * repeats nothing: the next run resumes from the last committed checkpoint.
 */
export class SqliteStateStore implements StateStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly q;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL under WAL is durable against a process crash; only an OS crash can drop the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.q = {
      seenGet: db.prepare<[string, string], SeenEntry>('SELECT first, last FROM seen WHERE ns = ? AND key = ?'),
      seenInsert: db.prepare<[string, string, number, number]>('INSERT INTO seen (ns, key, first, last) VALUES (?, ?, ?, ?)'),
      seenReset: db.prepare<[number, number, string, string]>('UPDATE seen SET first = ?, last = ? WHERE ns = ? AND key = ?'),
      seenTouch: db.prepare<[number, number, string, string]>('UPDATE seen SET first = min(first, ?), last = max(last, ?) WHERE ns = ? AND key = ?'),
      seenAll: db.prepare<[], BaselineEntry>('SELECT ns, key, first, last FROM seen ORDER BY ns, key'),
      seenNs: db.prepare<[string], BaselineEntry>('SELECT ns, key, first, last FROM seen WHERE ns = ? ORDER BY key'),
      seenPut: db.prepare<[string, string, number, number]>(
        'INSERT INTO seen (ns, key, first, last) VALUES (?, ?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET first = excluded.first, last = excluded.last',
      ),
      seenDelete: db.prepare<[string, string]>('DELETE FROM seen WHERE ns = ? AND key = ?'),
      countAdd: db.prepare<[string, string, number, number]>('INSERT INTO counter_events (ns, key, time, n) VALUES (?, ?, ?, ?)'),
      countDrop: db.prepare<[string, string, number]>('DELETE FROM counter_events WHERE ns = ? AND key = ? AND time <= ?'),
      countSum: db.prepare<[string, string, number, number], { total: number | null }>(
        'SELECT sum(n) AS total FROM counter_events WHERE ns = ? AND key = ? AND time > ? AND time <= ?',
      ),
      markSet: db.prepare<[string, string, number]>('INSERT INTO marks (ns, key, until) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET until = excluded.until'),
      markGet: db.prepare<[string, string], { until: number }>('SELECT until FROM marks WHERE ns = ? AND key = ?'),
      markPrune: db.prepare<[number]>('DELETE FROM marks WHERE until < ?'),
      cpGet: db.prepare<[string], { offset: number; line: number; size: number | null }>('SELECT offset, line, size FROM checkpoints WHERE source = ?'),
      cpSet: db.prepare<[string, number, number, number | null]>(
        'INSERT INTO checkpoints (source, offset, line, size) VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET offset = excluded.offset, line = excluded.line, size = excluded.size',
      ),
      alertAdd: db.prepare<[string, string]>('INSERT OR IGNORE INTO alerts (id, json) VALUES (?, ?)'),
      alertAll: db.prepare<[], { json: string }>('SELECT json FROM alerts ORDER BY seq'),
    };
  }

  seen(ns: string, key: string, time: number, expireAfter?: number): boolean {
    const e = this.q.seenGet.get(ns, key);
    if (!e) {
      this.q.seenInsert.run(ns, key, time, time);
      return true;
    }
    if (expireAfter !== undefined && time - e.last > expireAfter) {
      this.q.seenReset.run(time, time, ns, key);
      return true;
    }
    if (time > e.last || time < e.first) this.q.seenTouch.run(time, time, ns, key);
    return false;
  }

  peek(ns: string, key: string): SeenEntry | undefined {
    return this.q.seenGet.get(ns, key);
  }

  count(ns: string, key: string, time: number, window: number, by = 1): number {
    this.q.countAdd.run(ns, key, time, by);
    this.q.countDrop.run(ns, key, time - window);
    return this.q.countSum.get(ns, key, time - window, time)?.total ?? 0;
  }

  mark(ns: string, key: string, time: number, ttl: number): void {
    this.q.markSet.run(ns, key, time + ttl);
  }

  marked(ns: string, key: string, time: number): boolean {
    const m = this.q.markGet.get(ns, key);
    return m !== undefined && time <= m.until;
  }

  entries(ns?: string): BaselineEntry[] {
    return ns === undefined ? this.q.seenAll.all() : this.q.seenNs.all(ns);
  }

  putEntry(e: BaselineEntry): void {
    this.q.seenPut.run(e.ns, e.key, e.first, e.last);
  }

  forget(ns: string, key: string): boolean {
    return this.q.seenDelete.run(ns, key).changes > 0;
  }

  checkpoint(source: string): Checkpoint | undefined {
    const c = this.q.cpGet.get(source);
    if (!c) return undefined;
    return c.size === null ? { offset: c.offset, line: c.line } : { offset: c.offset, line: c.line, size: c.size };
  }

  setCheckpoint(source: string, cp: Checkpoint): void {
    this.q.cpSet.run(source, cp.offset, cp.line, cp.size ?? null);
  }

  recordAlert(alert: Alert): boolean {
    return this.q.alertAdd.run(alert.id, JSON.stringify(alert)).changes > 0;
  }

  alerts(): Alert[] {
    return this.q.alertAll.all().map((r) => JSON.parse(r.json) as Alert);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  prune(now: number): void {
    this.q.markPrune.run(now);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
