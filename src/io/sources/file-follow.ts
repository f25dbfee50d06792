/**
 * A log file read as complete lines from a checkpoint, optionally followed as it grows (`tail -F`).
 * Lines come from the detect engine's LineSplitter, so offsets and the overlong-line rule are the same
 * as in a one-shot read. Rotation by rename finishes the old file before the new one is read from 0;
 * truncation in place (copytruncate) restarts at 0. A partial last line is held back until its newline
 * arrives, or the read ends without `follow`.
 */
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Checkpoint } from './checkpoint.js';
import { pushAll } from '../../util/arrays.js';
import { DEFAULT_CHUNK, LineSplitter, MAX_LINE_BYTES, type Line } from './lines.js';

/** Bytes a followed file's backlog is handed on in (read in DEFAULT_CHUNK pieces): fewer, larger commits while catching up. */
const FOLLOW_BATCH_BYTES = 1024 * 1024;

/** Which file a checkpoint's offset belongs to: a rotated-in file at the same path has another inode. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

/** The engine's Checkpoint plus the identity of the file it was taken in. */
export interface FileCheckpoint extends Omit<Checkpoint, keyof FileIdentity>, FileIdentity {
  path: string;
}

export type FileEvent = 'rotated' | 'truncated';

export interface FileBatch {
  path: string;
  /** Complete lines (offsets and line numbers within the file named by `checkpoint`'s identity). */
  lines: Line[];
  /** Resume point after these lines: the first byte not yet returned as part of a line. */
  checkpoint: FileCheckpoint;
  /** The file was rotated or truncated just before this batch (its lines, if any, are from the new start). */
  event?: FileEvent;
}

export interface FollowStats {
  lines: number;
  bytes: number;
  rotations: number;
  truncations: number;
}

export interface FollowOptions {
  /** Where to resume. Without dev/ino the offset is trusted whenever the file is at least that long. */
  checkpoint?: Checkpoint & Partial<FileIdentity>;
  /** Keep reading as the file grows, across rotations, until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  chunkSize?: number;
  /** Polling interval while following; fs.watch events wake the reader sooner. Default 1000 ms. */
  pollMs?: number;
  /** Use fs.watch as well as polling (default true; some file systems give no events). */
  watch?: boolean;
  maxLine?: number;
}

interface OpenFile {
  fh: FileHandle;
  id: FileIdentity;
  pos: number;
  size: number;
  splitter: LineSplitter;
  /** The file's first bytes as read: if they change, the file was truncated and rewritten past our offset. */
  head: Buffer;
}

/** Bytes of the file's beginning kept to recognise a copytruncate that the size alone does not show. */
const HEAD_BYTES = 256;

function identity(st: Stats): FileIdentity {
  return { dev: st.dev, ino: st.ino };
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

async function statIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function readHead(fh: FileHandle, length: number): Promise<Buffer> {
  if (length === 0) return Buffer.alloc(0);
  const b = Buffer.alloc(length);
  const { bytesRead } = await fh.read(b, 0, length, 0);
  return b.subarray(0, bytesRead);
}

/**
 * Wakes a waiting reader on a change to the file's directory entry (fs.watch on the directory sees
 * writes, renames and re-creation at the path) or after the poll interval, whichever comes first.
 */
class ChangeWaiter {
  private watcher?: FSWatcher;
  private dirty = false;
  private wake?: () => void;

  constructor(
    path: string,
    private readonly pollMs: number,
    useWatch: boolean,
  ) {
    if (!useWatch) return;
    const base = basename(path);
    try {
      this.watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
        if (name === null || name === base) this.poke();
      });
      // Watch limits or unsupported file systems: polling alone still works.
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = undefined;
    }
  }

  private poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.dirty || signal?.aborted) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise((res) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = undefined;
        this.dirty = false;
        res();
      };
      const timer = setTimeout(done, this.pollMs);
      this.wake = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

export class FileFollower implements AsyncIterable<FileBatch> {
  readonly path: string;
  readonly stats: FollowStats = { lines: 0, bytes: 0, rotations: 0, truncations: 0 };
  private readonly chunkSize: number;
  /** Bytes a batch may gather while the file has more to read than one chunk (a backlog). */
  private readonly batchBytes: number;
  private readonly maxLine: number;

  constructor(
    path: string,
    private readonly opts: FollowOptions = {},
  ) {
    this.path = resolve(path);
    this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
    // A chunk size given is a batch size too (tests cut batches where they want them).
    this.batchBytes = opts.chunkSize ?? FOLLOW_BATCH_BYTES;
    this.maxLine = opts.maxLine ?? MAX_LINE_BYTES;
  }

  [Symbol.asyncIterator](): AsyncGenerator<FileBatch> {
    return this.run();
  }

  private async openFile(pos: number, line: number): Promise<OpenFile> {
    const fh = await open(this.path, 'r');
    const st = await fh.stat();
    return { fh, id: identity(st), pos, size: st.size, splitter: new LineSplitter(pos, line, this.maxLine), head: Buffer.alloc(0) };
  }

  /** Open at the checkpoint, or at 0 when the checkpoint belongs to another file or lies past the end. */
  private async openFromCheckpoint(): Promise<{ file: OpenFile; event?: FileEvent }> {
    const file = await this.openFile(0, 0);
    const cp = this.opts.checkpoint;
    if (!cp) return { file };
    if (cp.ino !== undefined && cp.dev !== undefined && !sameFile(cp as FileIdentity, file.id)) {
      // Rotated while we were stopped: the rest of the old file is no longer at this path.
      this.stats.rotations++;
      return { file, event: 'rotated' };
    }
    if (cp.offset > file.size) {
      this.stats.truncations++;
      return { file, event: 'truncated' };
    }
    file.pos = cp.offset;
    file.splitter = new LineSplitter(cp.offset, cp.line, this.maxLine);
    file.head = await readHead(file.fh, Math.min(cp.offset, HEAD_BYTES));
    return { file };
  }

