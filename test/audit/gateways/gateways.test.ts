import { describe, expect, it } from 'vitest';
import { auditGatewayConfig, gatewayConfigAuditor } from '../../../src/audit/gateways/auditor.js';
import { parseKongListen } from '../../../src/audit/gateways/listeners.js';
import { createKubernetesAuditor } from '../../../src/audit/kubernetes/auditor.js';

describe('gateway configs', () => {
  it('recognises gateway files but leaves Kubernetes manifests to the kubernetes auditor', () => {
    expect(gatewayConfigAuditor.recognise('admin:\n  address: {socket_address: {address: 0.0.0.0}}\nstatic_resources: {}\n', 'envoy.yaml') > 0).toBe(true);
    expect(gatewayConfigAuditor.recognise('deployment:\n  admin:\n    allow_admin: []\n', 'config.yaml') > 0).toBe(true);
    expect(gatewayConfigAuditor.recognise('[api]\n  insecure = true\n', 'traefik.toml') > 0).toBe(true);
    expect(gatewayConfigAuditor.recognise('admin_listen = 0.0.0.0:8001\n', 'kong.conf') > 0).toBe(true);
    expect(gatewayConfigAuditor.recognise('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: api}\n', 't.yaml') > 0).toBe(false);
    expect(gatewayConfigAuditor.recognise('replicaCount: 2\n', 'values.yaml') > 0).toBe(false);
  });

  it('reads Kong listener lists with flags, IPv6 and off', () => {
    expect(parseKongListen('off')).toEqual([]);
    expect(parseKongListen('[::]:8001 reuseport, 127.0.0.1:8444 http2 ssl').map((l) => [l.host, l.port, l.scope, l.ssl])).toEqual([
      ['::', 8001, 'all-interfaces', false],
      ['127.0.0.1', 8444, 'loopback', true],
    ]);
  });

  it('keeps a YAML document that is no known gateway as a problem', () => {
    const r = auditGatewayConfig('x.yaml', 'admin:\n  address: {socket_address: {address: 0.0.0.0}}\nstatic_resources: {}\n---\nfoo: bar\n');
    expect(r.findings.map((f) => f.rule)).toEqual(['gw-envoy-admin-exposed']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.line).toBe(5);
  });

  it('asks the advisory lookup for ingress-nginx with the version from the image tag', () => {
    const asked: string[] = [];
    const auditor = createKubernetesAuditor({ advisories: (product, version) => (asked.push(`${product}@${version}`), []) });
    const manifest = 'apiVersion: v1\nkind: Pod\nmetadata: {name: c, namespace: ingress-nginx}\nspec:\n  containers:\n  - name: controller\n    image: registry.k8s.io/ingress-nginx/controller:v1.9.4@sha256:aa\n';
    const r = auditor.audit('p.yaml', manifest, { config: {} as never, readFile: () => undefined, glob: () => [] });
    expect(asked).toEqual(['ingress-nginx@1.9.4']);
    expect(r.findings).toEqual([]);
  });
});
