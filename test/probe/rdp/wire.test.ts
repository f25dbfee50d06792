import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeConnectionConfirm, encodeConnectionRequest, protocolName, responseFlagNames } from '../../../src/probe/rdp/wire.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('RDP Connection Request', () => {
  it('is the 19-byte TPKT + X.224 CR + RDP_NEG_REQ with requestedProtocols little-endian and no cookie', () => {
    expect(encodeConnectionRequest(0x0b).toString('hex')).toBe('030000130ee00000000000010008000b000000');
    expect(encodeConnectionRequest(0).toString('hex')).toBe('030000130ee000000000000100080000000000');
    expect(encodeConnectionRequest(3)).toHaveLength(19);
    expect(encodeConnectionRequest(3).readUInt32LE(15)).toBe(3);
  });
  it('names protocol bits', () => {
    expect(protocolName(0)).toBe('RDP');
    expect(protocolName(0x0b)).toBe('SSL|HYBRID|HYBRID_EX');
    expect(protocolName(0x100)).toBe('0x100');
    expect(responseFlagNames(0x1f)).toEqual(['EXTENDED_CLIENT_DATA_SUPPORTED', 'DYNVC_GFX_PROTOCOL_SUPPORTED', 'RESTRICTED_ADMIN_MODE_SUPPORTED', 'REDIRECTED_AUTHENTICATION_MODE_SUPPORTED']);
  });
});

describe('decodeConnectionConfirm', () => {
  it('reads RDP_NEG_RSP as xrdp sends it (selected TLS, flags 0x01)', () => {
    const r = decodeConnectionConfirm(hex('030000130ed000001234000201080001000000'));
    expect(r).toEqual({ kind: 'ok', reply: { type: 'selected', protocol: 1, flags: 1 }, consumed: 19 });
  });
  it('reads RDP_NEG_FAILURE and ignores what follows the first TPKT (xrdp appends a disconnect)', () => {
    const r = decodeConnectionConfirm(hex('030000130ed0000012340003000800010000000300000902f0802180'));
    expect(r).toEqual({ kind: 'ok', reply: { type: 'failure', code: 1 }, consumed: 19 });
  });
  it('reads HYBRID_REQUIRED_BY_SERVER', () => {
    expect(decodeConnectionConfirm(hex('030000130ed000001234000300080005000000'))).toMatchObject({ reply: { type: 'failure', code: 5 } });
  });
  it('treats a Connection Confirm without negotiation data as a legacy server', () => {
    expect(decodeConnectionConfirm(hex('0300000b06d00000123400'))).toEqual({ kind: 'ok', reply: { type: 'legacy' }, consumed: 11 });
  });
  it('treats an X.224 Data TPDU (MCS disconnect) as a disconnect, not a confirm', () => {
    expect(decodeConnectionConfirm(hex('0300000902f0802180'))).toEqual({ kind: 'ok', reply: { type: 'disconnect', tpdu: 0xf0 }, consumed: 9 });
  });
  it('waits for more bytes while the TPKT is incomplete', () => {
    const full = hex('030000130ed000001234000201080001000000');
    for (let i = 0; i < full.length; i++) expect(decodeConnectionConfirm(full.subarray(0, i)).kind).toBe('need-more');
  });
  it('rejects other protocols at once', () => {
    expect(decodeConnectionConfirm(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('TPKT') });
    expect(decodeConnectionConfirm(Buffer.from('SSH-2.0-OpenSSH_9.2p1\r\n'))).toMatchObject({ kind: 'invalid' });
    expect(decodeConnectionConfirm(hex('0300ffff'))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('65535') });
    expect(decodeConnectionConfirm(hex('030000130ed000001234000901080001000000'))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('negotiation type') });
    expect(decodeConnectionConfirm(hex('030000130ee000001234000201080001000000'))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('Connection Confirm') });
  });
  it('never throws on random input and never consumes more than it got', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, tpkt) => {
        const b = tpkt && bytes.length >= 2 ? Uint8Array.from([3, 0, ...bytes]) : bytes;
        const r = decodeConnectionConfirm(b);
        if (r.kind === 'ok') expect(r.consumed).toBeLessThanOrEqual(b.length);
        else expect(['need-more', 'invalid']).toContain(r.kind);
      }),
      { numRuns: 2000 },
    );
  });
});
