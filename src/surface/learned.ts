/**
 * The part of the surface detect learns from the logs, kept in the state store so it survives runs and
 * `drawbridge surface` can list it: the address and port a Docker or Kubernetes API answered on (which
 * makes flows to that port management traffic even on a shared port such as 443), and the admin routes
 * requests were seen to reach.
 */
import { managementServices } from '../catalog/services.js';
import type { ApiEvent } from '../model/event.js';
import type { BaselineAccess, StateView } from '../detect/state/types.js';
import { readNumber, writeNumber } from '../detect/detectors/registers.js';
import { surfaceCatalog } from './catalog.js';
import type { Reach, SurfaceEndpoint } from './model.js';

/** Listing: one seen entry per learned endpoint, `address\0port\0path\0service`. */
export const LEARNED_NS = 'surface.learned';
/** Lookup: `address:port` → index of the service in serviceIds(). */
const LEARNED_PORT_NS = 'surface.learned-port';
/** Admin-port paths seen per log (`source\0service\0prefix`), how many (register), and the verdict: log → service index. */
const SOURCE_PATH_NS = 'surface.source-path';
const SOURCE_COUNT_NS = 'surface.source-count';
const SOURCE_SERVICE_NS = 'surface.source-service';
/** Distinct admin-API paths of one service that make a log that service's admin API log. */
export const ADMIN_LOG_PATHS = 3;
const SEP = '\u0000';

let ids: string[] | undefined;

/** Every service id the surface can name (catalogue services, then admin-path services), in a fixed order. */
function serviceIds(): string[] {
  ids ??= [...new Set([...managementServices().map((s) => s.id), ...surfaceCatalog().adminPaths.map((a) => a.service), 'web-admin'])];
  return ids;
}

/** Services that own the whole port they answer on: seen once, every flow to that port is management. */
const WHOLE_PORT = new Set(['docker-api', 'kube-apiserver']);

/** Record what a management request showed about the surface. */
export function learnFromRequest(ev: ApiEvent, reach: Reach, state: StateView): void {
  if (reach.role !== 'management' || ev.dst === undefined) return;
  const service = reach.service.split('|')[0]!;
  const port = ev.dstPort;
  const wholePort = WHOLE_PORT.has(service) && port !== undefined;
  const path = wholePort || reach.provenance !== 'catalogue' ? '' : (surfaceCatalog().adminPaths.find((a) => a.service === service && ev.resource.startsWith(a.prefix))?.prefix ?? '');
  state.seen(LEARNED_NS, `${ev.dst}${SEP}${port ?? ''}${SEP}${path}${SEP}${service}`, ev.time);
  if (wholePort) {
    const i = serviceIds().indexOf(service);
    if (i >= 0) writeNumber(state, LEARNED_PORT_NS, `${ev.dst}:${port}`, i);
  }
}

/**
 * An access log that names no port can still be an admin API's own log: Kong's Admin API log is full of
 * /services, /routes, /plugins. Once a log shows ADMIN_LOG_PATHS such paths of one service, all its
 * requests are management requests to that service.
 */
export function learnFromLog(ev: ApiEvent, state: StateView): void {
  if (ev.service !== 'http' || ev.dstPort !== undefined) return;
  const path = ev.resource;
  if (path.length < 2) return;
  const source = ev.ref.source;
  // Every admin-port path named anywhere in the request (/services/web/routes/main names two).
  for (const a of surfaceCatalog().adminPaths) {
    if (a.scope !== 'adminPort' || !containsSegments(path, a.prefix)) continue;
    if (!state.seen(SOURCE_PATH_NS, `${source}${SEP}${a.service}${SEP}${a.prefix}`, ev.time)) continue;
    const key = `${source}${SEP}${a.service}`;
    const n = (readNumber(state, SOURCE_COUNT_NS, key) ?? 0) + 1;
    writeNumber(state, SOURCE_COUNT_NS, key, n);
    const i = serviceIds().indexOf(a.service);
    if (n >= ADMIN_LOG_PATHS && i >= 0 && readNumber(state, SOURCE_SERVICE_NS, source) === undefined) {
      writeNumber(state, SOURCE_SERVICE_NS, source, i);
      state.seen(LEARNED_NS, `${SEP}${SEP}log:${source}${SEP}${a.service}`, ev.time);
    }
  }
}

/** `/routes` in `/services/web/routes/main`: the segments appear in order, on segment boundaries. */
function containsSegments(path: string, prefix: string): boolean {
  let at = path.indexOf(prefix);
  while (at >= 0) {
    const end = at + prefix.length;
    if (end === path.length || path.charCodeAt(end) === 47) return true;
    at = path.indexOf(prefix, at + 1);
  }
  return false;
}

/** The admin API a log was learned to belong to, if any. */
export function learnedLogService(state: StateView, source: string): string | undefined {
  const i = readNumber(state, SOURCE_SERVICE_NS, source);
  return i === undefined ? undefined : serviceIds()[i];
}

/** The service learned for a whole address:port, if any. */
export function learnedService(state: StateView, address: string, port: number): string | undefined {
  const i = readNumber(state, LEARNED_PORT_NS, `${address}:${port}`);
  return i === undefined ? undefined : serviceIds()[i];
}

/** The learned endpoints, as the surface lists them. */
export function learnedEndpoints(store: BaselineAccess): SurfaceEndpoint[] {
  return store.entries(LEARNED_NS).map((e) => {
    const [address, port, path, service] = e.key.split(SEP) as [string, string, string, string];
    if (path.startsWith('log:')) {
      return { role: 'management', service, provenance: 'learned', why: `${path.slice(4)} is the ${service} API's access log (its requests use ${ADMIN_LOG_PATHS} or more of its admin paths)`, firstSeen: e.first, lastSeen: e.last };
    }
    const ep: SurfaceEndpoint = { address, role: 'management', service, provenance: 'learned', why: path !== '' ? `requests reached the admin route ${path}` : `${service} requests answered on this port`, firstSeen: e.first, lastSeen: e.last };
    if (port !== '') ep.port = Number(port);
    if (path !== '') ep.path = path;
    return ep;
  });
}
