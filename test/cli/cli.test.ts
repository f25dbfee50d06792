import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.js';


const run = runCli;

const CONTRACT_KEYS = ['id', 'rule', 'technique', 'subTechnique', 'control', 'severity', 'title', 'asset', 'location', 'evidence', 'remediation'];

describe('drawbridge CLI', () => {
  it('audit --format json prints {"findings":[...]} with the contract keys and exits 1 on high findings', () => {
    const r = run(['audit', 'samples/sshd/sshd_config', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    expect(out.findings.length).toBeGreaterThan(0);
    for (const f of out.findings) for (const k of CONTRACT_KEYS) expect(f).toHaveProperty(k);
    const rules = out.findings.map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['sshd-password-auth', 'sshd-root-login', 'sshd-empty-passwords']));
    const pw = out.findings.find((f) => f.rule === 'sshd-password-auth')!;
    expect(pw).toMatchObject({ technique: 'AT-GA003', subTechnique: 'ssh-access', control: 'M1026', location: { file: 'samples/sshd/sshd_config', line: 7 } });
  });

  it('a hardened config exits 0 and --fail-on info turns its info findings into exit 1', () => {
    expect(run(['audit', 'samples/sshd/sshd_config.hardened', '--format', 'json']).code).toBe(0);
    const gated = run(['audit', 'samples/sshd/sshd_config', '--format', 'json', '--fail-on', 'critical']);
    expect(gated.code).toBe(1); // PermitEmptyPasswords with passwords reachable is critical
  });

  it('jsonl prints one finding a line; sarif is SARIF 2.1.0', () => {
    const j = run(['audit', 'samples/sshd/sshd_config', '--format', 'jsonl']);
    const lines = j.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect((JSON.parse(l) as { technique: string }).technique).toBe('AT-GA003');
    const s = JSON.parse(run(['audit', 'samples/sshd', '--format', 'sarif']).stdout) as { version: string; runs: { results: unknown[] }[] };
    expect(s.version).toBe('2.1.0');
    expect(s.runs[0]!.results.length).toBe(lines.length);
  });

  it('audit reads standard input for -', () => {
    const r = run(['audit', '-', '--format', 'json'], { input: 'PermitRootLogin yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n' });
    const out = JSON.parse(r.stdout) as { findings: { rule: string }[] };
    expect(out.findings.map((f) => f.rule)).toContain('sshd-root-login');
    expect(out.findings.map((f) => f.rule)).not.toContain('sshd-password-auth');
  });

  it('exit 2 with a message naming the file for unreadable input, bad flags and bad config', () => {
    const missing = run(['audit', 'no/such/file']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/file');
    const badFormat = run(['audit', 'samples/sshd', '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format');
    const dir = mkdtempSync(join(tmpdir(), 'drb-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), 'detect:\n  learningPeriod: forever\n');
    const badConfig = run(['audit', join(ROOT, 'samples/sshd'), '--config', join(dir, 'bad.yaml')]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/bad\.yaml:2: detect\.learningPeriod: expected a duration/);
    const noDetect = run(['detect', 'no/such.log']);
    expect(noDetect.code).toBe(2);
    expect(noDetect.stderr).toContain('no/such.log');
  });

  it('detect over the bundled log prints {"alerts":[...]} with the planted intrusion, on SQLite state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-cli-'));
    const r = run(['detect', join(ROOT, 'samples/logs/auth.log'), '--config', join(ROOT, 'samples/drawbridge.yaml'), '--state-dir', join(dir, 'state'), '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { alerts: Record<string, unknown>[] };
    for (const a of out.alerts) for (const k of CONTRACT_KEYS) expect(a).toHaveProperty(k);
    const unseen = out.alerts.filter((a) => a.rule === 'unseen-credential');
    expect(unseen).toHaveLength(1);
    expect(unseen[0]).toMatchObject({ control: 'DS0002', asset: 'ci-deploy@bastion-1' });
    expect((unseen[0]!.evidence as Record<string, unknown>).src ?? JSON.stringify(unseen[0]!.evidence)).toContain('185.225.74.61');
    expect((unseen[0]!.location as { time: string }).time).toBe('2026-11-07T03:13:30.000Z');
    expect(existsSync(join(dir, 'state', 'state.db'))).toBe(true);
    // A second run resumes from the stored offsets: nothing new, nothing repeated.
    const again = run(['detect', join(ROOT, 'samples/logs/auth.log'), '--config', join(ROOT, 'samples/drawbridge.yaml'), '--state-dir', join(dir, 'state'), '--format', 'json'], { cwd: dir });
    expect((JSON.parse(again.stdout) as { alerts: unknown[] }).alerts).toEqual([]);
    expect(again.code).toBe(0);
  });

  it('init writes a config that the other commands accept, and refuses to overwrite it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-cli-'));
    expect(run(['init'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'drawbridge.yaml'), 'utf8')).toContain('store: sqlite');
    expect(run(['init'], { cwd: dir }).code).toBe(2);
    const r = run(['audit', join(ROOT, 'samples/sshd/sshd_config.hardened'), '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
  });

  it('--help lists the lenses and exits 0; an unknown command exits 2', () => {
    const h = run(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['audit', 'probe', 'detect', 'init', 'emulate', 'evaluate']) expect(h.stdout).toContain(c);
    expect(run(['frobnicate']).code).toBe(2);
  });
});

describe('drawbridge audit --advisories', () => {
  it("matches the user's own OSV records against image versions, and names a bad advisory folder", () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-osv-'));
    const osv = {
      schema_version: '1.3.1',
      id: 'GO-2099-4242',
      modified: '2099-01-02T00:00:00Z',
      summary: 'In-house advisory for Grafana builds',
      affected: [{ package: { name: 'github.com/grafana/grafana', ecosystem: 'Go' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '99.0.0' }] }] }],
    };
    writeFileSync(join(dir, 'GO-2099-4242.json'), JSON.stringify(osv));
    const manifest = join(dir, 'grafana.yaml');
    writeFileSync(
      manifest,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: grafana\nspec:\n  selector:\n    matchLabels: {app: grafana}\n  template:\n    metadata:\n      labels: {app: grafana}\n    spec:\n      containers:\n        - name: grafana\n          image: grafana/grafana:98.1.0\n',
    );
    const without = JSON.parse(run(['audit', manifest, '--format', 'json']).stdout) as { findings: { rule: string }[] };
    expect(without.findings.filter((f) => f.rule === 'k8s-vulnerable-image')).toEqual([]);
    const withUser = JSON.parse(run(['audit', manifest, '--format', 'json', '--advisories', dir]).stdout) as { findings: { rule: string; control: string; location: { line: number }; evidence: unknown }[] };
    const hit = withUser.findings.find((f) => f.rule === 'k8s-vulnerable-image');
    expect(hit).toBeDefined();
    expect(hit!.control).toBe('M1050');
    expect(hit!.location.line).toBe(14);
    expect(JSON.stringify(hit!.evidence)).toContain('GO-2099-4242');
    const bad = run(['audit', manifest, '--advisories', join(dir, 'nope')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('nope: no such folder');
  });
});

describe('drawbridge demo', () => {
  it('audits the bundled configs and finds the planted intrusion as one incident, leaving no state behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drb-demo-'));
    const r = run(['demo'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sshd-password-auth');
    expect(r.stdout).toMatch(/unseen-credential[\s\S]*ci-deploy@bastion-1/);
    expect(r.stdout).toMatch(/incident INC-[0-9a-f]{16} \(high\): Activity from 185\.225\.74\.61 as ci-deploy: access → credential/);
    // Scanners are no alerts: one digest line per service and day instead.
    expect(r.stdout).toMatch(/Observations \(first-seen sources that did nothing else; not alerts\):\n {2}\d{4}-\d\d-\d\d ssh: \d+ events \(\d+ connections, \d+ failed logins\) from \d+ new ranges/);
    expect(r.stdout.slice(r.stdout.indexOf('== drawbridge detect'))).not.toMatch(/^LOW /m);
    expect(existsSync(join(dir, '.drawbridge'))).toBe(false);
  });
});
