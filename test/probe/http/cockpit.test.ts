import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSignatures, type Signature } from '../../../src/catalog/signatures.js';
import { ConfigSchema } from '../../../src/config/schema.js';
import { sendHttp } from '../../../src/probe/http/client.js';
import { createHttpFingerprinter } from '../../../src/probe/http/fingerprinter.js';
import { runProbe } from '../../../src/probe/scheduler.js';
import type { Observation } from '../../../src/probe/types.js';
import { startPrometheus } from '../servers/debian.js';
import { freePort, have, isLoopbackListen, launch, listeningAddresses, removeDir, tempDir, type Running } from '../servers/launch.js';

// The real Cockpit web service (Debian package cockpit-ws; CI installs it, and openssl). Each instance is
// started here on its own free loopback port with its own config dir (XDG_CONFIG_DIRS: cockpit.conf and
// ws-certs.d) and runtime dir, and stopped afterwards. Nobody logs in: the probe never sends credentials.
const COCKPIT_WS = '/usr/lib/cockpit/cockpit-ws';
const opts = { timeoutMs: 5000 };
const rules = (o: Observation | undefined): string[] => (o?.findings ?? []).map((f) => f.rule).sort();
const LOGIN_ONLY = ['probe.http.cockpit.login-exposed'];

/**
 * The catalogue as if `port` were 9090, the port Cockpit and Prometheus share (probe-facts §0, C2): both
 * signatures claim it, so the scheme order and signature order are those a real 9090 gets. Prometheus is
 * put first so the trap is armed: it is tried on Cockpit before Cockpit's own signature.
 */
function asIf9090(port: number): Signature[] {
  const sigs = probeSignatures().map((s) => (s.ports.includes(9090) ? { ...s, ports: [...s.ports, port] } : s));
  const rank = (s: Signature): number => (s.id === 'prometheus' ? 0 : 1);
  return [...sigs].sort((a, b) => rank(a) - rank(b));
}

function expectLoopbackOnly(r: Running): void {
  const addrs = listeningAddresses(r.proc.pid as number);
  expect(addrs.length).toBeGreaterThan(0);
  for (const a of addrs) expect(isLoopbackListen(a), a).toBe(true);
}

/** Starts cockpit-ws with its own XDG dirs; `tls` puts a self-signed certificate in ws-certs.d. */
async function startCockpit(dir: string, port: number, tls: boolean): Promise<Running> {
  const conf = join(dir, 'etc', 'cockpit');
  const certs = join(conf, 'ws-certs.d');
  mkdirSync(certs, { recursive: true });
  mkdirSync(join(dir, 'run'));
  // Our own cockpit.conf: XDG_CONFIG_DIRS replaces /etc, so the host's configuration plays no part.
  writeFileSync(join(conf, 'cockpit.conf'), '[WebService]\nLoginTitle = Drawbridge test console\n');
  if (tls) {
    // cockpit-ws 287 takes the first *.cert in ws-certs.d with its key beside it in a matching *.key file.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-keyout', join(certs, '0-drawbridge.key'), '-out', join(certs, '0-drawbridge.cert'),
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'pipe' });
  }
  // `env` execs cockpit-ws in place, so the process we watch (and stop) is cockpit-ws itself.
  const args = [`XDG_CONFIG_DIRS=${join(dir, 'etc')}`, `XDG_RUNTIME_DIR=${join(dir, 'run')}`, COCKPIT_WS, '--port', String(port), '--address', '127.0.0.1'];
  if (!tls) args.push('--no-tls');
  return launch('env', args, [port]);
}

