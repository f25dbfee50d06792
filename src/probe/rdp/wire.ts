/*
 * The first exchange of an RDP connection ([MS-RDPBCGR] 2.2.1.1 / 2.2.1.2): a TPKT-framed X.224
 * Connection Request carrying RDP_NEG_REQ, and the server's Connection Confirm carrying RDP_NEG_RSP or
 * RDP_NEG_FAILURE. Nothing past negotiation is ever sent. The decoder is total: it returns
 * "need-more", "ok" or "invalid" with a reason and never throws.
 */

export type Decoded<T> = { kind: 'need-more' } | { kind: 'invalid'; reason: string } | ({ kind: 'ok' } & T);

/** requestedProtocols / selectedProtocol bits ([MS-RDPBCGR] 2.2.1.1.1). 0 = Standard RDP Security. */
export const PROTOCOL = {
  RDP: 0x0,
  SSL: 0x1,
  HYBRID: 0x2,
  RDSTLS: 0x4,
  HYBRID_EX: 0x8,
  RDSAAD: 0x10,
} as const;

/** RDP_NEG_FAILURE failureCode names ([MS-RDPBCGR] 2.2.1.2.2). */
export const FAILURE_CODES: Readonly<Record<number, string>> = {
  1: 'SSL_REQUIRED_BY_SERVER',
  2: 'SSL_NOT_ALLOWED_BY_SERVER',
  3: 'SSL_CERT_NOT_ON_SERVER',
  4: 'INCONSISTENT_FLAGS',
  5: 'HYBRID_REQUIRED_BY_SERVER',
  6: 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER',
};

/** RDP_NEG_RSP flags ([MS-RDPBCGR] 2.2.1.2.1). */
const RESPONSE_FLAGS: readonly [number, string][] = [
  [0x01, 'EXTENDED_CLIENT_DATA_SUPPORTED'],
  [0x02, 'DYNVC_GFX_PROTOCOL_SUPPORTED'],
  [0x08, 'RESTRICTED_ADMIN_MODE_SUPPORTED'],
  [0x10, 'REDIRECTED_AUTHENTICATION_MODE_SUPPORTED'],
];

/** "SSL|HYBRID" for 0x3; "RDP" for 0 (Standard RDP Security). */
export function protocolName(bits: number): string {
  if (bits === 0) return 'RDP';
  const names = Object.entries(PROTOCOL)
    .filter(([, v]) => v !== 0 && (bits & v) !== 0)
    .map(([k]) => k);
  const known = Object.values(PROTOCOL).reduce<number>((a, v) => a | v, 0);
  const rest = bits & ~known;
  if (rest !== 0) names.push(`0x${(rest >>> 0).toString(16)}`);
  return names.join('|');
}

export function failureName(code: number): string {
  return FAILURE_CODES[code] ?? `unknown failure code ${code}`;
}

export function responseFlagNames(flags: number): string[] {
  return RESPONSE_FLAGS.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

/**
 * TPKT (v3) + X.224 Connection Request (LI 14, CR 0xE0, refs 0, class 0) + RDP_NEG_REQ, 19 bytes.
 * No routing token and no "Cookie: mstshash=" (that names a user, and we have none).
 */
export function encodeConnectionRequest(requestedProtocols: number): Buffer {
  const b = Buffer.from([0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0, 0, 0, 0]);
  b.writeUInt32LE(requestedProtocols >>> 0, 15);
  return b;
}

/** What the server answered to one Connection Request. */
export type NegotiationReply =
  /** RDP_NEG_RSP: the protocol the server picked among those offered (or 0, Standard RDP Security). */
  | { type: 'selected'; protocol: number; flags: number }
  /** RDP_NEG_FAILURE: the server refused every protocol offered. */
  | { type: 'failure'; code: number }
  /** Connection Confirm without negotiation data: a pre-RDP-5.2 server, Standard RDP Security only. */
  | { type: 'legacy' }
  /** An X.224 Data or Disconnect TPDU instead of a Connection Confirm: the server hung up on the offer. */
  | { type: 'disconnect'; tpdu: number };

/** Connection Confirms are 11 or 19 bytes; anything this large is not a negotiation answer. */
const MAX_TPKT = 1024;
const TPDU_CC = 0xd0;
const TPDU_DT = 0xf0;
const TPDU_DR = 0x80;

/** Decode the server's first TPKT. `consumed` is the TPKT length (servers may send more after it). */
export function decodeConnectionConfirm(buf: Uint8Array): Decoded<{ reply: NegotiationReply; consumed: number }> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length === 0) return { kind: 'need-more' };
  if (b[0] !== 0x03) return { kind: 'invalid', reason: `first byte 0x${hex(b[0])} is not TPKT version 3` };
  if (b.length >= 2 && b[1] !== 0x00) return { kind: 'invalid', reason: `TPKT reserved byte is 0x${hex(b[1])}, not 0` };
  if (b.length < 4) return { kind: 'need-more' };
  const len = b.readUInt16BE(2);
  if (len < 7 || len > MAX_TPKT) return { kind: 'invalid', reason: `TPKT length ${len} is not that of an X.224 reply` };
  if (b.length < len) return { kind: 'need-more' };
  const li = b[4] as number;
  if (li + 5 > len) return { kind: 'invalid', reason: `X.224 length indicator ${li} runs past the TPKT (${len} bytes)` };
  const code = (b[5] as number) & 0xf0;
  if (code === TPDU_DT || code === TPDU_DR) return { kind: 'ok', reply: { type: 'disconnect', tpdu: code }, consumed: len };
  if (code !== TPDU_CC) return { kind: 'invalid', reason: `X.224 TPDU code 0x${hex(code)} is not a Connection Confirm` };
  if (len < 11) return { kind: 'invalid', reason: `Connection Confirm of ${len} bytes is shorter than its fixed header` };
  if (len === 11) return { kind: 'ok', reply: { type: 'legacy' }, consumed: len };
  if (len < 19) return { kind: 'invalid', reason: `Connection Confirm of ${len} bytes: truncated negotiation data` };
  const negType = b[11] as number;
  const negFlags = b[12] as number;
  const negLen = b.readUInt16LE(13);
  if (negLen !== 8) return { kind: 'invalid', reason: `negotiation structure length ${negLen}, expected 8` };
  const value = b.readUInt32LE(15);
  if (negType === 0x02) return { kind: 'ok', reply: { type: 'selected', protocol: value, flags: negFlags }, consumed: len };
  if (negType === 0x03) return { kind: 'ok', reply: { type: 'failure', code: value }, consumed: len };
  return { kind: 'invalid', reason: `negotiation type 0x${hex(negType)} is neither RDP_NEG_RSP nor RDP_NEG_FAILURE` };
}

function hex(n: number | undefined): string {
  return (n ?? 0).toString(16).padStart(2, '0');
}
