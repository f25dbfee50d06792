/** Every config kind is recognised by its content: under any name, and on standard input. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogPath } from '../../src/catalog/paths.js';
import { auditPaths, pickAuditor } from '../../src/audit/engine.js';
import { AUDITORS } from '../../src/audit/registry.js';
import { STDIN_NAME } from '../../src/audit/types.js';
import { defaultConfig } from '../../src/config/load.js';

const root = catalogPath('audit');

/** Every rule case input with the name it is audited under. */
function caseInputs(): { label: string; name: string; text: string }[] {
  const out: { label: string; name: string; text: string }[] = [];
  for (const kind of readdirSync(root)) {
    for (const rule of readdirSync(join(root, kind))) {
      const cases = join(root, kind, rule, 'cases');
      if (!existsSync(cases)) continue;
      for (const c of readdirSync(cases)) {
        const dir = join(cases, c);
        const input = readdirSync(dir).find((n) => n === 'input' || n.startsWith('input.')) as string;
        const ex = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { file?: string };
        out.push({ label: `${kind}/${rule}/${c}`, name: ex.file ?? join(dir, input), text: readFileSync(join(dir, input), 'utf8') });
      }
    }
  }
  return out;
}

describe('recognition by content', () => {
  it('every catalogue case input goes to the same auditor under its own name, as x.txt and on stdin', () => {
    const disagreements: string[] = [];
    for (const c of caseInputs()) {
      const named = pickAuditor(AUDITORS, c.name, c.text)?.id;
      const txt = pickAuditor(AUDITORS, 'x.txt', c.text)?.id;
      const stdin = pickAuditor(AUDITORS, STDIN_NAME, c.text)?.id;
      if (named === undefined || txt !== named || stdin !== named) disagreements.push(`${c.label}: ${named} / x.txt ${txt} / stdin ${stdin}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('a Helm-rendered manifest on stdin is audited as Kubernetes', async () => {
    const helm = '---\n# Source: dash/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dash\nspec:\n  template:\n    spec:\n      containers:\n      - name: d\n        image: kubernetesui/dashboard:v2.7.0\n        args: [--enable-skip-login]\n';
    const r = await auditPaths(['-'], { config: defaultConfig(), readStdin: async () => helm });
    expect(r.audited).toEqual([{ file: STDIN_NAME, auditor: 'kubernetes' }]);
    expect(r.findings.map((f) => [f.rule, f.location])).toEqual([['k8s-dashboard-skip-login', { file: STDIN_NAME, line: 13 }]]);
    expect(r.unrecognised).toEqual([]);
  });

  it('names are hints: a manifest as x.txt and security groups as sgs.txt are recognised', () => {
    const manifest = 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: NodePort}\n';
    const sgs = '{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}';
    const tf = 'resource "aws_security_group" "a" {\n  ingress {\n    from_port = 22\n  }\n}\n';
    const daemon = '{"hosts": ["tcp://0.0.0.0:2375"], "log-driver": "json-file"}';
    const kong = 'admin_listen = 0.0.0.0:8001\n';
    expect(pickAuditor(AUDITORS, 'x.txt', manifest)?.id).toBe('kubernetes');
    expect(pickAuditor(AUDITORS, 'sgs.txt', sgs)?.id).toBe('aws-security-groups');
    expect(pickAuditor(AUDITORS, STDIN_NAME, tf)?.id).toBe('terraform');
    expect(pickAuditor(AUDITORS, 'docker.txt', daemon)?.id).toBe('docker');
    expect(pickAuditor(AUDITORS, STDIN_NAME, kong)?.id).toBe('gateways');
  });

  it('recognises nothing in prose, values files or code that quotes a config', () => {
    expect(pickAuditor(AUDITORS, STDIN_NAME, 'hello world\n')).toBeUndefined();
    expect(pickAuditor(AUDITORS, 'values.yaml', 'replicaCount: 2\nimage: {tag: v1}\n')).toBeUndefined();
    expect(pickAuditor(AUDITORS, '/etc/docker/config.json', '{"auths": {}}')).toBeUndefined();
    expect(pickAuditor(AUDITORS, 'fixture.test.ts', 'const x = `\napiVersion: v1\nkind: Pod\n`;\n')).toBeUndefined();
    expect(pickAuditor(AUDITORS, 'README.md', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n')).toBeUndefined();
  });

  it('an explicit input recognised as nothing is reported as unrecognised, naming it', async () => {
    const r = await auditPaths(['-'], { config: defaultConfig(), readStdin: async () => 'hello world\n' });
    expect(r.audited).toEqual([]);
    expect(r.unrecognised).toEqual([STDIN_NAME]);
    expect(r.problems).toEqual([{ file: STDIN_NAME, message: expect.stringMatching(/not recognised as any supported config kind/) }]);
  });
});
