/**
 * The binary ASN tables (built at install) must answer every lookup exactly as the CSVs they were built
 * from, and a table that does not match the installed CSVs (another version, another size, damaged)
 * must be ignored rather than trusted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ASN_CSV, asnSourceStamp, defaultAsnDir, ipv4ToInt, openAsnDatabase, parseAsnV4Csv, type AsnTableV4 } from '../../src/intel/asn.js';
import { asnTableFileName, decodeAsnTable, encodeAsnTable } from '../../src/intel/asn-table-file.js';
import { buildAsnTables } from '../../src/intel/asn-table-build.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'drawbridge-asn-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
const ipv6 = fc.tuple(fc.constantFrom('2001', '2a00', '2400', '2600', '2c0f', '2804'), fc.array(hextet, { minLength: 7, maxLength: 7 })).map(([a, r]) => [a, ...r].join(':'));

describe('binary ASN tables', () => {
  it('answer as the CSVs of the installed package do, address by address', () => {
    const out = tmp();
    const built = buildAsnTables(defaultAsnDir(), out);
    expect(built.map((b) => b.rows)).toEqual([expect.any(Number), expect.any(Number)]);
    const fromBinary = openAsnDatabase(defaultAsnDir(), out);
    const fromCsv = openAsnDatabase(defaultAsnDir(), undefined);
    for (const ip of ['1.1.1.1', '8.8.8.8', '2001:4860:4860::8888', '10.1.2.3', '255.255.255.255', '0.0.0.0', '::1']) {
      expect(fromBinary.lookup(ip)).toEqual(fromCsv.lookup(ip));
    }
    fc.assert(
      fc.property(fc.oneof(ipv4, ipv6), (ip) => {
        expect(fromBinary.lookup(ip)).toEqual(fromCsv.lookup(ip));
      }),
      { numRuns: 1000 },
    );
    expect(fromBinary.stats).toEqual(fromCsv.stats);
  });

  it('are read instead of the CSV when built from it, and ignored once the CSV changes', () => {
    const csvDir = tmp();
    const out = tmp();
    const row = (asn: number): string => `${ipv4ToInt('192.0.2.0')},${ipv4ToInt('192.0.2.255')},${asn},"Example, Org"\n`;
    writeFileSync(join(csvDir, 'package.json'), JSON.stringify({ version: '1.0.0' }));
    writeFileSync(join(csvDir, ASN_CSV[4]), row(64500));
    writeFileSync(join(csvDir, ASN_CSV[6]), '2001:db8::,2001:db8::ffff,64510,Doc Six\n');
    buildAsnTables(csvDir, out);
    // Same size, other number: only a lookup through the binary table still says 64500.
    writeFileSync(join(csvDir, ASN_CSV[4]), row(64501));
    expect(openAsnDatabase(csvDir, out).lookup('192.0.2.9')).toEqual({ asn: 64500, org: 'Example, Org' });
    expect(openAsnDatabase(csvDir, undefined).lookup('192.0.2.9')).toEqual({ asn: 64501, org: 'Example, Org' });
    // A new package version (or size) makes the table stale: the CSV answers.
    writeFileSync(join(csvDir, 'package.json'), JSON.stringify({ version: '1.0.1' }));
    expect(openAsnDatabase(csvDir, out).lookup('192.0.2.9')).toEqual({ asn: 64501, org: 'Example, Org' });
    expect(openAsnDatabase(csvDir, out).lookup('2001:db8::5')).toEqual({ asn: 64510, org: 'Doc Six' });
  });

  it('refuse damaged or foreign files', () => {
    const csvDir = tmp();
    writeFileSync(join(csvDir, ASN_CSV[4]), `${ipv4ToInt('198.51.100.0')},${ipv4ToInt('198.51.100.255')},64501,Org\n`);
    const stamp = asnSourceStamp(csvDir, 4);
    const bin = encodeAsnTable(parseAsnV4Csv(readFileSync(join(csvDir, ASN_CSV[4]))), 4, stamp);
    expect((decodeAsnTable(bin, 4, stamp) as AsnTableV4 | undefined)?.find(ipv4ToInt('198.51.100.7'))).toEqual({ asn: 64501, org: 'Org' });
    expect(decodeAsnTable(bin, 6, stamp)).toBeUndefined();
    expect(decodeAsnTable(bin, 4, 'other')).toBeUndefined();
    expect(decodeAsnTable(bin.subarray(0, bin.length - 1), 4, stamp)).toBeUndefined();
    expect(decodeAsnTable(Buffer.alloc(10), 4, stamp)).toBeUndefined();
    expect(decodeAsnTable(Buffer.concat([Buffer.from('x'), bin]).subarray(1), 4, stamp)).toBeDefined();
    expect(asnTableFileName(4)).not.toBe(asnTableFileName(6));
  });
});
