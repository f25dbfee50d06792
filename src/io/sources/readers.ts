/**
 * Readers of lines for the detect pipeline's sources stage: a file read once from its checkpoint, a file
 * followed as it grows and rotates, or a stream (stdin, a syslog receiver's lines). Each read hands the
 * pipeline the next lines and, for files, the resume point after them; it commits both in one batch.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Checkpoint } from './checkpoint.js';
import { pushAll } from '../../util/arrays.js';
import { followFile, type FileEvent } from './file-follow.js';
import { DEFAULT_CHUNK, fileChunks, LineSplitter, streamChunks, type Line } from './lines.js';

export interface SourceRead {
  lines: Line[];
  /** The source has ended; `lines` then ends with its unterminated last line, if any. */
  done: boolean;
  /** A new file took the path (or the file was truncated) before these lines: offsets start over. */
  reset?: FileEvent;
}

export interface SourceReader {
  /** Reads may wait for data that has not been written yet (followed files, streams). */
  readonly live: boolean;
  read(): Promise<SourceRead>;
  /** Resume point after every line read so far (files only). */
  position(): Checkpoint;
  /** Stop reading. A read in flight on a stream may stay pending until the stream itself ends. */
  close(): Promise<void>;
}

/**
 * Bytes a read of a file read once gathers (in DEFAULT_CHUNK reads: the line splitter is fastest on
 * those). Each read is one batch, committed in one transaction; nobody waits for a file's latest line
 * here (followed files and streams hand on each chunk), so larger batches only make fewer commits.
 */
export const ONCE_BATCH_BYTES = 1024 * 1024;

/** A file read once, from `from` to its current end; a given `chunkSize` is the size of a read and of a batch. */
export function onceFileReader(path: string, from: Checkpoint | undefined, chunkSize?: number): SourceReader {
  const st = statSync(path);
  // A checkpoint taken in another file (rotated in since), or past this file's end (truncated), is not ours.
  const otherFile = from?.dev !== undefined && from.ino !== undefined && (from.dev !== st.dev || from.ino !== st.ino);
  const start = from && !otherFile && from.offset <= st.size ? from : { offset: 0, line: 0 };
  const chunks = fileChunks(path, start.offset, chunkSize ?? DEFAULT_CHUNK);
  const batch = chunkSize ?? ONCE_BATCH_BYTES;
  const splitter = new LineSplitter(start.offset, start.line);
  return {
    live: false,
    async read() {
      const lines: Line[] = [];
      for (let bytes = 0; bytes < batch; ) {
        const r = await chunks.next();
        if (r.done) {
          pushAll(lines, splitter.end());
          return { lines, done: true };
        }
        pushAll(lines, splitter.push(r.value));
        bytes += r.value.length;
      }
      return { lines, done: false };
    },
    position: () => ({ offset: splitter.pendingOffset, line: splitter.lineNo, size: st.size, dev: st.dev, ino: st.ino }),
    async close() {
      await chunks.return(undefined);
    },
  };
}

export interface FollowReaderOptions {
  signal?: AbortSignal;
  chunkSize?: number;
  pollMs?: number;
}

/** A file followed like `tail -F` (rename and copytruncate rotation) until the signal aborts. */
export function followFileReader(path: string, from: Checkpoint | undefined, opts: FollowReaderOptions = {}): SourceReader {
  // Closing stops the follower even while it waits for the file to grow.
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const follower = followFile(path, { checkpoint: from, follow: true, signal, chunkSize: opts.chunkSize, pollMs: opts.pollMs });
  const batches = follower[Symbol.asyncIterator]();
  // Until the first batch, the resume point is where this run started.
  let pos: Checkpoint = from ? { ...from } : { offset: 0, line: 0 };
  return {
    live: true,
    async read() {
      const r = await batches.next();
      if (r.done) return { lines: [], done: true };
      const { path: _path, ...cp } = r.value.checkpoint;
      pos = cp;
      return r.value.event ? { lines: r.value.lines, done: false, reset: r.value.event } : { lines: r.value.lines, done: false };
    },
    position: () => ({ ...pos }),
    async close() {
      stop.abort();
      await batches.return(undefined);
    },
  };
}

/** A read gathers queued stream items up to about this many bytes: a burst of syslog messages commits together. */
const MAX_BYTES_PER_READ = DEFAULT_CHUNK;
const WAITING = Symbol('waiting');

/**
 * A stream of chunks or lines. A read takes the first item, then every further item that is already
 * available, so a burst becomes one batch rather than one transaction per message.
 */
export function streamReader(stream: AsyncIterable<unknown>): SourceReader {
  const chunks = streamChunks(stream);
  const splitter = new LineSplitter();
  let pending: Promise<IteratorResult<Buffer>> | undefined;
  let ended = false;
  let reading = false;
  const next = (): Promise<IteratorResult<Buffer>> => {
    const p = pending ?? chunks.next();
    pending = undefined;
    return p;
  };
  return {
    live: true,
    async read() {
      reading = true;
      try {
        return await readBurst();
      } finally {
        reading = false;
      }
    },
    position: () => ({ offset: splitter.pendingOffset, line: splitter.lineNo }),
    async close() {
      // A generator busy awaiting its stream cannot be returned before that await settles: don't wait for it.
      if (pending || reading) {
        pending?.catch(() => undefined);
        void chunks.return(undefined).catch(() => undefined);
        return;
      }
      await chunks.return(undefined);
    },
  };

  async function readBurst(): Promise<SourceRead> {
    if (ended) return { lines: splitter.end(), done: true };
    const first = await next();
    if (first.done) return { lines: splitter.end(), done: true };
    const lines = splitter.push(first.value);
    let bytes = first.value.length;
    while (bytes < MAX_BYTES_PER_READ) {
      const p = next();
      // Whatever the stream has queued resolves within microtasks; setImmediate runs after them.
      const r = await Promise.race([p, new Promise<typeof WAITING>((ok) => setImmediate(() => ok(WAITING)))]);
      if (r === WAITING) {
        pending = p;
        break;
      }
      if (r.done) {
        ended = true;
        break;
      }
      bytes += r.value.length;
      for (const l of splitter.push(r.value)) lines.push(l);
    }
    return { lines, done: false };
  }
}

/** The checkpoint key of a file: its absolute path. */
export function fileKey(path: string): string {
  return resolve(path);
}
