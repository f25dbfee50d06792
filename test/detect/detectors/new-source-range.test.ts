import { describe, expect, it } from 'vitest';
import { accessSeverity, newSourceRange } from '../../../src/detect/detectors/new-source-range.js';
import type { ObservationInput } from '../../../src/detect/observations.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import type { ApiEvent } from '../../../src/model/event.js';
import { api, ctxOf, flow, MIN, podCreate, run, sshLogin, T0, testEnv } from './helpers.js';

const env = testEnv({ followWindow: '5m' });
/** AS64666 "Faraway Hosting": a hosting ASN the organisation never used. */
const HOSTING = '203.0.113.66';
/** No ASN known: unrelated to the organisation. */
const UNRELATED = '203.0.114.7';

function web(time: number, src: string, method: string, path: string, over: Partial<ApiEvent> = {}): ApiEvent {
  return api(time, { service: 'http', actor: '-', src, verb: method, method, resource: path, status: 200, dst: '10.0.1.30', dstPort: 443, host: 'shop.example.com', ...over });
}

describe('new-source-range severity table (DS0029)', () => {
  it('matches the documented table', () => {
    const t = (login: boolean, write: boolean, standing: 'internal' | 'organisation' | 'identity' | 'unrelated' | 'hosting', night = false, context = false) =>
      accessSeverity({ login, write, standing, night, context });
    expect(t(false, false, 'hosting')).toBeUndefined(); // a scanner, wherever it is: an observation
    expect(t(true, false, 'organisation')).toBeUndefined();
    expect(t(true, false, 'identity')).toBeUndefined();
    expect(t(true, true, 'internal')).toBeUndefined();
    expect(t(true, false, 'unrelated')).toBe('medium');
    expect(t(true, false, 'hosting')).toBe('high');
    expect(t(true, false, 'hosting', true)).toBe('critical');
    expect(t(false, true, 'unrelated')).toBe('high');
    expect(t(false, true, 'unrelated', false, true)).toBe('critical');
    expect(t(true, true, 'hosting')).toBe('critical');
  });
});

describe('new-source-range: first-seen sources that do nothing are observations', () => {
  it('a bare connection or a refused login from a new range is observed once, not alerted; internal and allow-listed ranges are neither', () => {
    const s = new MemoryStateStore();
    const seen: ObservationInput[] = [];
    const ctx = { ...ctxOf(env), observe: (o: ObservationInput) => void seen.push(o) };
    const events = [flow(T0, HOSTING), flow(T0 + 1000, HOSTING), flow(T0, '10.9.8.7'), flow(T0, '192.0.2.40'), sshLogin(T0, UNRELATED, 'root', false)];
    expect(events.flatMap((e) => newSourceRange.handle(e, s, ctx))).toEqual([]);
    expect(seen.map((o) => [o.service, o.range, o.what])).toEqual([
      ['kube-apiserver', '203.0.113.0/24', 'connection'],
      ['ssh', '203.0.114.0/24', 'failed-login'],
    ]);
  });

  it('an observed source turns into an alert the moment it writes (hosting ASN: critical), even after followWindow', () => {
    const s = new MemoryStateStore();
    expect(run(newSourceRange, s, env, [flow(T0, HOSTING)])).toEqual([]);
    const [a, ...rest] = run(newSourceRange, s, env, [podCreate(T0 + 60 * MIN, { src: '203.0.113.99', actor: 'system:anonymous' })]);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ rule: 'new-source-range', severity: 'critical', subTechnique: 'exposed-kubernetes-api' });
    expect(a!.evidence).toMatchObject({ firstSeenAsObservation: true, writeFromRange: true, standing: 'hosting' });
    // Once: the next write is no new alert.
    expect(run(newSourceRange, s, env, [podCreate(T0 + 61 * MIN, { src: HOSTING, actor: 'system:anonymous' })])).toEqual([]);
  });
});

describe('new-source-range: only management traffic counts', () => {
  it('public POSTs through a gateway are never alerts, whatever came before from the range', () => {
    const s = new MemoryStateStore();
    const alerts = run(newSourceRange, s, env, [
      flow(T0, HOSTING, '10.0.1.30', 443),
      web(T0 + 1000, HOSTING, 'POST', '/contact'),
      web(T0 + 2000, HOSTING, 'POST', '/v1/orders', { status: 201 }),
      flow(T0 + 3000, UNRELATED, '10.0.1.30', 443),
      web(T0 + 4000, UNRELATED, 'POST', '/v1/orders', { status: 201, actor: 'customer-42' }),
    ]);
    expect(alerts).toEqual([]);
  });

  it('a request to an admin route is management: a write there alerts, and the range’s public context raises it', () => {
    const s = new MemoryStateStore();
    run(newSourceRange, s, env, [flow(T0, UNRELATED, '10.0.1.30', 443), web(T0 + 1000, UNRELATED, 'GET', '/')]);
    const alerts = run(newSourceRange, s, env, [web(T0 + 2000, UNRELATED, 'POST', '/admin/users', { status: 201 })]);
    expect(alerts.map((a) => [a.rule, a.severity, a.subTechnique, a.evidence.reached, a.evidence.publicContext])).toEqual([
      ['new-source-range', 'critical', 'unauthenticated-admin-interface', 'web-admin', true],
    ]);
  });

  it('a flow to a shared port is management when the configured surface says so', () => {
    const configured = testEnv({ followWindow: '5m' }, { surface: { management: [{ address: '10.0.1.40', port: 443, service: 'kube-apiserver' }] } });
    const seen: ObservationInput[] = [];
    const s = new MemoryStateStore();
    for (const e of [flow(T0, HOSTING, '10.0.1.40', 443), flow(T0, HOSTING, '10.0.1.41', 443)]) newSourceRange.handle(e, s, { ...ctxOf(configured), observe: (o) => void seen.push(o) });
    expect(seen.map((o) => [o.target, o.service])).toEqual([['10.0.1.40:443', 'kube-apiserver']]);
  });

  it('a Docker API request teaches the surface that its port is management, for the flows that follow', () => {
    const s = new MemoryStateStore();
    run(newSourceRange, s, env, [api(T0, { service: 'docker', actor: '-', src: '10.2.0.5', verb: 'list', resource: 'containers', dst: '10.0.1.50', dstPort: 443 })]);
    const seen: ObservationInput[] = [];
    newSourceRange.handle(flow(T0 + MIN, HOSTING, '10.0.1.50', 443), s, { ...ctxOf(env), observe: (o) => void seen.push(o) });
    expect(seen.map((o) => o.service)).toEqual(['docker-api']);
  });
});

