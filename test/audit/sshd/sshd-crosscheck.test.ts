import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSshdConfig } from '../../../src/audit/sshd/parse.js';
import { effectiveSettings } from '../../../src/audit/sshd/effective.js';
import { algorithmList } from '../../../src/audit/sshd/algorithms.js';
import { ALGORITHM_KEYWORDS } from '../../../src/audit/sshd/data.js';
import type { ConnectionContext } from '../../../src/audit/sshd/match.js';
import { fsContext } from '../../../src/audit/engine.js';
import { defaultConfig } from '../../../src/config/load.js';

/**
 * Our evaluation of Match, Include, first-wins and defaults against the real `sshd -T` (Debian package
 * openssh-server, which .ci/run installs). sshd -T needs a host key and its privilege-separation directory.
 */
const SSHD = '/usr/sbin/sshd';
const canRun = existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen') && process.getuid?.() === 0;

const KEYS = ['passwordauthentication', 'kbdinteractiveauthentication', 'permitrootlogin', 'permitemptypasswords', 'usepam', 'x11forwarding', 'maxauthtries', 'authenticationmethods', 'trustedusercakeys', 'allowtcpforwarding'];

function sshdT(conf: string, ctx?: ConnectionContext): Map<string, string> {
  const args = ['-T', '-f', conf];
  if (ctx) {
    const spec = [`user=${ctx.user}`, `addr=${ctx.addr}`, `host=${ctx.host}`, `laddr=${ctx.laddr}`, `lport=${ctx.lport}`].join(',');
    args.push('-C', spec);
  }
  const out = execFileSync(SSHD, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0 && !m.has(line.slice(0, i))) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

function ours(conf: string, text: string, ctx?: ConnectionContext): Map<string, string> {
  const cfg = parseSshdConfig(text, conf, fsContext(defaultConfig()));
  expect(cfg.problems).toEqual([]);
  const s = effectiveSettings(cfg, ctx ?? {});
  const m = new Map<string, string>();
  for (const k of KEYS) {
    const v = s.get(k)?.args.join(' ').toLowerCase() ?? '';
    m.set(k, v === 'prohibit-password' ? 'without-password' : v);
  }
  for (const k of ALGORITHM_KEYWORDS) m.set(k.toLowerCase(), algorithmList(k, s.get(k.toLowerCase())).offered.join(','));
  return m;
}

describe.skipIf(!canRun)('effective settings agree with real sshd -T', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'drawbridge-sshd-'));
    mkdirSync('/run/sshd', { recursive: true });
    execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'hostkey')]);
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'conf.d', '10-a.conf'), 'MaxAuthTries 2\nMatch User bob\n  PasswordAuthentication yes\n');
    writeFileSync(join(dir, 'conf.d', '20-b.conf'), 'MaxAuthTries 5\nPermitRootLogin yes\n');
    writeFileSync(join(dir, 'carol.conf'), 'PermitEmptyPasswords yes\n');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const configs: Record<string, (d: string) => string> = {
    defaults: () => '',
    'first wins, case, alias, quotes': () => 'passwordauthentication no\nPasswordAuthentication yes\nChallengeResponseAuthentication no\nPermitRootLogin "no"\nUsePAM yes # trailing comment\n',
    'match blocks': () =>
      [
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'Match Address 10.1.*,!10.1.1.1',
        '  PasswordAuthentication yes',
        'Match Host *.EXAMPLE.com User a?ice',
        '  PermitRootLogin yes',
        '  AuthenticationMethods publickey,password',
        'Match LocalPort 2222',
        '  X11Forwarding yes',
        'Match LocalAddress 192.168.0.0/16,fe80::/10',
        '  MaxAuthTries 1',
        'Match User !root',
        '  PermitEmptyPasswords yes',
        'Match User root Address 203.0.113.0/24',
        '  AllowTcpForwarding no',
        '  TrustedUserCAKeys /etc/ssh/ca.pub',
        'Match all',
        '  KbdInteractiveAuthentication yes',
      ].join('\n'),
    includes: (d) => `Include ${d}/conf.d/*.conf\nX11Forwarding yes\nMatch User carol\n  Include ${d}/carol.conf\n  PasswordAuthentication no\n`,
    algorithms: () => 'Ciphers +aes128-cbc,3des-cbc\nMACs -hmac-sha1*,umac-64*\nKexAlgorithms ^diffie-hellman-group14-sha1\nHostKeyAlgorithms ssh-ed25519,rsa-sha2-512\nPubkeyAcceptedAlgorithms +ssh-rsa\nCASignatureAlgorithms -ssh-*\n',
  };
  const contexts: ConnectionContext[] = [
    { user: 'alice', addr: '10.1.2.3', host: 'db.example.com', laddr: '192.168.1.1', lport: 2222 },
    { user: 'alice', addr: '10.1.1.1', host: 'DB.example.COM', laddr: '10.0.0.1', lport: 22 },
    { user: 'Alice', addr: '10.2.1.1', host: 'x.example.org', laddr: 'fe80::1', lport: 22 },
    { user: 'root', addr: '203.0.113.7', host: 'h', laddr: '::1', lport: 22 },
    { user: 'bob', addr: '198.51.100.1', host: 'h', laddr: '127.0.0.1', lport: 22 },
    { user: 'carol', addr: '2001:db8::1', host: 'h', laddr: '::1', lport: 2222 },
  ];

  for (const [name, make] of Object.entries(configs)) {
    it(name, () => {
      const text = `HostKey ${dir}/hostkey\n${make(dir)}\n`;
      const conf = join(dir, `${name.replace(/\W+/g, '-')}.conf`);
      writeFileSync(conf, text);
      // Without -C, sshd -T refuses a config whose Match needs a connection attribute (LocalPort here).
      const withoutConnection = name === 'match blocks' ? [] : [undefined];
      for (const ctx of [...withoutConnection, ...contexts]) {
        const real = sshdT(conf, ctx);
        const mine = ours(conf, text, ctx);
        for (const [k, v] of mine) expect({ ctx, k, v }).toEqual({ ctx, k, v: real.get(k) });
      }
    });
  }
});
