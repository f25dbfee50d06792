import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sshdDecoder } from '../../../src/detect/decoders/sshd.js';
import { isRejection } from '../../../src/detect/types.js';
import { yearReference } from '../../../src/detect/year-reference.js';

const FP = 'SHA256:q7cVfzX0m3QhOqT3c1m3vVvQ0l2bZ1pG1bq8c9Yw4eE';
const login = (stamp: string) => `${stamp} bastion sshd[811]: Accepted publickey for alice from 198.51.100.7 port 53211 ssh2: ED25519 ${FP}`;

/** The ISO times the decoder gives a file's lines, read by `reference`. */
function times(stamps: string[], reference: number): string[] {
  const d = sshdDecoder.open('auth.log', { defaultYear: 1999, referenceTime: () => reference });
  return stamps.map((s, i) => {
    const r = d.line(login(s), { source: 'auth.log', offset: i * 100, line: i + 1 });
    if (isRejection(r)) throw new Error(r.reject);
    return new Date(r[0]!.time).toISOString();
  });
}

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-year-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RFC 3164 timestamps without a year take the most recent past date', () => {
  it('"Dec 10" read on 7 December is last year, not three days in the future', () => {
    expect(times(['Dec 10 08:00:00'], Date.parse('2026-12-07T12:00:00Z'))).toEqual(['2025-12-10T08:00:00.000Z']);
    expect(times(['Dec  6 08:00:00'], Date.parse('2026-12-07T12:00:00Z'))).toEqual(['2026-12-06T08:00:00.000Z']);
  });

  it('a file that spans New Year puts December in the old year and January in the new one', () => {
    expect(times(['Dec 30 23:59:00', 'Dec 31 10:00:00', 'Jan  1 00:01:00', 'Jan  4 09:00:00'], Date.parse('2027-01-05T00:00:00Z'))).toEqual([
      '2026-12-30T23:59:00.000Z',
      '2026-12-31T10:00:00.000Z',
      '2027-01-01T00:01:00.000Z',
      '2027-01-04T09:00:00.000Z',
    ]);
  });

  it('a sender a few hours ahead (time zones, clock skew) stays in the current year', () => {
    expect(times(['Dec  7 20:00:00'], Date.parse('2026-12-07T12:00:00Z'))).toEqual(['2026-12-07T20:00:00.000Z']);
  });

  it('a file is judged by its mtime; a caller\'s fixed now wins; live input by the clock', () => {
    const file = join(dir, 'auth.log');
    writeFileSync(file, login('Dec 10 08:00:00') + '\n');
    const mtime = new Date('2025-12-11T00:00:00Z');
    utimesSync(file, mtime, mtime);
    expect(yearReference(file, {})()).toBe(mtime.getTime());
    expect(times(['Dec 10 08:00:00'], yearReference(file, {})())).toEqual(['2025-12-10T08:00:00.000Z']);
    expect(yearReference(file, { now: 42 })()).toBe(42);
    const before = Date.now();
    expect(yearReference(file, { follow: true })()).toBeGreaterThanOrEqual(before);
  });
});
