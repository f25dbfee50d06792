import { openSocket, SocketReader, type Framer } from '../net.js';
import { NotThisProtocol, type Endpoint, type Fingerprinter, type Observation, type ProbeOptions } from '../types.js';
import { vncFindings } from './findings.js';
import { assessVnc, type VncHandshake } from './posture.js';
import {
  clientVersionFor,
  decodeProtocolVersion,
  decodeSecurityType33,
  decodeSecurityTypes,
  decodeVencryptSubtypes,
  decodeVencryptVersion,
  encodeProtocolVersion,
  SECURITY_VENCRYPT,
  type Decoded,
} from './wire.js';

/** Turn a total decoder into a SocketReader framer that consumes what it decoded. */
function framer<T>(reader: SocketReader, decode: (b: Buffer) => Decoded<T>, what: string): Framer<T> {
  return (buf) => {
    const r = decode(buf);
    if (r.kind === 'invalid') throw new NotThisProtocol(`${what}: ${r.reason}`);
    if (r.kind === 'need-more') return undefined;
    reader.consume(r.consumed);
    return r as T;
  };
}

/** After security type 19: version 0.2 and the subtype list; nothing more. */
async function readVencryptSubtypes(reader: SocketReader, timeoutMs: number): Promise<number[]> {
  reader.socket.write(Buffer.from([SECURITY_VENCRYPT]));
  const v = await reader.read(framer(reader, decodeVencryptVersion, 'VeNCrypt version'), timeoutMs, 'VeNCrypt version');
  if (v.major !== 0 || v.minor < 2) throw new NotThisProtocol(`VeNCrypt ${v.major}.${v.minor} (only 0.2 subtypes are read)`);
  reader.socket.write(Buffer.from([0, 2]));
  const s = await reader.read(framer(reader, decodeVencryptSubtypes, 'VeNCrypt subtypes'), timeoutMs, 'VeNCrypt subtypes');
  return s.subtypes;
}

/** Read the version and the security offer (and VeNCrypt subtypes when offered), then hang up. */
export async function readVncHandshake(endpoint: Endpoint, opts: ProbeOptions): Promise<VncHandshake> {
  const sock = await openSocket(endpoint, opts);
  try {
    const reader = new SocketReader(sock, 16 * 1024);
    const { version } = await reader.read(framer(reader, (b) => decodeProtocolVersion(b), 'not vnc'), opts.timeoutMs, 'RFB ProtocolVersion');
    const client = clientVersionFor(version);
    sock.write(encodeProtocolVersion(client));
    const decode = client.minor === 3 ? decodeSecurityType33 : decodeSecurityTypes;
    const { offer } = await reader.read(framer(reader, decode, 'malformed RFB security handshake'), opts.timeoutMs, 'RFB security types');
    const h: VncHandshake = { serverVersion: version.text, clientVersion: encodeProtocolVersion(client).toString('latin1').trim(), offer };
    // Under 3.3 the server has already chosen; only 3.7+ lets us ask for VeNCrypt's subtypes.
    if ('types' in offer && offer.types.includes(SECURITY_VENCRYPT) && client.minor !== 3) {
      try {
        h.vencryptSubtypes = await readVencryptSubtypes(reader, opts.timeoutMs);
      } catch (e) {
        h.vencryptError = (e as Error).message;
      }
    }
    return h;
  } finally {
    sock.destroy();
  }
}

/**
 * VNC (RFB): reads the server's version and the security types it offers, never choosing None and never
 * sending a password or ClientInit (which would open a session). VeNCrypt's subtypes are listed because
 * TLSNone / X509None there mean no authentication at all.
 */
export const vncFingerprinter: Fingerprinter = {
  id: 'vnc',
  protocols: ['vnc'],
  serverSpeaksFirst: true,
  async probe(endpoint, opts): Promise<Observation> {
    const h = await readVncHandshake(endpoint, opts);
    const p = assessVnc(h);
    opts.log?.(`vnc ${endpoint.host}:${endpoint.port}: ${h.serverVersion}; security types ${p.securityTypes.join(', ') || `refused (${p.refused})`}`);
    return {
      endpoint,
      outcome: 'identified',
      service: 'vnc',
      auth: p.auth,
      facts: {
        serverVersion: h.serverVersion,
        clientVersion: h.clientVersion,
        securityTypes: p.securityTypes,
        ...('types' in h.offer ? { securityTypeIds: h.offer.types } : {}),
        ...(p.vencryptSubtypes ? { vencryptSubtypes: p.vencryptSubtypes } : {}),
        ...(h.vencryptError ? { vencryptError: h.vencryptError } : {}),
        ...(p.refused !== undefined ? { refused: p.refused } : {}),
        noAuthVia: p.noAuthVia,
      },
      findings: vncFindings(endpoint, h, p),
    };
  },
};
