import { findingText } from '../../catalog/texts.js';
import { makeFinding, type Finding } from '../../model/finding.js';
import type { Endpoint } from '../types.js';
import type { VncHandshake, VncPosture } from './posture.js';

/** Findings are a pure function of the handshake read. */
export function vncFindings(endpoint: Endpoint, h: VncHandshake, p: VncPosture): Finding[] {
  const { host, port } = endpoint;
  const base = { asset: host, location: { host, port } };
  const evidence = {
    serverVersion: h.serverVersion,
    securityTypes: p.securityTypes,
    ...(p.vencryptSubtypes ? { vencryptSubtypes: p.vencryptSubtypes } : {}),
    ...(p.refused !== undefined ? { refused: p.refused } : {}),
  };
  const out: Finding[] = [
    makeFinding({
      ...base,
      ...findingText('probe.vnc.exposed'),
      evidence,
      confidence: 'confirmed',
    }),
  ];
  if (p.auth === 'open') {
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.vnc.no-auth', { vars: { via: p.noAuthVia.join(', ') } }),
        evidence: { ...evidence, noAuthVia: p.noAuthVia },
        confidence: 'confirmed',
      }),
    );
  }
  return out;
}
