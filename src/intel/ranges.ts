import ipaddr from 'ipaddr.js';

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * A plain dotted quad ("203.0.113.9": four decimal parts of 1–3 digits, no leading zero, each ≤ 255)
 * as a uint32; -1 for anything else. This is the form logs write, and ipaddr.js reads it the same
 * way, so it is a fast path only: other spellings ipaddr.js accepts (octal "010.0.0.1", hex,
 * "127.1", v4-mapped v6) still go through it.
 */
export function ipv4Number(s: string): number {
  const len = s.length;
  if (len < 7 || len > 15) return -1;
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255 || dots === 3) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      // A leading zero ("01") means octal to ipaddr.js: leave it to the slow path.
      if (digits === 1 && part === 0) return -1;
      part = part * 10 + (c - 48);
      digits++;
      if (digits > 3) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return n * 256 + part;
}

/** Network mask of an IPv4 prefix length, clamped to 0–32 as a uint32. */
function v4Mask(bits: number): number {
  if (bits >= 32) return 0xffffffff;
  if (bits <= 0) return 0;
  return (0xffffffff << (32 - bits)) >>> 0;
}

function v4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The network (as a uint32) an IPv4 address (uint32) lies in at a prefix length. */
export function v4Network(n: number, prefix: number): number {
  return (n & v4Mask(prefix)) >>> 0;
}

/** networkOf's text for an IPv4 network from v4Network: "a.b.c.0/24". */
export function v4NetworkText(net: number, prefix: number): string {
  return `${v4Text(net)}/${prefix}`;
}

/** Parse an IP literal (v4, v6, v4-mapped v6 folded to v4); undefined when it is not one. */
export function parseIp(s: string): Parsed | undefined {
  const t = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (!ipaddr.isValid(t)) return undefined;
  const a = ipaddr.parse(t);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) return (a as ipaddr.IPv6).toIPv4Address();
  return a;
}

export function isIp(s: string): boolean {
  return ipv4Number(s) >= 0 || parseIp(s) !== undefined;
}

/** A compiled list of CIDR ranges, matched without re-parsing on the hot path. */
export class RangeSet {
  private readonly v4: [ipaddr.IPv4, number][] = [];
  private readonly v6: [ipaddr.IPv6, number][] = [];
  /** The v4 ranges as (masked base, mask) pairs, for addresses given as plain dotted quads. */
  private readonly v4Base: number[] = [];
  private readonly v4Masks: number[] = [];
  readonly source: readonly string[];

  constructor(cidrs: readonly string[]) {
    this.source = cidrs;
    for (const c of cidrs) {
      const [addr, bits] = c.includes('/') ? ipaddr.parseCIDR(c) : [ipaddr.parse(c), -1];
      const b = bits === -1 ? (addr.kind() === 'ipv4' ? 32 : 128) : bits;
      if (addr.kind() === 'ipv4') {
        this.v4.push([addr as ipaddr.IPv4, b]);
        const mask = v4Mask(b);
        const [o0, o1, o2, o3] = (addr as ipaddr.IPv4).octets as [number, number, number, number];
        this.v4Base.push((((o0 << 24) | (o1 << 16) | (o2 << 8) | o3) & mask) >>> 0);
        this.v4Masks.push(mask);
      } else this.v6.push([addr as ipaddr.IPv6, b]);
    }
  }

  contains(ip: string | Parsed): boolean {
    if (typeof ip === 'string') {
      const n = ipv4Number(ip);
      if (n >= 0) return this.containsV4(n);
    }
    const a = typeof ip === 'string' ? parseIp(ip) : ip;
    if (!a) return false;
    if (a.kind() === 'ipv4') return this.v4.some(([r, b]) => (a as ipaddr.IPv4).match(r, b));
    return this.v6.some(([r, b]) => (a as ipaddr.IPv6).match(r, b));
  }

  /** Membership of an IPv4 address given as a uint32 (see ipv4Number). */
  containsV4(n: number): boolean {
    const bases = this.v4Base;
    const masks = this.v4Masks;
    for (let i = 0; i < bases.length; i++) if (((n & masks[i]!) >>> 0) === bases[i]) return true;
    return false;
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
  const n = ipv4Number(ip);
  if (n >= 0) return v4NetworkText(v4Network(n, v4Prefix), v4Prefix);
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
