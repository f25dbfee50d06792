import { describe, expect, it } from 'vitest';
import { tokenizeLine } from '../../../src/audit/sshd/tokenize.js';
import { parseSshdConfig } from '../../../src/audit/sshd/parse.js';
import { effectiveSettings, value } from '../../../src/audit/sshd/effective.js';
import { algorithmList } from '../../../src/audit/sshd/algorithms.js';
import { matchAddressList, matchPatternList, wildcardMatch } from '../../../src/audit/sshd/match.js';
import { memoryIO } from './memory-io.js';

const parse = (text: string, files: Record<string, string> = {}, file = '/etc/ssh/sshd_config') => parseSshdConfig(text, file, memoryIO(files));
const val = (text: string, keyword: string, ctx = {}, files: Record<string, string> = {}) => value(effectiveSettings(parse(text, files), ctx), keyword);

describe('tokenizeLine', () => {
  it('splits keyword and arguments, honouring = , quotes, escapes and trailing comments', () => {
    expect(tokenizeLine('PasswordAuthentication no # was yes')).toEqual({ kind: 'directive', keyword: 'PasswordAuthentication', args: ['no'] });
    expect(tokenizeLine('  Banner=/etc/issue.net')).toEqual({ kind: 'directive', keyword: 'Banner', args: ['/etc/issue.net'] });
    expect(tokenizeLine('ForceCommand "internal-sftp -d /srv" x\\ y')).toEqual({ kind: 'directive', keyword: 'ForceCommand', args: ['internal-sftp -d /srv', 'x y'] });
    expect(tokenizeLine('AllowUsers a#b')).toEqual({ kind: 'directive', keyword: 'AllowUsers', args: ['a#b'] });
    expect(tokenizeLine('   # comment')).toEqual({ kind: 'empty' });
    expect(tokenizeLine('Banner "unterminated').kind).toBe('error');
  });
});

