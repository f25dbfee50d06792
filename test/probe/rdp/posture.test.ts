import { describe, expect, it } from 'vitest';
import { rdpFindings } from '../../../src/probe/rdp/findings.js';
import { assessRdp, type OfferId, type OfferResult } from '../../../src/probe/rdp/posture.js';

const sel = (protocol: number, flags = 0): OfferResult => ({ type: 'selected', protocol, flags });
const fail = (code: number): OfferResult => ({ type: 'failure', code });
const ep = { host: '127.0.0.1', port: 3389 };
const rules = (r: Partial<Record<OfferId, OfferResult>>): string[] => rdpFindings(ep, assessRdp(r)).map((f) => `${f.rule} ${f.severity} ${f.control}`);

// Rows of probe-facts §1.2 (requestedProtocols → reply → meaning), one scenario per server policy.
describe('assessRdp', () => {
  it('NLA required: both non-CredSSP offers refused with HYBRID_REQUIRED_BY_SERVER', () => {
    const p = assessRdp({ rdp: fail(5), tls: fail(5), hybrid: sel(2, 0x1f), 'hybrid-ex': sel(8, 0x1f) });
    expect(p).toMatchObject({ nlaRequired: true, nlaSupported: true, preAuthLogon: false, standardSecurityAccepted: false });
    expect(p.answers).toEqual({ rdp: 'failure HYBRID_REQUIRED_BY_SERVER', tls: 'failure HYBRID_REQUIRED_BY_SERVER', hybrid: 'HYBRID', 'hybrid-ex': 'HYBRID_EX' });
    expect(rules({ rdp: fail(5), tls: fail(5), hybrid: sel(2), 'hybrid-ex': sel(8) })).toEqual(['probe.rdp.exposed medium M1037']);
  });
  it('NLA required also when standard security is refused with SSL_REQUIRED first', () => {
    expect(assessRdp({ rdp: fail(1), tls: fail(5), hybrid: sel(2) }).nlaRequired).toBe(true);
  });
  it('NLA supported but not required: TLS alone is accepted', () => {
    const r = { rdp: fail(1), tls: sel(1), hybrid: sel(2), 'hybrid-ex': sel(8) };
    expect(assessRdp(r)).toMatchObject({ nlaRequired: false, nlaSupported: true, preAuthLogon: true, standardSecurityAccepted: false });
    expect(rules(r)).toEqual(['probe.rdp.exposed medium M1037', 'probe.rdp.nla-not-required high M1026']);
  });
  it('does not call it NLA when a CredSSP offer is answered with Standard RDP Security (the rdp-enum-encryption trap)', () => {
    const r = { rdp: sel(0), tls: fail(2), hybrid: sel(0), 'hybrid-ex': sel(0) };
    const p = assessRdp(r);
    expect(p).toMatchObject({ nlaRequired: false, nlaSupported: false, standardSecurityAccepted: true });
    expect(p.answers.hybrid).toBe('RDP');
    expect(rules(r)).toEqual(['probe.rdp.exposed medium M1037', 'probe.rdp.nla-not-required high M1026', 'probe.rdp.standard-security medium M1050']);
  });
  it('a legacy server (no negotiation data) is Standard RDP Security without NLA', () => {
    const legacy: OfferResult = { type: 'legacy' };
    expect(assessRdp({ rdp: legacy, tls: legacy })).toMatchObject({ nlaRequired: false, standardSecurityAccepted: true, preAuthLogon: true });
  });
  it('leaves NLA undecided when the answers do not settle it', () => {
    const p = assessRdp({ rdp: fail(5), tls: { type: 'error', message: 'no X.224 Connection Confirm within 1000 ms' }, hybrid: sel(2) });
    expect(p.nlaRequired).toBeUndefined();
    expect(p.answers.tls).toBe('error: no X.224 Connection Confirm within 1000 ms');
    expect(rules({ rdp: fail(5), tls: { type: 'error', message: 'x' } })).toEqual(['probe.rdp.exposed medium M1037']);
    // Refusals that are not about CredSSP do not prove NLA either.
    expect(assessRdp({ rdp: fail(2), tls: fail(3) }).nlaRequired).toBeUndefined();
  });
  it('gives findings deterministic ids', () => {
    const r = { rdp: sel(0), tls: sel(1) };
    expect(rdpFindings(ep, assessRdp(r)).map((f) => f.id)).toEqual(rdpFindings(ep, assessRdp(r)).map((f) => f.id));
  });
});
