import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { auditKubernetesManifest } from '../../../src/audit/kubernetes/auditor.js';
import { versionFromTag } from '../../../src/audit/kubernetes/vulnerable-images.js';
import { resolveProduct, type AdvisoryProduct } from '../../../src/intel/advisory-products.js';

const product = (id: string): AdvisoryProduct => resolveProduct(id) as AdvisoryProduct;

describe('version from an image tag', () => {
  it.each([
    ['kube-apiserver', 'v1.29.3', 'v1.29.3'],
    ['kube-apiserver', 'v1.29.3-eks-4b7a3a4', 'v1.29.3-eks-4b7a3a4'],
    ['etcd', '3.5.9-0', '3.5.9'],
    ['jenkins', '2.426.1-lts-jdk17', '2.426.1'],
    ['jenkins', '2.442-jdk17', '2.442'],
    ['grafana', '11.0.5-security-01', '11.0.5-security-01'],
    ['grafana', '10.2.3-ubuntu', '10.2.3'],
    ['docker', '24.0.7-dind', '24.0.7'],
    ['kong', '3.4.2-alpine', '3.4.2'],
    ['argo-cd', 'v2.9.3', '2.9.3'],
    ['traefik', 'v3.0.0-rc1', '3.0.0-rc1'],
  ])('%s %s → %s', (p, tag, want) => {
    expect(versionFromTag(tag, product(p))).toBe(want);
  });
  it.each(['latest', 'lts', 'lts-jdk17', 'jdk17', '2', 'sha-1234567'])('%s names no version', (tag) => {
    expect(versionFromTag(tag, product('jenkins'))).toBeUndefined();
  });
});

const manifest = (image: string): string => `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  containers:
  - name: c
    image: ${image}
`;

const rule = (image: string) => auditKubernetesManifest('pod.yaml', manifest(image)).findings.filter((f) => f.rule === 'k8s-vulnerable-image');

describe('k8s-vulnerable-image against the shipped catalogue', () => {
  it('flags a vulnerable kube-apiserver with the advisory ids, at the image line', () => {
    const [f, ...rest] = rule('registry.k8s.io/kube-apiserver:v1.12.2');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ control: 'M1050', severity: 'critical', subTechnique: 'exposed-kubernetes-api', location: { file: 'pod.yaml', line: 7 } });
    const ids = (f?.evidence as { advisories: Array<{ id: string }> }).advisories.map((a) => a.id);
    expect(ids).toContain('CVE-2018-1002105');
  });
  it('judges a provider build as possible', () => {
    expect(rule('602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-apiserver:v1.12.2-eks-1')[0]?.confidence).toBe('possible');
  });
  it('reads Grafana security builds from the tag', () => {
    expect(rule('grafana/grafana:11.0.5').map((f) => (f.evidence as { advisories: Array<{ id: string }> }).advisories.map((a) => a.id))).toEqual([['CVE-2024-9264']]);
    expect(rule('grafana/grafana:11.0.5-security-01')).toEqual([]);
  });
  it('Jenkins LTS and weekly lines', () => {
    expect(rule('jenkins/jenkins:2.426.2-lts-jdk17')).toHaveLength(1);
    expect(rule('jenkins/jenkins:2.426.3-lts-jdk17')).toEqual([]);
    expect(rule('jenkins/jenkins:2.440.1-lts')).toEqual([]);
    expect(rule('jenkins/jenkins:2.441')).toHaveLength(1);
  });
  it('fixed and unpinned images give nothing', () => {
    expect(rule('registry.k8s.io/kube-apiserver:v1.30.2')).toEqual([]);
    expect(rule('quay.io/argoproj/argocd:latest')).toEqual([]);
    expect(rule('registry.k8s.io/etcd:3.5.9-0')).toEqual([]);
  });
  it('never throws on arbitrary image strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const image = JSON.stringify(s);
        expect(Array.isArray(auditKubernetesManifest('pod.yaml', manifest(image)).findings)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
