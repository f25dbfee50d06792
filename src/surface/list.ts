/** Everything known about the surface, and why: what `drawbridge surface` prints. */
import type { DrawbridgeConfig } from '../config/schema.js';
import type { BaselineAccess } from '../detect/state/types.js';
import { surfaceCatalog } from './catalog.js';
import { configEndpoints } from './config.js';
import { learnedEndpoints } from './learned.js';
import { savedEndpoints } from './saved.js';
import type { SurfaceEndpoint } from './model.js';
import { maxOf } from '../util/arrays.js';

export interface SurfaceListing {
  endpoints: SurfaceEndpoint[];
  /** Catalogue defaults that apply where nothing above says otherwise. */
  catalogue: { sharedPorts: number[]; adminPaths: { prefix: string; service: string; scope: string }[] };
}

export function listSurface(config: DrawbridgeConfig, inventory: readonly SurfaceEndpoint[], store: BaselineAccess): SurfaceListing {
  const c = surfaceCatalog();
  return {
    endpoints: [...configEndpoints(config), ...inventory, ...savedEndpoints(store), ...learnedEndpoints(store)],
    catalogue: { sharedPorts: c.sharedPorts, adminPaths: c.adminPaths.map((a) => ({ prefix: a.prefix, service: a.service, scope: a.scope })) },
  };
}

/** A fixed-width table, one endpoint a line. */
export function surfaceTable(l: SurfaceListing): string {
  const head = ['ROLE', 'ADDRESS', 'PORT', 'ROUTE', 'SERVICE', 'SOURCE', 'WHY'];
  const body = l.endpoints.map((e) => [
    e.role,
    e.address ?? '*',
    e.port !== undefined ? String(e.port) : '*',
    [e.host, e.path].filter(Boolean).join('') || '-',
    e.service,
    e.provenance,
    e.why + (e.lastSeen !== undefined ? ` (last seen ${new Date(e.lastSeen).toISOString()})` : ''),
  ]);
  const widths = head.map((h, i) => maxOf(body.map((b) => b[i]!.length), h.length));
  const fmt = (cells: string[]): string => cells.map((x, i) => (i === cells.length - 1 ? x : x.padEnd(widths[i]!))).join('  ');
  const out = l.endpoints.length > 0 ? [fmt(head), ...body.map(fmt), `${l.endpoints.length} endpoint${l.endpoints.length === 1 ? '' : 's'}`] : ['No endpoints configured, inventoried or learned yet.'];
  out.push(
    '',
    `Elsewhere the catalogue decides: ports ${l.catalogue.sharedPorts.join(', ')} are shared (public until shown otherwise); ` +
      `catalogue management ports are management; ${l.catalogue.adminPaths.length} admin paths (e.g. ${l.catalogue.adminPaths.slice(0, 4).map((a) => a.prefix).join(', ')}) are management on any port.`,
  );
  return out.join('\n') + '\n';
}
