/** Gateway configuration files (not Kubernetes manifests; those go through the kubernetes auditor). */
import { basename } from 'node:path';
import type { Auditor, AuditResult, InputProblem } from '../types.js';
import { runChecks } from '../checks.js';
import { hitsToFindings } from '../rule-catalog.js';
import { parseYamlDocuments } from '../yaml-positions.js';
import { shippedAdvisoryLookup } from '../../intel/advisory-lookup.js';
import { GATEWAY_CHECKS, type GatewayInput } from './checks.js';
import { gatewayKindOf } from './native.js';

export function auditGatewayConfig(file: string, text: string): AuditResult {
  const problems: InputProblem[] = [];
  const input: GatewayInput = { file, documents: [], objects: [], advisories: shippedAdvisoryLookup };
  const name = basename(file).toLowerCase();
  if (name.endsWith('.conf')) {
    input.kongConf = text;
  } else if (name.endsWith('.toml')) {
    input.traefikToml = text;
  } else {
    const parsed = parseYamlDocuments(file, text);
    problems.push(...parsed.problems);
    for (const doc of parsed.documents) {
      const kind = gatewayKindOf(doc.value);
      if (kind) input.documents.push({ kind, doc });
      else problems.push({ file, line: doc.startLine, message: 'document is not a recognised gateway configuration (Envoy, APISIX, Traefik)' });
    }
  }
  return { findings: hitsToFindings('gateways', runChecks(GATEWAY_CHECKS, input), file), problems };
}

/** Recognition is by name first, then by the top-level keys each product's config must have. */
export function looksLikeGatewayConfig(file: string, text: string): boolean {
  const name = basename(file).toLowerCase();
  const head = text.slice(0, 64 * 1024);
  if (name.endsWith('.conf')) return /^\s*#?\s*(admin_listen|proxy_listen)\s*=/m.test(head) || name === 'kong.conf';
  if (name.endsWith('.toml')) return /^\s*\[(api|entryPoints(\.[^\]]+)?)\]/m.test(head) || /^\s*api\.insecure\s*=/m.test(head);
  if (!/\.(ya?ml|json)$/.test(name)) return false;
  if (/^\s*"?kind"?\s*:/m.test(head) && /^\s*"?apiVersion"?\s*:/m.test(head)) return false;
  if (!/^\s*"?(admin|apisix|deployment|entryPoints|api|static_resources)"?\s*:/m.test(head)) return false;
  const parsed = parseYamlDocuments(file, head);
  return parsed.documents.some((d) => gatewayKindOf(d.value) !== undefined);
}

export const gatewayConfigAuditor: Auditor = {
  id: 'gateways',
  description: 'Gateway configs: Kong admin_listen, Envoy admin address, APISIX admin key and allow-list, Traefik insecure API',
  recognises: looksLikeGatewayConfig,
  audit: (file, text) => auditGatewayConfig(file, text),
};
