/**
 * HTTP request helpers shared by the access-log decoders (nginx, ALB, Zeek http): request-line
 * parsing, URL splitting, and recognising Docker Engine API calls behind a reverse proxy.
 */
import type { ApiEvent, RecordRef } from '../../../model/event.js';
import { own } from './text.js';

export interface RequestLine {
  method: string;
  target: string;
  protocol?: string;
}

const METHOD = /^[A-Z][A-Z_-]{0,19}$/;

/** "GET /x?y HTTP/1.1" → parts; undefined for garbage such as a TLS hello on a plain port. */
export function parseRequestLine(req: string): RequestLine | undefined {
  const a = req.indexOf(' ');
  if (a <= 0) return undefined;
  const method = req.slice(0, a);
  if (!METHOD.test(method)) return undefined;
  const b = req.lastIndexOf(' ');
  if (b > a && req.startsWith('HTTP/', b + 1)) return { method, target: req.slice(a + 1, b), protocol: req.slice(b + 1) };
  return { method, target: req.slice(a + 1) };
}

export interface Target {
  path: string;
  query?: string;
  host?: string;
}

/** Origin-form "/p?q" or absolute-form "http://host:port/p?q" (ALB logs the latter). */
export function splitTarget(target: string): Target {
  let rest = target;
  let host: string | undefined;
  const scheme = rest.indexOf('://');
  if (scheme > 0 && scheme < 8) {
    const slash = rest.indexOf('/', scheme + 3);
    host = slash < 0 ? rest.slice(scheme + 3) : rest.slice(scheme + 3, slash);
    rest = slash < 0 ? '/' : rest.slice(slash);
  }
  const q = rest.indexOf('?');
  const t: Target = { path: q < 0 ? rest : rest.slice(0, q) };
  if (q >= 0) t.query = rest.slice(q + 1);
  if (host !== undefined) t.host = host;
  return t;
}

/** First value of a query parameter (percent-decoded when possible). */
export function queryParam(query: string | undefined, name: string): string | undefined {
  if (!query) return undefined;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if ((eq < 0 ? part : part.slice(0, eq)) !== name) continue;
    const v = eq < 0 ? '' : part.slice(eq + 1);
    try {
      return decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      return v;
    }
  }
  return undefined;
}

const DOCKER_RESOURCES = new Set(['containers', 'images', 'exec', 'networks', 'volumes', 'swarm', 'services', 'nodes', 'secrets', 'configs', 'plugins', 'tasks', 'system', 'info', 'version', '_ping', 'events', 'build', 'auth', 'session', 'distribution', 'commit']);
/** Without the /vX.Y prefix only unmistakably Docker paths count (/info, /events are common web paths). */
const DOCKER_UNVERSIONED = new Set(['containers', 'images', 'exec', 'swarm', 'plugins', '_ping']);
/** Docker API versions always have a minor (v1.24 … v1.47); /v1/, /v2/ are other products' APIs (Kong, OpenAI). */
const API_VERSION = /^v\d+\.\d+$/;
/** Endpoints that take no further path segment (/v1.45/auth, not Kong's /v1/auth/token). */
const DOCKER_LEAVES = new Set(['auth', 'info', 'version', '_ping', 'events', 'build', 'commit', 'session']);

export interface DockerCall {
  resource: string;
  verb: string;
  name?: string;
}

/** A Docker Engine API call recognised from method + path, e.g. POST /v1.45/containers/create. */
export function dockerCall(method: string, path: string, query?: string): DockerCall | undefined {
  const seg = path.split('/');
  if (seg[0] !== '') return undefined;
  let i = 1;
  const versioned = API_VERSION.test(seg[1] ?? '');
  if (versioned) i = 2;
  const resource = seg[i];
  if (resource === undefined || !(versioned ? DOCKER_RESOURCES : DOCKER_UNVERSIONED).has(resource)) return undefined;
  const a = seg[i + 1];
  const b = seg[i + 2];
  if (DOCKER_LEAVES.has(resource) && a !== undefined && a !== '') return undefined;
  const m = method.toUpperCase();
  if (a === 'create' && m === 'POST') {
    const call: DockerCall = { resource, verb: 'create' };
    const name = queryParam(query, resource === 'images' ? 'fromImage' : 'name');
    if (name) call.name = name;
    return call;
  }
  if (a === 'json' && b === undefined && m === 'GET') return { resource, verb: 'list' };
  if (a !== undefined && a !== '' && b !== undefined && b !== '') {
    const verb = b === 'json' && m === 'GET' ? 'inspect' : m === 'POST' ? b : `${m.toLowerCase()} ${b}`;
    return { resource, verb, name: a };
  }
  if (a !== undefined && a !== '' && m === 'DELETE') return { resource, verb: 'delete', name: a };
  return { resource, verb: m.toLowerCase() };
}

export interface HttpRecord {
  time: number;
  ref: RecordRef;
  src: string;
  /** Raw request line, or method + target when logged separately. */
  method?: string;
  target?: string;
  status?: number;
  actor?: string;
  dst?: string;
  dstPort?: number;
  host?: string;
  userAgent?: string;
  observer?: string;
  /** A client certificate the proxy verified (e.g. "x509-sha1:<hex>"): the caller's credential. */
  credential?: string;
}

/**
 * An access-log request → api event: service 'docker' for Docker Engine API paths, else 'http'
 * with the method as verb and the path (no query) as resource. Garbage request lines keep verb '-'.
 */
export function httpApiEvent(r: HttpRecord): ApiEvent {
  const t = r.target !== undefined ? splitTarget(r.target) : { path: '' };
  const ev: ApiEvent = { kind: 'api', service: 'http', time: r.time, ref: r.ref, actor: own(r.actor ?? '-'), src: own(r.src), verb: r.method ?? '-', resource: own(t.path) };
  if (r.method !== undefined) {
    ev.method = r.method;
    const d = dockerCall(r.method, t.path, t.query);
    if (d) {
      ev.service = 'docker';
      ev.verb = d.verb;
      ev.resource = d.resource;
      if (d.name !== undefined) ev.name = own(d.name);
    }
  }
  if (r.status !== undefined) ev.status = r.status;
  if (r.dst !== undefined) ev.dst = own(r.dst);
  if (r.dstPort !== undefined) ev.dstPort = r.dstPort;
  const host = r.host ?? t.host;
  if (host !== undefined) ev.host = own(host);
  if (r.userAgent !== undefined) ev.userAgent = own(r.userAgent);
  if (r.observer !== undefined) ev.observer = own(r.observer);
  if (r.credential !== undefined) ev.credential = own(r.credential);
  return ev;
}
