/**
 * A file read once comes in batches of about a mebibyte (each batch is one commit), read in 64 KiB
 * chunks; a chunk size the caller names is both the read and the batch (resume tests rely on many
 * small batches). Every line comes exactly once, with its offset, and the last read says the file ended.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ONCE_BATCH_BYTES, onceFileReader } from '../../../src/io/sources/readers.js';
import type { Line } from '../../../src/io/sources/lines.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('once-reader'));
});
afterEach(() => cleanup());

/** 3.5 MiB of lines of varying length, the last without a newline. */
function writeLog(): { file: string; lines: string[] } {
  const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i} ${'x'.repeat((i * 37) % 200)}`);
  const file = join(dir, 'a.log');
  writeFileSync(file, lines.join('\n'));
  return { file, lines };
}

async function readAll(file: string, chunkSize?: number): Promise<{ reads: Line[][]; done: boolean }> {
  const r = onceFileReader(file, undefined, chunkSize);
  const reads: Line[][] = [];
  for (;;) {
    const x = await r.read();
    reads.push(x.lines);
    if (x.done) {
      await r.close();
      return { reads, done: true };
    }
  }
}

describe('onceFileReader batches', () => {
  it('gathers about a mebibyte per read by default, every line once and in order', async () => {
    const { file, lines } = writeLog();
    const { reads } = await readAll(file);
    const bytes = lines.join('\n').length;
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(bytes / ONCE_BATCH_BYTES) + 1);
    expect(reads.length).toBeGreaterThan(1);
    const all = reads.flat();
    expect(all.map((l) => l.text)).toEqual(lines);
    expect(all.map((l) => l.line)).toEqual(lines.map((_, i) => i + 1));
    let offset = 0;
    for (const [i, l] of all.entries()) {
      expect(l.offset).toBe(offset);
      offset += lines[i]!.length + 1;
    }
  });

  it('reads and batches by a chunk size the caller names', async () => {
    const { file, lines } = writeLog();
    const { reads } = await readAll(file, 4096);
    expect(reads.length).toBeGreaterThan(lines.join('\n').length / 4096);
    expect(reads.flat().map((l) => l.text)).toEqual(lines);
  });
});
