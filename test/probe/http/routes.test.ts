import { describe, expect, it } from 'vitest';
import { probeSignatures } from '../../../src/catalog/signatures.js';
import type { HttpExchange } from '../../../src/probe/http/engine.js';
import { joinRoute, routePrefixes, sameAsUnknown, walkRoutes } from '../../../src/probe/http/routes.js';
import { replayFetch } from '../../../src/probe/http/replay.js';
import { fixtureOf } from '../servers/recorded.js';

const signatures = probeSignatures();
const NONCE = '/drawbridge-0123456789abcdef';
const notFound = { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><center><h1>404 Not Found</h1></center><hr><center>nginx</center></html>' };

/** A recorded gateway: each route serves a fixture's recorded server under its prefix. */
function gateway(routes: Record<string, ReturnType<typeof fixtureOf>['server']>, fallback = notFound): ReturnType<typeof replayFetch> {
  return async (req) => {
    for (const [prefix, server] of Object.entries(routes)) {
      if (req.path.startsWith(prefix)) return replayFetch(server)({ ...req, path: `/${req.path.slice(prefix.length)}` });
    }
    return { ...fallback, headers: { ...fallback.headers } };
  };
}

describe('gateway route walk', () => {
  it('joins a prefix and a request path', () => {
    expect(joinRoute('/grafana/', '/api/health')).toBe('/grafana/api/health');
    expect(joinRoute('/grafana/', '/')).toBe('/grafana/');
    expect(joinRoute('/haproxy/', '/haproxy?stats')).toBe('/haproxy/haproxy?stats');
  });

  it('takes its prefixes from the signatures, each a path prefix, the family the issue names included', () => {
    const prefixes = [...routePrefixes(signatures).keys()];
    for (const p of ['/admin/', '/haproxy/', '/grafana/', '/jenkins/', '/prometheus/', '/dashboard/', '/kong/']) expect(prefixes).toContain(p);
    for (const p of prefixes) expect(p).toMatch(/^\/.+\/$/);
  });

  it('an unknown-path answer that echoes the path is still recognised as "nothing routed here"', () => {
    const echo = (p: string) => ({ status: 404, headers: {}, body: `Cannot GET ${p}` });
    expect(sameAsUnknown(echo('/grafana/'), echo(NONCE), '/grafana/', NONCE)).toBe(true);
    expect(sameAsUnknown({ status: 302, headers: {}, body: '' }, echo(NONCE), '/grafana/', NONCE)).toBe(false);
  });

  it('fingerprints Jenkins and Kong admin behind routes, read-only, and ignores unrouted prefixes', async () => {
    const seen: HttpExchange[] = [];
    const gw = gateway({ '/ci/': fixtureOf('jenkins', signatures.find((s) => s.id === 'jenkins')!.fixtures[0]!.name).server, '/kong/': fixtureOf('kong-admin', signatures.find((s) => s.id === 'kong-admin')!.fixtures[0]!.name).server });
    const walk = await walkRoutes(async (r) => (seen.push(r), gw(r)), signatures, { noncePath: NONCE, nonce: notFound });
    expect(walk.hits.map((h) => [h.prefix, h.verdict.signature.id])).toEqual([
      ['/ci/', 'jenkins'],
      ['/kong/', 'kong-admin'],
    ]);
    expect(walk.routed).toEqual(['/ci/', '/kong/']);
    for (const r of seen) expect(['GET', 'HEAD']).toContain(r.method);
    expect(walk.truncated).toBe(false);
  });

  it('stops at its request budget on a gateway where every prefix answers', async () => {
    let sent = 0;
    const everywhere = async (req: HttpExchange) => (sent++, { status: 200, headers: {}, body: `page ${req.path}` });
    const walk = await walkRoutes(everywhere, signatures, { noncePath: NONCE, nonce: { status: 404, headers: {}, body: 'nope' }, budget: 50 });
    expect(sent).toBe(50);
    expect(walk.requests).toBe(50);
    expect(walk.truncated).toBe(true);
    expect(walk.hits).toEqual([]);
  });
});
