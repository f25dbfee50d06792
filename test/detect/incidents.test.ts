import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { runDetect } from '../../src/detect/engine.js';
import { buildIncidents, incidentIdFor, linkIncident, stageOf } from '../../src/detect/incidents.js';
import { MemoryStateStore } from '../../src/detect/state/memory.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import { asnLookupFromRows } from '../../src/intel/asn.js';
import { makeAlert, type Alert } from '../../src/model/finding.js';
import type { Severity } from '../../src/model/severity.js';
import type { DataSource } from '../../src/model/technique.js';
import { MIN, T0, testEnv } from './detectors/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-incidents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = testEnv({ incidentWindow: '1h' });
let n = 0;
function alert(rule: string, control: DataSource, time: number, evidence: Record<string, unknown>, severity: Severity = 'medium'): Alert {
  return makeAlert({ rule, subTechnique: 'exposed-kubernetes-api', control, severity, title: rule, asset: 'a', location: { source: 'x', offset: n++ }, time: new Date(time).toISOString(), evidence, remediation: '' });
}
const conn = (t: number, src: string, sev: Severity = 'low') => alert('new-source-range', 'DS0029', t, { src }, sev);
const cred = (t: number, src: string, user: string) => alert('unseen-credential', 'DS0002', t, { src, user }, 'high');
const create = (t: number, src: string, user: string, sev: Severity = 'critical') => alert('rare-container-creation', 'DS0015', t, { src, user }, sev);

describe('linkIncident', () => {
  it('links one source range within the window, and names the incident after its first alert', () => {
    const s = new MemoryStateStore();
    const a = conn(T0, '203.0.113.5');
    const b = cred(T0 + MIN, '203.0.113.77', 'deployer');
    const c = create(T0 + 2 * MIN, '203.0.113.77', 'deployer');
    for (const x of [a, b, c]) linkIncident(x, s, env);
    expect(a.incident).toBe(incidentIdFor(a.id));
    expect(a.incident).toMatch(/^INC-[0-9a-f]{16}$/);
    expect([b.incident, c.incident]).toEqual([a.incident, a.incident]);
    // Another range is another incident; the same range after the window closed too.
    const other = conn(T0 + 3 * MIN, '198.18.0.1');
    const late = conn(T0 + 2 * MIN + 61 * MIN, '203.0.113.9');
    linkIncident(other, s, env);
    linkIncident(late, s, env);
    expect(other.incident).not.toBe(a.incident);
    expect(late.incident).toBe(incidentIdFor(late.id));
  });

  it('follows the identity forward: a credential alert binds its user, whose creation from elsewhere joins; a bare connection never joins by user', () => {
    const s = new MemoryStateStore();
    const a = conn(T0, '203.0.113.5');
    const b = cred(T0 + MIN, '203.0.113.5', 'alice');
    const c = create(T0 + 10 * MIN, '10.1.2.3', 'alice'); // from inside, as alice
    const d = alert('new-source-range', 'DS0029', T0 + 11 * MIN, { src: '198.18.7.7', user: 'alice' });
    const e = conn(T0 + 12 * MIN, '10.1.2.3'); // the internal address the intruder reached: linked by address
    const f = conn(T0 + 13 * MIN, '10.1.2.4'); // its neighbour is not (internal sources link by exact address)
    for (const x of [a, b, c, d, e, f]) linkIncident(x, s, env);
    expect(c.incident).toBe(a.incident);
    expect(d.incident).not.toBe(a.incident);
    expect(e.incident).toBe(a.incident);
    expect(f.incident).not.toBe(a.incident);
  });

  it('never links by anonymous users', () => {
    const s = new MemoryStateStore();
    const a = alert('unauthenticated-write', 'DS0015', T0, { src: '203.0.113.5', user: 'system:anonymous' });
    const b = alert('unauthenticated-write', 'DS0015', T0 + MIN, { src: '198.18.0.9', user: 'system:anonymous' });
    linkIncident(a, s, env);
    linkIncident(b, s, env);
    expect(b.incident).not.toBe(a.incident);
  });

  it('continues an incident in a new process over the same SQLite state', () => {
    const path = join(dir, 'link.db');
    const first = new SqliteStateStore(path);
    const a = conn(T0, '203.0.113.5');
    first.transaction(() => linkIncident(a, first, env));
    first.close();
    const second = new SqliteStateStore(path);
    const b = create(T0 + 5 * MIN, '203.0.113.5', 'x');
    second.transaction(() => linkIncident(b, second, env));
    second.close();
    expect(b.incident).toBe(a.incident);
  });
});

