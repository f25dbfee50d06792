/** Gateway rules (catalog/audit/gateways/<id>/): each over the gateway's own config files and over manifests that deploy it. */
import { defineChecks } from '../checks.js';
import type { K8sObject } from '../shared/k8s-objects.js';
import type { PositionedDocument } from '../yaml-positions.js';
import type { AdvisoryLookup } from '../../intel/advisory-lookup.js';
import { ingressNginxVersionHits, kongManifestHits, traefikManifestHits } from './manifest.js';
import { apisixAdminAllowAll, apisixDefaultAdminKey, envoyHits, kongConfHits, traefikTomlHits, traefikYamlHits, type GatewayKind } from './native.js';

export interface GatewayInput {
  file: string;
  /** kong.conf text. */
  kongConf?: string;
  /** Traefik static configuration in TOML. */
  traefikToml?: string;
  /** YAML/JSON documents, each with the gateway it configures. */
  documents: { kind: GatewayKind; doc: PositionedDocument }[];
  /** Kubernetes objects of a manifest that may deploy a gateway. */
  objects: readonly K8sObject[];
  advisories: AdvisoryLookup;
}

const docsOf = (input: GatewayInput, kind: GatewayKind): PositionedDocument[] => input.documents.filter((d) => d.kind === kind).map((d) => d.doc);

export const GATEWAY_CHECKS = defineChecks<GatewayInput>('gateways', {
  'gw-kong-admin-listen': (i) => [...(i.kongConf !== undefined ? kongConfHits(i.file, i.kongConf) : []), ...kongManifestHits(i.objects)],
  'gw-envoy-admin-exposed': (i) => docsOf(i, 'envoy').flatMap((d) => envoyHits(i.file, d)),
  'gw-apisix-default-admin-key': (i, rule) => docsOf(i, 'apisix').flatMap((d) => apisixDefaultAdminKey(i.file, d, rule)),
  'gw-apisix-admin-allow-all': (i) => docsOf(i, 'apisix').flatMap((d) => apisixAdminAllowAll(i.file, d)),
  'gw-traefik-api-insecure': (i) => [
    ...(i.traefikToml !== undefined ? traefikTomlHits(i.file, i.traefikToml) : []),
    ...docsOf(i, 'traefik').flatMap((d) => traefikYamlHits(i.file, d)),
    ...traefikManifestHits(i.objects),
  ],
  'gw-ingress-nginx-vulnerable': (i) => ingressNginxVersionHits(i.objects, i.advisories),
});
