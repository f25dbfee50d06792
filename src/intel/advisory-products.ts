/**
 * The product table (catalog/advisories/products.yaml): which OSV packages judge the versions of a
 * product that a probe signature, an auditor or a banner names, and how that product's reported
 * version is read. Kept as data so a new signature or image needs no engine code.
 */
import { z } from 'zod';
import { parseCatalogue, readCatalogue, type CatalogueKind, type CatalogueProblem } from '../catalog/loader.js';
import { SUB_TECHNIQUES, type SubTechnique } from '../model/technique.js';

const PackageSchema = z.object({ ecosystem: z.string().min(1), name: z.string().min(1) }).strict();

const ProductSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    names: z.array(z.string().min(1)).default([]),
    form: z.enum(['plain', 'semver', 'kubernetes', 'docker', 'grafana', 'image-revision']),
    backports: z.boolean().default(false),
    subTechnique: z.enum(Object.keys(SUB_TECHNIQUES) as [SubTechnique, ...SubTechnique[]]),
    packages: z.array(PackageSchema).min(1),
    images: z.array(z.string().min(1)).default([]),
  })
  .strict();

const TableSchema = z.object({ products: z.array(ProductSchema).min(1) }).strict();

export type AdvisoryProduct = z.infer<typeof ProductSchema>;
export type OsvPackageRef = z.infer<typeof PackageSchema>;

/** Every name (id or alias) resolves to one product. */
function nameClashes(table: z.infer<typeof TableSchema>): CatalogueProblem[] {
  const seen = new Map<string, string>();
  const problems: CatalogueProblem[] = [];
  table.products.forEach((p, i) => {
    for (const key of new Set([p.id, ...p.names].map((n) => n.toLowerCase()))) {
      const prev = seen.get(key);
      if (prev !== undefined) problems.push({ path: ['products', i], message: `name "${key}" of ${p.id} is already used by ${prev}` });
      seen.set(key, p.id);
    }
  });
  return problems;
}

export const PRODUCTS_KIND: CatalogueKind<z.infer<typeof TableSchema>> = {
  id: 'advisory-products',
  description: 'Products the advisory matcher knows: names, version form, OSV packages and images (catalog/advisories/products.yaml)',
  schema: TableSchema,
  check: nameClashes,
};

/** Validate a product table; throws with the file, line and field (the shipped table is a build input). */
export function parseProductTable(text: string, file: string): AdvisoryProduct[] {
  return parseCatalogue(PRODUCTS_KIND, text, file).products;
}

export function shippedProducts(): AdvisoryProduct[] {
  return readCatalogue(PRODUCTS_KIND, 'advisories', 'products.yaml').products;
}

/** The product a caller's name refers to (id or any alias, case-insensitive). */
export function resolveProduct(name: string, table: readonly AdvisoryProduct[] = shippedProducts()): AdvisoryProduct | undefined {
  const n = name.trim().toLowerCase();
  return table.find((p) => p.id === n || p.names.some((x) => x.toLowerCase() === n));
}

/** Same OSV package: ecosystems compare by their base (`Debian:12` ≠ `Go`), names case-insensitively. */
export function samePackage(a: OsvPackageRef, b: OsvPackageRef): boolean {
  const ea = a.ecosystem;
  const eb = b.ecosystem;
  // `Debian` matches `Debian:12`; two suffixed ecosystems must agree exactly
  const sameEcosystem = ea === eb || ((!ea.includes(':') || !eb.includes(':')) && ea.split(':')[0] === eb.split(':')[0]);
  return sameEcosystem && a.name.toLowerCase() === b.name.toLowerCase();
}
