import { describe, expect, it } from 'vitest';
import { formatRate, ProgressRenderer, type ProgressStream } from '../../src/io/progress.js';

function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { out: string[] } {
  const out: string[] = [];
  return { isTTY, columns, out, write: (s: string) => out.push(s) };
}

describe('ProgressRenderer', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const s = fakeStream(false);
    const p = new ProgressRenderer(s, { now: () => 0 });
    p.update({ records: 10, alerts: 1, watermark: 0 });
    p.done();
    expect(s.out).toEqual([]);
  });

  it('redraws in place at most once per interval, with the rate over the last interval', () => {
    let t = 0;
    const s = fakeStream(true);
    const p = new ProgressRenderer(s, { intervalMs: 250, now: () => t });
    t = 500;
    p.update({ records: 1000, alerts: 0 });
    t = 600;
    p.update({ records: 1100, alerts: 1 }); // within the interval: skipped
    t = 1500;
    p.update({ records: 21000, alerts: 2, watermark: Date.UTC(2026, 2, 4, 9, 15, 2, 481) });
    expect(s.out).toEqual([
      '\r\x1b[2K1,000 records · 2000 rec/s · 0 alerts · watermark —',
      '\r\x1b[2K21,000 records · 20k rec/s · 2 alerts · watermark 2026-03-04T09:15:02Z',
    ]);
    p.done();
    expect(s.out.at(-1)).toBe('\r\x1b[2K');
  });

  it('cuts the line to the terminal width so it never wraps', () => {
    let t = 1000;
    const s = fakeStream(true, 20);
    new ProgressRenderer(s, { now: () => t }).update({ records: 5, alerts: 0 });
    t++;
    expect(s.out[0]!.replace('\r\x1b[2K', '')).toHaveLength(19);
  });

  it('formats rates compactly', () => {
    expect([12, 9999, 12_345, 2_500_000].map(formatRate)).toEqual(['12', '9999', '12k', '2.5M']);
  });
});
