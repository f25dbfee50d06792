import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFingerprinter } from '../../../src/probe/http/fingerprinter.js';
import type { Observation } from '../../../src/probe/types.js';
import { freePort, have, isLoopbackListen, launch, listeningAddresses, makePki, removeDir, tempDir, type Running } from '../servers/launch.js';
import { startHaproxyStats, startNginx, startPrometheus } from '../servers/debian.js';
import { fixtureOf, serveRecorded, type RecordedServer } from '../servers/recorded.js';

// Real servers from Debian packages, started here on loopback with their own temp dirs (CI installs:
// nginx-light haproxy prometheus docker.io etcd-server openssl).
const fp = createHttpFingerprinter({ advisories: () => [] });
const opts = { timeoutMs: 5000 };
const rules = (o: Observation | undefined): string[] => (o?.findings ?? []).map((f) => f.rule).sort();
const probe = (port: number): Promise<Observation | undefined> => fp.probe({ host: '127.0.0.1', port }, opts);

function expectLoopbackOnly(r: Running): void {
  const addrs = listeningAddresses(r.proc.pid as number);
  expect(addrs.length).toBeGreaterThan(0);
  for (const a of addrs) expect(isLoopbackListen(a), a).toBe(true);
}

describe.skipIf(!have('nginx') || !have('openssl'))('nginx TLS gateway (client certificates on / optional / off)', () => {
  let dir: string;
  let nginx: Running;
  let backend: RecordedServer;
  const port: Record<string, number> = {};
  beforeAll(async () => {
    dir = tempDir('nginx');
    const pki = makePki(dir);
    // Behind the gateway: the emulated Kubernetes API server (default RBAC) — nginx proxies to it.
    backend = await serveRecorded(fixtureOf('kube-apiserver', 'default kubeadm cluster (anonymous on, default RBAC)').server);
    for (const k of ['on', 'optional', 'off', 'spa']) port[k] = await freePort();
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>App</title></head><body><div id="root"></div></body></html>');
    const tlsCommon = `ssl_certificate ${pki.cert}; ssl_certificate_key ${pki.key}; ssl_client_certificate ${pki.ca};`;
    const proxy = `location / { proxy_pass http://127.0.0.1:${backend.port}; }`;
    nginx = await startNginx(
      dir,
      [
        `server { listen 127.0.0.1:${port.on} ssl; ${tlsCommon} ssl_verify_client on; ${proxy} }`,
        `server { listen 127.0.0.1:${port.optional} ssl; ${tlsCommon} ssl_verify_client optional; ${proxy} }`,
        `server { listen 127.0.0.1:${port.off} ssl; ssl_certificate ${pki.cert}; ssl_certificate_key ${pki.key}; ${proxy} }`,
        `server { listen 127.0.0.1:${port.spa}; root ${dir}; location / { try_files $uri /index.html; } }`,
      ],
      Object.values(port),
    );
  });
  afterAll(async () => {
    await nginx?.stop();
    await backend?.close();
    removeDir(dir);
  });

  it('listens only on loopback', () => expectLoopbackOnly(nginx));

  it('ssl_verify_client on: certificate requested, refused without one, nothing behind it judged, no findings', async () => {
    const o = await probe(port.on as number);
    expect(o?.auth).toBe('refused');
    expect(o?.tls).toMatchObject({ clientCertRequested: true, clientCertRequired: true, subject: 'CN=127.0.0.1', issuer: 'CN=Drawbridge Test CA', selfSigned: false });
    expect(o?.product).toBeUndefined();
    expect(rules(o)).toEqual([]);
  });

  it('ssl_verify_client optional: certificate requested but not required; the API behind is judged', async () => {
    const o = await probe(port.optional as number);
    expect(o?.tls).toMatchObject({ clientCertRequested: true, clientCertRequired: false });
    expect(o?.product).toBe('kube-apiserver');
    expect(o?.version).toBe('1.29.3');
    expect(o?.auth).toBe('login');
    expect(rules(o)).toEqual(['probe.http.kube-apiserver.anonymous-version', 'probe.http.kube-apiserver.login-exposed']);
  });

  it('no client certificates: nothing requested; plain HTTP on the TLS port is recognised and retried with TLS', async () => {
    // schemeOrder tries http first on an unknown port, so this also proves the nginx 400 retry.
    const o = await probe(port.off as number);
    expect(o?.facts.plainHttpRejectedBy).toBe('nginx');
    expect(o?.facts.scheme).toBe('https');
    expect(o?.tls).toMatchObject({ clientCertRequested: false, clientCertRequired: false });
    expect(o?.product).toBe('kube-apiserver');
  });

  it('a catch-all SPA identifies as nothing and raises nothing', async () => {
    const o = await probe(port.spa as number);
    expect(o?.product).toBeUndefined();
    expect(o?.auth).toBe('unknown');
    expect(rules(o)).toEqual([]);
  });
});

