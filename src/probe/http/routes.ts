import type { Signature } from '../../catalog/signatures.js';
import { cachingFetch, runSignatures, type HttpFetch, type SignatureVerdict } from './engine.js';
import type { HttpResponse } from './match.js';

/**
 * Admin routes behind a gateway or reverse proxy: `/grafana/`, `/haproxy/`, `/jenkins/` … forwarded by
 * nginx, Traefik or Kong to a console that may not ask for credentials. The prefixes come from the
 * signatures' `routes`; under each prefix that is really routed, the same signatures run with every
 * request path prefixed, guarded by a random path under that prefix. Read-only like the rest.
 */

/** Requests one walk may send at most, whatever the catalogue holds. */
export const ROUTE_REQUEST_BUDGET = 400;

/** Prefix checks in flight at once. */
const PREFIX_CONCURRENCY = 8;

/** `/grafana/` + `/api/health` → `/grafana/api/health`; `/grafana/` + `/` → `/grafana/`. */
export function joinRoute(prefix: string, path: string): string {
  return prefix + path.replace(/^\//, '');
}

/** Every route prefix in the catalogue, in catalogue order, with the signatures that name it. */
export function routePrefixes(signatures: readonly Signature[]): Map<string, Signature[]> {
  const out = new Map<string, Signature[]>();
  for (const s of signatures) for (const r of s.routes) out.set(r, [...(out.get(r) ?? []), s]);
  return out;
}

/** A fetch whose every path is sent under `prefix`. */
export function prefixedFetch(fetch: HttpFetch, prefix: string): HttpFetch {
  return (req) => fetch({ ...req, path: joinRoute(prefix, req.path) });
}

/** Whether the answer at `path` is just the server's answer to an unknown path (nothing routed there). */
export function sameAsUnknown(r: HttpResponse, unknown: HttpResponse, path: string, unknownPath: string): boolean {
  if (r.status !== unknown.status) return false;
  const strip = (body: string, p: string): string => body.split(p).join('').trim();
  return strip(r.body, path) === strip(unknown.body, unknownPath);
}

export interface RouteHit {
  prefix: string;
  verdict: SignatureVerdict;
}

export interface RouteWalk {
  hits: RouteHit[];
  /** Prefixes that answered differently from an unknown path (something is routed there). */
  routed: string[];
  requests: number;
  /** The budget ran out before every routed prefix was fingerprinted. */
  truncated: boolean;
}

/**
 * Walks the catalogue's route prefixes on one endpoint. A prefix is fingerprinted only when its answer
 * differs from the answer to the unknown (nonce) path; signatures naming the prefix go first.
 */
export async function walkRoutes(
  fetch: HttpFetch,
  signatures: readonly Signature[],
  opts: { noncePath: string; nonce: HttpResponse; budget?: number; skip?: ReadonlySet<string> },
): Promise<RouteWalk> {
  const budget = opts.budget ?? ROUTE_REQUEST_BUDGET;
  let requests = 0;
  let truncated = false;
  const counted: HttpFetch = cachingFetch(async (req) => {
    if (requests >= budget) {
      truncated = true;
      return undefined;
    }
    requests++;
    return fetch(req);
  });
  const walk: RouteWalk = { hits: [], routed: [], requests: 0, truncated: false };
  const prefixes = [...routePrefixes(signatures)].filter(([prefix]) => !opts.skip?.has(prefix));
  // Which prefixes are routed: a few requests in flight at a time (the connector still rate-limits).
  const answers: (HttpResponse | undefined)[] = [];
  for (let i = 0; i < prefixes.length; i += PREFIX_CONCURRENCY) {
    const batch = prefixes.slice(i, i + PREFIX_CONCURRENCY);
    answers.push(...(await Promise.all(batch.map(([prefix]) => counted({ method: 'GET', path: prefix })))));
  }
  for (const [i, [prefix, named]] of prefixes.entries()) {
    if (truncated) break;
    const answer = answers[i];
    if (!answer || sameAsUnknown(answer, opts.nonce, prefix, opts.noncePath)) continue;
    walk.routed.push(prefix);
    const ordered = [...named, ...signatures.filter((s) => !named.includes(s))];
    // Port 0: under a route the listening port says nothing about the product, so catalogue order stands.
    const result = await runSignatures(prefixedFetch(counted, prefix), ordered, { port: 0, noncePath: opts.noncePath });
    if (result.verdict) walk.hits.push({ prefix, verdict: result.verdict });
  }
  walk.requests = requests;
  walk.truncated = truncated;
  return walk;
}
