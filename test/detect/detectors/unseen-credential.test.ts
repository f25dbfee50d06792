import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import { detectEnv } from '../../../src/detect/pipeline/env.js';
import { unseenCredential } from '../../../src/detect/detectors/unseen-credential.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { asnLookupFromRows } from '../../../src/intel/asn.js';
import type { ApiEvent } from '../../../src/model/event.js';

const config = ConfigSchema.parse({});
const env = detectEnv(config, asnLookupFromRows([]));
const ctx = { env, learning: false, raw: 'r' };

function api(over: Partial<ApiEvent>): ApiEvent {
  return { kind: 'api', service: 'kubernetes', time: 1, ref: { source: 'audit.log', offset: 0 }, actor: 'system:serviceaccount:ns:sa', src: '10.244.0.6', verb: 'get', resource: 'pods', observer: 'prod', ...over };
}

describe('unseen-credential on API requests', () => {
  it('static credentials alert once per identity; refused requests and credential-less ones never', () => {
    const s = new MemoryStateStore();
    const x509 = api({ actor: 'alice', credential: 'X509SHA256=ab12' });
    expect(unseenCredential.handle(x509, s, ctx).map((a) => a.asset)).toEqual(['alice@prod']);
    expect(unseenCredential.handle({ ...x509, time: 2 }, s, ctx)).toEqual([]);
    expect(unseenCredential.handle(api({ actor: 'bob', credential: 'X509SHA256=cd34', status: 403 }), s, ctx)).toEqual([]);
    expect(unseenCredential.handle(api({ actor: 'carol' }), s, ctx)).toEqual([]);
  });

  it('rotating service-account tokens alert on a new source network outside the organisation, not on each new JTI', () => {
    const s = new MemoryStateStore();
    // In-cluster (internal) use of a rotated token is routine.
    expect(unseenCredential.handle(api({ credential: 'JTI=1' }), s, ctx)).toEqual([]);
    expect(unseenCredential.handle(api({ credential: 'JTI=2', src: '10.244.0.9' }), s, ctx)).toEqual([]);
    const stolen = unseenCredential.handle(api({ credential: 'JTI=2', src: '203.0.113.5' }), s, ctx);
    expect(stolen.map((a) => [a.severity, a.subTechnique])).toEqual([['high', 'exposed-kubernetes-api']]);
  });
});
