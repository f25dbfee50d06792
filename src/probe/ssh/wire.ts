/*
 * Pure decoders for the cleartext start of an SSH connection (RFC 4253 §4.2, §6, §7.1): the
 * identification line, the unencrypted binary packet and SSH_MSG_KEXINIT. Every decoder is total:
 * it returns "need-more", "ok" or "invalid" with a reason and never throws on any input.
 */

export type Decoded<T> = { kind: 'need-more' } | { kind: 'invalid'; reason: string } | ({ kind: 'ok' } & T);

export interface Identification {
  /** The whole line without CR LF, e.g. "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3". */
  line: string;
  protoVersion: string;
  softwareVersion: string;
  comments?: string;
  /** Lines the server sent before the identification (allowed by RFC 4253 §4.2). */
  preamble: string[];
  /** Bytes taken from the input, up to and including the line's LF. */
  consumed: number;
}

/** The identification line is at most 255 bytes including CR LF. */
export const MAX_IDENT_BYTES = 255;
const MAX_PREAMBLE_BYTES = 8 * 1024;
const MAX_PREAMBLE_LINE = 1024;

function isPrintable(s: string): boolean {
  return /^[\x20-\x7e\t]*$/.test(s);
}

export function decodeIdentification(buf: Uint8Array): Decoded<Identification> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const preamble: string[] = [];
  let start = 0;
  while (start < b.length) {
    const nl = b.indexOf(0x0a, start);
    const end = nl < 0 ? b.length : nl + 1;
    const raw = b.subarray(start, end);
    const isIdent = raw.subarray(0, 4).toString('latin1') === 'SSH-'.slice(0, Math.min(4, raw.length));
    if (isIdent && raw.length > MAX_IDENT_BYTES) return { kind: 'invalid', reason: `identification line longer than ${MAX_IDENT_BYTES} bytes` };
    if (nl < 0) {
      if (!isIdent && raw.length > MAX_PREAMBLE_LINE) return { kind: 'invalid', reason: `a ${raw.length}-byte line without an SSH identification` };
      return { kind: 'need-more' };
    }
    const text = raw.toString('latin1').replace(/\r?\n$/, '');
    if (isIdent && raw.length >= 4) {
      const m = /^SSH-([\x21-\x2c\x2e-\x7e]+)-([\x21-\x7e]+)(?: ([\x20-\x7e]*))?$/.exec(text);
      if (!m) return { kind: 'invalid', reason: `malformed identification line "${text.slice(0, 80)}"` };
      return {
        kind: 'ok',
        line: text,
        protoVersion: m[1] as string,
        softwareVersion: m[2] as string,
        ...(m[3] !== undefined && m[3].length > 0 ? { comments: m[3] } : {}),
        preamble,
        consumed: end,
      };
    }
    // Other protocols whose servers speak first: give up at once instead of waiting for an SSH line.
    if (preamble.length === 0 && /^HTTP\/\d/.test(text)) return { kind: 'invalid', reason: `an HTTP response ("${text.slice(0, 40)}")` };
    if (preamble.length === 0 && /^RFB \d{3}\.\d{3}$/.test(text)) return { kind: 'invalid', reason: `a VNC (RFB) server ("${text}")` };
    if (!isPrintable(text)) return { kind: 'invalid', reason: 'binary data before any SSH identification' };
    preamble.push(text);
    if (end > MAX_PREAMBLE_BYTES) return { kind: 'invalid', reason: `more than ${MAX_PREAMBLE_BYTES} bytes before an SSH identification` };
    start = end;
  }
  return { kind: 'need-more' };
}

/** Packets this large are refused; RFC 4253 §6.1 asks implementations to handle 35000 bytes. */
export const MAX_PACKET = 35_000;

export interface Packet {
  payload: Buffer;
  consumed: number;
}

/** One unencrypted binary packet: uint32 packet_length, byte padding_length, payload, padding (no MAC yet). */
export function decodePacket(buf: Uint8Array): Decoded<Packet> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 5) return { kind: 'need-more' };
  const len = b.readUInt32BE(0);
  if (len < 5 || len > MAX_PACKET) return { kind: 'invalid', reason: `packet length ${len} out of range` };
  const pad = b[4] as number;
  if (pad < 4 || pad + 1 >= len) return { kind: 'invalid', reason: `padding length ${pad} impossible for packet length ${len}` };
  if (b.length < 4 + len) return { kind: 'need-more' };
  return { kind: 'ok', payload: Buffer.from(b.subarray(5, 4 + len - pad)), consumed: 4 + len };
}

export const SSH_MSG_IGNORE = 2;
export const SSH_MSG_DEBUG = 4;
export const SSH_MSG_KEXINIT = 20;

export interface Kexinit {
  kex: string[];
  hostKey: string[];
  ciphersClientToServer: string[];
  ciphersServerToClient: string[];
  macsClientToServer: string[];
  macsServerToClient: string[];
  compressionClientToServer: string[];
  compressionServerToClient: string[];
  languagesClientToServer: string[];
  languagesServerToClient: string[];
  firstKexPacketFollows: boolean;
}

const LIST_NAMES = [
  'kex',
  'hostKey',
  'ciphersClientToServer',
  'ciphersServerToClient',
  'macsClientToServer',
  'macsServerToClient',
  'compressionClientToServer',
  'compressionServerToClient',
  'languagesClientToServer',
  'languagesServerToClient',
] as const;

/** SSH_MSG_KEXINIT payload: byte 20, cookie[16], ten name-lists, boolean, uint32 reserved. */
export function decodeKexinit(payload: Uint8Array): { kind: 'ok'; value: Kexinit } | { kind: 'invalid'; reason: string } {
  const b = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (b.length < 1 || b[0] !== SSH_MSG_KEXINIT) return { kind: 'invalid', reason: `expected KEXINIT (20), got message ${b[0] ?? 'none'}` };
  let off = 17;
  const lists: Partial<Record<(typeof LIST_NAMES)[number], string[]>> = {};
  for (const name of LIST_NAMES) {
    if (off + 4 > b.length) return { kind: 'invalid', reason: `KEXINIT truncated before ${name}` };
    const n = b.readUInt32BE(off);
    off += 4;
    if (n > b.length - off) return { kind: 'invalid', reason: `KEXINIT ${name} length ${n} exceeds the packet` };
    const text = b.subarray(off, off + n).toString('latin1');
    off += n;
    if (!/^[\x21-\x7e]*$/.test(text)) return { kind: 'invalid', reason: `KEXINIT ${name} holds non-printable bytes` };
    const names = text.length === 0 ? [] : text.split(',');
    if (names.some((x) => x.length === 0 || x.length > 64)) return { kind: 'invalid', reason: `KEXINIT ${name} has an empty or over-long name` };
    lists[name] = names;
  }
  if (off + 5 > b.length) return { kind: 'invalid', reason: 'KEXINIT truncated before first_kex_packet_follows' };
  return { kind: 'ok', value: { ...(lists as Record<(typeof LIST_NAMES)[number], string[]>), firstKexPacketFollows: b[off] !== 0 } };
}

/** Our own identification line (sent after the server's, or to nudge a silent port). */
export const CLIENT_IDENT = 'SSH-2.0-Drawbridge_0.1 probe\r\n';
