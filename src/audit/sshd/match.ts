import ipaddr from 'ipaddr.js';
import { parseIp } from '../../intel/ranges.js';
import { wildcardMatch } from '../../util/wildcard.js';

/** Match criteria sshd supports (sshd_config(5) "Match"). */
export const MATCH_ATTRS = ['user', 'group', 'host', 'address', 'localaddress', 'localport', 'rdomain'] as const;
export type MatchAttr = (typeof MATCH_ATTRS)[number];

export interface MatchCriterion {
  attr: MatchAttr;
  value: string;
}

/** `all` or a conjunction of criteria; `invalid` blocks never match (sshd would refuse the file). */
export type MatchCondition = { kind: 'all' } | { kind: 'criteria'; criteria: MatchCriterion[] } | { kind: 'invalid'; reason: string };

/** What sshd knows about a connection when it evaluates Match (the `-C` spec of `sshd -T`). */
export interface ConnectionContext {
  user?: string;
  /** The user's groups (sshd looks them up in the system databases). */
  groups?: string[];
  host?: string;
  addr?: string;
  laddr?: string;
  lport?: number;
  rdomain?: string;
}

export function parseMatchCondition(args: readonly string[]): MatchCondition {
  if (args.length === 0) return { kind: 'invalid', reason: 'Match needs a condition' };
  if (args[0]?.toLowerCase() === 'all') {
    return args.length === 1 ? { kind: 'all' } : { kind: 'invalid', reason: '"all" must be the only Match condition' };
  }
  const criteria: MatchCriterion[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const name = (args[i] as string).toLowerCase();
    const value = args[i + 1];
    if (!(MATCH_ATTRS as readonly string[]).includes(name)) {
      return { kind: 'invalid', reason: `unsupported Match attribute "${args[i]}"` };
    }
    if (value === undefined || value === '') return { kind: 'invalid', reason: `Match ${args[i]} needs a value` };
    const attr = name as MatchAttr;
    const bad = validateValue(attr, value);
    if (bad) return { kind: 'invalid', reason: bad };
    criteria.push({ attr, value });
  }
  return { kind: 'criteria', criteria };
}

function validateValue(attr: MatchAttr, value: string): string | undefined {
  if (attr === 'localport') {
    return /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535 ? undefined : `invalid Match LocalPort "${value}"`;
  }
  if (attr === 'address' || attr === 'localaddress') {
    for (const entry of value.split(',')) {
      const e = entry.startsWith('!') ? entry.slice(1) : entry;
      if (cidrOf(e) === 'host-bits') return `invalid Match address "${e}": host bits set below the prefix length`;
      if (e === '') return `empty entry in Match address list "${value}"`;
    }
  }
  return undefined;
}

export { wildcardMatch };

/** 1 = a positive pattern matched, -1 = a negated one matched, 0 = nothing matched (sshd's semantics). */
export function matchPatternList(text: string, list: string, lower = false): -1 | 0 | 1 {
  const subject = lower ? text.toLowerCase() : text;
  let got: 0 | 1 = 0;
  for (const raw of list.split(',')) {
    const neg = raw.startsWith('!');
    const pat = lower ? (neg ? raw.slice(1) : raw).toLowerCase() : neg ? raw.slice(1) : raw;
    if (wildcardMatch(subject, pat)) {
      if (neg) return -1;
      got = 1;
    }
  }
  return got;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

function cidrOf(entry: string): Cidr | 'host-bits' | undefined {
  const [a, len, ...rest] = entry.split('/');
  if (a === undefined || rest.length > 0) return undefined;
  const addr = parseIp(a);
  if (!addr) return undefined;
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  if (len === undefined) return [addr, max];
  if (!/^\d+$/.test(len) || Number(len) > max) return undefined;
  const bits = Number(len);
  const net = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
  if (net.toString() !== addr.toString()) return 'host-bits';
  return [addr, bits];
}

function inCidr(ip: ipaddr.IPv4 | ipaddr.IPv6, [net, bits]: Cidr): boolean {
  if (ip.kind() === 'ipv4' && net.kind() === 'ipv4') return (ip as ipaddr.IPv4).match(net as ipaddr.IPv4, bits);
  if (ip.kind() === 'ipv6' && net.kind() === 'ipv6') return (ip as ipaddr.IPv6).match(net as ipaddr.IPv6, bits);
  return false;
}

/** Address lists accept CIDR ranges and wildcard patterns, each optionally negated with `!`. */
export function matchAddressList(address: string, list: string): -1 | 0 | 1 {
  const ip = parseIp(address);
  let got: 0 | 1 = 0;
  for (const raw of list.split(',')) {
    const neg = raw.startsWith('!');
    const entry = neg ? raw.slice(1) : raw;
    const cidr = cidrOf(entry);
    if (cidr === 'host-bits') return -1;
    const hit = cidr ? ip !== undefined && inCidr(ip, cidr) : wildcardMatch(address, entry);
    if (hit) {
      if (neg) return -1;
      got = 1;
    }
  }
  return got;
}

export function conditionMatches(cond: MatchCondition, ctx: ConnectionContext): boolean {
  if (cond.kind === 'all') return true;
  if (cond.kind === 'invalid') return false;
  return cond.criteria.every((c) => criterionMatches(c, ctx));
}

function criterionMatches(c: MatchCriterion, ctx: ConnectionContext): boolean {
  switch (c.attr) {
    case 'user':
      return ctx.user !== undefined && matchPatternList(ctx.user, c.value) === 1;
    case 'group': {
      if (ctx.user === undefined || ctx.groups === undefined) return false;
      const results = ctx.groups.map((g) => matchPatternList(g, c.value));
      return !results.includes(-1) && results.includes(1);
    }
    case 'host':
      return ctx.host !== undefined && matchPatternList(ctx.host, c.value, true) === 1;
    case 'address':
      return ctx.addr !== undefined && matchAddressList(ctx.addr, c.value) === 1;
    case 'localaddress':
      return ctx.laddr !== undefined && matchAddressList(ctx.laddr, c.value) === 1;
    case 'localport':
      return ctx.lport !== undefined && ctx.lport === Number(c.value);
    case 'rdomain':
      return ctx.rdomain !== undefined && matchPatternList(ctx.rdomain, c.value) === 1;
  }
}

export function describeCondition(cond: MatchCondition): string {
  if (cond.kind === 'all') return 'all';
  if (cond.kind === 'invalid') return `invalid (${cond.reason})`;
  return cond.criteria.map((c) => `${c.attr} ${c.value}`).join(' ');
}
