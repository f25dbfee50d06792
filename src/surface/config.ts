/** The surface as drawbridge.yaml declares it (`surface:`): management endpoints, gateways, public services. */
import type { DrawbridgeConfig, SurfaceEndpointConfig } from '../config/schema.js';
import type { EndpointRole, SurfaceEndpoint } from './model.js';

function entry(e: SurfaceEndpointConfig, role: EndpointRole, why: string): SurfaceEndpoint {
  const out: SurfaceEndpoint = { role, service: e.service ?? (role === 'public' ? 'public' : 'management'), provenance: 'config', why };
  if (e.address !== undefined) out.address = e.address;
  if (e.port !== undefined) out.port = e.port;
  if (e.path !== undefined) out.path = e.path;
  if (e.host !== undefined) out.host = e.host;
  return out;
}

export function configEndpoints(config: DrawbridgeConfig): SurfaceEndpoint[] {
  const s = config.surface;
  const out: SurfaceEndpoint[] = [];
  s.management.forEach((e, i) => out.push(entry(e, 'management', `drawbridge.yaml surface.management[${i}]`)));
  s.public.forEach((e, i) => out.push(entry(e, 'public', `drawbridge.yaml surface.public[${i}]`)));
  s.gateways.forEach((g, i) => {
    const why = `drawbridge.yaml surface.gateways[${i}]`;
    const at = { ...(g.address !== undefined ? { address: g.address } : {}), ...(g.host !== undefined ? { host: g.host } : {}) };
    // The gateway's ports carry the public site and API; its admin routes and admin ports are management.
    for (const port of g.ports) out.push(entry({ ...at, port }, 'public', `${why}: public port`));
    if (g.ports.length === 0 && (g.address !== undefined || g.host !== undefined)) out.push(entry(at, 'public', `${why}: public traffic`));
    for (const path of g.adminRoutes) out.push(entry({ ...at, path, service: g.service }, 'management', `${why}: admin route`));
    for (const port of g.adminPorts) out.push(entry({ ...(g.address !== undefined ? { address: g.address } : {}), port, service: g.service }, 'management', `${why}: admin port`));
  });
  return out;
}
