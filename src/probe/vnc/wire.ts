/*
 * The cleartext start of an RFB (VNC) connection (RFC 6143 §7.1, §7.2): the ProtocolVersion, the
 * security types the server offers, and, for VeNCrypt, its version and subtype list. Every decoder is
 * total: "need-more", "ok" or "invalid" with a reason; none throws on any input.
 */

export type Decoded<T> = { kind: 'need-more' } | { kind: 'invalid'; reason: string } | ({ kind: 'ok'; consumed: number } & T);

/** IANA "Remote Framebuffer Security Types" (rfb.xml) plus the few vendor numbers seen in the wild. */
const SECURITY_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Invalid',
  1: 'None',
  2: 'VNC Authentication',
  5: 'RA2',
  6: 'RA2ne',
  16: 'Tight',
  17: 'Ultra',
  18: 'TLS',
  19: 'VeNCrypt',
  20: 'SASL',
  21: 'MD5 hash',
  22: 'xvp',
  30: 'Apple Remote Desktop',
  113: 'MSLogonII',
  0xfffffffa: 'MSLogon',
};

/** VeNCrypt 0.2 subtypes; 1 and 2 are listed by some servers as plain None / VNC Authentication. */
const VENCRYPT_SUBTYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'None',
  2: 'VNC Authentication',
  256: 'Plain',
  257: 'TLSNone',
  258: 'TLSVnc',
  259: 'TLSPlain',
  260: 'X509None',
  261: 'X509Vnc',
  262: 'X509Plain',
  263: 'TLSSASL',
  264: 'X509SASL',
};

export const SECURITY_NONE = 1;
export const SECURITY_VNC_AUTH = 2;
export const SECURITY_VENCRYPT = 19;
/** VeNCrypt subtypes that authenticate nobody (TLS or not). */
export const VENCRYPT_NO_AUTH: readonly number[] = [1, 257, 260];

export function securityTypeName(t: number): string {
  if (SECURITY_TYPE_NAMES[t]) return SECURITY_TYPE_NAMES[t];
  if (t >= 3 && t <= 15) return `RealVNC (${t})`;
  if (t >= 128 && t <= 255) return `RealVNC (${t})`;
  return `unknown (${t})`;
}

export function vencryptSubtypeName(t: number): string {
  return VENCRYPT_SUBTYPE_NAMES[t] ?? `unknown (${t})`;
}

export interface ProtocolVersion {
  major: number;
  minor: number;
  /** "RFB 003.008" */
  text: string;
}

/** Server's 12-byte "RFB xxx.yyy\n". */
export function decodeProtocolVersion(buf: Uint8Array): Decoded<{ version: ProtocolVersion }> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const head = b.subarray(0, Math.min(4, b.length)).toString('latin1');
  if (head !== 'RFB '.slice(0, head.length)) return { kind: 'invalid', reason: 'does not start with "RFB "' };
  if (b.length < 12) return { kind: 'need-more' };
  const text = b.subarray(0, 12).toString('latin1');
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(text);
  if (!m) return { kind: 'invalid', reason: `malformed ProtocolVersion "${text.replace(/[^\x20-\x7e]/g, '.')}"` };
  return { kind: 'ok', consumed: 12, version: { major: Number(m[1]), minor: Number(m[2]), text: text.slice(0, 11) } };
}

/**
 * The version we answer with: 3.8 for 3.8 and later (3.889 Apple, 4.x, 5.x), 3.7 for 3.7, 3.3 for
 * anything else (RFC 6143 §7.1.1: other versions are to be treated as 3.3).
 */
export function clientVersionFor(server: ProtocolVersion): { major: 3; minor: 3 | 7 | 8 } {
  if (server.major > 3 || (server.major === 3 && server.minor >= 8)) return { major: 3, minor: 8 };
  if (server.major === 3 && server.minor === 7) return { major: 3, minor: 7 };
  return { major: 3, minor: 3 };
}

export function encodeProtocolVersion(v: { major: number; minor: number }): Buffer {
  return Buffer.from(`RFB ${String(v.major).padStart(3, '0')}.${String(v.minor).padStart(3, '0')}\n`, 'latin1');
}

/** The security handshake's first server message: the types offered, or a refusal with its reason. */
export type SecurityOffer = { types: number[] } | { refused: string };

const MAX_REASON = 4096;

function reason(b: Buffer, at: number): Decoded<{ offer: SecurityOffer }> {
  if (b.length < at + 4) return { kind: 'need-more' };
  const len = b.readUInt32BE(at);
  if (len > MAX_REASON) return { kind: 'invalid', reason: `failure reason of ${len} bytes` };
  if (b.length < at + 4 + len) return { kind: 'need-more' };
  const text = b.subarray(at + 4, at + 4 + len).toString('utf8');
  return { kind: 'ok', consumed: at + 4 + len, offer: { refused: text } };
}

/** 3.7/3.8: u8 count, then count u8 types; count 0 = failure, u32 reason length, reason. */
export function decodeSecurityTypes(buf: Uint8Array): Decoded<{ offer: SecurityOffer }> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 1) return { kind: 'need-more' };
  const n = b[0] as number;
  if (n === 0) return reason(b, 1);
  if (b.length < 1 + n) return { kind: 'need-more' };
  return { kind: 'ok', consumed: 1 + n, offer: { types: [...b.subarray(1, 1 + n)] } };
}

/** 3.3: one u32 security type chosen by the server; 0 = failure with a reason. */
export function decodeSecurityType33(buf: Uint8Array): Decoded<{ offer: SecurityOffer }> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 4) return { kind: 'need-more' };
  const t = b.readUInt32BE(0);
  if (t === 0) return reason(b, 4);
  return { kind: 'ok', consumed: 4, offer: { types: [t] } };
}

/** VeNCrypt: the server's u8 major, u8 minor. */
export function decodeVencryptVersion(buf: Uint8Array): Decoded<{ major: number; minor: number }> {
  if (buf.length < 2) return { kind: 'need-more' };
  return { kind: 'ok', consumed: 2, major: buf[0] as number, minor: buf[1] as number };
}

/** VeNCrypt 0.2 after the client's version: u8 ack (0 = accepted), u8 count, count u32 subtypes. */
export function decodeVencryptSubtypes(buf: Uint8Array): Decoded<{ subtypes: number[] }> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 1) return { kind: 'need-more' };
  if (b[0] !== 0) return { kind: 'invalid', reason: `server refused VeNCrypt version 0.2 (ack ${b[0]})` };
  if (b.length < 2) return { kind: 'need-more' };
  const n = b[1] as number;
  if (n === 0) return { kind: 'invalid', reason: 'VeNCrypt offers no subtypes' };
  if (b.length < 2 + 4 * n) return { kind: 'need-more' };
  const subtypes: number[] = [];
  for (let i = 0; i < n; i++) subtypes.push(b.readUInt32BE(2 + 4 * i));
  return { kind: 'ok', consumed: 2 + 4 * n, subtypes };
}
