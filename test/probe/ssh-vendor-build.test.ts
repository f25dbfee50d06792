import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { runProbe } from '../../src/probe/scheduler.js';
import { sshFingerprinter } from '../../src/probe/ssh/fingerprinter.js';
import { hiddenVendorBuild } from '../../src/probe/ssh/vendor-build.js';
import { sshdAvailable, startSshd, type RunningSshd } from './helpers/sshd.js';

const config = ConfigSchema.parse({ probe: { timeout: '2s', concurrency: 2, rate: 50 } });
const probe = (target: string) => runProbe([target], { config, fingerprinters: [sshFingerprinter] });

describe('vendor builds of OpenSSH that hide their suffix', () => {
  it('needs all three: plain upstream banner, a release before 9.6, strict key exchange offered', () => {
    const strict = ['curve25519-sha256', 'kex-strict-s-v00@openssh.com'];
    expect(hiddenVendorBuild('OpenSSH', '9.2p1', undefined, strict)).toMatch(/vendor build with backported fixes/);
    expect(hiddenVendorBuild('OpenSSH', '9.2p1', 'Debian-2+deb12u3', strict)).toBeUndefined();
    expect(hiddenVendorBuild('OpenSSH', '9.6p1', undefined, strict)).toBeUndefined();
    expect(hiddenVendorBuild('OpenSSH', '10.0p2', undefined, strict)).toBeUndefined();
    expect(hiddenVendorBuild('OpenSSH', '9.2p1', undefined, ['curve25519-sha256'])).toBeUndefined();
    expect(hiddenVendorBuild('dropbear', '2022.83', undefined, strict)).toBeUndefined();
  });
});

// Debian's OpenSSH 9.2p1 carries the strict-KEX backport (deb12u1 and later); `DebianBanner no` hides the suffix.
describe.runIf(sshdAvailable || process.env['CI'] === 'true')('real Debian OpenSSH with DebianBanner no', () => {
  let sshd: RunningSshd;
  beforeAll(async () => {
    sshd = await startSshd(['DebianBanner no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'Ciphers +aes128-cbc', 'MACs +hmac-sha2-256-etm@openssh.com']);
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('reads the build as a vendor one: upstream-range advisories are possible and at most medium, with the reason', async () => {
    const r = await probe(`127.0.0.1:${sshd.port}`);
    const o = r.observations[0]!;
    expect(o.facts['identification']).toMatch(/^SSH-2\.0-OpenSSH_9\.[0-5]p\d+$/);
    expect(o.facts['strictKex']).toBe(true);
    expect(o.facts['vendorBuild']).toMatch(/strict key exchange \(kex-strict-s-v00@openssh\.com\).*9\.6/);
    const advisories = r.findings.filter((f) => f.rule === 'probe.ssh.advisory');
    expect(advisories.length).toBeGreaterThan(0);
    // regreSSHion (high upstream) is the advisory a 9.2p1 banner matches
    expect(advisories.map((f) => f.evidence['advisory'])).toContain('CVE-2024-6387');
    for (const f of advisories) {
      expect(f.confidence).toBe('possible');
      expect(['info', 'low', 'medium']).toContain(f.severity);
      expect(f.evidence['vendorBuild']).toBe(o.facts['vendorBuild']);
      expect(f.explanation).toMatch(/vendor build with backported fixes/);
    }
    expect(advisories.find((f) => f.evidence['advisory'] === 'CVE-2024-6387')?.evidence['advisorySeverity']).toBe('high');
  });

  it('strict key exchange offered: no Terrapin finding, and the weak-algorithm evidence does not call CBC Terrapin-prone', async () => {
    const r = await probe(`127.0.0.1:${sshd.port}`);
    const rules = r.findings.map((f) => `${f.rule}${f.rule === 'probe.ssh.advisory' ? `:${String(f.evidence['advisory'])}` : ''}`);
    expect(rules).not.toContain('probe.ssh.terrapin');
    expect(rules).not.toContain('probe.ssh.advisory:CVE-2023-48795');
    const weak = r.findings.find((f) => f.rule === 'probe.ssh.weak-algorithms')?.evidence['weak'] as { name: string; why: string }[];
    expect(weak.find((w) => w.name === 'aes128-cbc')?.why).toBe('CBC mode: plaintext-recovery attacks on SSH (CVE-2008-5161)');
    expect(weak.every((w) => !/Terrapin/.test(w.why))).toBe(true);
  });
});
