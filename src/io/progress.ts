/**
 * A one-line progress display for long replays: records/s, alerts so far, the event-time watermark.
 * Drawn on stderr only when it is a terminal (a pipe or a CI log gets nothing), redrawn in place at
 * most once per interval.
 */

/** The part of a tty stream the renderer uses; tests pass a fake. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface ProgressSnapshot {
  records: number;
  alerts: number;
  /** Event-time watermark, epoch ms (omitted or not finite before the first event). */
  watermark?: number;
}

export interface ProgressOptions {
  /** Minimum ms between redraws. Default 250. */
  intervalMs?: number;
  now?: () => number;
}

const CLEAR_LINE = '\r\x1b[2K';

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M`;
  if (perSecond >= 1e4) return `${Math.round(perSecond / 1e3)}k`;
  return String(Math.round(perSecond));
}

export function progressLine(s: ProgressSnapshot, recordsPerSecond: number): string {
  const wm = s.watermark !== undefined && Number.isFinite(s.watermark) ? new Date(s.watermark).toISOString().replace(/\.\d{3}Z$/, 'Z') : '—';
  return `${s.records.toLocaleString('en')} records · ${formatRate(recordsPerSecond)} rec/s · ${s.alerts} alerts · watermark ${wm}`;
}

export class ProgressRenderer {
  private readonly enabled: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastDraw = -Infinity;
  private lastRecords = 0;
  private lastTime: number;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    opts: ProgressOptions = {},
  ) {
    this.enabled = stream.isTTY === true;
    this.intervalMs = opts.intervalMs ?? 250;
    this.now = opts.now ?? Date.now;
    this.lastTime = this.now();
  }

  /** Report progress; cheap to call per batch, draws only when the interval has passed. */
  update(s: ProgressSnapshot): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.lastDraw < this.intervalMs) return;
    const elapsed = t - this.lastTime;
    const rate = elapsed > 0 ? ((s.records - this.lastRecords) * 1000) / elapsed : 0;
    let line = progressLine(s, rate);
    const cols = this.stream.columns;
    // Never wrap: a wrapped line cannot be redrawn in place.
    if (cols !== undefined && cols > 1 && line.length >= cols) line = line.slice(0, cols - 1);
    this.stream.write(CLEAR_LINE + line);
    this.drawn = true;
    this.lastDraw = t;
    this.lastRecords = s.records;
    this.lastTime = t;
  }

  /** Erase the line so the report that follows starts clean. */
  done(): void {
    if (this.enabled && this.drawn) this.stream.write(CLEAR_LINE);
    this.drawn = false;
  }
}
