import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readId, readNumber, writeId, writeNumber } from '../../../src/detect/detectors/registers.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { SqliteStateStore } from '../../../src/detect/state/sqlite.js';
import type { StateStore } from '../../../src/detect/state/types.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-registers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: [string, () => StateStore][] = [
  ['memory', () => new MemoryStateStore()],
  ['sqlite', () => new SqliteStateStore(join(dir, `r-${Math.random().toString(36).slice(2)}.db`))],
];

describe.each(stores)('registers on the %s store', (_name, open) => {
  it('keep the last number and id written, whatever their order', () => {
    const s = open();
    expect(readNumber(s, 'ns', 'k')).toBeUndefined();
    writeNumber(s, 'ns', 'k', 5);
    writeNumber(s, 'ns', 'k', 2);
    expect(readNumber(s, 'ns', 'k')).toBe(2);
    writeNumber(s, 'ns', 'k', 9);
    expect(readNumber(s, 'ns', 'k')).toBe(9);
    expect(writeId(s, 'ns', 'a', 'DRA-ffffffff00000001')).toBe(true);
    expect(writeId(s, 'ns', 'a', 'DRA-0123456789abcdef')).toBe(true);
    expect(readId(s, 'ns', 'a', 'DRA')).toBe('DRA-0123456789abcdef');
    expect(writeId(s, 'ns', 'b', 'not an id')).toBe(false);
    expect(readId(s, 'ns', 'b', 'DRA')).toBeUndefined();
    s.close();
  });

  it('round-trip any 64-bit id (property)', () => {
    const s = open();
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{16}$/), (hex) => {
        writeId(s, 'ns', 'p', `INC-${hex}`);
        expect(readId(s, 'ns', 'p', 'INC')).toBe(`INC-${hex}`);
      }),
      { numRuns: 200 },
    );
    s.close();
  });
});
