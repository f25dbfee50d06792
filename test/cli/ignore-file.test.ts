import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-cli-ignore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an ignore file that cannot be used is exit 2, never a silent fail-open', () => {
  it('a missing --ignore-file names the file', () => {
    const missing = join(dir, 'nope.yaml');
    // The hardened config alone exits 0: only the ignore file can make this exit 2.
    const r = runCli(['audit', 'samples/sshd/sshd_config.hardened', '--format', 'json', '--ignore-file', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toContain('no such file');
    expect(r.stdout).toBe('');
  });

  it('invalid YAML names its line; a document that is not a list is rejected too', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, '- rule: sshd-listen-all\n  reason: [unclosed\n');
    const r = runCli(['audit', 'samples/sshd/sshd_config.hardened', '--format', 'json', '--ignore-file', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+: invalid YAML/);
    const map = join(dir, 'map.yaml');
    writeFileSync(map, 'id: DRB-0000000000000000\n');
    expect(runCli(['audit', 'samples/sshd/sshd_config.hardened', '--format', 'json', '--ignore-file', map]).code).toBe(2);
  });

  it('a rejected entry in a good file stays a warning', () => {
    const partial = join(dir, 'partial.yaml');
    writeFileSync(partial, '- rule: sshd-listen-all\n  location: x:1\n');
    const r = runCli(['audit', 'samples/sshd/sshd_config.hardened', '--format', 'json', '--ignore-file', partial]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/partial\.yaml:1: ignore entry rejected/);
  });
});
