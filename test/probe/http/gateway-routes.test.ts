import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFingerprinter } from '../../../src/probe/http/fingerprinter.js';
import type { Finding } from '../../../src/model/finding.js';
import type { Observation } from '../../../src/probe/types.js';
import { freePort, have, isLoopbackListen, listeningAddresses, removeDir, tempDir, type Running } from '../servers/launch.js';
import { startHaproxyStats, startNginx, startPrometheus } from '../servers/debian.js';
import { fixtureOf, serveRecorded, type RecordedServer } from '../servers/recorded.js';

// nginx (Debian) as a gateway on loopback, forwarding admin routes to real HAProxy stats listeners and a real
// Prometheus, plus Grafana served from its recorded catalogue fixture (Grafana is not packaged in Debian).
// One route is guarded by nginx Basic auth: the negative.
const fp = createHttpFingerprinter({ advisories: () => [] });
const probe = (port: number): Promise<Observation | undefined> => fp.probe({ host: '127.0.0.1', port }, { timeoutMs: 5000 });
const byRoute = (o: Observation | undefined): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const f of o?.findings ?? []) {
    const url = String(f.evidence.url);
    (out[url] ??= []).push(f.rule);
  }
  for (const k of Object.keys(out)) out[k]?.sort();
  return out;
};

describe.skipIf(!have('nginx') || !have('haproxy') || !have('prometheus'))('nginx gateway in front of admin interfaces', () => {
  const dirs: string[] = [];
  const runs: Running[] = [];
  let grafana: RecordedServer;
  const port = { gateway: 0, spa: 0, statsRoot: 0, statsAuth: 0, prometheus: 0 };
  let gw = '';
  beforeAll(async () => {
    for (const k of Object.keys(port) as (keyof typeof port)[]) port[k] = await freePort();
    const hapDir = tempDir('gw-haproxy');
    dirs.push(hapDir);
    // statsRoot: a dedicated listener with `stats uri /` (every path is the page); statsAuth: the default URI
    // behind Basic auth with a custom realm.
    runs.push(
      await startHaproxyStats(hapDir, [
        { name: 'stats_root', port: port.statsRoot, uri: '/' },
        { name: 'stats_auth', port: port.statsAuth, realm: 'Operations only', auth: 'ops:correct-horse' },
      ]),
    );
    const promDir = tempDir('gw-prometheus');
    dirs.push(promDir);
    runs.push(await startPrometheus(promDir, port.prometheus));
    grafana = await serveRecorded(fixtureOf('grafana', 'Grafana 10 login required').server);

    const dir = tempDir('gw-nginx');
    dirs.push(dir);
    writeFileSync(join(dir, 'htpasswd'), 'ops:{PLAIN}correct-horse\n');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>Shop</title></head><body><div id="app"></div></body></html>');
    const to = (p: number): string => `proxy_pass http://127.0.0.1:${p}/;`;
    const gateway = `server {
    listen 127.0.0.1:${port.gateway};
    location = / { return 200 "gateway\\n"; }
    location /haproxy/ { ${to(port.statsRoot)} }
    location /lb/ { ${to(port.statsAuth)} }
    location /prometheus/ { ${to(port.prometheus)} }
    location /grafana/ { ${to(grafana.port)} }
    location /admin/ { auth_basic "Restricted"; auth_basic_user_file ${dir}/htpasswd; ${to(port.statsRoot)} }
  }`;
    const spa = `server { listen 127.0.0.1:${port.spa}; root ${dir}; location / { try_files $uri /index.html; } }`;
    runs.push(await startNginx(dir, [gateway, spa], [port.gateway, port.spa]));
    gw = `http://127.0.0.1:${port.gateway}`;
  }, 60_000);
  afterAll(async () => {
    for (const r of runs) await r.stop();
    await grafana?.close();
    dirs.forEach(removeDir);
  });

  it('every server listens only on loopback', () => {
    for (const r of runs) for (const a of listeningAddresses(r.proc.pid as number)) expect(isLoopbackListen(a), a).toBe(true);
  });

  it('finds each admin interface behind its route, reports the full URL, and nothing behind the Basic-auth route', async () => {
    const o = await probe(port.gateway);
    expect(o?.product).toBeUndefined();
    expect(byRoute(o)).toEqual({
      [`${gw}/haproxy/`]: ['probe.http.haproxy-stats.open'],
      [`${gw}/lb/`]: ['probe.http.haproxy-stats.login-exposed'],
      [`${gw}/prometheus/`]: ['probe.http.prometheus.open'],
      [`${gw}/grafana/`]: ['probe.http.grafana.login-exposed'],
    });
    expect(o?.facts.routesAnswering).toContain('/admin/');
    const prom = o?.findings.find((f) => f.rule === 'probe.http.prometheus.open') as Finding;
    expect(prom.evidence).toMatchObject({ page: `${gw}/prometheus/api/v1/status/flags`, proofUrl: `${gw}/prometheus/api/v1/status/flags`, version: '2.42.0' });
    const lb = o?.findings.find((f) => f.evidence.url === `${gw}/lb/`) as Finding;
    // The answer that proved the login came from the default URI under the route, in the custom realm.
    expect(lb.evidence).toMatchObject({ proofUrl: `${gw}/lb/haproxy?stats`, proof: { status: 401 } });
    // Findings of different routes on one endpoint keep distinct ids.
    expect(new Set(o?.findings.map((f) => f.id)).size).toBe(o?.findings.length);
  });

  it('a catch-all single-page app: no route is fingerprinted, a handful of requests', async () => {
    const o = await probe(port.spa);
    expect(o?.findings).toEqual([]);
    expect(o?.facts.routesAnswering).toBeUndefined();
    expect(o?.facts.routeWalkTruncated).toBeUndefined();
  });
});
