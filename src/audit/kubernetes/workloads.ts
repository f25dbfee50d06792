/** Checks on single workloads: Kubernetes Dashboard login flags, container-runtime sockets handed to pods. */
import { z } from 'zod';
import type { RuleHit } from '../rule-catalog.js';
import { ruleParams } from '../rule-catalog.js';
import { asArray, asObject, asText } from '../yaml-positions.js';
import { flagValue, isFalse } from './command-line.js';
import { componentContainers } from './control-plane.js';
import { containersOf, lineAt, podTemplate, resourceName, type K8sObject } from './objects.js';

export function dashboardHits(objects: readonly K8sObject[]): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const c of componentContainers(objects, 'kubernetes-dashboard')) {
    const skip = flagValue(c.cmd.flags, 'enable-skip-login');
    if (skip && !isFalse(skip.value)) {
      hits.push({
        rule: 'k8s-dashboard-skip-login',
        line: skip.line,
        resource: c.resource,
        exposes: "the Dashboard's Skip button: the UI acts with the Dashboard's own ServiceAccount, no login",
        exposedTo: 'anyone who can open the Dashboard',
        vars: { flag: `--enable-skip-login=${skip.value}` },
        evidence: { flag: 'enable-skip-login', value: skip.value, image: c.ref.image },
      });
    }
    const insecure = flagValue(c.cmd.flags, 'enable-insecure-login');
    if (insecure && !isFalse(insecure.value)) {
      hits.push({
        rule: 'k8s-dashboard-insecure-login',
        line: insecure.line,
        resource: c.resource,
        exposes: 'Dashboard sign-in (bearer tokens) over plain HTTP',
        exposedTo: 'anyone on the network path to the Dashboard',
        vars: { flag: `--enable-insecure-login=${insecure.value}` },
        evidence: { flag: 'enable-insecure-login', value: insecure.value, image: c.ref.image },
      });
    }
  }
  return hits;
}

const SocketParams = z.object({
  /** Host paths that are, or contain, a container-runtime API socket. */
  paths: z.array(z.object({ path: z.string(), runtime: z.string() })),
});

function normalisePath(p: string): string {
  const s = p.replace(/\/+$/, '');
  return s === '' ? '/' : s;
}

export function runtimeSocketHits(objects: readonly K8sObject[]): RuleHit[] {
  const params = ruleParams('kubernetes', 'k8s-runtime-socket-mount', SocketParams);
  const byPath = new Map(params.paths.map((p) => [normalisePath(p.path), p.runtime]));
  const hits: RuleHit[] = [];
  for (const o of objects) {
    const tpl = podTemplate(o);
    if (!tpl) continue;
    asArray(tpl.spec.volumes).forEach((v, vi) => {
      const vol = asObject(v);
      const hostPath = asText(asObject(vol?.hostPath)?.path);
      const volName = asText(vol?.name);
      if (!hostPath || !volName) return;
      const runtime = byPath.get(normalisePath(hostPath));
      if (!runtime) return;
      const users = containersOf(o).filter((c) => asArray(c.container.volumeMounts).some((m) => asText(asObject(m)?.name) === volName));
      if (users.length === 0) return;
      hits.push({
        rule: 'k8s-runtime-socket-mount',
        line: lineAt(o, [...tpl.specPath, 'volumes', vi, 'hostPath', 'path']),
        resource: resourceName(o),
        exposes: `the ${runtime} API on the node (host path ${hostPath}), with no authentication: root on the node`,
        exposedTo: `every process in container(s) ${users.map((u) => u.name).join(', ')}`,
        vars: { hostPath, volume: volName },
        evidence: { hostPath, volume: volName, runtime, containers: users.map((u) => u.name) },
        key: `${vi}`,
      });
    });
  }
  return hits;
}
