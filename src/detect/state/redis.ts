/**
 * StateStore on Redis (standalone; key layout ready for Redis Cluster). Same semantics as the SQLite
 * store, including the engine's batch transactions.
 *
 * Design (see redis-bridge.ts for how a synchronous interface talks to Redis):
 * - A transaction is a local overlay: reads go to Redis once per key and are cached, writes are kept
 *   in the overlay (later reads see them), and the commit sends every write — state, checkpoints,
 *   alerts — in one MULTI/EXEC. A transaction that throws sends nothing, which is the rollback.
 *   A call outside transaction() is its own transaction.
 * - Keys are hash-tagged per detector key, `<prefix><type>:{<ns>\0<key>}`, so Cluster shards a
 *   detector's keys by what they are about. (In Cluster, MULTI cannot span slots, so a commit there
 *   would be split per slot with checkpoints last; that mode is not implemented.)
 * - seen: a hash {first, last}. counters: a sorted set scored by event time, one member per count
 *   ("time:n:unique"), trimmed to the window on write. marks: a string holding the event-time instant
 *   they expire at (what `marked` compares), with a PX TTL of the same length plus a grace period so
 *   Redis drops them itself once live traffic has passed them.
 * - cells: a string holding a JSON array [until, ...values], with a PX TTL like a mark's.
 * - One writer per detector key at a time (the worker that owns the key's stream partition); two
 *   writers racing on one key would last-writer-win on that key.
 */
import type { Alert } from '../../model/finding.js';
import { SyncRedis, type RedisArg, type RedisReply } from './redis-bridge.js';
import { addCounted, countWindow, type Counted, type CountWindow } from './window-count.js';
import type { BaselineEntry, Checkpoint, SeenEntry, StateStore } from './types.js';

const SEP = '\u0000';
/** Marks live in Redis this much longer than their TTL: a worker catching up on a backlog still finds them. */
const MARK_GRACE_MS = 3_600_000;

export interface RedisStoreOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Prefix of every key (default "drawbridge:"), so several deployments can share a server. */
  prefix?: string;
  /** How long one call may take before the store gives up (default 10 s). */
  timeoutMs?: number;
}

interface CounterState {
  /** Counts inside the window as of the last call, in time order. */
  events: CountWindow<Counted>;
  added: { time: number; n: number; member: string }[];
  dropUpTo?: number;
}

