/**
 * Write-ahead spool for ingested records: one append-only file per log format under
 * `<stateDir>/ingest/`. A batch is appended and fsync'd before the request is answered 2xx, so an
 * accepted batch survives a crash; the detect pipeline follows these files like any other log, so its
 * offsets commit with the state and a restart resumes exactly where detection left off.
 */
import { closeSync, fstatSync, fsync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SpoolRecords } from './ingest-body.js';

export interface SpoolOptions {
  dir: string;
  /** Format ids a file is kept for. */
  formats: readonly string[];
  /** Unprocessed bytes (all files) above which new batches are refused with 503. */
  maxPendingBytes: number;
  /** A fully processed file larger than this is rotated away, so the spool does not grow forever. */
  compactBytes: number;
  /** The detect checkpoint of a file: offset processed, and the inode it belongs to. */
  checkpoint: (file: string) => { offset: number; ino?: number } | undefined;
}

export class SpoolFullError extends Error {
  constructor(readonly pendingBytes: number) {
    super(`ingest spool holds ${pendingBytes} unprocessed bytes`);
  }
}

interface SpoolFile {
  path: string;
  fd: number;
  ino: number;
  size: number;
  /** fsyncs in flight: the file is not rotated under them. */
  syncing: number;
}

export class IngestSpool {
  private readonly files = new Map<string, SpoolFile>();

  constructor(private readonly opts: SpoolOptions) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    for (const format of opts.formats) {
      const path = join(opts.dir, `${format}.log`);
      const fd = openSync(path, 'a', 0o600);
      const st = fstatSync(fd);
      this.files.set(format, { path, fd, ino: st.ino, size: st.size, syncing: 0 });
    }
  }

  /** The file a format is spooled to (what detect follows). */
  path(format: string): string {
    const f = this.files.get(format);
    if (!f) throw new Error(`no spool for format ${format}`);
    return f.path;
  }

  paths(): string[] {
    return [...this.files.values()].map((f) => f.path);
  }

  /** Bytes accepted but not yet processed, over every file. */
  pendingBytes(): number {
    let n = 0;
    // Only files that hold something ask the store for their checkpoint.
    for (const f of this.files.values()) if (f.size > 0) n += f.size - this.processed(f);
    return n;
  }

  /** Total size of the spool files. */
  sizeBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.size;
    return n;
  }

  /**
   * Append records (each a line ending in a newline, as ingest-body.ts makes them). The write is synchronous, so batches keep their
   * order and the range is known at once; `durable` resolves once they are on disk (fsync, off the event
   * loop, so detection goes on meanwhile). Throws SpoolFullError when the pipeline is too far behind: the
   * caller answers 503 with Retry-After and the sender keeps the batch.
   */
  append(format: string, records: SpoolRecords): { file: string; start: number; end: number; durable: Promise<void> } {
    const f = this.files.get(format);
    if (!f) throw new Error(`no spool for format ${format}`);
    if (records.count === 0) return { file: f.path, start: f.size, end: f.size, durable: Promise.resolve() };
    const pending = this.pendingBytes();
    if (pending > this.opts.maxPendingBytes) throw new SpoolFullError(pending);
    this.compact(f);
    const buf = records.bytes;
    let off = 0;
    while (off < buf.length) off += writeSync(f.fd, buf, off, buf.length - off);
    const start = f.size;
    f.size += buf.length;
    f.syncing++;
    const durable = new Promise<void>((ok, fail) =>
      fsync(f.fd, (e) => {
        f.syncing--;
        if (e) fail(e);
        else ok();
      }),
    );
    return { file: f.path, start, end: f.size, durable };
  }

  /** Bytes of the current file that detect has committed (a checkpoint of an older inode counts 0). */
  private processed(f: SpoolFile): number {
    const cp = this.opts.checkpoint(f.path);
    if (!cp || (cp.ino !== undefined && cp.ino !== f.ino)) return 0;
    return Math.min(cp.offset, f.size);
  }

  /**
   * Rotate a large file once detect has processed all of it: the follower sees a new inode at the path
   * and reads it from its start, as it does for a rotated log (a truncation could be missed).
   */
  private compact(f: SpoolFile): void {
    if (f.size < this.opts.compactBytes || f.syncing > 0 || this.processed(f) < f.size) return;
    closeSync(f.fd);
    renameSync(f.path, `${f.path}.done`);
    f.fd = openSync(f.path, 'a', 0o600);
    f.ino = fstatSync(f.fd).ino;
    f.size = 0;
  }

  close(): void {
    for (const f of this.files.values()) closeSync(f.fd);
    this.files.clear();
  }
}
