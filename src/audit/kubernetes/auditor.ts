/**
 * Kubernetes manifests (YAML streams, JSON, Lists, Helm/kustomize output) and KubeletConfiguration
 * files. Rules across objects (Service → Deployment, Ingress → Service, Binding → Role) are resolved
 * within the one input file.
 */
import type { Finding } from '../../model/finding.js';
import type { Auditor, AuditResult } from '../types.js';
import { runChecks } from '../checks.js';
import { hitsToFindings } from '../rule-catalog.js';
import { parseYamlDocuments } from '../yaml-positions.js';
import { shippedAdvisoryLookup, type AdvisoryLookup } from '../../intel/advisory-lookup.js';
import { GATEWAY_CHECKS } from '../gateways/checks.js';
import { KUBERNETES_CHECKS } from './checks.js';
import { collectObjects } from './objects.js';

export interface KubernetesAuditOptions {
  advisories?: AdvisoryLookup;
}

/** Pure core: text in, findings and problems out. Gateways deployed by the manifest are judged by the gateway rules. */
export function auditKubernetesManifest(file: string, text: string, options: KubernetesAuditOptions = {}): AuditResult {
  const parsed = parseYamlDocuments(file, text);
  const { objects, problems } = collectObjects(file, parsed.documents);
  const advisories = options.advisories ?? shippedAdvisoryLookup;
  const findings = [
    ...hitsToFindings('kubernetes', runChecks(KUBERNETES_CHECKS, { objects, advisories }), file),
    ...hitsToFindings('gateways', runChecks(GATEWAY_CHECKS, { file, documents: [], objects, advisories }), file),
  ];
  return { findings: dedupe(findings), problems: [...parsed.problems, ...problems] };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => (seen.has(f.id) ? false : (seen.add(f.id), true)));
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

/** A manifest has `kind` and `apiVersion` keys (YAML `kind:` or JSON `"kind":`) near the top level. */
export function looksLikeKubernetes(file: string, text: string): boolean {
  if (!MANIFEST_EXT.test(file)) return false;
  const head = text.slice(0, 64 * 1024);
  return /^\s*"?kind"?\s*:/m.test(head) && /^\s*"?apiVersion"?\s*:/m.test(head);
}

export function createKubernetesAuditor(options: KubernetesAuditOptions = {}): Auditor {
  return {
    id: 'kubernetes',
    description: 'Kubernetes manifests and node configs: API server, kubelet and etcd flags, exposed admin workloads, Ingress, RBAC for anonymous users',
    recognises: looksLikeKubernetes,
    audit: (file, text) => auditKubernetesManifest(file, text, options),
  };
}

export const kubernetesAuditor: Auditor = createKubernetesAuditor();
