/**
 * StateStore — the only memory a detector has (DESIGN.md "Contracts"): set membership with
 * first/last-seen time, counters over windows, short-lived marks and cells with TTL; plus source checkpoints
 * and alert records, which the engine commits in the same transaction as the state.
 * All times are event-time epoch milliseconds.
 */
import type { Alert } from '../../model/finding.js';

export interface SeenEntry {
  first: number;
  last: number;
}

/** What detectors may touch: reads and writes of baselines, counters and marks. */
export interface StateView {
  /**
   * Record `key` in namespace `ns` at `time`. Returns true when the key is new: never seen, or last
   * seen longer than `expireAfter` ms before `time` (the entry then starts over).
   */
  seen(ns: string, key: string, time: number, expireAfter?: number): boolean;
  /** The entry without touching it. */
  peek(ns: string, key: string): SeenEntry | undefined;
  /** Add `by` (default 1) at `time`; return the total within (time - window, time]. */
  count(ns: string, key: string, time: number, window: number, by?: number): number;
  /** Set a mark that holds until time + ttl. */
  mark(ns: string, key: string, time: number, ttl: number): void;
  /** Whether a mark is set and has not expired at `time`. */
  marked(ns: string, key: string, time: number): boolean;
  /**
   * Keep a few numbers under a key until time + ttl (a detector's short-lived tally: one key per
   * thing tracked, updated in place, pruned once lapsed, so it does not grow with traffic).
   */
  setCell(ns: string, key: string, time: number, ttl: number, values: readonly number[]): void;
  /** The numbers kept under a key, or undefined when absent or lapsed at `time`. */
  cell(ns: string, key: string, time: number): number[] | undefined;
}

export type { Checkpoint } from '../../io/sources/checkpoint.js';
import type { Checkpoint } from '../../io/sources/checkpoint.js';

/** One baseline entry: a key of a `seen` set with its first and last sighting. */
export interface BaselineEntry extends SeenEntry {
  ns: string;
  key: string;
}

/** Reading and editing the baselines (the `seen` sets) from outside the detectors (`drawbridge baseline`). */
export interface BaselineAccess {
  /** Every entry, ordered by namespace then key; only namespace `ns` when given. */
  entries(ns?: string): BaselineEntry[];
  /** Write an entry as given, replacing any with the same namespace and key. */
  putEntry(entry: BaselineEntry): void;
  /** Remove an entry; true when it existed. */
  forget(ns: string, key: string): boolean;
}

/**
 * Alerts owed to durable sinks. A row per (alert, sink) is written in the transaction that keeps the
 * alert and removed once the sink wrote it durably, so no crash point loses a delivery.
 */
export interface Outbox {
  /** Owe `alert` to each named sink (inside the transaction that records it). */
  enqueueOutbox(alert: Alert, sinks: readonly string[]): void;
  /** Alerts still owed to `sink`, oldest first, at most `limit`. */
  outbox(sink: string, limit: number): Alert[];
  /** The sink has durably written these alerts: they are owed no more. */
  markSent(sink: string, ids: readonly string[]): void;
}

/** A store's in-memory working set: keys cached now, and keys dropped from it to stay within its bound. */
export interface CacheStats {
  cached: number;
  evicted: number;
  /** Times a cache was dropped whole. */
  evictions: number;
}

export interface StateStore extends StateView, BaselineAccess, Outbox {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  checkpoint(source: string): Checkpoint | undefined;
  setCheckpoint(source: string, cp: Checkpoint): void;
  /** Keep an alert; false when one with the same id is already kept (a replay after a crash). */
  recordAlert(alert: Alert): boolean;
  /** Every kept alert, in the order they were recorded. */
  alerts(): Alert[];
  /** Run fn atomically: everything it wrote commits together or not at all. */
  transaction<T>(fn: () => T): T;
  /** Drop entries whose time has passed (expired marks and cells, counter events out of every window). */
  prune(now: number): void;
  /** The working set's size and evictions, for stores that cache (SQLite). */
  cacheStats?(): CacheStats;
  close(): void;
}
