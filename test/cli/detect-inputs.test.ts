import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { inReadingOrder } from '../../src/io/sources/rotation.js';
import { ROOT, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-detect-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Alert {
  rule: string;
  asset: string;
  time: string;
  severity: string;
}
const summary = (stdout: string) =>
  (JSON.parse(stdout) as { alerts: Alert[] }).alerts.map((a) => `${a.time} ${a.rule} ${a.asset} ${a.severity}`).sort();

describe('detect reads folders and gzip-compressed rotated logs', () => {
  it('a folder holding auth.log, auth.log.1 and auth.log.2.gz gives the alerts of the whole log', () => {
    const lines = readFileSync(join(ROOT, 'samples/logs/auth.log'), 'utf8').split(/(?<=\n)/);
    const third = Math.floor(lines.length / 3);
    const logs = join(dir, 'var-log');
    mkdirSync(logs);
    writeFileSync(join(logs, 'auth.log.2.gz'), gzipSync(lines.slice(0, third).join('')));
    writeFileSync(join(logs, 'auth.log.1'), lines.slice(third, 2 * third).join(''));
    writeFileSync(join(logs, 'auth.log'), lines.slice(2 * third).join(''));
    const config = join(ROOT, 'samples/drawbridge.yaml');

    const whole = runCli(['detect', join(ROOT, 'samples/logs/auth.log'), '--config', config, '--state-dir', join(dir, 's1'), '--format', 'json']);
    const split = runCli(['detect', logs, '--config', config, '--state-dir', join(dir, 's2'), '--format', 'json']);
    expect(split.stderr).toContain(`drawbridge: ${lines.length} records`);
    expect(split.code).toBe(whole.code);
    expect(summary(split.stdout)).toEqual(summary(whole.stdout));
    expect(summary(split.stdout).length).toBeGreaterThan(0);
  });

  it('rotated generations are read oldest first, folders in a stable order', () => {
    expect(inReadingOrder(['l/auth.log', 'l/auth.log.1', 'l/auth.log.10.gz', 'l/auth.log.2.gz', 'a/syslog', 'l/kern.log', 'l/auth.log-20250301.gz', 'l/auth.log-20250215'])).toEqual([
      'a/syslog',
      'l/auth.log-20250215',
      'l/auth.log-20250301.gz',
      'l/auth.log.10.gz',
      'l/auth.log.2.gz',
      'l/auth.log.1',
      'l/auth.log',
      'l/kern.log',
    ]);
  });

  it('a damaged .gz is one line and exit 2', () => {
    const bad = join(dir, 'bad.log.gz');
    writeFileSync(bad, gzipSync(readFileSync(join(ROOT, 'samples/logs/auth.log'))).subarray(0, 5000));
    const r = runCli(['detect', bad, '--state-dir', join(dir, 's3'), '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: not a complete gzip file`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('unrecognised log input is exit 2', () => {
  it('names the file and --input-format, and still reads the other inputs', () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'shopping list\n- eggs\n- milk\n');
    const r = runCli(['detect', notes, join(ROOT, 'samples/logs/auth.log'), '--config', join(ROOT, 'samples/drawbridge.yaml'), '--state-dir', join(dir, 's4'), '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${notes}: log format not recognised from the first lines; name it with --input-format \\(one of sshd, `));
    expect(r.stderr).not.toContain('--format)');
    expect((JSON.parse(r.stdout) as { alerts: unknown[] }).alerts.length).toBeGreaterThan(0);
  });

  it('learn says the same; an empty folder is a usage error', () => {
    const notes = join(dir, 'notes2.txt');
    writeFileSync(notes, 'not a log\n');
    const r = runCli(['learn', notes, '--state-dir', join(dir, 's5')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--input-format');
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const e = runCli(['detect', empty, '--state-dir', join(dir, 's6')]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(`${empty}: the folder holds no log files`);
  });
});
