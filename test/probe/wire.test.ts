import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeIdentification, decodeKexinit, decodePacket } from '../../src/probe/ssh/wire.js';
import { kexSignals, terrapinPosture, weakAlgorithms } from '../../src/probe/ssh/posture.js';
import { splitSoftwareVersion } from '../../src/probe/ssh/fingerprinter.js';
import { kexinitPacket } from './helpers/fake-servers.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('identification line', () => {
  it('reads the line, comments and preamble', () => {
    const r = decodeIdentification(b('hello\r\nSSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\nrest'));
    expect(r).toMatchObject({ kind: 'ok', protoVersion: '2.0', softwareVersion: 'OpenSSH_9.2p1', comments: 'Debian-2+deb12u3', preamble: ['hello'], consumed: 47 });
  });
  it('accepts a bare LF and no comment', () => {
    expect(decodeIdentification(b('SSH-1.99-Cisco-1.25\n'))).toMatchObject({ kind: 'ok', protoVersion: '1.99', softwareVersion: 'Cisco-1.25' });
  });
  it('waits for more bytes', () => {
    expect(decodeIdentification(b('SSH-2.0-Open'))).toEqual({ kind: 'need-more' });
    expect(decodeIdentification(b(''))).toEqual({ kind: 'need-more' });
  });
  it.each([
    ['HTTP/1.1 400 Bad Request\r\n', /HTTP response/],
    ['RFB 003.008\n', /VNC \(RFB\) server/],
    [`SSH-2.0-${'x'.repeat(300)}`, /longer than 255/],
    ['SSH-2.0\r\n', /malformed/],
    ['\u0016\u0003\u0001\u0000\n', /binary data/],
  ])('rejects %j', (input, why) => {
    const r = decodeIdentification(b(input));
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(why);
  });
  it('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(['ok', 'need-more', 'invalid']).toContain(decodeIdentification(bytes).kind);
      }),
    );
  });
});

const LISTS = fc.array(fc.array(fc.stringMatching(/^[a-z0-9@.-]{1,20}$/), { maxLength: 5 }), { minLength: 10, maxLength: 10 });

describe('binary packet and KEXINIT', () => {
  it('round-trips any well-formed KEXINIT', () => {
    fc.assert(
      fc.property(LISTS, fc.boolean(), (lists, follows) => {
        const pkt = decodePacket(kexinitPacket(lists, follows));
        expect(pkt.kind).toBe('ok');
        if (pkt.kind !== 'ok') return;
        const k = decodeKexinit(pkt.payload);
        expect(k.kind).toBe('ok');
        if (k.kind !== 'ok') return;
        expect([k.value.kex, k.value.hostKey, k.value.ciphersClientToServer, k.value.languagesServerToClient]).toEqual([lists[0], lists[1], lists[2], lists[9]]);
        expect(k.value.firstKexPacketFollows).toBe(follows);
      }),
    );
  });
  it('never throws on garbage packets or payloads', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect(['ok', 'need-more', 'invalid']).toContain(decodePacket(bytes).kind);
        const withType = Uint8Array.from([20, ...bytes]);
        expect(['ok', 'invalid']).toContain(decodeKexinit(withType).kind);
        expect(['ok', 'invalid']).toContain(decodeKexinit(bytes).kind);
      }),
    );
  });
  it('never throws on a truncated or corrupted real packet', () => {
    const good = kexinitPacket([['curve25519-sha256'], ['ssh-ed25519'], ['aes128-ctr'], ['aes128-ctr'], ['hmac-sha2-256'], ['hmac-sha2-256'], ['none'], ['none'], [], []]);
    fc.assert(
      fc.property(fc.nat(good.length), fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (cut, at, byte) => {
        const copy = Buffer.from(good);
        copy[at] = byte;
        const p = decodePacket(copy.subarray(0, cut));
        if (p.kind === 'ok') expect(['ok', 'invalid']).toContain(decodeKexinit(p.payload).kind);
      }),
    );
  });
  it('refuses impossible lengths', () => {
    expect(decodePacket(Buffer.from([0xff, 0xff, 0xff, 0xff, 4]))).toMatchObject({ kind: 'invalid' });
    expect(decodePacket(Buffer.from([0, 0, 0, 8, 9, 0, 0, 0]))).toMatchObject({ kind: 'invalid' });
  });
});

describe('posture', () => {
  const k = (kex: string[], ciphers: string[], macs: string[], hostKey = ['ssh-ed25519']) => ({
    kex,
    hostKey,
    ciphersClientToServer: ciphers,
    ciphersServerToClient: ciphers,
    macsClientToServer: macs,
    macsServerToClient: macs,
    compressionClientToServer: ['none'],
    compressionServerToClient: ['none'],
    languagesClientToServer: [],
    languagesServerToClient: [],
    firstKexPacketFollows: false,
  });
  it('Terrapin: prone only without the strict marker and with an exploitable mode', () => {
    expect(terrapinPosture(k(['curve25519-sha256'], ['chacha20-poly1305@openssh.com'], ['hmac-sha2-256'])).prone).toBe(true);
    expect(terrapinPosture(k(['curve25519-sha256'], ['aes128-cbc'], ['hmac-sha2-256-etm@openssh.com'])).prone).toBe(true);
    expect(terrapinPosture(k(['curve25519-sha256'], ['aes128-cbc'], ['hmac-sha2-256'])).prone).toBe(false);
    expect(terrapinPosture(k(['curve25519-sha256', 'kex-strict-s-v00@openssh.com'], ['chacha20-poly1305@openssh.com'], ['hmac-sha2-256'])).prone).toBe(false);
    expect(kexSignals(k(['curve25519-sha256'], ['aes128-gcm@openssh.com'], ['hmac-sha2-256']))).toEqual(['ssh:no-terrapin-modes']);
  });
  it('weak algorithms: markers are not key exchange methods', () => {
    const w = weakAlgorithms(k(['ext-info-s', 'kex-strict-s-v00@openssh.com', 'diffie-hellman-group1-sha1'], ['aes128-ctr', '3des-cbc'], ['hmac-sha1', 'hmac-md5-96'], ['ssh-dss']));
    // hmac-sha1 too: the SSH algorithm catalogue is the audit's, which calls SHA-1 MACs weak
    expect(w.map((x) => x.name)).toEqual(['diffie-hellman-group1-sha1', 'ssh-dss', '3des-cbc', 'hmac-sha1', 'hmac-md5-96']);
  });
  it('splits software versions', () => {
    expect(splitSoftwareVersion('OpenSSH_9.2p1')).toEqual({ product: 'OpenSSH', version: '9.2p1' });
    expect(splitSoftwareVersion('Cisco-1.25')).toEqual({ product: 'Cisco-1.25' });
  });
});
