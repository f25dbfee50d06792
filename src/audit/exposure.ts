/**
 * "Is this source external, and which management services does this port range reach?" — the one
 * answer every network-config auditor shares (security groups, firewalls, NSGs, NACLs, Services).
 * Pure: build an ExposurePolicy once from drawbridge.yaml, then ask it per rule.
 */
import ipaddr from 'ipaddr.js';
import { RangeSet } from '../intel/ranges.js';
import { managementServices, type ManagementService } from '../catalog/services.js';
import type { DrawbridgeConfig } from '../config/schema.js';

/**
 * world: every address (0.0.0.0/0, ::/0, Azure `*`/`Any`/`Internet`).
 * public: some addresses outside the organisation's internal and allow-listed ranges.
 * internal / allow-listed: inside the organisation — never an exposure.
 * peer: another security group, network tag or service account — never an exposure by itself.
 * platform: a cloud provider's own infrastructure tag (load balancer probes, gateway manager).
 * invalid: not an address, range or known tag; reported as an input problem by the caller.
 */
export type SourceClass = 'world' | 'public' | 'internal' | 'allow-listed' | 'peer' | 'platform' | 'invalid';

export interface SourceVerdict {
  source: string;
  class: SourceClass;
  external: boolean;
}

/** Azure-style service tags, by what they mean for reachability. Compared case-insensitively. */
export interface ServiceTagClasses {
  world: readonly string[];
  internal: readonly string[];
  /** Tags that stand for many public addresses not owned by the organisation (other tenants). */
  public: readonly string[];
}

export const DEFAULT_SERVICE_TAGS: ServiceTagClasses = {
  world: ['*', 'any', 'internet'],
  internal: ['virtualnetwork', 'azureloadbalancer'],
  public: ['azurecloud'],
};

export interface ExposurePolicy {
  internal: RangeSet;
  allowed: RangeSet;
  tags: ServiceTagClasses;
  /** Extra ports per catalogue service id (drawbridge.yaml managementPorts). */
  extraPorts: Readonly<Record<string, readonly number[]>>;
  /** Port → services, catalogue plus extra ports. */
  byPort: ReadonlyMap<number, readonly ManagementService[]>;
}

export type PolicyConfig = Pick<DrawbridgeConfig, 'organisation' | 'managementPorts'>;

export function exposurePolicy(config: PolicyConfig, tags: ServiceTagClasses = DEFAULT_SERVICE_TAGS): ExposurePolicy {
  const byPort = new Map<number, ManagementService[]>();
  for (const s of managementServices()) {
    for (const p of new Set([...s.ports, ...(config.managementPorts[s.id] ?? [])])) {
      const list = byPort.get(p) ?? [];
      list.push(s);
      byPort.set(p, list);
    }
  }
  return {
    internal: new RangeSet(config.organisation.internalRanges),
    allowed: new RangeSet(config.organisation.allowedRanges),
    tags: { world: tags.world.map(lc), internal: tags.internal.map(lc), public: tags.public.map(lc) },
    extraPorts: config.managementPorts,
    byPort,
  };
}

function lc(s: string): string {
  return s.toLowerCase();
}

