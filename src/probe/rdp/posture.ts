import { failureName, PROTOCOL, protocolName, type NegotiationReply } from './wire.js';

/**
 * The offers made, one connection each, in this order. RDSTLS (0x4) is never offered: xrdp drops the
 * connection on it, and it says nothing about pre-authentication. HYBRID is offered together with SSL
 * as real clients do ([MS-RDPBCGR] 5.4.5: CredSSP runs inside TLS).
 */
export const OFFERS = [
  { id: 'rdp', requested: PROTOCOL.RDP },
  { id: 'tls', requested: PROTOCOL.SSL },
  { id: 'hybrid', requested: PROTOCOL.SSL | PROTOCOL.HYBRID },
  { id: 'hybrid-ex', requested: PROTOCOL.SSL | PROTOCOL.HYBRID | PROTOCOL.HYBRID_EX },
] as const;
export type OfferId = (typeof OFFERS)[number]['id'];

/** The answer to one offer, or why there was none (timeout, connection closed, malformed reply). */
export type OfferResult = NegotiationReply | { type: 'error'; message: string };

export interface RdpPosture {
  /** Per offer, in words: "RDP", "SSL", "HYBRID", "failure HYBRID_REQUIRED_BY_SERVER", "legacy", "error: …". */
  answers: Partial<Record<OfferId, string>>;
  /** Some offer ended with Standard RDP Security (selectedProtocol 0, or a legacy server). */
  standardSecurityAccepted: boolean;
  /** Some offer ended with a protocol other than CredSSP: the logon screen is reached before authentication. */
  preAuthLogon: boolean;
  /** An offer including HYBRID got HYBRID or HYBRID_EX. Supported is not required. */
  nlaSupported: boolean;
  /**
   * true: both non-CredSSP offers were refused, at least one with HYBRID_REQUIRED_BY_SERVER.
   * false: a non-CredSSP protocol was accepted. undefined: the answers do not settle it.
   */
  nlaRequired: boolean | undefined;
}

const NLA = [PROTOCOL.HYBRID, PROTOCOL.HYBRID_EX] as readonly number[];

export function describeResult(r: OfferResult): string {
  switch (r.type) {
    case 'selected':
      return protocolName(r.protocol);
    case 'failure':
      return `failure ${failureName(r.code)}`;
    case 'legacy':
      return 'legacy (no negotiation data: Standard RDP Security)';
    case 'disconnect':
      return 'disconnected without a Connection Confirm';
    case 'error':
      return `error: ${r.message}`;
  }
}

/**
 * What the answers prove. The selected protocol is read on every answer: a server may answer a CredSSP
 * offer with Standard RDP Security (selectedProtocol 0), which is not NLA whatever the reply type says.
 */
export function assessRdp(results: Partial<Record<OfferId, OfferResult>>): RdpPosture {
  const answers: Partial<Record<OfferId, string>> = {};
  for (const o of OFFERS) {
    const r = results[o.id];
    if (r) answers[o.id] = describeResult(r);
  }
  const all = Object.values(results).filter((r): r is OfferResult => r !== undefined);
  const standardSecurityAccepted = all.some((r) => (r.type === 'selected' && r.protocol === PROTOCOL.RDP) || r.type === 'legacy');
  const preAuthLogon = all.some((r) => (r.type === 'selected' && !NLA.includes(r.protocol)) || r.type === 'legacy');
  const nlaSupported = all.some((r) => r.type === 'selected' && NLA.includes(r.protocol));

  let nlaRequired: boolean | undefined;
  if (preAuthLogon) nlaRequired = false;
  else {
    const plain = results.rdp;
    const tls = results.tls;
    const refused = (r: OfferResult | undefined): r is Extract<OfferResult, { type: 'failure' }> => r?.type === 'failure';
    if (refused(plain) && refused(tls) && [plain.code, tls.code].includes(5)) nlaRequired = true;
  }
  return { answers, standardSecurityAccepted, preAuthLogon, nlaSupported, nlaRequired };
}
