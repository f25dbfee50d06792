/**
 * Kubernetes audit logs (audit.k8s.io/v1 Event; v1beta1 read alike): one Event per line (log
 * backend), an EventList (webhook batch, possibly pretty-printed), and the managed-cluster
 * wrappers — EKS/CloudWatch Logs (message holds the Event JSON), AKS diagnostic records
 * (properties.log, a string or an object) and GKE Cloud Audit Logs (protoPayload).
 *
 * One request is logged once per stage; only ResponseComplete/Panic counts. Earlier stages are
 * held by auditID and emitted only when no later stage arrives (end of stream, or eviction when
 * too many are held), so a policy that omits ResponseComplete still yields its events.
 */
import type { ApiEvent, DrawbridgeEvent, RecordRef } from '../../model/event.js';
import { pushAll } from '../../util/arrays.js';
import type { DecodeResult, Decoder, RecordDecoder } from '../types.js';
import { arr, isObject, num, obj, str, strings, tryParse, type JsonObject } from './util/json.js';
import { JsonDocReader } from './util/json-doc.js';
import { pushJsonLine } from './util/json-stream.js';
import { podSpecBits, podSpecOf } from './util/privileged.js';
import { decodeItems, lineNo, reject } from './util/result.js';
import { excerpt, isIpLiteral, parseIsoTime } from './util/text.js';
import { readApiServerLine, type LeanAuditLine } from './k8s-audit-lean.js';
import { flatCopy } from '../strings.js';

/** Resources whose create/update/patch carries a pod spec (directly or as a template). */
const WORKLOADS = new Set(['pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers']);
const WRITE_VERBS = new Set(['create', 'update', 'patch']);
/** Raw-text markers without which a request object cannot carry a privileged bit (skip the walk). */
const PRIVILEGED_MARKERS = /"(privileged|hostPID|hostIPC|hostNetwork|hostPath|allowPrivilegeEscalation|add)"\s*:/;
const CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';
const MAX_HELD = 4096;

/** An earlier stage waiting for its final one: decoded, or (read by the lean path) the line itself, parsed only if it is ever emitted. */
type Held = { event: ApiEvent } | { raw: string; ref: RecordRef };

/** Stages after which the request is over; any other stage is held until one of these comes. */
function isFinalStage(stage: string | undefined): boolean {
  return stage === undefined || stage === 'ResponseComplete' || stage === 'Panic';
}

/** google.rpc.Code → HTTP status, as the code.proto comments pair them. */
const RPC_TO_HTTP: Record<number, number> = { 0: 200, 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401 };

function privilegedBits(resource: string | undefined, verb: string, subresource: string | undefined, request: unknown, rawHint: string | undefined): string[] | undefined {
  if (resource === undefined || !WORKLOADS.has(resource) || !WRITE_VERBS.has(verb)) return undefined;
  if (subresource !== undefined && subresource !== 'ephemeralcontainers') return undefined;
  if (!isObject(request)) return undefined; // Metadata level, or a JSON patch array: unknown
  if (rawHint !== undefined && !PRIVILEGED_MARKERS.test(rawHint)) return [];
  return podSpecBits(podSpecOf(request) ?? obj(request, 'spec'));
}

function firstExtra(user: unknown, key: string): string | undefined {
  return strings(obj(user, 'extra'), key)?.[0];
}

