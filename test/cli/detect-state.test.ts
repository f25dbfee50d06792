/** The state folder as a user meets it: resuming, reading again, one process at a time, owner-only files. */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../io/sources/helpers.js';
import { DAY, T0, fileText, intrusion, normalDay } from '../detect/live-fixtures.js';
import { runCli, startCli } from './cli-process.js';

const HOUR = 3_600_000;
/** Generous: the CLI child loads TypeScript on the fly and the machine may be busy. */
const WAIT = 60_000;

let dir: string;
let config: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drb-detect-state-'));
  config = join(dir, 'drawbridge.yaml');
  writeFileSync(config, 'organisation:\n  asns: [64500]\n  allowedRanges: [192.0.2.0/24]\ndetect:\n  learningPeriod: 1d\n  outOfOrderness: 1s\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

describe('detect and its state folder', () => {
  it('state is owner-only; a re-run says the file was already read; --from-start reads it again', async () => {
    const log = join(dir, 'auth.log');
    // The last line has an impossible date: rejected, so the dead-letter file is created too.
    const text = fileText([...normalDay(0), ...normalDay(1), ...intrusion(T0 + 2 * DAY + HOUR)]) + '2025-13-45T10:00:00+00:00 web1 sshd[1]: Accepted password for x from 192.0.2.1 port 1 ssh2\n';
    writeFileSync(log, text);
    const state = join(dir, 'state');
    const args = ['detect', log, '--config', config, '--state-dir', state, '--format', 'json'];

    const first = await runCli(args, dir);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain('15 records');
    expect(first.stderr).not.toContain('already read');
    expect(mode(state)).toBe('700');
    for (const f of ['state.db', 'dead-letter.jsonl']) expect(mode(join(state, f)), f).toBe('600');
    // The lock is gone once the run ends.
    expect(existsSync(join(state, 'drawbridge.lock'))).toBe(false);

    const again = await runCli(args, dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('0 records');
    expect(again.stderr).toContain(`drawbridge: ${log}: already read up to offset ${Buffer.byteLength(text)}; --from-start to read again\n`);

    const fromStart = await runCli([...args, '--from-start'], dir);
    expect(fromStart.stderr).toContain('15 records');
    expect(fromStart.stderr).not.toContain('already read');
  }, 4 * WAIT);

  it('a second run on a state folder in use exits 2 with one line naming the folder and the pid; a dead holder’s lock is taken over', async () => {
    const log = join(dir, 'auth.log');
    writeFileSync(log, fileText([...normalDay(0), ...normalDay(1)]));
    const state = join(dir, 'state');
    const follower = startCli(['detect', log, '--follow', '--config', config, '--state-dir', state], dir);
    try {
      await eventually(() => existsSync(join(state, 'drawbridge.lock')), 'the follower holding the state folder', WAIT);
      const second = await runCli(['detect', log, '--config', config, '--state-dir', state], dir);
      expect(second.code).toBe(2);
      expect(second.stderr).toBe(`drawbridge: error DRB-E-STATE-IN-USE: state folder ${state} is in use by pid ${follower.child.pid}\n`);
    } finally {
      follower.child.kill('SIGKILL');
      await follower.exit;
    }
    // Killed: its lock stays behind, naming a process that no longer exists; the next run takes it over.
    expect(existsSync(join(state, 'drawbridge.lock'))).toBe(true);
    const after = await runCli(['detect', log, '--config', config, '--state-dir', state], dir);
    expect(after.code, after.stderr).toBe(0);
    expect(existsSync(join(state, 'drawbridge.lock'))).toBe(false);
  }, 4 * WAIT);
});
