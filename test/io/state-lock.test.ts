import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import { ProbeHistory } from '../../src/probe/history.js';
import { appendStateFile } from '../../src/io/state-files.js';
import { LOCK_FILE, lockStateDir, StateFolderBusy } from '../../src/io/state-lock.js';
import { tempDir } from './sources/helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('state-lock'));
});
afterEach(() => cleanup());

const mode = (p: string): number => statSync(p).mode & 0o777;

describe('state folder lock', () => {
  it('is taken by one process at a time, names the holder, and is released', () => {
    const state = join(dir, 'state');
    const lock = lockStateDir(state);
    expect(readFileSync(join(state, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(existsSync(join(state, LOCK_FILE))).toBe(false);

    // Held by a process that certainly exists and is not this one: our parent.
    writeFileSync(join(state, LOCK_FILE), `${process.ppid}\n`);
    expect(() => lockStateDir(state)).toThrow(new StateFolderBusy(state, process.ppid));
    expect(() => lockStateDir(state)).toThrow(`state folder ${state} is in use by pid ${process.ppid}`);
  });

  it('a lock left by a process that no longer exists is taken over', () => {
    const state = join(dir, 'state');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    lockStateDir(state).release();
    writeFileSync(join(state, LOCK_FILE), `${deadPid}\n`);
    const lock = lockStateDir(state);
    expect(readFileSync(join(state, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });
});

describe('state files', () => {
  it('the folder is 0700 and the store, its WAL, the probe history and the dead letter 0600', () => {
    const state = join(dir, 'state');
    const store = new SqliteStateStore(join(state, 'state.db'));
    store.transaction(() => store.seen('ns', 'k', 1));
    const history = new ProbeHistory(join(state, 'probe.db'));
    history.close();
    appendStateFile(join(state, 'dead-letter.jsonl'), '{}\n');
    expect(mode(state)).toBe(0o700);
    for (const f of ['state.db', 'state.db-wal', 'probe.db', 'dead-letter.jsonl']) expect(mode(join(state, f)), f).toBe(0o600);
    store.close();
  });
});
