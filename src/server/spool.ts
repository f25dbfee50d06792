/**
 * Write-ahead spool for ingested records: one append-only file per log format and source under
 * `<stateDir>/ingest/` (`<format>.log` for the default source, `<format>@<source>.log` for a named one,
 * created on its first batch and found again after a restart). A batch is appended and fsync'd before the
 * request is answered 2xx, so an accepted batch survives a crash; the detect pipeline follows these files like any other log, so its
 * offsets commit with the state and a restart resumes exactly where detection left off.
 */
import { closeSync, fstatSync, fsync, mkdirSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SpoolRecords } from './ingest-body.js';
import { parseSpoolFileName, spoolFileName } from './ingest-source.js';

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
  /** Named sources kept at most (each is a file and a source for detection). */
  maxSources: number;
  /** A named source's file was created (its first batch is about to be appended). */
  onNewFile?: (file: SpoolInput) => void;
}

/** A spool file, as detection reads it. */
export interface SpoolInput {
  path: string;
  format: string;
}

export class TooManySourcesError extends Error {
  constructor(readonly limit: number) {
    super(`this server keeps at most ${limit} named sources`);
  }
}

export class SpoolFullError extends Error {
  constructor(readonly pendingBytes: number) {
    super(`ingest spool holds ${pendingBytes} unprocessed bytes`);
  }
}

interface SpoolFile {
  path: string;
  format: string;
  fd: number;
  ino: number;
  size: number;
  /** fsyncs in flight: the file is not rotated under them. */
  syncing: number;
  /** The processed offset as last read from the store, and when (one query per file per request is too many). */
  seen: { offset: number; at: number };
}

/** How long a processed offset read from the store is used for the back-pressure sum (ms). */
const PROCESSED_TTL_MS = 100;

export class IngestSpool {
  /** By spool file name. */
  private readonly files = new Map<string, SpoolFile>();
  private named = 0;

  constructor(private readonly opts: SpoolOptions) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    const formats = new Set(opts.formats);
    for (const format of formats) this.open(format);
    // Named sources of earlier runs: detection resumes them from their checkpoints.
    for (const name of readdirSync(opts.dir).sort()) {
      const parsed = parseSpoolFileName(name);
      if (parsed?.source !== undefined && formats.has(parsed.format)) this.open(parsed.format, parsed.source);
    }
  }

  private open(format: string, source?: string): SpoolFile {
    const name = spoolFileName(format, source);
    const path = join(this.opts.dir, name);
    const fd = openSync(path, 'a', 0o600);
    const st = fstatSync(fd);
    const f: SpoolFile = { path, format, fd, ino: st.ino, size: st.size, syncing: 0, seen: { offset: 0, at: -Infinity } };
    this.files.set(name, f);
    if (source !== undefined) this.named++;
    return f;
  }

  /** The files detection follows: every format's default source, and the named sources. */
  inputs(): SpoolInput[] {
    return [...this.files.values()].map((f) => ({ path: f.path, format: f.format }));
  }

  /** The file a format's records from `source` (default: none named) are spooled to. */
  path(format: string, source?: string): string {
    return this.file(format, source).path;
  }

  private file(format: string, source?: string): SpoolFile {
    const f = this.files.get(spoolFileName(format, source));
    if (f) return f;
    if (source === undefined || !this.opts.formats.includes(format)) throw new Error(`no spool for format ${format}`);
    if (this.named >= this.opts.maxSources) throw new TooManySourcesError(this.opts.maxSources);
    const created = this.open(format, source);
    this.opts.onNewFile?.({ path: created.path, format });
    return created;
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
   * Append records (each a line ending in a newline, as ingest-body.ts makes them) from `source` (default:
   * none named). The write is synchronous, so batches keep their order and the range is known at once;
   * `durable` resolves once they are on disk (fsync, off the event loop, so detection goes on meanwhile). Throws SpoolFullError when the pipeline is too far behind: the
   * caller answers 503 with Retry-After and the sender keeps the batch. Nothing is written for no records.
   */
  append(format: string, records: SpoolRecords, source?: string): { file: string; start: number; end: number; durable: Promise<void> } | undefined {
    if (records.count === 0) return undefined;
    const pending = this.pendingBytes();
    if (pending > this.opts.maxPendingBytes) throw new SpoolFullError(pending);
    const f = this.file(format, source);
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
  private processed(f: SpoolFile, fresh = false): number {
    const now = Date.now();
    if (fresh || now - f.seen.at >= PROCESSED_TTL_MS) {
      const cp = this.opts.checkpoint(f.path);
      f.seen = { offset: !cp || (cp.ino !== undefined && cp.ino !== f.ino) ? 0 : cp.offset, at: now };
    }
    return Math.min(f.seen.offset, f.size);
  }

  /**
   * Rotate a large file once detect has processed all of it: the follower sees a new inode at the path
   * and reads it from its start, as it does for a rotated log (a truncation could be missed).
   */
  private compact(f: SpoolFile): void {
    if (f.size < this.opts.compactBytes || f.syncing > 0 || this.processed(f, true) < f.size) return;
    closeSync(f.fd);
    renameSync(f.path, `${f.path}.done`);
    f.fd = openSync(f.path, 'a', 0o600);
    f.ino = fstatSync(f.fd).ino;
    f.size = 0;
    f.seen = { offset: 0, at: -Infinity };
  }

  close(): void {
    for (const f of this.files.values()) closeSync(f.fd);
    this.files.clear();
  }
}
