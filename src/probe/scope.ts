import ipaddr from 'ipaddr.js';
import { RangeSet } from '../intel/ranges.js';
import type { Endpoint } from './types.js';

/*
 * What a probe run may touch: only IP literals, CIDR ranges and host names the user gave, minus
 * exclusions, over a port list, under a hard ceiling on the number of addresses.
 */

export class ScopeError extends Error {
  override name = 'ScopeError';
}

export type ParsedTarget =
  | { kind: 'host'; host: string; port?: number }
  | { kind: 'cidr'; family: 'ipv4' | 'ipv6'; network: string; prefix: number; size: bigint };

const HOSTNAME_RE = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function parsePort(s: string, what: string): number {
  if (!/^\d{1,5}$/.test(s)) throw new ScopeError(`${what}: "${s}" is not a port number`);
  const n = Number(s);
  if (n < 1 || n > 65535) throw new ScopeError(`${what}: port ${n} is outside 1-65535`);
  return n;
}

function parseHost(h: string, what: string): string {
  if (ipaddr.isValid(h)) return ipaddr.parse(h).toString();
  if (/^\d+(\.\d+)*$/.test(h)) throw new ScopeError(`${what}: "${h}" is not a valid IP address`);
  if (!HOSTNAME_RE.test(h)) throw new ScopeError(`${what}: "${h}" is neither an IP address nor a host name`);
  return h.toLowerCase();
}

/** host | host:port | v6 | [v6] | [v6]:port | CIDR (v4/v6). Throws ScopeError naming the target. */
export function parseTarget(input: string): ParsedTarget {
  const s = input.trim();
  const what = `target "${input}"`;
  if (s.length === 0) throw new ScopeError(`${what}: empty`);
  if (s.includes('/')) {
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      parsed = ipaddr.parseCIDR(s);
    } catch {
      throw new ScopeError(`${what}: not a CIDR range such as 192.0.2.0/24`);
    }
    const [addr, prefix] = parsed;
    const family = addr.kind();
    const bits = family === 'ipv4' ? 32 : 128;
    const network = networkAddress(addr, prefix);
    return { kind: 'cidr', family, network: network.toString(), prefix, size: 1n << BigInt(bits - prefix) };
  }
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracket) {
    const h = bracket[1] as string;
    if (!ipaddr.IPv6.isValid(h)) throw new ScopeError(`${what}: "${h}" is not an IPv6 address`);
    return { kind: 'host', host: ipaddr.parse(h).toString(), ...(bracket[2] !== undefined ? { port: parsePort(bracket[2], what) } : {}) };
  }
  const colons = s.split(':').length - 1;
  if (colons > 1) {
    if (!ipaddr.IPv6.isValid(s)) throw new ScopeError(`${what}: not an IPv6 address (write [v6]:port for a port)`);
    return { kind: 'host', host: ipaddr.parse(s).toString() };
  }
  if (colons === 1) {
    const [h, p] = s.split(':') as [string, string];
    return { kind: 'host', host: parseHost(h, what), port: parsePort(p, what) };
  }
  return { kind: 'host', host: parseHost(s, what) };
}

function networkAddress(addr: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = addr.toByteArray();
  const masked = bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return keep === 0 ? 0 : b & (0xff << (8 - keep));
  });
  return ipaddr.fromByteArray(masked);
}

/** "22,2200-2210" → [22, 2200, …, 2210], sorted, without duplicates. */
export function parsePortList(spec: string): number[] {
  const out = new Set<number>();
  for (const raw of spec.split(',')) {
    const tok = raw.trim();
    if (tok.length === 0) throw new ScopeError(`ports "${spec}": empty entry`);
    const range = /^(\d+)-(\d+)$/.exec(tok);
    if (range) {
      const lo = parsePort(range[1] as string, `ports "${spec}"`);
      const hi = parsePort(range[2] as string, `ports "${spec}"`);
      if (lo > hi) throw new ScopeError(`ports "${spec}": range ${tok} runs backwards`);
      for (let p = lo; p <= hi; p++) out.add(p);
    } else out.add(parsePort(tok, `ports "${spec}"`));
  }
  return [...out].sort((a, b) => a - b);
}

