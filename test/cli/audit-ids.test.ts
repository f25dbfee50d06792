import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Out {
  findings: { id: string; rule: string; location: { file: string } }[];
}
const ids = (stdout: string) => (JSON.parse(stdout) as Out).findings.map((f) => `${f.rule} ${f.id}`).sort();

describe('finding ids and SARIF URIs do not depend on how the path is spelled', () => {
  // A repository with the config in deploy/bastion/.
  const repo = join(dir, 'repo');
  const folder = join(repo, 'deploy', 'bastion');
  mkdirSync(folder, { recursive: true });
  copyFileSync(join(ROOT, 'samples/sshd/sshd_config'), join(folder, 'sshd_config'));
  execFileSync('git', ['init', '-q', repo]);

  it('relative, absolute, from another folder, the file or its folder: the same ids', () => {
    const a = runCli(['audit', 'deploy/bastion/sshd_config', '--format', 'json'], { cwd: repo });
    const b = runCli(['audit', join(folder, 'sshd_config'), '--format', 'json'], { cwd: dir });
    const c = runCli(['audit', '.', '--format', 'json'], { cwd: folder });
    expect(a.code).toBe(1);
    expect(ids(a.stdout).length).toBeGreaterThan(2);
    expect(ids(b.stdout)).toEqual(ids(a.stdout));
    expect(ids(c.stdout)).toEqual(ids(a.stdout));
    // What is printed keeps the user's spelling.
    expect((JSON.parse(b.stdout) as Out).findings[0]!.location.file).toBe(join(folder, 'sshd_config'));
  });

  it('an ignore entry by id written from one folder still matches from another', () => {
    const first = (JSON.parse(runCli(['audit', 'deploy/bastion/sshd_config', '--format', 'json'], { cwd: repo }).stdout) as Out).findings.find((f) => f.rule === 'sshd-root-login')!;
    const ignore = join(dir, 'ignore.yaml');
    writeFileSync(ignore, `- id: ${first.id}\n  reason: lab bastion\n  expires: 2999-12-31\n`);
    const r = runCli(['audit', '.', '--format', 'json', '--ignore-file', ignore], { cwd: folder });
    const out = JSON.parse(r.stdout) as Out & { suppressed: { id: string }[] };
    expect(out.suppressed.map((s) => s.id)).toEqual([first.id]);
    expect(out.findings.map((f) => f.rule)).not.toContain('sshd-root-login');
  });

  it('SARIF URIs are relative to the repository root under a uriBaseId', () => {
    const uris = (cwd: string, path: string) => {
      const s = JSON.parse(runCli(['audit', path, '--format', 'sarif'], { cwd }).stdout) as {
        runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[] }[] }[];
      };
      return { base: s.runs[0]!.originalUriBaseIds, locs: [...new Set(s.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation))] };
    };
    const fromRepo = uris(repo, 'deploy');
    const fromElsewhere = uris(dir, join(folder, 'sshd_config'));
    expect(fromRepo.locs[0]).toEqual({ uri: 'deploy/bastion/sshd_config', uriBaseId: 'SRCROOT' });
    expect(fromElsewhere.locs).toEqual(fromRepo.locs);
    expect(fromRepo.base.SRCROOT!.uri).toBe(`file://${repo}/`);
  });
});
