/**
 * Version comparators for the ecosystems the advisory catalogue uses.
 * Upstream OpenSSH ("9.8p1") and Debian/Ubuntu package versions ("1:9.2p1-2+deb12u3") are not SemVer,
 * so each gets its own total order. A comparator returns <0, 0 or >0, or undefined when a string
 * cannot be read in that ecosystem (the caller then treats the range as not applicable).
 */

export type Comparator = (a: string, b: string) => number | undefined;

export interface OpenSshVersion {
  major: number;
  minor: number;
  patch: number;
  /** Portable release number ("p1"); the OpenBSD-native "9.8" is read as p1 (same release). */
  portable: number;
  /** Anything after the recognised part, e.g. "-hpn14v15"; kept for evidence, ignored in order. */
  rest: string;
}

const OPENSSH_RE = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?(?:p(\d{1,4}))?(.*)$/;

export function parseOpenSshVersion(v: string): OpenSshVersion | undefined {
  const m = OPENSSH_RE.exec(v.trim());
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? 0 : Number(m[3]),
    portable: m[4] === undefined ? 1 : Number(m[4]),
    rest: m[5] ?? '',
  };
}

export const compareOpenSsh: Comparator = (a, b) => {
  const x = parseOpenSshVersion(a);
  const y = parseOpenSshVersion(b);
  if (!x || !y) return undefined;
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch || x.portable - y.portable;
};

export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** Debian policy §5.6.12: [epoch:]upstream_version[-debian_revision]. */
export function parseDpkgVersion(v: string): DpkgVersion | undefined {
  const s = v.trim();
  if (s.length === 0 || /\s/.test(s)) return undefined;
  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^\d+$/.test(e)) return undefined;
    epoch = Number(e);
    rest = s.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : '';
  if (!/^[0-9][A-Za-z0-9.+~:-]*$/.test(upstream)) return undefined;
  if (!/^[A-Za-z0-9.+~]*$/.test(revision)) return undefined;
  return { epoch, upstream, revision };
}

/** Sort weight of one character in the non-digit part: '~' before end, letters before non-letters. */
function charOrder(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

/** The dpkg verrevcmp algorithm: alternate non-digit and digit runs. */
function compareDpkgPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let first = 0;
    while ((i < a.length && !/\d/.test(a[i] as string)) || (j < b.length && !/\d/.test(b[j] as string))) {
      const ac = i < a.length && !/\d/.test(a[i] as string) ? a[i] : undefined;
      const bc = j < b.length && !/\d/.test(b[j] as string) ? b[j] : undefined;
      const d = charOrder(ac) - charOrder(bc);
      if (d !== 0) return d;
      if (ac !== undefined) i++;
      if (bc !== undefined) j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && /\d/.test(a[i] as string) && j < b.length && /\d/.test(b[j] as string)) {
      if (first === 0) first = (a.charCodeAt(i) as number) - (b.charCodeAt(j) as number);
      i++;
      j++;
    }
    if (i < a.length && /\d/.test(a[i] as string)) return 1;
    if (j < b.length && /\d/.test(b[j] as string)) return -1;
    if (first !== 0) return first;
  }
  return 0;
}

export const compareDpkg: Comparator = (a, b) => {
  const x = parseDpkgVersion(a);
  const y = parseDpkgVersion(b);
  if (!x || !y) return undefined;
  return x.epoch - y.epoch || compareDpkgPart(x.upstream, y.upstream) || compareDpkgPart(x.revision, y.revision);
};

/**
 * The project's own OSV ecosystem for upstream software that has no defined OSV ecosystem
 * (OpenSSH portable releases, appliances). See catalog/advisories/README.md.
 */
export const UPSTREAM_ECOSYSTEM = 'Drawbridge:upstream';

/** Which comparator orders versions of `name` in `ecosystem`; undefined = not supported. */
export function comparatorFor(ecosystem: string, name: string): Comparator | undefined {
  const base = ecosystem.split(':')[0];
  if (base === 'Debian' || base === 'Ubuntu') return compareDpkg;
  if (ecosystem === UPSTREAM_ECOSYSTEM && name.toLowerCase() === 'openssh') return compareOpenSsh;
  return undefined;
}
