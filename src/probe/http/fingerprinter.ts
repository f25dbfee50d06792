import { randomBytes } from 'node:crypto';
import { probeSignatures, type Signature } from '../../catalog/signatures.js';
import { shippedAdvisoryLookup, type AdvisoryLookup } from '../../intel/advisory-lookup.js';
import type { Finding } from '../../model/finding.js';
import { inspectTls, type TlsInspection } from '../tls/inspect.js';
import { NotThisProtocol, type Endpoint, type Fingerprinter, type Observation, type ProbeOptions } from '../types.js';
import { isClientCertRefusal, plainHttpRejection, sendHttp, type HttpOutcome, type Scheme } from './client.js';
import { runSignatures, tryDefaultCredentials, type CredentialAttempt, type HttpExchange, type HttpFetch, type SignatureVerdict } from './engine.js';
import { joinRoute, prefixedFetch, walkRoutes } from './routes.js';
import { buildFindings } from './findings.js';
import type { HttpResponse } from './match.js';
import { pushAll } from '../../util/arrays.js';

export type { AdvisoryLookup };

export interface HttpFingerprinterDeps {
  signatures?: readonly Signature[];
  advisories?: AdvisoryLookup;
  /** Random path used to catch catch-all servers; injectable for deterministic tests. */
  noncePath?: () => string;
}


/** nginx answers every path this way when `ssl_verify_client on` and no certificate came (probe-facts §2). */
export function nginxClientCertMissing(r: HttpResponse): boolean {
  return r.status === 400 && /No required SSL certificate was sent/.test(r.body);
}

/** Scheme order for a port: https first where the catalogue says the port speaks TLS. */
export function schemeOrder(signatures: readonly Signature[], port: number): Scheme[] {
  const here = signatures.filter((s) => s.ports.includes(port));
  const https = here.filter((s) => s.scheme === 'https').length;
  const http = here.filter((s) => s.scheme === 'http').length;
  return https > http || [443, 6443, 8443, 2376, 10250, 5986, 9443, 10000].includes(port) ? ['https', 'http'] : ['http', 'https'];
}

interface Transport {
  scheme?: Scheme;
  nonce?: HttpResponse;
  plainHttpRejectedBy?: string;
  tlsRefusal?: string;
  errors: string[];
}

/** Picks the scheme the port speaks: the catalogue's guess first, retrying with TLS after a recognisable 400. */
async function chooseTransport(ep: Endpoint, order: Scheme[], noncePath: string, opts: ProbeOptions): Promise<Transport> {
  const t: Transport = { errors: [] };
  for (const scheme of order) {
    const o: HttpOutcome = await sendHttp(ep, scheme, { method: 'GET', path: noncePath }, { timeoutMs: opts.timeoutMs, connect: opts.connect });
    if (!o.ok) {
      t.errors.push(`${scheme}: ${o.code} ${o.message}`);
      if (scheme === 'https' && isClientCertRefusal(o.code, o.message)) t.tlsRefusal = `${o.code}: ${o.message}`;
      continue;
    }
    const rejection = scheme === 'http' ? plainHttpRejection(o.response) : undefined;
    if (rejection) {
      t.plainHttpRejectedBy = rejection;
      continue;
    }
    t.scheme = scheme;
    t.nonce = o.response;
    return t;
  }
  return t;
}

function hostAsset(ep: Endpoint): string {
  return ep.host;
}

/**
 * The HTTP(S) fingerprinter: finds the scheme, reads TLS facts, runs the signature catalogue and turns the
 * verdict into findings. Read-only: GET/HEAD plus the documented etcd range read.
 */
