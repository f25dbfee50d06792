import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import AjvModule from 'ajv-draft-04';
import { makeAlert, makeFinding, type Finding } from '../../src/model/finding.js';
import { toSarif } from '../../src/io/format/sarif.js';
import { toOcsfRecord } from '../../src/io/format/ocsf.js';
import { toJson, toJsonl } from '../../src/io/format/json.js';
import { toTable } from '../../src/io/format/table.js';
import { parseFormat } from '../../src/io/format/index.js';

const require = createRequire(import.meta.url);
// The official SARIF 2.1.0 JSON schema, as shipped by Microsoft's SARIF test matchers.
const sarifSchema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

const fileFinding = makeFinding({
  rule: 'sshd-password-auth',
  subTechnique: 'ssh-access',
  control: 'M1026',
  severity: 'high',
  title: 'Password authentication is enabled',
  asset: 'sshd:/etc/ssh/sshd_config',
  location: { file: '/repo/etc/ssh/sshd_config', line: 7 },
  evidence: { keyword: 'PasswordAuthentication', value: 'yes' },
  remediation: 'PasswordAuthentication no',
});
const defaultFinding = makeFinding({
  rule: 'sshd-no-user-ca',
  subTechnique: 'ssh-access',
  control: 'M1026',
  severity: 'info',
  title: 'No user certificate authority',
  asset: 'sshd:/repo/etc/ssh/sshd_config',
  location: { file: '/repo/etc/ssh/sshd_config', line: 0 },
  evidence: { default: true },
  remediation: 'TrustedUserCAKeys /etc/ssh/user_ca.pub',
});
const hostFinding = makeFinding({
  rule: 'ssh-password-offered',
  subTechnique: 'ssh-access',
  control: 'M1026',
  severity: 'high',
  title: 'SSH server offers password authentication',
  asset: '127.0.0.1:2222',
  location: { host: '127.0.0.1', port: 2222 },
  evidence: { methods: ['publickey', 'password'] },
  remediation: 'PasswordAuthentication no',
});
const alert = makeAlert({
  rule: 'unseen-credential',
  subTechnique: 'ssh-access',
  control: 'DS0002',
  severity: 'critical',
  title: 'Login with a key never seen for ci-deploy@bastion-1',
  asset: 'ci-deploy@bastion-1',
  location: { source: 'auth.log', offset: 1234, time: '2026-11-07T03:13:30.000Z' },
  time: '2026-11-07T03:13:30.000Z',
  evidence: { src: '185.225.74.61' },
  remediation: 'Verify the key with its owner.',
});

const REQUIRED_KEYS = ['id', 'rule', 'technique', 'subTechnique', 'control', 'severity', 'title', 'asset', 'location', 'evidence', 'remediation'];

describe('ids', () => {
  it('are deterministic and depend on rule, asset and location', () => {
    const again = makeFinding({ ...fileFinding, key: undefined });
    expect(again.id).toBe(fileFinding.id);
    const moved = makeFinding({ ...fileFinding, location: { file: '/repo/etc/ssh/sshd_config', line: 8 } });
    expect(moved.id).not.toBe(fileFinding.id);
    expect(fileFinding.id).toMatch(/^DRB-[0-9a-f]{16}$/);
    expect(alert.id).toMatch(/^DRA-[0-9a-f]{16}$/);
  });
});

describe('JSON contract', () => {
  it('audit/probe print {"findings": [...]}, detect prints {"alerts": [...]}, each with every contract key', () => {
    const f = JSON.parse(toJson('audit', [fileFinding])) as { findings: Finding[] };
    expect(Object.keys(f)).toEqual(['findings']);
    for (const k of REQUIRED_KEYS) expect(f.findings[0]).toHaveProperty(k);
    expect(f.findings[0]!.technique).toBe('AT-GA003');
    const a = JSON.parse(toJson('detect', [alert])) as { alerts: Finding[] };
    expect(a.alerts[0]!.location).toEqual({ source: 'auth.log', offset: 1234, time: '2026-11-07T03:13:30.000Z' });
  });

  it('jsonl prints one object a line', () => {
    const lines = toJsonl([fileFinding, hostFinding]).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect((JSON.parse(lines[1]!) as Finding).location).toEqual({ host: '127.0.0.1', port: 2222 });
    expect(toJsonl([])).toBe('');
  });
});

describe('SARIF 2.1.0', () => {
  const validate = new AjvModule.default({ strict: false, allErrors: true, unicodeRegExp: false }).compile(sarifSchema);

  it('validates against the official schema, with rule metadata and regions', () => {
    const log = JSON.parse(toSarif([fileFinding, defaultFinding, hostFinding], { version: '0.1.0', baseDir: '/repo' })) as {
      runs: { tool: { driver: { rules: { id: string; properties: Record<string, unknown> }[] } }; results: Record<string, unknown>[] }[];
    };
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['sshd-password-auth', 'sshd-no-user-ca', 'ssh-password-offered']);
    expect(run.tool.driver.rules[0]!.properties['security-severity']).toBe('8.0');
    expect(run.results[0]).toMatchObject({
      ruleId: 'sshd-password-auth',
      ruleIndex: 0,
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'etc/ssh/sshd_config' }, region: { startLine: 7 } } }],
      partialFingerprints: { 'drawbridge/v1': fileFinding.id },
    });
    // A finding caused by a default has no line: no region rather than an invalid line 0.
    expect((run.results[1] as { locations: { physicalLocation: Record<string, unknown> }[] }).locations[0]!.physicalLocation).not.toHaveProperty('region');
    expect(run.results[1]).toMatchObject({ level: 'note' });
  });

  it('is a valid empty log when there is nothing to report', () => {
    expect(validate(JSON.parse(toSarif([], { version: '0.1.0', baseDir: '/' })))).toBe(true);
  });
});

describe('OCSF Detection Finding', () => {
  it('maps the alert onto class 2004 with severity, time, attacks and evidence', () => {
    const r = toOcsfRecord(alert, '0.1.0', 0);
    expect(r).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200401,
      severity_id: 5,
      time: Date.parse('2026-11-07T03:13:30.000Z'),
      finding_info: {
        uid: alert.id,
        analytic: { uid: 'unseen-credential', type_id: 1 },
        attacks: [{ technique: { uid: 'AT-GA003' }, sub_technique: { uid: 'ssh-access' } }],
      },
    });
    expect((r.evidences as { data: Record<string, unknown> }[])[0]!.data.src).toBe('185.225.74.61');
  });
});

describe('table', () => {
  it('honours colour choice and summarises by severity', () => {
    const plain = toTable([alert, fileFinding], { colour: false });
    expect(plain).not.toMatch(/\x1b\[/);
    expect(plain).toContain('CRITICAL');
    expect(plain).toContain('2 total: 1 critical, 1 high');
    expect(toTable([alert], { colour: true })).toMatch(/\x1b\[1;31mCRITICAL/);
    expect(toTable([], { colour: false })).toBe('No findings.\n');
  });

  it('unknown formats are a usage error naming the flag', () => {
    expect(() => parseFormat('xml')).toThrow(/--format: unknown format "xml"/);
  });
});
