/**
 * Public source networks for emulated traffic. Each range and its ASN was read from
 * @ip-location-db/asn (asn-ipv4.csv / asn-ipv6.csv); test/emulate/networks.test.ts re-checks every
 * one against those CSVs, so a data update that moves a range fails loudly instead of mislabelling.
 */
import ipaddr from 'ipaddr.js';
import type { Prng } from './prng.js';

export interface SourceNetwork {
  id: string;
  kind: 'cloud' | 'residential' | 'hosting';
  asn: number;
  owner: string;
  /** First and last address (inclusive), as in the CSV. */
  first: string;
  last: string;
}

export const NETWORKS: readonly SourceNetwork[] = [
  { id: 'aws', kind: 'cloud', asn: 16509, owner: 'Amazon.com, Inc.', first: '3.0.0.0', last: '3.2.63.255' },
  { id: 'azure', kind: 'cloud', asn: 8075, owner: 'Microsoft Corporation', first: '4.144.0.0', last: '4.213.246.255' },
  { id: 'digitalocean', kind: 'cloud', asn: 14061, owner: 'DigitalOcean, LLC', first: '209.97.128.0', last: '209.97.191.255' },
  { id: 'hetzner', kind: 'cloud', asn: 24940, owner: 'Hetzner Online GmbH', first: '5.9.0.0', last: '5.9.255.255' },
  { id: 'hetzner-v6', kind: 'cloud', asn: 24940, owner: 'Hetzner Online GmbH', first: '2a01:4f8::', last: '2a01:4f9:ffff:ffff:ffff:ffff:ffff:ffff' },
  { id: 'ovh', kind: 'cloud', asn: 16276, owner: 'OVH SAS', first: '51.38.0.0', last: '51.38.255.255' },
  { id: 'linode', kind: 'cloud', asn: 63949, owner: 'Akamai Technologies, Inc.', first: '45.33.0.0', last: '45.33.127.255' },
  { id: 'm247', kind: 'hosting', asn: 9009, owner: 'M247 Europe SRL', first: '2.57.28.0', last: '2.57.31.255' },
  { id: 'comcast', kind: 'residential', asn: 7922, owner: 'Comcast Cable Communications, LLC', first: '23.30.0.0', last: '23.31.255.255' },
  { id: 'comcast-v6', kind: 'residential', asn: 7922, owner: 'Comcast Cable Communications, LLC', first: '2601:540::', last: '2601:8bf:ffff:ffff:ffff:ffff:ffff:ffff' },
  { id: 'dtag', kind: 'residential', asn: 3320, owner: 'Deutsche Telekom AG', first: '217.224.0.0', last: '217.255.255.255' },
  { id: 'chinanet', kind: 'residential', asn: 4134, owner: 'Chinanet', first: '1.48.128.0', last: '1.48.191.255' },
  { id: 'chunghwa', kind: 'residential', asn: 3462, owner: 'Chunghwa Telecom Co., Ltd.', first: '1.160.0.0', last: '1.175.255.255' },
];

export function network(id: string): SourceNetwork {
  const n = NETWORKS.find((x) => x.id === id);
  if (!n) throw new Error(`unknown emulation network ${id}`);
  return n;
}

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}
function intToV4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}
function v6ToBig(ip: string): bigint {
  const [head = '', tail = ''] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
function bigToV6(n: bigint): string {
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // RFC 5952 form (zero runs compressed), as logs print addresses.
  return ipaddr.parse(g.join(':')).toString();
}

/**
 * A host address inside the network, away from the edges (no .0/.255). IPv4 addresses are drawn
 * with the /24 first so that distinct draws usually land in distinct /24 source ranges.
 */
export function addressIn(n: SourceNetwork, prng: Prng): string {
  if (n.first.includes(':')) {
    const lo = v6ToBig(n.first);
    const hi = v6ToBig(n.last);
    // Choose a /48 inside the range, then a host inside it.
    const span48 = (hi - lo) >> 80n;
    const pick48 = span48 > 0n ? BigInt(Math.floor(prng.next() * Number(span48 > 1_000_000n ? 1_000_000n : span48))) : 0n;
    const host = BigInt(prng.int(1, 0xfffe));
    return bigToV6(lo + (pick48 << 80n) + (BigInt(prng.int(0, 0xffff)) << 64n) + host);
  }
  const lo = v4ToInt(n.first);
  const hi = v4ToInt(n.last);
  const nets = Math.floor((hi - lo + 1) / 256);
  const base = lo + prng.int(0, Math.max(0, nets - 1)) * 256;
  return intToV4(base + prng.int(2, 253));
}

/** Another address in the same /24 (IPv4) or /64 (IPv6): a host's neighbour. */
export function neighbour(ip: string, prng: Prng): string {
  if (ip.includes(':')) {
    const n = v6ToBig(ip);
    return bigToV6((n & ~0xffffn) | BigInt(prng.int(1, 0xfffe)));
  }
  const parts = ip.split('.');
  parts[3] = String(prng.int(2, 253));
  return parts.join('.');
}
