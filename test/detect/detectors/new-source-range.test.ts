import { describe, expect, it } from 'vitest';
import { connectionSeverity, newSourceRange } from '../../../src/detect/detectors/new-source-range.js';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { api, flow, MIN, podCreate, run, sshLogin, T0, testEnv } from './helpers.js';

const env = testEnv({ followWindow: '5m' });
const FOREIGN = '203.0.113.66';

describe('new-source-range severity table (DS0029)', () => {
  it('matches the documented table', () => {
    const t = (login: boolean, write: boolean, foreign: boolean, internal = false) => connectionSeverity({ login, write, foreign, internal });
    expect(t(false, false, true)).toBe('low'); // a scanner, wherever it is
    expect(t(true, false, false)).toBe('medium');
    expect(t(true, false, true)).toBe('high');
    expect(t(false, true, false)).toBe('high');
    expect(t(true, true, true)).toBe('critical');
    expect(t(false, false, false, true)).toBe('info');
    expect(t(true, false, false, true)).toBe('low');
  });

  it('a bare connection from a new range is low, from an internal range info; allow-listed ranges never alert', () => {
    const s = new MemoryStateStore();
    const alerts = run(newSourceRange, s, env, [flow(T0, FOREIGN), flow(T0, '10.9.8.7'), flow(T0, '192.0.2.40'), flow(T0 + MIN, FOREIGN)]);
    expect(alerts.map((a) => [a.evidence.range, a.severity])).toEqual([
      ['203.0.113.0/24', 'low'],
      ['10.9.8.0/24', 'info'],
    ]);
  });

  it('a failed sshd login is a connection (low); an accepted one from a foreign ASN is high, from the organisation ASN medium', () => {
    const s = new MemoryStateStore();
    expect(run(newSourceRange, s, env, [sshLogin(T0, '203.0.113.7', 'root', false)]).map((a) => a.severity)).toEqual(['low']);
    expect(run(newSourceRange, s, env, [sshLogin(T0, '203.0.114.7')]).map((a) => a.severity)).toEqual(['high']); // unknown ASN counts as foreign
    expect(run(newSourceRange, s, env, [sshLogin(T0, '198.51.100.7')]).map((a) => a.severity)).toEqual(['medium']);
  });
});

describe('new-source-range escalation, in both arrival orders', () => {
  it('connection first: a write within followWindow raises new-source-range-write naming the first alert, once', () => {
    const s = new MemoryStateStore();
    const [first] = run(newSourceRange, s, env, [flow(T0, FOREIGN)]);
    expect(first).toMatchObject({ rule: 'new-source-range', severity: 'low' });
    const later = run(newSourceRange, s, env, [
      api(T0 + MIN, { src: '203.0.113.99', actor: 'system:anonymous', verb: 'list' }), // a read: nothing
      podCreate(T0 + 2 * MIN, { src: '203.0.113.99', actor: 'system:anonymous' }),
      podCreate(T0 + 3 * MIN, { src: FOREIGN, actor: 'system:anonymous' }),
    ]);
    expect(later.map((a) => [a.rule, a.severity, a.control])).toEqual([['new-source-range-write', 'critical', 'DS0029']]);
    expect(later[0]!.evidence).toMatchObject({ firstAlert: first!.id, range: '203.0.113.0/24', write: true });
    expect(later[0]!.subTechnique).toBe('exposed-kubernetes-api');
    expect(later[0]!.title).toContain(first!.id);
  });

  it('write first: the connection alert is raised already escalated', () => {
    const s = new MemoryStateStore();
    const write = run(newSourceRange, s, env, [api(T0, { service: 'http', actor: '-', src: FOREIGN, verb: 'POST', method: 'POST', resource: '/services', status: 201 })]);
    expect(write).toEqual([]);
    const [conn, ...rest] = run(newSourceRange, s, env, [flow(T0 + 30_000, FOREIGN, '10.0.1.30', 8001)]);
    expect(rest).toEqual([]);
    // A write from a foreign range: high + 1.
    expect(conn).toMatchObject({ rule: 'new-source-range', severity: 'critical', subTechnique: 'exposed-gateway' });
    expect(conn!.evidence).toMatchObject({ writeFromRange: true });
    // No second (escalation) alert for a write that was already counted in.
    expect(run(newSourceRange, s, env, [api(T0 + MIN, { service: 'http', actor: '-', src: FOREIGN, verb: 'PUT', method: 'PUT', resource: '/x' })])).toEqual([]);
  });

  it('a login following an alerted connection raises new-source-range-login (medium, foreign +1); a write still escalates after it', () => {
    const s = new MemoryStateStore();
    const [scan] = run(newSourceRange, s, env, [sshLogin(T0, FOREIGN, 'root', false)]);
    const next = run(newSourceRange, s, env, [sshLogin(T0 + MIN, FOREIGN, 'deploy'), sshLogin(T0 + 2 * MIN, FOREIGN, 'deploy')]);
    expect(next.map((a) => [a.rule, a.severity, a.evidence.firstAlert])).toEqual([['new-source-range-login', 'high', scan!.id]]);
    const w = run(newSourceRange, s, env, [podCreate(T0 + 3 * MIN, { src: FOREIGN, actor: 'deploy' })]);
    expect(w.map((a) => [a.rule, a.severity])).toEqual([['new-source-range-write', 'critical']]);
  });

  it('login first: the connection alert is raised at medium (organisation ASN)', () => {
    const s = new MemoryStateStore();
    run(newSourceRange, s, env, [api(T0, { src: '198.51.100.20', actor: 'bob@corp' })]);
    expect(run(newSourceRange, s, env, [flow(T0 + MIN, '198.51.100.20')]).map((a) => a.severity)).toEqual(['medium']);
  });

  it('nothing escalates outside followWindow, for failed writes, or while learning', () => {
    const s = new MemoryStateStore();
    run(newSourceRange, s, env, [flow(T0, FOREIGN)]);
    expect(run(newSourceRange, s, env, [podCreate(T0 + 2 * MIN, { src: FOREIGN, status: 403 })])).toEqual([]);
    expect(run(newSourceRange, s, env, [podCreate(T0 + 6 * MIN, { src: FOREIGN })])).toEqual([]);
    const l = new MemoryStateStore();
    run(newSourceRange, l, env, [flow(T0, FOREIGN)], true);
    expect(run(newSourceRange, l, env, [podCreate(T0 + MIN, { src: FOREIGN })], true)).toEqual([]);
  });

  it('a record that raised its own new-range alert does not also escalate the earlier one', () => {
    const s = new MemoryStateStore();
    // Flow log sees the connection, then sshd (a different target name) logs the login.
    const alerts = run(newSourceRange, s, env, [flow(T0, FOREIGN, '10.0.1.10', 22), sshLogin(T0 + 500, FOREIGN)]);
    expect(alerts.map((a) => [a.rule, a.severity])).toEqual([
      ['new-source-range', 'low'],
      ['new-source-range', 'high'],
    ]);
    // A sensor's record of the same login adds nothing: that alert says "login" already.
    expect(run(newSourceRange, s, env, [{ ...sshLogin(T0 + 700, FOREIGN), user: '', method: 'other' as const }])).toEqual([]);
  });
});
