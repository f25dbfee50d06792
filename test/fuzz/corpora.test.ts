/**
 * Every stored fuzz input — seeds, past crashers, hostile inputs — replayed through its target, and
 * every target has a corpus (a new decoder gets one, or this fails).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPORA, FUZZ_TARGETS } from './targets.js';

describe('fuzz corpora', () => {
  it('every target has a corpus with seeds, and every corpus a target', () => {
    const ids = FUZZ_TARGETS.map((t) => t.id).sort();
    expect(readdirSync(CORPORA).sort()).toEqual(ids);
    for (const id of ids) expect(readdirSync(join(CORPORA, id)).filter((f) => f.startsWith('seed-')).length, id).toBeGreaterThan(0);
  });

  for (const target of FUZZ_TARGETS) {
    const dir = join(CORPORA, target.id);
    const files = existsSync(dir) ? readdirSync(dir).sort() : [];
    it(`${target.id}: ${files.length} stored inputs replay without breaking it`, () => {
      for (const f of files) expect(() => target.run(readFileSync(join(dir, f), 'utf8')), `${target.id}/${f}`).not.toThrow();
    });
  }
});
