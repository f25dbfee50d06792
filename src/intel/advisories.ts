import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { CatalogueError, parseCatalogue, type CatalogueKind, type CatalogueProblem } from '../catalog/loader.js';
import { catalogPath } from '../catalog/paths.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { resolveProduct, samePackage, shippedProducts, type AdvisoryProduct, type OsvPackageRef } from './advisory-products.js';
import { comparatorFor, compareSemver, parseDpkgVersion, readObservedVersion, UPSTREAM_ECOSYSTEM, type Comparator } from './versions.js';
import { pushAll } from '../util/arrays.js';

/*
 * OSV advisory records (ossf/osv-schema) for management-plane software. The catalogue ships in
 * catalog/advisories/; users may add a directory of their own OSV files. Only the fields the matcher
 * needs are validated; everything else is kept as given (passthrough) so records round-trip.
 */

const EventSchema = z
  .object({
    introduced: z.string().min(1).optional(),
    fixed: z.string().min(1).optional(),
    last_affected: z.string().min(1).optional(),
    limit: z.string().min(1).optional(),
  })
  .refine((e) => Object.values(e).filter((v) => v !== undefined).length === 1, 'each event holds exactly one of introduced, fixed, last_affected, limit');

const RangeSchema = z
  .object({
    type: z.enum(['SEMVER', 'ECOSYSTEM', 'GIT']),
    repo: z.string().optional(),
    events: z.array(EventSchema).min(1),
  })
  .loose();

