/**
 * Stage 7, sinks: once a batch has committed, its alerts are handed on, so nothing emitted is ever rolled
 * back. The caller's `onAlert` sees each new alert; durable sinks (files, webhooks) are fed from the state
 * store's outbox: each sink takes what it is owed, makes it durable (fsync, or the webhook spool), and only
 * then is it marked delivered to that sink. A crash between the write and the mark repeats the alert on
 * the next run (at least once; alert ids tell repeats apart), never loses it. At the start of a run, what
 * an earlier run still owed is delivered first.
 */
import type { DurableSink } from '../../io/sinks/types.js';
import type { Alert } from '../../model/finding.js';
import type { StateStore } from '../state/types.js';

/** Alerts taken from the outbox per round. */
const OUTBOX_BATCH = 500;

export interface DeliverOptions {
  sinks: readonly DurableSink[];
  onAlert?: (alert: Alert) => void | Promise<void>;
  /** A sink failed; what it is owed stays owed and is tried again after the next batch. */
  onSinkError?: (sink: string, error: unknown) => void;
}

export class DeliverStage {
  constructor(
    private readonly store: StateStore,
    private readonly opts: DeliverOptions,
  ) {}

  /** The sinks' names, as the outbox knows them. */
  get sinkNames(): string[] {
    return this.opts.sinks.map((s) => s.name);
  }

  /** Hand on a committed batch's new alerts, then everything the outbox owes. */
  async deliver(alerts: readonly Alert[]): Promise<void> {
    if (this.opts.onAlert) for (const a of alerts) await this.opts.onAlert(a);
    await this.drain();
  }

  /** Give every durable sink what the outbox owes it (an earlier run's alerts included). */
  async drain(): Promise<void> {
    for (const sink of this.opts.sinks) {
      try {
        await this.drainOne(sink);
      } catch (e) {
        this.opts.onSinkError?.(sink.name, e);
      }
    }
  }

  private async drainOne(sink: DurableSink): Promise<void> {
    for (;;) {
      const owed = this.store.outbox(sink.name, OUTBOX_BATCH);
      if (owed.length === 0) return;
      for (const a of owed) await sink.write(a);
      await sink.sync?.();
      this.store.transaction(() => this.store.markSent(sink.name, owed.map((a) => a.id)));
      if (owed.length < OUTBOX_BATCH) return;
    }
  }
}
