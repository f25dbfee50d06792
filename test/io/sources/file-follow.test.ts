import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followFile, type FileBatch, type FileCheckpoint, type FollowOptions } from '../../../src/io/sources/file-follow.js';
import { eventually, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('follow'));
});
afterEach(() => cleanup());

async function readAll(path: string, opts: FollowOptions = {}): Promise<FileBatch[]> {
  const out: FileBatch[] = [];
  for await (const b of followFile(path, opts)) out.push(b);
  return out;
}

/** Runs a follower in the background; the test writes to the file and waits for what it expects. */
function startFollowing(path: string, opts: FollowOptions = {}) {
  const ac = new AbortController();
  const batches: FileBatch[] = [];
  const follower = followFile(path, { follow: true, pollMs: 20, signal: ac.signal, ...opts });
  const done = (async () => {
    for await (const b of follower) batches.push(b);
  })();
  const texts = (): string[] => batches.flatMap((b) => b.lines.map((l) => l.text));
  const stop = async (): Promise<void> => {
    ac.abort();
    await done;
  };
  return { batches, texts, stop, follower, last: (): FileCheckpoint => batches[batches.length - 1]!.checkpoint };
}

describe('followFile without follow', () => {
  it('yields complete lines with byte offsets and the unterminated last line at the end', async () => {
    const p = join(dir, 'a.log');
    writeFileSync(p, 'one\nnaïve two\n\nlast');
    const batches = await readAll(p, { chunkSize: 3 });
    const lines = batches.flatMap((b) => b.lines);
    expect(lines.map((l) => [l.text, l.offset, l.line])).toEqual([
      ['one', 0, 1],
      ['naïve two', 4, 2],
      ['', 15, 3],
      ['last', 16, 4],
    ]);
    expect(batches[batches.length - 1]!.checkpoint).toMatchObject({ offset: 20, line: 4, size: 20 });
  });

  it('resumes from a checkpoint of the same file and reads only what follows it', async () => {
    const p = join(dir, 'a.log');
    writeFileSync(p, 'l1\nl2\n');
    const first = await readAll(p);
    const cp = first[first.length - 1]!.checkpoint;
    expect(cp).toMatchObject({ offset: 6, line: 2 });
    appendFileSync(p, 'l3\nl4\n');
    const second = await readAll(p, { checkpoint: cp });
    expect(second.flatMap((b) => b.lines).map((l) => [l.text, l.offset, l.line])).toEqual([
      ['l3', 6, 3],
      ['l4', 9, 4],
    ]);
    expect(second[0]!.event).toBeUndefined();
  });

  it('starts over when the checkpoint belongs to a file that was rotated away while stopped', async () => {
    const p = join(dir, 'a.log');
    writeFileSync(p, 'old1\nold2\n');
    const cp = (await readAll(p)).at(-1)!.checkpoint;
    renameSync(p, `${p}.1`);
    writeFileSync(p, 'new1\nnew2\nnew3\n');
    const f = followFile(p, { checkpoint: cp });
    const batches: FileBatch[] = [];
    for await (const b of f) batches.push(b);
    expect(batches[0]!.event).toBe('rotated');
    expect(batches.flatMap((b) => b.lines).map((l) => l.text)).toEqual(['new1', 'new2', 'new3']);
    expect(f.stats.rotations).toBe(1);
  });

  it('starts over when the file is shorter than the checkpoint (truncated while stopped)', async () => {
    const p = join(dir, 'a.log');
    writeFileSync(p, 'x\n');
    const f = followFile(p, { checkpoint: { offset: 500, line: 40 } });
    const batches: FileBatch[] = [];
    for await (const b of f) batches.push(b);
    expect(batches[0]!.event).toBe('truncated');
    expect(batches.flatMap((b) => b.lines).map((l) => [l.text, l.line])).toEqual([['x', 1]]);
    expect(f.stats.truncations).toBe(1);
  });
});

