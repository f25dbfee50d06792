/**
 * DS0015, related activity: exec/attach into a running container (Kubernetes pods/exec and
 * pods/attach, Docker API exec/attach) by an identity that never did so within the baseline. Reported low: on its
 * own it is routine debugging; its weight comes from the incident it joins (the intrusion chain
 * links it by source and identity), where it shows what the intruder did inside.
 */
import { alertText } from '../../catalog/texts.js';
import { makeAlert, type Alert } from '../../model/finding.js';
import { evidence, logLocation } from './common.js';
import { apiIdentity, apiTarget } from './identity.js';
import type { Detector } from './types.js';
import { apiSubTechnique, isExec } from './workloads.js';

export const EXECS_NS = 'ds0015.execs';

export const rareContainerExec: Detector = {
  id: 'rare-container-exec',
  control: 'DS0015',
  description: 'Exec/attach into a running container by an identity that never did so (related activity)',
  handle(ev, state, ctx): Alert[] {
    if (ev.kind !== 'api' || !isExec(ev)) return [];
    const { config } = ctx.env;
    const who = apiIdentity(ev);
    const prior = state.count(EXECS_NS, who.key, ev.time, config.detect.baselineExpiry) - 1;
    if (ctx.learning || prior > 0) return [];
    const target = apiTarget(ev);
    const container = `${ev.namespace ? `${ev.namespace}/` : ''}${ev.name ?? '?'}`;
    return [
      makeAlert({
        ...alertText(this.id, { vars: { who: who.label, action: ev.subresource ?? ev.verb, container, target }, subTechnique: apiSubTechnique(ev) }),
        asset: `${who.label}@${target}`,
        location: logLocation(ev),
        time: new Date(ev.time).toISOString(),
        evidence: evidence({
          actor: ev.actor || undefined,
          user: who.user,
          src: ev.src || undefined,
          target,
          verb: ev.verb,
          resource: ev.resource,
          subresource: ev.subresource,
          namespace: ev.namespace,
          name: ev.name,
          priorExecs: prior,
          status: ev.status,
          userAgent: ev.userAgent,
          line: ev.ref.line,
          raw: ctx.raw,
        }),
      }),
    ];
  },
};