describe('buildIncidents', () => {
  it('orders the timeline, takes the highest severity and adds one step for the full chain in order', () => {
    const a = conn(T0, '203.0.113.5', 'low');
    const b = cred(T0 + MIN, '203.0.113.5', 'deployer');
    const c = create(T0 + 2 * MIN, '203.0.113.5', 'deployer', 'medium');
    for (const x of [a, b, c]) x.incident = 'INC-1';
    const [inc] = buildIncidents([c, a, b]);
    expect(inc).toMatchObject({ id: 'INC-1', severity: 'critical', fullChain: true, stages: ['access', 'credential', 'creation'], sources: ['203.0.113.5'], users: ['deployer'] });
    expect(inc!.timeline.map((s) => s.alert)).toEqual([a.id, b.id, c.id]);
    expect(inc!.start).toBe(a.time);
    expect(inc!.end).toBe(c.time);
  });

  it('a chain out of order, or missing a step, is not full; alerts without an incident are left out', () => {
    const a = conn(T0 + 5 * MIN, '203.0.113.5', 'low');
    const b = cred(T0 + 6 * MIN, '203.0.113.5', 'deployer');
    const c = create(T0, '203.0.113.5', 'deployer', 'medium'); // created before the credential was used
    for (const x of [a, b, c]) x.incident = 'INC-2';
    const d = conn(T0, '198.18.0.1', 'low');
    d.incident = 'INC-3';
    const lone = conn(T0, '198.18.0.2', 'low');
    const incidents = buildIncidents([a, b, c, d, lone]);
    expect(incidents.map((i) => [i.id, i.severity, i.fullChain])).toEqual([
      ['INC-2', 'high', false],
      ['INC-3', 'low', false],
    ]);
    // A failed login names a user it tried; only credential and later steps name the user acted as.
    const tried = alert('new-source-range', 'DS0029', T0, { src: '198.18.0.1', user: 'root' });
    tried.incident = 'INC-4';
    expect(buildIncidents([tried])[0]!.users).toEqual([]);
  });

  it('knows the chain stage of every rule', () => {
    expect(['new-source-range', 'new-source-range-write', 'new-source-range-login', 'unseen-credential', 'unauthenticated-write', 'rare-container-creation', 'rare-container-exec'].map((rule) => stageOf({ rule, control: rule.startsWith('new') ? 'DS0029' : rule === 'unseen-credential' ? 'DS0002' : 'DS0015' }))).toEqual([
      'access',
      'access',
      'access',
      'credential',
      'credential',
      'creation',
      'related',
    ]);
  });
});

describe('incidents through runDetect', () => {
  const ASN = asnLookupFromRows([{ start: '203.0.113.0', end: '203.0.113.255', asn: 64666, org: 'Faraway Hosting' }]);
  const config = ConfigSchema.parse({ stateDir: join(dir, 'state'), detect: { learningPeriod: 0, outOfOrderness: '1m' } });
  const sec = (t: number) => Math.floor(t / 1000);
  const flowLog = [
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
    `2 123456789012 eni-0a1b2c3d4e5f60718 203.0.113.9 10.0.1.20 50122 6443 6 30 9000 ${sec(T0)} ${sec(T0) + 60} ACCEPT OK`,
  ];
  const audit = (t: number, verb: string, resource: string, code: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Request',
      auditID: `a-${t}`,
      stage: 'ResponseComplete',
      requestURI: `/api/v1/namespaces/shop/${resource}`,
      verb,
      user: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:authenticated'], extra: { 'authentication.kubernetes.io/credential-id': ['JTI=stolen-0001'] } },
      sourceIPs: ['203.0.113.9'],
      userAgent: 'kubectl/v1.31.0',
      objectRef: { resource, namespace: 'shop', apiVersion: 'v1', ...(extra.name ? { name: extra.name } : {}) },
      responseStatus: { metadata: {}, code },
      requestReceivedTimestamp: new Date(t).toISOString(),
      stageTimestamp: new Date(t).toISOString(),
      ...(extra.requestObject ? { requestObject: extra.requestObject } : {}),
    });
  const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'debug' }, spec: { hostPID: true, containers: [{ name: 'c', image: 'alpine:3.20', securityContext: { privileged: true } }] } };

  it('a restarted run continues the incident, escalates the connection and reports the whole chain', async () => {
    const flowFile = join(dir, 'flow.log');
    const auditFile = join(dir, 'audit.jsonl');
    writeFileSync(flowFile, flowLog.join('\n') + '\n');
    writeFileSync(auditFile, audit(T0 + 20_000, 'list', 'secrets', 200) + '\n');
    const path = join(dir, 'run.db');
    const s1 = new SqliteStateStore(path);
    const r1 = await runDetect([flowFile, auditFile], { config, store: s1, asn: ASN, deadLetter: false });
    s1.close();
    // The flow alone is an observation; the authenticated request from the same range is the first alert.
    expect(r1.alerts.map((a) => [a.rule, a.severity])).toEqual([
      ['unseen-credential', 'high'],
      ['new-source-range', 'high'],
    ]);
    expect(r1.observations.map((o) => [o.service, o.connections, o.ranges])).toEqual([['kube-apiserver', 1, 1]]);
    const id = r1.alerts[0]!.incident;
    expect(new Set(r1.alerts.map((a) => a.incident))).toEqual(new Set([id]));
    expect(r1.incidents.map((i) => [i.id, i.fullChain])).toEqual([[id, false]]);

    // The intruder goes on; a new process reads what was appended.
    appendFileSync(auditFile, audit(T0 + 90_000, 'create', 'pods', 201, { name: 'debug', requestObject: pod }) + '\n');
    const s2 = new SqliteStateStore(path);
    const r2 = await runDetect([flowFile, auditFile], { config, store: s2, asn: ASN, deadLetter: false });
    s2.close();
    expect(r2.alerts.map((a) => [a.rule, a.severity, a.incident])).toEqual([
      ['new-source-range-write', 'critical', id],
      ['rare-container-creation', 'critical', id],
    ]);
    expect(r2.alerts[0]!.evidence.firstAlert).toBe(r1.alerts[1]!.id);
    const [inc] = r2.incidents;
    expect(inc).toMatchObject({ id, severity: 'critical', fullChain: true, users: ['system:serviceaccount:ci:deployer'] });
    expect(inc!.timeline.map((s) => s.rule)).toEqual(['new-source-range', 'unseen-credential', 'new-source-range-write', 'rare-container-creation']);
  });
});
