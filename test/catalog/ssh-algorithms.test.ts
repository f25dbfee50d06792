import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sshdAuditor } from '../../src/audit/sshd/index.js';
import { weakIn } from '../../src/catalog/ssh-algorithms.js';
import type { Finding } from '../../src/model/finding.js';
import { weakAlgorithms } from '../../src/probe/ssh/posture.js';
import type { Kexinit } from '../../src/probe/ssh/wire.js';
import { memoryContext } from '../audit/sshd/memory-io.js';

/** Names of every list, weak and strong, as sshd and a KEXINIT spell them. */
const POOL = {
  KexAlgorithms: ['curve25519-sha256', 'diffie-hellman-group14-sha256', 'diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'gss-group14-sha1-toWM5Slw5Ew8Mqkay+al2g=='],
  HostKeyAlgorithms: ['ssh-ed25519', 'rsa-sha2-512', 'ssh-rsa', 'ssh-dss', 'ssh-rsa-cert-v01@openssh.com', 'ssh-dss-cert-v01@openssh.com'],
  // aes128-ctr always first: with only AEAD ciphers the audit rightly skips MACs (never negotiated)
  Ciphers: ['aes256-ctr', 'chacha20-poly1305@openssh.com', 'aes128-cbc', '3des-cbc', 'rijndael-cbc@lysator.liu.se', 'arcfour256'],
  MACs: ['hmac-sha2-256', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha1', 'umac-64@openssh.com', 'umac-64-etm@openssh.com', 'hmac-md5-96', 'hmac-ripemd160', 'hmac-sha1-etm@openssh.com'],
} as const;
type Keyword = keyof typeof POOL;

function kexinit(lists: Record<Keyword, string[]>): Kexinit {
  return {
    kex: lists.KexAlgorithms,
    hostKey: lists.HostKeyAlgorithms,
    ciphersClientToServer: lists.Ciphers,
    ciphersServerToClient: lists.Ciphers,
    macsClientToServer: lists.MACs,
    macsServerToClient: lists.MACs,
    compressionClientToServer: ['none'],
    compressionServerToClient: ['none'],
    languagesClientToServer: [],
    languagesServerToClient: [],
    firstKexPacketFollows: false,
  };
}

const LIST_OF: Record<Keyword, string> = { KexAlgorithms: 'kex', HostKeyAlgorithms: 'hostKey', Ciphers: 'cipher', MACs: 'mac' };

/** What the sshd_config audit calls weak in a file that sets exactly these lists. */
function auditVerdict(lists: Record<Keyword, string[]>): { weak: string[]; severity: string | undefined } {
  const text = (Object.keys(POOL) as Keyword[]).map((k) => `${k} ${lists[k].join(',')}`).join('\n') + '\nPasswordAuthentication no\n';
  const findings: Finding[] = sshdAuditor.audit('/etc/ssh/sshd_config', text, memoryContext()).findings.filter((f) => f.rule === 'sshd-weak-algorithms');
  const weak = (Object.keys(POOL) as Keyword[]).flatMap((k) => {
    const f = findings.find((x) => x.evidence['keyword'] === k);
    return ((f?.evidence['weak'] as { name: string; reason: string }[] | undefined) ?? []).map((w) => `${LIST_OF[k]}:${w.name}:${w.reason}`);
  });
  const severity = findings.some((f) => f.severity === 'medium') ? 'medium' : findings[0]?.severity;
  return { weak, severity };
}

function probeVerdict(lists: Record<Keyword, string[]>): { weak: string[]; severity: string | undefined } {
  const weak = weakAlgorithms(kexinit(lists));
  return { weak: weak.map((w) => `${w.list}:${w.name}:${w.why}`), severity: weak.length === 0 ? undefined : weak.some((w) => !w.compiledDefault) ? 'medium' : 'low' };
}

describe('one SSH algorithm catalogue for audit and probe', () => {
  it('MACs hmac-sha1,umac-64: both lenses report both, at the same severity', () => {
    const lists = { KexAlgorithms: ['curve25519-sha256'], HostKeyAlgorithms: ['ssh-ed25519'], Ciphers: ['aes256-ctr'], MACs: ['hmac-sha1', 'umac-64@openssh.com'] };
    const audit = auditVerdict(lists);
    expect(audit.weak).toEqual(['mac:hmac-sha1:SHA-1', 'mac:umac-64@openssh.com:64-bit tag']);
    expect(probeVerdict(lists)).toEqual(audit);
  });

  it('judges any algorithm lists identically (names, reasons, severity)', () => {
    const sub = (k: Keyword) => fc.subarray([...POOL[k]], { minLength: 1 }).map((xs) => (k === 'Ciphers' ? ['aes128-ctr', ...xs] : xs));
    fc.assert(
      fc.property(fc.record({ KexAlgorithms: sub('KexAlgorithms'), HostKeyAlgorithms: sub('HostKeyAlgorithms'), Ciphers: sub('Ciphers'), MACs: sub('MACs') }), (lists) => {
        expect(probeVerdict(lists)).toEqual(auditVerdict(lists));
      }),
      { numRuns: 60 },
    );
  });

  it('calls a CBC cipher Terrapin-prone only when strict key exchange is not offered', () => {
    expect(weakIn('cipher', ['aes128-cbc'])[0]?.reason).toMatch(/Terrapin/);
    expect(weakIn('cipher', ['aes128-cbc'], true)[0]?.reason).not.toMatch(/Terrapin/);
    const offer = kexinit({ KexAlgorithms: ['curve25519-sha256', 'kex-strict-s-v00@openssh.com'], HostKeyAlgorithms: ['ssh-ed25519'], Ciphers: ['chacha20-poly1305@openssh.com', 'aes128-cbc'], MACs: ['hmac-sha2-256-etm@openssh.com'] });
    expect(weakAlgorithms(offer).map((w) => [w.name, w.why])).toEqual([['aes128-cbc', 'CBC mode: plaintext-recovery attacks on SSH (CVE-2008-5161)']]);
  });
});
