/**
 * Gateway settings found in Kubernetes manifests: Kong's admin listener in env, Traefik's insecure
 * API flag in args/env, and the ingress-nginx controller version in its image tag (M1050).
 */
import type { CheckHit } from '../checks.js';
import { describeScope, isOffLoopback } from '../listen-address.js';
import { asArray, asObject, asText } from '../yaml-positions.js';
import { commandLineOf, flagValue } from '../shared/command-line.js';
import { imageMatchesHint, imageVersion, parseImage } from '../shared/images.js';
import { containersOf, lineAt, resourceName, type ContainerRef, type K8sObject } from '../shared/k8s-objects.js';
import { parseKongListen, traefikBool } from './listeners.js';
import type { AdvisoryLookup } from '../../intel/advisory-lookup.js';

interface EnvVar {
  name: string;
  value: string;
  line: number;
}

function envOf(o: K8sObject, c: ContainerRef): EnvVar[] {
  const out: EnvVar[] = [];
  asArray(c.container.env).forEach((e, i) => {
    const item = asObject(e);
    const name = asText(item?.name);
    const value = asText(item?.value);
    if (name && value !== undefined) out.push({ name, value, line: lineAt(o, [...c.path, 'env', i, 'value']) });
  });
  return out;
}

export function kongManifestHits(objects: readonly K8sObject[]): CheckHit[] {
  const hits: CheckHit[] = [];
  for (const o of objects) {
    for (const c of containersOf(o)) {
      const env = envOf(o, c).find((e) => e.name === 'KONG_ADMIN_LISTEN');
      if (!env) continue;
      const open = parseKongListen(env.value).filter((l) => isOffLoopback(l.scope));
      if (open.length === 0) continue;
      hits.push({
        line: env.line,
        resource: `${resourceName(o)} (container ${c.name})`,
        exposes: `the Kong Admin API on ${open.map((l) => l.raw).join(', ')}`,
        exposedTo: [...new Set(open.map((l) => describeScope(l)))].join(', '),
        vars: { setting: `KONG_ADMIN_LISTEN=${env.value}`, fix: '- name: KONG_ADMIN_LISTEN\n  value: "127.0.0.1:8001, 127.0.0.1:8444 ssl"' },
        evidence: { env: 'KONG_ADMIN_LISTEN', value: env.value, image: c.image },
      });
    }
  }
  return hits;
}

export function traefikManifestHits(objects: readonly K8sObject[]): CheckHit[] {
  const hits: CheckHit[] = [];
  for (const o of objects) {
    for (const c of containersOf(o)) {
      const cmd = commandLineOf(o, c, new Set(['api.insecure', 'api.dashboard', 'api']));
      const flag = flagValue(cmd.flags, 'api.insecure');
      const env = envOf(o, c).find((e) => e.name === 'TRAEFIK_API_INSECURE');
      const on = flag ? { line: flag.line, text: `--api.insecure=${flag.value}`, value: flag.value } : env ? { line: env.line, text: `TRAEFIK_API_INSECURE=${env.value}`, value: env.value } : undefined;
      if (!on || !traefikBool(on.value)) continue;
      hits.push({
        line: on.line,
        resource: `${resourceName(o)} (container ${c.name})`,
        exposes: 'the Traefik API and dashboard (full routing configuration) on the `traefik` entry point, port 8080, without authentication',
        exposedTo: 'anyone who reaches the pod or a Service/port that publishes 8080',
        vars: { setting: on.text, fix: '--api.insecure=false   # then publish the API through a router with an auth middleware' },
        evidence: { setting: on.text, image: c.image },
      });
    }
  }
  return hits;
}

const INGRESS_NGINX_IMAGES = ['ingress-nginx/controller', 'ingress-nginx/controller-chroot', 'kubernetes-ingress-controller/nginx-ingress-controller'];

export function ingressNginxVersionHits(objects: readonly K8sObject[], lookup: AdvisoryLookup): CheckHit[] {
  const hits: CheckHit[] = [];
  for (const o of objects) {
    for (const c of containersOf(o)) {
      const repo = parseImage(c.image).repository;
      if (!INGRESS_NGINX_IMAGES.some((h) => imageMatchesHint(repo, h))) continue;
      const version = imageVersion(c.image);
      if (!version) continue;
      const matches = lookup('ingress-nginx', version);
      if (matches.length === 0) continue;
      const fixed = [...new Set(matches.flatMap((m) => m.fixed))];
      const worst = matches.some((m) => m.severity === 'critical') ? 'critical' : matches.some((m) => m.severity === 'high') ? 'high' : 'medium';
      hits.push({
        line: lineAt(o, [...c.path, 'image']),
        resource: `${resourceName(o)} (container ${c.name})`,
        exposes: `ingress-nginx controller ${version} with ${matches.map((m) => m.id).join(', ')}`,
        exposedTo: 'every client of the ingress, and every pod that reaches the admission webhook',
        vars: { version, advisories: matches.map((m) => `${m.id} (${m.summary})`).join('; '), fixed: fixed.join(' or ') || 'a fixed release' },
        evidence: { image: c.image, version, advisories: matches.map((m) => ({ id: m.id, aliases: m.aliases, fixed: m.fixed })) },
        severity: worst,
        confidence: matches.every((m) => m.confidence === 'confirmed') ? 'confirmed' : 'possible',
      });
    }
  }
  return hits;
}
