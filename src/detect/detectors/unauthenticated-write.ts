/**
 * DS0015 — Application Log: a Kubernetes API write (create, update, patch, delete) or exec/attach
 * that succeeded for system:anonymous or the system:unauthenticated group. Anonymous requests
 * should never be able to change a cluster: one that did means RBAC grants anonymous users write
 * access (the misconfiguration behind the Kubernetes entries of the technique), and somebody used
 * it. Always critical.
 */
import { alertText } from '../../catalog/texts.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { evidence, logLocation } from './common.js';
import { apiTarget } from './identity.js';
import type { Detector } from './types.js';
import { isAnonymous, isKubernetesWrite } from './workloads.js';

export const unauthenticatedWrite: Detector = {
  id: 'unauthenticated-write',
  control: 'DS0015',
  description: 'Kubernetes API write or exec that succeeded without authentication (system:anonymous)',
  handle(ev, _state, ctx): Alert[] {
    if (ev.kind !== 'api' || ctx.learning || !isAnonymous(ev) || !isKubernetesWrite(ev)) return [];
    // 101: exec/attach upgraded to a stream. Unknown status is not known to have succeeded.
    if (ev.status === undefined || !(ev.status === 101 || (ev.status >= 200 && ev.status < 300))) return [];
    const target = apiTarget(ev);
    const object = `${ev.resource}${ev.subresource ? `/${ev.subresource}` : ''}${ev.name !== undefined || ev.namespace !== undefined ? ` ${ev.namespace ? `${ev.namespace}/` : ''}${ev.name ?? ''}` : ''}`;
    return [
      makeAlert({
        ...alertText(this.id, { vars: { verb: ev.verb, object, target, actor: ev.actor || 'system:unauthenticated', from: ev.src ? ` from ${ev.src}` : '' } }),
        asset: `${ev.actor || 'system:anonymous'}@${target}`,
        location: logLocation(ev),
        time: new Date(ev.time).toISOString(),
        evidence: evidence({
          actor: ev.actor,
          user: ev.actor,
          src: ev.src || undefined,
          target,
          verb: ev.verb,
          resource: ev.resource,
          subresource: ev.subresource,
          namespace: ev.namespace,
          name: ev.name,
          kind: ev.objectKind,
          privileged: ev.privileged?.join(','),
          status: ev.status,
          groups: ev.groups?.join(','),
          userAgent: ev.userAgent,
          line: ev.ref.line,
          raw: ctx.raw,
        }),
      }),
    ];
  },
};
