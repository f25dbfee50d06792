import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run-cli.js';
import { afterAll, describe, expect, it } from 'vitest';


const run = (args: string[]) => runCli(args, { timeout: 300_000 });

const tmp = mkdtempSync(join(tmpdir(), 'drawbridge-emulate-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('drawbridge emulate and evaluate', () => {
  const dir = join(tmp, 'month');

  it('emulate writes the realistic profile by default, with its benign events', () => {
    const r = run(['emulate', '--out', dir, '--seed', '3', '--scale', '0.01', '--history-days', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/realistic profile, seed 3, learning period 3d/);
    expect(r.stdout).toMatch(/5 benign new events/);
    const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as { profile: string; scale: number; days: number };
    expect(labels).toMatchObject({ profile: 'realistic', scale: 0.01, days: 10 });
  }, 300_000);

  it('evaluate --format json and the --json alias print the same report; the table shows live days', () => {
    const json = run(['evaluate', dir, '--format', 'json']);
    const alias = run(['evaluate', dir, '--json']);
    expect(alias.stdout).toBe(json.stdout);
    const report = JSON.parse(json.stdout) as { days: unknown[]; procedures: { id: string }[]; benign: unknown[] };
    expect(report.days).toHaveLength(7);
    expect(report.procedures.map((p) => p.id)).toContain('ci-first-privileged-pod');
    expect(report.benign).toHaveLength(5);
    const table = run(['evaluate', dir]);
    expect(table.stdout).toMatch(/^live day\s+alerts\s+critical\s+high\s+medium\s+low\s+false highs$/m);
    expect(table.stdout).toMatch(/^benign new events/m);
  }, 600_000);

  it('rejects an unknown profile, format or scale, naming the flag; --json stays out of the help', () => {
    expect(run(['emulate', '--out', join(tmp, 'x'), '--profile', 'huge']).stderr).toMatch(/--profile: expected basic or realistic/);
    expect(run(['evaluate', dir, '--format', 'xml']).stderr).toMatch(/--format: expected table or json/);
    expect(run(['emulate', '--out', join(tmp, 'y'), '--scale', '0']).stderr).toMatch(/--scale: expected a number above 0/);
    const help = run(['evaluate', '--help']).stdout;
    expect(help).toMatch(/--format/);
    expect(help).not.toMatch(/--json/);
  }, 300_000);
});
