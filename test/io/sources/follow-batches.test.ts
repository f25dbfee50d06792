/**
 * A followed file's backlog (what is already there, or a burst written at once) is handed on about a
 * mebibyte at a time, each batch one commit; what arrives later comes as soon as it is read. A chunk
 * size the caller names is the batch size too. Every line comes once, in order, with its checkpoint.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followFileReader } from '../../../src/io/sources/readers.js';
import type { Line } from '../../../src/io/sources/lines.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('follow-batches'));
});
afterEach(() => cleanup());

const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i} ${'x'.repeat((i * 37) % 200)}`);
const bytes = lines.join('\n').length + 1;

/** Reads until `want` lines have come; the reads it took. */
async function follow(file: string, want: number, chunkSize?: number): Promise<{ reads: Line[][]; position: { offset: number; line: number } }> {
  const ac = new AbortController();
  const r = followFileReader(file, undefined, { signal: ac.signal, pollMs: 20, ...(chunkSize ? { chunkSize } : {}) });
  const reads: Line[][] = [];
  let n = 0;
  while (n < want) {
    const x = await r.read();
    if (x.lines.length > 0) reads.push(x.lines);
    n += x.lines.length;
  }
  const position = r.position();
  ac.abort();
  await r.close();
  return { reads, position };
}

describe('followFileReader batches', () => {
  it('hands a backlog on about a mebibyte at a time, every line once and in order, then a later line alone', async () => {
    const file = join(dir, 'a.log');
    writeFileSync(file, lines.join('\n') + '\n');
    const ac = new AbortController();
    const r = followFileReader(file, undefined, { signal: ac.signal, pollMs: 20 });
    const reads: Line[][] = [];
    while (reads.flat().length < lines.length) {
      const x = await r.read();
      if (x.lines.length > 0) reads.push(x.lines);
    }
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(bytes / (1024 * 1024)) + 1);
    expect(reads.flat().map((l) => l.text)).toEqual(lines);
    expect(r.position()).toMatchObject({ offset: bytes, line: lines.length });
    appendFileSync(file, 'one more\n');
    let later: Line[] = [];
    while (later.length === 0) later = (await r.read()).lines;
    expect(later.map((l) => [l.text, l.offset])).toEqual([['one more', bytes]]);
    ac.abort();
    await r.close();
  });

  it('batches by a chunk size the caller names', async () => {
    const file = join(dir, 'b.log');
    writeFileSync(file, lines.join('\n') + '\n');
    const { reads, position } = await follow(file, lines.length, 4096);
    expect(reads.length).toBeGreaterThan(bytes / 4096 - 1);
    expect(reads.flat().map((l) => l.text)).toEqual(lines);
    expect(position).toMatchObject({ offset: bytes, line: lines.length });
  });
});
