import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import { rdpFingerprinter } from '../../../src/probe/rdp/fingerprinter.js';
import { runProbe } from '../../../src/probe/scheduler.js';

/*
 * Servers written from [MS-RDPBCGR] 2.2.1.2 for policies xrdp cannot play (Windows requiring NLA): each
 * reads the 19-byte Connection Request and answers per its policy with a Connection Confirm.
 */
type Policy = (requested: number) => Buffer | 'silent';

const confirm = (negType: number, flags: number, value: number): Buffer => {
  const b = Buffer.from([0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, negType, flags, 0x08, 0x00, 0, 0, 0, 0]);
  b.writeUInt32LE(value, 15);
  return b;
};
const selected = (p: number): Buffer => confirm(0x02, 0x1f, p);
const failure = (code: number): Buffer => confirm(0x03, 0x00, code);

const servers: Server[] = [];
const seen: number[][] = [];
async function serve(policy: Policy): Promise<number> {
  const got: number[] = [];
  seen.push(got);
  const sockets = new Set<Socket>();
  const srv = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 19) return;
      const requested = buf.readUInt32LE(15);
      got.push(requested);
      const answer = policy(requested);
      if (answer !== 'silent') s.end(answer);
    });
  });
  srv.on('close', () => sockets.forEach((s) => s.destroy()));
  (srv as Server & { sockets?: Set<Socket> }).sockets = sockets;
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as AddressInfo).port;
}
afterEach(async () => {
  for (const s of servers.splice(0)) {
    (s as Server & { sockets?: Set<Socket> }).sockets?.forEach((x) => x.destroy());
    await new Promise((r) => s.close(r));
  }
  seen.splice(0);
});

const config = ConfigSchema.parse({ probe: { timeout: '700ms', concurrency: 2, rate: 100 } });
const probe = (port: number) => runProbe([`127.0.0.1:${port}`], { config, fingerprinters: [rdpFingerprinter] });

describe('RDP fingerprinter against emulated servers', () => {
  it('Windows requiring NLA: only the exposure finding, NLA proven required', async () => {
    const port = await serve((r) => ((r & 0x2) === 0 ? failure(5) : r & 0x8 ? selected(8) : selected(2)));
    const res = await probe(port);
    const o = res.observations[0]!;
    expect(o).toMatchObject({ outcome: 'identified', service: 'rdp', auth: 'login' });
    expect(o.facts).toMatchObject({ nlaRequired: true, nlaSupported: true, preAuthLogon: false, responseFlags: expect.arrayContaining(['RESTRICTED_ADMIN_MODE_SUPPORTED']) });
    expect(res.findings.map((f) => f.rule)).toEqual(['probe.rdp.exposed']);
    // One connection per offer, offered in order; RDSTLS never offered.
    expect(seen[0]).toEqual([0x0, 0x1, 0x3, 0xb]);
  });

  it('server forcing Standard RDP Security on a CredSSP offer: never reported as NLA', async () => {
    const port = await serve(() => selected(0));
    const res = await probe(port);
    expect(res.observations[0]!.facts).toMatchObject({ nlaRequired: false, nlaSupported: false, answers: { hybrid: 'RDP', 'hybrid-ex': 'RDP' } });
    expect(res.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['probe.rdp.nla-not-required', 'high'],
      ['probe.rdp.exposed', 'medium'],
      ['probe.rdp.standard-security', 'medium'],
    ]);
  });

  it('keeps going when a later offer goes unanswered, and does not guess NLA', async () => {
    const port = await serve((r) => (r === 0 ? failure(5) : 'silent'));
    const res = await probe(port);
    const o = res.observations[0]!;
    expect(o.facts['nlaRequired']).toBeNull();
    expect((o.facts['answers'] as Record<string, string>)['tls']).toMatch(/^error: no X\.224 Connection Confirm within 700 ms/);
    expect(res.findings.map((f) => f.rule)).toEqual(['probe.rdp.exposed']);
  });

  it('says "not rdp" for a server that answers with something else', async () => {
    const port = await serve(() => Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const res = await probe(port);
    expect(res.observations[0]).toMatchObject({ outcome: 'unrecognised', findings: [] });
    expect(res.observations[0]!.notes?.[0]).toMatch(/^rdp: not rdp: first byte 0x48 is not TPKT version 3/);
    expect(seen[0]).toHaveLength(1);
  });
});

describe('registry', () => {
  it('sends RDP and VNC ports to their fingerprinters, and tries both on unknown ports (listeners first)', async () => {
    const { selectFingerprinters } = await import('../../../src/probe/registry.js');
    expect(selectFingerprinters(3389).map((f) => f.id)).toEqual(['rdp']);
    expect(selectFingerprinters(5901).map((f) => f.id)).toEqual(['vnc']);
    expect(selectFingerprinters(40123).map((f) => f.id)).toEqual(['ssh', 'vnc', 'http', 'rdp']);
  });
});