describe('followFile with follow', () => {
  it('reads appended lines and holds a partial line back until its newline arrives', async () => {
    const p = join(dir, 'a.log');
    writeFileSync(p, 'first\n');
    const r = startFollowing(p);
    try {
      await eventually(() => r.texts().length === 1, 'first line');
      appendFileSync(p, 'second\npart');
      await eventually(() => r.texts().length === 2, 'second line');
      // The partial line is not a line yet; the checkpoint stays before it.
      expect(r.last().offset).toBe(13);
      appendFileSync(p, 'ial\n');
      await eventually(() => r.texts().length === 3, 'completed line');
      expect(r.texts()).toEqual(['first', 'second', 'partial']);
      expect(r.batches.flatMap((b) => b.lines).at(-1)).toMatchObject({ offset: 13, line: 3 });
    } finally {
      await r.stop();
    }
    // Aborted with nothing pending: the partial line never surfaced, the resume point is the file end.
    expect(r.last().offset).toBe(21);
  });

  it('does not yield an unterminated tail when stopped, and the checkpoint resumes before it', async () => {
    const p = join(dir, 'a.log');
    writeFileSync(p, 'done\nhalf');
    const r = startFollowing(p);
    await eventually(() => r.texts().length === 1, 'complete line');
    await r.stop();
    expect(r.texts()).toEqual(['done']);
    appendFileSync(p, 'way\n');
    const rest = await readAll(p, { checkpoint: r.last() });
    expect(rest.flatMap((b) => b.lines).map((l) => [l.text, l.offset, l.line])).toEqual([['halfway', 5, 2]]);
  });

  it('finishes the old file after a rename rotation, then reads the new file from offset 0', async () => {
    const p = join(dir, 'auth.log');
    writeFileSync(p, 'a1\n');
    const r = startFollowing(p);
    try {
      await eventually(() => r.texts().length === 1, 'a1');
      renameSync(p, `${p}.1`);
      // The writer still holds the old file open and appends once more before reopening.
      appendFileSync(`${p}.1`, 'a2\n');
      writeFileSync(p, 'b1\nb2\n');
      await eventually(() => r.texts().length === 4, 'lines of both files');
      expect(r.texts()).toEqual(['a1', 'a2', 'b1', 'b2']);
      const b1 = r.batches.flatMap((b) => b.lines).find((l) => l.text === 'b1')!;
      expect(b1).toMatchObject({ offset: 0, line: 1 });
      expect(r.follower.stats.rotations).toBe(1);
      expect(r.batches.some((b) => b.event === 'rotated')).toBe(true);
      appendFileSync(p, 'b3\n');
      await eventually(() => r.texts().length === 5, 'b3 in the new file');
      expect(r.last()).toMatchObject({ offset: 9, line: 3 });
    } finally {
      await r.stop();
    }
  });

  it('restarts at 0 after copytruncate and counts it', async () => {
    const p = join(dir, 'app.log');
    writeFileSync(p, 'before-1\nbefore-2\n');
    const r = startFollowing(p);
    try {
      await eventually(() => r.texts().length === 2, 'lines before truncation');
      truncateSync(p, 0);
      await eventually(() => r.follower.stats.truncations === 1, 'truncation noticed');
      appendFileSync(p, 'after-1\n');
      await eventually(() => r.texts().length === 3, 'line after truncation');
      expect(r.texts()).toEqual(['before-1', 'before-2', 'after-1']);
      expect(r.batches.flatMap((b) => b.lines).at(-1)).toMatchObject({ offset: 0, line: 1 });
    } finally {
      await r.stop();
    }
  });

  it('notices a copytruncate even when the file has grown past the old offset again', async () => {
    const p = join(dir, 'app.log');
    writeFileSync(p, 'old\n');
    const r = startFollowing(p, { watch: false });
    try {
      await eventually(() => r.texts().length === 1, 'old line');
      // Truncate and rewrite in one step, longer than before: the size alone cannot show it.
      writeFileSync(p, 'brand-new-1\nbrand-new-2\n');
      await eventually(() => r.texts().length === 3, 'rewritten lines');
      expect(r.texts()).toEqual(['old', 'brand-new-1', 'brand-new-2']);
      expect(r.follower.stats.truncations).toBe(1);
    } finally {
      await r.stop();
    }
  });

  it('waits for a file that does not exist yet', async () => {
    const p = join(dir, 'later.log');
    const r = startFollowing(p, { watch: false });
    try {
      writeFileSync(p, 'hello\n');
      await eventually(() => r.texts().length === 1, 'line of the late file');
      expect(r.texts()).toEqual(['hello']);
    } finally {
      await r.stop();
    }
  });
});
