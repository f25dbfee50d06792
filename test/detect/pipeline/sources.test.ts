import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DECODERS } from '../../../src/detect/decoders/index.js';
import { closeSources, openSources, resumePoint } from '../../../src/detect/pipeline/sources.js';
import type { RunSource } from '../../../src/detect/pipeline/types.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { tempDir } from '../../io/sources/helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('sources-stage'));
});
afterEach(() => cleanup());

describe('sources stage', () => {
  it('a file resumes from its checkpoint unless fromStart; standard input when nothing is named', async () => {
    const file = join(dir, 'a.log');
    writeFileSync(file, 'one\ntwo\nthree\n');
    const store = new MemoryStateStore();
    store.setCheckpoint(file, { offset: 4, line: 1 });
    const open = (more: { fromStart?: boolean } = {}, inputs = [file]): RunSource[] => {
      const into: RunSource[] = [];
      openSources(inputs, [], { store, decoders: DECODERS, stdin: (async function* () {})(), ...more }, into);
      return into;
    };
    const [resumed] = open();
    expect(resumed!.key).toBe(file);
    expect(resumed!.startedAt).toMatchObject({ offset: 4, line: 1 });
    expect((await resumed!.reader.read()).lines.map((l) => l.text)).toEqual(['two', 'three']);
    const [again] = open({ fromStart: true });
    expect(again!.startedAt).toMatchObject({ offset: 0, line: 0 });
    const [stdin] = open({}, []);
    expect(stdin).toMatchObject({ name: '-', key: undefined });
    await closeSources([resumed!, again!, stdin!]);
  });

  it('the resume point is the oldest record still waiting, else after the last line read; 0 while a rotated file’s records wait', async () => {
    const file = join(dir, 'a.log');
    writeFileSync(file, 'one\ntwo\nthree\n');
    const into: RunSource[] = [];
    openSources([file], [], { store: new MemoryStateStore(), decoders: DECODERS }, into);
    const src = into[0]!;
    await src.reader.read();
    expect(resumePoint(src)).toMatchObject({ offset: 14, line: 3 });
    src.open.push({ offset: 4, line: 1, pending: 1 });
    expect(resumePoint(src)).toMatchObject({ offset: 4, line: 1 });
    src.open[0]!.pending = 0;
    expect(resumePoint(src)).toMatchObject({ offset: 14, line: 3 });
    src.stale.push({ offset: 9, line: 2, pending: 1 });
    expect(resumePoint(src)).toMatchObject({ offset: 0, line: 0 });
    await closeSources(into);
  });
});