describe('parseSshdConfig', () => {
  it('keeps the line of every directive, folds aliases and reads keywords case-insensitively', () => {
    const cfg = parse('\n# c\npermitrootlogin no\nChallengeResponseAuthentication yes\n');
    expect(cfg.directives.map((d) => [d.keyword, d.written, d.line])).toEqual([
      ['PermitRootLogin', 'permitrootlogin', 3],
      ['KbdInteractiveAuthentication', 'ChallengeResponseAuthentication', 4],
    ]);
    expect(cfg.problems).toEqual([]);
  });

  it('first value wins; ListenAddress accumulates', () => {
    const text = 'PasswordAuthentication no\nPasswordAuthentication yes\nListenAddress 10.0.0.1\nListenAddress 10.0.0.2\n';
    const s = effectiveSettings(parse(text));
    expect(s.get('passwordauthentication')?.line).toBe(1);
    expect(s.get('passwordauthentication')?.args).toEqual(['no']);
    expect(s.get('listenaddress')?.args).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('reports bad lines as problems with line numbers and leaves them out', () => {
    const cfg = parse('Bogus yes\nPasswordAuthentication maybe\nPasswordAuthentication\nProtocol 2\nMatch User a\n  Port 2222\nMatch Foo bar\nPermitRootLogin perhaps\n');
    expect(cfg.problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 6, 7, 8]);
    expect(cfg.problems[0]?.message).toMatch(/unknown keyword "Bogus"/);
    expect(cfg.problems[3]?.message).toMatch(/deprecated/);
    expect(cfg.problems[4]?.message).toMatch(/not allowed inside a Match block/);
    expect(cfg.directives).toEqual([]);
    expect(cfg.problems.every((p) => p.file === '/etc/ssh/sshd_config')).toBe(true);
  });

  it('follows Include globs in sorted order, relative to /etc/ssh, Match ending with the included file', () => {
    const files = {
      '/etc/ssh/sshd_config.d/10-a.conf': 'MaxAuthTries 2\nMatch User bob\n  PasswordAuthentication yes\n',
      '/etc/ssh/sshd_config.d/20-b.conf': 'MaxAuthTries 5\nPermitRootLogin yes\n',
    };
    const cfg = parse('Include sshd_config.d/*.conf\nX11Forwarding yes\nPasswordAuthentication no\n', files);
    expect(cfg.files).toEqual(['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/10-a.conf', '/etc/ssh/sshd_config.d/20-b.conf']);
    const x11 = cfg.directives.find((d) => d.keyword === 'X11Forwarding');
    expect(x11?.block).toBe(-1); // the Match in 10-a.conf did not swallow it
    const s = effectiveSettings(cfg, { user: 'alice' });
    expect(s.get('maxauthtries')).toMatchObject({ args: ['2'], file: '/etc/ssh/sshd_config.d/10-a.conf', line: 1 });
    expect(value(s, 'PermitRootLogin')).toBe('yes');
    expect(value(s, 'PasswordAuthentication')).toBe('no');
    expect(value(effectiveSettings(cfg, { user: 'bob' }), 'PasswordAuthentication')).toBe('yes');
  });

  it('falls back to the including file\'s directory when /etc/ssh has no match, and maps /etc/ssh in a tree copy', () => {
    const local = parseSshdConfig('Include conf.d/*.conf\n', '/repo/ssh/sshd_config', memoryIO({ '/repo/ssh/conf.d/a.conf': 'PermitRootLogin yes\n' }));
    expect(local.files).toContain('/repo/ssh/conf.d/a.conf');
    const tree = parseSshdConfig('Include /etc/ssh/sshd_config.d/*.conf\n', 'img/etc/ssh/sshd_config', memoryIO({ 'img/etc/ssh/sshd_config.d/x.conf': 'PermitRootLogin yes\n', '/etc/ssh/sshd_config.d/host.conf': 'PermitRootLogin no\n' }));
    expect(tree.files).toEqual(['img/etc/ssh/sshd_config', 'img/etc/ssh/sshd_config.d/x.conf']);
  });

  it('reports includes that match nothing, loops and unreadable targets without throwing', () => {
    const cfg = parse('Include none/*.conf\nInclude /etc/ssh/loop.conf\n', { '/etc/ssh/loop.conf': 'Include /etc/ssh/loop.conf\n' });
    expect(cfg.problems.map((p) => p.message)).toEqual([expect.stringMatching(/matched no file/), expect.stringMatching(/Include loop/)]);
  });

  it('an Include inside a Match block applies only to matching connections', () => {
    const text = 'Match User carol\n  Include /etc/ssh/carol.conf\n';
    const files = { '/etc/ssh/carol.conf': 'PermitEmptyPasswords yes\n' };
    expect(val(text, 'PermitEmptyPasswords', { user: 'carol' }, files)).toBe('yes');
    expect(val(text, 'PermitEmptyPasswords', { user: 'dave' }, files)).toBe('no');
  });
});

describe('Match evaluation', () => {
  const text = [
    'PasswordAuthentication no',
    'Match Address 10.1.*,!10.1.1.1',
    '  PasswordAuthentication yes',
    'Match Host *.EXAMPLE.com User a?ice',
    '  PermitRootLogin yes',
    'Match LocalPort 2222',
    '  X11Forwarding yes',
    'Match LocalAddress 192.168.0.0/16,fe80::/10',
    '  MaxAuthTries 1',
    'Match User !root',
    '  PermitEmptyPasswords yes',
    'Match Group wheel,!guests',
    '  AllowTcpForwarding no',
  ].join('\n');

  it('applies negation, CIDR, wildcards, case rules and ports as sshd does', () => {
    const a = { user: 'alice', addr: '10.1.2.3', host: 'db.example.com', laddr: '192.168.1.1', lport: 2222 };
    expect(val(text, 'PasswordAuthentication', a)).toBe('yes');
    expect(val(text, 'PermitRootLogin', a)).toBe('yes');
    expect(val(text, 'X11Forwarding', a)).toBe('yes');
    expect(val(text, 'MaxAuthTries', a)).toBe('1');
    const b = { user: 'alice', addr: '10.1.1.1', host: 'DB.example.COM', laddr: '10.0.0.1', lport: 22 };
    expect(val(text, 'PasswordAuthentication', b)).toBe('no'); // negated address
    expect(val(text, 'PermitRootLogin', b)).toBe('yes'); // host matching ignores case
    expect(val(text, 'X11Forwarding', b)).toBe('no');
    expect(val(text, 'MaxAuthTries', b)).toBe('6');
    expect(val(text, 'PermitRootLogin', { ...b, user: 'Alice' })).toBe('prohibit-password'); // user matching is case-sensitive
    expect(val(text, 'MaxAuthTries', { laddr: 'fe80::1' })).toBe('1');
  });

  it('a list of only negations matches nobody (sshd needs one positive match)', () => {
    expect(val(text, 'PermitEmptyPasswords', { user: 'alice' })).toBe('no');
    expect(matchPatternList('alice', '!root')).toBe(0);
    expect(matchPatternList('root', '*,!root')).toBe(-1);
  });

  it('Group matches any of the user\'s groups unless one is negated', () => {
    expect(val(text, 'AllowTcpForwarding', { user: 'u', groups: ['staff', 'wheel'] })).toBe('no');
    expect(val(text, 'AllowTcpForwarding', { user: 'u', groups: ['wheel', 'guests'] })).toBe('yes');
  });

  it('wildcards and address lists', () => {
    expect(wildcardMatch('db1.example.com', '*.example.com')).toBe(true);
    expect(wildcardMatch('db1', 'db?')).toBe(true);
    expect(wildcardMatch('db12', 'db?')).toBe(false);
    expect(matchAddressList('2001:db8::5', '2001:db8::/32')).toBe(1);
    expect(matchAddressList('192.0.2.1', '2001:db8::/32')).toBe(0);
    expect(parse('Match Address 10.0.0.1/8\n').problems[0]?.message).toMatch(/host bits/);
  });

  it('Match all overrides global values for every connection', () => {
    expect(val('PasswordAuthentication no\nMatch all\n  PasswordAuthentication yes\n', 'PasswordAuthentication')).toBe('yes');
  });
});

describe('algorithm lists', () => {
  const list = (text: string) => algorithmList('Ciphers', effectiveSettings(parse(text)).get('ciphers')).offered;
  it('apply +, -, ^ relative to the compiled-in default', () => {
    expect(list('Ciphers +aes128-cbc')).toEqual(['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-cbc']);
    expect(list('Ciphers -chacha20*,aes*-ctr')).toEqual(['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com']);
    expect(list('Ciphers ^aes256-cbc')[0]).toBe('aes256-cbc');
    expect(list('Ciphers aes128-ctr,aes128-ctr')).toEqual(['aes128-ctr']);
    expect(list('Ciphers -*')).toHaveLength(6); // sshd 9.2 keeps the default when everything is removed
  });
});
