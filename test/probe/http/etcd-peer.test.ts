import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFingerprinter } from '../../../src/probe/http/fingerprinter.js';
import type { Observation } from '../../../src/probe/types.js';
import { freePort, have, isLoopbackListen, launch, listeningAddresses, makePki, removeDir, tempDir, type Running } from '../servers/launch.js';

// A real etcd (Debian etcd-server) per peer setup, on loopback: the peer listener (2380 in production)
// plain, TLS without client certificates, and TLS with --peer-client-cert-auth.
const fp = createHttpFingerprinter({ advisories: () => [] });
const probe = (port: number): Promise<Observation | undefined> => fp.probe({ host: '127.0.0.1', port }, { timeoutMs: 5000 });
const rules = (o: Observation | undefined): string[] => (o?.findings ?? []).map((f) => f.rule).sort();

describe.skipIf(!have('etcd') || !have('openssl'))('etcd peer port: plain, TLS, TLS with peer client certificates', () => {
  const runs: Running[] = [];
  const dirs: string[] = [];
  const peer: Record<'plain' | 'tls' | 'mtls', number> = { plain: 0, tls: 0, mtls: 0 };
  let client = 0;
  beforeAll(async () => {
    const pkiDir = tempDir('etcd-peer-pki');
    dirs.push(pkiDir);
    const pki = makePki(pkiDir);
    const tlsArgs = [`--peer-cert-file=${pki.cert}`, `--peer-key-file=${pki.key}`];
    // etcd 3.4 already demands a client certificate once --peer-trusted-ca-file is set.
    const setups = { plain: [], tls: tlsArgs, mtls: [...tlsArgs, `--peer-trusted-ca-file=${pki.ca}`, '--peer-client-cert-auth'] } as const;
    for (const name of ['plain', 'tls', 'mtls'] as const) {
      const dir = tempDir(`etcd-peer-${name}`);
      dirs.push(dir);
      const c = await freePort();
      const p = await freePort();
      const scheme = name === 'plain' ? 'http' : 'https';
      const args = [
        '--name', name, '--data-dir', `${dir}/data`,
        '--listen-client-urls', `http://127.0.0.1:${c}`, '--advertise-client-urls', `http://127.0.0.1:${c}`,
        '--listen-peer-urls', `${scheme}://127.0.0.1:${p}`, '--initial-advertise-peer-urls', `${scheme}://127.0.0.1:${p}`,
        '--initial-cluster', `${name}=${scheme}://127.0.0.1:${p}`, ...setups[name],
      ];
      runs.push(await launch('etcd', args, [c, p]));
      peer[name] = p;
      if (name === 'plain') client = c;
    }
  }, 90_000);
  afterAll(async () => {
    for (const r of runs) await r.stop();
    dirs.forEach(removeDir);
  });

  it('listens only on loopback', () => {
    for (const r of runs) for (const a of listeningAddresses(r.proc.pid as number)) expect(isLoopbackListen(a), a).toBe(true);
  });

  it('plain peer URL: etcd-peer OPEN, proof is the member list, full URL reported', async () => {
    const o = await probe(peer.plain);
    expect(o?.product).toBe('etcd-peer');
    expect(o?.service).toBe('etcd');
    expect(o?.version).toMatch(/^3\.\d+\.\d+$/);
    expect(o?.auth).toBe('open');
    expect(rules(o)).toEqual(['probe.http.etcd-peer.open']);
    const f = o?.findings[0];
    expect(f?.severity).toBe('high');
    expect(f?.evidence).toMatchObject({ proofUrl: `http://127.0.0.1:${peer.plain}/members`, proof: { path: '/members', status: 200 } });
  });

  it('TLS peer URL without --peer-client-cert-auth: still OPEN (TLS is not authentication)', async () => {
    const o = await probe(peer.tls);
    expect(o?.facts.scheme).toBe('https');
    expect(o?.tls?.clientCertRequired).toBe(false);
    expect(o?.product).toBe('etcd-peer');
    expect(rules(o)).toEqual(['probe.http.etcd-peer.open']);
  });

  it('--peer-client-cert-auth: refused at TLS, no findings', async () => {
    const o = await probe(peer.mtls);
    expect(o?.auth).toBe('refused');
    expect(o?.tls?.clientCertRequired).toBe(true);
    expect(rules(o)).toEqual([]);
  });

  it('the client port of the same etcd stays etcd (client API), not the peer signature', async () => {
    const o = await probe(client);
    expect(o?.product).toBe('etcd');
    expect(rules(o)).toEqual(['probe.http.etcd.open']);
  });
});
