/** `drawbridge audit` on inputs recognised by content: stdin, misleading names, folders, and input that is nothing. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawbridge } from './run.js';

const HELM = [
  '---',
  '# Source: dash/templates/deployment.yaml',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: dash',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '      - name: d',
  '        image: kubernetesui/dashboard:v2.7.0',
  '        args: [--enable-skip-login]',
  '',
].join('\n');

describe('drawbridge audit recognises every kind by content', () => {
  it('helm template … | drawbridge audit - finds the manifest and gates (exit 1)', () => {
    const r = drawbridge(['audit', '-', '--format', 'json'], { input: HELM });
    const out = JSON.parse(r.stdout) as { findings: { rule: string; location: { file: string } }[] };
    expect(out.findings.map((f) => f.rule)).toEqual(['k8s-dashboard-skip-login']);
    expect(out.findings[0]?.location.file).toBe('<stdin>');
    expect(r.code).toBe(1);
  });

  it('stdin that is no known config exits 2 with a message naming it', () => {
    const r = drawbridge(['audit', '-'], { input: 'just some notes\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error DRB-E-INPUT-UNRECOGNISED: <stdin>: not recognised as any supported config kind/);
  });

  it('a folder audit reads x.txt and sgs.txt by content and ends with counts; -v lists what was skipped and why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drawbridge-recognise-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'x.txt'), HELM);
    writeFileSync(join(dir, 'sub', 'sgs.txt'), '{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}');
    writeFileSync(join(dir, 'notes.txt'), 'remember the milk\n');
    const r = drawbridge(['audit', dir, '--format', 'json']);
    const rules = (JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule).sort();
    expect(rules).toEqual(['aws-sg-open-management-port', 'k8s-dashboard-skip-login']);
    expect(r.stderr).toContain('read 3 file(s); audited 2: 1 aws-security-groups, 1 kubernetes; skipped 1 (-v lists them)');
    expect(r.stderr).not.toContain('notes.txt');
    const v = drawbridge(['audit', dir, '--format', 'json', '-v']);
    expect(v.stderr).toContain(`skipped ${join(dir, 'notes.txt')}: not recognised as any supported config kind`);
  });
});
