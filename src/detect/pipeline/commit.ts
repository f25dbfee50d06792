/**
 * Stage 6, commit: one batch (what one read brought, through every earlier stage) commits in one state
 * store transaction: the detectors' state changes, the alerts kept, each source's resume point, and the
 * outbox rows that owe every new alert to every durable sink. The batch's rejected records are appended to
 * the dead-letter file inside it. A crash before the commit loses nothing (the next run reads the batch
 * again from the previous checkpoint); after it, the outbox still owes the sinks what they have not taken.
 */
import { appendStateFile } from '../../io/state-files.js';
import type { Alert } from '../../model/finding.js';
import type { StateStore } from '../state/types.js';
import { resumePoint } from './sources.js';
import type { RejectedRecord, RunSource } from './types.js';

export interface CommitOptions {
  /** Dead-letter JSONL file; none when undefined. */
  deadLetter?: string;
  /** Names of the sinks every alert is owed to. */
  sinks: readonly string[];
  /** Called inside each batch's transaction just before it commits (tests use it to simulate a crash). */
  beforeCommit?: (batch: number) => void;
}

export class CommitStage {
  /** Batches committed (or attempted) so far. */
  batch = 0;
  private rejects: RejectedRecord[] = [];

  constructor(
    private readonly store: StateStore,
    private readonly opts: CommitOptions,
  ) {}

  /** Keep a rejected record for this batch's dead-letter append. */
  reject(r: RejectedRecord): void {
    this.rejects.push(r);
  }

  /**
   * Run `work` (the batch's decode → order → detect → correlate) in one transaction with the sources'
   * resume points; `work` returns the alerts it kept, which the outbox then owes to every sink.
   */
  run(work: () => readonly Alert[], sources: readonly RunSource[]): void {
    this.batch++;
    this.store.transaction(() => {
      const kept = work();
      for (const s of sources) {
        const cp = resumePoint(s);
        if (cp && s.key) this.store.setCheckpoint(s.key, cp);
      }
      if (this.opts.sinks.length > 0) for (const a of kept) this.store.enqueueOutbox(a, this.opts.sinks);
      if (this.opts.deadLetter && this.rejects.length > 0) {
        appendStateFile(this.opts.deadLetter, this.rejects.map((r) => JSON.stringify(r)).join('\n') + '\n');
      }
      this.rejects = [];
      this.opts.beforeCommit?.(this.batch);
    });
  }
}
