/**
 * Reads the server's side of a TLS handshake as it goes by (RFC 5246 §6.2, §7.4; RFC 8446 §4): which
 * handshake messages were sent in the clear and which alerts came back. In TLS 1.2 the CertificateRequest
 * (type 13) travels in cleartext in the server's first flight; after ChangeCipherSpec (or a TLS 1.3
 * ServerHello) everything is encrypted and the scanner stops looking.
 */

export const HANDSHAKE = { serverHello: 2, certificate: 11, serverKeyExchange: 12, certificateRequest: 13, serverHelloDone: 14 } as const;

/** Alert descriptions worth naming (RFC 8446 §6). */
export const ALERT_NAMES: Record<number, string> = {
  10: 'unexpected_message',
  20: 'bad_record_mac',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  112: 'unrecognized_name',
  116: 'certificate_required',
};

export interface TlsAlert {
  level: number;
  description: number;
  name: string;
}

export interface ServerFlight {
  /** Handshake message types seen in cleartext, in order. */
  handshakeTypes: number[];
  alerts: TlsAlert[];
  /** Selected version from ServerHello (0x0303 = TLS 1.2, 0x0304 = TLS 1.3). */
  version?: number;
  /** The stream stopped looking like TLS (e.g. an HTTP server answered). */
  notTls: boolean;
  /** Cleartext part is over (CCS seen or TLS 1.3 keys in use). */
  encrypted: boolean;
  /** DER of the server's leaf certificate when it travelled in the clear (TLS 1.2 and older). */
  leafCertificate?: Buffer;
}

const MAX_BUFFER = 256 * 1024;

export class ServerFlightScanner {
  private pending = Buffer.alloc(0);
  private hs = Buffer.alloc(0);
  private readonly state: ServerFlight = { handshakeTypes: [], alerts: [], notTls: false, encrypted: false };

  get result(): ServerFlight {
    return { ...this.state, handshakeTypes: [...this.state.handshakeTypes], alerts: [...this.state.alerts] };
  }

  sawCertificateRequest(): boolean {
    return this.state.handshakeTypes.includes(HANDSHAKE.certificateRequest);
  }

  /** Feed bytes from the server; never throws, whatever arrives. */
  push(chunk: Uint8Array): void {
    if (this.state.notTls) return;
    if (this.pending.length + chunk.length > MAX_BUFFER) {
      this.pending = Buffer.alloc(0);
      return;
    }
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 5) {
      const type = this.pending[0] as number;
      const major = this.pending[1] as number;
      const len = this.pending.readUInt16BE(3);
      if (type < 20 || type > 24 || major !== 3 || len > 18432) {
        this.state.notTls = true;
        return;
      }
      if (this.pending.length < 5 + len) return;
      const body = this.pending.subarray(5, 5 + len);
      this.pending = this.pending.subarray(5 + len);
      this.record(type, body);
    }
  }

  private record(type: number, body: Buffer): void {
    if (type === 20) {
      // TLS 1.3 sends a dummy CCS for middlebox compatibility; either way what follows is encrypted.
      this.state.encrypted = true;
      return;
    }
    if (type === 21 && body.length >= 2 && !this.state.encrypted) {
      const description = body[1] as number;
      this.state.alerts.push({ level: body[0] as number, description, name: ALERT_NAMES[description] ?? `alert_${description}` });
      return;
    }
    if (type === 22 && !this.state.encrypted) {
      if (this.hs.length + body.length > MAX_BUFFER) return;
      this.hs = Buffer.concat([this.hs, body]);
      this.handshakeMessages();
    }
  }

  private handshakeMessages(): void {
    while (this.hs.length >= 4 && !this.state.encrypted) {
      const msgType = this.hs[0] as number;
      const len = this.hs.readUIntBE(1, 3);
      if (this.hs.length < 4 + len) return;
      const body = this.hs.subarray(4, 4 + len);
      this.hs = this.hs.subarray(4 + len);
      this.state.handshakeTypes.push(msgType);
      if (msgType === HANDSHAKE.certificate && !this.state.leafCertificate) this.state.leafCertificate = firstCertificate(body);
      if (msgType === HANDSHAKE.serverHello) {
        const v = serverHelloVersion(body);
        this.state.version = v;
        if (v !== undefined && v >= 0x0304) this.state.encrypted = true;
      }
    }
  }
}

/** legacy_version, then supported_versions (ext 43) if present. Undefined if the message is malformed. */
export function serverHelloVersion(body: Buffer): number | undefined {
  if (body.length < 38) return undefined;
  let version = body.readUInt16BE(0);
  let off = 2 + 32;
  const sidLen = body[off] as number;
  off += 1 + sidLen + 2 + 1;
  if (off + 2 > body.length) return version;
  const extEnd = Math.min(body.length, off + 2 + body.readUInt16BE(off));
  off += 2;
  while (off + 4 <= extEnd) {
    const extType = body.readUInt16BE(off);
    const extLen = body.readUInt16BE(off + 2);
    if (extType === 43 && extLen === 2 && off + 6 <= extEnd) version = body.readUInt16BE(off + 4);
    off += 4 + extLen;
  }
  return version;
}

/** certificate_list (u24 length) of u24-length-prefixed DER entries; the first is the leaf. */
export function firstCertificate(body: Buffer): Buffer | undefined {
  if (body.length < 6) return undefined;
  const len = body.readUIntBE(3, 3);
  if (len === 0 || 6 + len > body.length) return undefined;
  return Buffer.from(body.subarray(6, 6 + len));
}
