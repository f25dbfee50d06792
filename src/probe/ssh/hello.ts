import { openSocket, SocketReader } from '../net.js';
import { NotThisProtocol, ProbeTimeout, type Endpoint, type ProbeOptions } from '../types.js';
import {
  CLIENT_IDENT,
  decodeIdentification,
  decodeKexinit,
  decodePacket,
  SSH_MSG_DEBUG,
  SSH_MSG_IGNORE,
  type Identification,
  type Kexinit,
  type Packet,
} from './wire.js';

/** What the server sent in cleartext before any key exchange. */
export interface ServerHello {
  identification: Identification;
  kexinit?: Kexinit;
  /** Why no KEXINIT was read (SSH-1 only server, timeout, malformed packet). */
  kexinitError?: string;
  /** We had to send our identification before the server spoke. */
  nudged: boolean;
}

const identFramer = (buf: Buffer): Identification | undefined => {
  const r = decodeIdentification(buf);
  if (r.kind === 'invalid') throw new NotThisProtocol(`not ssh: ${r.reason}`);
  return r.kind === 'ok' ? r : undefined;
};

const packetFramer = (buf: Buffer): Packet | undefined => {
  const r = decodePacket(buf);
  if (r.kind === 'invalid') throw new NotThisProtocol(`malformed SSH packet: ${r.reason}`);
  return r.kind === 'ok' ? r : undefined;
};

/** Server speaks first; give it half the time passively, then say hello and give it the rest. */
async function readIdentification(reader: SocketReader, timeoutMs: number): Promise<{ ident: Identification; nudged: boolean }> {
  const passive = Math.max(1, Math.floor(timeoutMs / 2));
  try {
    return { ident: await reader.read(identFramer, passive, 'SSH identification'), nudged: false };
  } catch (e) {
    if (!(e instanceof ProbeTimeout) || reader.pending.length > 0) throw e;
  }
  reader.socket.write(CLIENT_IDENT);
  try {
    return { ident: await reader.read(identFramer, timeoutMs - passive, 'SSH identification'), nudged: true };
  } catch (e) {
    if (e instanceof ProbeTimeout) throw new ProbeTimeout(`no answer within ${timeoutMs} ms (silent before and after our SSH identification)`);
    throw e;
  }
}

/**
 * Read the identification line and the server's KEXINIT, then hang up. Throws NotThisProtocol
 * ("not ssh: …") or ProbeTimeout; a missing or broken KEXINIT is kept as `kexinitError`.
 */
export async function readServerHello(endpoint: Endpoint, opts: ProbeOptions): Promise<ServerHello> {
  const sock = await openSocket(endpoint, opts);
  try {
    const reader = new SocketReader(sock);
    const { ident, nudged } = await readIdentification(reader, opts.timeoutMs);
    reader.consume(ident.consumed);
    if (!nudged) sock.write(CLIENT_IDENT);
    if (ident.protoVersion !== '2.0' && ident.protoVersion !== '1.99') {
      return { identification: ident, nudged, kexinitError: `protocol ${ident.protoVersion} has no SSH-2 key exchange` };
    }
    try {
      for (let i = 0; i < 8; i++) {
        const pkt = await reader.read(packetFramer, opts.timeoutMs, 'KEXINIT');
        reader.consume(pkt.consumed);
        const type = pkt.payload[0];
        if (type === SSH_MSG_IGNORE || type === SSH_MSG_DEBUG) continue;
        const k = decodeKexinit(pkt.payload);
        if (k.kind === 'invalid') return { identification: ident, nudged, kexinitError: k.reason };
        return { identification: ident, nudged, kexinit: k.value };
      }
      return { identification: ident, nudged, kexinitError: 'no KEXINIT among the first packets' };
    } catch (e) {
      return { identification: ident, nudged, kexinitError: (e as Error).message };
    }
  } finally {
    sock.destroy();
  }
}
