/** Hosting, VPS and public-cloud autonomous systems (catalog/hosting-asns.yaml). */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { catalogPath } from '../catalog/paths.js';
import type { AsnInfo } from '../intel/asn.js';

const HostingSchema = z
  .object({
    asns: z.array(z.object({ asn: z.number().int().nonnegative(), name: z.string() }).strict()),
    orgKeywords: z.array(z.string().min(1)),
  })
  .strict();

let cached: { asns: Set<number>; keywords: RegExp } | undefined;

function hosting(): { asns: Set<number>; keywords: RegExp } {
  if (!cached) {
    const h = HostingSchema.parse(parse(readFileSync(catalogPath('hosting-asns.yaml'), 'utf8')));
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