describe.skipIf(!have('haproxy'))('HAProxy stats: open (admin mode) vs basic auth', () => {
  let dir: string;
  let hap: Running;
  let open = 0;
  let guarded = 0;
  beforeAll(async () => {
    dir = tempDir('haproxy');
    open = await freePort();
    guarded = await freePort();
    hap = await startHaproxyStats(dir, [
      { name: 'stats_open', port: open, admin: true },
      { name: 'stats_guarded', port: guarded, auth: 'admin:correct-horse', hideVersion: true },
    ]);
  });
  afterAll(async () => {
    await hap?.stop();
    removeDir(dir);
  });

  it('listens only on loopback', () => expectLoopbackOnly(hap));

  it('open stats page in admin mode: OPEN + admin-mode, version read', async () => {
    const o = await probe(open);
    expect(o?.product).toBe('haproxy-stats');
    expect(o?.auth).toBe('open');
    expect(o?.version).toMatch(/^2\.\d+\.\d+/);
    expect(rules(o)).toEqual(['probe.http.haproxy-stats.admin-mode', 'probe.http.haproxy-stats.open']);
    expect(o?.findings.find((f) => f.rule.endsWith('.admin-mode'))?.severity).toBe('critical');
  });

  it('stats behind basic auth: LOGIN only, no version', async () => {
    const o = await probe(guarded);
    expect(o?.product).toBe('haproxy-stats');
    expect(o?.auth).toBe('login');
    expect(o?.version).toBeUndefined();
    expect(rules(o)).toEqual(['probe.http.haproxy-stats.login-exposed']);
  });
});

describe.skipIf(!have('prometheus'))('Prometheus: admin API on vs off', () => {
  const runs: Running[] = [];
  const dirs: string[] = [];
  const ports: Record<'admin' | 'plain', number> = { admin: 0, plain: 0 };
  beforeAll(async () => {
    for (const k of ['admin', 'plain'] as const) {
      const dir = tempDir(`prom-${k}`);
      dirs.push(dir);
      ports[k] = await freePort();
      runs.push(await startPrometheus(dir, ports[k], { adminApi: k === 'admin' }));
    }
  });
  afterAll(async () => {
    for (const r of runs) await r.stop();
    dirs.forEach(removeDir);
  });

  it('listens only on loopback', () => runs.forEach(expectLoopbackOnly));

  it('admin API enabled: OPEN + admin-api finding', async () => {
    const o = await probe(ports.admin);
    expect(o?.product).toBe('prometheus');
    expect(o?.version).toBe('2.42.0');
    expect(rules(o)).toEqual(['probe.http.prometheus.admin-api', 'probe.http.prometheus.open']);
  });

  it('admin API off: only the unauthenticated status API', async () => {
    const o = await probe(ports.plain);
    expect(o?.product).toBe('prometheus');
    expect(rules(o)).toEqual(['probe.http.prometheus.open']);
  });
});

