/**
 * Docker Engine events as printed by `docker events --format '{{json .}}'` (or streamed by
 * GET /events): one events.Message per line → api event (service 'docker'). Events carry no
 * user, source address or HostConfig: actor and src are empty and privileged bits unknown.
 */
import type { ApiEvent, RecordRef } from '../../model/event.js';
import type { DecodeResult, Decoder, RecordDecoder } from '../types.js';
import { isObject, num, obj, str, tryParse } from './util/json.js';
import { reject, sniffFraction } from './util/result.js';
import { excerpt } from './util/text.js';

const TYPES = new Set(['container', 'image', 'volume', 'network', 'plugin', 'daemon', 'service', 'node', 'secret', 'config', 'builder']);
/** API resource names, matching what the access-log decoders derive from request paths. */
const RESOURCE: Record<string, string> = { container: 'containers', image: 'images', volume: 'volumes', network: 'networks', plugin: 'plugins', daemon: 'daemon', service: 'services', node: 'nodes', secret: 'secrets', config: 'configs', builder: 'build' };

/** Exported for tests: one parsed message → api event or a reason. */
export function decodeDockerMessage(m: unknown, ref: RecordRef): ApiEvent | string {
  if (!isObject(m)) return 'JSON value is not an object';
  // API < 1.22 messages had only status/id/from (container events).
  const type = str(m, 'Type') ?? (str(m, 'status') !== undefined ? 'container' : undefined);
  const action = str(m, 'Action') ?? str(m, 'status');
  if (type === undefined || !TYPES.has(type)) return `Type ${excerpt(type ?? '-')} is not a Docker event type`;
  if (action === undefined || action === '') return 'no Action';
  const nano = num(m, 'timeNano');
  const secs = num(m, 'time');
  const time = nano !== undefined && nano > 0 ? Math.floor(nano / 1e6) : secs !== undefined && secs > 0 ? secs * 1000 : undefined;
  if (time === undefined) return 'no time or timeNano';
  const actor = obj(m, 'Actor');
  const attrs = obj(actor, 'Attributes');
  // "exec_start: /bin/sh -c id", "health_status: unhealthy": the verb is the part before the colon.
  const colon = action.indexOf(':');
  const verb = colon < 0 ? action : action.slice(0, colon);
  const ev: ApiEvent = { kind: 'api', service: 'docker', time, ref, actor: '', src: '', verb, resource: RESOURCE[type] ?? type };
  const name = str(attrs, 'name') ?? str(actor, 'ID') ?? str(m, 'id');
  if (name !== undefined) ev.name = name;
  return ev;
}

class DockerEventsRecordDecoder implements RecordDecoder {
  line(text: string, ref: RecordRef): DecodeResult {
    const t = text.trim();
    if (t === '') return [];
    if (t.charCodeAt(0) !== 123) return reject(`not JSON (expected docker events --format '{{json .}}'): ${excerpt(t, 40)}`);
    const p = tryParse(t);
    if (!p.ok) return reject(`invalid JSON: ${p.error}`);
    const ev = decodeDockerMessage(p.value, ref);
    return typeof ev === 'string' ? reject(ev) : [ev];
  }
}

export const dockerEventsDecoder: Decoder = {
  id: 'docker-events',
  description: "Docker Engine events (docker events --format '{{json .}}')",
  sniff(sample) {
    return 0.95 * sniffFraction(sample, (l) => l.startsWith('{') && /"Type"\s*:\s*"[a-z]+"/.test(l) && /"Action"\s*:/.test(l) && /"timeNano"\s*:|"time"\s*:/.test(l));
  },
  open() {
    return new DockerEventsRecordDecoder();
  },
};
