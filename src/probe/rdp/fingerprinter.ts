import { openSocket, SocketReader } from '../net.js';
import { NotThisProtocol, ProbeTimeout, type Endpoint, type Fingerprinter, type Observation, type ProbeOptions } from '../types.js';
import { rdpFindings } from './findings.js';
import { assessRdp, OFFERS, type OfferId, type OfferResult } from './posture.js';
import { decodeConnectionConfirm, encodeConnectionRequest, responseFlagNames, type NegotiationReply } from './wire.js';

const confirmFramer = (buf: Buffer): NegotiationReply | undefined => {
  const r = decodeConnectionConfirm(buf);
  if (r.kind === 'invalid') throw new NotThisProtocol(`not rdp: ${r.reason}`);
  return r.kind === 'ok' ? r.reply : undefined;
};

/** One connection: send the Connection Request, read the first TPKT, hang up. */
export async function negotiate(endpoint: Endpoint, requested: number, opts: ProbeOptions): Promise<NegotiationReply> {
  const sock = await openSocket(endpoint, opts);
  try {
    const reader = new SocketReader(sock, 4096);
    sock.write(encodeConnectionRequest(requested));
    return await reader.read(confirmFramer, opts.timeoutMs, 'X.224 Connection Confirm');
  } finally {
    sock.destroy();
  }
}

/**
 * RDP: one Connection Request per offer (Standard RDP Security, TLS, CredSSP, CredSSP-EX), reading which
 * protocol the server selects or why it refuses. Stops at negotiation: no TLS handshake, no MCS, no
 * logon. The first offer decides whether the port speaks RDP at all.
 */
export const rdpFingerprinter: Fingerprinter = {
  id: 'rdp',
  protocols: ['rdp'],
  async probe(endpoint, opts): Promise<Observation> {
    const results: Partial<Record<OfferId, OfferResult>> = {};
    let flags: number | undefined;
    for (const [i, offer] of OFFERS.entries()) {
      try {
        const reply = await negotiate(endpoint, offer.requested, opts);
        results[offer.id] = reply;
        if (reply.type === 'selected' && flags === undefined) flags = reply.flags;
      } catch (e) {
        if (i === 0) throw e;
        const why = e instanceof ProbeTimeout || e instanceof NotThisProtocol ? e.message : `${(e as NodeJS.ErrnoException).code ?? 'error'}: ${(e as Error).message}`;
        results[offer.id] = { type: 'error', message: why };
      }
    }
    if (results.rdp?.type === 'disconnect' && Object.values(results).every((r) => r?.type !== 'selected' && r?.type !== 'failure' && r?.type !== 'legacy')) {
      throw new NotThisProtocol('not rdp: every offer was answered with a disconnect, never a Connection Confirm');
    }
    const posture = assessRdp(results);
    opts.log?.(`rdp ${endpoint.host}:${endpoint.port}: ${Object.entries(posture.answers).map(([k, v]) => `${k} → ${v}`).join('; ')}`);
    return {
      endpoint,
      outcome: 'identified',
      service: 'rdp',
      auth: 'login',
      facts: {
        answers: posture.answers,
        nlaRequired: posture.nlaRequired ?? null,
        nlaSupported: posture.nlaSupported,
        standardSecurityAccepted: posture.standardSecurityAccepted,
        preAuthLogon: posture.preAuthLogon,
        ...(flags !== undefined ? { responseFlags: responseFlagNames(flags) } : {}),
      },
      findings: rdpFindings(endpoint, posture),
    };
  },
};
