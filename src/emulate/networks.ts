/**
 * Public source networks for emulated traffic, read from catalog/emulate/networks.yaml (pools of
 * networks by what comes from them; each range checked against @ip-location-db/asn by
 * test/emulate/networks.test.ts).
 */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { duplicateIds, readCatalogue, type CatalogueKind } from '../catalog/loader.js';
import type { Prng } from './prng.js';

const NetworkSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    kind: z.enum(['cloud', 'residential', 'hosting']),
    asn: z.number().int().positive(),
    owner: z.string().min(1),
    /** First and last address (inclusive), as in the CSV. */
    first: z.string().refine((a) => ipaddr.isValid(a), 'not an IP address'),
    last: z.string().refine((a) => ipaddr.isValid(a), 'not an IP address'),
  })
  .strict();
export type SourceNetwork = z.infer<typeof NetworkSchema>;

const POOL_NAMES = ['basic', 'research-scanners', 'hosting', 'botnet', 'consumer', 'ci-cloud', 'branch-office'] as const;
export type PoolName = (typeof POOL_NAMES)[number];

type NetworkCatalogue = { pools: Record<PoolName, SourceNetwork[]> };

export const EMULATION_NETWORKS_KIND: CatalogueKind<NetworkCatalogue> = {
  id: 'emulation-networks',
  description: 'Public source networks of emulated traffic, by pool (catalog/emulate/networks.yaml)',
  schema: z.object({ pools: z.object(Object.fromEntries(POOL_NAMES.map((p) => [p, z.array(NetworkSchema).min(1)])) as Record<PoolName, z.ZodArray<typeof NetworkSchema>>).strict() }).strict() as z.ZodType<NetworkCatalogue>,
  check: (c) => duplicateIds(Object.values(c.pools).flat(), (n) => n.id, 'network'),
};

/** The networks of one pool, in catalogue order (seeded emulation picks by position). */
export function networkPool(name: PoolName): readonly SourceNetwork[] {
  return readCatalogue(EMULATION_NETWORKS_KIND, 'emulate', 'networks.yaml').pools[name];
}

/** Every network of every pool. */
export function allNetworks(): readonly SourceNetwork[] {
  return POOL_NAMES.flatMap((p) => networkPool(p));
}

/** The basic profile's networks. */
export const NETWORKS: readonly SourceNetwork[] = networkPool('basic');

/** A network of any pool by its id. */
export function network(id: string): SourceNetwork {
  const n = allNetworks().find((x) => x.id === id);
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
