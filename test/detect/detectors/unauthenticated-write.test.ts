import { describe, expect, it } from 'vitest';
import { rareContainerExec } from '../../../src/detect/detectors/rare-container-exec.js';
import { unauthenticatedWrite } from '../../../src/detect/detectors/unauthenticated-write.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { api, MIN, podCreate, run, T0, testEnv } from './helpers.js';

const env = testEnv({ rareCreationThreshold: 2 });

describe('unauthenticated-write (DS0015)', () => {
  it('a successful anonymous write or exec is critical; reads, refusals and authenticated writes are not alerted', () => {
    const s = new MemoryStateStore();
    const anon = { actor: 'system:anonymous', groups: ['system:unauthenticated'], src: '203.0.113.5' };
    const alerts = run(unauthenticatedWrite, s, env, [
      podCreate(T0, { ...anon, namespace: 'kube-system', name: 'x' }),
      api(T0, { ...anon, verb: 'patch', resource: 'configmaps', status: 200 }),
      api(T0, { ...anon, verb: 'get', resource: 'pods', subresource: 'exec', status: 101 }),
      // Not alerted:
      api(T0, { ...anon, verb: 'list', resource: 'secrets', status: 200 }),
      podCreate(T0, { ...anon, status: 403 }),
      podCreate(T0, { ...anon, status: undefined }),
      podCreate(T0, { actor: 'alice@corp' }),
      api(T0, { service: 'docker', actor: '-', verb: 'create', resource: 'containers', status: 201 }),
    ]);
    expect(alerts.map((a) => [a.rule, a.control, a.severity, a.evidence.verb, a.evidence.subresource])).toEqual([
      ['unauthenticated-write', 'DS0015', 'critical', 'create', undefined],
      ['unauthenticated-write', 'DS0015', 'critical', 'patch', undefined],
      ['unauthenticated-write', 'DS0015', 'critical', 'get', 'exec'],
    ]);
    expect(alerts[0]!.title).toContain('kube-system/x');
    expect(alerts[0]!.evidence).toMatchObject({ src: '203.0.113.5', user: 'system:anonymous' });
  });

  it('the system:unauthenticated group counts whatever the user name; nothing alerts while learning', () => {
    const s = new MemoryStateStore();
    const e = podCreate(T0, { actor: 'nobody', groups: ['system:unauthenticated'] });
    expect(run(unauthenticatedWrite, s, env, [e])).toHaveLength(1);
    expect(run(unauthenticatedWrite, s, env, [e], true)).toEqual([]);
  });
});

describe('rare-container-exec (DS0015, related activity)', () => {
  it('exec/attach by an identity that seldom does it is low; routine exec is quiet', () => {
    const s = new MemoryStateStore();
    const exec = (t: number, actor: string, verb = 'create') => api(t, { actor, verb, resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'api-0', status: verb === 'get' ? 101 : 200 });
    run(rareContainerExec, s, env, [exec(T0, 'oncall'), exec(T0 + MIN, 'oncall'), exec(T0 + 2 * MIN, 'oncall')], true);
    expect(run(rareContainerExec, s, env, [exec(T0 + 3 * MIN, 'oncall')])).toEqual([]);
    const alerts = run(rareContainerExec, s, env, [exec(T0 + 4 * MIN, 'mallory', 'get'), api(T0, { actor: 'mallory', verb: 'get', resource: 'pods', subresource: 'log' })]);
    expect(alerts.map((a) => [a.rule, a.severity, a.evidence.subresource])).toEqual([['rare-container-exec', 'low', 'exec']]);
    // Refused exec is not an exec.
    expect(run(rareContainerExec, s, env, [api(T0, { actor: 'trudy', resource: 'pods', subresource: 'attach', verb: 'create', status: 403 })])).toEqual([]);
  });
});
