import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asnLookupFromRows, ipv4ToInt, openAsnDatabase, parseAsnV4Csv, parseAsnV6Csv, type AsnLoadStats } from '../../src/intel/asn.js';

// Invented table over documentation ranges and private-use ASNs.
const V4 = [
  `${ipv4ToInt('192.0.2.0')},${ipv4ToInt('192.0.2.255')},64500,Example Org`,
  `${ipv4ToInt('198.51.100.0')},${ipv4ToInt('198.51.100.127')},64501,"Quoted, Inc."`,
  'not,a,row',
  '',
  `${ipv4ToInt('203.0.113.0')},${ipv4ToInt('203.0.113.255')},64502,"Say ""hi"" Ltd"`,
].join('\n');
const V6 = ['2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,64510,Doc Six', '2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,64511,"Six, Two"', 'bad::row::x,1,2,3'].join('\r\n');

describe('ASN tables', () => {
  it('parses the v4 integer CSV, quoted orgs included, and counts bad rows', () => {
    const stats: AsnLoadStats = { rows: 0, skipped: 0 };
    const t = parseAsnV4Csv(Buffer.from(V4), stats);
    expect(stats).toEqual({ rows: 3, skipped: 1 });
    expect(t.find(ipv4ToInt('192.0.2.77'))).toEqual({ asn: 64500, org: 'Example Org' });
    expect(t.find(ipv4ToInt('198.51.100.5'))).toEqual({ asn: 64501, org: 'Quoted, Inc.' });
    expect(t.find(ipv4ToInt('198.51.100.200'))).toBeUndefined();
    expect(t.find(ipv4ToInt('203.0.113.255'))).toEqual({ asn: 64502, org: 'Say "hi" Ltd' });
    expect(t.find(ipv4ToInt('10.0.0.1'))).toBeUndefined();
  });

  it('parses the v6 textual CSV', () => {
    const stats: AsnLoadStats = { rows: 0, skipped: 0 };
    const t = parseAsnV6Csv(Buffer.from(V6), stats);
    expect(stats).toEqual({ rows: 2, skipped: 1 });
    const key = new Uint32Array([0x20010db8, 0x00010000, 0, 5]);
    expect(t.find(key)).toEqual({ asn: 64511, org: 'Six, Two' });
    expect(t.find(new Uint32Array([0x20010db8, 0x00020000, 0, 0]))).toBeUndefined();
  });

  it('a small injected table answers v4, v6 and v4-mapped v6', () => {
    const asn = asnLookupFromRows([
      { start: '192.0.2.0', end: '192.0.2.255', asn: 64500, org: 'Example' },
      { start: '2001:db8::', end: '2001:db8::ffff', asn: 64510, org: 'Six' },
    ]);
    expect(asn.lookup('192.0.2.9')?.asn).toBe(64500);
    expect(asn.lookup('::ffff:192.0.2.9')?.asn).toBe(64500);
    expect(asn.lookup('2001:db8::1')?.asn).toBe(64510);
    expect(asn.lookup('2001:db8::1:0')).toBeUndefined();
    expect(asn.lookup('not an ip')).toBeUndefined();
  });

  it('ipv4ToInt agrees with arithmetic and rejects junk', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
        expect(ipv4ToInt(ip)).toBe(((a * 256 + b) * 256 + c) * 256 + d);
      }),
    );
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', 'a.b.c.d', '1.2.3.4 ']) expect(ipv4ToInt(bad)).toBe(-1);
  });

  it('the CSV parsers never throw on garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        parseAsnV4Csv(Buffer.from(bytes));
        try {
          parseAsnV6Csv(Buffer.from(bytes));
        } catch (e) {
          // The only deliberate error: rows out of order (bisection would be wrong).
          expect((e as Error).message).toContain('not sorted');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the packaged database knows well-known networks', () => {
    const db = openAsnDatabase();
    expect(db.lookup('1.1.1.1')?.asn).toBe(13335);
    expect(db.lookup('8.8.8.8')?.asn).toBe(15169);
    expect(db.lookup('2001:4860:4860::8888')?.asn).toBe(15169);
    expect(db.lookup('10.1.2.3')).toBeUndefined();
    expect(db.stats.skipped).toBe(0);
  });
});
