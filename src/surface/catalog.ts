/**
 * The surface catalogue (catalog/surface.yaml): ports shared by public and management traffic, and the
 * request paths that reach an administration interface. Knowledge as data; this module only loads and
 * matches it.
 */
import { z } from 'zod';
import { readCatalogue, type CatalogueKind } from '../catalog/loader.js';
import { managementServices } from '../catalog/services.js';
import type { SubTechnique } from '../model/technique.js';

const AdminPathSchema = z
  .object({
    prefix: z.string().startsWith('/'),
    service: z.string().regex(/^[a-z0-9-]+$/),
    scope: z.enum(['anywhere', 'adminPort']),
  })
  .strict();
export type AdminPath = z.infer<typeof AdminPathSchema>;

const FixtureSchema = z.object({ path: z.string(), port: z.number().int().optional(), service: z.string().optional() }).strict();

const SurfaceCatalogSchema = z
  .object({
    sharedPorts: z.array(z.number().int().min(1).max(65535)),
    adminPaths: z.array(AdminPathSchema),
    fixtures: z.object({ match: z.array(FixtureSchema), noMatch: z.array(FixtureSchema) }).strict(),
  })
  .strict();
export type SurfaceCatalog = z.infer<typeof SurfaceCatalogSchema>;

export const SURFACE_KIND: CatalogueKind<SurfaceCatalog> = {
  id: 'surface',
  description: 'Ports shared by public and management traffic, and request paths that reach an administration interface (catalog/surface.yaml)',
  schema: SurfaceCatalogSchema,
};

export function surfaceCatalog(): SurfaceCatalog {
  return readCatalogue(SURFACE_KIND, 'surface.yaml');
}

/** A path prefix matched on segment boundaries: /admin covers /admin and /admin/x, not /administrator. */
export function underPrefix(path: string, prefix: string): boolean {
  if (!path.startsWith(prefix)) return false;
  if (path.length === prefix.length || prefix.endsWith('/')) return true;
  const next = path.charCodeAt(prefix.length);
  return next === 47 /* / */ || next === 63 /* ? */;
}

/**
 * The catalogue service an admin path reaches, given whether the port it was sent to is an admin port.
 * Applications are often mounted one level down behind a gateway (/jenkins/script, /grafana/api/admin),
 * so an "anywhere" path also matches after one leading segment.
 */
export function adminPathService(path: string, onAdminPort: boolean, catalog: SurfaceCatalog = surfaceCatalog()): AdminPath | undefined {
  const second = path.indexOf('/', 1);
  const mounted = second > 1 ? path.slice(second) : undefined;
  for (const a of catalog.adminPaths) {
    if (a.scope === 'adminPort' && !onAdminPort) continue;
    if (underPrefix(path, a.prefix)) return a;
    if (a.scope === 'anywhere' && mounted !== undefined && underPrefix(mounted, a.prefix)) return a;
  }
  return undefined;
}

/** Sub-technique of a service id: the catalogue's, else an administration interface. */
export function serviceSubTechnique(service: string): SubTechnique {
  return managementServices().find((s) => s.id === service)?.subTechnique ?? 'unauthenticated-admin-interface';
}