  private batch(file: OpenFile, lines: Line[], event?: FileEvent): FileBatch {
    this.stats.lines += lines.length;
    const checkpoint: FileCheckpoint = {
      path: this.path,
      dev: file.id.dev,
      ino: file.id.ino,
      offset: file.splitter.pendingOffset,
      line: file.splitter.lineNo,
      size: Math.max(file.size, file.pos),
    };
    return event ? { path: this.path, lines, checkpoint, event } : { path: this.path, lines, checkpoint };
  }

  private async *run(): AsyncGenerator<FileBatch> {
    const { follow = false, signal } = this.opts;
    const waiter = follow ? new ChangeWaiter(this.path, this.opts.pollMs ?? 1000, this.opts.watch ?? true) : undefined;
    let file: OpenFile | undefined;
    try {
      // Following a file that does not exist yet: wait for it to appear.
      for (;;) {
        if (signal?.aborted) return;
        if (!follow || (await statIfExists(this.path))) break;
        await waiter!.wait(signal);
      }
      const first = await this.openFromCheckpoint();
      file = first.file;
      if (first.event) yield this.batch(file, [], first.event);
      const buf = Buffer.allocUnsafe(this.chunkSize);
      /** A new file took the path: drain the old one, then switch. */
      let rotated = false;
      /** Set after waiting for a change; cleared by the next read that returns data. */
      let woke = false;
      /** Lines read but not yet handed on, and their bytes: a backlog is handed on a batch at a time. */
      let gathered: Line[] = [];
      let gatheredBytes = 0;
      for (;;) {
        if (signal?.aborted) return;
        const { bytesRead } = await file.fh.read(buf, 0, this.chunkSize, file.pos);
        if (bytesRead > 0 && woke) {
          woke = false;
          // First read after a wait: if the file was truncated and rewritten before this read, these bytes
          // are new content at an old offset. The head check after the read is the one that cannot race.
          if (await this.wasTruncated(file)) {
            yield this.restart(file);
            continue;
          }
        }
        if (bytesRead > 0) {
          if (file.pos < HEAD_BYTES && file.head.length === file.pos) {
            file.head = Buffer.concat([file.head, buf.subarray(0, Math.min(bytesRead, HEAD_BYTES - file.pos))]);
          }
          file.pos += bytesRead;
          this.stats.bytes += bytesRead;
          const lines = file.splitter.push(buf.subarray(0, bytesRead));
          if (lines.length > 0) pushAll(gathered, lines);
          gatheredBytes += bytesRead;
          // A full read means more is waiting: gather up to a batch (one commit) before handing on.
          if (bytesRead === this.chunkSize && gatheredBytes < this.batchBytes) continue;
          gatheredBytes = 0;
          if (gathered.length > 0) {
            yield this.batch(file, gathered);
            gathered = [];
          }
          continue;
        }
        gatheredBytes = 0;
        if (gathered.length > 0) {
          yield this.batch(file, gathered);
          gathered = [];
        }
        if (!follow) {
          const tail = file.splitter.end();
          if (tail.length > 0) yield this.batch(file, tail);
          return;
        }
        if (rotated) {
          // The old file is drained: what is left without a newline will never be completed.
          const tail = file.splitter.end();
          if (tail.length > 0) yield this.batch(file, tail);
          await file.fh.close();
          file = undefined;
          const next = await this.openFile(0, 0).catch((e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT') return undefined;
            throw e;
          });
          rotated = false;
          if (!next) {
            // Renamed away again before we opened it: wait for whatever appears next.
            file = await this.waitForFile(waiter!, signal);
            if (!file) return;
          } else file = next;
          this.stats.rotations++;
          yield this.batch(file, [], 'rotated');
          continue;
        }
        if (await this.wasTruncated(file)) {
          yield this.restart(file);
          continue;
        }
        const named = await statIfExists(this.path);
        if (named && !sameFile(identity(named), file.id)) {
          // A new file took the path. Read the old one to its end once more before switching, since the
          // writer may have appended between our last read and the stat.
          rotated = true;
          continue;
        }
        // Path missing (renamed, not yet re-created): keep reading the old file, a writer may still append.
        await waiter!.wait(signal);
        woke = true;
      }
    } finally {
      waiter?.close();
      await file?.fh.close();
    }
  }

  /** Shorter than our offset, or its first bytes changed: truncated in place (copytruncate), perhaps rewritten. */
  private async wasTruncated(file: OpenFile): Promise<boolean> {
    const st = await file.fh.stat();
    file.size = st.size;
    if (st.size < file.pos) return true;
    return !(await readHead(file.fh, file.head.length)).equals(file.head);
  }

  /** Start over at 0; a partial line held back is lost with the old content. */
  private restart(file: OpenFile): FileBatch {
    this.stats.truncations++;
    file.pos = 0;
    file.head = Buffer.alloc(0);
    file.splitter = new LineSplitter(0, 0, this.maxLine);
    return this.batch(file, [], 'truncated');
  }

  private async waitForFile(waiter: ChangeWaiter, signal: AbortSignal | undefined): Promise<OpenFile | undefined> {
    for (;;) {
      if (signal?.aborted) return undefined;
      try {
        return await this.openFile(0, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      await waiter.wait(signal);
    }
  }
}

/** Lines of `path` from `opts.checkpoint`, as batches; with `follow`, until `opts.signal` aborts. */
export function followFile(path: string, opts: FollowOptions = {}): FileFollower {
  return new FileFollower(path, opts);
}
