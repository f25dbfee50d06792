/**
 * Kubernetes manifests (YAML streams, JSON, Lists, Helm/kustomize output) and KubeletConfiguration
 * files. Rules across objects (Service → Deployment, Ingress → Service, Binding → Role) are resolved
 * within the one input file.
 */
import type { Finding } from '../../model/finding.js';
import type { Auditor, AuditResult } from '../types.js';
import { runChecks } from '../checks.js';
import { hasKey, recognition, type Recogniser } from '../recognise.js';
import { hitsToFindings } from '../rule-catalog.js';
import { parseYamlDocuments } from '../yaml-positions.js';
import { shippedAdvisoryLookup, type AdvisoryLookup } from '../../intel/advisory-lookup.js';
import { GATEWAY_CHECKS } from '../gateways/checks.js';
import { KUBERNETES_CHECKS } from './checks.js';
import { collectObjects } from '../shared/k8s-objects.js';

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

/** Some document is an object with apiVersion and kind: one resource, a List, Helm or kustomize output, a KubeletConfiguration. */
function hasKubernetesObject(head: string): boolean {
  if (!hasKey(head, 'kind') || !hasKey(head, 'apiVersion')) return false;
  return parseYamlDocuments('', head).documents.some((d) => {
    const v = d.value as Record<string, unknown> | null;
    return typeof v === 'object' && v !== null && typeof v.apiVersion === 'string' && typeof v.kind === 'string';
  });
}

export const KUBERNETES_RECOGNISER: Recogniser = {
  names: [/\.(ya?ml|json)$/i],
  signals: [{ what: 'documents with apiVersion and kind', confidence: 0.9, test: hasKubernetesObject }],
};

export function createKubernetesAuditor(options: KubernetesAuditOptions = {}): Auditor {
  return {
    id: 'kubernetes',
    description: 'Kubernetes manifests and node configs: API server, kubelet and etcd flags, exposed admin workloads, Ingress, RBAC for anonymous users',
    recognise: (text, name) => recognition(KUBERNETES_RECOGNISER, text, name),
    audit: (file, text) => auditKubernetesManifest(file, text, options),
  };
}

export const kubernetesAuditor: Auditor = createKubernetesAuditor();
