import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliClosedStdout } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One line on stderr, no stack frame, exit 2. */
function expectOneLine(r: { code: number | null; stderr: string }, ...mentions: string[]): void {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  for (const m of mentions) expect(r.stderr).toContain(m);
}

// Port 1 on loopback: nothing listens there, the connection is refused at once.
const DEAD_REDIS = 'redis://127.0.0.1:1';

describe('expected failures are one line with exit 2', () => {
  it('detect and baseline list with an unreachable Redis name the store and what to do', () => {
    const state = join(dir, 'state');
    expectOneLine(runCli(['detect', 'samples/logs/auth.log', '--store', DEAD_REDIS, '--state-dir', state, '--format', 'json']), DEAD_REDIS, '--store');
    expectOneLine(runCli(['baseline', 'list', '--store', DEAD_REDIS, '--format', 'json']), DEAD_REDIS, '--store');
  });

  it('baseline export into a missing folder names the path', () => {
    const target = join(dir, 'no-such-folder', 'baseline.jsonl');
    expectOneLine(runCli(['baseline', 'export', target, '--state-dir', join(dir, 'state')]), target, 'no such file or folder');
  });
});

describe('a reader that closes the pipe ends the run quietly', () => {
  for (const args of [['--help'], ['audit', 'samples/sshd', '--format', 'json'], ['baseline', 'list', '--format', 'json', '--state-dir', join(dir, 'empty')]]) {
    it(`drawbridge ${args.join(' ')} | head`, async () => {
      const r = await runCliClosedStdout(args);
      // Nothing but a folder audit's closing count: no EPIPE, no stack trace.
      expect(r.stderr.replace(/^drawbridge: read \d+ file\(s\);.*\n/m, '')).toBe('');
      expect(r.code === 0 || r.code === 1).toBe(true);
    });
  }
});

describe('usage errors are one line and a hint, not the whole help', () => {
  it('an unknown flag suggests the closest one and the command help', () => {
    const r = runCli(['audit', 'samples/sshd', '--formt', 'json']);
    expectOneLine(r, "unknown option '--formt'", 'did you mean --format?', 'see drawbridge audit --help');
    expect(r.stdout).toBe('');
  });

  it('a nested command names itself in the hint; an unknown command points at the top help', () => {
    expectOneLine(runCli(['baseline', 'list', '--bogus']), "'--bogus'", 'see drawbridge baseline list --help');
    expectOneLine(runCli(['audt', 'x']), 'did you mean audit?', 'see drawbridge --help');
  });
});

describe('thresholds are checked before anything runs', () => {
  it('evaluate --min-recall 2 is refused: recall is a proportion', () => {
    const r = runCli(['evaluate', dir, '--min-recall', '2']);
    expectOneLine(r, '--min-recall', 'from 0 to 1');
    expect(runCli(['evaluate', dir, '--min-precision', '-0.1']).stderr).toContain('--min-precision: expected a number from 0 to 1');
  });
});
