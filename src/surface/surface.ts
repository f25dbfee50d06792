/**
 * The surface as detect consults it: what a flow or a request reaches. Explicit knowledge (configuration,
 * audit/probe inventory) wins over what the logs taught, which wins over the catalogue's defaults.
 */
import type { ManagementService } from '../catalog/services.js';
import { RangeSet } from '../intel/ranges.js';
import type { ApiEvent } from '../model/event.js';
import { adminPathService, serviceSubTechnique, surfaceCatalog, underPrefix, type SurfaceCatalog } from './catalog.js';
import { learnedLogService, learnedService } from './learned.js';
import type { Reach, SurfaceEndpoint } from './model.js';
import type { StateView } from '../detect/state/types.js';

interface Compiled {
  endpoint: SurfaceEndpoint;
  ranges?: RangeSet;
  host?: string;
  specificity: number;
}

/** "Admin.Example.com:8443" → "admin.example.com". */
export function hostName(h: string): string {
  const lower = h.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon > 0 && lower.indexOf(':') === colon ? lower.slice(0, colon) : lower;
}

function hostMatches(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : pattern === host;
}

function reachOf(e: SurfaceEndpoint): Reach {
  return { role: e.role, service: e.service, subTechnique: serviceSubTechnique(e.service), provenance: e.provenance, why: e.why };
}

export interface SurfaceOptions {
  /** Management ports (catalogue + config.managementPorts) → services. */
  managementPorts: ReadonlyMap<number, readonly ManagementService[]>;
  catalog?: SurfaceCatalog;
}

export class Surface {
  private readonly compiled: Compiled[];
  private readonly shared: ReadonlySet<number>;
  private readonly catalog: SurfaceCatalog;
  /** Explicit entries with neither path nor host: the only ones a flow can match. */
  private readonly forFlows: Compiled[];

  constructor(
    readonly endpoints: readonly SurfaceEndpoint[],
    private readonly opts: SurfaceOptions,
  ) {
    this.catalog = opts.catalog ?? surfaceCatalog();
    this.shared = new Set(this.catalog.sharedPorts);
    this.compiled = endpoints
      .map((endpoint) => ({
        endpoint,
        ...(endpoint.address !== undefined ? { ranges: new RangeSet([endpoint.address]) } : {}),
        ...(endpoint.host !== undefined ? { host: endpoint.host.toLowerCase() } : {}),
        // A path says most, then a host, then address and port; management before public on a tie.
        specificity: (endpoint.path !== undefined ? 8 + endpoint.path.length / 1000 : 0) + (endpoint.host ? 4 : 0) + (endpoint.address ? 2 : 0) + (endpoint.port !== undefined ? 1 : 0) + (endpoint.role === 'management' ? 0.5 : 0),
      }))
      .sort((a, b) => b.specificity - a.specificity);
    this.forFlows = this.compiled.filter((c) => c.endpoint.path === undefined && c.host === undefined);
  }

  /** A port the catalogue knows for management that public services use as well. */
  isShared(port: number): boolean {
    return this.shared.has(port);
  }

  /**
   * The destination ports `flow` can answer for (1 = it may): management and shared ports and the
   * ports of explicit entries. Undefined when an entry without a port makes every port possible.
   */
  flowPorts(): Uint8Array | undefined {
    const ports = new Uint8Array(65536);
    for (const c of this.forFlows) {
      if (c.endpoint.port === undefined) return undefined;
      ports[c.endpoint.port] = 1;
    }
    for (const p of this.opts.managementPorts.keys()) ports[p] = 1;
    for (const p of this.shared) ports[p] = 1;
    return ports;
  }

  /** What an inbound flow to dst:port reaches; undefined for ports with nothing to do with management. */
  flow(dst: string, port: number, state?: StateView): Reach | undefined {
    for (const c of this.forFlows) {
      if (c.endpoint.port !== undefined && c.endpoint.port !== port) continue;
      if (c.ranges && !c.ranges.contains(dst)) continue;
      return reachOf(c.endpoint);
    }
    const services = this.opts.managementPorts.get(port);
    const shared = this.shared.has(port);
    if (shared && state) {
      const learned = learnedService(state, dst, port);
      if (learned !== undefined) return { role: 'management', service: learned, subTechnique: serviceSubTechnique(learned), provenance: 'learned', why: `learned from the logs: ${dst}:${port} answers as ${learned}` };
    }
    if (services && services.length > 0) {
      const svc = services[0]!;
      const ids = services.map((s) => s.id).join('|');
      if (shared) return { role: 'ambiguous', service: ids, subTechnique: svc.subTechnique, provenance: 'catalogue', why: `port ${port} carries public services as often as ${ids}` };
      return { role: 'management', service: ids, subTechnique: svc.subTechnique, provenance: 'catalogue', why: `catalogue: port ${port} is ${ids}` };
    }
    if (shared) return { role: 'ambiguous', service: 'web', subTechnique: 'exposed-gateway', provenance: 'catalogue', why: `port ${port} is a shared web port` };
    return undefined;
  }

  /** What a request reaches: a Kubernetes or Docker API call is management; an HTTP request by its route. */
  request(ev: ApiEvent, state?: StateView): Reach {
    if (ev.service === 'kubernetes') return { role: 'management', service: 'kube-apiserver', subTechnique: 'exposed-kubernetes-api', provenance: 'learned', why: 'a Kubernetes API request (audit log)' };
    if (ev.service === 'docker') return { role: 'management', service: 'docker-api', subTechnique: 'unauthenticated-admin-interface', provenance: 'learned', why: 'a Docker Engine API request path' };
    const host = ev.host !== undefined ? hostName(ev.host) : undefined;
    const path = ev.resource;
    const port = ev.dstPort;
    const services = port !== undefined ? this.opts.managementPorts.get(port) : undefined;
    const adminPort = services !== undefined && services.length > 0 && !this.shared.has(port!);
    const admin = adminPathService(path, adminPort, this.catalog);
    for (const c of this.compiled) {
      const e = c.endpoint;
      if (e.port !== undefined && e.port !== ev.dstPort) continue;
      if (c.ranges && (ev.dst === undefined || !c.ranges.contains(ev.dst))) continue;
      if (c.host !== undefined && (host === undefined || !hostMatches(c.host, host))) continue;
      if (e.path !== undefined && !underPrefix(path, e.path)) continue;
      // A public site or port still carries the catalogue's admin paths (Jenkins' /script behind the shop's
      // gateway); only a public entry naming the route itself says otherwise.
      if (e.role === 'public' && e.path === undefined && admin) break;
      return reachOf(e);
    }
    const fromLog = state && ev.service === 'http' ? learnedLogService(state, ev.ref.source) : undefined;
    if (fromLog !== undefined) return { role: 'management', service: fromLog, subTechnique: serviceSubTechnique(fromLog), provenance: 'learned', why: `learned from the logs: ${ev.ref.source} is the ${fromLog} API's access log` };
    if (admin) return { role: 'management', service: admin.service, subTechnique: serviceSubTechnique(admin.service), provenance: 'catalogue', why: `catalogue admin path ${admin.prefix}` };
    if (adminPort) {
      const ids = services!.map((s) => s.id).join('|');
      return { role: 'management', service: ids, subTechnique: services![0]!.subTechnique, provenance: 'catalogue', why: `catalogue: port ${port} is ${ids}` };
    }
    return { role: 'public', service: 'web', subTechnique: 'exposed-gateway', provenance: 'catalogue', why: 'no admin route or port' };
  }
}
