/**
 * When each spooled byte range arrived, so an alert (which names its record's file and offset) can be
 * traced back to the request that carried it: the ingest-to-alert latency.
 */
export class Arrivals {
  private readonly ranges = new Map<string, { end: number; at: number }[]>();

  constructor(private readonly keep = 10_000) {}

  note(file: string, start: number, end: number, at: number): void {
    let list = this.ranges.get(file);
    if (!list || (list.length > 0 && start < list[list.length - 1]!.end)) {
      // First range, or the file was rotated and offsets start again.
      list = [];
      this.ranges.set(file, list);
    }
    list.push({ end, at });
    if (list.length > this.keep) list.splice(0, list.length - this.keep);
  }

  /** Arrival time of the request that carried the byte at `offset`, if still remembered. */
  at(file: string, offset: number): number | undefined {
    const list = this.ranges.get(file);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    const hit = list[lo];
    return hit && offset < hit.end ? hit.at : undefined;
  }
}
