import type { Alert } from '../../model/finding.js';

/**
 * Where alerts go as detect raises them. `write` resolves once the alert is durably handed over (written,
 * or spooled for a later delivery); `close` flushes and releases what the sink holds.
 */
export interface Sink {
  write(alert: Alert): Promise<void>;
  close(): Promise<void>;
}

/**
 * A sink fed through the state store's outbox (see the detect pipeline's deliver stage): named stably
 * across runs, so what one run still owed it is delivered by the next.
 */
export interface DurableSink extends Sink {
  /** Stable across runs: the kind and absolute path of a file, or the endpoint. */
  readonly name: string;
  /** Make everything written so far durable (a file is fsync'd). */
  sync?(): Promise<void>;
}

/** Fan one alert stream out to several sinks; a failing sink does not keep the others from their alerts. */
export class MultiSink implements Sink {
  constructor(private readonly sinks: readonly Sink[]) {}

  async write(alert: Alert): Promise<void> {
    await settleAll(this.sinks.map((s) => s.write(alert)));
  }

  async close(): Promise<void> {
    await settleAll(this.sinks.map((s) => s.close()));
  }
}

async function settleAll(ps: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(ps)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length === 1) throw failed[0]!.reason;
  if (failed.length > 1) throw new AggregateError(failed.map((f) => f.reason as unknown), `${failed.length} sinks failed`);
}
