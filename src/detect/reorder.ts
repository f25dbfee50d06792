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
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
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
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Timed, b: Timed): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
