import type { SignatureFixture } from '../../catalog/signatures.js';
import type { HttpExchange, HttpFetch } from './engine.js';
import type { HttpResponse } from './match.js';

/**
 * Serves a recorded server (a signature fixture) as an HttpFetch: responses keyed "METHOD /path" or "/path"
 * (GET), every other request gets the fixture's default. Used by the catalogue test and the emulated servers.
 */
export function replayFetch(server: SignatureFixture['server'], seen?: HttpExchange[]): HttpFetch {
  return async (req) => {
    seen?.push(req);
    return recordedResponse(server, req.method, req.path);
  };
}

export function recordedResponse(server: SignatureFixture['server'], method: string, path: string): HttpResponse {
  const hit = server.paths[`${method} ${path}`] ?? (method === 'GET' || method === 'HEAD' ? server.paths[path] : undefined) ?? server.default;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(hit.headers)) headers[k.toLowerCase()] = v;
  return { status: hit.status, headers, body: method === 'HEAD' ? '' : hit.body };
}
