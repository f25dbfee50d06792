/**
 * The server's detection: the same detect pipeline the CLI runs, following the ingest spool files
 * (one per format, the format named rather than sniffed) over the server's state store, until stopped.
 * Each committed alert is published to the server's listeners (SSE stream, metrics).
 */
import type { DrawbridgeConfig } from '../config/schema.js';
import { runDetect, type DetectProgress } from '../detect/engine.js';
import type { StateStore } from '../detect/state/types.js';
import type { Alert } from '../model/finding.js';

export interface LiveDetectOptions {
  config: DrawbridgeConfig;
  store: StateStore;
  /** format id → spool file. */
  files: ReadonlyMap<string, string>;
  onAlert: (alert: Alert) => void;
  onProgress?: (format: string, p: DetectProgress) => void;
  onError: (format: string, error: unknown) => void;
  /** Polling interval of the followed files (ms). */
  pollMs?: number;
}

export class LiveDetect {
  private readonly abort = new AbortController();
  private readonly runs: Promise<void>[] = [];

  constructor(private readonly opts: LiveDetectOptions) {}

  start(): void {
    for (const [format, file] of this.opts.files) {
      const run = runDetect([file], {
        config: this.opts.config,
        store: this.opts.store,
        format,
        follow: true,
        signal: this.abort.signal,
        pollMs: this.opts.pollMs ?? 250,
        // A spool file is written only by this process: a quiet one holds nothing back.
        idleAfter: 1_000,
        onAlert: (a) => this.opts.onAlert(a),
        onProgress: (p) => this.opts.onProgress?.(format, p),
      }).then(
        () => undefined,
        (e: unknown) => this.opts.onError(format, e),
      );
      this.runs.push(run);
    }
  }

  /** Stop following: what was read is processed and committed first. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.runs);
  }
}
