/**
 * Rotated logs compressed by logrotate (`auth.log.2.gz`): recognised by the gzip magic bytes, read once
 * through zlib. Offsets count decompressed bytes, so a checkpoint in a .gz resumes at the same line (a
 * rotated file never changes; another file at the path starts over).
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { LineSplitter } from './lines.js';
import type { SourceRead, SourceReader } from './readers.js';
import type { Checkpoint } from './checkpoint.js';

/** A gzip file that ends early or is damaged: the input is at fault, not the program. */
export class CorruptInputError extends Error {
  override name = 'CorruptInputError';
}

export function isGzipFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Decompressed chunks from `skip` bytes on. */
async function* gunzipChunks(path: string, skip: number, chunkSize: number): AsyncGenerator<Buffer> {
  let left = skip;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: chunkSize }).pipe(createGunzip({ chunkSize }))) {
      const buf = chunk as Buffer;
      if (left >= buf.length) {
        left -= buf.length;
        continue;
      }
      yield left > 0 ? buf.subarray(left) : buf;
      left = 0;
    }
  } catch (e) {
    throw new CorruptInputError(`${path}: not a complete gzip file (${(e as Error).message})`);
  }
}

export function gzipFileReader(path: string, from: Checkpoint | undefined, chunkSize = 64 * 1024): SourceReader {
  const st = statSync(path);
  const same = from !== undefined && (from.dev === undefined || from.ino === undefined || (from.dev === st.dev && from.ino === st.ino));
  const start = same ? from : { offset: 0, line: 0 };
  const chunks = gunzipChunks(path, start.offset, chunkSize);
  const splitter = new LineSplitter(start.offset, start.line);
  return {
    live: false,
    async read(): Promise<SourceRead> {
      const r = await chunks.next();
      return r.done ? { lines: splitter.end(), done: true } : { lines: splitter.push(r.value), done: false };
    },
    position: () => ({ offset: splitter.pendingOffset, line: splitter.lineNo, size: st.size, dev: st.dev, ino: st.ino }),
    async close() {
      await chunks.return(undefined);
    },
  };
}
