/**
 * The seam between version rules and the advisory catalogue (src/intel/advisories.ts). Auditors take
 * a lookup so that tests can supply their own advisories; the default asks the shipped catalogue.
 */
import { matchAdvisories } from '../../intel/advisories.js';
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

export const shippedAdvisoryLookup: AdvisoryLookup = (product, version) =>
  matchAdvisories(product, version).map((m) => ({
    id: m.id,
    aliases: m.aliases,
    summary: m.summary,
    severity: m.severity,
    confidence: m.confidence,
    fixed: m.fixed,
  }));