/** A native audit Event → api event (or a reason). `raw` is the line it came from, for the pre-check. */
export function eventToApi(e: JsonObject, ref: RecordRef, raw?: string): ApiEvent | string {
  const verb = str(e, 'verb');
  if (verb === undefined) return 'Event has no verb';
  const timeText = str(e, 'requestReceivedTimestamp') ?? str(e, 'stageTimestamp') ?? str(e, 'timestamp');
  const time = timeText === undefined ? undefined : parseIsoTime(timeText);
  if (time === undefined) return 'Event has no RFC 3339 requestReceivedTimestamp/stageTimestamp';
  const user = obj(e, 'user');
  const ips = strings(e, 'sourceIPs') ?? [];
  const src = ips[0];
  if (src !== undefined && !isIpLiteral(src)) return `sourceIPs[0] ${excerpt(src)} is not an IP address`;
  const o = obj(e, 'objectRef');
  const resource = str(o, 'resource');
  const uri = str(e, 'requestURI') ?? '';
  const ev: ApiEvent = { kind: 'api', service: 'kubernetes', time, ref, actor: str(user, 'username') ?? '', src: src ?? '', verb, resource: resource ?? uri.split('?')[0] ?? '' };
  const credential = firstExtra(user, CREDENTIAL_ID) ?? prefixed('AccessKeyId=', firstExtra(user, 'accessKeyId'));
  if (credential !== undefined) ev.credential = credential;
  const groups = strings(user, 'groups');
  if (groups && groups.length > 0) ev.groups = groups;
  const imp = str(obj(e, 'impersonatedUser'), 'username');
  if (imp !== undefined) ev.impersonatedUser = imp;
  const ns = str(o, 'namespace');
  if (ns !== undefined) ev.namespace = ns;
  const name = str(o, 'name');
  if (name !== undefined) ev.name = name;
  const sub = str(o, 'subresource');
  if (sub !== undefined) ev.subresource = sub;
  const code = num(obj(e, 'responseStatus'), 'code');
  if (code !== undefined) ev.status = code;
  const ua = str(e, 'userAgent');
  if (ua !== undefined) ev.userAgent = ua;
  const req = e['requestObject'];
  const kind = str(req, 'kind');
  if (kind !== undefined) ev.objectKind = kind;
  const bits = privilegedBits(resource, verb, sub, req, raw);
  if (bits !== undefined) ev.privileged = bits;
  return ev;
}

function prefixed(prefix: string, v: string | undefined): string | undefined {
  return v === undefined ? undefined : prefix + v;
}

/** GKE: methodName io.k8s.<group…>.<version>.<resource>[.<sub>].<verb>; resourceName <group>/<ver>/namespaces/<ns>/<res>/<name>[/<sub>]. */
export function gkeToApi(entry: JsonObject, p: JsonObject, ref: RecordRef): ApiEvent | string {
  const method = str(p, 'methodName');
  if (method === undefined || !method.startsWith('io.k8s.')) return 'protoPayload.methodName is not io.k8s.*';
  const parts = method.slice(7).split('.');
  const verb = parts[parts.length - 1] as string;
  const vi = parts.findIndex((x) => /^v\d+((alpha|beta)\d+)?$/.test(x));
  const resourceName = str(p, 'resourceName') ?? '';
  const rn = resourceName.split('/');
  let resource = vi >= 0 ? parts[vi + 1] : undefined;
  if (resource === verb && vi + 2 === parts.length) resource = undefined;
  const sub = vi >= 0 && vi + 3 < parts.length ? parts[vi + 2] : undefined;
  const time = parseIsoTime(str(entry, 'timestamp') ?? '');
  if (time === undefined) return 'timestamp missing or not RFC 3339';
  const meta = obj(p, 'requestMetadata');
  const src = str(meta, 'callerIp') ?? '';
  if (src !== '' && !isIpLiteral(src)) return `requestMetadata.callerIp ${excerpt(src)} is not an IP address`;
  const ev: ApiEvent = { kind: 'api', service: 'kubernetes', time, ref, actor: str(obj(p, 'authenticationInfo'), 'principalEmail') ?? '', src, verb, resource: resource ?? resourceName };
  const nsAt = rn.indexOf('namespaces');
  if (nsAt >= 0 && rn[nsAt + 1] !== undefined) ev.namespace = rn[nsAt + 1] as string;
  if (resource !== undefined) {
    const ri = rn.lastIndexOf(resource);
    if (ri >= 0 && rn[ri + 1] !== undefined) ev.name = rn[ri + 1] as string;
  }
  if (sub !== undefined) ev.subresource = sub;
  const code = num(obj(p, 'status'), 'code');
  if (code !== undefined && RPC_TO_HTTP[code] !== undefined) ev.status = RPC_TO_HTTP[code];
  const ua = str(meta, 'callerSuppliedUserAgent');
  if (ua !== undefined) ev.userAgent = ua;
  const cluster = str(obj(obj(entry, 'resource'), 'labels'), 'cluster_name');
  if (cluster !== undefined) ev.observer = cluster;
  const req = p['request'];
  const kind = str(req, 'kind');
  if (kind !== undefined) ev.objectKind = kind;
  const bits = privilegedBits(resource, verb, sub, req, undefined);
  if (bits !== undefined) ev.privileged = bits;
  return ev;
}

