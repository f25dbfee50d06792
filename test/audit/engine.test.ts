import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditPaths, STDIN_NAME } from '../../src/audit/engine.js';
import { globFiles, walkFiles } from '../../src/audit/walk.js';
import type { Auditor } from '../../src/audit/types.js';
import { sshdAuditor } from '../../src/audit/sshd/index.js';
import { AUDITORS } from '../../src/audit/registry.js';
import { defaultConfig } from '../../src/config/load.js';
import { compareFindings, makeFinding } from '../../src/model/finding.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-engine-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

describe('auditPaths', () => {
  it('walks a tree, audits sshd configs once (drop-ins through their Include), skips the rest', async () => {
    const main = write('img/etc/ssh/sshd_config', 'Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin no\n');
    const dropIn = write('img/etc/ssh/sshd_config.d/50-cloud-init.conf', 'PasswordAuthentication yes\n');
    write('node_modules/pkg/sshd_config', 'PermitRootLogin yes\n');
    write('.git/sshd_config', 'PermitRootLogin yes\n');
    const notes = write('docs/notes.txt', 'hello\n');
    write('bin/blob', 'PermitRootLogin\u0000yes');

    const r = await auditPaths([dir], { config: defaultConfig(), auditors: [sshdAuditor] });
    expect(r.audited).toEqual([{ file: main, auditor: 'sshd' }]);
    expect(r.skipped.map((s) => s.file).sort()).toEqual([join(dir, 'bin/blob'), notes].sort());
    expect(r.skipped.map((s) => s.reason).sort()).toEqual(['binary file', 'not recognised as any supported config kind']);
    expect(r.read).toBe(4);
    expect(r.problems).toEqual([]);
    const pw = r.findings.filter((f) => f.rule === 'sshd-password-auth');
    expect(pw.map((f) => f.location)).toEqual([{ file: dropIn, line: 1 }]);
    expect(r.findings.some((f) => f.rule === 'sshd-root-login')).toBe(false);
    expect([...r.findings].sort(compareFindings)).toEqual(r.findings);
  });

  it('reports unreadable, unrecognised and broken paths as problems naming the file', async () => {
    const txt = write('readme.txt', 'nothing to see\n');
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    const r = await auditPaths([txt, join(dir, 'nope'), dir], { config: defaultConfig(), auditors: [sshdAuditor] });
    const byFile = Object.fromEntries(r.problems.map((p) => [p.file, p.message]));
    expect(byFile[txt]).toMatch(/not recognised/);
    expect(byFile[join(dir, 'nope')]).toMatch(/cannot read/);
    expect(byFile[join(dir, 'dangling')]).toMatch(/broken link/);
  });

  it('reads `-` from stdin and recognises sshd_config by content (default registry)', async () => {
    expect(AUDITORS).toContain(sshdAuditor);
    const r = await auditPaths(['-'], { config: defaultConfig(), readStdin: async () => 'PermitRootLogin yes\nPasswordAuthentication no\n' });
    expect(r.audited).toEqual([{ file: STDIN_NAME, auditor: 'sshd' }]);
    expect(r.findings.find((f) => f.rule === 'sshd-root-login')).toMatchObject({ severity: 'high', location: { file: STDIN_NAME, line: 1 } });
  });

  it('uses the first auditor that recognises a file and survives an auditor that throws', async () => {
    const f = write('a.conf', 'x\n');
    const g = write('b.conf', 'y\n');
    const finding = makeFinding({ rule: 'test', subTechnique: 'ssh-access', control: 'M1026', severity: 'low', title: 't', asset: 'a', location: { file: f, line: 1 }, evidence: {}, remediation: 'r' });
    const first: Auditor = { id: 'first', description: '', recognise: (_text, name) => (name === f ? 1 : 0), audit: () => ({ findings: [finding], problems: [] }) };
    const broken: Auditor = { id: 'broken', description: '', recognise: () => 1, audit: () => { throw new Error('boom'); } };
    const r = await auditPaths([dir], { config: defaultConfig(), auditors: [first, broken] });
    // The id is recomputed from the path relative to the audit root (ids do not depend on the path's spelling).
    expect(r.findings).toEqual([{ ...finding, id: expect.stringMatching(/^DRB-[0-9a-f]{16}$/) }]);
    expect(r.problems).toEqual([{ file: g, message: 'broken auditor failed: boom' }]);
  });

  it('refuses oversized files with a problem instead of reading them', async () => {
    const big = write('sshd_config', 'PermitRootLogin yes\n'.repeat(100));
    const r = await auditPaths([big], { config: defaultConfig(), auditors: [sshdAuditor], maxBytes: 100 });
    expect(r.findings).toEqual([]);
    expect(r.problems[0]).toMatchObject({ file: big, message: expect.stringMatching(/over the 100-byte limit/) });
  });
});

describe('walkFiles and globFiles', () => {
  it('list files sorted and expand * and ? per path segment, skipping hidden names', () => {
    write('d/b.conf', '');
    write('d/a.conf', '');
    write('d/.hidden.conf', '');
    write('d/sub/c.conf', '');
    expect(walkFiles(join(dir, 'd')).files).toEqual([join(dir, 'd/.hidden.conf'), join(dir, 'd/a.conf'), join(dir, 'd/b.conf'), join(dir, 'd/sub/c.conf')]);
    expect(globFiles(join(dir, 'd/*.conf'))).toEqual([join(dir, 'd/a.conf'), join(dir, 'd/b.conf')]);
    expect(globFiles(join(dir, 'd/?.conf'))).toEqual([join(dir, 'd/a.conf'), join(dir, 'd/b.conf')]);
    expect(globFiles(join(dir, '*/sub/*.conf'))).toEqual([join(dir, 'd/sub/c.conf')]);
    expect(globFiles(join(dir, 'd/a.conf'))).toEqual([join(dir, 'd/a.conf')]);
    expect(globFiles(join(dir, 'd/none*.conf'))).toEqual([]);
  });
});
