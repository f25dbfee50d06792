/**
 * Decoder fixtures: test/detect/decoders/fixtures/<decoder-id>/<file>, each with
 * <file>.expected.json beside it (the events and rejections the decoder must produce).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Decoder } from '../../../src/detect/types.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
export const EXPECTED_SUFFIX = '.expected.json';

export interface DecoderFixture {
  name: string;
  path: string;
  text: string;
}

export function fixtureFolders(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The input fixtures of one decoder (empty when it has none). */
export function fixturesOf(decoder: Decoder): DecoderFixture[] {
  const dir = join(FIXTURES, decoder.id);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.endsWith(EXPECTED_SUFFIX))
    .sort()
    .map((name) => ({ name, path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));
}
