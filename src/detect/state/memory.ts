import type { Alert } from '../../model/finding.js';
import { flatCopy } from '../strings.js';
import type { BaselineEntry, Checkpoint, SeenEntry, StateStore } from './types.js';
import { addCounted, countWindow, type Counted, type CountWindow } from './window-count.js';

const SEP = '\u0000';

/** Plain string order (ASCII keys sort the same in every store). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * In-memory StateStore (tests, one-shot runs). Transactions only group calls: a process that dies
 * loses everything anyway, so there is nothing to roll back to.
 */
export class MemoryStateStore implements StateStore {
  readonly kind = 'memory' as const;
  private readonly seenEntries = new Map<string, SeenEntry>();
  private readonly counters = new Map<string, CountWindow<Counted>>();
  private readonly marks = new Map<string, number>();
  private readonly cells = new Map<string, { until: number; values: number[] }>();
  private readonly checkpoints = new Map<string, Checkpoint>();
  private readonly kept = new Map<string, Alert>();
  /** Per sink, the alerts owed to it in the order they were kept. */
  private readonly owed = new Map<string, Map<string, Alert>>();

  seen(ns: string, key: string, time: number, expireAfter?: number): boolean {
    const k = ns + SEP + key;
    const e = this.seenEntries.get(k);
    if (!e) {
      this.seenEntries.set(flatCopy(k), { first: time, last: time });
      return true;
    }
    if (expireAfter !== undefined && time - e.last > expireAfter) {
      e.first = time;
      e.last = time;
      return true;
    }
    if (time > e.last) e.last = time;
    if (time < e.first) e.first = time;
    return false;
  }

  peek(ns: string, key: string): SeenEntry | undefined {
    const e = this.seenEntries.get(ns + SEP + key);
    return e ? { ...e } : undefined;
  }

  count(ns: string, key: string, time: number, window: number, by = 1): number {
    const k = ns + SEP + key;
    let w = this.counters.get(k);
    if (!w) {
      w = countWindow();
      this.counters.set(flatCopy(k), w);
    }
    return addCounted(w, { time, n: by }, window);
  }

  mark(ns: string, key: string, time: number, ttl: number): void {
    this.marks.set(flatCopy(ns + SEP + key), time + ttl);
  }

  marked(ns: string, key: string, time: number): boolean {
    const until = this.marks.get(ns + SEP + key);
    return until !== undefined && time <= until;
  }

  setCell(ns: string, key: string, time: number, ttl: number, values: readonly number[]): void {
    this.cells.set(flatCopy(ns + SEP + key), { until: time + ttl, values: [...values] });
  }

  cell(ns: string, key: string, time: number): number[] | undefined {
    const c = this.cells.get(ns + SEP + key);
    return c !== undefined && time <= c.until ? [...c.values] : undefined;
  }

  entries(ns?: string): BaselineEntry[] {
    const out: BaselineEntry[] = [];
    for (const [k, e] of this.seenEntries) {
      const i = k.indexOf(SEP);
      const entry = { ns: k.slice(0, i), key: k.slice(i + 1), first: e.first, last: e.last };
      if (ns === undefined || entry.ns === ns) out.push(entry);
    }
    return out.sort((a, b) => (a.ns === b.ns ? compare(a.key, b.key) : compare(a.ns, b.ns)));
  }

  putEntry(e: BaselineEntry): void {
    this.seenEntries.set(e.ns + SEP + e.key, { first: e.first, last: e.last });
  }

  forget(ns: string, key: string): boolean {
    return this.seenEntries.delete(ns + SEP + key);
  }

  checkpoint(source: string): Checkpoint | undefined {
    const c = this.checkpoints.get(source);
    return c ? { ...c } : undefined;
  }

  setCheckpoint(source: string, cp: Checkpoint): void {
    this.checkpoints.set(source, { ...cp });
  }

  recordAlert(alert: Alert): boolean {
    if (this.kept.has(alert.id)) return false;
    this.kept.set(alert.id, alert);
    return true;
  }

  alerts(): Alert[] {
    return [...this.kept.values()];
  }

  enqueueOutbox(alert: Alert, sinks: readonly string[]): void {
    for (const sink of sinks) {
      let m = this.owed.get(sink);
      if (!m) this.owed.set(sink, (m = new Map()));
      if (!m.has(alert.id)) m.set(alert.id, alert);
    }
  }

  outbox(sink: string, limit: number): Alert[] {
    return [...(this.owed.get(sink)?.values() ?? [])].slice(0, limit);
  }

  markSent(sink: string, ids: readonly string[]): void {
    const m = this.owed.get(sink);
    for (const id of ids) m?.delete(id);
  }

  transaction<T>(fn: () => T): T {
    return fn();
  }

  prune(now: number): void {
    for (const [k, until] of this.marks) if (until < now) this.marks.delete(k);
    for (const [k, c] of this.cells) if (c.until < now) this.cells.delete(k);
  }

  close(): void {}
}
