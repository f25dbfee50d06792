import { ConfigSchema } from '../../../src/config/schema.js';
import { detectEnv } from '../../../src/detect/pipeline/env.js';
import type { DetectEnv, Detector, EventContext } from '../../../src/detect/detectors/types.js';
import type { StateView } from '../../../src/detect/state/types.js';
import { asnLookupFromRows } from '../../../src/intel/asn.js';
import type { ApiEvent, AuthEvent, FlowEvent } from '../../../src/model/event.js';
import type { Alert } from '../../../src/model/finding.js';

export const MIN = 60_000;
export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

/** The organisation: allow-listed VPN 192.0.2.0/24, its own AS64500 (198.51.100.0/24); 203.0.113.0/24 is foreign hosting. */
export function testEnv(detect: Record<string, unknown> = {}, more: Record<string, unknown> = {}): DetectEnv {
  const config = ConfigSchema.parse({ organisation: { asns: [64500], allowedRanges: ['192.0.2.0/24'] }, detect, ...more });
  return detectEnv(
    config,
    asnLookupFromRows([
      { start: '198.51.100.0', end: '198.51.100.255', asn: 64500, org: 'Example Corp' },
      { start: '203.0.113.0', end: '203.0.113.255', asn: 64666, org: 'Faraway Hosting' },
    ]),
  );
}

export function ctxOf(env: DetectEnv, learning = false): EventContext {
  return { env, learning, raw: 'record' };
}

let offset = 0;
const ref = (source: string): { source: string; offset: number } => ({ source, offset: offset++ });

export function flow(time: number, src: string, dst = '10.0.1.20', dstPort = 6443, over: Partial<FlowEvent> = {}): FlowEvent {
  return { kind: 'flow', time, ref: ref('flow.log'), src, srcPort: 50000, dst, dstPort, protocol: 'tcp', action: 'accept', ...over };
}

export function api(time: number, over: Partial<ApiEvent> = {}): ApiEvent {
  return { kind: 'api', service: 'kubernetes', time, ref: ref('audit.log'), actor: 'alice@corp', src: '198.51.100.7', verb: 'get', resource: 'pods', status: 200, ...over };
}

export function podCreate(time: number, over: Partial<ApiEvent> = {}): ApiEvent {
  return api(time, { verb: 'create', resource: 'pods', namespace: 'shop', name: `p-${time}`, objectKind: 'Pod', status: 201, privileged: [], ...over });
}

export function sshLogin(time: number, src: string, user = 'alice', success = true): AuthEvent {
  return { kind: 'auth', service: 'ssh', time, ref: ref('auth.log'), observer: 'bastion-1', user, method: 'publickey', credential: 'SHA256:k', credentialKind: 'key', src, dstPort: 22, success };
}

/** Feed events through one detector, in order; every alert raised. */
export function run(d: Detector, state: StateView, env: DetectEnv, events: readonly (ApiEvent | AuthEvent | FlowEvent)[], learning = false): Alert[] {
  return events.flatMap((e) => d.handle(e, state, ctxOf(env, learning)));
}
