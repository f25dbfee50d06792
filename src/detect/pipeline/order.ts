/**
 * Stage 3, order: events wait until the watermark passes them and are released in event-time order
 * (detect/reorder.ts). Each source has a watermark of its own:
 * - a source that is still delivering holds the run back to its latest event time minus the allowed
 *   disorder (detect.outOfOrderness): its own events and other sources' events interleave within it;
 * - a live source (followed file, stream) with nothing new for `idleAfter` of wall time while a read waits
 *   is caught up with its writer: nothing older can still come from it, so it holds nothing back;
 * - a source that ended holds nothing back.
 * The run's watermark is the lowest watermark of the sources that hold it back; when none does (every live
 * source caught up), everything seen so far is released. An event older than what was already released is
 * late: counted, and handed on at once rather than reordered further.
 */
import type { Line } from '../../io/sources/lines.js';
import type { DrawbridgeEvent } from '../../model/event.js';
import { ReorderBuffer } from '../reorder.js';
import type { DetectStats, Pending, RecordState, RunSource } from './types.js';

export class OrderStage {
  private readonly buffer = new ReorderBuffer<Pending>();
  private seq = 0;

  constructor(
    /** Allowed disorder (ms) within and across the sources that are delivering. */
    private readonly window: number,
    /** Quiet wall time (ms) after which a live source is taken as caught up. */
    readonly idleAfter: number,
    private readonly stats: DetectStats,
  ) {}

  /** Events waiting. */
  get size(): number {
    return this.buffer.size;
  }

  /** Event time up to which everything has been released. */
  get released(): number {
    return this.buffer.released;
  }

  /**
   * Take one record's events: late ones go to `process` at once, the others wait; then everything the
   * watermark has passed is released to `process`, event by event, so lateness is judged against what
   * was already released and nothing is reordered by more than the allowed disorder, whatever the batch size.
   */
  admit(src: RunSource, line: Line, events: readonly DrawbridgeEvent[], sources: readonly RunSource[], process: (p: Pending) => void): void {
    const record: RecordState = { offset: line.offset, line: line.line - 1, pending: 0 };
    for (const event of events) {
      this.stats.events++;
      const p: Pending = { time: event.time, seq: this.seq++, event, raw: line.text, record };
      if (event.time > src.maxTime) src.maxTime = event.time;
      record.pending++;
      if (this.buffer.isLate(event.time)) {
        this.stats.late++;
        process(p);
      } else this.buffer.push(p);
    }
    if (record.pending > 0) src.open.push(record);
    for (const q of this.release(sources)) process(q);
  }

  /** Everything the run's watermark has passed, in event-time order. */
  release(sources: readonly RunSource[]): Pending[] {
    return this.buffer.release(this.watermark(sources));
  }

  /** Whether waiting events could be released now. */
  canRelease(sources: readonly RunSource[]): boolean {
    return this.buffer.size > 0 && this.watermark(sources) > this.buffer.released;
  }

  /** The lowest watermark of the sources holding the run back (see the module comment). */
  watermark(sources: readonly RunSource[]): number {
    let w = Infinity;
    let latest = -Infinity;
    let live = false;
    for (const s of sources) {
      if (s.failed) continue;
      if (s.maxTime > latest) latest = s.maxTime;
      if (s.done) continue;
      live = true;
      if (!s.idle) w = Math.min(w, s.maxTime - this.window);
    }
    // Every open source caught up: release what has been seen, but not the future (later events stay in order).
    return w === Infinity && live ? latest : w;
  }

  /** Mark the live sources that are caught up: a read is waiting and nothing came for idleAfter. */
  refreshIdle(sources: readonly RunSource[], now = Date.now()): void {
    for (const s of sources) s.idle = s.reader.live && s.read !== undefined && s.result === undefined && now - s.lastData >= this.idleAfter;
  }

  /** Wall time at which the next live source turns idle (Infinity: none will), when events are waiting. */
  nextIdle(sources: readonly RunSource[]): number {
    if (this.buffer.size === 0) return Infinity;
    let due = Infinity;
    for (const s of sources) if (!s.done && !s.failed && s.reader.live && !s.idle) due = Math.min(due, s.lastData + this.idleAfter);
    return due;
  }
}
