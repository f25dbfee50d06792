/**
 * Management workloads published outside the cluster: Services of type LoadBalancer / NodePort or
 * with externalIPs, Ingresses and Gateway API HTTPRoutes that route to them.
 */
import { z } from 'zod';
import { paramsOf, type CheckHit, type RuleRef } from '../checks.js';
import { isWorldCidr } from '../listen-address.js';
import { asArray, asObject, asText, type PathSegment } from '../yaml-positions.js';
import { adminBehindServicePort, profilesByServiceName, type AdminBackend } from './admin-workloads.js';
import { effectiveNamespace, lineAt, resourceName, stringMap, type K8sObject } from './objects.js';

const ServiceParams = z.object({
  sourceRangeAnnotations: z.array(z.string()),
  internalAnnotations: z.array(z.object({ key: z.string(), values: z.array(z.string()) })),
});

const IngressParams = z.object({
  authAnnotations: z.array(z.string()),
  allowlistAnnotations: z.array(z.string()),
});

function describeBackends(b: readonly AdminBackend[]): string {
  return [...new Set(b.map((x) => `${x.profile.service.name} (${x.workload.kind}/${x.workload.name}${x.port ? `, port ${x.port}` : ''})`))].join(', ');
}

function strongest(b: readonly AdminBackend[]): AdminBackend | undefined {
  return b.find((x) => x.confidence === 'confirmed') ?? b[0];
}

