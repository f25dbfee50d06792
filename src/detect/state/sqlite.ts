import Database from 'better-sqlite3';
import { createStateFile } from '../../io/state-files.js';
import type { Alert } from '../../model/finding.js';
import { flatCopy } from '../strings.js';
import { ABSENT, SlotTable, UNKNOWN } from './slot-table.js';
import { addCounted, countWindow, type CountWindow } from './window-count.js';
import type { BaselineEntry, CacheStats, Checkpoint, SeenEntry, StateStore } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS seen (ns TEXT NOT NULL, key TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counter_events (ns TEXT NOT NULL, key TEXT NOT NULL, time INTEGER NOT NULL, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS counter_events_key ON counter_events (ns, key, time);
CREATE TABLE IF NOT EXISTS marks (ns TEXT NOT NULL, key TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (source TEXT PRIMARY KEY, offset INTEGER NOT NULL, line INTEGER NOT NULL, size INTEGER, dev INTEGER, ino INTEGER);
CREATE TABLE IF NOT EXISTS alerts (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS owed (seq INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL, id TEXT NOT NULL, UNIQUE (sink, id));
CREATE TABLE IF NOT EXISTS cells (ns TEXT NOT NULL, key TEXT NOT NULL, until INTEGER NOT NULL, vals TEXT NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state_log (seq INTEGER PRIMARY KEY, seen TEXT NOT NULL, marks TEXT NOT NULL, cells TEXT NOT NULL DEFAULT '[]');
`;

/**
 * A table with at most this many rows is read whole on first use, so a miss needs no query; a larger
 * one is faulted in key by key. After a commit, caches holding more entries than the bound are dropped
 * (they are clean then), which bounds memory on long runs.
 */
const LOAD_WHOLE_ROWS = 250_000;
const MAX_CACHED = 1_000_000;

export interface SqliteStoreOptions {
  /** Cached keys a table may hold after a commit before its cache is dropped (default 1,000,000). */
  maxCached?: number;
}

const dropFresh = (it: CountItem): void => {
  it.fresh = false;
};

/** A stored cell's numbers; a damaged value reads as no numbers rather than failing the run. */
function cellValues(json: string): number[] {
  try {
    const a: unknown = JSON.parse(json);
    return Array.isArray(a) ? a.filter((x): x is number => typeof x === 'number') : [];
  } catch {
    return [];
  }
}

/** Changed rows the change log may hold before it is folded into the tables. */
const FOLD_AFTER = 200_000;

/** A change-log row's lists: [ns, key, first, last, …], [ns, key, until, …] and [ns, key, until, [values], …]. */
type SeenLog = (string | number)[];
type MarkLog = (string | number)[];
type CellLog = (string | number | number[])[];

/** One cached row of `cells` (or of counters below); `dirty` until the transaction writes it. */
interface CellCell {
  ns: string;
  key: string;
  until: number;
  values: number[];
  dirty: boolean;
}

interface CountItem {
  time: number;
  n: number;
  /** Added in this transaction (not yet in the table). */
  fresh: boolean;
}

interface CounterCell {
  ns: string;
  key: string;
  /** Every row of the key still inside its window (as the memory store keeps them), in time order. */
  window: CountWindow<CountItem>;
  /** Rows added since the last write; those still `fresh` when it comes are written. */
  added: CountItem[];
  /** Rows of the table at or before this time have left the window (undefined: none dropped). */
  dropUpTo: number | undefined;
  dirty: boolean;
}

/**
 * Rows of one table cached per namespace then key (no string concatenation per lookup). A miss is
 * cached too (`null`), unless the whole table is loaded, when a miss means "absent".
 */
class Cache<C extends { ns: string; key: string; dirty: boolean }> {
  private readonly byNs = new Map<string, Map<string, C | null>>();
  /** Cells written since the last flush, in write order. */
  dirty: C[] = [];
  /** Every row of the table is cached: a miss is an absent row. */
  whole = false;
  /** Whether loading the whole table was tried since the cache was last cleared. */
  loadTried = false;
  /** The table once had too many rows to load whole: fault keys in from then on. */
  tooBig = false;
  size = 0;

  get dirtyCount(): number {
    return this.dirty.length;
  }

  get(ns: string, key: string): C | null | undefined {
    const m = this.byNs.get(ns);
    const c = m === undefined ? undefined : m.get(key);
    return c === undefined && this.whole ? null : c;
  }

  /** Cache a row as read (or its absence); the key is copied so it does not pin a chunk string. */
  put(ns: string, key: string, cell: C | null): void {
    let m = this.byNs.get(ns);
    if (m === undefined) {
      m = new Map();
      this.byNs.set(flatCopy(ns), m);
    }
    if (!m.has(key)) this.size++;
    m.set(cell === null ? flatCopy(key) : cell.key, cell);
  }

  markDirty(c: C): void {
    if (!c.dirty) {
      c.dirty = true;
      this.dirty.push(c);
    }
  }

  /** Cells of one namespace (or all), for pruning. */
  *cells(): Iterable<[Map<string, C | null>, string, C | null]> {
    for (const m of this.byNs.values()) for (const [k, c] of m) yield [m, k, c];
  }

  clear(): void {
    this.byNs.clear();
    this.dirty = [];
    this.whole = false;
    this.loadTried = this.tooBig;
    this.size = 0;
  }
}

/** What loading and trimming need of a cache, whichever its layout. */
interface CachedTable {
  loadTried: boolean;
  whole: boolean;
  tooBig: boolean;
  size: number;
  readonly dirtyCount: number;
  clear(): void;
}

/**
 * Durable StateStore on SQLite (better-sqlite3, WAL). One process writes; the engine wraps each
 * batch — state changes, alerts and source checkpoints — in one transaction, so a crash loses or
 * repeats nothing: the next run resumes from the last committed checkpoint.
 *
 * Baselines, counters and marks are served from a write-back cache: rows are read once (the whole
 * table when small, else key by key), changes are kept in memory and written when the transaction
 * commits, in the same SQLite transaction as the checkpoints and alerts. A transaction that throws
 * rolls back and drops the cache, so nothing uncommitted is ever served. Another connection's commit
 * (e.g. `drawbridge baseline forget` while a follow runs) is noticed through PRAGMA data_version at
 * the next transaction, which drops the cache as well.
 *
 * Changed `seen`, `marks` and `cells` rows are committed as one row of a change log (`state_log`) per batch,
 * not as updates in place: a batch touches a few hundred keys spread over the whole table, and
 * updating them in place rewrote most of the table's pages at every commit (hundreds of 4 KiB page
 * writes per 64 KiB of log read). The log is folded into the tables — each key written once — when it
 * grows large, when the store closes, and before anything reads or edits the tables directly (open,
 * a key faulted in, `entries`, `putEntry`, `forget`, `prune`), so the tables plus the log are always
 * the committed state and a crash between folds loses nothing.
 */
export class SqliteStateStore implements StateStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly q;
  /** `seen` rows: [first, last]. */
  private readonly seenCache = new SlotTable(2);
  /** `marks` rows: [until]. */
  private readonly markCache = new SlotTable(1);
  private readonly countCache = new Cache<CounterCell>();
  private readonly cellCache = new Cache<CellCell>();
  private depth = 0;
  private dataVersion = -1;
  /** The change log may hold rows the tables do not (always true at open): fold before reading them. */
  private logPending = true;
  /** Rows written to the change log since the last fold (by this connection). */
  private logged = 0;
  /** The cells behind those rows (their current values are the latest logged ones); slot tables track their own. */
  private readonly loggedCells = new Set<CellCell>();
  private readonly runTx: (fn: () => unknown) => unknown;
  private readonly maxCached: number;
  private evicted = 0;
  private evictions = 0;

  constructor(
    readonly path: string,
    opts: SqliteStoreOptions = {},
  ) {
    this.maxCached = opts.maxCached ?? MAX_CACHED;
    if (path !== ':memory:') createStateFile(path);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL under WAL is durable against a process crash; only an OS crash can drop the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.exec(SCHEMA);
    // Stores created before checkpoints named their file (dev/ino) gain the columns.
    const cpCols = new Set(this.db.prepare<[], { name: string }>('PRAGMA table_info(checkpoints)').all().map((c) => c.name));
    for (const c of ['dev', 'ino']) if (!cpCols.has(c)) this.db.exec(`ALTER TABLE checkpoints ADD COLUMN ${c} INTEGER`);
    // …and change logs created before cells gain theirs.
    const logCols = new Set(this.db.prepare<[], { name: string }>('PRAGMA table_info(state_log)').all().map((c) => c.name));
    if (!logCols.has('cells')) this.db.exec(`ALTER TABLE state_log ADD COLUMN cells TEXT NOT NULL DEFAULT '[]'`);
    // …and an outbox that kept a copy of each alert per sink becomes rows that name the kept alert.
    if (this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get()?.n === 1) {
      this.db.transaction(() => {
        this.db.exec('INSERT OR IGNORE INTO alerts (id, json) SELECT id, json FROM outbox ORDER BY seq');
        this.db.exec('INSERT OR IGNORE INTO owed (sink, id) SELECT sink, id FROM outbox ORDER BY seq');
        this.db.exec('DROP TABLE outbox');
      })();
    }
    const db = this.db;
    this.q = {
      seenGet: db.prepare<[string, string], SeenEntry>('SELECT first, last FROM seen WHERE ns = ? AND key = ?'),
      seenLoad: db.prepare<[number], BaselineEntry>('SELECT ns, key, first, last FROM seen LIMIT ?'),
      seenAll: db.prepare<[], BaselineEntry>('SELECT ns, key, first, last FROM seen ORDER BY ns, key'),
      seenNs: db.prepare<[string], BaselineEntry>('SELECT ns, key, first, last FROM seen WHERE ns = ? ORDER BY key'),
      seenPut: db.prepare<[string, string, number, number]>(
        'INSERT INTO seen (ns, key, first, last) VALUES (?, ?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET first = excluded.first, last = excluded.last',
      ),
      seenDelete: db.prepare<[string, string]>('DELETE FROM seen WHERE ns = ? AND key = ?'),
      countGet: db.prepare<[string, string], { time: number; n: number }>('SELECT time, n FROM counter_events WHERE ns = ? AND key = ? ORDER BY time'),
      countLoad: db.prepare<[number], { ns: string; key: string; time: number; n: number }>('SELECT ns, key, time, n FROM counter_events LIMIT ?'),
      countAdd: db.prepare<[string, string, number, number]>('INSERT INTO counter_events (ns, key, time, n) VALUES (?, ?, ?, ?)'),
      countDrop: db.prepare<[string, string, number]>('DELETE FROM counter_events WHERE ns = ? AND key = ? AND time <= ?'),
      markSet: db.prepare<[string, string, number]>('INSERT INTO marks (ns, key, until) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET until = excluded.until'),
      markGet: db.prepare<[string, string], { until: number }>('SELECT until FROM marks WHERE ns = ? AND key = ?'),
      markLoad: db.prepare<[number], { ns: string; key: string; until: number }>('SELECT ns, key, until FROM marks LIMIT ?'),
      markPrune: db.prepare<[number]>('DELETE FROM marks WHERE until < ?'),
      cellSet: db.prepare<[string, string, number, string]>(
        'INSERT INTO cells (ns, key, until, vals) VALUES (?, ?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET until = excluded.until, vals = excluded.vals',
      ),
      cellGet: db.prepare<[string, string], { until: number; vals: string }>('SELECT until, vals FROM cells WHERE ns = ? AND key = ?'),
      cellLoad: db.prepare<[number], { ns: string; key: string; until: number; vals: string }>('SELECT ns, key, until, vals FROM cells LIMIT ?'),
      cellPrune: db.prepare<[number]>('DELETE FROM cells WHERE until < ?'),
      cpGet: db.prepare<[string], { offset: number; line: number; size: number | null; dev: number | null; ino: number | null }>(
        'SELECT offset, line, size, dev, ino FROM checkpoints WHERE source = ?',
      ),
      cpSet: db.prepare<[string, number, number, number | null, number | null, number | null]>(
        'INSERT INTO checkpoints (source, offset, line, size, dev, ino) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET offset = excluded.offset, line = excluded.line, size = excluded.size, dev = excluded.dev, ino = excluded.ino',
      ),
      alertAdd: db.prepare<[string, string]>('INSERT OR IGNORE INTO alerts (id, json) VALUES (?, ?)'),
      alertHas: db.prepare<[string], number>('SELECT 1 FROM alerts WHERE id = ?').pluck(),
      alertAll: db.prepare<[], { json: string }>('SELECT json FROM alerts ORDER BY seq'),
      outboxAdd: db.prepare<[string, string]>('INSERT OR IGNORE INTO owed (sink, id) VALUES (?, ?)'),
      outboxGet: db.prepare<[string, number], { json: string }>('SELECT alerts.json FROM owed JOIN alerts ON alerts.id = owed.id WHERE owed.sink = ? ORDER BY owed.seq LIMIT ?'),
      outboxDone: db.prepare<[string, string]>('DELETE FROM owed WHERE sink = ? AND id = ?'),
      logAdd: db.prepare<[string, string, string]>('INSERT INTO state_log (seen, marks, cells) VALUES (?, ?, ?)'),
      logAll: db.prepare<[], { seen: string; marks: string; cells: string }>('SELECT seen, marks, cells FROM state_log ORDER BY seq'),
      logClear: db.prepare('DELETE FROM state_log'),
      // Prepared once: db.pragma() prepares its statement at every call.
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    };
    this.runTx = db.transaction((fn: () => unknown) => {
      const result = fn();
      this.flush();
      if (this.logged > FOLD_AFTER) this.fold();
      return result;
    });
  }

  /** Make the tables the whole committed state before listing or editing them directly. */
  private settle(): void {
    if (!this.logPending && this.logged === 0 && this.seenCache.dirtyCount === 0 && this.markCache.dirtyCount === 0 && this.cellCache.dirtyCount === 0) return;
    if (this.depth === 0) this.transaction(() => this.fold());
    else this.fold();
  }

  /** Apply the change log to the tables (inside a transaction): each key written once, last value wins. */
  private fold(): void {
    this.flush();
    if (!this.logPending) {
      // Every log row since the last fold came from cells still cached: write their values, skip the parse.
      const seen = this.seenCache;
      for (const i of seen.takeLogged()) this.q.seenPut.run(seen.ns(i), seen.key(i), seen.get(i, 0), seen.get(i, 1));
      const marks = this.markCache;
      for (const i of marks.takeLogged()) this.q.markSet.run(marks.ns(i), marks.key(i), marks.get(i, 0));
      for (const c of this.loggedCells) this.q.cellSet.run(c.ns, c.key, c.until, JSON.stringify(c.values));
    } else this.foldFromLog();
    this.q.logClear.run();
    this.forgetLogged();
    this.logged = 0;
    this.logPending = false;
  }

  /** The log may hold rows no cached cell stands for (another run's, or ours before the cache was dropped). */
  private foldFromLog(): void {
    const seen = new Map<string, [string, string, number, number]>();
    const marks = new Map<string, [string, string, number]>();
    const cells = new Map<string, [string, string, number, number[]]>();
    for (const row of this.q.logAll.iterate()) {
      const s = JSON.parse(row.seen) as SeenLog;
      for (let i = 0; i + 3 < s.length; i += 4) {
        const ns = s[i] as string;
        const key = s[i + 1] as string;
        seen.set(`${ns}\u0000${key}`, [ns, key, s[i + 2] as number, s[i + 3] as number]);
      }
      const m = JSON.parse(row.marks) as MarkLog;
      for (let i = 0; i + 2 < m.length; i += 3) {
        const ns = m[i] as string;
        const key = m[i + 1] as string;
        marks.set(`${ns}\u0000${key}`, [ns, key, m[i + 2] as number]);
      }
      const c = JSON.parse(row.cells) as CellLog;
      for (let i = 0; i + 3 < c.length; i += 4) {
        const ns = c[i] as string;
        const key = c[i + 1] as string;
        cells.set(`${ns}\u0000${key}`, [ns, key, c[i + 2] as number, c[i + 3] as number[]]);
      }
    }
    for (const [ns, key, first, last] of seen.values()) this.q.seenPut.run(ns, key, first, last);
    for (const [ns, key, until] of marks.values()) this.q.markSet.run(ns, key, until);
    for (const [ns, key, until, values] of cells.values()) this.q.cellSet.run(ns, key, until, JSON.stringify(values));
  }

  private forgetLogged(): void {
    this.seenCache.forgetLogged();
    this.markCache.forgetLogged();
    this.loggedCells.clear();
  }

  // ── seen ─────────────────────────────────────────────────────────────────────────────────────

  /** The key's slot in the seen or the marks cache, or ABSENT; a key not cached is read from its table. */
  private slot(cache: SlotTable, ns: string, key: string): number {
    const seen = cache === this.seenCache;
    if (!cache.loadTried) this.loadWhole(cache, () => (seen ? this.loadSeen() : this.loadMarks()));
    const hit = cache.find(ns, key);
    if (hit !== UNKNOWN) return hit;
    // While the cache is whole since the last fold, a key it lacks is not in the change log either.
    if (this.logPending) this.settle();
    if (seen) {
      const row = this.q.seenGet.get(ns, key);
      if (row) return cache.add(ns, key, row.first, row.last);
    } else {
      const row = this.q.markGet.get(ns, key);
      if (row) return cache.add(ns, key, row.until);
    }
    cache.setAbsent(ns, key);
    return ABSENT;
  }

  private seenSlot(ns: string, key: string): number {
    return this.slot(this.seenCache, ns, key);
  }

  private loadSeen(): boolean {
    const rows = this.q.seenLoad.all(LOAD_WHOLE_ROWS + 1);
    if (rows.length > LOAD_WHOLE_ROWS) return false;
    for (const r of rows) this.seenCache.addOwned(r.ns, r.key, r.first, r.last);
    return true;
  }

  seen(ns: string, key: string, time: number, expireAfter?: number): boolean {
    if (this.depth === 0) return this.transaction(() => this.seen(ns, key, time, expireAfter));
    const c = this.seenCache;
    const s = this.seenSlot(ns, key);
    if (s === ABSENT) {
      c.markDirty(c.add(ns, key, time, time));
      return true;
    }
    const last = c.get(s, 1);
    if (expireAfter !== undefined && time - last > expireAfter) {
      c.set(s, 0, time);
      c.set(s, 1, time);
      c.markDirty(s);
      return true;
    }
    if (time > last) {
      c.set(s, 1, time);
      c.markDirty(s);
    }
    if (time < c.get(s, 0)) {
      c.set(s, 0, time);
      c.markDirty(s);
    }
    return false;
  }

  peek(ns: string, key: string): SeenEntry | undefined {
    const s = this.seenSlot(ns, key);
    return s === ABSENT ? undefined : { first: this.seenCache.get(s, 0), last: this.seenCache.get(s, 1) };
  }

  // ── counters ─────────────────────────────────────────────────────────────────────────────────

  private loadCounters(): boolean {
    const rows = this.q.countLoad.all(LOAD_WHOLE_ROWS + 1);
    if (rows.length > LOAD_WHOLE_ROWS) return false;
    const cache = this.countCache;
    for (const r of rows) {
      let c = cache.get(r.ns, r.key);
      if (!c) {
        c = { ns: r.ns, key: r.key, window: countWindow(), added: [], dropUpTo: undefined, dirty: false };
        cache.put(r.ns, r.key, c);
      }
      c.window.items.push({ time: r.time, n: r.n, fresh: false });
    }
    // Rows come in table order: put each key's in time order once.
    for (const [, , c] of cache.cells()) if (c !== null) c.window = countWindow(c.window.items);
    return true;
  }

  count(ns: string, key: string, time: number, window: number, by = 1): number {
    if (this.depth === 0) return this.transaction(() => this.count(ns, key, time, window, by));
    const cache = this.countCache;
    if (!cache.loadTried) this.loadWhole(cache, () => this.loadCounters());
    let c = cache.get(ns, key);
    if (!c) {
      const items = c === undefined ? this.q.countGet.all(ns, key).map((r) => ({ time: r.time, n: r.n, fresh: false })) : [];
      c = { ns: flatCopy(ns), key: flatCopy(key), window: countWindow(items), added: [], dropUpTo: undefined, dirty: false };
      cache.put(ns, key, c);
    }
    const item = { time, n: by, fresh: true };
    c.added.push(item);
    // A row added here and already out of the window is not written.
    const total = addCounted(c.window, item, window, dropFresh);
    const from = time - window;
    if (c.dropUpTo === undefined || from > c.dropUpTo) c.dropUpTo = from;
    cache.markDirty(c);
    return total;
  }

  // ── marks ────────────────────────────────────────────────────────────────────────────────────

  private loadMarks(): boolean {
    const rows = this.q.markLoad.all(LOAD_WHOLE_ROWS + 1);
    if (rows.length > LOAD_WHOLE_ROWS) return false;
    for (const r of rows) this.markCache.addOwned(r.ns, r.key, r.until);
    return true;
  }

  private markSlot(ns: string, key: string): number {
    return this.slot(this.markCache, ns, key);
  }

  mark(ns: string, key: string, time: number, ttl: number): void {
    if (this.depth === 0) return this.transaction(() => this.mark(ns, key, time, ttl));
    const c = this.markCache;
    let s = this.markSlot(ns, key);
    if (s === ABSENT) s = c.add(ns, key, time + ttl);
    else c.set(s, 0, time + ttl);
    c.markDirty(s);
  }

  marked(ns: string, key: string, time: number): boolean {
    const s = this.markSlot(ns, key);
    return s !== ABSENT && time <= this.markCache.get(s, 0);
  }

  // ── cells ────────────────────────────────────────────────────────────────────────────────────

  private loadCells(): boolean {
    const rows = this.q.cellLoad.all(LOAD_WHOLE_ROWS + 1);
    if (rows.length > LOAD_WHOLE_ROWS) return false;
    for (const r of rows) this.cellCache.put(r.ns, r.key, { ns: r.ns, key: r.key, until: r.until, values: cellValues(r.vals), dirty: false });
    return true;
  }

  private cellCell(ns: string, key: string): CellCell | null {
    const cache = this.cellCache;
    if (!cache.loadTried) this.loadWhole(cache, () => this.loadCells());
    const hit = cache.get(ns, key);
    if (hit !== undefined) return hit;
    if (this.logPending) this.settle();
    const row = this.q.cellGet.get(ns, key);
    const cell = row ? { ns: flatCopy(ns), key: flatCopy(key), until: row.until, values: cellValues(row.vals), dirty: false } : null;
    cache.put(ns, key, cell);
    return cell;
  }

  setCell(ns: string, key: string, time: number, ttl: number, values: readonly number[]): void {
    if (this.depth === 0) return this.transaction(() => this.setCell(ns, key, time, ttl, values));
    let c = this.cellCell(ns, key);
    if (c === null) {
      c = { ns: flatCopy(ns), key: flatCopy(key), until: time + ttl, values: values.slice(), dirty: false };
      this.cellCache.put(ns, key, c);
    } else {
      c.until = time + ttl;
      c.values = values.slice();
    }
    this.cellCache.markDirty(c);
  }

  cell(ns: string, key: string, time: number): number[] | undefined {
    const c = this.cellCell(ns, key);
    return c !== null && time <= c.until ? c.values.slice() : undefined;
  }

  // ── baseline access (cold paths: written through) ─────────────────────────────────────────────

  entries(ns?: string): BaselineEntry[] {
    this.settle();
    return ns === undefined ? this.q.seenAll.all() : this.q.seenNs.all(ns);
  }

  putEntry(e: BaselineEntry): void {
    if (this.depth === 0) return this.transaction(() => this.putEntry(e));
    this.settle();
    const c = this.seenCache;
    const s = this.seenSlot(e.ns, e.key);
    if (s === ABSENT) c.add(e.ns, e.key, e.first, e.last);
    else {
      c.set(s, 0, e.first);
      c.set(s, 1, e.last);
      // Written below; a pending write of older values must not follow it.
      c.markClean(s);
    }
    this.q.seenPut.run(e.ns, e.key, e.first, e.last);
  }

  forget(ns: string, key: string): boolean {
    if (this.depth === 0) return this.transaction(() => this.forget(ns, key));
    this.settle();
    const s = this.seenSlot(ns, key);
    this.seenCache.setAbsent(ns, key);
    const gone = this.q.seenDelete.run(ns, key).changes > 0;
    return gone || s !== ABSENT;
  }

  // ── checkpoints and alerts (a few per batch: straight to the table) ──────────────────────────

  checkpoint(source: string): Checkpoint | undefined {
    const c = this.q.cpGet.get(source);
    if (!c) return undefined;
    const cp: Checkpoint = { offset: c.offset, line: c.line };
    if (c.size !== null) cp.size = c.size;
    if (c.dev !== null && c.ino !== null) Object.assign(cp, { dev: c.dev, ino: c.ino });
    return cp;
  }

  setCheckpoint(source: string, cp: Checkpoint): void {
    this.q.cpSet.run(source, cp.offset, cp.line, cp.size ?? null, cp.dev ?? null, cp.ino ?? null);
  }

  recordAlert(alert: Alert): boolean {
    return this.q.alertAdd.run(alert.id, JSON.stringify(alert)).changes > 0;
  }

  alerts(): Alert[] {
    return this.q.alertAll.all().map((r) => JSON.parse(r.json) as Alert);
  }

  /** An owed alert is a kept alert: its row names the alert, kept once however many sinks it is owed to. */
  enqueueOutbox(alert: Alert, sinks: readonly string[]): void {
    if (this.q.alertHas.get(alert.id) === undefined) this.recordAlert(alert);
    for (const sink of sinks) this.q.outboxAdd.run(sink, alert.id);
  }

  outbox(sink: string, limit: number): Alert[] {
    return this.q.outboxGet.all(sink, limit).map((r) => JSON.parse(r.json) as Alert);
  }

  markSent(sink: string, ids: readonly string[]): void {
    for (const id of ids) this.q.outboxDone.run(sink, id);
  }

  // ── transactions ─────────────────────────────────────────────────────────────────────────────

  transaction<T>(fn: () => T): T {
    if (this.depth === 0) {
      // Another connection committed since our last look: what we cached may be stale.
      const v = this.q.dataVersion.get() as number;
      if (v !== this.dataVersion) {
        if (this.dataVersion !== -1) this.dropCaches();
        this.dataVersion = v;
      }
    } else this.flush(); // a nested transaction is a savepoint: what came before it must be in the table
    this.depth++;
    try {
      return this.runTx(fn) as T;
    } catch (e) {
      // Rolled back: the cache may hold writes the table no longer has.
      this.dropCaches();
      throw e;
    } finally {
      this.depth--;
      if (this.depth === 0) this.trim();
    }
  }

  /** Write every dirty cell (inside the running transaction). */
  private flush(): void {
    const q = this.q;
    const seenLog: SeenLog = [];
    const markLog: MarkLog = [];
    const seen = this.seenCache;
    for (const i of seen.takeDirty()) seenLog.push(seen.ns(i), seen.key(i), seen.get(i, 0), seen.get(i, 1));
    const marks = this.markCache;
    for (const i of marks.takeDirty()) markLog.push(marks.ns(i), marks.key(i), marks.get(i, 0));
    const cellLog: CellLog = [];
    const cells = this.cellCache.dirty;
    if (cells.length > 0) {
      this.cellCache.dirty = [];
      for (const c of cells) {
        if (!c.dirty) continue;
        c.dirty = false;
        cellLog.push(c.ns, c.key, c.until, c.values);
        this.loggedCells.add(c);
      }
    }
    if (seenLog.length > 0 || markLog.length > 0 || cellLog.length > 0) {
      q.logAdd.run(JSON.stringify(seenLog), JSON.stringify(markLog), JSON.stringify(cellLog));
      this.logged += seenLog.length / 4 + markLog.length / 3 + cellLog.length / 4;
    }
    const counters = this.countCache.dirty;
    if (counters.length > 0) {
      this.countCache.dirty = [];
      for (const c of counters) {
        if (!c.dirty) continue;
        c.dirty = false;
        // Rows already in the table survived every filter iff they are after the furthest drop point;
        // rows added here are written only if they survived too (still `fresh`: nothing dropped them).
        if (c.dropUpTo !== undefined) q.countDrop.run(c.ns, c.key, c.dropUpTo);
        c.dropUpTo = undefined;
        for (const it of c.added) {
          if (!it.fresh) continue;
          it.fresh = false;
          q.countAdd.run(c.ns, c.key, it.time, it.n);
        }
        c.added = [];
      }
    }
  }

  private loadWhole(cache: CachedTable, load: () => boolean): void {
    this.settle();
    cache.loadTried = true;
    cache.whole = load();
    if (!cache.whole) cache.tooBig = true;
  }

  private dropCaches(): void {
    this.logPending = true;
    this.forgetLogged();
    this.seenCache.clear();
    this.markCache.clear();
    this.countCache.clear();
    this.cellCache.clear();
  }

  /** Bound memory: after a commit every cell is clean, so an oversized cache can simply go. */
  private trim(): void {
    const trimOne = (cache: CachedTable): void => {
      if (cache.size <= this.maxCached || cache.dirtyCount > 0) return;
      this.evicted += cache.size;
      this.evictions++;
      cache.tooBig = true;
      this.logPending = true;
      this.forgetLogged();
      cache.clear();
    };
    trimOne(this.seenCache);
    trimOne(this.markCache);
    trimOne(this.countCache);
    trimOne(this.cellCache);
  }

  cacheStats(): CacheStats {
    return { cached: this.seenCache.size + this.markCache.size + this.countCache.size + this.cellCache.size, evicted: this.evicted, evictions: this.evictions };
  }

  prune(now: number): void {
    if (this.depth === 0) return this.transaction(() => this.prune(now));
    this.settle();
    this.q.markPrune.run(now);
    this.q.cellPrune.run(now);
    const marks = this.markCache;
    for (const [ns, key, s] of marks.rows()) if (marks.get(s, 0) < now) marks.setAbsent(ns, key);
    for (const [m, k, c] of this.cellCache.cells()) {
      if (c !== null && c.until < now) {
        c.dirty = false;
        m.set(k, null);
      }
    }
  }

  close(): void {
    if (!this.db.open) return;
    try {
      // Leave the tables whole for readers (`drawbridge baseline`); if this fails the log stays and is folded on the next open.
      this.settle();
    } catch {
      // e.g. SQLITE_BUSY: nothing is lost, the committed log remains.
    }
    this.db.close();
  }
}
