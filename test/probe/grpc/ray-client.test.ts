import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrpcFingerprinter } from '../../../src/probe/grpc/fingerprinter.js';
import { grpcProducts } from '../../../src/probe/grpc/products.js';
import { selectFingerprinters } from '../../../src/probe/registry.js';
import { NotThisProtocol, type Endpoint } from '../../../src/probe/types.js';

/**
 * A cleartext HTTP/2 server that answers as grpcio does: an unregistered method gets a trailers-only answer
 * with grpc-status 12 and "Method not found!"; registered methods answer with `status(method)`. The Ray
 * client proxy (ray-project/ray python/ray/util/client/server/proxier.py) registers ray.rpc.RayletDriver and
 * answers ClusterInfo without a client_id with NOT_FOUND (5): no channel for that client.
 */
function grpcServer(registered: Record<string, number>, options: { everyMethod?: number } = {}): Promise<{ ep: Endpoint; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    seen.push(`${String(headers[':method'])} ${path} ${String(headers['content-type'])}`);
    stream.on('data', () => undefined);
    stream.on('end', () => {
      const status = options.everyMethod ?? registered[path] ?? 12;
      const message = status === 12 ? 'Method not found!' : '';
      if (status === 12 || options.everyMethod !== undefined) {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(status), 'grpc-message': message }, { endStream: true });
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(status) }));
      stream.end();
    });
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({ ep: { host: '127.0.0.1', port: (server.address() as AddressInfo).port }, seen, close: () => new Promise<void>((done) => server.close(() => done())) }),
    ),
  );
}

const opts = { timeoutMs: 3000 };
/** The Ray product, moved to the emulator's port. */
const onPort = (port: number): ReturnType<typeof createGrpcFingerprinter> => createGrpcFingerprinter([{ ...grpcProducts()[0]!, ports: [port] }], () => 'nonce');

describe('gRPC fingerprinter: Ray client server', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('claims Ray’s client port 10001 besides the HTTP fingerprinter', () => {
    expect(selectFingerprinters(10001).map((f) => f.id)).toEqual(['http', 'grpc']);
    expect(selectFingerprinters(8265).map((f) => f.id)).toEqual(['http']);
  });

  it('recognises the Ray client proxy: ClusterInfo implemented, an unknown method UNIMPLEMENTED', async () => {
    const s = await grpcServer({ '/ray.rpc.RayletDriver/ClusterInfo': 5 });
    closers.push(s.close);
    const o = await onPort(s.ep.port).probe(s.ep, opts);
    expect(o).toMatchObject({ service: 'ray', product: 'ray-client', auth: 'open', facts: { grpc: { unknownMethodStatus: 12, ClusterInfoStatus: 5 } } });
    expect(o?.findings.map((f) => [f.rule, f.severity, f.evidence.url, f.evidence.service])).toEqual([['probe.grpc.ray-client.open', 'critical', `grpc://127.0.0.1:${s.ep.port}/ray.rpc.RayletDriver`, 'ray']]);
    // Two calls, both gRPC over HTTP/2, nothing else.
    expect(s.seen).toEqual([`POST /ray.rpc.RayletDriver/Drawbridgenonce application/grpc`, `POST /ray.rpc.RayletDriver/ClusterInfo application/grpc`]);
  });

  it('another gRPC server (nothing of Ray registered) is not Ray', async () => {
    const s = await grpcServer({ '/grpc.health.v1.Health/Check': 0 });
    closers.push(s.close);
    const o = await onPort(s.ep.port).probe(s.ep, opts);
    expect(o).toMatchObject({ outcome: 'unrecognised', auth: 'unknown', findings: [] });
  });

  it('a server that refuses every method before routing proves nothing', async () => {
    const s = await grpcServer({}, { everyMethod: 16 });
    closers.push(s.close);
    const o = await onPort(s.ep.port).probe(s.ep, opts);
    expect(o).toMatchObject({ outcome: 'unrecognised', findings: [] });
    expect(o?.notes?.[0]).toMatch(/cannot be proven/);
  });

  it('an HTTP/2 server that is not gRPC is not this protocol', async () => {
    const server = http2.createServer((_req, res) => res.writeHead(404).end('not found'));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    closers.push(() => new Promise<void>((done) => server.close(() => done())));
    const port = (server.address() as AddressInfo).port;
    await expect(onPort(port).probe({ host: '127.0.0.1', port }, opts)).rejects.toBeInstanceOf(NotThisProtocol);
  });
});
