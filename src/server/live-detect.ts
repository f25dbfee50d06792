/**
 * The server's detection: one run of the same detect pipeline the CLI runs, until stopped, over
 *   - the ingest spool files (one per format and source, the format named rather than sniffed; a source
 *     named after the start is added to the run when its first batch comes),
 *   - the log files it is told to follow (`serve.follow`, as `detect --follow`: checkpoints, rotation),
 *   - its syslog receivers (`serve.syslog`, as `detect --syslog`),
 * over the server's state store. One run for all of them keeps event time in one order across sources, as
 * the CLI does for the files it is given. Each committed alert goes to the server's listeners.
 */
import { join } from 'node:path';
import type { DrawbridgeConfig } from '../config/schema.js';
import { runDetect, type DetectProgress } from '../detect/engine.js';
import { stateDirOf } from '../detect/state/index.js';
import type { StateStore } from '../detect/state/types.js';
import type { Alert } from '../model/finding.js';
import type { ObservationDigest } from '../detect/observations.js';
import { startReceivers, type Receivers } from '../io/sources/syslog-receivers.js';
import type { SyslogListen } from '../io/sources/syslog.js';
import type { SyslogReceiver } from '../io/sources/syslog.js';

export interface LiveInput {
  path: string;
  /** Decoder id; sniffed from the first lines when absent. */
  format?: string;
}

export interface LiveDetectOptions {
  config: DrawbridgeConfig;
  store: StateStore;
  /** Files followed from their checkpoints: the spool files and the configured logs. */
  files: readonly LiveInput[];
  /** Syslog receivers to start. */
  syslog?: readonly SyslogListen[];
  syslogAllowRemote?: boolean;
  onAlert: (alert: Alert) => void;
  onProgress?: (p: DetectProgress) => void;
  onError: (error: unknown) => void;
  /** Polling interval of the followed files (ms). */
  pollMs?: number;
  /** Quiet time after which a source stops holding event time back (default 1 s). */
  idleAfterMs?: number;
  /** The digest the run folds its observations into. */
  observations: ObservationDigest;
}

/** Files handed to the running detection (AddedInputs of the pipeline). */
class AddedFiles {
  private queue: LiveInput[] = [];
  private wake?: () => void;

  push(input: LiveInput): void {
    this.queue.push(input);
    this.wake?.();
  }

  take(): LiveInput[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }

  /**
   * A promise for the next push. Each wait of the run gets a new one and only the latest is kept: one
   * promise pending all run long would collect a reaction per wait (Promise.race) and never free them.
   */
  added(): Promise<void> {
    if (this.queue.length > 0) return Promise.resolve();
    return new Promise<void>((ok) => (this.wake = ok));
  }
}

export class LiveDetect {
  private readonly abort = new AbortController();
  private run?: Promise<void>;
  private syslog?: Receivers;
  private readonly added = new AddedFiles();

  constructor(private readonly opts: LiveDetectOptions) {}

  /** The receivers as started (their bound addresses), once `start` has resolved. */
  get receivers(): readonly SyslogReceiver[] {
    return this.syslog?.receivers ?? [];
  }

  /** Read one more file from its checkpoint (a spool file of a source named after the start). */
  add(input: LiveInput): void {
    this.added.push(input);
  }

  /** Bind the receivers (an address that cannot be bound is an error here), then start the run. */
  async start(): Promise<void> {
    const { config } = this.opts;
    const deadLetter = join(stateDirOf(config), 'dead-letter.jsonl');
    if (this.opts.syslog && this.opts.syslog.length > 0) this.syslog = await startReceivers(this.opts.syslog, this.opts.syslogAllowRemote === true, deadLetter);
    const formats = new Map(this.opts.files.filter((f) => f.format !== undefined).map((f) => [f.path, f.format!]));
    this.run = runDetect(
      this.opts.files.map((f) => f.path),
      {
        config,
        store: this.opts.store,
        formats,
        observations: this.opts.observations,
        follow: true,
        lineSources: this.syslog?.sources ?? [],
        addedInputs: this.added,
        signal: this.abort.signal,
        // File-system events wake the readers at once; polling is only the fallback (each poll costs stat calls per file).
        pollMs: this.opts.pollMs ?? 1_000,
        // The spool files are written only by this process: a quiet one holds nothing back for long.
        idleAfter: this.opts.idleAfterMs ?? 1_000,
        deadLetter,
        onAlert: (a) => this.opts.onAlert(a),
        onProgress: (p) => this.opts.onProgress?.(p),
      },
    ).then(
      () => undefined,
      (e: unknown) => this.opts.onError(e),
    );
  }

  /** Stop: the receivers first (what they accepted is read to its end), then the files; all of it is committed. */
  async stop(): Promise<void> {
    if (this.syslog) {
      await this.syslog.close();
      await Promise.race([this.syslog.drained, this.run]);
    }
    this.abort.abort();
    await this.run;
  }
}
