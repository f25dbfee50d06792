/** Random and garbage input never throws out of the Kubernetes, Docker or gateway auditors. */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../../src/audit/types.js';
import { auditKubernetesManifest } from '../../../src/audit/kubernetes/auditor.js';
import { auditDockerConfig } from '../../../src/audit/docker/auditor.js';
import { auditGatewayConfig } from '../../../src/audit/gateways/auditor.js';
import { parseYamlDocuments } from '../../../src/audit/yaml-positions.js';
import { isFileLocation } from '../../../src/model/finding.js';

function wellFormed(r: AuditResult, text: string): void {
  const lines = text.split('\n').length;
  for (const f of r.findings) {
    expect(isFileLocation(f.location)).toBe(true);
    if (isFileLocation(f.location)) {
      expect(f.location.line).toBeGreaterThanOrEqual(1);
      expect(f.location.line).toBeLessThanOrEqual(lines + 1);
    }
  }
  for (const p of r.problems) expect(p.message.length).toBeGreaterThan(0);
}

const kinds = ['Pod', 'Deployment', 'Service', 'Ingress', 'HTTPRoute', 'ClusterRoleBinding', 'RoleBinding', 'Role', 'ClusterRole', 'KubeletConfiguration', 'List', 'DaemonSet', 'CronJob'];
const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('0.0.0.0/0', 'tcp://0.0.0.0:2375', '--anonymous-auth=true', 'kube-apiserver', 'kubernetesui/dashboard:v2.7.0', 'system:anonymous', 'cluster-admin', 'LoadBalancer', 'grafana/grafana:10.0.0'));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('spec', 'template', 'containers', 'command', 'args', 'ports', 'selector', 'metadata', 'name', 'image', 'type', 'subjects', 'roleRef', 'rules', 'items', 'env', 'value', 'volumes', 'hostPath', 'path', 'hosts', 'admin', 'api', 'insecure', 'x'), tie('node'), { maxKeys: 5 })),
})).node;
const k8sObject = fc.record({ apiVersion: fc.constantFrom('v1', 'apps/v1', 'rbac.authorization.k8s.io/v1', 'gateway.networking.k8s.io/v1'), kind: fc.constantFrom(...kinds), metadata: value, spec: value, items: value, subjects: value, roleRef: value, rules: value });

describe('auditors never throw', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        wellFormed(auditKubernetesManifest('x.yaml', text), text);
        wellFormed(auditDockerConfig('/etc/docker/daemon.json', text), text);
        wellFormed(auditDockerConfig('/etc/systemd/system/docker.service', `[Service]\nExecStart=/usr/bin/dockerd ${text}`), `[Service]\nExecStart=/usr/bin/dockerd ${text}`);
        wellFormed(auditGatewayConfig('kong.conf', text), text);
        wellFormed(auditGatewayConfig('traefik.toml', text), text);
        wellFormed(auditGatewayConfig('envoy.yaml', text), text);
      }),
      { numRuns: 300 },
    );
  });

  it('on random Kubernetes-shaped documents, as YAML streams and JSON', () => {
    fc.assert(
      fc.property(fc.array(k8sObject, { minLength: 1, maxLength: 4 }), (objs) => {
        const yamlText = objs.map((o) => stringify(o)).join('---\n');
        wellFormed(auditKubernetesManifest('m.yaml', yamlText), yamlText);
        const jsonText = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }, null, 2);
        wellFormed(auditKubernetesManifest('m.json', jsonText), jsonText);
      }),
      { numRuns: 150 },
    );
  });

  it('on random gateway and daemon documents', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        const text = stringify({ admin: a, static_resources: {}, deployment: { admin: b }, api: a, hosts: b });
        wellFormed(auditGatewayConfig('config.yaml', text), text);
        const json = JSON.stringify({ hosts: a, tls: b, tlsverify: a });
        wellFormed(auditDockerConfig('/etc/docker/daemon.json', json), json);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps unreadable documents as problems with a line, and reads the others', () => {
    const text = 'kind: Service\napiVersion: v1\nmetadata: {name: a}\n---\nkind: [unclosed\n---\nkind: Pod\napiVersion: v1\nmetadata: {name: b}\n';
    const parsed = parseYamlDocuments('m.yaml', text);
    expect(parsed.documents.map((d) => (d.value as { kind: string }).kind)).toEqual(['Service', 'Pod']);
    expect(parsed.problems.length).toBeGreaterThan(0);
    // The parser reports where it noticed the damage: inside the broken document (lines 5–6).
    expect(parsed.problems[0]?.line).toBeGreaterThanOrEqual(5);
    expect(parsed.problems[0]?.line).toBeLessThanOrEqual(6);
  });

  it('rejects alias bombs instead of expanding them', () => {
    const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nkind: Pod\napiVersion: v1\n';
    const r = auditKubernetesManifest('bomb.yaml', bomb);
    expect(r.findings).toEqual([]);
    expect(r.problems.length).toBe(1);
  });
});