const AffectedSchema = z
  .object({
    package: z.object({ ecosystem: z.string().min(1), name: z.string().min(1), purl: z.string().optional() }).loose().optional(),
    ranges: z.array(RangeSchema).optional(),
    versions: z.array(z.string()).optional(),
    database_specific: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

/** Drawbridge's own keys, under database_specific.drawbridge (free-form in OSV). */
const DrawbridgeSpecificSchema = z
  .object({
    severity: z.enum(SEVERITIES),
    /** Product names as software identifies itself remotely (e.g. "OpenSSH" in an SSH banner). */
    products: z.array(z.string().min(1)).min(1),
    /** Signals a fingerprinter can observe that prove the service is not exposed to this advisory. */
    notAffectedWhen: z.array(z.string().min(1)).default([]),
    remediation: z.string().min(1),
    preAuth: z.boolean().optional(),
    /** Configuration the flaw needs (e.g. "AuthZ plugin in use"); a version hit is then only "possible". */
    conditions: z.array(z.string().min(1)).default([]),
    /** In the CISA Known Exploited Vulnerabilities catalogue (only set where checked). */
    kev: z.boolean().optional(),
  })
  .strict();

const OsvSchema = z
  .object({
    schema_version: z.string().optional(),
    id: z.string().min(1),
    modified: z.string().regex(/Z$/, 'modified must be RFC 3339 UTC ending in Z'),
    published: z.string().optional(),
    withdrawn: z.string().optional(),
    aliases: z.array(z.string()).optional(),
    related: z.array(z.string()).optional(),
    summary: z.string().optional(),
    details: z.string().optional(),
    severity: z.array(z.object({ type: z.string(), score: z.string() })).optional(),
    affected: z.array(AffectedSchema).optional(),
    references: z.array(z.object({ type: z.string(), url: z.string() })).optional(),
    database_specific: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export type OsvRecord = z.infer<typeof OsvSchema>;
export type OsvAffected = z.infer<typeof AffectedSchema>;
type OsvRange = z.infer<typeof RangeSchema>;
export type DrawbridgeSpecific = z.infer<typeof DrawbridgeSpecificSchema>;

export interface Advisory {
  record: OsvRecord;
  /** Defaults when a user record has no drawbridge block: severity from nothing we can trust → medium. */
  drawbridge: DrawbridgeSpecific;
  /** false when the record had no drawbridge block and its products were inferred from package names. */
  productsDeclared: boolean;
  file: string;
}

export interface AdvisoryProblem {
  file: string;
  line?: number;
  field?: string;
  message: string;
}

export interface AdvisoryCatalog {
  advisories: Advisory[];
  problems: AdvisoryProblem[];
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) pushAll(out, listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** Every event of a range must be readable by the ecosystem's comparator, or the range is useless. */
function rangeProblems(rec: OsvRecord): CatalogueProblem[] {
  for (const [i, a] of (rec.affected ?? []).entries()) {
    if (!a.package) continue;
    const eco = comparatorFor(a.package.ecosystem, a.package.name);
    for (const [j, r] of (a.ranges ?? []).entries()) {
      const cmp = rangeComparator(r, eco);
      if (!cmp) continue;
      for (const e of r.events) {
        const v = e.introduced ?? e.fixed ?? e.last_affected;
        if (v === undefined || v === '0') continue;
        if (cmp(v, v) === undefined) return [{ path: ['affected', i, 'ranges', j], message: `"${v}" is not a ${a.package.ecosystem} version` }];
      }
    }
  }
  return [];
}

/** The drawbridge block, when present, must be complete: it decides severity and products. */
function drawbridgeBlockProblems(rec: OsvRecord): CatalogueProblem[] {
  const block = rec.database_specific?.['drawbridge'];
  if (block === undefined) return [];
  const spec = DrawbridgeSpecificSchema.safeParse(block);
  if (spec.success) return [];
  const issue = spec.error.issues[0];
  return [{ path: ['database_specific', 'drawbridge', ...(issue?.path.filter((p) => typeof p !== 'symbol') ?? [])], message: issue?.message ?? 'invalid' }];
}

export const OSV_KIND: CatalogueKind<OsvRecord> = {
  id: 'osv-advisory',
  description: 'One OSV advisory record (ossf/osv-schema) with Drawbridge keys under database_specific.drawbridge (catalog/advisories/<product>/<id>.json)',
  schema: OsvSchema,
  check: (rec) => [...rangeProblems(rec), ...drawbridgeBlockProblems(rec)],
};

/** The fix of a record that names none. */
export const UPGRADE_REMEDIATION = 'Upgrade to a fixed version named in the advisory.';

/** Products a record applies to when it carries no drawbridge block: its package names. */
function defaultSpecific(rec: OsvRecord): DrawbridgeSpecific {
  const names = [...new Set((rec.affected ?? []).flatMap((a) => (a.package ? [a.package.name] : [])))];
  return {
    severity: 'medium',
    products: names.length > 0 ? names : [rec.id],
    notAffectedWhen: [],
    remediation: UPGRADE_REMEDIATION,
    conditions: [],
  };
}

/** Parse one OSV file's text; problems name the file, the line and the field. */
export function parseAdvisory(text: string, file: string): Advisory | AdvisoryProblem {
  let rec: OsvRecord;
  try {
    rec = parseCatalogue(OSV_KIND, text, file);
  } catch (e) {
    if (!(e instanceof CatalogueError)) throw e;
    return { file, ...(e.line !== undefined ? { line: e.line } : {}), ...(e.field && e.field !== '(root)' ? { field: e.field } : {}), message: e.detail };
  }
  const block = rec.database_specific?.['drawbridge'];
  if (block === undefined) return { record: rec, drawbridge: defaultSpecific(rec), productsDeclared: false, file };
  return { record: rec, drawbridge: DrawbridgeSpecificSchema.parse(block), productsDeclared: true, file };
}

/** Load the shipped catalogue plus any user directories of OSV JSON files (searched recursively). */
export function loadAdvisories(extraDirs: readonly string[] = []): AdvisoryCatalog {
  const advisories: Advisory[] = [];
  const problems: AdvisoryProblem[] = [];
  const seen = new Map<string, string>();
  const root = catalogPath('advisories');
  for (const dir of [root, ...extraDirs]) {
    let files: string[];
    try {
      files = listJson(dir);
    } catch (e) {
      problems.push({ file: dir, message: `cannot read directory: ${(e as Error).message}` });
      continue;
    }
    for (const f of files) {
      const shown = dir === root ? join('catalog/advisories', relative(root, f)) : f;
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        problems.push({ file: shown, message: `cannot read: ${(e as Error).message}` });
        continue;
      }
      const r = parseAdvisory(text, shown);
      if ('message' in r) {
        problems.push(r);
        continue;
      }
      const prev = seen.get(r.record.id);
      if (prev !== undefined) {
        problems.push({ file: shown, field: 'id', message: `duplicate advisory ${r.record.id} (first in ${prev}); kept the first` });
        continue;
      }
      seen.set(r.record.id, shown);
      advisories.push(r);
    }
  }
  return { advisories, problems };
}

let shipped: AdvisoryCatalog | undefined;

/** The shipped catalogue (plus the user's folders, see useAdvisoryDirs), loaded once. */
export function shippedAdvisories(): AdvisoryCatalog {
  shipped ??= loadAdvisories();
  return shipped;
}

/** Add the user's OSV folders (drawbridge.yaml `advisories`, --advisories) to every match in this process. */
export function useAdvisoryDirs(dirs: readonly string[]): AdvisoryProblem[] {
  shipped = loadAdvisories(dirs);
  return shipped.problems;
}

// ---------------------------------------------------------------------------------------------
// Matching

/** SEMVER ranges are SemVer whatever the ecosystem; ECOSYSTEM ranges use the ecosystem's order; GIT is not judged. */
function rangeComparator(range: OsvRange, ecosystem: Comparator | undefined): Comparator | undefined {
  if (range.type === 'SEMVER') return compareSemver;
  if (range.type === 'ECOSYSTEM') return ecosystem;
  return undefined;
}

/**
 * OSV evaluation (schema.md): walk sorted events, toggling on introduced, off on fixed/last_affected.
 * undefined = the range cannot judge this version (a GIT range, or a version the comparator cannot read).
 */
export function inRange(version: string, range: OsvRange, cmp: Comparator): boolean | undefined {
  if (range.type === 'GIT') return undefined;
  const order = range.type === 'SEMVER' ? compareSemver : cmp;
  const key = (e: z.infer<typeof EventSchema>): string | undefined => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit;
  const events = [...range.events].filter((e) => e.limit === undefined);
  for (const e of events) {
    const v = key(e);
    if (v !== undefined && v !== '0' && order(v, v) === undefined) return undefined;
  }
  if (order(version, version) === undefined) return undefined;
  events.sort((a, b) => {
    const x = key(a) as string;
    const y = key(b) as string;
    if (x === '0') return y === '0' ? 0 : -1;
    if (y === '0') return 1;
    return (order(x, y) as number) || (a.introduced !== undefined ? 1 : 0) - (b.introduced !== undefined ? 1 : 0);
  });
  let affected = false;
  for (const e of events) {
    if (e.introduced !== undefined && (e.introduced === '0' || (order(version, e.introduced) as number) >= 0)) affected = true;
    else if (e.fixed !== undefined && (order(version, e.fixed) as number) >= 0) affected = false;
    else if (e.last_affected !== undefined && (order(version, e.last_affected) as number) > 0) affected = false;
  }
  return affected;
}

/** A version is affected if listed or inside any range (undefined = this entry cannot judge it). */
function entryAffects(entry: OsvAffected, version: string): boolean | undefined {
  if (!entry.package) return undefined;
  const eco = comparatorFor(entry.package.ecosystem, entry.package.name);
  if ((entry.versions ?? []).includes(version)) return true;
  // an enumerated versions list is authoritative (OSV: GIT ranges come with one)
  let judged = (entry.versions ?? []).length > 0;
  for (const r of entry.ranges ?? []) {
    const cmp = rangeComparator(r, eco);
    if (!cmp) continue;
    const hit = inRange(version, r, cmp);
    if (hit === true) return true;
    if (hit === false) judged = true;
  }
  return judged ? false : undefined;
}

function fixedVersions(entry: OsvAffected): string[] {
  return (entry.ranges ?? []).flatMap((r) => r.events.flatMap((e) => (e.fixed !== undefined ? [e.fixed] : [])));
}

/** A distribution build named in an SSH-style banner comment, e.g. "Debian-2+deb12u3". */
export interface DistroBuild {
  family: 'Debian' | 'Ubuntu';
  revision: string;
}

export function distroFromBanner(banner: string | undefined): DistroBuild | undefined {
  if (banner === undefined) return undefined;
  const sp = banner.indexOf(' ');
  if (sp < 0) return undefined;
  const m = /^(Debian|Raspbian|Ubuntu)-([A-Za-z0-9.+~]+)/.exec(banner.slice(sp + 1).trim());
  if (!m) return undefined;
  return { family: m[1] === 'Ubuntu' ? 'Ubuntu' : 'Debian', revision: m[2] as string };
}

export type MatchBasis = 'distro-record' | 'upstream-range';

export interface AdvisoryMatch {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  /**
   * confirmed: the exact build is inside an affected range (a distribution record judged the
   * distribution build, or an upstream version with no vendor suffix and no configuration
   * precondition). possible: a backport may exist, the build is a vendor/distribution one, or the
   * flaw needs configuration the version does not show (see `conditions`).
   */
  confidence: 'confirmed' | 'possible';
  basis: MatchBasis;
  /** The OSV package the verdict came from, e.g. "Debian:12/openssh" or "Go/k8s.io/ingress-nginx". */
  package: string;
  /** The version compared (the reconstructed package version for a distribution build). */
  comparedVersion: string;
  fixed: string[];
  remediation: string;
  references: string[];
  /** Configuration the flaw needs, from the record. */
  conditions: string[];
  preAuth?: boolean;
  kev?: boolean;
}

export interface MatchContext {
  /** Facts observed on the service that can rule an advisory out (see notAffectedWhen). */
  signals?: readonly string[];
  /** The catalogue to match against; the shipped one by default. */
  advisories?: readonly Advisory[];
  /** The product table (catalog/advisories/products.yaml) by default. */
  products?: readonly AdvisoryProduct[];
}

function toMatch(adv: Advisory, entry: OsvAffected, confidence: AdvisoryMatch['confidence'], basis: MatchBasis, compared: string): AdvisoryMatch {
  const pkg = entry.package as { ecosystem: string; name: string };
  const d = adv.drawbridge;
  return {
    id: adv.record.id,
    aliases: adv.record.aliases ?? [],
    summary: adv.record.summary ?? adv.record.id,
    severity: d.severity,
    confidence: d.conditions.length > 0 ? 'possible' : confidence,
    basis,
    package: `${pkg.ecosystem}/${pkg.name}`,
    comparedVersion: compared,
    fixed: fixedVersions(entry),
    remediation: d.remediation,
    references: (adv.record.references ?? []).map((r) => r.url),
    conditions: d.conditions,
    ...(d.preAuth !== undefined ? { preAuth: d.preAuth } : {}),
    ...(d.kev !== undefined ? { kev: d.kev } : {}),
  };
}

/**
 * Distribution records whose versions carry the same upstream version as the banner: only those can
 * judge the build (a Debian 12 record says nothing about a 9.6p1 build).
 */
function distroVerdict(adv: Advisory, build: DistroBuild, upstream: string): AdvisoryMatch | 'not-affected' | undefined {
  for (const entry of adv.record.affected ?? []) {
    if (!entry.package || entry.package.ecosystem.split(':')[0] !== build.family) continue;
    const versions = (entry.ranges ?? []).flatMap((r) => r.events.map((e) => e.introduced ?? e.fixed ?? e.last_affected ?? '0'));
    const sameUpstream = versions.map((v) => parseDpkgVersion(v)).find((d) => d !== undefined && d.upstream === upstream);
    if (!sameUpstream) continue;
    const compared = `${sameUpstream.epoch > 0 ? `${sameUpstream.epoch}:` : ''}${upstream}-${build.revision}`;
    const hit = entryAffects(entry, compared);
    if (hit === true) return toMatch(adv, entry, 'confirmed', 'distro-record', compared);
    if (hit === false) return 'not-affected';
  }
  return undefined;
}

/** The name the caller used, its table entry, and the packages that judge its versions. */
interface ProductQuery {
  name: string;
  product: AdvisoryProduct | undefined;
  packages: OsvPackageRef[];
}

function queryFor(name: string, table: readonly AdvisoryProduct[]): ProductQuery {
  const product = resolveProduct(name, table);
  // a name the table does not know still finds records in the project's own ecosystem under that name
  const packages = product ? product.packages : [{ ecosystem: UPSTREAM_ECOSYSTEM, name: name.trim().toLowerCase() }];
  return { name: name.trim().toLowerCase(), product, packages };
}

/**
 * Does the advisory concern the product? A record names its products (drawbridge.products); a user's
 * plain OSV record (no drawbridge block) concerns the product when it lists one of the product's packages.
 */
function concerns(adv: Advisory, q: ProductQuery): boolean {
  const names = new Set([q.name, ...(q.product ? [q.product.id, ...q.product.names.map((n) => n.toLowerCase())] : [])]);
  if (adv.drawbridge.products.some((p) => names.has(p.toLowerCase()))) return true;
  if (adv.productsDeclared) return false;
  return (adv.record.affected ?? []).some((e) => {
    const pkg = e.package;
    if (!pkg) return false;
    // distribution records name the source package (Debian/Ubuntu `openssh`), judged only through a banner
    if (DISTRO_FAMILIES.has(pkg.ecosystem.split(':')[0] as string)) return names.has(pkg.name.toLowerCase());
    return q.packages.some((p) => samePackage(p, pkg));
  });
}

const DISTRO_FAMILIES = new Set(['Debian', 'Ubuntu']);

/**
 * Advisories that apply to `product` at `version`. `product` is any name in the product table
 * (catalog/advisories/products.yaml: a signature's advisoryPackage, an auditor's product, the SSH
 * banner's "OpenSSH"); `version` is what the product reported (`v1.29.3-eks-…`, `11.0.5+security-01`,
 * `10.2.9-h1`, `14.1-43.56`, `22.7R2.5`) and is read in the product's form. `banner` (the full SSH
 * identification line, e.g. "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3") lets a distribution build be
 * judged by the distribution's own fixed revision. Never throws; what it cannot read matches nothing.
 */
export function matchAdvisories(product: string, version: string, banner?: string, ctx: MatchContext = {}): AdvisoryMatch[] {
  const advisories = ctx.advisories ?? shippedAdvisories().advisories;
  const q = queryFor(product, ctx.products ?? shippedProducts());
  const observed = readObservedVersion(q.product?.form ?? 'plain', version);
  const upstreamConfidence: AdvisoryMatch['confidence'] = observed.exact && !(q.product?.backports ?? false) ? 'confirmed' : 'possible';
  const signals = new Set(ctx.signals ?? []);
  const build = distroFromBanner(banner);
  const out: AdvisoryMatch[] = [];
  for (const adv of advisories) {
    if (adv.record.withdrawn !== undefined) continue;
    if (!concerns(adv, q)) continue;
    if (adv.drawbridge.notAffectedWhen.some((s) => signals.has(s))) continue;
    if (build) {
      const upstream = version.trim().split(/[^A-Za-z0-9.]/)[0] ?? version;
      const verdict = distroVerdict(adv, build, upstream);
      if (verdict === 'not-affected') continue;
      if (verdict) {
        out.push(verdict);
        continue;
      }
    }
    for (const entry of adv.record.affected ?? []) {
      const pkg = entry.package;
      if (!pkg || !q.packages.some((p) => samePackage(p, pkg))) continue;
      if (entryAffects(entry, observed.version) === true) {
        out.push(toMatch(adv, entry, upstreamConfidence, 'upstream-range', observed.version));
        break;
      }
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
