import { findingText } from '../../catalog/texts.js';
import { makeFinding, type Finding } from '../../model/finding.js';
import type { Endpoint } from '../types.js';
import type { RdpPosture } from './posture.js';

/** Findings are a pure function of the negotiation answers. */
export function rdpFindings(endpoint: Endpoint, p: RdpPosture): Finding[] {
  const { host, port } = endpoint;
  const base = { asset: host, location: { host, port } };
  const evidence = { answers: p.answers, nlaRequired: p.nlaRequired ?? null, nlaSupported: p.nlaSupported };
  const out: Finding[] = [
    makeFinding({
      ...base,
      ...findingText('probe.rdp.exposed'),
      evidence,
      confidence: 'confirmed',
    }),
  ];
  if (p.preAuthLogon) {
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.rdp.nla-not-required'),
        evidence,
        confidence: 'confirmed',
      }),
    );
  }
  if (p.standardSecurityAccepted) {
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.rdp.standard-security'),
        evidence,
        confidence: 'confirmed',
      }),
    );
  }
  return out;
}
