import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import { runProbe } from '../../../src/probe/scheduler.js';
import { vncFingerprinter } from '../../../src/probe/vnc/fingerprinter.js';
import { sshFingerprinter } from '../../../src/probe/ssh/fingerprinter.js';
import { startHttpServer, type Running } from '../helpers/fake-servers.js';
import { startX11vnc, startXvfb, vncAvailable, type Proc } from './x11vnc.js';

const config = ConfigSchema.parse({ probe: { timeout: '4s', concurrency: 4, rate: 50 } });
const probe = (port: number) => runProbe([`127.0.0.1:${port}`], { config, fingerprinters: [vncFingerprinter] });
type Vnc = Awaited<ReturnType<typeof startX11vnc>>;

describe.runIf(vncAvailable || process.env['CI'])('real x11vnc under Xvfb', () => {
  let xvfb: Proc & { display: string };
  let open: Vnc;
  let password: Vnc;
  let legacy: Vnc;
  let vencryptOpen: Vnc;
  let vencryptPassword: Vnc;
  beforeAll(async () => {
    xvfb = await startXvfb();
    const display = xvfb.display;
    [open, password, legacy, vencryptOpen, vencryptPassword] = await Promise.all([
      startX11vnc({ display }),
      startX11vnc({ display, password: 'not-sent-1' }),
      startX11vnc({ display, rfbVersion: '3.3' }),
      startX11vnc({ display, vencrypt: true }),
      startX11vnc({ display, vencrypt: true, password: 'not-sent-2' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open, password, legacy, vencryptOpen, vencryptPassword].map((v) => v?.stop()));
    await xvfb?.stop();
  });

  it('-nopw: None offered, OPEN, critical', async () => {
    const r = await probe(open.port);
    const o = r.observations[0]!;
    expect(o).toMatchObject({ outcome: 'identified', service: 'vnc', auth: 'open' });
    expect(o.facts).toMatchObject({ serverVersion: 'RFB 003.008', clientVersion: 'RFB 003.008', securityTypes: ['None'], noAuthVia: ['None'] });
    expect(r.findings.map((f) => [f.rule, f.severity, f.control, f.subTechnique])).toEqual([
      ['probe.vnc.no-auth', 'critical', 'M1026', 'unauthenticated-admin-interface'],
      ['probe.vnc.exposed', 'medium', 'M1037', 'unauthenticated-admin-interface'],
    ]);
  });

  it('-rfbauth: VNC Authentication only, LOGIN, and no password is ever sent', async () => {
    const r = await probe(password.port);
    expect(r.observations[0]).toMatchObject({ auth: 'login', facts: { securityTypes: ['VNC Authentication'], noAuthVia: [] } });
    expect(r.findings.map((f) => f.rule)).toEqual(['probe.vnc.exposed']);
    await new Promise((res) => setTimeout(res, 200));
    // x11vnc saw the client leave while choosing a type: no authentication response arrived.
    expect(password.output()).toMatch(/client gone/);
    expect(password.output()).not.toMatch(/authentication failed|rfbVncAuthProcessResponse/i);
  });

  it('-rfbversion 3.3: reads the single u32 type the server chose', async () => {
    const r = await probe(legacy.port);
    expect(r.observations[0]).toMatchObject({ auth: 'open', facts: { serverVersion: 'RFB 003.003', clientVersion: 'RFB 003.003', securityTypes: ['None'] } });
  });

  it('VeNCrypt without a password: subtypes TLSNone and X509None make it OPEN', async () => {
    const r = await probe(vencryptOpen.port);
    expect(r.observations[0]).toMatchObject({
      auth: 'open',
      facts: { securityTypes: ['VeNCrypt'], vencryptSubtypes: ['TLSNone', 'X509None'], noAuthVia: ['VeNCrypt/TLSNone', 'VeNCrypt/X509None'] },
    });
    expect(r.findings.map((f) => f.rule)).toEqual(['probe.vnc.no-auth', 'probe.vnc.exposed']);
  });

  it('VeNCrypt with a password: TLSVnc and X509Vnc, LOGIN', async () => {
    const r = await probe(vencryptPassword.port);
    expect(r.observations[0]).toMatchObject({ auth: 'login', facts: { vencryptSubtypes: ['TLSVnc', 'X509Vnc'] } });
  });

  it('is recognised on a port the catalogue does not know, after SSH declines it', async () => {
    const r = await runProbe([`127.0.0.1:${open.port}`], { config: ConfigSchema.parse({ probe: { timeout: '1s' } }), fingerprinters: [sshFingerprinter, vncFingerprinter] });
    expect(r.observations[0]).toMatchObject({ outcome: 'identified', service: 'vnc', auth: 'open' });
  });
});

describe('VNC fingerprinter on something else', () => {
  let http: Running;
  beforeAll(async () => {
    http = await startHttpServer();
  });
  afterAll(async () => {
    await http?.close();
  });
  it('times out on a server that waits for the client (HTTP), without claiming VNC', async () => {
    const r = await runProbe([`127.0.0.1:${http.port}`], { config: ConfigSchema.parse({ probe: { timeout: '300ms' } }), fingerprinters: [vncFingerprinter] });
    expect(r.observations[0]).toMatchObject({ outcome: 'timeout', findings: [] });
    expect(r.observations[0]!.notes?.[0]).toMatch(/^vnc: no RFB ProtocolVersion within 300 ms/);
  });
});
