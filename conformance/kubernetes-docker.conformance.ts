/**
 * Conformance over real third-party samples (never copied into the repository): the Kubernetes,
 * Docker and gateway auditors must report what a reviewer expects from each file — the insecure
 * samples flagged with the right rules, their hardened counterparts left alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDITORS } from '../src/audit/registry.js';
import { pickAuditor } from '../src/audit/engine.js';
import type { AuditContext } from '../src/audit/types.js';
import { isFileLocation } from '../src/model/finding.js';

const ROOT = resolve(process.cwd(), process.env.DRAWBRIDGE_REAL_DATA ?? '../shared/data/real');
const ctx: AuditContext = { config: {} as AuditContext['config'], readFile: () => undefined, glob: () => [] };

interface Row {
  file: string;
  auditor: 'kubernetes' | 'docker' | 'gateways' | null;
  rules: string[];
  why: string;
}

const TABLE: Row[] = [
  { file: 'kube-apiserver-manifests/arisabejuela-CKA-Review/kube-apiserver.yaml', auditor: 'kubernetes', rules: ['k8s-apiserver-anonymous-auth'], why: 'kubeadm pod without --anonymous-auth: the default (true) applies; RBAC and client CA are set' },
  { file: 'kube-apiserver-manifests/k8sp-bootstrapper/kube-apiserver.yaml', auditor: 'kubernetes', rules: ['k8s-apiserver-always-allow', 'k8s-apiserver-anonymous-auth', 'k8s-apiserver-insecure-port'], why: 'v1.2 hyperkube: no authorization mode (AlwaysAllow), anonymous on, legacy insecure port 8080 on loopback' },
  { file: 'kubelet-config/joneconsulting-k8s/config.yaml', auditor: 'kubernetes', rules: [], why: 'hardened kubeadm KubeletConfiguration' },
  { file: 'kubelet-config/huisebug-k8s1.12-Ecosphere/config.yaml', auditor: 'kubernetes', rules: ['k8s-kubelet-readonly-port'], why: 'readOnlyPort 10255 on 0.0.0.0' },
  { file: 'kubernetes-goat/scenarios/docker-bench-security/deployment.yaml', auditor: 'kubernetes', rules: ['k8s-runtime-socket-mount'], why: 'DaemonSet mounts /var/run/docker.sock' },
  { file: 'kubernetes-goat/scenarios/health-check/deployment.yaml', auditor: 'kubernetes', rules: ['k8s-runtime-socket-mount'], why: 'mounts the containerd socket' },
  { file: 'kubernetes-goat/scenarios/system-monitor/deployment.yaml', auditor: 'kubernetes', rules: ['k8s-runtime-socket-mount'], why: 'mounts the host root filesystem, runtime sockets included' },
  { file: 'kubernetes-goat/scenarios/internal-proxy/deployment.yaml', auditor: 'kubernetes', rules: [], why: 'NodePort 30003 fronts an application, not a management service' },
  { file: 'kubernetes-goat/scenarios/insecure-rbac/setup.yaml', auditor: 'kubernetes', rules: [], why: 'cluster-admin for a named ServiceAccount: over-privilege, not anonymous exposure' },
  { file: 'kubernetes-goat/scenarios/cache-store/deployment.yaml', auditor: 'kubernetes', rules: [], why: 'ClusterIP only' },
  { file: 'kubernetes-goat/scenarios/build-code/deployment.yaml', auditor: 'kubernetes', rules: [], why: 'ClusterIP only' },
  { file: 'kubernetes-goat/scenarios/batch-check/job.yaml', auditor: 'kubernetes', rules: [], why: 'plain Job' },
  { file: 'kubernetes-goat/scenarios/poor-registry/deployment.yaml', auditor: 'kubernetes', rules: [], why: 'ClusterIP only' },
  { file: 'kubernetes-goat/scenarios/hidden-in-layers/deployment.yaml', auditor: 'kubernetes', rules: [], why: 'plain Job' },
  { file: 'kubernetes-goat/scenarios/kubernetes-goat-home/deployment.yaml', auditor: 'kubernetes', rules: [], why: 'ClusterIP only' },
  { file: 'kubernetes-goat/scenarios/hunger-check/deployment.yaml', auditor: 'kubernetes', rules: [], why: 'namespaced Role for a ServiceAccount' },
  { file: 'kubernetes-goat/scenarios/kube-bench-security/node-job.yaml', auditor: 'kubernetes', rules: [], why: 'read-only host paths, no runtime socket' },
  { file: 'kubernetes-goat/scenarios/kube-bench-security/master-job.yaml', auditor: 'kubernetes', rules: [], why: 'read-only host paths, no runtime socket' },
  { file: 'kubernetes-goat/scenarios/kyverno-namespace-exec-block/kyverno-block-pod-exec-by-namespace.yaml', auditor: 'kubernetes', rules: [], why: 'policy object' },
  { file: 'kubernetes-goat/platforms/kind-setup/kind-cluster-setup.yaml', auditor: 'kubernetes', rules: [], why: 'kind cluster definition' },
  { file: 'kubernetes-dashboard/alternative.yaml', auditor: 'kubernetes', rules: ['k8s-dashboard-insecure-login'], why: 'the documented insecure setup: HTTP with --enable-insecure-login' },
  { file: 'kubernetes-dashboard/recommended.yaml', auditor: 'kubernetes', rules: [], why: 'hardened counterpart: HTTPS, ClusterIP, no skip-login' },
  { file: 'dashboard-ingress/andreygalizin-k8s-dash-ingress/dashboard-ingress.yaml', auditor: 'kubernetes', rules: ['k8s-ingress-exposes-admin'], why: 'Ingress to kubernetes-dashboard without auth annotations' },
  { file: 'dashboard-ingress/zeroaninea-Kubernetes-Dashboard/dashboard-ingress.yaml', auditor: 'kubernetes', rules: ['k8s-ingress-exposes-admin'], why: 'nginx Ingress to kubernetes-dashboard without auth annotations' },
  { file: 'kubernetes-bootstrappolicy/cluster-role-bindings.yaml', auditor: 'kubernetes', rules: [], why: 'legacy defaults bind only discovery/basic-user (read or self-review) to system:unauthenticated' },
  { file: 'audit2rbac/demo-policy.yaml', auditor: 'kubernetes', rules: [], why: 'RBAC for a named user' },
  { file: 'daemon-json/fly-apps-docker-daemon/daemon.json', auditor: 'docker', rules: ['docker-api-plaintext-tcp'], why: 'tcp://[::]:2375 without TLS' },
  { file: 'daemon-json/bretfisher-dogvscat/daemon.json', auditor: 'docker', rules: [], why: 'metrics only, no API listener' },
  { file: 'daemon-json/ambroisemaupate-docker-server-env/daemon.json', auditor: 'docker', rules: [], why: 'no API listener' },
  { file: 'daemon-json/arnuelgm-docker_remote_env/daemon.json', auditor: 'docker', rules: [], why: 'insecure-registries only' },
  { file: 'daemon-json/docker-cli-docs/daemon.linux-full-example.json', auditor: 'docker', rules: [], why: 'documented defaults: hosts empty' },
  { file: 'daemon-json/docker-cli-docs/daemon.windows-full-example.json', auditor: 'docker', rules: [], why: 'documented defaults: hosts empty' },
];

const available = existsSync(ROOT);

describe.skipIf(!available)('Kubernetes, Docker and gateway auditors on real samples', () => {
  for (const row of TABLE) {
    it(`${row.file}: ${row.rules.join(', ') || 'nothing'} (${row.why})`, () => {
      const path = resolve(ROOT, row.file);
      const text = readFileSync(path, 'utf8');
      const auditor = pickAuditor(AUDITORS, path, text);
      expect(auditor?.id ?? null).toBe(row.auditor);
      if (!auditor) return;
      const result = auditor.audit(path, text, ctx);
      expect(result.problems).toEqual([]);
      expect([...new Set(result.findings.map((f) => f.rule))].sort()).toEqual([...row.rules].sort());
      for (const f of result.findings) {
        expect(isFileLocation(f.location) && f.location.line >= 1).toBe(true);
        expect(f.remediation).not.toMatch(/\{\{/);
      }
    });
  }

  it('places the Docker finding on the tcp:// hosts entry and rates it critical', () => {
    const path = resolve(ROOT, 'daemon-json/fly-apps-docker-daemon/daemon.json');
    const text = readFileSync(path, 'utf8');
    const f = pickAuditor(AUDITORS, path, text)?.audit(path, text, ctx).findings[0];
    const lineText = text.split('\n')[isFileLocation(f!.location) ? f!.location.line - 1 : 0] ?? '';
    expect(lineText).toContain('tcp://');
    expect(f?.severity).toBe('critical');
  });

  it('places the kubelet finding on the readOnlyPort line', () => {
    const path = resolve(ROOT, 'kubelet-config/huisebug-k8s1.12-Ecosphere/config.yaml');
    const text = readFileSync(path, 'utf8');
    const f = pickAuditor(AUDITORS, path, text)?.audit(path, text, ctx).findings[0];
    expect(text.split('\n')[isFileLocation(f!.location) ? f!.location.line - 1 : 0]).toMatch(/^readOnlyPort:/);
  });
});
