import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { catalogPath } from '../catalog/paths.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { comparatorFor, parseDpkgVersion, UPSTREAM_ECOSYSTEM, type Comparator } from './versions.js';

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
  file: string;
}

export interface AdvisoryProblem {
  file: string;
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
    if (statSync(p).isDirectory()) out.push(...listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** Every event of a range must be readable by the ecosystem's comparator, or the range is useless. */
function checkRanges(rec: OsvRecord): string | undefined {
  for (const [i, a] of (rec.affected ?? []).entries()) {
    if (!a.package) continue;
    const cmp = comparatorFor(a.package.ecosystem, a.package.name);
    if (!cmp) continue;
    for (const [j, r] of (a.ranges ?? []).entries()) {
      if (r.type !== 'ECOSYSTEM') continue;
      for (const e of r.events) {
        const v = e.introduced ?? e.fixed ?? e.last_affected;
        if (v === undefined || v === '0') continue;
        if (cmp(v, v) === undefined) return `affected[${i}].ranges[${j}]: "${v}" is not a ${a.package.ecosystem} version`;
      }
    }
  }
  return undefined;
}

/** Products a record applies to when it carries no drawbridge block: its package names. */
function defaultSpecific(rec: OsvRecord): DrawbridgeSpecific {
  const names = [...new Set((rec.affected ?? []).flatMap((a) => (a.package ? [a.package.name] : [])))];
  return {
    severity: 'medium',
    products: names.length > 0 ? names : [rec.id],
    notAffectedWhen: [],
    remediation: 'Upgrade to a fixed version named in the advisory.',
  };
}

/** Parse one OSV file's text; problems name the file and the field. */
export function parseAdvisory(text: string, file: string): Advisory | AdvisoryProblem {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { file, message: `invalid JSON: ${(e as Error).message}` };
  }
  const res = OsvSchema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0];
    return { file, field: issue?.path.join('.') || undefined, message: issue?.message ?? 'invalid OSV record' };
  }
  const rec = res.data;
  const rangeProblem = checkRanges(rec);
  if (rangeProblem) return { file, field: 'affected', message: rangeProblem };
  const block = rec.database_specific?.['drawbridge'];
  if (block === undefined) return { record: rec, drawbridge: defaultSpecific(rec), file };
  const spec = DrawbridgeSpecificSchema.safeParse(block);
  if (!spec.success) {
    const issue = spec.error.issues[0];
    return { file, field: ['database_specific', 'drawbridge', ...(issue?.path.map(String) ?? [])].join('.'), message: issue?.message ?? 'invalid' };
  }
  return { record: rec, drawbridge: spec.data, file };
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

/** The shipped catalogue, loaded once. */
export function shippedAdvisories(): AdvisoryCatalog {
  shipped ??= loadAdvisories();
  return shipped;
}

// ---------------------------------------------------------------------------------------------
// Matching

/** OSV evaluation (schema.md): walk sorted events, toggling on introduced, off on fixed/last_affected. */
export function inRange(version: string, range: OsvRange, cmp: Comparator): boolean | undefined {
  if (range.type !== 'ECOSYSTEM') return undefined;
  const key = (e: z.infer<typeof EventSchema>): string | undefined => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit;
  const events = [...range.events].filter((e) => e.limit === undefined);
  for (const e of events) {
    const v = key(e);
    if (v !== undefined && v !== '0' && cmp(v, v) === undefined) return undefined;
  }
  if (cmp(version, version) === undefined) return undefined;
  events.sort((a, b) => {
    const x = key(a) as string;
    const y = key(b) as string;
    if (x === '0') return y === '0' ? 0 : -1;
    if (y === '0') return 1;
    return (cmp(x, y) as number) || (a.introduced !== undefined ? 1 : 0) - (b.introduced !== undefined ? 1 : 0);
  });
  let affected = false;
  for (const e of events) {
    if (e.introduced !== undefined && (e.introduced === '0' || (cmp(version, e.introduced) as number) >= 0)) affected = true;
    else if (e.fixed !== undefined && (cmp(version, e.fixed) as number) >= 0) affected = false;
    else if (e.last_affected !== undefined && (cmp(version, e.last_affected) as number) > 0) affected = false;
  }
  return affected;
}

/** A version is affected if listed or inside any range (undefined = this entry cannot judge it). */
function entryAffects(entry: OsvAffected, version: string): boolean | undefined {
  if (!entry.package) return undefined;
  const cmp = comparatorFor(entry.package.ecosystem, entry.package.name);
  if ((entry.versions ?? []).includes(version)) return true;
  if (!cmp) return undefined;
  let judged = false;
  for (const r of entry.ranges ?? []) {
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
  /** confirmed: a distribution record shows the build is below its fix. possible: upstream range only (a backport may exist). */
  confidence: 'confirmed' | 'possible';
  basis: MatchBasis;
  /** The OSV package the verdict came from, e.g. "Debian:12/openssh" or "Drawbridge:upstream/openssh". */
  package: string;
  /** The version compared (the reconstructed package version for a distribution build). */
  comparedVersion: string;
  fixed: string[];
  remediation: string;
  references: string[];
}

export interface MatchContext {
  /** Facts observed on the service that can rule an advisory out (see notAffectedWhen). */
  signals?: readonly string[];
  /** The catalogue to match against; the shipped one by default. */
  advisories?: readonly Advisory[];
}

function productMatches(adv: Advisory, product: string): boolean {
  const p = product.toLowerCase();
  return adv.drawbridge.products.some((x) => x.toLowerCase() === p);
}

function toMatch(adv: Advisory, entry: OsvAffected, confidence: AdvisoryMatch['confidence'], basis: MatchBasis, compared: string): AdvisoryMatch {
  const pkg = entry.package as { ecosystem: string; name: string };
  return {
    id: adv.record.id,
    aliases: adv.record.aliases ?? [],
    summary: adv.record.summary ?? adv.record.id,
    severity: adv.drawbridge.severity,
    confidence,
    basis,
    package: `${pkg.ecosystem}/${pkg.name}`,
    comparedVersion: compared,
    fixed: fixedVersions(entry),
    remediation: adv.drawbridge.remediation,
    references: (adv.record.references ?? []).map((r) => r.url),
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

/**
 * Advisories that apply to `product` at `version`. `banner` (the full identification line, e.g.
 * "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3") lets a distribution build be judged by the distribution's
 * own fixed revision; without a usable distribution record an upstream-range hit is only "possible",
 * because distributions backport fixes without changing the upstream version.
 */
export function matchAdvisories(product: string, version: string, banner?: string, ctx: MatchContext = {}): AdvisoryMatch[] {
  const advisories = ctx.advisories ?? shippedAdvisories().advisories;
  const signals = new Set(ctx.signals ?? []);
  const build = distroFromBanner(banner);
  const out: AdvisoryMatch[] = [];
  for (const adv of advisories) {
    if (adv.record.withdrawn !== undefined) continue;
    if (!productMatches(adv, product)) continue;
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
      if (entry.package?.ecosystem !== UPSTREAM_ECOSYSTEM) continue;
      if (entryAffects(entry, version) === true) {
        out.push(toMatch(adv, entry, 'possible', 'upstream-range', version));
        break;
      }
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
