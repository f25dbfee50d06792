/**
 * Text destinations for the line-oriented sinks: a writable stream (stdout) honouring back-pressure,
 * or a file opened for appending.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface TextOutput {
  write(text: string): Promise<void>;
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

/** Appends to `path` (created with its folder, mode 0600: alerts name users and addresses). */
export function fileOutput(path: string): TextOutput {
  let fh: Promise<FileHandle> | undefined;
  const handle = (): Promise<FileHandle> =>
    (fh ??= mkdir(dirname(path), { recursive: true }).then(() => open(path, 'a', 0o600)));
  return {
    async write(text) {
      await (await handle()).appendFile(text);
    },
    async close() {
      if (fh) await (await fh).close();
      fh = undefined;
    },
  };
}
