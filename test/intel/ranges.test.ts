import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { ipv4Number, isIp, networkOf, parseIp, RangeSet } from '../../src/intel/ranges.js';

/** What the module answered before its IPv4 fast paths: everything through ipaddr.js. */
function slowNetworkOf(ip: string, v4Prefix = 24, v6Prefix = 48): string | undefined {
  const a = parseIp(ip);
  if (!a) return undefined;
  const bits = a.kind() === 'ipv4' ? v4Prefix : v6Prefix;
  const out = a.toByteArray().map((byte, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return keep === 0 ? 0 : byte & (0xff << (8 - keep));
  });
  return `${ipaddr.fromByteArray(out).toString()}/${bits}`;
}

function slowContains(cidrs: string[], ip: string): boolean {
  const a = parseIp(ip);
  if (!a) return false;
  return cidrs.some((c) => {
    const [r, bits] = c.includes('/') ? ipaddr.parseCIDR(c) : [ipaddr.parse(c), -1];
    const b = bits === -1 ? (r.kind() === 'ipv4' ? 32 : 128) : bits;
    return r.kind() === a.kind() && (a as ipaddr.IPv4).match(r as ipaddr.IPv4, b);
  });
}

const octet = fc.integer({ min: 0, max: 255 });
const quad = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
/** Dotted-quad look-alikes: leading zeros, big parts, missing or extra parts, stray characters. */
const quadish = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.constantFrom('00', '010', '0x1f', '', '1a', '-1', '256', '08')), { minLength: 1, maxLength: 5 })
  .map((p) => p.join('.'));
const anyText = fc.oneof(quad, quadish, fc.string({ maxLength: 20 }), fc.constantFrom('::1', '::ffff:10.1.2.3', '2001:db8::7', '[::1]', '127.1', '0x7f000001'));
const cidr = fc.oneof(
  fc.tuple(quad, fc.integer({ min: 0, max: 32 })).map(([a, b]) => `${a}/${b}`),
  fc.constantFrom('10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::ffff:0:0/96', '0.0.0.0/0'),
);

describe('IPv4 fast paths answer as ipaddr.js does', () => {
  it('ipv4Number reads plain dotted quads and nothing ipaddr.js would read differently', () => {
    expect(ipv4Number('203.0.113.9')).toBe(0xcb007109);
    expect(ipv4Number('0.0.0.0')).toBe(0);
    expect(ipv4Number('255.255.255.255')).toBe(0xffffffff);
    for (const s of ['010.0.0.1', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.4 ', '', '::1', '1..2.3']) expect(ipv4Number(s)).toBe(-1);
    fc.assert(
      fc.property(anyText, (s) => {
        const n = ipv4Number(s);
        if (n < 0) return;
        const a = parseIp(s);
        expect(a?.kind()).toBe('ipv4');
        expect(a!.toString()).toBe(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('isIp, networkOf and RangeSet.contains agree with the ipaddr.js path', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: -2, max: 40 }), fc.array(cidr, { maxLength: 4 }), (s, prefix, cidrs) => {
        expect(isIp(s)).toBe(parseIp(s) !== undefined);
        expect(networkOf(s, prefix, 48)).toBe(slowNetworkOf(s, prefix, 48));
        expect(networkOf(s)).toBe(slowNetworkOf(s));
        expect(new RangeSet(cidrs).contains(s)).toBe(slowContains(cidrs, s));
      }),
      { numRuns: 2000 },
    );
  });

  it('examples', () => {
    expect(networkOf('198.51.100.77')).toBe('198.51.100.0/24');
    expect(networkOf('198.51.100.77', 16)).toBe('198.51.0.0/16');
    expect(networkOf('010.1.2.3')).toBe('8.1.2.0/24'); // octal, as ipaddr.js reads it
    expect(networkOf('2001:db8:1:2::9')).toBe('2001:db8:1::/48');
    const set = new RangeSet(['192.0.2.0/24', '10.0.0.0/8', '2001:db8::/32']);
    expect(set.contains('192.0.2.200')).toBe(true);
    expect(set.contains('192.0.3.1')).toBe(false);
    expect(set.contains('10.255.0.1')).toBe(true);
    expect(set.contains('::ffff:10.1.1.1')).toBe(true);
    expect(set.contains('2001:db8::5')).toBe(true);
    expect(set.contains('not an ip')).toBe(false);
    expect(set.containsV4(ipv4Number('10.9.8.7'))).toBe(true);
  });
});
