/**
 * The decoder against a real OpenSSH server (Debian openssh-server + openssh-client): sshd on a free
 * loopback port logs with -E; its lines are framed in an RFC 3339 syslog header (what rsyslog adds)
 * and decoded. Fingerprints are checked against ssh-keygen's own.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdDecoder } from '../../src/detect/decoders/sshd.js';
import type { AuthEvent, DrawbridgeEvent } from '../../src/model/event.js';

const SSHD = '/usr/sbin/sshd';
const have = existsSync(SSHD) && existsSync('/usr/bin/ssh') && existsSync('/usr/bin/ssh-keygen');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

describe.skipIf(!have)('sshd decoder on a real OpenSSH server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-sshd-'));
  const log = join(dir, 'sshd.log');
  let port = 0;
  let sshd: ChildProcess | undefined;
  const keygen = (...args: string[]): string => execFileSync('ssh-keygen', args, { encoding: 'utf8' });
  const fingerprint = (pub: string): string => keygen('-l', '-E', 'sha256', '-f', pub).split(' ')[1] as string;

  beforeAll(async () => {
    for (const k of ['host', 'user', 'ca', 'certuser', 'stranger']) keygen('-q', '-t', 'ed25519', '-N', '', '-C', k, '-f', join(dir, k));
    keygen('-q', '-s', join(dir, 'ca'), '-I', 'alice@corp', '-n', 'root', '-z', '42', join(dir, 'certuser.pub'));
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user.pub')));
    port = await freePort();
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `TrustedUserCAKeys ${join(dir, 'ca.pub')}`,
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        `PidFile ${join(dir, 'sshd.pid')}`,
        'StrictModes no',
        'LogLevel VERBOSE',
      ].join('\n') + '\n',
    );
    // Privilege separation needs its empty directory (created by the package's service normally).
    execFileSync('mkdir', ['-p', '/run/sshd']);
    sshd = spawn(SSHD, ['-D', '-f', join(dir, 'sshd_config'), '-E', log], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !(existsSync(log) && readFileSync(log, 'utf8').includes('Server listening')); i++) await new Promise((r) => setTimeout(r, 100));
    const ssh = (user: string, key: string, extra: string[] = []): void => {
      try {
        execFileSync('ssh', ['-p', String(port), '-i', join(dir, key), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', ...extra, `${user}@127.0.0.1`, 'true'], { stdio: 'ignore', timeout: 20_000 });
      } catch {
        // Refused logins are part of the scenario.
      }
    };
    ssh('root', 'user');
    ssh('root', 'certuser', ['-o', `CertificateFile=${join(dir, 'certuser-cert.pub')}`]);
    ssh('nosuchuser', 'stranger');
    ssh('root', 'stranger');
    await new Promise((r) => setTimeout(r, 300));
  }, 60_000);

  afterAll(() => {
    sshd?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes every line sshd wrote, with the right credentials', () => {
    const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(10);
    const d = sshdDecoder.open('sshd.log', { defaultYear: 2025 });
    const events: DrawbridgeEvent[] = [];
    lines.forEach((body, i) => {
      const framed = `2025-03-04T09:15:${String(i % 60).padStart(2, '0')}.000000+00:00 testhost sshd[${1000 + i}]: ${body}`;
      const r = d.line(framed, { source: 'sshd.log', offset: 0, line: i + 1 });
      if (!Array.isArray(r)) throw new Error(`rejected "${body}": ${r.reject}`);
      events.push(...r);
    });
    const auth = events.filter((e): e is AuthEvent => e.kind === 'auth');
    const accepted = auth.filter((e) => e.success);
    expect(accepted).toHaveLength(2);
    expect(accepted[0]).toMatchObject({ user: 'root', src: '127.0.0.1', method: 'publickey', credentialKind: 'key', keyType: 'ED25519', credential: fingerprint(join(dir, 'user.pub')) });
    expect(accepted[1]).toMatchObject({
      credentialKind: 'certificate',
      credential: 'alice@corp',
      certSerial: '42',
      ca: fingerprint(join(dir, 'ca.pub')),
      keyFingerprint: fingerprint(join(dir, 'certuser.pub')),
    });
    expect(auth.filter((e) => e.invalidUser).map((e) => e.user)).toContain('nosuchuser');
    // VERBOSE logs the refused key of a valid user.
    expect(auth.some((e) => !e.success && e.user === 'root' && e.credential === fingerprint(join(dir, 'stranger.pub')))).toBe(true);
    expect(events.some((e) => e.kind === 'flow' && e.dstPort === port)).toBe(true);
  });
});
