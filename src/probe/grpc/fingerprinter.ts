/**
 * gRPC services without TLS, recognised by a method they implement. gRPC has no banner, and servers such
 * as the Ray client server register neither the health nor the reflection service, so the proof is
 * differential: a random method of the service's package answers UNIMPLEMENTED (the server routes by
 * method), while the product's own method answers anything else (the server registered that service).
 * The method called is a read that, with an empty request and no session, changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { findingText } from '../../catalog/texts.js';
import { makeFinding } from '../../model/finding.js';
import { openSocket } from '../net.js';
import { NotThisProtocol, type Endpoint, type Fingerprinter, type Observation, type ProbeOptions } from '../types.js';
import { grpcCall, type GrpcAnswer } from './call.js';
import { grpcProducts, type GrpcProduct } from './products.js';

/** gRPC status codes the verdict reads (grpc/doc/statuscodes.md). */
const UNIMPLEMENTED = 12;
const UNAUTHENTICATED = 16;

async function call(ep: Endpoint, path: string, opts: ProbeOptions): Promise<GrpcAnswer | undefined> {
  const socket = await openSocket(ep, opts);
  try {
    return await grpcCall(socket, `${ep.host.includes(':') ? `[${ep.host}]` : ep.host}:${ep.port}`, path, opts.timeoutMs);
  } finally {
    socket.destroy();
  }
}

function unrecognised(ep: Endpoint, note: string, facts: Record<string, unknown>): Observation {
  return { endpoint: ep, outcome: 'unrecognised', notes: [`grpc: ${note}`], auth: 'unknown', facts, findings: [] };
}

/**
 * Tries the products whose ports include this one; other ports are left to the other fingerprinters.
 * The catalogue is read when first needed, not when the module loads.
 */
export function createGrpcFingerprinter(given?: readonly GrpcProduct[], nonce = (): string => randomBytes(6).toString('hex')): Fingerprinter {
  const products = (): readonly GrpcProduct[] => given ?? grpcProducts();
  let ports: number[] | undefined;
  return {
    id: 'grpc',
    protocols: ['grpc'],
    get ports(): number[] {
      return (ports ??= [...new Set(products().flatMap((p) => p.ports))]);
    },
    async probe(ep: Endpoint, opts: ProbeOptions): Promise<Observation | undefined> {
      const here = products().filter((p) => p.ports.includes(ep.port));
      if (here.length === 0) throw new NotThisProtocol(`no gRPC product is known on port ${ep.port}`);
      for (const p of here) {
        const unknown = await call(ep, `/${p.grpcService}/Drawbridge${nonce()}`, opts);
        if (unknown?.grpcStatus === undefined) throw new NotThisProtocol(`not gRPC: ${unknown ? `HTTP/2 ${unknown.httpStatus} without grpc-status` : 'no HTTP/2 answer'}`);
        const known = await call(ep, `/${p.grpcService}/${p.method}`, opts);
        const facts = { grpc: { unknownMethodStatus: unknown.grpcStatus, [`${p.method}Status`]: known?.grpcStatus, message: known?.grpcMessage } };
        if (unknown.grpcStatus !== UNIMPLEMENTED) {
          // Every method refused alike (an authenticating interceptor before routing): which service is behind cannot be shown.
          return unrecognised(ep, `a gRPC server that answers status ${unknown.grpcStatus} to any method${unknown.grpcStatus === UNAUTHENTICATED ? ' (credentials first); a product behind it cannot be proven' : ''}`, facts);
        }
        if (known?.grpcStatus === undefined || known.grpcStatus === UNIMPLEMENTED) continue;
        const url = `grpc://${ep.host}:${ep.port}/${p.grpcService}`;
        const login = known.grpcStatus === UNAUTHENTICATED;
        const base = { asset: ep.host, location: { host: ep.host, port: ep.port } };
        const evidence = { url, product: p.id, service: p.service, grpcService: p.grpcService, method: p.method, ...facts.grpc };
        const finding = makeFinding({ ...base, ...findingText(login ? p.findings.login : p.findings.open, { vars: { url } }), evidence, confidence: 'confirmed' });
        return {
          endpoint: ep,
          service: p.service,
          product: p.id,
          auth: login ? 'login' : 'open',
          facts: { ...facts, productName: p.name, because: `${p.grpcService}/${p.method} is implemented (status ${known.grpcStatus}) while an unknown method is UNIMPLEMENTED` },
          findings: [finding],
        };
      }
      return unrecognised(ep, `a gRPC server implementing none of ${here.map((p) => p.grpcService).join(', ')}`, {});
    },
  };
}

export const grpcFingerprinter: Fingerprinter = createGrpcFingerprinter();
