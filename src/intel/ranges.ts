import ipaddr from 'ipaddr.js';

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

/** Parse an IP literal (v4, v6, v4-mapped v6 folded to v4); undefined when it is not one. */
export function parseIp(s: string): Parsed | undefined {
  const t = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (!ipaddr.isValid(t)) return undefined;
  const a = ipaddr.parse(t);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) return (a as ipaddr.IPv6).toIPv4Address();
  return a;
}

export function isIp(s: string): boolean {
  return parseIp(s) !== undefined;
}

/** A compiled list of CIDR ranges, matched without re-parsing on the hot path. */
export class RangeSet {
  private readonly v4: [ipaddr.IPv4, number][] = [];
  private readonly v6: [ipaddr.IPv6, number][] = [];
  readonly source: readonly string[];

  constructor(cidrs: readonly string[]) {
    this.source = cidrs;
    for (const c of cidrs) {
      const [addr, bits] = c.includes('/') ? ipaddr.parseCIDR(c) : [ipaddr.parse(c), -1];
      const b = bits === -1 ? (addr.kind() === 'ipv4' ? 32 : 128) : bits;
      if (addr.kind() === 'ipv4') this.v4.push([addr as ipaddr.IPv4, b]);
      else this.v6.push([addr as ipaddr.IPv6, b]);
    }
  }

  contains(ip: string | Parsed): boolean {
    const a = typeof ip === 'string' ? parseIp(ip) : ip;
    if (!a) return false;
    if (a.kind() === 'ipv4') return this.v4.some(([r, b]) => (a as ipaddr.IPv4).match(r, b));
    return this.v6.some(([r, b]) => (a as ipaddr.IPv6).match(r, b));
  }

  /** True when every address of `cidr` lies inside one range of this set. */
  covers(cidr: string): boolean {
    let addr: Parsed;
    let bits: number;
    try {
      [addr, bits] = cidr.includes('/') ? ipaddr.parseCIDR(cidr) : [ipaddr.parse(cidr), -1];
    } catch {
      return false;
    }
    if (bits === -1) bits = addr.kind() === 'ipv4' ? 32 : 128;
    const list = addr.kind() === 'ipv4' ? this.v4 : this.v6;
    return list.some(([r, b]) => b <= bits && addr.kind() === r.kind() && (addr as ipaddr.IPv4).match(r as ipaddr.IPv4, b));
  }
}

/** The network an address belongs to at the given prefix, as "a.b.c.0/24" or "2001:db8:1::/48". */
export function networkOf(ip: string, v4Prefix = 24, v6Prefix = 48): string | undefined {
  const a = parseIp(ip);
  if (!a) return undefined;
  const bits = a.kind() === 'ipv4' ? v4Prefix : v6Prefix;
  const bytes = a.toByteArray();
  const out = bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return keep === 0 ? 0 : byte & (0xff << (8 - keep));
  });
  const net = ipaddr.fromByteArray(out);
  return `${net.toString()}/${bits}`;
}
