/**
 * Host-name targets resolved once, before anything is touched: an exclusion or the address ceiling
 * given as addresses must hold for a target given as a name (`probe localhost:22 --exclude 127.0.0.1`).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { RangeSet } from '../intel/ranges.js';
import type { Endpoint } from './types.js';
import { ScopeError } from './scope.js';

export type NameLookup = (name: string) => Promise<string[]>;

export const systemLookup: NameLookup = async (name) => (await dnsLookup(name, { all: true, verbatim: true })).map((a) => a.address);

export interface ScreenResult {
  endpoints: Endpoint[];
  problems: { target: string; message: string }[];
}

/** Drop endpoints whose host name resolves to any excluded address; count resolved addresses against the ceiling. */
export async function screenNames(
  endpoints: readonly Endpoint[],
  opts: { exclude: readonly string[]; maxAddresses: number; lookup?: NameLookup; log?: (message: string) => void },
): Promise<ScreenResult> {
  const lookup = opts.lookup ?? systemLookup;
  const excluded = new RangeSet(opts.exclude.filter((e) => e.includes('/') || ipaddr.isValid(e)));
  const names = [...new Set(endpoints.map((e) => e.host).filter((h) => !ipaddr.isValid(h)))];
  if (names.length === 0) return { endpoints: [...endpoints], problems: [] };
  const resolved = new Map<string, string[]>();
  for (const name of names) {
    let addrs: string[] = [];
    try {
      addrs = await lookup(name);
    } catch {
      // Unresolvable: the connection fails and says so, as before.
    }
    resolved.set(name, addrs);
    opts.log?.(`${name} resolves to ${addrs.length > 0 ? addrs.join(', ') : 'nothing'}`);
  }
  const all = new Set(endpoints.map((e) => e.host).filter((h) => ipaddr.isValid(h)));
  for (const addrs of resolved.values()) for (const a of addrs) all.add(a);
  if (all.size > opts.maxAddresses) {
    throw new ScopeError(`scope resolves to ${all.size} addresses, above the limit of ${opts.maxAddresses} (probe.maxAddresses)`);
  }
  const problems: ScreenResult['problems'] = [];
  const blocked = new Set<string>();
  for (const [name, addrs] of resolved) {
    const hit = addrs.find((a) => excluded.contains(a));
    if (hit === undefined) continue;
    blocked.add(name);
    problems.push({ target: name, message: `not probed: resolves to ${hit}, which is excluded` });
  }
  return { endpoints: endpoints.filter((e) => !blocked.has(e.host)), problems };
}
