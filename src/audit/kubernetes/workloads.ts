/** Checks on single workloads: Kubernetes Dashboard login flags, container-runtime sockets handed to pods. */
import { z } from 'zod';
import { paramsOf, type CheckHit, type RuleRef } from '../checks.js';
import { asArray, asObject, asText } from '../yaml-positions.js';
import { flagValue, isFalse } from '../shared/command-line.js';
import { componentContainers } from './control-plane.js';
import { containersOf, lineAt, podTemplate, resourceName, type K8sObject } from '../shared/k8s-objects.js';

/** A Dashboard flag that is on unless explicitly false. */
function dashboardFlag(objects: readonly K8sObject[], name: string, exposes: string, exposedTo: string): CheckHit[] {
  return componentContainers(objects, 'kubernetes-dashboard').flatMap((c) => {
    const f = flagValue(c.cmd.flags, name);
    if (!f || isFalse(f.value)) return [];
    return [{ line: f.line, resource: c.resource, exposes, exposedTo, vars: { flag: `--${name}=${f.value}` }, evidence: { flag: name, value: f.value, image: c.ref.image } }];
  });
}

export function dashboardSkipLogin(objects: readonly K8sObject[]): CheckHit[] {
  return dashboardFlag(objects, 'enable-skip-login', "the Dashboard's Skip button: the UI acts with the Dashboard's own ServiceAccount, no login", 'anyone who can open the Dashboard');
}

export function dashboardInsecureLogin(objects: readonly K8sObject[]): CheckHit[] {
  return dashboardFlag(objects, 'enable-insecure-login', 'Dashboard sign-in (bearer tokens) over plain HTTP', 'anyone on the network path to the Dashboard');
}

const SocketParams = z.object({
  /** Host paths that are, or contain, a container-runtime API socket. */
  paths: z.array(z.object({ path: z.string(), runtime: z.string() })),
});

function normalisePath(p: string): string {
  const s = p.replace(/\/+$/, '');
  return s === '' ? '/' : s;
}

export function runtimeSocketMount(objects: readonly K8sObject[], rule: RuleRef): CheckHit[] {
  const params = paramsOf(rule, SocketParams);
  const byPath = new Map(params.paths.map((p) => [normalisePath(p.path), p.runtime]));
  const hits: CheckHit[] = [];
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