export function createHttpFingerprinter(deps: HttpFingerprinterDeps = {}): Fingerprinter {
  const lookup = deps.advisories ?? shippedAdvisoryLookup;
  const nonceOf = deps.noncePath ?? (() => `/drawbridge-${randomBytes(8).toString('hex')}`);
  return {
    id: 'http',
    protocols: ['http', 'https', 'http-or-https'],
    async probe(ep: Endpoint, opts: ProbeOptions): Promise<Observation | undefined> {
      const signatures = deps.signatures ?? probeSignatures();
      const log = opts.log ?? (() => undefined);
      const noncePath = nonceOf();
      const transport = await chooseTransport(ep, schemeOrder(signatures, ep.port), noncePath, opts);
      let tlsInfo: TlsInspection | undefined;
      if (transport.scheme === 'https' || (!transport.scheme && (transport.tlsRefusal || transport.plainHttpRejectedBy))) {
        tlsInfo = await inspectTls(ep, { timeoutMs: opts.timeoutMs, connect: opts.connect });
      }
      const tlsFacts = tlsInfo?.tls ? { ...tlsInfo.facts } : undefined;
      const facts: Record<string, unknown> = { scheme: transport.scheme };
      if (transport.plainHttpRejectedBy) facts.plainHttpRejectedBy = transport.plainHttpRejectedBy;
      if (tlsInfo?.tls) facts.tls = { protocol: tlsInfo.protocol, alert: tlsInfo.alert, method: tlsInfo.method };

      if (!transport.scheme) {
        // TLS that refuses a client without a certificate: nothing behind it can be judged, and that is the point.
        if (tlsFacts?.clientCertRequired || transport.tlsRefusal) {
          if (tlsFacts) tlsFacts.clientCertRequired = true;
          return {
            endpoint: ep,
            outcome: 'unrecognised',
            notes: ['http: TLS refuses clients without a certificate; the service behind it cannot be seen'],
            auth: 'refused',
            tls: tlsFacts ?? { clientCertRequired: true },
            facts: { ...facts, refusedBy: 'tls-client-certificate', errors: transport.errors },
            findings: [],
          };
        }
        throw new NotThisProtocol(`not http: ${transport.errors.join('; ') || 'no HTTP answer'}`);
      }
      if (transport.nonce && nginxClientCertMissing(transport.nonce)) {
        const t = { ...tlsFacts, clientCertRequested: true, clientCertRequired: true };
        return {
          endpoint: ep,
          outcome: 'unrecognised',
          notes: ['http: nginx requires a client certificate (ssl_verify_client on)'],
          auth: 'refused',
          tls: t,
          facts: { ...facts, refusedBy: 'nginx ssl_verify_client on (HTTP 400 after handshake)' },
          findings: [],
        };
      }

      const scheme = transport.scheme;
      const fetch: HttpFetch = async (req: HttpExchange) => {
        const o = await sendHttp(ep, scheme, req, { timeoutMs: opts.timeoutMs, connect: opts.connect });
        return o.ok ? o.response : undefined;
      };
      const result = await runSignatures(fetch, signatures, { port: ep.port, noncePath, nonce: transport.nonce });
      facts.nonceStatus = result.nonce?.status;
      if (result.catchAllRejected.length) facts.catchAllRejected = result.catchAllRejected;
      const server = result.nonce?.headers.server;
      if (server) facts.server = server;
      const v = result.verdict;
      const base = `${scheme}://${ep.host}:${ep.port}`;
      const judged = async (verdict: SignatureVerdict, through: HttpFetch, url: string, prefix?: string): Promise<Finding[]> => {
        const sig = verdict.signature;
        let credentials: CredentialAttempt[] = [];
        if (opts.tryDefaultCredentials && sig.defaultCredentials.length > 0 && verdict.auth !== 'open') {
          credentials = await tryDefaultCredentials(through, sig, log, url);
          if (!prefix) facts.defaultCredentialAttempts = credentials;
        }
        const advisories = verdict.version && sig.advisoryPackage ? lookup(sig.advisoryPackage, verdict.version) : [];
        const urlOf = prefix ? (path: string) => base + joinRoute(prefix, path) : undefined;
        return buildFindings({ endpoint: ep, asset: hostAsset(ep), url, urlOf, key: prefix, verdict, advisories, credentials });
      };

      // A web server or gateway (nothing identified at the root, or a gateway product): walk the
      // catalogue's admin routes behind it.
      const findings: Finding[] = [];
      if (result.nonce && opts.routeWalk !== false && (!v || v.signature.subTechnique === 'exposed-gateway')) {
        const walk = await walkRoutes(fetch, signatures, { noncePath, nonce: result.nonce });
        if (walk.routed.length) facts.routesAnswering = walk.routed;
        if (walk.truncated) facts.routeWalkTruncated = true;
        const hits = [];
        for (const h of walk.hits) {
          const url = base + h.prefix;
          hits.push({ url, product: h.verdict.signature.id, version: h.verdict.version, auth: h.verdict.auth, page: h.verdict.page && base + joinRoute(h.prefix, h.verdict.page.path) });
          pushAll(findings, await judged(h.verdict, prefixedFetch(fetch, h.prefix), url, h.prefix));
        }
        if (hits.length) facts.gatewayRoutes = hits;
      }
      if (!v) {
        if (findings.length === 0) return { endpoint: ep, outcome: 'unrecognised', notes: ['http: answered HTTP, no signature matched'], auth: 'unknown', tls: tlsFacts, facts, findings: [] };
        return { endpoint: ep, notes: ['http: no product at the root; admin interfaces answer on routes behind it'], auth: 'unknown', tls: tlsFacts, facts, findings };
      }

      const sig = v.signature;
      facts.because = v.because;
      if (v.proof) facts.proof = v.proof;
      if (v.page) facts.page = base + v.page.path;
      // The root's findings come first, then those of the routes behind it.
      const routed = findings.splice(0);
      pushAll(findings, await judged(v, fetch, base));
      pushAll(findings, routed);
      return {
        endpoint: ep,
        service: sig.service,
        product: sig.id,
        version: v.version,
        auth: v.auth,
        tls: tlsFacts,
        facts: { ...facts, productName: sig.name, checks: v.checks.map((c) => c.id) },
        findings,
      };
    },
  };
}

export const httpFingerprinter: Fingerprinter = createHttpFingerprinter();
