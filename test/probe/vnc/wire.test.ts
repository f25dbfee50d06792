import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vncFindings } from '../../../src/probe/vnc/findings.js';
import { assessVnc, type VncHandshake } from '../../../src/probe/vnc/posture.js';
import {
  clientVersionFor,
  decodeProtocolVersion,
  decodeSecurityType33,
  decodeSecurityTypes,
  decodeVencryptSubtypes,
  decodeVencryptVersion,
  encodeProtocolVersion,
  securityTypeName,
} from '../../../src/probe/vnc/wire.js';

const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

describe('RFB ProtocolVersion', () => {
  it('reads the 12-byte version and picks the version to answer', () => {
    const r = decodeProtocolVersion(Buffer.from('RFB 003.008\n'));
    expect(r).toEqual({ kind: 'ok', consumed: 12, version: { major: 3, minor: 8, text: 'RFB 003.008' } });
    expect(clientVersionFor({ major: 3, minor: 889, text: '' })).toEqual({ major: 3, minor: 8 });
    expect(clientVersionFor({ major: 5, minor: 0, text: '' })).toEqual({ major: 3, minor: 8 });
    expect(clientVersionFor({ major: 3, minor: 7, text: '' })).toEqual({ major: 3, minor: 7 });
    expect(clientVersionFor({ major: 3, minor: 5, text: '' })).toEqual({ major: 3, minor: 3 });
    expect(encodeProtocolVersion({ major: 3, minor: 8 }).toString()).toBe('RFB 003.008\n');
  });
  it('waits on a partial version and rejects anything else at the first differing byte', () => {
    expect(decodeProtocolVersion(Buffer.from('RFB 003')).kind).toBe('need-more');
    expect(decodeProtocolVersion(Buffer.from('SSH-2.0-OpenSSH_9.2p1\r\n'))).toMatchObject({ kind: 'invalid' });
    expect(decodeProtocolVersion(Buffer.from('RX'))).toMatchObject({ kind: 'invalid' });
    expect(decodeProtocolVersion(Buffer.from('RFB 3.8.0000\n'))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('malformed') });
  });
});

describe('RFB security handshake', () => {
  it('3.7+: count and types, or a refusal with its reason', () => {
    expect(decodeSecurityTypes(Uint8Array.from([2, 2, 19]))).toEqual({ kind: 'ok', consumed: 3, offer: { types: [2, 19] } });
    expect(decodeSecurityTypes(Uint8Array.from([2, 2])).kind).toBe('need-more');
    const why = Buffer.from('Too many authentication failures');
    expect(decodeSecurityTypes(Uint8Array.from([0, ...u32(why.length), ...why]))).toEqual({ kind: 'ok', consumed: 5 + why.length, offer: { refused: why.toString() } });
    expect(decodeSecurityTypes(Uint8Array.from([0, ...u32(1 << 30)]))).toMatchObject({ kind: 'invalid' });
  });
  it('3.3: one u32 type chosen by the server', () => {
    expect(decodeSecurityType33(Uint8Array.from(u32(2)))).toEqual({ kind: 'ok', consumed: 4, offer: { types: [2] } });
    expect(decodeSecurityType33(Uint8Array.from([...u32(0), ...u32(2), 0x68, 0x69]))).toMatchObject({ offer: { refused: 'hi' } });
  });
  it('VeNCrypt: version, then ack, count and u32 subtypes', () => {
    expect(decodeVencryptVersion(Uint8Array.from([0, 2]))).toEqual({ kind: 'ok', consumed: 2, major: 0, minor: 2 });
    expect(decodeVencryptSubtypes(Uint8Array.from([0, 2, ...u32(257), ...u32(260)]))).toEqual({ kind: 'ok', consumed: 10, subtypes: [257, 260] });
    expect(decodeVencryptSubtypes(Uint8Array.from([1]))).toMatchObject({ kind: 'invalid' });
  });
  it('names types from the IANA registry', () => {
    expect([1, 2, 5, 16, 18, 19, 30, 7, 200, 99].map(securityTypeName)).toEqual(['None', 'VNC Authentication', 'RA2', 'Tight', 'TLS', 'VeNCrypt', 'Apple Remote Desktop', 'RealVNC (7)', 'RealVNC (200)', 'unknown (99)']);
  });
  it('no decoder throws on random input, and none consumes more than it got', () => {
    const decoders = [decodeProtocolVersion, decodeSecurityTypes, decodeSecurityType33, decodeVencryptVersion, decodeVencryptSubtypes];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        for (const d of decoders) {
          const r = d(bytes);
          if (r.kind === 'ok') expect(r.consumed).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('assessVnc', () => {
  const h = (over: Partial<VncHandshake>): VncHandshake => ({ serverVersion: 'RFB 003.008', clientVersion: 'RFB 003.008', offer: { types: [2] }, ...over });
  const ep = { host: '127.0.0.1', port: 5900 };
  const rules = (x: VncHandshake): string[] => vncFindings(ep, x, assessVnc(x)).map((f) => `${f.rule} ${f.severity} ${f.control}`);

  it('None offered → OPEN, critical', () => {
    const x = h({ offer: { types: [1, 2] } });
    expect(assessVnc(x)).toMatchObject({ auth: 'open', noAuthVia: ['None'] });
    expect(rules(x)).toEqual(['probe.vnc.exposed medium M1037', 'probe.vnc.no-auth critical M1026']);
  });
  it('VNC Authentication only → LOGIN', () => {
    expect(assessVnc(h({}))).toMatchObject({ auth: 'login', securityTypes: ['VNC Authentication'] });
    expect(rules(h({}))).toEqual(['probe.vnc.exposed medium M1037']);
  });
  it('VeNCrypt wrapping no authentication → OPEN; wrapping a password → LOGIN', () => {
    expect(assessVnc(h({ offer: { types: [19] }, vencryptSubtypes: [257, 260] }))).toMatchObject({ auth: 'open', noAuthVia: ['VeNCrypt/TLSNone', 'VeNCrypt/X509None'] });
    expect(assessVnc(h({ offer: { types: [19] }, vencryptSubtypes: [258, 261] }))).toMatchObject({ auth: 'login', vencryptSubtypes: ['TLSVnc', 'X509Vnc'] });
    // Subtypes unknown: not claimed open.
    expect(assessVnc(h({ offer: { types: [19] }, vencryptError: 'timeout' })).auth).toBe('login');
  });
  it('a refusal before any type is UNKNOWN, not LOGIN', () => {
    expect(assessVnc(h({ offer: { refused: 'Too many authentication failures' } }))).toMatchObject({ auth: 'unknown', refused: 'Too many authentication failures' });
  });
});
