import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import { rdpFingerprinter } from '../../../src/probe/rdp/fingerprinter.js';
import { runProbe } from '../../../src/probe/scheduler.js';
import { isLoopbackListen, listeningAddresses } from '../servers/launch.js';
import { startXrdp, xrdpAvailable, type RunningXrdp } from './xrdp.js';

const config = ConfigSchema.parse({ probe: { timeout: '3s', concurrency: 2, rate: 50 } });
const probe = (s: RunningXrdp) => runProbe([`${s.host}:${s.port}`], { config, fingerprinters: [rdpFingerprinter] });

// xrdp has no CredSSP: whatever is offered, it never selects HYBRID. Answers recorded from xrdp 0.9.21.
describe.runIf(xrdpAvailable || process.env['CI'])('real xrdp', () => {
  let negotiate: RunningXrdp;
  let tls: RunningXrdp;
  let rdp: RunningXrdp;
  let noCert: RunningXrdp;
  beforeAll(async () => {
    [negotiate, tls, rdp, noCert] = await Promise.all([
      startXrdp({ securityLayer: 'negotiate' }),
      startXrdp({ securityLayer: 'tls' }),
      startXrdp({ securityLayer: 'rdp' }),
      startXrdp({ securityLayer: 'negotiate', certificate: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([negotiate?.stop(), tls?.stop(), rdp?.stop(), noCert?.stop()]);
  });

  it('listens on loopback only', () => {
    for (const s of [negotiate, tls, rdp, noCert]) {
      const addrs = listeningAddresses(s.proc.pid!);
      expect(addrs).toContain(`127.0.0.1:${s.port}`);
      expect(addrs.every(isLoopbackListen)).toBe(true);
    }
  });

  it('security_layer=negotiate: TLS when offered, Standard RDP Security otherwise, CredSSP offers answered with TLS', async () => {
    const r = await probe(negotiate);
    const o = r.observations[0]!;
    expect(o).toMatchObject({ outcome: 'identified', service: 'rdp', auth: 'login' });
    expect(o.facts).toMatchObject({
      answers: { rdp: 'RDP', tls: 'SSL', hybrid: 'SSL', 'hybrid-ex': 'SSL' },
      nlaRequired: false,
      nlaSupported: false,
      responseFlags: ['EXTENDED_CLIENT_DATA_SUPPORTED'],
    });
    expect(r.findings.map((f) => [f.rule, f.severity, f.control])).toEqual([
      ['probe.rdp.nla-not-required', 'high', 'M1026'],
      ['probe.rdp.exposed', 'medium', 'M1037'],
      ['probe.rdp.standard-security', 'medium', 'M1050'],
    ]);
  });

  it('security_layer=tls: refuses Standard RDP Security with SSL_REQUIRED_BY_SERVER, still no NLA', async () => {
    const r = await probe(tls);
    expect(r.observations[0]!.facts).toMatchObject({
      answers: { rdp: 'failure SSL_REQUIRED_BY_SERVER', tls: 'SSL', hybrid: 'SSL', 'hybrid-ex': 'SSL' },
      nlaRequired: false,
      standardSecurityAccepted: false,
    });
    expect(r.findings.map((f) => f.rule)).toEqual(['probe.rdp.nla-not-required', 'probe.rdp.exposed']);
  });

  it('security_layer=rdp: Standard RDP Security for every offer, including CredSSP', async () => {
    const r = await probe(rdp);
    expect(r.observations[0]!.facts).toMatchObject({ answers: { rdp: 'RDP', tls: 'RDP', hybrid: 'RDP', 'hybrid-ex': 'RDP' }, nlaSupported: false });
    expect(r.findings.map((f) => f.rule)).toEqual(['probe.rdp.nla-not-required', 'probe.rdp.exposed', 'probe.rdp.standard-security']);
  });

  it('negotiate without a usable certificate falls back to Standard RDP Security for everything', async () => {
    const r = await probe(noCert);
    expect(r.observations[0]!.facts).toMatchObject({ answers: { rdp: 'RDP', tls: 'RDP', hybrid: 'RDP', 'hybrid-ex': 'RDP' } });
  });
});