class K8sAuditRecordDecoder implements RecordDecoder {
  private readonly reader = new JsonDocReader();
  private readonly held = new Map<string, Held>();

  constructor(private readonly lean: boolean) {}

  line(text: string, ref: RecordRef): DecodeResult {
    if (this.lean && this.reader.ndjson && !this.reader.pending) {
      // A line in the API server's own layout is decoded without parsing it.
      const lean = readApiServerLine(text);
      if (lean !== undefined) return this.leanEvent(lean, text, ref);
    }
    // The raw text is kept as evidence only when the whole document is this one line.
    return pushJsonLine(this.reader, text, ref, (value, startLine) => this.value(value, ref, startLine === lineNo(ref) ? text : undefined));
  }

  end(): DecodeResult {
    const o = this.reader.end();
    if (o && o.kind === 'error') return reject(o.reason);
    const out: DrawbridgeEvent[] = [];
    let broken: DecodeResult | undefined;
    for (const h of this.held.values()) {
      const r = this.release(h);
      if (Array.isArray(r)) pushAll(out, r);
      else broken ??= r;
    }
    this.held.clear();
    // One result per flush: a held line that turns out broken is reported only when nothing else is due.
    return out.length > 0 || broken === undefined ? out : broken;
  }

  /**
   * An Event read by the lean path, as the full path decodes it. An earlier stage is held as its text (a
   * copy: a held slice would keep the whole chunk it was cut from alive), parsed only if it is ever
   * emitted; its final stage usually replaces it unread.
   */
  private leanEvent(lean: LeanAuditLine, text: string, ref: RecordRef): DecodeResult {
    if (isFinalStage(lean.stage)) return this.event(lean.event, ref, text);
    const api = eventToApi(lean.event, ref, text);
    if (typeof api === 'string') return reject(api);
    return this.hold(lean.auditID, { raw: flatCopy(text), ref });
  }

  /** A held earlier stage as the full path would have decoded it. */
  private release(h: Held): DecodeResult {
    if ('event' in h) return [h.event];
    const p = tryParse(h.raw);
    if (!p.ok) return reject(`line ${lineNo(h.ref)}: invalid JSON: ${p.error}`);
    if (!isObject(p.value)) return reject(`line ${lineNo(h.ref)}: JSON value is not an object`);
    const api = eventToApi(p.value, h.ref, h.raw);
    return typeof api === 'string' ? reject(api) : [api];
  }

