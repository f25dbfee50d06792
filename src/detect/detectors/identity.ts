/**
 * Who an API record says acted, as a baseline key and as words. Kubernetes names its users; the
 * Docker API has no users, so its callers are known by address; Docker engine events name nobody.
 */
import type { ApiEvent } from '../../model/event.js';

export interface Identity {
  /** Baseline key (per service and cluster/engine). */
  key: string;
  /** As shown in titles and assets. */
  label: string;
  /** The account, when the record names one (what DS0002 alerts call `user`). */
  user?: string;
}

/** Where the request went: the cluster or engine as the record names it. */
export function apiTarget(ev: ApiEvent): string {
  return ev.observer ?? (ev.dst !== undefined ? `${ev.dst}${ev.dstPort !== undefined ? `:${ev.dstPort}` : ''}` : ev.service);
}

export function apiIdentity(ev: ApiEvent): Identity {
  const where = ev.observer ?? '';
  if (ev.actor !== '' && ev.actor !== '-') return { key: `${ev.service}\u0000${where}\u0000user:${ev.actor}`, label: ev.actor, user: ev.actor };
  if (ev.src !== '') return { key: `${ev.service}\u0000${where}\u0000addr:${ev.src}`, label: `unauthenticated client ${ev.src}` };
  return { key: `${ev.service}\u0000${where}\u0000unknown`, label: `an unnamed caller (${ev.service} engine events)` };
}
