import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstCertificate, ServerFlightScanner, serverHelloVersion } from '../../../src/probe/tls/records.js';

const record = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 255]), body]);
const handshake = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 255, body.length & 255]), body]);

function serverHello(version?: number): Buffer {
  const ext = version ? Buffer.from([0, 43, 0, 2, version >> 8, version & 255]) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0]), Buffer.from([0xc0, 0x2f, 0]), Buffer.from([ext.length >> 8, ext.length & 255]), ext]);
}

describe('ServerFlightScanner', () => {
  it('sees a TLS 1.2 CertificateRequest split across records and chunks, and the leaf certificate', () => {
    const der = Buffer.from('30820101deadbeef', 'hex');
    const certMsg = Buffer.concat([Buffer.from([0, 0, der.length + 3, 0, 0, der.length]), der]);
    const flight = Buffer.concat([handshake(2, serverHello()), handshake(11, certMsg), handshake(13, Buffer.from([1, 1, 0, 2, 4, 3, 0, 0])), handshake(14, Buffer.alloc(0))]);
    const bytes = Buffer.concat([record(22, flight.subarray(0, 20)), record(22, flight.subarray(20))]);
    const s = new ServerFlightScanner();
    for (let i = 0; i < bytes.length; i += 7) s.push(bytes.subarray(i, i + 7));
    expect(s.result.handshakeTypes).toEqual([2, 11, 13, 14]);
    expect(s.sawCertificateRequest()).toBe(true);
    expect(s.result.version).toBe(0x0303);
    expect(s.result.leafCertificate?.equals(der)).toBe(true);
  });

  it('stops reading at TLS 1.3 (everything after ServerHello is encrypted)', () => {
    const s = new ServerFlightScanner();
    s.push(Buffer.concat([record(22, handshake(2, serverHello(0x0304))), record(22, handshake(13, Buffer.alloc(4)))]));
    expect(s.result.version).toBe(0x0304);
    expect(s.result.handshakeTypes).toEqual([2]);
    expect(s.sawCertificateRequest()).toBe(false);
  });

  it('names alerts and flags non-TLS answers', () => {
    const s = new ServerFlightScanner();
    s.push(record(21, Buffer.from([2, 40])));
    expect(s.result.alerts).toEqual([{ level: 2, description: 40, name: 'handshake_failure' }]);
    const h = new ServerFlightScanner();
    h.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    expect(h.result.notTls).toBe(true);
  });

  it('never throws on arbitrary bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        const s = new ServerFlightScanner();
        for (const c of chunks) s.push(c);
        expect(Array.isArray(s.result.handshakeTypes)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        serverHelloVersion(Buffer.from(b));
        firstCertificate(Buffer.from(b));
      }),
    );
  });

  it('never throws on well-framed records with random contents (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(20, 21, 22, 23), fc.uint8Array({ maxLength: 120 })), { maxLength: 10 }), (recs) => {
        const s = new ServerFlightScanner();
        s.push(Buffer.concat(recs.map(([t, b]) => record(t, Buffer.from(b)))));
        expect(s.result.notTls).toBe(false);
      }),
    );
  });
});
