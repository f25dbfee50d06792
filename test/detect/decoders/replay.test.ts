/**
 * Every registered decoder replays its fixtures (test/detect/decoders/fixtures/<id>/) to exactly the
 * expected events and rejections, and is the one decoder that recognises them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DECODERS } from '../../../src/detect/decoders/index.js';
import { decodeText } from './helpers.js';
import { EXPECTED_SUFFIX, fixtureFolders, fixturesOf } from './fixture-dirs.js';

describe('decoder fixtures', () => {
  it('every registered decoder has fixtures, and every fixture folder names a registered decoder', () => {
    expect(DECODERS.filter((d) => fixturesOf(d).length === 0).map((d) => d.id)).toEqual([]);
    expect(fixtureFolders()).toEqual(DECODERS.map((d) => d.id).sort());
  });

  it('every decoder scores 0 on an empty sample and on prose', () => {
    for (const d of DECODERS) {
      expect(d.sniff([])).toBe(0);
      expect(d.sniff(['The quick brown fox jumps over the lazy dog.', ''])).toBe(0);
    }
  });

  for (const decoder of DECODERS) {
    for (const f of fixturesOf(decoder)) {
      describe(`${decoder.id} / ${f.name}`, () => {
        it('decodes to the expected events and rejections', () => {
          const expectedPath = `${f.path}${EXPECTED_SUFFIX}`;
          expect(existsSync(expectedPath), `${expectedPath} exists`).toBe(true);
          const expected: unknown = JSON.parse(readFileSync(expectedPath, 'utf8'));
          const got: unknown = JSON.parse(JSON.stringify(decodeText(decoder, f.text, {}, f.name)));
          expect(got).toEqual(expected);
        });

        it('is recognised by this decoder alone', () => {
          const sample = f.text.split('\n').slice(0, 20);
          expect(decoder.sniff(sample)).toBeGreaterThanOrEqual(0.5);
          const others = Object.fromEntries(DECODERS.filter((d) => d !== decoder).map((d) => [d.id, d.sniff(sample)]));
          expect(Object.values(others).every((s) => s === 0), JSON.stringify(others)).toBe(true);
        });
      });
    }
  }
});
