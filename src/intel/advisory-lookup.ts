/**
 * The seam between the lenses and the advisory catalogue (advisories.ts): auditors and probe
 * fingerprinters take a lookup, so tests can supply their own advisories; the default asks the
 * shipped catalogue (plus the user's folders).
 */
import type { Severity } from '../model/severity.js';
import { matchAdvisories, shippedAdvisories, UPGRADE_REMEDIATION } from './advisories.js';

/** An advisory that applies to the version seen (AdvisoryMatch, trimmed to what findings show). */
export interface AdvisoryHit {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  confidence: 'confirmed' | 'possible';
  fixed: string[];
  /** The record's fix; a lookup that has none gets the generic upgrade advice. */
  remediation?: string;
}

export type AdvisoryLookup = (product: string, version: string) => AdvisoryHit[];

export function remediationOf(hit: AdvisoryHit): string {
  return hit.remediation ?? UPGRADE_REMEDIATION;
}

function lookupUncached(product: string, version: string): AdvisoryHit[] {
  return matchAdvisories(product, version).map((m) => ({
    id: m.id,
    aliases: m.aliases,
    summary: m.summary,
    severity: m.severity,
    confidence: m.confidence,
    fixed: m.fixed,
    remediation: m.remediation,
  }));
}

/**
 * Answers per catalogue (the user's folders replace it, see useAdvisoryDirs): a large manifest set
 * repeats the same few image versions, and matching walks every advisory.
 */
const answers = new WeakMap<object, Map<string, AdvisoryHit[]>>();
const ANSWERS_MAX = 4096;

export const shippedAdvisoryLookup: AdvisoryLookup = (product, version) => {
  const catalogue = shippedAdvisories();
  let byQuery = answers.get(catalogue);
  if (!byQuery) {
    byQuery = new Map();
    answers.set(catalogue, byQuery);
  }
  const key = `${product}\u0000${version}`;
  let hits = byQuery.get(key);
  if (!hits) {
    hits = lookupUncached(product, version);
    if (byQuery.size >= ANSWERS_MAX) byQuery.clear();
    byQuery.set(key, hits);
  }
  // Copies, so that a caller keeping or changing what it got cannot change the next answer.
  return hits.map((h) => ({ ...h, aliases: [...h.aliases], fixed: [...h.fixed] }));
};
