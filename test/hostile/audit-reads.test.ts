import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditPaths } from '../../src/audit/engine.js';
import { sshdAuditor } from '../../src/audit/sshd/index.js';
import { defaultConfig } from '../../src/config/load.js';
import { parseConfig } from '../../src/config/load.js';
import { readBoundedFile } from '../../src/io/safe-read.js';
import { runCli } from '../helpers/cli.js';

// A credential-looking secret and a shadow line that must never appear in any output.
const TOKEN = 'ghp_Zx81SecretTokenValue0000000000000000';
const SHADOW = 'root:$6$saltsalt$hashhashhashhash:19700:0:99999:7:::';

let dir: string;
let root: string;
let secret: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-reads-'));
  root = join(dir, 'audited', 'ssh');
  mkdirSync(join(root, 'sshd_config.d'), { recursive: true });
  mkdirSync(join(dir, 'private'));
  secret = join(dir, 'private', 'token');
  writeFileSync(secret, `${TOKEN}\n${SHADOW}\n`);
});

const everything = (r: { problems: unknown[]; findings: unknown[] }): string => JSON.stringify(r);

describe('audit reads only inside the folders it was given', () => {
  it('refuses an absolute Include outside the audited folder, says so, and prints none of its content', async () => {
    const main = join(root, 'sshd_config');
    writeFileSync(main, `PasswordAuthentication no\nInclude ${secret}\n`);
    const r = await auditPaths([main], { config: defaultConfig() });
    expect(everything(r)).not.toContain('Zx81');
    expect(everything(r)).not.toContain('saltsalt');
    expect(r.problems).toContainEqual(expect.objectContaining({ file: main, line: 2, field: 'Include', message: expect.stringMatching(/refused: .*outside the audited folders/) }));
  });

  it('refuses a symbolic link that leads out of the audited folder, walked or included', async () => {
    symlinkSync(secret, join(root, 'sshd_config.d', 'leak.conf'));
    writeFileSync(join(root, 'sshd_config'), 'Include /etc/ssh/sshd_config.d/*.conf\n');
    const walked = await auditPaths([root], { config: defaultConfig() });
    expect(everything(walked)).not.toContain('Zx81');
    expect(walked.problems).toContainEqual(expect.objectContaining({ field: 'Include', message: expect.stringMatching(/leads to .*private\/token, outside the audited folders/) }));
    const named = await auditPaths([join(root, 'sshd_config')], { config: defaultConfig() });
    expect(everything(named)).not.toContain('Zx81');
  });

  it('reads the folder of a named sshd_config (the live /etc/ssh case) and whatever allowedRoots adds', async () => {
    writeFileSync(join(root, 'sshd_config'), `Include /etc/ssh/sshd_config.d/*.conf\nInclude ${join(dir, 'shared', '*.conf')}\n`);
    writeFileSync(join(root, 'sshd_config.d', '10-root.conf'), 'PermitRootLogin yes\n');
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'shared', 'pw.conf'), 'PermitEmptyPasswords yes\n');
    const confined = await auditPaths([join(root, 'sshd_config')], { config: defaultConfig() });
    expect(confined.findings.map((f) => f.rule)).toContain('sshd-root-login');
    expect(confined.findings.map((f) => f.rule)).not.toContain('sshd-empty-passwords');
    const config = parseConfig(`audit:\n  allowedRoots: [${JSON.stringify(join(dir, 'shared'))}]\n`, 'drawbridge.yaml');
    const widened = await auditPaths([join(root, 'sshd_config')], { config });
    expect(widened.findings.map((f) => f.rule)).toContain('sshd-empty-passwords');
  });

  it('shows only a short masked excerpt of lines it does not understand, even inside an allowed root', async () => {
    const main = join(root, 'sshd_config');
    writeFileSync(main, `Include ${secret}\n`);
    const config = parseConfig(`audit:\n  allowedRoots: [${JSON.stringify(join(dir, 'private'))}]\n`, 'drawbridge.yaml');
    const r = await auditPaths([main], { config });
    const unknown = r.problems.filter((p) => /unknown keyword/.test(p.message));
    expect(unknown).toHaveLength(2);
    expect(everything(r)).not.toContain('Zx81');
    expect(everything(r)).not.toContain('saltsalt');
    expect(unknown[0]!.message).toMatch(/"ghp…" \(40 characters, not shown\)/);
  });

  it('refuses kernel pseudo-files and non-regular files, included or linked, without reading them', async () => {
    const main = join(root, 'sshd_config');
    writeFileSync(main, 'Include /proc/self/pagemap\n');
    symlinkSync('/proc/self/pagemap', join(root, 'sshd_config.d', 'pagemap.conf'));
    symlinkSync('/dev/zero', join(root, 'sshd_config.d', 'zero.conf'));
    const r = await auditPaths([root], { config: defaultConfig() });
    const messages = r.problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/Include "\/proc\/self\/pagemap" refused/);
    expect(messages).toMatch(/pagemap.conf leads to \/proc\/.*pagemap, outside the audited folders|kernel pseudo-file/);
    expect(readBoundedFile('/proc/self/pagemap', 1 << 20)).toEqual({ ok: false, reason: expect.stringMatching(/kernel pseudo-file/) });
    expect(readBoundedFile('/dev/zero', 1 << 20)).toEqual({ ok: false, reason: expect.stringMatching(/kernel pseudo-file/) });
  });

  it('refuses a glob over the whole host instead of listing it', async () => {
    const main = join(root, 'sshd_config');
    writeFileSync(main, 'Include /*/*/*\n');
    const r = await auditPaths([main], { config: defaultConfig() });
    expect(r.problems).toContainEqual(expect.objectContaining({ line: 1, message: expect.stringMatching(/Include "\/\*\/\*\/\*" refused: \/ is outside the audited folders/) }));
  });

  it('caps a glob in matches and says so', async () => {
    for (let i = 0; i < 1100; i++) writeFileSync(join(root, 'sshd_config.d', `${String(i).padStart(4, '0')}.conf`), 'X11Forwarding no\n');
    writeFileSync(join(root, 'sshd_config'), 'Include /etc/ssh/sshd_config.d/*.conf\n');
    const r = await auditPaths([join(root, 'sshd_config')], { config: defaultConfig(), auditors: [sshdAuditor] });
    expect(r.problems).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/more than 1024 matches/) }));
  });

  it('caps reads by the bytes actually read', () => {
    const f = join(dir, 'exact');
    writeFileSync(f, 'x'.repeat(100));
    expect(readBoundedFile(f, 100)).toEqual({ ok: true, text: 'x'.repeat(100) });
    expect(readBoundedFile(f, 99)).toEqual({ ok: false, reason: 'over the 99-byte limit; not read' });
  });

  it('the CLI prints refused includes and no secret on stderr or stdout', () => {
    const main = join(root, 'sshd_config');
    writeFileSync(main, `Include ${secret}\nInclude /proc/self/pagemap\n`);
    const r = runCli(['audit', main, '--format', 'json']);
    expect(r.stdout + r.stderr).not.toContain('Zx81');
    expect(r.stderr).toMatch(/refused/);
    const out = JSON.parse(r.stdout) as { problems: { message: string }[] };
    expect(out.problems.filter((p) => /refused/.test(p.message))).toHaveLength(2);
  });
});
