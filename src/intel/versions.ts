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

// ---------------------------------------------------------------------------------------------
// Numeric-release comparators. Each reads one vendor's version form into a tuple of numbers (plus, for
// SemVer-like forms, a pre-release list) and compares tuples; what it cannot read is undefined.

function compareTuples(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A numeric run longer than this is not a version component (and would lose precision). */
const NUM = '\\d{1,9}';

export interface SemverParts {
  release: number[];
  pre: string[];
}

const SEMVER_RE = new RegExp(`^v?(${NUM})(?:\\.(${NUM}))?(?:\\.(${NUM}))?(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.+-]*)?$`);

/**
 * SemVer 2.0 precedence, read leniently: a leading `v`, a missing minor/patch and leading zeros
 * (Docker's `18.09.1`) are accepted, build metadata (`+incompatible`, `+dfsg1`, `+<sha>`) is ignored.
 */
export function parseSemverLoose(v: string): SemverParts | undefined {
  const m = SEMVER_RE.exec(v.trim());
  if (!m) return undefined;
  const release = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  const pre = m[4] === undefined ? [] : m[4].split('.');
  if (pre.some((p) => p.length === 0)) return undefined;
  return { release, pre };
}

/**
 * One pre-release identifier against another. Numeric identifiers compare numerically and sort
 * before alphanumeric ones (SemVer §11). Beyond strict SemVer, `rc10`-style identifiers compare by
 * their letters then their number, so runc's `1.0.0-rc10` sorts after `1.0.0-rc9` as its authors meant.
 */
function comparePreId(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an) return -1;
  if (bn) return 1;
  const am = /^([A-Za-z-]+)(\d{1,9})$/.exec(a);
  const bm = /^([A-Za-z-]+)(\d{1,9})$/.exec(b);
  if (am && bm && am[1] === bm[1]) return Number(am[2]) - Number(bm[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePre(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return (a.length === 0 ? 1 : 0) - (b.length === 0 ? 1 : 0);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = comparePreId(a[i] as string, b[i] as string);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export const compareSemver: Comparator = (a, b) => {
  const x = parseSemverLoose(a);
  const y = parseSemverLoose(b);
  if (!x || !y) return undefined;
  return compareTuples(x.release, y.release) || comparePre(x.pre, y.pre);
};

/**
 * Grafana: SemVer plus security builds `11.0.5+security-01`. SemVer would ignore the `+…` part, but
 * the security build is the fix, so it sorts after 11.0.5 and before 11.0.6. Docker tags cannot hold
 * `+`, so the image tag `11.0.5-security-01` means the same build.
 */
export function parseGrafanaVersion(v: string): { core: SemverParts; security: number } | undefined {
  const m = /^(.*?)[+-]security-(\d{1,4})$/.exec(v.trim());
  const core = parseSemverLoose(m ? (m[1] as string) : v);
  if (!core) return undefined;
  return { core, security: m ? Number(m[2]) : 0 };
}

export const compareGrafana: Comparator = (a, b) => {
  const x = parseGrafanaVersion(a);
  const y = parseGrafanaVersion(b);
  if (!x || !y) return undefined;
  return compareTuples(x.core.release, y.core.release) || comparePre(x.core.pre, y.core.pre) || x.security - y.security;
};

/** PAN-OS `10.2.9-h1`: the hotfix sorts after its base release (SemVer would read it as a pre-release). */
export function parsePanOsVersion(v: string): number[] | undefined {
  const m = new RegExp(`^(${NUM})\\.(${NUM})\\.(${NUM})(?:-h(${NUM}))?$`).exec(v.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
}

/** FortiOS `7.2.7`, as the CLI shows it `v7.2.7 build1577` or `v7.2.7,build1577`; the build is implied by the release. */
export function parseFortiOsVersion(v: string): number[] | undefined {
  const m = new RegExp(`^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:[ ,]+build ?${NUM}(?: \\(GA\\))?)?$`, 'i').exec(v.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * Ivanti Connect/Policy Secure and ZTA `22.7R2.5`: major.minor, R-release, patch; `9.1R18` has patch 0.
 * A trailing build number (`22.7R2.5 build 3597`, `(build 3597)`) is implied by the release and ignored.
 */
export function parseIvantiVersion(v: string): number[] | undefined {
  const m = new RegExp(`^(${NUM})\\.(${NUM})R(${NUM})(?:\\.(${NUM}))?(?:\\s*\\(?build\\s*${NUM}\\)?)?$`, 'i').exec(v.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
}

/**
 * NetScaler ADC/Gateway `14.1-43.56` = release 14.1, build 43.56; also `NS14.1: Build 43.56.nc` as the
 * appliance prints it. A bare release (`14.1`) is the start of its train, below every build of it.
 */
export function parseNetScalerVersion(v: string): number[] | undefined {
  const m = new RegExp(`^(?:NetScaler\\s+)?(?:NS)?(${NUM})\\.(${NUM})(?:(?:-|:?\\s*Build\\s*)(${NUM})\\.(${NUM})(?:\\.nc)?)?$`, 'i').exec(v.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
}

function tupleComparator(parse: (v: string) => number[] | undefined): Comparator {
  return (a, b) => {
    const x = parse(a);
    const y = parse(b);
    return x && y ? compareTuples(x, y) : undefined;
  };
}

export const comparePanOs = tupleComparator(parsePanOsVersion);
export const compareFortiOs = tupleComparator(parseFortiOsVersion);
export const compareIvanti = tupleComparator(parseIvantiVersion);
export const compareNetScaler = tupleComparator(parseNetScalerVersion);

// ---------------------------------------------------------------------------------------------
// PyPI (PEP 440) and Maven, the subsets management-plane packages use.

interface Pep440 {
  epoch: number;
  release: number[];
  /** [phase, n]: dev-only releases sort first (-1), then a/b/rc (0/1/2), then final (3). */
  pre: [number, number];
  post: number;
  dev: number;
}

const PEP440_RE = new RegExp(
  `^v?(?:(${NUM})!)?(${NUM}(?:\\.${NUM})*)` +
    `(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(${NUM})?)?` +
    `(?:-(${NUM})|[-_.]?(post|rev|r)[-_.]?(${NUM})?)?` +
    `(?:[-_.]?(dev)[-_.]?(${NUM})?)?(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$`,
  'i',
);

export function parsePep440(v: string): Pep440 | undefined {
  const m = PEP440_RE.exec(v.trim());
  if (!m) return undefined;
  const release = (m[2] as string).split('.').map(Number);
  const phase = m[3]?.toLowerCase();
  const phases: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };
  // groups: 5 = implicit post (`1.0-1`), 6/7 = post keyword/number, 8/9 = dev keyword/number
  const post = m[5] !== undefined ? Number(m[5]) : m[6] !== undefined ? Number(m[7] ?? 0) : -1;
  const dev = m[8] !== undefined ? Number(m[9] ?? 0) : Infinity;
  let pre: [number, number];
  if (phase !== undefined) pre = [phases[phase] as number, Number(m[4] ?? 0)];
  else if (dev !== Infinity && post === -1) pre = [-1, 0];
  else pre = [3, 0];
  return { epoch: Number(m[1] ?? 0), release, pre, post, dev };
}

export const comparePep440: Comparator = (a, b) => {
  const x = parsePep440(a);
  const y = parsePep440(b);
  if (!x || !y) return undefined;
  return (
    x.epoch - y.epoch ||
    compareTuples(x.release, y.release) ||
    x.pre[0] - y.pre[0] ||
    x.pre[1] - y.pre[1] ||
    x.post - y.post ||
    (x.dev === y.dev ? 0 : x.dev < y.dev ? -1 : 1)
  );
};

/** Maven qualifiers in their documented order; a release (no qualifier) sits between `snapshot` and `sp`. */
const MAVEN_QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const MAVEN_ALIASES: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone', cr: 'rc', ga: '', final: '', release: '' };

/**
 * Maven versions as Jenkins and its LTS line use them (`2.426.3`, `2.442`, `2.60-beta-1`): numeric
 * components compare numerically with trailing zeros insignificant, then one optional qualifier.
 */
export function parseMavenVersion(v: string): { nums: number[]; qualifier: string } | undefined {
  const m = new RegExp(`^(${NUM}(?:\\.${NUM})*)(?:[-.]?([A-Za-z][A-Za-z-]*?)[-.]?(${NUM})?)?$`).exec(v.trim());
  if (!m) return undefined;
  const q = (m[2] ?? '').toLowerCase();
  return { nums: (m[1] as string).split('.').map(Number), qualifier: `${MAVEN_ALIASES[q] ?? q}#${m[3] ?? 0}` };
}

export const compareMaven: Comparator = (a, b) => {
  const x = parseMavenVersion(a);
  const y = parseMavenVersion(b);
  if (!x || !y) return undefined;
  const d = compareTuples(x.nums, y.nums);
  if (d !== 0) return d;
  const [xq, xn] = x.qualifier.split('#') as [string, string];
  const [yq, yn] = y.qualifier.split('#') as [string, string];
  const rank = (q: string): number => {
    const i = MAVEN_QUALIFIERS.indexOf(q);
    return i >= 0 ? i : MAVEN_QUALIFIERS.length;
  };
  return rank(xq) - rank(yq) || (xq < yq ? -1 : xq > yq ? 1 : 0) || Number(xn) - Number(yn);
};

// ---------------------------------------------------------------------------------------------
// Which comparator orders an ecosystem's versions

/** Upstream products in the project's own ecosystem whose versions are not SemVer. */
const UPSTREAM_COMPARATORS: Record<string, Comparator> = {
  openssh: compareOpenSsh,
  grafana: compareGrafana,
  'pan-os': comparePanOs,
  fortios: compareFortiOs,
  'ivanti-connect-secure': compareIvanti,
  netscaler: compareNetScaler,
};

/**
 * Which comparator orders versions of `name` in `ecosystem` (for ECOSYSTEM ranges and `versions`
 * lists); undefined = not supported, and the entry cannot judge a version.
 */
export function comparatorFor(ecosystem: string, name: string): Comparator | undefined {
  const base = ecosystem.split(':')[0];
  if (base === 'Debian' || base === 'Ubuntu') return compareDpkg;
  if (base === 'Go' || base === 'Kubernetes' || base === 'npm' || base === 'crates.io') return compareSemver;
  if (base === 'PyPI') return comparePep440;
  if (base === 'Maven') return compareMaven;
  if (ecosystem === UPSTREAM_ECOSYSTEM) return UPSTREAM_COMPARATORS[name.toLowerCase()] ?? compareSemver;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading the version a product reports (banner, API field, image tag) into its ecosystem's form

export type VersionForm = 'plain' | 'semver' | 'kubernetes' | 'docker' | 'grafana' | 'image-revision';

export interface ObservedVersion {
  /** The version as the advisory ranges spell it. */
  version: string;
  /**
   * false when the string names a vendor or distribution build (`-eks-…`, `+k3s1`, `+dfsg1`, Docker EE):
   * such builds carry backported fixes the upstream version does not show.
   */
  exact: boolean;
}

const K8S_PRERELEASE = /^(alpha|beta|rc)(\.\d+)*$/;

/**
 * Kubernetes `gitVersion` and image tags: `v1.29.3-eks-4b7a3a4`, `v1.28.9-gke.1000000`, `v1.29.3+k3s1`
 * (`-k3s1` in image tags), `v1.30.2+rke2r1`. SemVer would read the provider suffix as a pre-release
 * (sorting before 1.29.3), so it is dropped and the build marked as a vendor build.
 */
function kubernetesVersion(v: string): ObservedVersion {
  const m = /^v?(\d+\.\d+(?:\.\d+)?)(?:-([^+]*))?(?:\+(.*))?$/.exec(v);
  if (!m) return { version: v, exact: true };
  const pre = m[2];
  if (pre !== undefined && K8S_PRERELEASE.test(pre)) return { version: `${m[1]}-${pre}`, exact: m[3] === undefined };
  return { version: m[1] as string, exact: pre === undefined && m[3] === undefined };
}

/**
 * Docker Engine: `24.0.7`, Go-module `v24.0.7+incompatible`, CE/EE `18.09.1-ce`, `17.06.2-ee-19`,
 * distribution builds `20.10.24+dfsg1`. Pre-releases (`-rc1`, `-beta.1`) stay.
 */
function dockerVersion(v: string): ObservedVersion {
  const m = /^v?(\d+\.\d+(?:\.\d+)?)(?:-(ce|ee(?:-\d+)?|(?:rc|beta|alpha|tp)[.\d]*))?(?:\+(.*))?$/i.exec(v);
  if (!m) return { version: v, exact: true };
  const suffix = m[2]?.toLowerCase();
  const build = m[3];
  const exact = !(suffix?.startsWith('ee') ?? false) && (build === undefined || build === 'incompatible');
  const pre = suffix !== undefined && suffix !== 'ce' && !suffix.startsWith('ee') ? `-${suffix}` : '';
  return { version: `${m[1]}${pre}`, exact };
}

export function readObservedVersion(form: VersionForm, raw: string): ObservedVersion {
  const v = raw.trim();
  switch (form) {
    case 'semver':
      return { version: v.replace(/^v(?=\d)/, ''), exact: true };
    case 'kubernetes':
      return kubernetesVersion(v);
    case 'docker':
      return dockerVersion(v);
    case 'grafana':
      return { version: v.replace(/^v(?=\d)/, '').replace(/-security-(\d+)$/, '+security-$1'), exact: true };
    case 'image-revision':
      // registry.k8s.io/etcd:3.5.9-0 — the `-0` is the image's packaging revision, not a pre-release
      return { version: v.replace(/^v(?=\d)/, '').replace(/-\d+$/, ''), exact: true };
    default:
      return { version: v, exact: true };
  }
}
