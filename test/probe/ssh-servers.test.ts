import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { ConfigSchema } from '../../src/config/schema.js';
import { runProbe } from '../../src/probe/scheduler.js';
import { sshFingerprinter } from '../../src/probe/ssh/fingerprinter.js';
import type { Kexinit } from '../../src/probe/ssh/wire.js';
import { freePort, listenersOn, sshdAvailable, startSshd, type RunningSshd } from './helpers/sshd.js';
import { kexinitPacket, startHttpServer, startScriptedServer, startSilentServer, type Running } from './helpers/fake-servers.js';

const config = ConfigSchema.parse({ probe: { timeout: '2s', concurrency: 4, rate: 50 } });
const probe = (target: string) => runProbe([target], { config, fingerprinters: [sshFingerprinter] });
const LOOPBACK_HEX = '0100007F';
/** The weak names in OpenSSH's compiled-in MAC list (catalog/audit/sshd/defaults.yaml), in offer order. */
const DEFAULT_WEAK_MACS = ['umac-64-etm@openssh.com', 'hmac-sha1-etm@openssh.com', 'umac-64@openssh.com', 'hmac-sha1'];

// In CI a missing sshd must fail the run, not skip it (apt-get install openssh-server).
describe.runIf(sshdAvailable || process.env['CI'] === 'true')('real OpenSSH servers', () => {
  let passwordSshd: RunningSshd;
  let hardenedSshd: RunningSshd;
  let legacySshd: RunningSshd;
  beforeAll(async () => {
    [passwordSshd, hardenedSshd, legacySshd] = await Promise.all([
      startSshd(['PasswordAuthentication yes', 'KbdInteractiveAuthentication no']),
      startSshd([
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'AuthenticationMethods publickey',
        'KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org',
        'HostKeyAlgorithms ssh-ed25519',
        'Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,chacha20-poly1305@openssh.com',
        'MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com',
      ]),
      startSshd([
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'KexAlgorithms +diffie-hellman-group14-sha1',
        'Ciphers +aes128-cbc',
        'MACs +hmac-md5',
      ]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([passwordSshd?.stop(), hardenedSshd?.stop(), legacySshd?.stop()]);
  });

  it('binds every test sshd to loopback only', () => {
    for (const s of [passwordSshd, hardenedSshd, legacySshd]) {
      const addrs = listenersOn(s.port);
      expect(addrs.length).toBeGreaterThan(0);
      expect(addrs.every((a) => a === LOOPBACK_HEX)).toBe(true);
    }
  });

  it('reports password logins on a server that allows them, and the weak MACs of the default offer as low', async () => {
    const r = await probe(`127.0.0.1:${passwordSshd.port}`);
    expect(r.problems).toEqual([]);
    expect(r.observations).toHaveLength(1);
    const o = r.observations[0]!;
    expect(o).toMatchObject({ outcome: 'identified', service: 'ssh', product: 'OpenSSH', auth: 'login' });
    expect(o.version).toMatch(/^\d+\.\d+p\d+$/);
    expect(o.facts['authMethods']).toEqual(['publickey', 'password']);
    expect(r.findings.map((f) => [f.rule, f.severity, f.control, f.subTechnique])).toEqual([
      ['probe.ssh.password-auth', 'high', 'M1026', 'ssh-access'],
      // OpenSSH's compiled-in MACs keep SHA-1 and 64-bit tags last for old peers: the audit of the same default says low too
      ['probe.ssh.weak-algorithms', 'low', 'M1050', 'ssh-access'],
    ]);
    expect((r.findings[1]?.evidence['weak'] as { name: string }[]).map((w) => w.name)).toEqual(DEFAULT_WEAK_MACS);
    expect(r.findings[0]?.location).toEqual({ host: '127.0.0.1', port: passwordSshd.port });
    // Only the none method was tried: sshd logged no password attempt.
    expect(passwordSshd.log()).not.toMatch(/Failed password/);
  });

  it('finds nothing wrong with a hardened server', async () => {
    const r = await probe(`127.0.0.1:${hardenedSshd.port}`);
    const o = r.observations[0]!;
    expect(o.auth).toBe('login');
    expect(o.facts['authMethods']).toEqual(['publickey']);
    expect(o.facts['strictKex']).toBe(true);
    const k = o.facts['kexinit'] as Kexinit;
    expect(k.hostKey).toEqual(['ssh-ed25519']);
    expect(k.ciphersServerToClient).toEqual(['aes256-gcm@openssh.com', 'aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com']);
    expect(k.macsServerToClient).toEqual(['hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com']);
    expect(k.kex).toContain('kex-strict-s-v00@openssh.com');
    expect(r.findings).toEqual([]);
  });

  it('names the weak algorithms a legacy configuration adds', async () => {
    const r = await probe(`127.0.0.1:${legacySshd.port}`);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([['probe.ssh.weak-algorithms', 'medium']]);
    const weak = (r.findings[0]?.evidence['weak'] as { name: string }[]).map((w) => w.name);
    expect(weak).toEqual(['diffie-hellman-group14-sha1', 'aes128-cbc', ...DEFAULT_WEAK_MACS, 'hmac-md5']);
  });

  it('probes several endpoints in one run and reports progress', async () => {
    const closed = await freePort();
    const progress: number[] = [];
    const r = await runProbe(['127.0.0.1'], {
      config,
      ports: [passwordSshd.port, hardenedSshd.port, closed],
      fingerprinters: [sshFingerprinter],
      onProgress: (done, total) => progress.push(done * 10 + total),
    });
    expect(r.observations.map((o) => o.endpoint.port).sort()).toEqual([passwordSshd.port, hardenedSshd.port].sort());
    expect(progress.sort()).toEqual([13, 23, 33]);
    expect(r.findings.map((f) => f.rule)).toEqual(['probe.ssh.password-auth', 'probe.ssh.weak-algorithms']);
  });
});

describe('servers that are not (good) SSH', () => {
  const running: Running[] = [];
  afterAll(async () => {
    await Promise.all(running.map((s) => s.close()));
  });

  it('times out cleanly on a port that accepts and says nothing', async () => {
    const s = await startSilentServer();
    running.push(s);
    const r = await probe(`127.0.0.1:${s.port}`);
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({ outcome: 'timeout', auth: 'unknown', findings: [] });
    expect(r.observations[0]?.notes?.[0]).toMatch(/^ssh: no answer within 2000 ms/);
  });

  it('says "not ssh" for an HTTP server', async () => {
    const s = await startHttpServer();
    running.push(s);
    const r = await probe(`127.0.0.1:${s.port}`);
    expect(r.observations[0]).toMatchObject({ outcome: 'unrecognised', findings: [] });
    expect(r.observations[0]?.notes?.[0]).toMatch(/^ssh: not ssh: an HTTP response \("HTTP\/1\.1 400/);
  });

  it('judges an old OpenSSH banner and a Terrapin-prone offer without strict KEX', async () => {
    const lists = [
      ['curve25519-sha256', 'diffie-hellman-group1-sha1', 'ext-info-s'],
      ['ssh-ed25519', 'ssh-rsa'],
      ['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes128-cbc'],
      ['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes128-cbc'],
      ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256'],
      ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256'],
      ['none'],
      ['none'],
      [],
      [],
    ];
    const greeting = Buffer.concat([Buffer.from('Welcome to the lab\r\nSSH-2.0-OpenSSH_9.3p1\r\n'), kexinitPacket(lists)]);
    const s = await startScriptedServer(greeting);
    running.push(s);
    const r = await probe(`127.0.0.1:${s.port}`);
    const o = r.observations[0]!;
    expect(o).toMatchObject({ outcome: 'identified', product: 'OpenSSH', version: '9.3p1', auth: 'unknown' });
    expect(o.facts['preamble']).toEqual(['Welcome to the lab']);
    expect(typeof o.facts['authError']).toBe('string');
    const byRule = r.findings.map((f) => `${f.rule}${f.rule === 'probe.ssh.advisory' ? `:${String(f.evidence['advisory'])}:${f.confidence}` : ''}`).sort();
    expect(byRule).toEqual([
      'probe.ssh.advisory:CVE-2023-48795:possible',
      'probe.ssh.advisory:CVE-2024-6387:possible',
      'probe.ssh.terrapin',
      'probe.ssh.weak-algorithms',
    ]);
    const weak = r.findings.find((f) => f.rule === 'probe.ssh.weak-algorithms')?.evidence['weak'] as { name: string }[];
    expect(weak.map((w) => w.name)).toEqual(['diffie-hellman-group1-sha1', 'ssh-rsa', 'aes128-cbc']);
  });

  it('reports a server that lets anyone in with "none" as critical', async () => {
    const hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
    const server = new ssh2.Server({ hostKeys: [hostKey], ident: 'LabSSH_1.0' }, (client) => {
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => (ctx.method === 'none' ? ctx.accept() : ctx.reject(['none'])));
    });
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    running.push({ port, close: () => new Promise<void>((r) => server.close(() => r())) });
    const r = await probe(`127.0.0.1:${port}`);
    const o = r.observations[0]!;
    expect(o).toMatchObject({ outcome: 'identified', product: 'LabSSH', version: '1.0', auth: 'open' });
    expect(r.findings.filter((f) => f.rule === 'probe.ssh.none-auth').map((f) => [f.severity, f.control])).toEqual([['critical', 'M1026']]);
  });
});
