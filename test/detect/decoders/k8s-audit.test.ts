import { describe, expect, it } from 'vitest';
import { k8sAuditDecoder } from '../../../src/detect/decoders/k8s-audit.js';
import { bare, decodeText, fixture } from './helpers.js';

describe('k8s-audit decoder', () => {
  it('decodes Event lines: final stage only, credential id, privileged bits, exec, impersonation', () => {
    const r = decodeText(k8sAuditDecoder, fixture('k8s-audit/k8s-audit.jsonl'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      {
        kind: 'api', service: 'kubernetes', time: 1741079702481, actor: 'system:serviceaccount:ci:deployer', src: '203.0.113.9', verb: 'create', resource: 'pods',
        credential: 'JTI=0f8a2c1e-1111-2222-3333-444455556666', groups: ['system:serviceaccounts', 'system:authenticated'], namespace: 'default', name: 'debug', status: 201,
        userAgent: 'kubectl/v1.31.0', objectKind: 'Pod', privileged: ['hostPID', 'hostNetwork', 'privileged', 'cap:SYS_ADMIN', 'hostPath:/'],
      },
      {
        kind: 'api', service: 'kubernetes', time: 1741079760000, actor: 'alice', src: '192.0.2.10', verb: 'create', resource: 'deployments',
        credential: 'X509SHA256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', groups: ['devs', 'system:authenticated'], namespace: 'ops', name: 'agent', status: 201,
        userAgent: 'kubectl/v1.31.0', objectKind: 'Deployment', privileged: ['allowPrivilegeEscalation', 'hostPath:/var/run/docker.sock'],
      },
      {
        kind: 'api', service: 'kubernetes', time: 1741079820000, actor: 'system:admin', impersonatedUser: 'bob', src: '198.51.100.7', verb: 'create', resource: 'pods', subresource: 'exec',
        groups: ['system:masters', 'system:authenticated'], namespace: 'default', name: 'web-0', status: 101, userAgent: 'kubectl/v1.31.0',
      },
      { kind: 'api', service: 'kubernetes', time: 1741079880000, actor: 'system:anonymous', src: '203.0.113.50', verb: 'get', resource: '/healthz', groups: ['system:unauthenticated'], status: 200 },
      // Only RequestReceived was seen for this request: emitted at end of stream, with its own position.
      { kind: 'api', service: 'kubernetes', time: 1741079940000, actor: 'carol', src: '192.0.2.20', verb: 'watch', resource: 'pods', groups: ['system:authenticated'], namespace: 'default' },
    ]);
    expect(r.events.map((e) => e.ref.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('leaves privileged bits unknown at Metadata level and empty for a plain pod', () => {
    const base = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', stage: 'ResponseComplete', verb: 'create', user: { username: 'u' }, sourceIPs: ['192.0.2.1'], objectRef: { resource: 'pods' }, requestReceivedTimestamp: '2025-03-04T09:15:02Z' };
    const plain = { ...base, auditID: 'b', requestObject: { kind: 'Pod', spec: { containers: [{ name: 'c', image: 'nginx' }] } } };
    const r = decodeText(k8sAuditDecoder, `${JSON.stringify({ ...base, auditID: 'a' })}\n${JSON.stringify(plain)}\n`);
    expect(r.events.map((e) => (e.kind === 'api' ? e.privileged : 'x'))).toEqual([undefined, []]);
  });

  it('decodes a pretty-printed EventList', () => {
    const r = decodeText(k8sAuditDecoder, fixture('k8s-audit/k8s-audit.eventlist.json'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'api', service: 'kubernetes', time: 1741080000000, actor: 'system:serviceaccount:kube-system:default', src: '203.0.113.77', verb: 'list', resource: 'secrets', groups: ['system:serviceaccounts'], namespace: 'kube-system', status: 403 },
    ]);
  });

  it('unwraps EKS CloudWatch messages, AKS diagnostic records and GKE Cloud Audit Logs', () => {
    const r = decodeText(k8sAuditDecoder, fixture('k8s-audit/k8s-audit.wrapped.jsonl'));
    expect(r.rejections).toEqual([]);
    expect(bare(r.events)).toEqual([
      { kind: 'api', service: 'kubernetes', time: 1741080060000, actor: 'arn:aws:sts::123456789012:assumed-role/Admin/eve', src: '198.51.100.23', verb: 'create', resource: 'pods', credential: 'AccessKeyId=ASIAEXAMPLEKEY000001', namespace: 'default', status: 201 },
      { kind: 'api', service: 'kubernetes', time: 1741080120000, actor: 'dave', src: '192.0.2.30', verb: 'create', resource: 'pods', subresource: 'attach', namespace: 'default', name: 'web-0', status: 101, observer: 'PROD-AKS' },
      { kind: 'api', service: 'kubernetes', time: 1741080180000, actor: 'mallory@example.com', src: '203.0.113.99', verb: 'create', resource: 'pods', namespace: 'default', name: 'miner', status: 200, userAgent: 'kubectl/v1.30.2', observer: 'prod-gke', objectKind: 'Pod', privileged: ['hostIPC'] },
    ]);
  });

  it('emits a held early-stage event once when too many are held, and never again', () => {
    const line = (i: number): string => JSON.stringify({ kind: 'Event', auditID: `id${i}`, stage: 'RequestReceived', verb: 'get', user: { username: 'u' }, sourceIPs: ['192.0.2.1'], requestURI: '/version', requestReceivedTimestamp: '2025-03-04T09:15:02Z' });
    const n = 4097;
    const r = decodeText(k8sAuditDecoder, Array.from({ length: n }, (_, i) => line(i)).join('\n'));
    expect(r.events).toHaveLength(n);
    // The oldest is evicted when the 4097th arrives; it keeps its own position.
    expect(r.events[0]?.ref.line).toBe(1);
    expect(new Set(r.events.map((e) => e.ref.line)).size).toBe(n);
  });

  it('rejects what is not an audit record, with a reason', () => {
    const text = ['{"kind":"Pod"}', '{"kind":"Event","verb":"get","sourceIPs":["192.0.2.1"]}', '{"kind":"Event","verb":"get","sourceIPs":["evil"],"requestReceivedTimestamp":"2025-03-04T09:15:02Z"}', '{"message":"not json"}', 'plain text'].join('\n');
    const r = decodeText(k8sAuditDecoder, text);
    expect(r.events).toEqual([]);
    expect(r.rejections.map((x) => x.reason)).toEqual([
      'not a Kubernetes audit record (kind "Pod")',
      'Event has no RFC 3339 requestReceivedTimestamp/stageTimestamp',
      'sourceIPs[0] "evil" is not an IP address',
      expect.stringMatching(/^message is not JSON/) as unknown as string,
      'not JSON: "plain text"',
    ]);
  });
});
