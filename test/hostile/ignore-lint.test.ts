import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIgnoreFile } from '../../src/audit/ignore.js';
import { lintIgnoreEntries } from '../../src/audit/ignore-lint.js';
import { ROOT, runCli } from '../helpers/cli.js';

const TODAY = new Date(Date.UTC(2026, 0, 15, 12));
const YEAR = 365 * 86_400_000;

describe('ignore entries that can never match, or never end, are warned about', () => {
  const text = [
    '- { id: "DRB-0123456789abcdef", rule: sshd-root-login, reason: both, expires: 2026-06-01 }',
    '- { id: "not-an-id", reason: typo, expires: 2026-06-01 }',
    '- { rule: sshd-root-login, location: /etc/ssh/sshd_config, reason: absolute, expires: 2026-06-01 }',
    '- { rule: sshd-root-login, location: sshd_config, reason: for ever, expires: 9999-12-31 }',
    '- { rule: sshd-root-login, location: sshd_config:3, reason: fine, expires: 2026-06-01 }',
  ].join('\n');

  it('names each inert entry by line and caps a far expiry at the configured maximum', () => {
    const parsed = parseIgnoreFile(text, '.drawbridgeignore');
    expect(parsed.problems).toEqual([]);
    const linted = lintIgnoreEntries(parsed.entries, TODAY, YEAR);
    expect(linted.warnings.map((w) => [w.line, w.message.replace(/^ignore entry: /, '').split(/[;,(]/)[0]])).toEqual([
      [1, 'has both "id" and "rule"'],
      [2, 'id "not-an-id" is not a finding id '],
      [3, 'location "/etc/ssh/sshd_config" is absolute'],
      [4, 'expires 9999-12-31 is beyond the allowed maximum '],
    ]);
    expect(linted.entries[3]!.expires).toBe('2027-01-15');
    expect(linted.entries[4]!.expires).toBe('2026-06-01');
  });

  it('the CLI prints the warnings and a stale id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drawbridge-ignore-'));
    const ignore = join(dir, 'ignore.yaml');
    writeFileSync(ignore, '- { id: "DRB-0123456789abcdef", reason: gone, expires: 2027-06-01 }\n- { rule: sshd-root-login, location: sshd_config, reason: r, expires: 9999-12-31 }\n');
    const r = runCli(['audit', join(ROOT, 'samples/sshd/sshd_config'), '--ignore-file', ignore, '--format', 'json']);
    expect(r.stderr).toMatch(/ignore.yaml:1: ignore entry: id "DRB-0123456789abcdef" matches no finding/);
    expect(r.stderr).toMatch(/ignore.yaml:2: ignore entry: expires 9999-12-31 is beyond the allowed maximum/);
  });
});
