import { createHash } from 'node:crypto';
import type { AuthEvent, DrawbridgeEvent } from '../../model/event.js';
import type { LogLocation } from '../../model/finding.js';
import type { SubTechnique } from '../../model/technique.js';
import type { AsnInfo } from '../../intel/asn.js';
import { flatCopy } from '../strings.js';
import type { DetectEnv } from './types.js';

export function logLocation(ev: DrawbridgeEvent): LogLocation {
  return { source: ev.ref.source, offset: ev.ref.offset, time: new Date(ev.time).toISOString(), record: eventFingerprint(ev) };
}

/**
 * The normalised event without where it was read: equal for the same record whichever way it came in
 * (file, stdin, syslog, the ingest API). Computed only for events that raise an alert.
 */
export function eventFingerprint(ev: DrawbridgeEvent): string {
  const json = JSON.stringify(ev, (k, v: unknown) => (k === 'ref' ? undefined : v));
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

/** The host an auth event happened on: the logging host, else the address that was reached. */
export function authHost(ev: AuthEvent): string {
  return ev.observer ?? ev.dst ?? '-';
}

export function authSubTechnique(ev: AuthEvent): SubTechnique {
  switch (ev.service) {
    case 'kubernetes':
      return 'exposed-kubernetes-api';
    case 'docker':
      return 'unauthenticated-admin-interface';
    default:
      return 'ssh-access';
  }
}

export interface SourceOrigin {
  /** Source lies in the organisation's allow-listed or internal ranges. */
  organisation: boolean;
  allowed: boolean;
  internal: boolean;
  asn?: AsnInfo;
  /** Not the organisation's: outside its ranges and not in one of its ASNs (an unknown ASN counts as foreign). */
  foreign: boolean;
}

/** Where a source address comes from, relative to the organisation. */
export function sourceOrigin(src: string, env: DetectEnv): SourceOrigin {
  const allowed = env.allowed.contains(src);
  const internal = env.internal.contains(src);
  const organisation = allowed || internal;
  const asn = organisation ? undefined : env.asn?.lookup(src);
  const foreign = !organisation && !(asn !== undefined && env.orgAsns.has(asn.asn));
  return { organisation, allowed, internal, asn, foreign };
}

/** Evidence values copied flat, so an alert does not pin the chunk its line was sliced from. */
export function evidence(fields: Record<string, string | number | boolean | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'string' ? flatCopy(v) : v;
  }
  return out;
}
