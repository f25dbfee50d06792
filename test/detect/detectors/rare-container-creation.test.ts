import { describe, expect, it } from 'vitest';
import { rareContainerCreation } from '../../../src/detect/detectors/rare-container-creation.js';
import { creationOf, privilegeSeverity } from '../../../src/detect/detectors/workloads.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { api, DAY, MIN, podCreate, run, T0, testEnv } from './helpers.js';

const env = testEnv({ rareCreationThreshold: 3 });

describe('rare-container-creation (DS0015)', () => {
  it('alerts while an identity has fewer creations than the threshold in the baseline, then stops', () => {
    const s = new MemoryStateStore();
    const alerts = run(rareContainerCreation, s, env, [0, 1, 2, 3, 4].map((i) => podCreate(T0 + i * MIN, { actor: 'dave@corp' })));
    expect(alerts.map((a) => a.evidence.priorCreations)).toEqual([0, 1, 2]);
    expect(alerts[0]).toMatchObject({ rule: 'rare-container-creation', control: 'DS0015', subTechnique: 'exposed-kubernetes-api', severity: 'medium', asset: 'dave@corp@kubernetes' });
    expect(alerts[0]!.evidence).toMatchObject({ user: 'dave@corp', kind: 'Pod', name: 'p-' + T0, privilegedKnown: true, threshold: 3 });
  });

  it('counts during the learning period without alerting; a busy creator stays quiet afterwards', () => {
    const s = new MemoryStateStore();
    const learn = [0, 1, 2].map((i) => podCreate(T0 + i * DAY, { actor: 'system:kube-controller-manager' }));
    expect(run(rareContainerCreation, s, env, learn, true)).toEqual([]);
    expect(run(rareContainerCreation, s, env, [podCreate(T0 + 3 * DAY, { actor: 'system:kube-controller-manager' })])).toEqual([]);
    // Another identity is still rare.
    expect(run(rareContainerCreation, s, env, [podCreate(T0 + 3 * DAY, { actor: 'system:serviceaccount:ci:deployer', name: 'debug' })])).toHaveLength(1);
  });

  it('forgets creations older than the baseline window', () => {
    const s = new MemoryStateStore();
    const short = testEnv({ rareCreationThreshold: 2, baselineExpiry: '10d' });
    run(rareContainerCreation, s, short, [podCreate(T0, { actor: 'ci' }), podCreate(T0 + MIN, { actor: 'ci' })], true);
    expect(run(rareContainerCreation, s, short, [podCreate(T0 + 2 * DAY, { actor: 'ci' })])).toEqual([]);
    expect(run(rareContainerCreation, s, short, [podCreate(T0 + 30 * DAY, { actor: 'ci' })]).map((a) => a.evidence.priorCreations)).toEqual([0]);
  });

  it('failed creations and subresource "creates" are not creations', () => {
    const s = new MemoryStateStore();
    const refused = [403, 409, 500].map((status, i) => podCreate(T0 + i * MIN, { actor: 'eve', status }));
    expect(run(rareContainerCreation, s, env, refused)).toEqual([]);
    // pods/binding (the scheduler), pods/eviction and pods/exec use the create verb on a subresource.
    const subs = ['binding', 'eviction', 'exec'].map((subresource, i) => podCreate(T0 + (5 + i) * MIN, { actor: 'eve', subresource }));
    expect(subs.map((e) => creationOf(e))).toEqual([undefined, undefined, undefined]);
    // So eve's first real creation is her first.
    expect(run(rareContainerCreation, s, env, [podCreate(T0 + 10 * MIN, { actor: 'eve' })]).map((a) => a.evidence.priorCreations)).toEqual([0]);
    // Reads and patches of workloads are not creations either.
    expect(creationOf(api(T0, { verb: 'patch', resource: 'deployments' }))).toBeUndefined();
    expect(creationOf(api(T0, { verb: 'create', resource: 'configmaps', status: 201 }))).toBeUndefined();
  });

  it('workload objects and ephemeral containers count as creations', () => {
    for (const [resource, kind] of [
      ['deployments', 'Deployment'],
      ['daemonsets', 'DaemonSet'],
      ['statefulsets', 'StatefulSet'],
      ['replicasets', 'ReplicaSet'],
      ['jobs', 'Job'],
      ['cronjobs', 'CronJob'],
    ] as const) {
      expect(creationOf(api(T0, { verb: 'create', resource, status: 201 }))?.kind).toBe(kind);
    }
    expect(creationOf(api(T0, { verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', name: 'web-0' }))?.kind).toBe('ephemeral container');
  });

  it('privileged specs raise the severity: node escape critical, weaker bits high, unknown medium', () => {
    expect(privilegeSeverity(['privileged'])).toBe('critical');
    expect(privilegeSeverity(['hostPID'])).toBe('critical');
    expect(privilegeSeverity(['hostPath:/var/run/docker.sock'])).toBe('critical');
    expect(privilegeSeverity(['cap:SYS_ADMIN'])).toBe('critical');
    expect(privilegeSeverity(['hostNetwork'])).toBe('high');
    expect(privilegeSeverity(['hostIPC', 'allowPrivilegeEscalation'])).toBe('high');
    expect(privilegeSeverity(['cap:NET_ADMIN'])).toBe('high');
    expect(privilegeSeverity([])).toBeUndefined();
    expect(privilegeSeverity(undefined)).toBeUndefined();
    const s = new MemoryStateStore();
    const sev = run(rareContainerCreation, s, env, [
      podCreate(T0, { actor: 'a', name: 'a', privileged: ['privileged', 'hostPath:/'] }),
      podCreate(T0, { actor: 'b', name: 'b', privileged: ['hostNetwork'] }),
      podCreate(T0, { actor: 'c', name: 'c', privileged: undefined }),
    ]).map((a) => [a.evidence.user, a.severity, a.evidence.privilegedKnown]);
    expect(sev).toEqual([
      ['a', 'critical', true],
      ['b', 'high', true],
      ['c', 'medium', false],
    ]);
  });

  it('a record read twice (re-read after a restart) is counted once', () => {
    const s = new MemoryStateStore();
    const e = podCreate(T0, { actor: 'frank' });
    expect(run(rareContainerCreation, s, env, [e, e, e])).toHaveLength(1);
    expect(run(rareContainerCreation, s, env, [podCreate(T0 + MIN, { actor: 'frank' })]).map((a) => a.evidence.priorCreations)).toEqual([1]);
  });
});

describe('rare-container-creation on Docker', () => {
  const proxy = (time: number, over = {}) =>
    api(time, { service: 'docker', actor: '-', src: '203.0.113.50', verb: 'create', resource: 'containers', name: 'cache', method: 'POST', status: 201, ...over });
  const engineEvent = (time: number, name = 'cache') => api(time, { service: 'docker', actor: '', src: '', verb: 'create', resource: 'containers', name, status: undefined });

  it('an unauthenticated caller is known by address; one creation in three logs is counted once', () => {
    const s = new MemoryStateStore();
    const alerts = run(rareContainerCreation, s, env, [
      // Access log (no body), then the request-body log, then the engine's own event.
      proxy(T0),
      proxy(T0, { privileged: ['privileged', 'hostPath:/'] }),
      engineEvent(T0 + 20),
    ]);
    expect(alerts.map((a) => [a.severity, a.evidence.privilegedKnown])).toEqual([
      ['medium', false],
      ['critical', true],
    ]);
    expect(alerts[0]).toMatchObject({ subTechnique: 'unauthenticated-admin-interface', asset: 'unauthenticated client 203.0.113.50@docker' });
    // The second names the first: alerts are immutable once emitted.
    expect(alerts[1]!.evidence.firstAlert).toBe(alerts[0]!.id);
    // Counted once: the next creation from that address has one before it.
    expect(run(rareContainerCreation, s, env, [proxy(T0 + MIN, { name: 'other' })]).map((a) => a.evidence.priorCreations)).toEqual([1]);
  });

  it('a duplicate that shows nothing worse raises nothing', () => {
    const s = new MemoryStateStore();
    const alerts = run(rareContainerCreation, s, env, [proxy(T0, { privileged: ['privileged'] }), proxy(T0), proxy(T0, { privileged: ['hostNetwork'] })]);
    expect(alerts.map((a) => a.severity)).toEqual(['critical']);
  });

  it('engine events alone count under the unnamed caller, and only when no proxy record claimed the creation', () => {
    const s = new MemoryStateStore();
    const alerts = run(rareContainerCreation, s, env, [engineEvent(T0, 'x1'), engineEvent(T0 + MIN, 'x2')]);
    expect(alerts.map((a) => a.evidence.priorCreations)).toEqual([0, 1]);
    expect(alerts[0]!.title).toContain('an unnamed caller');
    // The engine event first, then the proxy's record of it: the proxy's caller is counted as well.
    const both = run(rareContainerCreation, s, env, [engineEvent(T0 + 2 * MIN, 'x3'), proxy(T0 + 2 * MIN, { name: 'x3' })]);
    expect(both.map((a) => a.evidence.src ?? 'engine')).toEqual(['engine', '203.0.113.50']);
  });

  it('a busy CI runner is not rare', () => {
    const s = new MemoryStateStore();
    const ci = (i: number) => proxy(T0 + i * MIN, { src: '10.0.3.15', name: `runner-${i}`, userAgent: 'Docker-Client/27.3.1 (linux)' });
    run(rareContainerCreation, s, env, [0, 1, 2, 3].map(ci), true);
    expect(run(rareContainerCreation, s, env, [ci(10)])).toEqual([]);
  });
});

describe('rare-container-creation: rarity per kind of creation', () => {
  /** The CI identity creates pods all day, from the organisation's own ASN (198.51.100.0/24 is AS64500). */
  const ci = (t: number, over: Parameters<typeof podCreate>[1] = {}) => podCreate(t, { actor: 'system:serviceaccount:ci:deployer', src: '198.51.100.40', ...over });

  it('a routine creator’s first privileged pod from a range it never used alerts (critical), naming what is rare', () => {
    const s = new MemoryStateStore();
    run(rareContainerCreation, s, env, Array.from({ length: 20 }, (_, i) => ci(T0 + i * MIN)), true);
    expect(run(rareContainerCreation, s, env, [ci(T0 + DAY)])).toEqual([]);
    const [a, ...rest] = run(rareContainerCreation, s, env, [ci(T0 + DAY + MIN, { src: '203.0.113.9', privileged: ['privileged', 'hostPID', 'hostPath:/'] })]);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ severity: 'critical' });
    expect(String(a!.evidence.rareKinds).split(',')).toEqual(['hostPID', 'hostPath', 'privileged', 'network']);
    expect(a!.title).toContain('first privileged creation');
  });

  it('each privileged trait has its own baseline: a controller that routinely runs hostNetwork pods stays quiet on them, not on a first docker.sock mount', () => {
    const s = new MemoryStateStore();
    const ds = (t: number, privileged: string[]) => podCreate(t, { actor: 'system:serviceaccount:kube-system:daemon-set-controller', src: '10.0.0.2', namespace: 'kube-system', privileged });
    run(rareContainerCreation, s, env, Array.from({ length: 5 }, (_, i) => ds(T0 + i * MIN, ['hostNetwork'])), true);
    expect(run(rareContainerCreation, s, env, [ds(T0 + DAY, ['hostNetwork'])])).toEqual([]);
    const alerts = run(rareContainerCreation, s, env, [ds(T0 + DAY + MIN, ['hostNetwork', 'hostPath:/var/run/docker.sock'])]);
    expect(alerts.map((a) => [a.severity, a.evidence.rareKinds])).toEqual([['critical', 'docker.sock']]);
  });

  it('a first creation in kube-system by a routine creator is high', () => {
    const s = new MemoryStateStore();
    run(rareContainerCreation, s, env, Array.from({ length: 5 }, (_, i) => ci(T0 + i * MIN)), true);
    expect(run(rareContainerCreation, s, env, [ci(T0 + DAY, { namespace: 'kube-system' })]).map((a) => [a.severity, a.evidence.rareKinds])).toEqual([['high', 'kube-system']]);
  });
});
