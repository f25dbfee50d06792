/** The organisation as learned and configured: what `drawbridge baseline organisation` shows. */
import type { DrawbridgeConfig } from '../config/schema.js';
import type { BaselineAccess } from '../detect/state/types.js';
import { APPROVED_LAST } from '../detect/baseline.js';
import { IDENTITY_HOUR_NS, NET_DAY_NS, NET_IDENTITY_NS, ORG_APPROVED_NS } from './networks.js';

export interface OrgNetwork {
  /** A CIDR range or AS number ("AS64500"). */
  network: string;
  identities: string[];
  days: number;
  firstSeen?: string;
  lastSeen?: string;
  /** Counts as the organisation's: configured, approved, or enough identities/days. */
  organisation: boolean;
  source: 'config' | 'approved' | 'learned';
}

export interface IdentityProfile {
  identity: string;
  networks: string[];
  hours: number[];
}

export interface OrganisationReport {
  networks: OrgNetwork[];
  identities: IdentityProfile[];
}

const SEP = '\u0000';

function shown(net: string): string {
  return net.startsWith('asn:') ? `AS${net.slice(4)}` : net.slice('range:'.length);
}

export function organisationReport(store: BaselineAccess, config: DrawbridgeConfig): OrganisationReport {
  const o = config.organisation;
  const nets = new Map<string, OrgNetwork & { first: number; last: number }>();
  const get = (net: string): OrgNetwork & { first: number; last: number } => {
    let n = nets.get(net);
    if (!n) {
      n = { network: shown(net), identities: [], days: 0, organisation: false, source: 'learned', first: Infinity, last: -Infinity };
      nets.set(net, n);
    }
    return n;
  };
  const identities = new Map<string, IdentityProfile>();
  const who = (user: string): IdentityProfile => {
    let p = identities.get(user);
    if (!p) identities.set(user, (p = { identity: user, networks: [], hours: [] }));
    return p;
  };
  for (const e of store.entries(NET_IDENTITY_NS)) {
    const [net, user] = e.key.split(SEP) as [string, string];
    const n = get(net);
    n.identities.push(user);
    n.first = Math.min(n.first, e.first);
    n.last = Math.max(n.last, e.last);
    who(user).networks.push(shown(net));
  }
  for (const e of store.entries(NET_DAY_NS)) get(e.key.split(SEP)[0]!).days++;
  for (const e of store.entries(IDENTITY_HOUR_NS)) {
    const [user, hour] = e.key.split(SEP) as [string, string];
    who(user).hours.push(Number(hour));
  }
  for (const e of store.entries(ORG_APPROVED_NS)) {
    const n = get(e.key);
    n.organisation = true;
    n.source = 'approved';
    if (e.last < APPROVED_LAST) n.last = Math.max(n.last, e.last);
  }
  const out: OrgNetwork[] = [];
  for (const r of o.allowedRanges) out.push({ network: r, identities: [], days: 0, organisation: true, source: 'config' });
  for (const a of o.asns) out.push({ network: `AS${a}`, identities: [], days: 0, organisation: true, source: 'config' });
  for (const n of nets.values()) {
    if (n.source === 'learned') n.organisation = o.learn && (n.identities.length >= o.minIdentities || n.days >= o.minDays);
    const { first, last, ...rest } = n;
    out.push({ ...rest, ...(Number.isFinite(first) ? { firstSeen: new Date(first).toISOString() } : {}), ...(Number.isFinite(last) ? { lastSeen: new Date(last).toISOString() } : {}) });
  }
  for (const p of identities.values()) p.hours.sort((a, b) => a - b);
  return { networks: out, identities: [...identities.values()].sort((a, b) => (a.identity < b.identity ? -1 : 1)) };
}

export function organisationTable(r: OrganisationReport): string {
  const lines = ['NETWORK                                    ORG   SOURCE    IDENTITIES  DAYS  LAST SEEN'];
  for (const n of r.networks) {
    lines.push(`${n.network.padEnd(42)} ${(n.organisation ? 'yes' : 'no').padEnd(5)} ${n.source.padEnd(9)} ${String(n.identities.length).padStart(10)}  ${String(n.days).padStart(4)}  ${n.lastSeen ?? '-'}`);
  }
  if (r.networks.length === 0) lines.push('(nothing configured or learned yet)');
  lines.push('', 'Usual networks per identity:');
  for (const p of r.identities) lines.push(`  ${p.identity}: ${p.networks.join(', ') || '-'}; hours (UTC) ${p.hours.join(',') || '-'}`);
  if (r.identities.length === 0) lines.push('  (none learned yet)');
  return lines.join('\n') + '\n';
}
