/**
 * Text destinations for the line-oriented sinks: a writable stream (stdout) honouring back-pressure,
 * or a file opened for appending.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface TextOutput {
  write(text: string): Promise<void>;
  /** Make what was written durable (files: fsync); streams have nothing to do. */
  sync?(): Promise<void>;
  close(): Promise<void>;
}

/** The subset of a Node writable stream the sinks use. */
export interface WritableLike {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export function streamOutput(stream: WritableLike): TextOutput {
  return {
    async write(text) {
      if (!stream.write(text)) await new Promise<void>((r) => stream.once('drain', () => r()));
    },
    // The stream (stdout) belongs to the caller: it stays open.
    async close() {},
  };
}

/**
 * Appends to `path` (created with its folder, mode 0600: alerts name users and addresses). A file whose
 * last line was cut short (a process killed mid-write) gets a newline first, so the cut line stays one
 * unreadable line instead of spoiling the next record.
 */
export function fileOutput(path: string): TextOutput {
  let fh: Promise<FileHandle> | undefined;
  const handle = (): Promise<FileHandle> =>
    (fh ??= mkdir(dirname(path), { recursive: true }).then(async () => {
      const f = await open(path, 'a+', 0o600);
      const { size } = await f.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await f.read(last, 0, 1, size - 1);
        if (last[0] !== 10) await f.appendFile('\n');
      }
      return f;
    }));
  return {
    async write(text) {
      await (await handle()).appendFile(text);
    },
    async sync() {
      if (fh) await (await fh).sync();
    },
    async close() {
      if (fh) await (await fh).close();
      fh = undefined;
    },
  };
}
