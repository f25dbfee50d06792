/**
 * Decoders read their common records through fast paths that skip the general parse. A fast path
 * may decline a record (the general path then answers), but what it does answer must be exactly what
 * the general path answers for that record.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLayout, decodeRecord, DEFAULT_V2_FIELDS, isHeaderLine, layoutFor, readRecordInPlace } from '../../../src/detect/decoders/aws-vpc-flow.js';
import { parseRfc3339 } from '../../../src/io/sources/syslog-envelope.js';
import type { RecordRef } from '../../../src/model/event.js';

const ref: RecordRef = { source: 'fast.log', offset: 0, line: 1 };

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const token = (good: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 30, arbitrary: good }, { weight: 1, arbitrary: fc.constantFrom('-', '', 'x', '65536', '0', '00', '1e3', '999999999999999999', '2001:db8::1', 'OK') });

const v2Record = fc
  .record({
    version: token(fc.constantFrom('2', '3', '5')),
    account: token(fc.constantFrom('123456789012', 'unknown')),
    iface: token(fc.constantFrom('eni-0a1b2c3d4e5f60718', 'eni-1')),
    src: token(fc.oneof(ipv4, fc.constant('2001:db8::9'))),
    dst: token(ipv4),
    srcPort: token(fc.integer({ min: 0, max: 65535 }).map(String)),
    dstPort: token(fc.integer({ min: 0, max: 65535 }).map(String)),
    protocol: token(fc.constantFrom('6', '17', '1', '58', '300')),
    packets: token(fc.nat(5000).map(String)),
    bytes: token(fc.nat(1_000_000).map(String)),
    start: token(fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }).map(String)),
    end: token(fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }).map(String)),
    action: token(fc.constantFrom('ACCEPT', 'REJECT', 'accept')),
    status: token(fc.constantFrom('OK', 'NODATA', 'SKIPDATA', 'FAIL')),
  })
  .map((r) => Object.values(r));

/** Lines as they may arrive: fields joined by spaces, sometimes with extra or odd whitespace, or cut. */
const line = fc
  .tuple(v2Record, fc.constantFrom('', '', '', '', '', ' ', '  ', '\t', '\u00a0'), fc.constantFrom(' ', '  ', '\t'), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 5 }))
  .map(([fields, edge, sep, cut, odd]) => {
    const oddSep = odd === 0;
    const kept = fields.slice(0, Math.max(1, fields.length - (cut > 13 ? cut - 13 : 0)));
    return edge + kept.join(oddSep ? sep : ' ') + (edge === '\t' ? '' : edge);
  });

describe('aws-vpc-flow: reading a record in place', () => {
  it('answers as split + decodeRecord would, whenever it answers', () => {
    const layouts = [undefined, compileLayout(DEFAULT_V2_FIELDS), compileLayout(['srcaddr', 'dstaddr', 'dstport', 'protocol', 'action', 'start'])];
    let answered = 0;
    fc.assert(
      fc.property(line, fc.constantFrom(...layouts), (t, fixed) => {
        const fast = readRecordInPlace(t, fixed, ref);
        if (fast === undefined) return;
        answered++;
        const parts = t.trim().split(' ');
        expect(isHeaderLine(parts)).toBe(false);
        expect(fast).toEqual(decodeRecord(parts, layoutFor(parts, fixed), ref));
      }),
      { numRuns: 3000 },
    );
    // The property must not hold vacuously.
    expect(answered).toBeGreaterThan(300);
  });

  it('declines headers, blank lines and rejections (the general path words those)', () => {
    expect(readRecordInPlace('version account-id interface-id srcaddr dstaddr', undefined, ref)).toBeUndefined();
    expect(readRecordInPlace('', undefined, ref)).toBeUndefined();
    expect(readRecordInPlace('2 123456789012 eni-1 203.0.113.9 10.0.1.20 1 22 6 1 60 1700000000 1700000060 MAYBE OK', undefined, ref)).toBeUndefined();
    expect(readRecordInPlace('2 123456789012 eni-1 203.0.113.9 10.0.1.20 1 22 6 1 60 1700000000 1700000060 ACCEPT NODATA', undefined, ref)).toEqual([]);
  });
});

describe('syslog timestamps: the day cache', () => {
  /** Date.UTC on every part, refusing dates that roll over (Feb 30, 23:59:60), as before the cache. */
  function reference(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | undefined {
    if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
    const t = Date.UTC(y, mo, d, h, mi, s, ms);
    return new Date(t).getUTCDate() === d ? t : undefined;
  }
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');

  it('gives what Date.UTC gives, in any order of days', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 9999 }),
            fc.integer({ min: 1, max: 13 }),
            fc.integer({ min: 0, max: 32 }),
            fc.integer({ min: 0, max: 24 }),
            fc.integer({ min: 0, max: 60 }),
            fc.integer({ min: 0, max: 61 }),
            fc.integer({ min: 0, max: 999 }),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (stamps) => {
          for (const [y, mo, d, h, mi, s, ms] of stamps) {
            const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;
            expect(parseRfc3339(text)?.[0]).toBe(reference(y, mo - 1, d, h, mi, s, ms));
          }
        },
      ),
      { numRuns: 3000 },
    );
    expect(parseRfc3339('2024-12-31T23:59:60Z')).toBeUndefined();
    expect(parseRfc3339('2025-02-29T10:00:00Z')).toBeUndefined();
    expect(parseRfc3339('2024-02-29T10:00:00Z')?.[0]).toBe(Date.UTC(2024, 1, 29, 10));
  });
});
