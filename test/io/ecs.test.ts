import { describe, expect, it } from 'vitest';
import { makeAlert, makeFinding } from '../../src/model/finding.js';
import { ECS_VERSION, ecsCategories, toEcs, toEcsDocument } from '../../src/io/format/ecs.js';

const alert = makeAlert({
  rule: 'unseen-credential',
  subTechnique: 'ssh-access',
  control: 'DS0002',
  severity: 'critical',
  title: 'Login with a key never seen for ci-deploy@bastion-1',
  asset: 'ci-deploy@bastion-1',
  location: { source: '/var/log/auth.log', offset: 1234 },
  time: '2026-11-07T03:13:30.000Z',
  incident: 'INC-1',
  evidence: { src: '185.225.74.61', srcPort: 50122, user: 'ci-deploy', host: 'bastion-1', port: 22, asn: 64500, asOrg: 'Example AS', credential: 'SHA256:abc' },
  remediation: 'Verify the key with its owner.',
  explanation: 'A key never seen before logged in.',
});

describe('toEcsDocument', () => {
  it('maps an alert onto ECS 8.x fields and keeps the rest under drawbridge.*', () => {
    const d = toEcsDocument(alert, 0);
    expect(d).toMatchObject({
      '@timestamp': '2026-11-07T03:13:30.000Z',
      ecs: { version: ECS_VERSION },
      message: alert.title,
      event: { kind: 'alert', category: ['authentication', 'intrusion_detection'], type: ['info'], severity: 5, risk_score: 99, id: alert.id, dataset: 'drawbridge.alert' },
      rule: { id: 'unseen-credential', name: 'unseen-credential', description: 'A key never seen before logged in.', category: 'SSH Access', ruleset: 'drawbridge' },
      threat: {
        framework: 'Application Attack Matrix',
        tactic: { name: ['Gain Access'] },
        technique: { id: ['AT-GA003'], name: ['External Remote Services'], subtechnique: { id: ['ssh-access'], name: ['SSH Access'] } },
      },
      source: { ip: '185.225.74.61', port: 50122, as: { number: 64500, organization: { name: 'Example AS' } } },
      user: { name: 'ci-deploy' },
      destination: { address: 'bastion-1', port: 22 },
      log: { file: { path: '/var/log/auth.log' }, offset: 1234 },
      drawbridge: { asset: 'ci-deploy@bastion-1', severity: 'critical', control: 'DS0002', incident: 'INC-1', evidence: { credential: 'SHA256:abc' } },
    });
    // No field holds undefined: the document is exactly what JSON carries.
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('leaves source.* out when the evidence has no IP literal, and stamps findings with the render time', () => {
    const f = makeFinding({
      rule: 'sshd-password-auth',
      subTechnique: 'ssh-access',
      control: 'M1026',
      severity: 'high',
      title: 'Password authentication is enabled',
      asset: 'sshd',
      location: { file: '/etc/ssh/sshd_config', line: 7 },
      evidence: { src: 'not-an-ip' },
      remediation: 'PasswordAuthentication no',
    });
    const d = toEcsDocument(f, Date.UTC(2026, 0, 1));
    expect(d['@timestamp']).toBe('2026-01-01T00:00:00.000Z');
    expect(d.source).toBeUndefined();
    expect(d.log).toBeUndefined();
    expect(d.event).toMatchObject({ category: ['configuration', 'intrusion_detection'], dataset: 'drawbridge.finding', risk_score: 73 });
  });

  it('uses only ECS allowed event.category values', () => {
    const allowed = new Set(['api', 'authentication', 'configuration', 'database', 'driver', 'file', 'host', 'iam', 'intrusion_detection', 'library', 'malware', 'network', 'package', 'process', 'registry', 'session', 'threat', 'vulnerability', 'web']);
    for (const c of ['DS0002', 'DS0029', 'DS0015', 'M1037', 'M1026', 'M1050'] as const) for (const v of ecsCategories(c)) expect(allowed.has(v)).toBe(true);
  });

  it('writes one document per line', () => {
    expect(toEcs([alert, alert], 0).split('\n')).toHaveLength(3);
    expect(toEcs([], 0)).toBe('');
  });
});