describe('new-source-range: logins judged by the organisation', () => {
  it('an accepted login from a new range is nothing from the organisation’s networks, medium from an unrelated one, high from a hosting ASN', () => {
    const s = new MemoryStateStore();
    expect(run(newSourceRange, s, env, [sshLogin(T0, '198.51.100.7')])).toEqual([]);
    expect(run(newSourceRange, s, env, [sshLogin(T0, UNRELATED)]).map((a) => a.severity)).toEqual(['medium']);
    expect(run(newSourceRange, s, env, [sshLogin(T0, HOSTING)]).map((a) => a.severity)).toEqual(['high']);
  });

  it('a write within followWindow after an alerted login raises new-source-range-write naming the first alert, once', () => {
    const s = new MemoryStateStore();
    const [first] = run(newSourceRange, s, env, [sshLogin(T0, UNRELATED, 'deploy')]);
    expect(first).toMatchObject({ rule: 'new-source-range', severity: 'medium' });
    const later = run(newSourceRange, s, env, [
      api(T0 + MIN, { src: UNRELATED, actor: 'deploy', verb: 'list' }), // a read: nothing
      podCreate(T0 + 2 * MIN, { src: '203.0.114.99', actor: 'deploy' }),
      podCreate(T0 + 3 * MIN, { src: UNRELATED, actor: 'deploy' }),
    ]);
    expect(later.map((a) => [a.rule, a.severity, a.control])).toEqual([['new-source-range-write', 'high', 'DS0029']]);
    expect(later[0]!.evidence).toMatchObject({ firstAlert: first!.id, range: '203.0.114.0/24', write: true });
    expect(later[0]!.title).toContain(first!.id);
  });

  it('write first: the first contact alerts already escalated', () => {
    const s = new MemoryStateStore();
    const write = run(newSourceRange, s, env, [api(T0, { service: 'http', actor: '-', src: HOSTING, verb: 'POST', method: 'POST', resource: '/services', status: 201, dst: '10.0.1.30', dstPort: 8001 })]);
    expect(write.map((a) => [a.rule, a.severity, a.subTechnique])).toEqual([['new-source-range', 'critical', 'exposed-gateway']]);
    // The same range's connection to another port adds nothing new: it is one alert per range and burst.
    expect(run(newSourceRange, s, env, [api(T0 + MIN, { service: 'http', actor: '-', src: HOSTING, verb: 'PUT', method: 'PUT', resource: '/routes/x', dst: '10.0.1.30', dstPort: 8001 })])).toEqual([]);
  });

  it('nothing escalates outside followWindow, for failed writes, or while learning', () => {
    const s = new MemoryStateStore();
    run(newSourceRange, s, env, [sshLogin(T0, UNRELATED, 'deploy')]);
    expect(run(newSourceRange, s, env, [podCreate(T0 + 2 * MIN, { src: UNRELATED, actor: 'deploy', status: 403 })])).toEqual([]);
    expect(run(newSourceRange, s, env, [podCreate(T0 + 6 * MIN, { src: UNRELATED, actor: 'deploy' })])).toEqual([]);
    const l = new MemoryStateStore();
    run(newSourceRange, l, env, [flow(T0, HOSTING)], true);
    expect(run(newSourceRange, l, env, [podCreate(T0 + MIN, { src: HOSTING, actor: 'system:anonymous' })], true)).toEqual([]);
  });

  it('a connection observed, then the login on it: one alert, and a sensor’s second record of the login adds nothing', () => {
    const s = new MemoryStateStore();
    const alerts = run(newSourceRange, s, env, [flow(T0, HOSTING, '10.0.1.10', 22), sshLogin(T0 + 500, HOSTING)]);
    expect(alerts.map((a) => [a.rule, a.severity])).toEqual([['new-source-range', 'high']]);
    expect(run(newSourceRange, s, env, [{ ...sshLogin(T0 + 700, HOSTING), user: '', method: 'other' as const }])).toEqual([]);
  });
});
