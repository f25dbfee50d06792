/**
 * A binary ASN table searched in its file must answer exactly as the same table read whole, before and
 * after it switches to reading it whole, and must refuse the files decodeAsnTable refuses.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ASN_CSV, asnSourceStamp, defaultAsnDir, ipv4ToInt, type AsnTableV4, type AsnTableV6 } from '../../src/intel/asn.js';
import { asnTableFileName, decodeAsnTable } from '../../src/intel/asn-table-file.js';
import { PagedAsnTable } from '../../src/intel/asn-table-paged.js';
import { buildAsnTables } from '../../src/intel/asn-table-build.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-asn-paged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => ipv4ToInt(o.join('.')));
const word = fc.integer({ min: 0, max: 0xffffffff });
const ipv6 = fc.tuple(fc.constantFrom(0x20010000, 0x2a000000, 0x24000000, 0x26000000, 0x28040000), word, word, word).map((w) => Uint32Array.from(w));

describe('ASN tables searched in place', () => {
  buildAsnTables(defaultAsnDir(), dir);
  const stamp = (family: 4 | 6): string => asnSourceStamp(defaultAsnDir(), family);
  const whole = (family: 4 | 6): AsnTableV4 | AsnTableV6 => decodeAsnTable(readFileSync(join(dir, asnTableFileName(family))), family, stamp(family))!;

  it('answer as the whole table, address by address, in the file and after reading it whole', () => {
    const v4 = whole(4) as AsnTableV4;
    const v6 = whole(6) as AsnTableV6;
    // A limit of 300 lookups: the first 300 of the 1000 are searched in the file, the rest in memory.
    const paged4 = PagedAsnTable.open(join(dir, asnTableFileName(4)), 4, stamp(4), undefined, 300)!;
    const paged6 = PagedAsnTable.open(join(dir, asnTableFileName(6)), 6, stamp(6), undefined, 300)!;
    const edges = [0, 0xffffffff, v4.starts[0]!, v4.starts[v4.size - 1]!, v4.ends[v4.size - 1]!, v4.starts[1000]! - 1, v4.ends[1000]!, v4.ends[1000]! + 1];
    for (const ip of edges) expect(paged4.find(ip)).toEqual(v4.find(ip));
    fc.assert(fc.property(ipv4, (ip) => void expect(paged4.find(ip)).toEqual(v4.find(ip))), { numRuns: 1000 });
    fc.assert(fc.property(ipv6, (ip) => void expect(paged6.find(ip)).toEqual(v6.find(ip))), { numRuns: 1000 });
    paged4.close();
    paged6.close();
  });

  it('count the rows and skipped lines as the whole table does', () => {
    const stats = { rows: 0, skipped: 0 };
    const decoded = { rows: 0, skipped: 0 };
    PagedAsnTable.open(join(dir, asnTableFileName(4)), 4, stamp(4), stats)!.close();
    decodeAsnTable(readFileSync(join(dir, asnTableFileName(4))), 4, stamp(4), decoded);
    expect(stats).toEqual(decoded);
    expect(stats.rows).toBeGreaterThan(100_000);
  });

  it('refuse a stale, foreign, truncated or missing file', () => {
    const file = join(dir, asnTableFileName(4));
    expect(PagedAsnTable.open(file, 4, `${stamp(4)}x`)).toBeUndefined();
    expect(PagedAsnTable.open(file, 6, stamp(4) as string)).toBeUndefined();
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, readFileSync(file).subarray(0, 100_000));
    expect(PagedAsnTable.open(cut, 4, stamp(4))).toBeUndefined();
    writeFileSync(cut, 'not a table');
    expect(PagedAsnTable.open(cut, 4, stamp(4))).toBeUndefined();
    expect(PagedAsnTable.open(join(dir, 'absent.bin'), 4, stamp(4))).toBeUndefined();
    expect(ASN_CSV[4]).toMatch(/\.csv$/);
  });
});
