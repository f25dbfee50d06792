/** Gateway configuration files (not Kubernetes manifests; those go through the kubernetes auditor). */
import type { Auditor, AuditResult, InputProblem } from '../types.js';
import { runChecks } from '../checks.js';
import { hasKey, recognition, RECOGNITION_HEAD, type Recogniser } from '../recognise.js';
import { hitsToFindings } from '../rule-catalog.js';
import { parseYamlDocuments } from '../yaml-positions.js';
import { shippedAdvisoryLookup } from '../../intel/advisory-lookup.js';
import { GATEWAY_CHECKS, type GatewayInput } from './checks.js';
import { gatewayKindOf } from './native.js';
import { pushAll } from '../../util/arrays.js';

/** kong.conf: `admin_listen = …` / `proxy_listen = …` lines (commented ones count when the name says kong.conf). */
const KONG_CONF = /^\s*(admin_listen|proxy_listen)\s*=/m;
const KONG_NAME = /(^|\/)kong[\w.-]*\.conf$/i;
/** Traefik static configuration in TOML: an [api] or [entryPoints…] table, or a dotted api.insecure key. */
const TRAEFIK_TOML = (head: string): boolean => /^\s*\[(api|entryPoints(\.[^\]]+)?)\]/m.test(head) || /^\s*api\.insecure\s*=/m.test(head);
const GATEWAY_KEYS = /^\s*"?(admin|apisix|deployment|entryPoints|api|static_resources)"?\s*:/m;

/** YAML/JSON whose documents configure Envoy, APISIX or Traefik (Kubernetes objects go to the kubernetes auditor). */
function gatewayDocuments(head: string): boolean {
  if (!GATEWAY_KEYS.test(head)) return false;
  if (hasKey(head, 'kind') && hasKey(head, 'apiVersion')) return false;
  return parseYamlDocuments('', head).documents.some((d) => gatewayKindOf(d.value) !== undefined);
}

export const GATEWAY_RECOGNISER: Recogniser = {
  names: [KONG_NAME, /\.toml$/i, /\.(ya?ml|json)$/i],
  signals: [
    { what: 'kong.conf admin_listen/proxy_listen settings', confidence: 0.9, test: (head) => KONG_CONF.test(head) },
    { what: 'a Traefik [api] or [entryPoints] table', confidence: 0.85, test: TRAEFIK_TOML },
    { what: 'an Envoy, APISIX or Traefik configuration document', confidence: 0.9, test: gatewayDocuments },
  ],
};

type GatewaySource = 'kong-conf' | 'traefik-toml' | 'documents';

function gatewaySource(file: string, text: string): GatewaySource {
  const head = text.slice(0, RECOGNITION_HEAD);
  if (KONG_NAME.test(file) || KONG_CONF.test(head)) return 'kong-conf';
  if (/\.toml$/i.test(file) || TRAEFIK_TOML(head)) return 'traefik-toml';
  return 'documents';
}

export function auditGatewayConfig(file: string, text: string): AuditResult {
  const problems: InputProblem[] = [];
  const input: GatewayInput = { file, documents: [], objects: [], advisories: shippedAdvisoryLookup };
  const source = gatewaySource(file, text);
  if (source === 'kong-conf') {
    input.kongConf = text;
  } else if (source === 'traefik-toml') {
    input.traefikToml = text;
  } else {
    const parsed = parseYamlDocuments(file, text);
    pushAll(problems, parsed.problems);
    for (const doc of parsed.documents) {
      const kind = gatewayKindOf(doc.value);
      if (kind) input.documents.push({ kind, doc });
      else problems.push({ file, line: doc.startLine, message: 'document is not a recognised gateway configuration (Envoy, APISIX, Traefik)' });
    }
  }
  return { findings: hitsToFindings('gateways', runChecks(GATEWAY_CHECKS, input), file), problems };
}

export const gatewayConfigAuditor: Auditor = {
  id: 'gateways',
  description: 'Gateway configs: Kong admin_listen, Envoy admin address, APISIX admin key and allow-list, Traefik insecure API',
  recognise: (text, name) => recognition(GATEWAY_RECOGNISER, text, name),
  audit: (file, text) => auditGatewayConfig(file, text),
};
