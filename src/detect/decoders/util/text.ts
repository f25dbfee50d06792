/**
 * Small string helpers shared by the text decoders. Hot-path friendly: no regex where a scan does.
 */

/**
 * A copy of `s` that does not pin its parent string. V8 keeps a substring of 13+ characters as a
 * slice of its parent (a 64 KiB read chunk); events are retained in baselines, so own the bytes.
 */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Non-negative decimal integer, or undefined (no signs, no exponents, no blanks). */
export function parseUint(s: string): number | undefined {
  const n = s.length;
  if (n === 0 || n > 15) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v;
}

export function parsePort(s: string): number | undefined {
  const v = parseUint(s);
  return v !== undefined && v <= 65535 ? v : undefined;
}

/** Epoch seconds with an optional fraction ("1521911799.739898") → milliseconds. */
export function parseEpochSeconds(s: string): number | undefined {
  if (s.length === 0 || s.length > 24) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 48 || c > 57) && c !== 46) return undefined;
  }
  const v = Number(s);
  return Number.isFinite(v) ? Math.round(v * 1000) : undefined;
}

/**
 * RFC 3339 / ISO 8601 date-time with a zone ("2025-03-04T09:15:02.481337Z", "+01:00") → ms.
 * Requires the date part and a zone so a bare local time is never silently taken as UTC.
 */
export function parseIsoTime(s: string): number | undefined {
  if (s.length < 20 || s.length > 40) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (s[10] !== 'T' && s[10] !== 't' && s[10] !== ' ')) return undefined;
  const last = s[s.length - 1];
  const zoned = last === 'Z' || last === 'z' || /[+-]\d\d:?\d\d$/.test(s.slice(-6));
  if (!zoned) return undefined;
  const v = Date.parse(s);
  return Number.isFinite(v) ? v : undefined;
}

/** Cheap IP literal check: dotted IPv4, or hex/colon IPv6 (optionally with an embedded IPv4 tail or %zone). */
export function isIpLiteral(s: string): boolean {
  return isIpLiteralAt(s, 0, s.length);
}

/** isIpLiteral of t[from, to), read in place (no substring for the dotted IPv4 common case). */
export function isIpLiteralAt(t: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < 2 || n > 64) return false;
  let colon = false;
  for (let i = from; i < to && !colon; i++) colon = t.charCodeAt(i) === 58;
  if (!colon) return isIpv4At(t, from, to);
  let colons = 0;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c === 58) colons++;
    else if (c === 37) return colons >= 2; // %zone suffix
    else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46)) return false;
  }
  return colons >= 2 && colons <= 7;
}

function isIpv4At(t: string, from: number, to: number): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = from; i <= to; i++) {
    const c = i === to ? 46 : t.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
      value = value * 10 + (c - 48);
    } else return false;
  }
  return parts === 4;
}

/** "203.0.113.9:50122" / "[2001:db8::1]:443" → address and port; undefined when not that shape. */
export function splitHostPort(s: string): { host: string; port: number } | undefined {
  const i = s.lastIndexOf(':');
  if (i <= 0) return undefined;
  const port = parsePort(s.slice(i + 1));
  if (port === undefined) return undefined;
  let host = s.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

export function ianaProtocol(n: number): 'tcp' | 'udp' | 'icmp' | 'other' {
  return n === 6 ? 'tcp' : n === 17 ? 'udp' : n === 1 || n === 58 ? 'icmp' : 'other';
}

/** Shorten attacker-controlled text quoted inside a rejection reason. */
export function excerpt(s: string, max = 80): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  return JSON.stringify(t);
}
