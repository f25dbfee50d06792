import { describe, expect, it } from 'vitest';
import { OrderStage } from '../../../src/detect/pipeline/order.js';
import type { DetectStats, Pending, RunSource } from '../../../src/detect/pipeline/types.js';
import { newSource } from '../../../src/detect/pipeline/sources.js';
import type { SourceReader } from '../../../src/io/sources/readers.js';
import type { DrawbridgeEvent } from '../../../src/model/event.js';

const MIN = 60_000;

/** A source whose reader only says whether it is live; the order stage never reads. */
function source(name: string, live: boolean): RunSource {
  const reader: SourceReader = { live, read: () => new Promise(() => undefined), position: () => ({ offset: 0, line: 0 }), close: async () => undefined };
  return newSource(name, undefined, reader);
}

function event(time: number): DrawbridgeEvent {
  return { kind: 'auth', time, source: { kind: 'file', name: 'x' } } as unknown as DrawbridgeEvent;
}

function stage(window = 5 * MIN, idleAfter = 500) {
  const stats: DetectStats = { records: 0, events: 0, rejected: 0, late: 0 };
  const order = new OrderStage(window, idleAfter, stats);
  const out: number[] = [];
  const process = (p: Pending): void => {
    out.push(p.time);
    p.record.pending--;
  };
  let offset = 0;
  const admit = (src: RunSource, sources: RunSource[], ...times: number[]): void => {
    order.admit(src, { text: 'x', offset: offset++, line: offset }, times.map(event), sources, process);
  };
  return { order, stats, out, admit };
}

describe('order stage', () => {
  it('releases in event-time order once the source is a window past them, and counts older events as late', () => {
    const { order, stats, out, admit } = stage();
    const a = source('a.log', false);
    const all = [a];
    admit(a, all, 10 * MIN);
    admit(a, all, 8 * MIN); // within the window: reordered
    expect(out).toEqual([]);
    admit(a, all, 14 * MIN);
    expect(out).toEqual([8 * MIN]);
    admit(a, all, 16 * MIN);
    expect(out).toEqual([8 * MIN, 10 * MIN]);
    admit(a, all, 1 * MIN); // behind what was released: late, handed on at once
    expect(out.at(-1)).toBe(1 * MIN);
    expect(stats.late).toBe(1);
    expect(order.size).toBe(2);
    // Records still waiting keep their place (the late one was done at once and never waited).
    expect(a.open.map((r) => r.pending)).toEqual([0, 0, 1, 1]);
  });

  it('a live source caught up with its writer holds nothing back: all it delivered is released', () => {
    const { order, out, admit } = stage();
    const f = source('followed.log', true);
    const all = [f];
    admit(f, all, 10 * MIN, 10 * MIN + 1);
    expect(out).toEqual([]);
    // Not yet quiet for idleAfter, or no read waiting: still streaming.
    f.lastData = 1000;
    order.refreshIdle(all, 1400);
    expect(f.idle).toBe(false);
    f.read = new Promise(() => undefined);
    expect(order.nextIdle(all)).toBe(1500);
    order.refreshIdle(all, 1500);
    expect(f.idle).toBe(true);
    expect(order.canRelease(all)).toBe(true);
    expect(order.release(all).map((p) => p.time)).toEqual([10 * MIN, 10 * MIN + 1]);
    expect(order.nextIdle(all)).toBe(Infinity);
  });

  it('each source has its own watermark: the lowest of those still delivering holds the run back', () => {
    const { order, admit } = stage();
    const a = source('a', true);
    const b = source('b', true);
    const all = [a, b];
    admit(a, all, 60 * MIN);
    admit(b, all, 30 * MIN);
    expect(order.watermark(all)).toBe(25 * MIN);
    // b caught up: a alone holds the run back, by the window.
    b.idle = true;
    expect(order.watermark(all)).toBe(55 * MIN);
    // Both caught up: everything seen is released, nothing of the future.
    a.idle = true;
    expect(order.watermark(all)).toBe(60 * MIN);
    // A source that ended holds nothing back; a failed one is ignored.
    a.idle = false;
    b.idle = false;
    b.done = true;
    expect(order.watermark(all)).toBe(55 * MIN);
  });
});