interface Overlay {
  seen: Map<string, SeenEntry | null>;
  seenDirty: Set<string>;
  counters: Map<string, CounterState>;
  /** Marks written in this transaction. */
  marks: Map<string, { until: number; px: number }>;
  /** Marks read from Redis in this transaction (undefined: none). */
  markReads: Map<string, number | undefined>;
  /** Cells read or written in this transaction ([until, ...values]; undefined: none). */
  cells: Map<string, number[] | undefined>;
  cellWrites: Map<string, number>;
  checkpoints: Map<string, Checkpoint>;
  alertKnown: Map<string, boolean>;
  newAlerts: Alert[];
  /** Outbox rows to add ([sink, alert]) and to remove ([sink, id]). */
  owe: [string, Alert][];
  sent: [string, string][];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Escape Redis glob specials so a namespace matches only itself. */
const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

function replyNumber(v: RedisReply | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A stored cell, [until, ...values]; anything else is no cell. */
function parseCell(v: string): number[] | undefined {
  try {
    const a: unknown = JSON.parse(v);
    return Array.isArray(a) && a.length > 0 && a.every((x) => typeof x === 'number') ? (a as number[]) : undefined;
  } catch {
    return undefined;
  }
}

/** An array reply as strings; nil elements become "". */
function strings(v: RedisReply): string[] {
  return Array.isArray(v) ? v.map((x) => (x === null ? '' : String(x))) : [];
}

export class RedisStateStore implements StateStore {
  readonly kind = 'redis' as const;
  private readonly redis: SyncRedis;
  private readonly prefix: string;
  private tx: Overlay | undefined;
  /** Makes counter members unique across processes and restarts. */
  private readonly instance = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  private memberSeq = 0;

  constructor(opts: RedisStoreOptions) {
    this.prefix = opts.prefix ?? 'drawbridge:';
    this.redis = new SyncRedis(opts.url, opts.timeoutMs);
  }

  // ── key layout ──────────────────────────────────────────────────────────────────────────────
  private key(type: 'seen' | 'count' | 'mark' | 'cell', ns: string, key: string): string {
    return `${this.prefix}${type}:{${ns}${SEP}${key}}`;
  }
  private cpKey(source: string): string {
    return `${this.prefix}checkpoint:{${source}}`;
  }
  private alertKey(id: string): string {
    return `${this.prefix}alert:{${id}}`;
  }
  /** Ids owed to one sink, oldest first; the alerts themselves are the kept alert records. */
  private outboxKey(sink: string): string {
    return `${this.prefix}outbox:{${sink}}`;
  }
  private get alertList(): string {
    return `${this.prefix}alerts`;
  }

  private call(...args: RedisArg[]): RedisReply {
    return this.redis.run({ type: 'call', args });
  }

  // ── transactions ────────────────────────────────────────────────────────────────────────────
  transaction<T>(fn: () => T): T {
    if (this.tx) return fn();
    this.tx = { seen: new Map(), seenDirty: new Set(), counters: new Map(), marks: new Map(), markReads: new Map(), cells: new Map(), cellWrites: new Map(), checkpoints: new Map(), alertKnown: new Map(), newAlerts: [], owe: [], sent: [] };
    try {
      const result = fn();
      this.commit(this.tx);
      return result;
    } finally {
      this.tx = undefined;
    }
  }

  private commit(o: Overlay): void {
    const cmds: RedisArg[][] = [];
    for (const k of o.seenDirty) {
      const e = o.seen.get(k);
      cmds.push(e ? ['HSET', k, 'first', e.first, 'last', e.last] : ['DEL', k]);
    }
    for (const [k, c] of o.counters) {
      if (c.dropUpTo !== undefined) cmds.push(['ZREMRANGEBYSCORE', k, '-inf', c.dropUpTo]);
      for (const a of c.added) if (a.time > (c.dropUpTo ?? -Infinity)) cmds.push(['ZADD', k, a.time, a.member]);
    }
    for (const [k, m] of o.marks) cmds.push(['SET', k, m.until, 'PX', m.px]);
    for (const [k, px] of o.cellWrites) cmds.push(['SET', k, JSON.stringify(o.cells.get(k)), 'PX', px]);
    for (const [source, cp] of o.checkpoints) cmds.push(['SET', this.cpKey(source), JSON.stringify(cp)]);
    for (const a of o.newAlerts) {
      cmds.push(['SET', this.alertKey(a.id), JSON.stringify(a), 'NX']);
      cmds.push(['RPUSH', this.alertList, a.id]);
    }
    for (const [sink, a] of o.owe) {
      cmds.push(['SET', this.alertKey(a.id), JSON.stringify(a), 'NX']);
      cmds.push(['RPUSH', this.outboxKey(sink), a.id]);
    }
    for (const [sink, id] of o.sent) cmds.push(['LREM', this.outboxKey(sink), 0, id]);
    if (cmds.length > 0) this.redis.run({ type: 'multi', cmds });
  }

  /** The current overlay, or a one-call transaction around fn. */
  private within<T>(fn: (o: Overlay) => T): T {
    return this.transaction(() => fn(this.tx!));
  }

  // ── seen ────────────────────────────────────────────────────────────────────────────────────
  private readSeen(o: Overlay | undefined, k: string): SeenEntry | undefined {
    if (o?.seen.has(k)) return o.seen.get(k) ?? undefined;
    const [first, last] = strings(this.call('HMGET', k, 'first', 'last')).map((x) => replyNumber(x));
    const e = first !== undefined && last !== undefined ? { first, last } : undefined;
    o?.seen.set(k, e ?? null);
    return e;
  }

  private writeSeen(o: Overlay, k: string, e: SeenEntry | null): void {
    o.seen.set(k, e);
    o.seenDirty.add(k);
  }

  seen(ns: string, key: string, time: number, expireAfter?: number): boolean {
    const k = this.key('seen', ns, key);
    return this.within((o) => {
      const e = this.readSeen(o, k);
      if (!e || (expireAfter !== undefined && time - e.last > expireAfter)) {
        this.writeSeen(o, k, { first: time, last: time });
        return true;
      }
      if (time > e.last || time < e.first) this.writeSeen(o, k, { first: Math.min(e.first, time), last: Math.max(e.last, time) });
      return false;
    });
  }

  peek(ns: string, key: string): SeenEntry | undefined {
    const e = this.readSeen(this.tx, this.key('seen', ns, key));
    return e ? { ...e } : undefined;
  }

  // ── counters ────────────────────────────────────────────────────────────────────────────────
  count(ns: string, key: string, time: number, window: number, by = 1): number {
    const k = this.key('count', ns, key);
    return this.within((o) => {
      let c = o.counters.get(k);
      if (!c) {
        const flat = strings(this.call('ZRANGE', k, 0, -1, 'WITHSCORES'));
        const events: Counted[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) {
          // member "time:n:unique"; the score is the time.
          const n = replyNumber(flat[i]!.split(':')[1]);
          const t = replyNumber(flat[i + 1]);
          if (n !== undefined && t !== undefined) events.push({ time: t, n });
        }
        c = { events: countWindow(events), added: [] };
        o.counters.set(k, c);
      }
      const member = `${time}:${by}:${this.instance}.${(this.memberSeq++).toString(36)}`;
      c.added.push({ time, n: by, member });
      c.dropUpTo = Math.max(c.dropUpTo ?? -Infinity, time - window);
      return addCounted(c.events, { time, n: by }, window);
    });
  }

  // ── marks ───────────────────────────────────────────────────────────────────────────────────
  mark(ns: string, key: string, time: number, ttl: number): void {
    const k = this.key('mark', ns, key);
    this.within((o) => o.marks.set(k, { until: time + ttl, px: Math.max(1, Math.ceil(ttl)) + MARK_GRACE_MS }));
  }

  marked(ns: string, key: string, time: number): boolean {
    const k = this.key('mark', ns, key);
    const o = this.tx;
    let until: number | undefined;
    if (o?.marks.has(k)) until = o.marks.get(k)!.until;
    else if (o?.markReads.has(k)) until = o.markReads.get(k);
    else {
      until = replyNumber(this.call('GET', k));
      o?.markReads.set(k, until);
    }
    return until !== undefined && time <= until;
  }

  // ── cells ───────────────────────────────────────────────────────────────────────────────────
  setCell(ns: string, key: string, time: number, ttl: number, values: readonly number[]): void {
    const k = this.key('cell', ns, key);
    this.within((o) => {
      o.cells.set(k, [time + ttl, ...values]);
      o.cellWrites.set(k, Math.max(1, Math.ceil(ttl)) + MARK_GRACE_MS);
    });
  }

  cell(ns: string, key: string, time: number): number[] | undefined {
    const k = this.key('cell', ns, key);
    const o = this.tx;
    let c: number[] | undefined;
    if (o?.cells.has(k)) c = o.cells.get(k);
    else {
      const v = this.call('GET', k);
      c = typeof v === 'string' ? parseCell(v) : undefined;
      o?.cells.set(k, c);
    }
    return c !== undefined && time <= (c[0] as number) ? c.slice(1) : undefined;
  }

  // ── checkpoints and alerts ──────────────────────────────────────────────────────────────────
  checkpoint(source: string): Checkpoint | undefined {
    const local = this.tx?.checkpoints.get(source);
    if (local) return { ...local };
    const v = this.call('GET', this.cpKey(source));
    if (typeof v !== 'string') return undefined;
    const cp = JSON.parse(v) as Checkpoint;
    const out: Checkpoint = { offset: cp.offset, line: cp.line };
    if (cp.size !== undefined) out.size = cp.size;
    if (cp.dev !== undefined && cp.ino !== undefined) Object.assign(out, { dev: cp.dev, ino: cp.ino });
    return out;
  }

  setCheckpoint(source: string, cp: Checkpoint): void {
    this.within((o) => o.checkpoints.set(source, { ...cp }));
  }

  recordAlert(alert: Alert): boolean {
    return this.within((o) => {
      let known = o.alertKnown.get(alert.id);
      if (known === undefined) known = replyNumber(this.call('EXISTS', this.alertKey(alert.id))) === 1;
      if (known) return false;
      o.alertKnown.set(alert.id, true);
      o.newAlerts.push(alert);
      return true;
    });
  }

  alerts(): Alert[] {
    const ids = strings(this.call('LRANGE', this.alertList, 0, -1));
    const seen = new Set<string>();
    const unique = ids.filter((id) => !seen.has(id) && seen.add(id));
    const values = this.redis.run({ type: 'pipeline', cmds: unique.map((id) => ['GET', this.alertKey(id)]) });
    const out = strings(values).filter((v) => v !== '').map((v) => JSON.parse(v) as Alert);
    for (const a of this.tx?.newAlerts ?? []) out.push(a);
    return out;
  }

  // ── outbox ──────────────────────────────────────────────────────────────────────────────────
  enqueueOutbox(alert: Alert, sinks: readonly string[]): void {
    this.within((o) => {
      for (const sink of sinks) o.owe.push([sink, alert]);
    });
  }

  outbox(sink: string, limit: number): Alert[] {
    const ids = strings(this.call('LRANGE', this.outboxKey(sink), 0, limit - 1));
    const unique = [...new Set(ids)];
    const values = strings(this.redis.run({ type: 'pipeline', cmds: unique.map((id) => ['GET', this.alertKey(id)]) }));
    return values.filter((v) => v !== '').map((v) => JSON.parse(v) as Alert);
  }

  markSent(sink: string, ids: readonly string[]): void {
    this.within((o) => {
      for (const id of ids) o.sent.push([sink, id]);
    });
  }

  // ── baselines ───────────────────────────────────────────────────────────────────────────────
  entries(ns?: string): BaselineEntry[] {
    const head = `${this.prefix}seen:{`;
    const match = globEscape(head) + (ns === undefined ? '*' : `${globEscape(ns)}${SEP}*`);
    const keys = strings(this.redis.run({ type: 'scan', match }));
    const values = this.redis.run({ type: 'pipeline', cmds: keys.map((k) => ['HMGET', k, 'first', 'last']) });
    const byKey = new Map<string, SeenEntry | null>();
    (Array.isArray(values) ? values : []).forEach((v, i) => {
      const [first, last] = strings(v).map((x) => replyNumber(x));
      if (first !== undefined && last !== undefined) byKey.set(keys[i]!, { first, last });
    });
    for (const [k, e] of this.tx?.seen ?? []) if (this.tx!.seenDirty.has(k) && k.startsWith(head)) byKey.set(k, e);
    const out: BaselineEntry[] = [];
    for (const [k, e] of byKey) {
      if (!e) continue;
      const inner = k.slice(head.length, -1);
      const i = inner.indexOf(SEP);
      const entry = { ns: inner.slice(0, i), key: inner.slice(i + 1), first: e.first, last: e.last };
      if (ns === undefined || entry.ns === ns) out.push(entry);
    }
    return out.sort((a, b) => (a.ns === b.ns ? compare(a.key, b.key) : compare(a.ns, b.ns)));
  }

  putEntry(e: BaselineEntry): void {
    this.within((o) => this.writeSeen(o, this.key('seen', e.ns, e.key), { first: e.first, last: e.last }));
  }

  forget(ns: string, key: string): boolean {
    const k = this.key('seen', ns, key);
    return this.within((o) => {
      const had = this.readSeen(o, k) !== undefined;
      if (had) this.writeSeen(o, k, null);
      return had;
    });
  }

  // ── upkeep ──────────────────────────────────────────────────────────────────────────────────
  prune(now: number): void {
    for (const [type, until] of [
      ['mark', replyNumber],
      ['cell', (v: string | undefined) => (v === undefined ? undefined : parseCell(v)?.[0])],
    ] as const) {
      const keys = strings(this.redis.run({ type: 'scan', match: `${globEscape(this.prefix)}${type}:*` }));
      const values = strings(this.redis.run({ type: 'pipeline', cmds: keys.map((k) => ['GET', k]) }));
      const stale = keys.filter((_, i) => {
        const u = until(values[i]);
        return u !== undefined && u < now;
      });
      if (stale.length > 0) this.redis.run({ type: 'pipeline', cmds: stale.map((k) => ['DEL', k]) });
    }
  }

  close(): void {
    this.redis.close();
  }
}
