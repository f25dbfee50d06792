/**
 * Event-time ordering with bounded out-of-orderness. Events wait in a min-heap until the watermark
 * (latest event time seen minus the allowed disorder) passes them; anything older than what was
 * already released is "late": counted and handed on at once, never silently reordered further.
 */
export interface Timed {
  time: number;
  /** Arrival order, to keep equal times stable. */
  seq: number;
}

export class ReorderBuffer<T extends Timed> {
  private readonly heap: T[] = [];
  /** Everything at or before this time has been released. */
  released = -Infinity;

  get size(): number {
    return this.heap.length;
  }

  isLate(time: number): boolean {
    return time < this.released;
  }

  push(item: T): void {
    const h = this.heap;
    h.push(item);
    // Sift up, moving parents down into the hole (no swap temporaries: this runs for every event).
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!before(item, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = item;
  }

  /** Release, in time order, every item at or before `watermark`. */
  release(watermark: number, out: T[] = []): T[] {
    const h = this.heap;
    while (h.length > 0 && h[0]!.time <= watermark) out.push(this.pop());
    if (watermark > this.released) this.released = watermark;
    return out;
  }

  private pop(): T {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      // Sift the last item down from the root, moving the smaller child up into the hole.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[m]!, last)) break;
        h[i] = h[m]!;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: Timed, b: Timed): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
