import { describe, expect, it } from 'vitest';
import { applyIgnores, parseIgnoreFile } from '../../src/audit/ignore.js';
import { makeFinding, type Finding } from '../../src/model/finding.js';

function finding(rule: string, file: string, line: number): Finding {
  return makeFinding({ rule, subTechnique: 'ssh-access', control: 'M1026', severity: 'high', title: rule, asset: `sshd:${file}`, location: { file, line }, evidence: {}, remediation: 'fix it' });
}

describe('.drawbridgeignore', () => {
  const a = finding('sshd-password-auth', '/repo/etc/ssh/sshd_config', 0);
  const b = finding('sshd-root-login', '/repo/etc/ssh/sshd_config', 8);
  const c = finding('sshd-root-login', '/repo/other/sshd_config', 8);

  it('suppresses by id and by rule + location (relative path, optional line)', () => {
    const text = [
      `- id: ${a.id}`,
      '  reason: bastion keeps passwords until the VPN migration',
      '  expires: 2030-01-31',
      '- rule: sshd-root-login',
      '  location: etc/ssh/sshd_config:8',
      '  reason: image build step, root login removed at boot',
      '  expires: 2030-01-31',
    ].join('\n');
    const parsed = parseIgnoreFile(text, '.drawbridgeignore');
    expect(parsed.problems).toEqual([]);
    const out = applyIgnores([a, b, c], parsed.entries, new Date('2029-06-01T12:00:00Z'));
    expect(out.kept).toEqual([c]);
    expect(out.suppressed.map((s) => [s.finding.id, s.entry.source.line])).toEqual([
      [a.id, 1],
      [b.id, 4],
    ]);
    expect(out.expired).toEqual([]);
  });

  it('expired entries suppress nothing and are reported; the expiry day itself still counts', () => {
    const parsed = parseIgnoreFile(`- id: ${a.id}\n  reason: r\n  expires: 2024-05-01\n- id: ${b.id}\n  reason: r\n  expires: 2024-05-02\n`, 'ig');
    const out = applyIgnores([a, b], parsed.entries, new Date('2024-05-02T23:59:00Z'));
    expect(out.kept).toEqual([a]);
    expect(out.expired.map((e) => e.id)).toEqual([a.id]);
  });

  it('entries without reason or expiry, with bad dates or without a target are errors naming their line', () => {
    const text = [
      '- id: DRB-0000000000000000', // 1: no reason, no expires
      '- id: DRB-1',
      '  reason: ok',
      '  expires: 2024-02-30', // 2: impossible date
      '- rule: sshd-root-login', // 5: rule without location
      '  reason: ok',
      '  expires: 2030-01-01',
      '- reason: no target', // 8
      '  expires: 2030-01-01',
      '- just a string', // 10
      '- id: DRB-2',
      '  reason: "   "',
      '  expires: 2030-01-01',
      '  colour: red', // 11: blank reason, unknown field
    ].join('\n');
    const parsed = parseIgnoreFile(text, '.drawbridgeignore');
    expect(parsed.entries).toEqual([]);
    expect(parsed.problems.map((p) => [p.line, p.file])).toEqual([
      [1, '.drawbridgeignore'],
      [2, '.drawbridgeignore'],
      [5, '.drawbridgeignore'],
      [8, '.drawbridgeignore'],
      [10, '.drawbridgeignore'],
      [11, '.drawbridgeignore'],
    ]);
    expect(parsed.problems[0]?.message).toMatch(/reason.*expires/s);
    expect(parsed.problems[1]?.message).toMatch(/YYYY-MM-DD/);
    expect(parsed.problems[5]?.message).toMatch(/unknown field "colour"/);
  });

  it('invalid YAML and a non-list document are problems, an empty file is fine', () => {
    expect(parseIgnoreFile('- id: [unclosed', 'f').problems[0]).toMatchObject({ file: 'f', line: 1 });
    expect(parseIgnoreFile('id: x\n', 'f').problems[0]?.message).toMatch(/list/);
    expect(parseIgnoreFile('', 'f')).toEqual({ entries: [], problems: [] });
  });
});
