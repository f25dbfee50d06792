/**
 * Flags that take a list take one value each and repeat: a variadic flag swallowed the paths after
 * it (`detect --inventory probe.json auth.log` failed with "name log files").
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drb-flags-'));
  copyFileSync(join(ROOT, 'samples/logs/auth.log'), join(dir, 'auth.log'));
  writeFileSync(join(dir, 'inv.json'), '{ "findings": [] }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('list flags before the inputs', () => {
  it('detect: --sink, --inventory, --allow and --org-asn each take one value; the log after them is still an input', () => {
    const r = runCli(
      ['detect', '--sink', 'jsonl:out.jsonl', '--inventory', 'inv.json', '--inventory', 'inv.json', '--allow', '192.0.2.0/24', '--org-asn', '64500', 'auth.log', '--format', 'json', '--state-dir', 'state'],
      { cwd: dir },
    );
    expect(r.stderr).not.toMatch(/name log files|error/);
    expect([0, 1]).toContain(r.code);
    expect((JSON.parse(r.stdout) as { stats: { records: number } }).stats.records).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'out.jsonl'))).toBe(true);
  });

  it('audit: --advisories and --management-port take one value; the path after them is still audited', () => {
    const r = runCli(['audit', '--management-port', 'ssh=2200', '--advisories', dir, join(ROOT, 'samples/sshd'), '--format', 'json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/error/);
    expect([0, 1]).toContain(r.code);
    expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
  });
});
