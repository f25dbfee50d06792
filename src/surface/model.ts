/**
 * The management surface: which (asset, port, path prefix / virtual host) is a management endpoint and
 * which is public, each entry with where the knowledge came from. One model for the three lenses:
 * configuration declares it, audit and probe results feed it, detect learns it from the logs.
 */
import type { SubTechnique } from '../model/technique.js';

export type EndpointRole = 'management' | 'public';

/** Where an entry came from. */
/** probe / audit: saved by `drawbridge probe|audit … --save`; inventory: read from --inventory files. */
export type Provenance = 'config' | 'inventory' | 'probe' | 'audit' | 'learned' | 'catalogue';

export interface SurfaceEndpoint {
  /** IP or CIDR; absent: any address. */
  address?: string;
  port?: number;
  /** Path prefix of a route (requests through a gateway). */
  path?: string;
  /** Virtual host (Host header / SNI). */
  host?: string;
  role: EndpointRole;
  /** Catalogue service id (or the user's own name). */
  service: string;
  provenance: Provenance;
  /** Why the entry is there, in words ("drawbridge.yaml surface.management[0]", "probe: kong-admin answered, auth open"). */
  why: string;
  /** Learned entries: event time first and last seen (epoch ms). */
  firstSeen?: number;
  lastSeen?: number;
}

/** What a flow or request reaches, as the surface sees it. */
export interface Reach {
  /** ambiguous: a shared port (443 of an unknown host) — kept as context, never an alert on its own. */
  role: EndpointRole | 'ambiguous';
  service: string;
  subTechnique: SubTechnique;
  provenance: Provenance;
  why: string;
}
