/** Hosting, VPS and public-cloud autonomous systems (catalog/hosting-asns.yaml). */
import { z } from 'zod';
import { duplicateIds, readCatalogue, type CatalogueKind } from '../catalog/loader.js';
import type { AsnInfo } from '../intel/asn.js';

const HostingSchema = z
  .object({
    asns: z.array(z.object({ asn: z.number().int().nonnegative(), name: z.string() }).strict()),
    orgKeywords: z.array(z.string().min(1)),
  })
  .strict();

export const HOSTING_ASNS_KIND: CatalogueKind<z.infer<typeof HostingSchema>> = {
  id: 'hosting-asns',
  description: 'Autonomous systems of hosting, VPS and public-cloud providers, and words that mark one in an AS holder name (catalog/hosting-asns.yaml)',
  schema: HostingSchema,
  check: (h) => duplicateIds(h.asns, (a) => String(a.asn), 'asn', ['asns']),
};

let cached: { asns: Set<number>; keywords: RegExp } | undefined;

function hosting(): { asns: Set<number>; keywords: RegExp } {
  if (!cached) {
    const h = readCatalogue(HOSTING_ASNS_KIND, 'hosting-asns.yaml');
    const words = h.orgKeywords.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    cached = { asns: new Set(h.asns.map((a) => a.asn)), keywords: new RegExp(`\\b(${words})`, 'i') };
  }
  return cached;
}

/** An AS where anyone can rent a machine by the hour. */
export function isHostingAsn(info: AsnInfo | undefined): boolean {
  if (!info) return false;
  const h = hosting();
  return h.asns.has(info.asn) || h.keywords.test(info.org);
}