describe.skipIf(!have('dockerd') || !have('openssl') || process.getuid?.() !== 0)('Docker Engine: plain TCP vs TLS with client certificates', () => {
  const runs: Running[] = [];
  const dirs: string[] = [];
  let plain = 0;
  let tlsPort = 0;
  beforeAll(async () => {
    plain = await freePort();
    tlsPort = await freePort();
    const start = async (name: string, extra: string[], port: number): Promise<void> => {
      const dir = tempDir(`dockerd-${name}`);
      dirs.push(dir);
      const args = ['-H', `tcp://127.0.0.1:${port}`, '--iptables=false', '--bridge=none', '--ip-forward=false', '--data-root', `${dir}/data`, '--exec-root', `${dir}/exec`, '--pidfile', `${dir}/pid`, ...extra];
      runs.push(await launch('dockerd', args, [port], 60_000));
    };
    await start('plain', [], plain);
    const pkiDir = tempDir('dockerd-pki');
    dirs.push(pkiDir);
    const pki = makePki(pkiDir);
    await start('tls', ['--tlsverify', `--tlscacert=${pki.ca}`, `--tlscert=${pki.cert}`, `--tlskey=${pki.key}`], tlsPort);
  }, 150_000);
  afterAll(async () => {
    for (const r of runs) await r.stop();
    dirs.forEach(removeDir);
  }, 60_000);

  it('listens only on loopback', () => runs.forEach(expectLoopbackOnly));

  it('plain TCP: Docker API OPEN, critical', async () => {
    const o = await probe(plain);
    expect(o?.product).toBe('docker-engine');
    expect(o?.service).toBe('docker-api');
    expect(o?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(o?.auth).toBe('open');
    expect(rules(o)).toEqual(['probe.http.docker-engine.open']);
    expect(o?.findings[0]?.severity).toBe('critical');
  });

  it('--tlsverify: refused at TLS without a client certificate, no findings', async () => {
    const o = await probe(tlsPort);
    expect(o?.auth).toBe('refused');
    expect(o?.tls).toMatchObject({ clientCertRequested: true, clientCertRequired: true, issuer: 'CN=Drawbridge Test CA' });
    expect(rules(o)).toEqual([]);
  });
});

describe.skipIf(!have('etcd') || !have('openssl'))('etcd: open vs client-certificate TLS', () => {
  const runs: Running[] = [];
  const dirs: string[] = [];
  let open = 0;
  let secured = 0;
  beforeAll(async () => {
    const start = async (name: string, scheme: 'http' | 'https', extra: string[]): Promise<number> => {
      const dir = tempDir(`etcd-${name}`);
      dirs.push(dir);
      const client = await freePort();
      const peer = await freePort();
      const args = [
        '--name', name, '--data-dir', `${dir}/data`,
        '--listen-client-urls', `${scheme}://127.0.0.1:${client}`, '--advertise-client-urls', `${scheme}://127.0.0.1:${client}`,
        '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
        '--initial-cluster', `${name}=http://127.0.0.1:${peer}`, ...extra,
      ];
      runs.push(await launch('etcd', args, [client]));
      return client;
    };
    open = await start('open', 'http', []);
    const pkiDir = tempDir('etcd-pki');
    dirs.push(pkiDir);
    const pki = makePki(pkiDir);
    secured = await start('secured', 'https', ['--client-cert-auth', `--trusted-ca-file=${pki.ca}`, `--cert-file=${pki.cert}`, `--key-file=${pki.key}`]);
  }, 90_000);
  afterAll(async () => {
    for (const r of runs) await r.stop();
    dirs.forEach(removeDir);
  });

  it('listens only on loopback', () => runs.forEach(expectLoopbackOnly));

  it('open etcd: v3 range read answers, OPEN critical', async () => {
    const o = await probe(open);
    expect(o?.product).toBe('etcd');
    expect(o?.version).toMatch(/^3\.\d+\.\d+$/);
    expect(o?.auth).toBe('open');
    expect(rules(o)).toEqual(['probe.http.etcd.open']);
  });

  it('client-cert-auth: refused at TLS, no findings', async () => {
    const o = await probe(secured);
    expect(o?.auth).toBe('refused');
    expect(o?.tls?.clientCertRequired).toBe(true);
    expect(rules(o)).toEqual([]);
  });
});
