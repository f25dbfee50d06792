/**
 * Managed Kubernetes control planes whose public API endpoint is reachable from outside the
 * organisation: EKS (public endpoint on by default, open to 0.0.0.0/0 by default), GKE (public
 * endpoint unless private; master authorized networks), AKS (public unless private; authorized IP
 * ranges). Provider defaults are applied when an attribute is absent.
 */
import { bump } from '../../../model/severity.js';
import { classifySource, type ExposurePolicy, type SourceVerdict } from '../../exposure.js';
import type { CheckHit } from '../../checks.js';
import { exposureTable, serviceSeverity } from '../../cloud/exposure-table.js';
import { isUnknown } from '../expr.js';
import { asBool, asList, asText, blocks, type Path, type TfResource } from '../resources.js';


const WORLD = '0.0.0.0/0';

interface Source {
  cidr: string;
  path: Path;
}

function hit(r: TfResource, sources: Source[], policy: ExposurePolicy, why: string, fallback: Path, vars: Record<string, string>): CheckHit[] {
  const external: (SourceVerdict & { path: Path })[] = [];
  for (const s of sources) {
    const v = classifySource(s.cidr, policy);
    if (v.external) external.push({ ...v, path: s.path });
  }
  const first = external[0];
  if (!first) return [];
  const table = exposureTable();
  const world = external.some((s) => s.class === 'world');
  const severity = bump(serviceSeverity('kube-apiserver', table), world ? table.adjust.source.world : table.adjust.source.public);
  const list = external.map((s) => s.source).join(', ');
  return [
    {
      line: r.lineOf(first.path.length > 0 ? first.path : fallback),
      resource: r.address,
      exposes: 'Kubernetes API server (public endpoint)',
      exposedTo: world ? `${list} (anyone on the internet)` : `${list} (outside the organisation's ranges)`,
      vars: { sources: list, why, ...vars },
      evidence: { why, sources: external.map((s) => ({ source: s.source, class: s.class })) },
      severity,
      subTechnique: 'exposed-kubernetes-api',
      ...(world ? {} : { confidence: 'possible' as const }),
    },
  ];
}

function cidrList(v: unknown, basePath: Path): Source[] | undefined {
  const l = asList(v);
  if (l === undefined) return undefined;
  if (isUnknown(l)) return undefined;
  return l.flatMap((x, i) => {
    const t = asText(x);
    return t ? [{ cidr: t, path: [...basePath, i] }] : [];
  });
}

function eks(r: TfResource, policy: ExposurePolicy): CheckHit[] {
  const vpc = blocks(r.values.vpc_config)[0] ?? {};
  const pub = asBool(vpc.endpoint_public_access);
  if (pub === false || isUnknown(pub)) return [];
  if (isUnknown(vpc.public_access_cidrs)) return [];
  const listed = cidrList(vpc.public_access_cidrs, ['vpc_config', 0, 'public_access_cidrs']);
  // Absent or empty: AWS applies 0.0.0.0/0.
  const sources = listed && listed.length > 0 ? listed.map((s) => ({ ...s, path: ['vpc_config', 0, 'public_access_cidrs'] as Path })) : [{ cidr: WORLD, path: [] }];
  const why = pub === true ? 'endpoint_public_access = true' : 'endpoint_public_access is not set (default true)';
  const fallback: Path = vpc.endpoint_public_access !== undefined ? ['vpc_config', 0, 'endpoint_public_access'] : r.values.vpc_config !== undefined ? ['vpc_config', 0] : [];
  return hit(r, sources, policy, listed && listed.length > 0 ? `${why}, public_access_cidrs lists external ranges` : `${why} and public_access_cidrs is not set (default 0.0.0.0/0)`, fallback, {});
}

function gke(r: TfResource, policy: ExposurePolicy): CheckHit[] {
  const priv = blocks(r.values.private_cluster_config)[0];
  const privateEndpoint = priv ? asBool(priv.enable_private_endpoint) : undefined;
  if (privateEndpoint === true || isUnknown(privateEndpoint)) return [];
  const man = blocks(r.values.master_authorized_networks_config)[0];
  if (!man) {
    return hit(r, [{ cidr: WORLD, path: [] }], policy, 'no master_authorized_networks_config and no private endpoint: the API endpoint accepts any source', [], {});
  }
  const sources: Source[] = [];
  for (const [i, b] of blocks(man.cidr_blocks).entries()) {
    if (isUnknown(b.cidr_block)) continue;
    const c = asText(b.cidr_block);
    if (c) sources.push({ cidr: c, path: ['master_authorized_networks_config', 0, 'cidr_blocks', i, 'cidr_block'] });
  }
  const googleRanges = asBool(man.gcp_public_cidrs_access_enabled);
  const out = hit(r, sources, policy, 'master_authorized_networks_config lets external ranges reach the API endpoint', ['master_authorized_networks_config', 0], {});
  if (out.length === 0 && googleRanges === true) {
    // Google Cloud's public ranges are shared with every other customer.
    return hit(r, [{ cidr: 'Google Cloud public IP ranges', path: ['master_authorized_networks_config', 0, 'gcp_public_cidrs_access_enabled'] }], { ...policy, tags: { ...policy.tags, public: [...policy.tags.public, 'google cloud public ip ranges'] } }, 'gcp_public_cidrs_access_enabled = true lets any Google Cloud address reach the API endpoint', ['master_authorized_networks_config', 0], {});
  }
  return out;
}

function aks(r: TfResource, policy: ExposurePolicy): CheckHit[] {
  const priv = asBool(r.values.private_cluster_enabled);
  if (priv === true || isUnknown(priv)) return [];
  const profile = blocks(r.values.api_server_access_profile)[0];
  const profilePriv = profile ? asBool(profile.enable_private_cluster) : undefined;
  if (profilePriv === true) return [];
  const modern = profile ? { v: profile.authorized_ip_ranges, path: ['api_server_access_profile', 0, 'authorized_ip_ranges'] as Path } : undefined;
  const legacy = { v: r.values.api_server_authorized_ip_ranges, path: ['api_server_authorized_ip_ranges'] as Path };
  const chosen = modern && modern.v !== undefined ? modern : legacy;
  if (isUnknown(chosen.v)) return [];
  const listed = cidrList(chosen.v, chosen.path);
  if (listed && listed.length > 0) {
    const sources = listed.map((s) => ({ ...s, path: chosen.path }));
    return hit(r, sources, policy, 'authorized IP ranges include external ranges', chosen.path, {});
  }
  return hit(r, [{ cidr: WORLD, path: [] }], policy, 'not a private cluster and no authorized IP ranges: the API server accepts any source', [], {});
}

type ClusterCheck = (resources: readonly TfResource[], policy: ExposurePolicy) => CheckHit[];

/** Each managed-cluster rule reads the resources of its provider's cluster type. */
function ofType(type: string, judge: (r: TfResource, policy: ExposurePolicy) => CheckHit[]): ClusterCheck {
  return (resources, policy) => resources.filter((r) => r.type === type).flatMap((r) => judge(r, policy));
}

export const eksPublicEndpoint = ofType('aws_eks_cluster', eks);
export const gkePublicEndpoint = ofType('google_container_cluster', gke);
export const aksPublicEndpoint = ofType('azurerm_kubernetes_cluster', aks);