export function serviceExposesAdmin(objects: readonly K8sObject[], rule: RuleRef): CheckHit[] {
  const params = paramsOf(rule, ServiceParams);
  const hits: CheckHit[] = [];
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const spec = asObject(svc.body.spec) ?? {};
    const type = asText(spec.type) ?? 'ClusterIP';
    const externalIPs = asArray(spec.externalIPs).map(asText).filter((s): s is string => !!s);
    const annotations = stringMap(asObject(svc.body.metadata)?.annotations);
    const internal = params.internalAnnotations.some((a) => {
      const v = annotations[a.key];
      return v !== undefined && a.values.map((x) => x.toLowerCase()).includes(v.toLowerCase());
    });
    const isLb = type === 'LoadBalancer' && !internal;
    // A LoadBalancer's own node ports are the balancer's plumbing; only type NodePort is reported as such.
    const isNodePort = type === 'NodePort';
    if (!isLb && !isNodePort && externalIPs.length === 0) continue;

    const ranges = [
      ...asArray(spec.loadBalancerSourceRanges).map(asText).filter((s): s is string => !!s),
      ...params.sourceRangeAnnotations.flatMap((k) => (annotations[k] ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
    ];
    const openRanges = ranges.length === 0 || ranges.some(isWorldCidr);

    asArray(spec.ports).forEach((p, i) => {
      const port = asObject(p);
      if (!port) return;
      const backends = adminBehindServicePort(svc, port, objects);
      const top = strongest(backends);
      if (!top) return;
      const nodePort = asText(port.nodePort);
      const ways: string[] = [];
      let line = lineAt(svc, ['spec', 'type']);
      if (isLb && openRanges) {
        ways.push(ranges.length === 0 ? 'a cloud load balancer open to 0.0.0.0/0' : `a cloud load balancer whose source ranges include the whole Internet (${ranges.join(', ')})`);
        if (ranges.length > 0) line = lineAt(svc, ['spec', 'loadBalancerSourceRanges']);
      }
      if (isNodePort) ways.push(`every node's address on ${nodePort ? `node port ${nodePort}` : 'an allocated node port'}`);
      if (externalIPs.length > 0) {
        ways.push(`external IPs ${externalIPs.join(', ')}`);
        if (!isLb && !isNodePort) line = lineAt(svc, ['spec', 'externalIPs']);
      }
      if (ways.length === 0) return;
      const svcPort = asText(port.port) ?? '?';
      hits.push({
        line,
        resource: resourceName(svc),
        exposes: describeBackends(backends),
        exposedTo: ways.join('; '),
        vars: {
          service: svc.name,
          namespace: effectiveNamespace(svc),
          product: top.profile.service.name,
          port: svcPort,
        },
        evidence: {
          type,
          port: svcPort,
          nodePort: nodePort ?? null,
          externalIPs,
          loadBalancerSourceRanges: ranges,
          backends: backends.map((b) => ({ service: b.profile.service.id, workload: resourceName(b.workload), container: b.container, port: b.port, probeWith: b.profile.signatures })),
        },
        subTechnique: top.profile.service.subTechnique,
        confidence: top.confidence,
        severity: isLb && openRanges ? 'critical' : 'high',
        key: `${i}`,
      });
    });
  }
  return hits;
}

interface BackendRef {
  name: string;
  namespace: string;
  port?: string;
  path: PathSegment[];
}

function ingressBackends(ing: K8sObject): BackendRef[] {
  const out: BackendRef[] = [];
  const ns = effectiveNamespace(ing);
  const spec = asObject(ing.body.spec) ?? {};
  const push = (b: unknown, path: PathSegment[]): void => {
    const backend = asObject(b);
    if (!backend) return;
    const svc = asObject(backend.service);
    if (svc) {
      const name = asText(svc.name);
      const port = asObject(svc.port);
      if (name) out.push({ name, namespace: ns, port: asText(port?.number) ?? asText(port?.name), path: [...path, 'service', 'name'] });
      return;
    }
    const legacy = asText(backend.serviceName); // extensions/v1beta1, networking.k8s.io/v1beta1
    if (legacy) out.push({ name: legacy, namespace: ns, port: asText(backend.servicePort), path: [...path, 'serviceName'] });
  };
  push(spec.defaultBackend, ['spec', 'defaultBackend']);
  push(spec.backend, ['spec', 'backend']);
  asArray(spec.rules).forEach((r, ri) => {
    asArray(asObject(asObject(r)?.http)?.paths).forEach((p, pi) => {
      push(asObject(p)?.backend, ['spec', 'rules', ri, 'http', 'paths', pi, 'backend']);
    });
  });
  return out;
}

function httpRouteBackends(route: K8sObject): BackendRef[] {
  const out: BackendRef[] = [];
  const ns = effectiveNamespace(route);
  asArray(asObject(route.body.spec)?.rules).forEach((r, ri) => {
    asArray(asObject(r)?.backendRefs).forEach((b, bi) => {
      const ref = asObject(b);
      const name = asText(ref?.name);
      const kind = asText(ref?.kind) ?? 'Service';
      if (!ref || !name || kind !== 'Service') return;
      out.push({ name, namespace: asText(ref.namespace) ?? ns, port: asText(ref.port), path: ['spec', 'rules', ri, 'backendRefs', bi, 'name'] });
    });
  });
  return out;
}

/** Management services behind a backend reference (via the Service in the input, else by name). */
function adminBehindBackend(ref: BackendRef, owner: K8sObject, objects: readonly K8sObject[]): AdminBackend[] {
  const svc = objects.find((o) => o.kind === 'Service' && o.name === ref.name && effectiveNamespace(o) === ref.namespace);
  if (!svc) {
    return profilesByServiceName(ref.name).map((profile) => ({
      profile,
      workload: { kind: 'Service', apiVersion: 'v1', name: ref.name, namespace: ref.namespace, body: {}, doc: owner.doc, path: [] },
      container: '',
      port: Number(ref.port) || 0,
      confidence: 'possible' as const,
    }));
  }
  const ports = asArray(asObject(svc.body.spec)?.ports).map(asObject).filter((p): p is Record<string, unknown> => !!p);
  const chosen = ref.port === undefined ? ports : ports.filter((p) => asText(p.port) === ref.port || asText(p.name) === ref.port);
  return chosen.flatMap((p) => adminBehindServicePort(svc, p, objects));
}

function hostsOf(o: K8sObject): string[] {
  const spec = asObject(o.body.spec) ?? {};
  const fromRules = asArray(spec.rules).map((r) => asText(asObject(r)?.host)).filter((h): h is string => !!h);
  const fromHostnames = asArray(spec.hostnames).map(asText).filter((h): h is string => !!h);
  return [...fromRules, ...fromHostnames];
}

export function ingressExposesAdmin(objects: readonly K8sObject[], rule: RuleRef): CheckHit[] {
  const params = paramsOf(rule, IngressParams);
  const hits: CheckHit[] = [];
  for (const o of objects) {
    const isIngress = o.kind === 'Ingress';
    const isRoute = o.kind === 'HTTPRoute' && o.apiVersion.startsWith('gateway.networking.k8s.io');
    if (!isIngress && !isRoute) continue;
    const annotations = stringMap(asObject(o.body.metadata)?.annotations);
    const authBy = params.authAnnotations.filter((a) => annotations[a] !== undefined && annotations[a] !== '');
    const allowlist = params.allowlistAnnotations
      .map((a) => annotations[a])
      .filter((v): v is string => !!v)
      .flatMap((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
    const restricted = allowlist.length > 0 && !allowlist.some(isWorldCidr);
    if (authBy.length > 0 || restricted) continue;

    const refs = isIngress ? ingressBackends(o) : httpRouteBackends(o);
    const seen = new Set<string>();
    for (const ref of refs) {
      const backends = adminBehindBackend(ref, o, objects);
      const top = strongest(backends);
      if (!top) continue;
      const id = `${ref.namespace}/${ref.name}:${ref.port ?? ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const hosts = hostsOf(o);
      hits.push({
        line: lineAt(o, ref.path),
        resource: resourceName(o),
        exposes: describeBackends(backends),
        exposedTo: `${hosts.length > 0 ? `hosts ${hosts.join(', ')}` : 'every host'} on the ${isIngress ? 'ingress controller' : 'Gateway'}, without authentication or a source allow-list`,
        vars: {
          name: o.name,
          namespace: effectiveNamespace(o),
          product: top.profile.service.name,
          backend: ref.name,
        },
        evidence: {
          kind: o.kind,
          backend: id,
          hosts,
          allowlist,
          backends: backends.map((b) => ({ service: b.profile.service.id, workload: resourceName(b.workload), port: b.port, probeWith: b.profile.signatures })),
        },
        subTechnique: top.profile.service.subTechnique,
        // An HTTPRoute's auth lives in implementation-specific policies this file may not show.
        confidence: isRoute ? 'possible' : top.confidence,
        key: id,
      });
    }
  }
  return hits;
}
