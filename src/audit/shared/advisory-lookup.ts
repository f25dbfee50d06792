/**
 * The seam between version rules and the advisory catalogue (src/intel/advisories.ts). Auditors take
 * a lookup so that tests can supply their own advisories; the default asks the shipped catalogue.
 */
import { matchAdvisories, shippedAdvisories } from '../../intel/advisories.js';
import type { Severity } from '../../model/severity.js';

export interface AdvisoryHit {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  confidence: 'confirmed' | 'possible';
  fixed: string[];
}

export type AdvisoryLookup = (product: string, version: string) => AdvisoryHit[];

function lookupUncached(product: string, version: string): AdvisoryHit[] {
  return matchAdvisories(product, version).map((m) => ({
    id: m.id,
    aliases: m.aliases,
    summary: m.summary,
    severity: m.severity,
    confidence: m.confidence,
    fixed: m.fixed,
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
