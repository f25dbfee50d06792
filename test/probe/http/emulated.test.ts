import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFingerprinter } from '../../../src/probe/http/fingerprinter.js';
import type { Observation } from '../../../src/probe/types.js';
import { have, makePki, removeDir, tempDir } from '../servers/launch.js';
import { fixtureOf, serveRecorded, type RecordedServer } from '../servers/recorded.js';

// Products that do not run here (kube-apiserver, kubelet, Kong, Grafana, APISIX) answered byte for byte
// as their catalogue fixtures record them (each fixture names its source), over real sockets on loopback.
const rules = (o: Observation | undefined): string[] => (o?.findings ?? []).map((f) => f.rule).sort();
let servers: RecordedServer[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  dirs.forEach(removeDir);
  servers = [];
  dirs = [];
});

async function serve(sig: string, fixture: string, tls = false): Promise<RecordedServer> {
  let files: { cert: string; key: string } | undefined;
  if (tls) {
    const dir = tempDir('pki');
    dirs.push(dir);
    files = makePki(dir);
  }
  const s = await serveRecorded(fixtureOf(sig, fixture).server, files);
  servers.push(s);
  return s;
}

describe('emulated servers over real sockets', () => {
  it.skipIf(!have('openssl'))('kube-apiserver (TLS) with anonymous bound to cluster-admin: OPEN critical, discovery and version findings', async () => {
    const s = await serve('kube-apiserver', 'anonymous bound to cluster-admin', true);
    const o = await createHttpFingerprinter({ advisories: () => [] }).probe({ host: '127.0.0.1', port: s.port }, { timeoutMs: 5000 });
    expect(o?.facts.scheme).toBe('https');
    expect(o?.product).toBe('kube-apiserver');
    expect(o?.auth).toBe('open');
    expect(o?.tls?.selfSigned).toBe(false);
    expect(rules(o)).toEqual(['probe.http.kube-apiserver.anonymous-discovery', 'probe.http.kube-apiserver.anonymous-version', 'probe.http.kube-apiserver.open']);
    expect(o?.findings.find((f) => f.rule.endsWith('.open'))?.severity).toBe('critical');
    // Read-only: only GETs went out, and the OPEN proof used limit=1.
    expect(s.seen.every((r) => r.startsWith('GET '))).toBe(true);
    expect(s.seen).toContain('GET /api/v1/namespaces/kube-system/pods?limit=1');
  });

  it('kube-apiserver with anonymous auth off: LOGIN only (no version disclosure finding)', async () => {
    const s = await serve('kube-apiserver', 'anonymous auth disabled (401 everywhere)');
    const o = await createHttpFingerprinter({ advisories: () => [] }).probe({ host: '127.0.0.1', port: s.port }, { timeoutMs: 5000 });
    expect(o?.product).toBe('kube-apiserver');
    expect(rules(o)).toEqual(['probe.http.kube-apiserver.login-exposed']);
  });

  it('kubelet read-only port: OPEN critical; webhook-authorised twin: LOGIN', async () => {
    const open = await serve('kubelet', 'read-only port 10255');
    const fp = createHttpFingerprinter({ advisories: () => [] });
    const o1 = await fp.probe({ host: '127.0.0.1', port: open.port }, { timeoutMs: 5000 });
    expect(o1?.service).toBe('kubelet');
    expect(rules(o1)).toEqual(['probe.http.kubelet.open']);
    expect(o1?.findings[0]?.severity).toBe('critical');
    const locked = await serve('kubelet', 'webhook authorization denies anonymous');
    const o2 = await fp.probe({ host: '127.0.0.1', port: locked.port }, { timeoutMs: 5000 });
    expect(rules(o2)).toEqual(['probe.http.kubelet.login-exposed']);
  });

  it('Kong Admin API: OPEN critical, version read; Kong proxy port: nothing', async () => {
    const fp = createHttpFingerprinter({ advisories: () => [] });
    const admin = await serve('kong-admin', 'Kong 3.4 Admin API');
    const o = await fp.probe({ host: '127.0.0.1', port: admin.port }, { timeoutMs: 5000 });
    expect(o?.product).toBe('kong-admin');
    expect(o?.version).toBe('3.4.2');
    expect(rules(o)).toEqual(['probe.http.kong-admin.open']);
    const proxy = await serve('kong-admin', 'Kong proxy port (not the admin API)');
    const p = await fp.probe({ host: '127.0.0.1', port: proxy.port }, { timeoutMs: 5000 });
    expect(p?.product).toBeUndefined();
    expect(rules(p)).toEqual([]);
  });

  it('a version with an advisory gives an M1050 finding (advisory catalogue seam)', async () => {
    const s = await serve('jenkins', 'login required');
    const fp = createHttpFingerprinter({
      advisories: (pkg, version) =>
        pkg === 'jenkins' && version === '2.442'
          ? [{ id: 'TEST-2024-0001', aliases: ['CVE-2024-0001'], summary: 'test advisory', severity: 'high', confidence: 'possible', fixed: ['2.443'], remediation: 'Upgrade.' }]
          : [],
    });
    const o = await fp.probe({ host: '127.0.0.1', port: s.port }, { timeoutMs: 5000 });
    const adv = o?.findings.find((f) => f.rule === 'probe.http.jenkins.advisory');
    expect(adv).toMatchObject({ control: 'M1050', severity: 'high', confidence: 'possible' });
    expect(rules(o)).toEqual(['probe.http.jenkins.advisory', 'probe.http.jenkins.login-exposed']);
  });
});

describe('--try-default-credentials', () => {
  it('is off by default: no credential is sent', async () => {
    const s = await serve('grafana', 'Grafana 10 login required');
    const o = await createHttpFingerprinter({ advisories: () => [] }).probe({ host: '127.0.0.1', port: s.port }, { timeoutMs: 5000 });
    expect(o?.facts.defaultCredentialAttempts).toBeUndefined();
    expect(s.seen).not.toContain('GET /api/user');
  });

  it('tries only the catalogue defaults, logs each attempt, reports an accepted one as critical M1026', async () => {
    const fx = fixtureOf('grafana', 'Grafana 10 login required');
    // A Grafana that still has admin/admin: /api/user answers 200 (the emulator does not check the header;
    // this proves the attempt is made only on opt-in, logged, and judged by the catalogue success matchers).
    const server = { ...fx.server, paths: { ...fx.server.paths, '/api/user': { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":1,"login":"admin","isGrafanaAdmin":true}' } } };
    const s = await serveRecorded(server);
    servers.push(s);
    const log: string[] = [];
    const o = await createHttpFingerprinter({ advisories: () => [] }).probe({ host: '127.0.0.1', port: s.port }, { timeoutMs: 5000, tryDefaultCredentials: true, log: (m) => log.push(m) });
    expect(log.some((l) => l.includes('trying vendor default credential "admin/admin"'))).toBe(true);
    expect(log.some((l) => l.includes('ACCEPTED'))).toBe(true);
    const f = o?.findings.find((x) => x.rule === 'probe.http.grafana.default-credentials');
    expect(f).toMatchObject({ control: 'M1026', severity: 'critical' });
  });
});
