/**
 * A store's cached rows of one kind — (namespace, key) → a fixed number of numbers — kept in typed
 * arrays, one slot per key. An object per cached row cost about 200 bytes of heap (the object, its
 * boxed numbers, the map entry and the key); a slot costs 8 bytes per number and a flag byte, plus
 * the key and its map entry, so a working set of millions of baseline keys stays small.
 */
import { flatCopy } from '../strings.js';

/** `find` result: the key is cached as absent from the table. */
export const ABSENT = -1;
/** `find` result: nothing is cached for the key (ask the table). */
export const UNKNOWN = -2;

const DIRTY = 1;
const LOGGED = 2;

export class SlotTable {
  /** Per namespace: its name (one string, however many slots) and key → slot, or ABSENT for a cached miss. */
  private readonly byNs = new Map<string, { id: number; slots: Map<string, number> }>();
  private values: Float64Array;
  private flags: Uint8Array;
  /** Slot → its namespace (an index into `names`: namespaces are a few dozen detector constants) and key (the string the map holds). */
  private nsOf: Uint16Array;
  private readonly names: string[] = [];
  private keyOf: string[] = [];
  private used = 0;
  private readonly free: number[] = [];
  private dirtySlots: number[] = [];
  private loggedSlots: number[] = [];
  /** Every row of the table is cached: a miss is an absent row. */
  whole = false;
  /** Whether loading the whole table was tried since the cache was last cleared. */
  loadTried = false;
  /** The table once had too many rows to load whole: fault keys in from then on. */
  tooBig = false;
  /** Keys cached, misses included. */
  size = 0;

  constructor(readonly width: number) {
    this.values = new Float64Array(1024 * width);
    this.flags = new Uint8Array(1024);
    this.nsOf = new Uint16Array(1024);
  }

  /** The key's slot, ABSENT, or UNKNOWN. */
  find(ns: string, key: string): number {
    const m = this.byNs.get(ns);
    const s = m === undefined ? undefined : m.slots.get(key);
    if (s !== undefined) return s;
    return this.whole ? ABSENT : UNKNOWN;
  }

  /** Cache a row (its numbers, at most two) and return its slot; the key is copied so it pins no chunk. */
  add(ns: string, key: string, a: number, b = 0): number {
    return this.addOwned(ns, flatCopy(key), a, b);
  }

  /** As add, for a key that is a string of its own already (a row read from the table): no copy. */
  addOwned(ns: string, k: string, a: number, b = 0): number {
    const m = this.nsEntry(ns);
    const slot = this.free.pop() ?? this.grow();
    const had = m.slots.get(k);
    if (had === undefined) this.size++;
    else if (had !== ABSENT) this.release(had);
    m.slots.set(k, slot);
    this.nsOf[slot] = m.id;
    this.keyOf[slot] = k;
    this.flags[slot] = 0;
    const at = slot * this.width;
    this.values[at] = a;
    if (this.width > 1) this.values[at + 1] = b;
    return slot;
  }

  /** Cache that the table has no row for the key (or no longer has: a slot there is freed). */
  setAbsent(ns: string, key: string): void {
    const m = this.nsEntry(ns).slots;
    const s = m.get(key);
    if (s === undefined) {
      this.size++;
      m.set(flatCopy(key), ABSENT);
      return;
    }
    if (s !== ABSENT) this.release(s);
    m.set(key, ABSENT);
  }

  get(slot: number, i: number): number {
    return this.values[slot * this.width + i] as number;
  }

  set(slot: number, i: number, v: number): void {
    this.values[slot * this.width + i] = v;
  }

  ns(slot: number): string {
    return this.names[this.nsOf[slot] as number] as string;
  }

  key(slot: number): string {
    return this.keyOf[slot] as string;
  }

  markDirty(slot: number): void {
    const f = this.flags[slot] as number;
    if ((f & DIRTY) === 0) {
      this.flags[slot] = f | DIRTY;
      this.dirtySlots.push(slot);
    }
  }

  /** The table's row now holds what the slot holds: it needs no write. */
  markClean(slot: number): void {
    this.flags[slot] = (this.flags[slot] as number) & ~DIRTY;
  }

  get dirtyCount(): number {
    return this.dirtySlots.length;
  }

  /** Slots written since the last call, each once; they are clean and "logged" from now on. */
  takeDirty(): number[] {
    const out: number[] = [];
    for (const s of this.dirtySlots) {
      const f = this.flags[s] as number;
      if ((f & DIRTY) === 0) continue;
      this.flags[s] = (f & ~DIRTY) | LOGGED;
      out.push(s);
      if ((f & LOGGED) === 0) this.loggedSlots.push(s);
    }
    this.dirtySlots = [];
    return out;
  }

  /** Slots logged since the last call (their current values are the latest logged ones); forgets them. */
  takeLogged(): number[] {
    const out: number[] = [];
    for (const s of this.loggedSlots) {
      const f = this.flags[s] as number;
      if ((f & LOGGED) === 0) continue;
      this.flags[s] = f & ~LOGGED;
      out.push(s);
    }
    this.loggedSlots = [];
    return out;
  }

  /** Forget which slots were logged (the log will be read back instead). */
  forgetLogged(): void {
    for (const s of this.loggedSlots) this.flags[s] = (this.flags[s] as number) & ~LOGGED;
    this.loggedSlots = [];
  }

  /** Every cached row: namespace, key, slot. */
  *rows(): Iterable<[string, string, number]> {
    for (const [ns, m] of this.byNs) for (const [k, s] of m.slots) if (s !== ABSENT) yield [ns, k, s];
  }

  clear(): void {
    this.byNs.clear();
    this.names.length = 0;
    this.keyOf = [];
    this.used = 0;
    this.free.length = 0;
    this.dirtySlots = [];
    this.loggedSlots = [];
    this.flags.fill(0);
    this.whole = false;
    this.loadTried = this.tooBig;
    this.size = 0;
  }

  private release(slot: number): void {
    this.flags[slot] = 0;
    this.keyOf[slot] = '';
    this.free.push(slot);
  }

  private nsEntry(ns: string): { id: number; slots: Map<string, number> } {
    let m = this.byNs.get(ns);
    if (m === undefined) {
      const name = flatCopy(ns);
      m = { id: this.names.length, slots: new Map() };
      this.names.push(name);
      this.byNs.set(name, m);
    }
    return m;
  }

  private grow(): number {
    const slot = this.used++;
    if (slot >= this.flags.length) {
      // Grow by half: a working set of a million keys leaves a quarter of a slot array unused on average, not half.
      const n = Math.ceil(this.flags.length * 1.5);
      const flags = new Uint8Array(n);
      flags.set(this.flags);
      this.flags = flags;
      const nsOf = new Uint16Array(n);
      nsOf.set(this.nsOf);
      this.nsOf = nsOf;
      const values = new Float64Array(n * this.width);
      values.set(this.values);
      this.values = values;
    }
    return slot;
  }
}
