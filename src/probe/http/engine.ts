import type { DefaultCredential, Signature, SignatureCheck, SignatureRequest } from '../../catalog/signatures.js';
import type { AuthState } from '../types.js';
import { extractFirst, matchAll, matchedRequests, type HttpResponse, type ResponseMap } from './match.js';

/** One request on the wire, as the engine asks for it. */
export interface HttpExchange {
  method: 'GET' | 'HEAD' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one request and returns the response, or undefined when no HTTP answer came. I/O lives behind it. */
export type HttpFetch = (req: HttpExchange) => Promise<HttpResponse | undefined>;

export interface RequestProof {
  request: string;
  method: string;
  path: string;
  status: number;
}

export interface SignatureVerdict {
  signature: Signature;
  version?: string;
  auth: AuthState;
  /** Why the auth state was chosen (the rule's words), and the request that proved it. */
  because?: string;
  proof?: RequestProof;
  /** The identification request whose answer recognised the product: where the page answered. */
  page?: RequestProof;
  checks: SignatureCheck[];
  responses: ResponseMap;
}

export interface EngineResult {
  /** The response to a random path: evidence of catch-all servers. */
  nonce?: HttpResponse;
  verdict?: SignatureVerdict;
  /** Signatures that matched but were rejected because the random path matched them too. */
  catchAllRejected: string[];
}

/** Memoises identical requests across signatures so shared paths (/, /version) are fetched once. */
export function cachingFetch(fetch: HttpFetch): HttpFetch {
  const cache = new Map<string, Promise<HttpResponse | undefined>>();
  return (req) => {
    const key = JSON.stringify([req.method, req.path, req.headers ?? {}, req.body ?? '']);
    let p = cache.get(key);
    if (!p) {
      p = fetch(req);
      cache.set(key, p);
    }
    return p;
  };
}

function exchangeOf(r: SignatureRequest): HttpExchange {
  return { method: r.method, path: r.path, headers: r.headers, body: r.body };
}

async function fetchStage(fetch: HttpFetch, sig: Signature, stage: 'identify' | 'confirm', into: Map<string, HttpResponse | undefined>): Promise<void> {
  const reqs = sig.requests.filter((r) => r.stage === stage);
  const answers = await Promise.all(reqs.map((r) => fetch(exchangeOf(r))));
  reqs.forEach((r, i) => into.set(r.id, answers[i]));
}

/** Signatures whose default ports include this port go first; the rest keep catalogue order. */
export function orderForPort(signatures: readonly Signature[], port: number): Signature[] {
  const preferred = signatures.filter((s) => s.ports.includes(port));
  return [...preferred, ...signatures.filter((s) => !s.ports.includes(port))];
}

/**
 * Catch-all guard: would this signature also match a server that answered the random path's response to
 * every request? Then the match proves nothing (SPA, proxy, honeypot) unless the product legitimately
 * answers uniformly (authentication before routing) and its matchers are product-specific.
 */
export function matchesCatchAll(sig: Signature, nonce: HttpResponse | undefined): boolean {
  if (!nonce || sig.uniformResponses) return false;
  const uniform = new Map(sig.requests.map((r) => [r.id, nonce] as const));
  if (!matchAll(sig.match, uniform)) return false;
  return !(sig.uniformWhen && matchAll(sig.uniformWhen, uniform));
}

function exchangeFor(sig: Signature, id: string, r: HttpResponse): RequestProof | undefined {
  const req = sig.requests.find((q) => q.id === id);
  return req ? { request: id, method: req.method, path: req.path, status: r.status } : undefined;
}

/** The first request among `ids` that got an answer, as proof. */
function firstAnswered(sig: Signature, ids: readonly string[], responses: ResponseMap): RequestProof | undefined {
  for (const id of ids) {
    const r = responses.get(id);
    const p = r && exchangeFor(sig, id, r);
    if (p) return p;
  }
  return undefined;
}

/** Judges an identified product from its responses: version, auth state, checks. Pure. */
export function judge(sig: Signature, responses: ResponseMap): Omit<SignatureVerdict, 'signature' | 'responses'> {
  const version = extractFirst(sig.version, responses);
  const rule = sig.auth.find((a) => matchAll(a.when, responses));
  // Proof and page are the requests whose answers satisfied the matchers (the branch of an `any` that
  // held), not merely the first request the rule mentions.
  const proof = rule ? firstAnswered(sig, matchedRequests(rule.when, responses), responses) : undefined;
  const page = firstAnswered(sig, matchedRequests(sig.match, responses), responses);
  return {
    version,
    auth: rule?.state ?? 'unknown',
    because: rule?.because,
    proof,
    page,
    checks: sig.checks.filter((c) => matchAll(c.when, responses)),
  };
}

/**
 * Runs the catalogue against one endpoint through `fetch`: nonce path first, then each signature's
 * identification requests until one matches (and survives the catch-all guard), then its confirm
 * requests. Stops at the first identified product.
 */
export async function runSignatures(
  fetch: HttpFetch,
  signatures: readonly Signature[],
  opts: { port: number; noncePath: string; /** Already fetched while choosing the scheme. */ nonce?: HttpResponse },
): Promise<EngineResult> {
  const f = cachingFetch(fetch);
  const nonce = opts.nonce ?? (await f({ method: 'GET', path: opts.noncePath }));
  const catchAllRejected: string[] = [];
  for (const sig of orderForPort(signatures, opts.port)) {
    const responses = new Map<string, HttpResponse | undefined>();
    await fetchStage(f, sig, 'identify', responses);
    if (!matchAll(sig.match, responses)) continue;
    if (matchesCatchAll(sig, nonce)) {
      catchAllRejected.push(sig.id);
      continue;
    }
    await fetchStage(f, sig, 'confirm', responses);
    return { nonce, verdict: { signature: sig, responses, ...judge(sig, responses) }, catchAllRejected };
  }
  return { nonce, catchAllRejected };
}

export interface CredentialAttempt {
  label: string;
  path: string;
  accepted: boolean;
  status?: number;
}

/** Only with --try-default-credentials: each vendor default listed in the signature, one request each, logged. */
export async function tryDefaultCredentials(fetch: HttpFetch, sig: Signature, log: (m: string) => void, where: string): Promise<CredentialAttempt[]> {
  const out: CredentialAttempt[] = [];
  for (const c of sig.defaultCredentials) {
    log(`probe: trying vendor default credential "${c.label}" for ${sig.name} at ${where}${c.path}`);
    const r = await fetch({ method: c.method, path: c.path, headers: credentialHeaders(c) });
    const accepted = r !== undefined && matchAll(c.success, new Map([['attempt', r]]));
    log(`probe: default credential "${c.label}" ${accepted ? 'ACCEPTED' : 'rejected'} (status ${r?.status ?? 'none'})`);
    out.push({ label: c.label, path: c.path, accepted, status: r?.status });
    if (accepted) break;
  }
  return out;
}

export function credentialHeaders(c: DefaultCredential): Record<string, string> {
  if (c.basic) return { authorization: `Basic ${Buffer.from(`${c.basic.username}:${c.basic.password}`).toString('base64')}` };
  if (c.header) return { [c.header.name]: c.header.value };
  return {};
}
