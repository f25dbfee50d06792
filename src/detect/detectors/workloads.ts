/**
 * What an API record does, in the terms the detectors reason about: does it create a container
 * (directly, or a workload object whose controller will), exec into one, write at all, and who
 * did it. One place for Kubernetes audit events, Docker API requests (seen through a proxy's access
 * log) and Docker engine events, so every detector reads them alike.
 */
import type { ApiEvent, DrawbridgeEvent } from '../../model/event.js';
import type { Severity } from '../../model/severity.js';
import type { SubTechnique } from '../../model/technique.js';

/** Kubernetes resources whose creation starts containers, with the kind to name them by. */
export const K8S_WORKLOADS: Readonly<Record<string, string>> = {
  pods: 'Pod',
  deployments: 'Deployment',
  daemonsets: 'DaemonSet',
  statefulsets: 'StatefulSet',
  replicasets: 'ReplicaSet',
  replicationcontrollers: 'ReplicationController',
  jobs: 'Job',
  cronjobs: 'CronJob',
};

export const ANONYMOUS_USER = 'system:anonymous';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
const K8S_WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
/** Subresources that run a command in, or open a stream to, a running container. */
const K8S_EXEC_SUBRESOURCES = new Set(['exec', 'attach']);
/** HTTP methods that change state (the technique names POST and PUT; PATCH and DELETE change state as well). */
const HTTP_WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Creation {
  /** What was created, e.g. "Pod", "Deployment", "container", "service". */
  kind: string;
  /** Name as logged (namespace/name for Kubernetes), when the record has one. */
  name?: string;
  /** Dedupe key for one creation logged by several records (access log, body log, engine events). */
  key?: string;
  /** The record names who did it (Docker engine events do not). */
  attributed: boolean;
}

/** 2xx — or no status at all (engine events are only written for what happened). */
export function succeeded(ev: ApiEvent): boolean {
  return ev.status === undefined || (ev.status >= 200 && ev.status < 300);
}

export function isAnonymous(ev: ApiEvent): boolean {
  return ev.service === 'kubernetes' && (ev.actor === ANONYMOUS_USER || (ev.groups !== undefined && ev.groups.includes(UNAUTHENTICATED_GROUP)));
}

/** The record's caller is unknown to it: no user (Docker API, most proxies) or an anonymous Kubernetes request. */
export function unauthenticated(ev: ApiEvent): boolean {
  return ev.actor === '' || ev.actor === '-' || isAnonymous(ev);
}

/** A container or workload creation, or undefined. Failed requests create nothing. */
export function creationOf(ev: ApiEvent): Creation | undefined {
  if (!succeeded(ev)) return undefined;
  if (ev.service === 'kubernetes') {
    const kind = K8S_WORKLOADS[ev.resource];
    if (kind === undefined) return undefined;
    const nsName = ev.name !== undefined ? `${ev.namespace ? `${ev.namespace}/` : ''}${ev.name}` : undefined;
    const key = nsName !== undefined ? `k8s\u0000${ev.observer ?? ''}\u0000${ev.resource}\u0000${nsName}` : undefined;
    // kubectl debug adds a container to a running pod through this subresource.
    if (ev.subresource === 'ephemeralcontainers' && (ev.verb === 'patch' || ev.verb === 'update')) {
      return { kind: 'ephemeral container', ...(nsName !== undefined ? { name: nsName } : {}), attributed: true };
    }
    if (ev.verb !== 'create' || ev.subresource !== undefined) return undefined;
    return { kind: ev.objectKind ?? kind, ...(nsName !== undefined ? { name: nsName } : {}), ...(key !== undefined ? { key } : {}), attributed: true };
  }
  if (ev.service === 'docker' && ev.verb === 'create' && (ev.resource === 'containers' || ev.resource === 'services')) {
    const kind = ev.resource === 'containers' ? 'container' : 'service';
    // Engine events carry no caller; the proxy's records of the same creation do.
    const attributed = ev.src !== '';
    const key = ev.name !== undefined ? `docker\u0000${ev.resource}\u0000${ev.name}` : undefined;
    return { kind, ...(ev.name !== undefined ? { name: ev.name } : {}), ...(key !== undefined ? { key } : {}), attributed };
  }
  return undefined;
}

/** A command run in (or a stream attached to) a running container. */
export function isExec(ev: ApiEvent): boolean {
  if (ev.service === 'kubernetes') {
    if (ev.resource !== 'pods' || ev.subresource === undefined || !K8S_EXEC_SUBRESOURCES.has(ev.subresource)) return false;
    // Exec over WebSocket is a GET answered 101; over SPDY a POST (verb create).
    return ev.status === undefined || ev.status === 101 || (ev.status >= 200 && ev.status < 300);
  }
  // Engine events name no caller, and log an attach for every `docker run -it`: API requests only.
  if (ev.service === 'docker' && ev.resource === 'containers' && ev.src !== '') return (ev.verb === 'exec' || ev.verb === 'attach') && succeeded(ev);
  return false;
}

/** A state-changing request (DS0029 escalation): HTTP POST/PUT/PATCH/DELETE, Kubernetes create/update/patch, Docker API POST. */
export function isWrite(ev: DrawbridgeEvent): ev is ApiEvent {
  if (ev.kind !== 'api' || ev.src === '') return false;
  if (ev.status !== undefined && ev.status >= 400) return false;
  if (ev.service === 'kubernetes') return ev.verb === 'create' || ev.verb === 'update' || ev.verb === 'patch';
  return ev.method !== undefined && HTTP_WRITE_METHODS.has(ev.method.toUpperCase());
}

/** A Kubernetes write verb (create, update, patch, delete), or an exec/attach. */
export function isKubernetesWrite(ev: ApiEvent): boolean {
  if (ev.service !== 'kubernetes') return false;
  if (ev.subresource !== undefined && K8S_EXEC_SUBRESOURCES.has(ev.subresource)) return true;
  return K8S_WRITE_VERBS.has(ev.verb);
}

/** A request the server accepted from a caller it knows (a login of sorts), for the DS0029 table. */
export function isAuthenticatedRequest(ev: DrawbridgeEvent): boolean {
  if (ev.kind === 'auth') return ev.success;
  if (ev.kind !== 'api' || ev.src === '') return false;
  if (ev.status !== undefined && ev.status >= 400) return false;
  return !unauthenticated(ev);
}

export function apiSubTechnique(ev: ApiEvent): SubTechnique {
  return ev.service === 'kubernetes' ? 'exposed-kubernetes-api' : ev.service === 'docker' ? 'unauthenticated-admin-interface' : 'exposed-gateway';
}

/**
 * Privileged bits (src/detect/decoders/util/privileged.ts vocabulary) by what they hand over:
 * the node itself (critical) or a weaker foothold (high).
 */
const NODE_ESCAPE_CAPS = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'BPF']);

export function privilegeLevel(bit: string): 'critical' | 'high' {
  if (bit === 'privileged' || bit === 'hostPID' || bit.startsWith('hostPath:')) return 'critical';
  if (bit.startsWith('cap:') && NODE_ESCAPE_CAPS.has(bit.slice(4))) return 'critical';
  return 'high';
}

/** The severity a creation's privileged bits call for: undefined = none known. */
export function privilegeSeverity(bits: readonly string[] | undefined): Severity | undefined {
  if (!bits || bits.length === 0) return undefined;
  return bits.some((b) => privilegeLevel(b) === 'critical') ? 'critical' : 'high';
}