  private value(v: unknown, ref: RecordRef, raw: string | undefined): DecodeResult {
    if (Array.isArray(v)) return decodeItems(v, 'item', (x) => this.value(x, ref, undefined));
    if (!isObject(v)) return reject('JSON value is not an object');
    const kind = str(v, 'kind');
    if (kind === 'Event') return this.event(v, ref, raw);
    if (kind === 'EventList') return decodeItems(arr(v, 'items') ?? [], 'items', (x) => (isObject(x) ? this.event(x, ref, undefined) : reject('not an object')));
    const proto = obj(v, 'protoPayload');
    if (proto) return this.gke(v, proto, ref);
    const props = obj(v, 'properties');
    if (props && 'log' in props) return this.inner(props['log'], ref, 'properties.log', str(v, 'resourceId')?.split('/').pop());
    const list = arr(v, 'records') ?? arr(v, 'events') ?? arr(v, 'logEvents');
    if (list) return decodeItems(list, 'records', (x) => this.value(x, ref, undefined));
    const msg = str(v, 'message');
    if (msg !== undefined) return this.inner(msg, ref, 'message', undefined);
    return reject(`not a Kubernetes audit record (kind ${excerpt(kind ?? '-')})`);
  }

  /** A wrapped Event: a JSON string (EKS message, AKS properties.log) or an object. */
  private inner(x: unknown, ref: RecordRef, where: string, observer: string | undefined): DecodeResult {
    let e: unknown = x;
    if (typeof x === 'string') {
      const p = tryParse(x);
      if (!p.ok) return reject(`${where} is not JSON: ${p.error}`);
      e = p.value;
    }
    if (!isObject(e) || str(e, 'kind') !== 'Event') return reject(`${where} does not hold an audit Event`);
    return this.event(e, ref, typeof x === 'string' ? x : undefined, observer);
  }

  private event(e: JsonObject, ref: RecordRef, raw: string | undefined, observer?: string): DecodeResult {
    const api = eventToApi(e, ref, raw);
    if (typeof api === 'string') return reject(api);
    if (observer !== undefined) api.observer = observer;
    return this.staged(api, str(e, 'auditID'), isFinalStage(str(e, 'stage')));
  }

  private gke(entry: JsonObject, p: JsonObject, ref: RecordRef): DecodeResult {
    if (str(p, 'serviceName') !== 'k8s.io') return reject(`protoPayload.serviceName ${excerpt(str(p, 'serviceName') ?? '-')} is not k8s.io`);
    const api = gkeToApi(entry, p, ref);
    if (typeof api === 'string') return reject(api);
    const op = obj(entry, 'operation');
    return this.staged(api, str(op, 'id'), op === undefined || op['last'] !== false);
  }

  /** Emit a final stage (dropping any held earlier stage); hold an earlier one. */
  private staged(api: ApiEvent, id: string | undefined, final: boolean): DecodeResult {
    if (id === undefined) return [api];
    if (final) {
      this.held.delete(id);
      return [api];
    }
    return this.hold(id, { event: api });
  }

  /** Hold an earlier stage; when too many are held, the oldest is emitted as it is. */
  private hold(id: string, h: Held): DecodeResult {
    this.held.delete(id);
    this.held.set(id, h);
    if (this.held.size <= MAX_HELD) return [];
    const oldest = this.held.keys().next().value as string;
    const out = this.held.get(oldest);
    this.held.delete(oldest);
    return out ? this.release(out) : [];
  }
}

export const k8sAuditDecoder: Decoder = {
  id: 'k8s-audit',
  description: 'Kubernetes audit logs (Event lines, EventList, EKS/CloudWatch, AKS diagnostics, GKE Cloud Audit Logs)',
  sniff(sample) {
    const j = sample.join('\n');
    if (/"kind"\s*:\s*"(Event|EventList)"/.test(j) && /audit\.k8s\.io\//.test(j)) return 1;
    if (/\\"kind\\"\s*:\s*\\"Event\\"/.test(j) && /audit\.k8s\.io/.test(j)) return 0.95;
    if (/"serviceName"\s*:\s*"k8s\.io"/.test(j) && /"protoPayload"/.test(j)) return 0.95;
    return 0;
  },
  open() {
    return new K8sAuditRecordDecoder(true);
  },
};

/** The decoder without the lean reading: every line parsed (tests compare the two). */
export function openK8sAuditFullParse(): RecordDecoder {
  return new K8sAuditRecordDecoder(false);
}