describe.skipIf(!have(COCKPIT_WS) || !have('openssl'))('Cockpit web service (cockpit-ws): login required', () => {
  const dirs: string[] = [];
  const runs: Running[] = [];
  let plain = 0;
  let tls = 0;
  beforeAll(async () => {
    plain = await freePort();
    tls = await freePort();
    for (const [port, withTls] of [[plain, false], [tls, true]] as const) {
      const dir = tempDir(`cockpit-${withTls ? 'tls' : 'plain'}`);
      dirs.push(dir);
      runs.push(await startCockpit(dir, port, withTls));
    }
  });
  afterAll(async () => {
    for (const r of runs) await r.stop();
    dirs.forEach(removeDir);
  });

  it('listens only on loopback', () => runs.forEach(expectLoopbackOnly));

  it('the server really is cockpit-ws and really refuses strangers (preconditions of the verdicts below)', async () => {
    const login = await sendHttp({ host: '127.0.0.1', port: plain }, 'http', { method: 'GET', path: '/cockpit/login' }, opts);
    expect(login.ok && login.response.status).toBe(401);
    const root = await sendHttp({ host: '127.0.0.1', port: plain }, 'http', { method: 'GET', path: '/' }, opts);
    expect(root.ok && root.response.headers['set-cookie']).toMatch(/^cockpit=deleted/);
    // The login page carries LoginTitle from the cockpit.conf written above: the instance runs on our config.
    expect(root.ok && root.response.body).toContain('"title":"Drawbridge test console"');
  });

  it('--no-tls: identified as Cockpit, LOGIN, exactly one login-exposed finding and nothing claiming it is open', async () => {
    const o = await createHttpFingerprinter({ advisories: () => [] }).probe({ host: '127.0.0.1', port: plain }, opts);
    expect(o?.product).toBe('cockpit');
    expect(o?.service).toBe('cockpit');
    expect(o?.auth).toBe('login');
    expect(o?.facts.scheme).toBe('http');
    expect(o?.facts.proof).toEqual({ request: 'login', method: 'GET', path: '/cockpit/login', status: 401 });
    expect(o?.tls).toBeUndefined();
    expect(rules(o)).toEqual(LOGIN_ONLY);
    const f = o?.findings[0];
    expect(f).toMatchObject({ severity: 'medium', control: 'M1037', subTechnique: 'unauthenticated-admin-interface', location: { host: '127.0.0.1', port: plain } });
    expect(f?.evidence).toMatchObject({ product: 'cockpit', auth: 'login', url: `http://127.0.0.1:${plain}` });
    expect(o?.findings.some((x) => x.rule.endsWith('.open') || x.evidence.auth === 'open')).toBe(false);
  });

  it('TLS on its default port (9090 semantics: https first): self-signed certificate read, same LOGIN verdict', async () => {
    const o = await createHttpFingerprinter({ advisories: () => [], signatures: asIf9090(tls) }).probe({ host: '127.0.0.1', port: tls }, opts);
    expect(o?.facts.scheme).toBe('https');
    expect(o?.tls).toMatchObject({ subject: 'CN=127.0.0.1', issuer: 'CN=127.0.0.1', selfSigned: true, clientCertRequested: false });
    expect(o?.product).toBe('cockpit');
    expect(o?.auth).toBe('login');
    expect(rules(o)).toEqual(LOGIN_ONLY);
    expect(o?.findings[0]?.evidence.url).toBe(`https://127.0.0.1:${tls}`);
  });

  it('TLS instance on an unknown port: cockpit-ws answers plain HTTP to a loopback peer, still Cockpit LOGIN', async () => {
    // cockpit-ws redirects plain HTTP to https only when the accepting address is not loopback; here the
    // http-first order of an unknown port therefore lands on HTTP, and the verdict must not depend on it.
    const o = await createHttpFingerprinter({ advisories: () => [] }).probe({ host: '127.0.0.1', port: tls }, opts);
    expect(o?.facts.scheme).toBe('http');
    expect(o?.product).toBe('cockpit');
    expect(o?.auth).toBe('login');
    expect(rules(o)).toEqual(LOGIN_ONLY);
  });

  it('port-9090 collision trap: Cockpit answers the Prometheus API path with 200, yet Prometheus is not claimed', async () => {
    // The trap is real: Cockpit's login page comes back 200 on /api/v1/status/flags, so status alone would say Prometheus.
    const flags = await sendHttp({ host: '127.0.0.1', port: plain }, 'http', { method: 'GET', path: '/api/v1/status/flags' }, opts);
    expect(flags.ok && flags.response.status).toBe(200);
    expect(flags.ok && flags.response.headers['content-type']).toBe('text/html');
    for (const port of [plain, tls]) {
      const o = await createHttpFingerprinter({ advisories: () => [], signatures: asIf9090(port) }).probe({ host: '127.0.0.1', port }, opts);
      expect(o?.product, `port ${port}`).toBe('cockpit');
      expect(o?.auth).toBe('login');
      expect(rules(o)).toEqual(LOGIN_ONLY);
    }
  });

  it('drawbridge probe (runProbe with the default fingerprinters) reports the same single finding', async () => {
    const config = ConfigSchema.parse({ probe: { timeout: '3s', concurrency: 2, rate: 50 } });
    const r = await runProbe([`127.0.0.1:${plain}`, `127.0.0.1:${tls}`], { config });
    expect(r.problems).toEqual([]);
    expect(r.observations.map((o) => [o.endpoint.port, o.outcome, o.product, o.auth]).sort()).toEqual(
      [[plain, 'identified', 'cockpit', 'login'], [tls, 'identified', 'cockpit', 'login']].sort(),
    );
    expect(r.findings.map((f) => f.rule)).toEqual([...LOGIN_ONLY, ...LOGIN_ONLY]);
  });
});

describe.skipIf(!have('prometheus'))('port-9090 collision trap, other side: real Prometheus is not taken for Cockpit', () => {
  let dir: string;
  let prom: Running;
  let port = 0;
  beforeAll(async () => {
    dir = tempDir('prom-9090');
    port = await freePort();
    prom = await startPrometheus(dir, port);
  });
  afterAll(async () => {
    await prom?.stop();
    removeDir(dir);
  });

  it('listens only on loopback', () => expectLoopbackOnly(prom));

  it('with both signatures claiming the port and Cockpit tried before Prometheus: Prometheus, OPEN, no Cockpit finding', async () => {
    const sigs = asIf9090(port).reverse();
    expect(sigs.findIndex((s) => s.id === 'cockpit')).toBeLessThan(sigs.findIndex((s) => s.id === 'prometheus'));
    const o = await createHttpFingerprinter({ advisories: () => [], signatures: sigs }).probe({ host: '127.0.0.1', port }, opts);
    expect(o?.product).toBe('prometheus');
    expect(o?.auth).toBe('open');
    expect(rules(o)).toEqual(['probe.http.prometheus.open']);
  });
});
