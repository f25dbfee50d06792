import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { probeSignatures, type SignatureFixture } from '../../../src/catalog/signatures.js';
import { recordedResponse } from '../../../src/probe/http/replay.js';

/**
 * Emulates a product that cannot run here (kube-apiserver, kubelet, Kong) by serving one of its catalogue
 * fixtures over real HTTP(S) on loopback: each response is the recorded one, whose source the fixture names.
 */
export function fixtureOf(signatureId: string, fixtureName: string): SignatureFixture {
  const sig = probeSignatures().find((s) => s.id === signatureId);
  const fx = sig?.fixtures.find((f) => f.name === fixtureName);
  if (!fx) throw new Error(`no fixture ${signatureId} / ${fixtureName}`);
  return fx;
}

export interface RecordedServer {
  port: number;
  /** Requests received, "METHOD /path". */
  seen: string[];
  close: () => Promise<void>;
}

export async function serveRecorded(server: SignatureFixture['server'], tlsFiles?: { cert: string; key: string }): Promise<RecordedServer> {
  const seen: string[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    req.resume();
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      seen.push(`${method} ${path}`);
      const r = recordedResponse(server, method, path);
      res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) });
      res.end(r.body);
    });
  };
  const srv = tlsFiles ? https.createServer({ cert: readFileSync(tlsFiles.cert), key: readFileSync(tlsFiles.key) }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  return {
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}