/** Beyond this many addresses a single range is not even walked (exclusions cannot be weighed). */
const WALK_LIMIT = 1n << 22n;

function* addressesOf(t: Extract<ParsedTarget, { kind: 'cidr' }>): Generator<string> {
  const bytes = ipaddr.parse(t.network).toByteArray();
  let base = 0n;
  for (const b of bytes) base = (base << 8n) | BigInt(b);
  const len = bytes.length;
  for (let i = 0n; i < t.size; i++) {
    let v = base + i;
    const out = new Array<number>(len);
    for (let j = len - 1; j >= 0; j--) {
      out[j] = Number(v & 0xffn);
      v >>= 8n;
    }
    yield ipaddr.fromByteArray(out).toString();
  }
}

export interface ScopeOptions {
  /** Ports for targets without an explicit port. */
  ports: readonly number[];
  exclude?: readonly string[];
  maxAddresses: number;
}

export interface Scope {
  endpoints: Endpoint[];
  /** Distinct addresses and host names in scope. */
  addresses: number;
  problems: { target: string; message: string }[];
}

/**
 * Expand targets to endpoints. A target that cannot be read is a problem (kept, named); an exclusion
 * that cannot be read, or a scope above the ceiling, is an error: guessing there could touch hosts
 * the user did not mean.
 */
export function buildScope(targets: readonly string[], opts: ScopeOptions): Scope {
  const excludeIps: string[] = [];
  const excludeNames = new Set<string>();
  for (const e of opts.exclude ?? []) {
    const s = e.trim();
    if (s.length === 0) continue;
    if (s.includes('/') || ipaddr.isValid(s)) {
      try {
        if (s.includes('/')) ipaddr.parseCIDR(s);
        excludeIps.push(s);
      } catch {
        throw new ScopeError(`exclude "${e}": not an IP address or CIDR range`);
      }
    } else if (HOSTNAME_RE.test(s)) excludeNames.add(s.toLowerCase());
    else throw new ScopeError(`exclude "${e}": not an IP address, CIDR range or host name`);
  }
  const excluded = new RangeSet(excludeIps);
  const isExcluded = (h: string): boolean => excludeNames.has(h) || excluded.contains(h);

  const problems: Scope['problems'] = [];
  const hosts = new Map<string, Set<number> | 'default'>();
  const addPorts = (host: string, port: number | undefined): void => {
    const cur = hosts.get(host);
    if (port === undefined) hosts.set(host, 'default');
    else if (cur === undefined) hosts.set(host, new Set([port]));
    else if (cur !== 'default') cur.add(port);
  };
  for (const input of targets) {
    let t: ParsedTarget;
    try {
      t = parseTarget(input);
    } catch (e) {
      problems.push({ target: input, message: (e as Error).message });
      continue;
    }
    if (t.kind === 'host') {
      if (!isExcluded(t.host)) addPorts(t.host, t.port);
      continue;
    }
    if (t.size > WALK_LIMIT) {
      throw new ScopeError(`target "${input}" has ${t.size} addresses, above the limit of ${opts.maxAddresses} (probe.maxAddresses); narrow the range or raise the limit`);
    }
    for (const a of addressesOf(t)) if (!isExcluded(a)) addPorts(a, undefined);
    // Stop collecting well past the ceiling: the run is refused anyway.
    if (hosts.size > opts.maxAddresses * 4 + 1024) {
      throw new ScopeError(`scope has more than ${hosts.size} addresses, above the limit of ${opts.maxAddresses} (probe.maxAddresses); narrow the targets or raise the limit`);
    }
  }
  if (hosts.size > opts.maxAddresses) {
    throw new ScopeError(`scope has ${hosts.size} addresses, above the limit of ${opts.maxAddresses} (probe.maxAddresses); narrow the targets or raise the limit`);
  }
  const endpoints: Endpoint[] = [];
  for (const [host, ports] of hosts) {
    for (const port of ports === 'default' ? opts.ports : [...ports].sort((a, b) => a - b)) endpoints.push({ host, port });
  }
  return { endpoints, addresses: hosts.size, problems };
}
