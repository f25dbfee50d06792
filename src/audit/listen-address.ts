/**
 * Where does a listener bind, and who may reach it? Shared by the Docker, gateway and Kubernetes
 * auditors: `0.0.0.0`, `::`, an empty host and `*` mean every interface; 127.0.0.0/8, ::1 and
 * `localhost` mean this host only; anything else is a specific (possibly public) address.
 */
import ipaddr from 'ipaddr.js';

export type BindScope = 'loopback' | 'all-interfaces' | 'specific' | 'unix';

export interface ListenAddress {
  host: string;
  port?: number;
  scope: BindScope;
}

export function hostScope(rawHost: string): BindScope {
  const host = rawHost.trim().replace(/^\[|\]$/g, '').toLowerCase();
  if (host === '' || host === '*' || host === '0.0.0.0' || host === '::' || host === '0:0:0:0:0:0:0:0') return 'all-interfaces';
  if (host === 'localhost' || host === 'ip6-localhost') return 'loopback';
  if (ipaddr.isValid(host)) {
    const addr = ipaddr.process(host);
    return addr.range() === 'loopback' ? 'loopback' : 'specific';
  }
  return 'specific';
}

/** `host:port`, `[v6]:port`, `:port`, a bare port or a bare host. */
export function parseHostPort(raw: string): ListenAddress {
  const s = raw.trim();
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(s);
  if (v6) return withPort(v6[1] ?? '', v6[2]);
  if (/^\d+$/.test(s)) return withPort('', s);
  const colons = s.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = s.split(':');
    return withPort(host ?? '', port);
  }
  return withPort(s, undefined); // bare host, or an unbracketed IPv6 address
}

function withPort(host: string, port: string | undefined): ListenAddress {
  const n = port !== undefined && /^\d+$/.test(port) ? Number(port) : undefined;
  return { host, ...(n !== undefined && n > 0 && n < 65536 ? { port: n } : {}), scope: hostScope(host) };
}

/** A URL-ish listener: `tcp://host:port`, `http://…`, `unix:///path`, `fd://`. */
export function parseListenUrl(raw: string): ListenAddress & { scheme: string } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(raw.trim());
  if (!m) return { ...parseHostPort(raw), scheme: '' };
  const scheme = (m[1] ?? '').toLowerCase();
  const rest = m[2] ?? '';
  if (scheme === 'unix' || scheme === 'fd' || scheme === 'npipe' || scheme === 'unixs') return { host: rest, scope: 'unix', scheme };
  const authority = rest.split('/')[0] ?? '';
  return { ...parseHostPort(authority), scheme };
}

/** A CIDR that admits the whole Internet (0.0.0.0/0, ::/0) — an allow-list in name only. */
export function isWorldCidr(raw: string): boolean {
  const s = raw.trim();
  if (s === '*' || s === 'any' || s === 'all') return true;
  try {
    const [addr, len] = ipaddr.parseCIDR(s);
    return len === 0 && (addr.kind() === 'ipv4' || addr.kind() === 'ipv6');
  } catch {
    return false;
  }
}

export function isOffLoopback(scope: BindScope): boolean {
  return scope === 'all-interfaces' || scope === 'specific';
}

export function describeScope(a: ListenAddress): string {
  switch (a.scope) {
    case 'all-interfaces':
      return 'every network interface';
    case 'specific':
      return `the network on ${a.host}`;
    case 'loopback':
      return 'this host only (loopback)';
    default:
      return 'a local socket';
  }
}
