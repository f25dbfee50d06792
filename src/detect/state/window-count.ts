/**
 * The arithmetic of `count` shared by the stores: a key's counts kept in time order with a running sum,
 * so adding one and summing the window costs what left the window, not every count still in it (a
 * controller that creates pods all day made each call walk tens of thousands of earlier ones).
 *
 * Semantics (as the stores document): add `by` at `time`, drop every count at or before `time - window`,
 * answer the sum over (time - window, time]. Counts later than `time` (a record out of order) stay and
 * are not summed.
 */
export interface Counted {
  time: number;
  n: number;
}

export interface CountWindow<T extends Counted> {
  /** In time order from `head` on; those before `head` have left. */
  items: T[];
  head: number;
  /** Sum of n over items[head…]. */
  sum: number;
}

export function countWindow<T extends Counted>(items: T[] = []): CountWindow<T> {
  const sorted = items.slice().sort((a, b) => a.time - b.time);
  let sum = 0;
  for (const it of sorted) sum += it.n;
  return { items: sorted, head: 0, sum };
}

/** The counts still kept, oldest first. */
export function kept<T extends Counted>(w: CountWindow<T>): T[] {
  return w.head === 0 ? w.items : w.items.slice(w.head);
}

/** Add `item` (its time is the call's time), drop what left the window (telling `dropped`), and sum it. */
export function addCounted<T extends Counted>(w: CountWindow<T>, item: T, window: number, dropped?: (it: T) => void): number {
  const { items } = w;
  const time = item.time;
  // Insert in time order: at the end unless the record is out of order.
  let at = items.length;
  while (at > w.head && (items[at - 1] as T).time > time) at--;
  if (at === items.length) items.push(item);
  else items.splice(at, 0, item);
  w.sum += item.n;
  const from = time - window;
  while (w.head < items.length && (items[w.head] as T).time <= from) {
    const gone = items[w.head++] as T;
    w.sum -= gone.n;
    dropped?.(gone);
  }
  // Keep the array from growing with what already left.
  if (w.head > 1024 && w.head * 2 > items.length) {
    items.splice(0, w.head);
    w.head = 0;
  }
  let total = w.sum;
  for (let i = items.length - 1; i >= w.head && (items[i] as T).time > time; i--) total -= (items[i] as T).n;
  return total;
}