/** Parse "a.b.c.d/n", "v6/n" or a bare address into [address, prefix]; undefined when it is neither. */
export function parseCidr(s: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const t = s.trim();
  try {
    if (t.includes('/')) return ipaddr.parseCIDR(t);
    if (!ipaddr.isValid(t)) return undefined;
    const a = ipaddr.parse(t);
    return [a, a.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** Classify an address range (or a bare address) against the organisation's ranges. */
export function classifyRange(source: string, policy: ExposurePolicy): SourceVerdict {
  const parsed = parseCidr(source);
  if (!parsed) return { source, class: 'invalid', external: false };
  const [, bits] = parsed;
  const text = source.trim();
  if (bits === 0) {
    // A /0 is the whole family even when the organisation lists it (which would be a config mistake).
    return { source: text, class: 'world', external: true };
  }
  if (policy.internal.covers(text)) return { source: text, class: 'internal', external: false };
  if (policy.allowed.covers(text)) return { source: text, class: 'allow-listed', external: false };
  return { source: text, class: 'public', external: true };
}

/**
 * What a policy has worked out already: the same few sources and port lists recur in every rule of a
 * large config, and parsing an address range each time costs more than the rest of the evaluation.
 */
interface PolicyMemo {
  verdicts: Map<string, SourceVerdict>;
  /** Management ports in ascending order. */
  ports: number[];
  /** Catalogue position of each service id. */
  order: Map<string, number>;
}

const memos = new WeakMap<ExposurePolicy, PolicyMemo>();
const VERDICT_MEMO = 4096;

function memoOf(policy: ExposurePolicy): PolicyMemo {
  let m = memos.get(policy);
  if (!m) {
    m = {
      verdicts: new Map(),
      ports: [...policy.byPort.keys()].sort((a, b) => a - b),
      order: new Map(managementServices().map((s, i) => [s.id, i])),
    };
    memos.set(policy, m);
  }
  return m;
}

/** Classify a source that may be a range or a service tag (`*`, `Internet`, `VirtualNetwork` …). */
export function classifySource(source: string, policy: ExposurePolicy): SourceVerdict {
  const { verdicts } = memoOf(policy);
  let v = verdicts.get(source);
  if (!v) {
    v = classifySourceUncached(source, policy);
    if (verdicts.size >= VERDICT_MEMO) verdicts.clear();
    verdicts.set(source, v);
  }
  // A copy: callers keep verdicts in their reports.
  return { ...v };
}

function classifySourceUncached(source: string, policy: ExposurePolicy): SourceVerdict {
  const t = source.trim();
  const key = t.toLowerCase();
  // Regional variants such as AzureCloud.WestEurope carry the meaning of their base tag.
  const base = key.split('.')[0] ?? key;
  if (policy.tags.world.includes(key)) return { source: t, class: 'world', external: true };
  if (policy.tags.internal.includes(base)) return { source: t, class: 'internal', external: false };
  if (policy.tags.public.includes(base)) return { source: t, class: 'public', external: true };
  const range = classifyRange(t, policy);
  if (range.class !== 'invalid') return range;
  // Any other bare word is a provider service tag (Storage, GatewayManager …): provider-owned.
  if (/^[A-Za-z][A-Za-z0-9.]*$/.test(t)) return { source: t, class: 'platform', external: false };
  return range;
}

export interface PortRange {
  from: number;
  to: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

/** "22", "22-22", "1000-2000", "*", 22 → a port range; undefined for anything else. */
export function parsePortRange(v: unknown): PortRange | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 65535 ? { from: v, to: v } : undefined;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '*' || t.toLowerCase() === 'any') return ALL_PORTS;
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > 65535 || to > 65535 || to < from) return undefined;
  return { from, to };
}

export function formatPortRange(r: PortRange): string {
  if (r.from === ALL_PORTS.from && r.to === ALL_PORTS.to) return 'all ports';
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

export function isAllPorts(ranges: readonly PortRange[]): boolean {
  return ranges.some((r) => r.from <= 1 && r.to >= 65535);
}

/** Remove `cut` from every range of `ranges` (used when an earlier deny rule shadows an allow). */
export function subtractPorts(ranges: readonly PortRange[], cut: readonly PortRange[]): PortRange[] {
  let out = ranges.map((r) => ({ ...r }));
  for (const c of cut) {
    const next: PortRange[] = [];
    for (const r of out) {
      if (c.to < r.from || c.from > r.to) {
        next.push(r);
        continue;
      }
      if (c.from > r.from) next.push({ from: r.from, to: c.from - 1 });
      if (c.to < r.to) next.push({ from: c.to + 1, to: r.to });
    }
    out = next;
  }
  return out;
}

export interface ServiceHit {
  service: ManagementService;
  /** The management ports of this service that the ranges contain. */
  ports: number[];
}

/** Management services whose ports lie in `ranges`, in catalogue order. */
export function servicesInRanges(ranges: readonly PortRange[], policy: ExposurePolicy): ServiceHit[] {
  const hits = new Map<string, ServiceHit>();
  const { ports, order } = memoOf(policy);
  for (const port of ports) {
    if (!ranges.some((r) => port >= r.from && port <= r.to)) continue;
    for (const s of policy.byPort.get(port) ?? []) {
      const h = hits.get(s.id) ?? { service: s, ports: [] };
      h.ports.push(port);
      hits.set(s.id, h);
    }
  }
  return [...hits.values()].sort((a, b) => (order.get(a.service.id) ?? -1) - (order.get(b.service.id) ?? -1));
}

/** True when every address of `inner` lies inside `outer` (both ranges; tags never cover). */
export function rangeCovers(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i) return false;
  if (o[0].kind() !== i[0].kind()) return false;
  if (o[1] > i[1]) return false;
  return (i[0] as ipaddr.IPv4).match(o[0] as ipaddr.IPv4, o[1]);
}
