/**
 * One process at a time on a state folder: `detect` and `learn` hold `<stateDir>/drawbridge.lock` (the
 * holder's pid) while they run. A lock left by a process that no longer exists (killed) is taken over.
 * The lock is created by hard-linking a complete file into place, so it is never seen half-written and
 * two starters cannot both win.
 */
import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStateDir, STATE_FILE_MODE } from './state-files.js';

export const LOCK_FILE = 'drawbridge.lock';

export class StateFolderBusy extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`state folder ${dir} is in use by pid ${pid}`);
  }
}

export interface StateLock {
  readonly path: string;
  release(): void;
}

function holderOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the state folder's lock, or throw StateFolderBusy naming the process that holds it. */
export function lockStateDir(dir: string): StateLock {
  ensureStateDir(dir);
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 10; attempt++) {
    const tmp = `${path}.${process.pid}.${attempt}`;
    writeFileSync(tmp, `${process.pid}\n`, { mode: STATE_FILE_MODE });
    try {
      linkSync(tmp, path);
      return { path, release: () => release(path) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      rmSync(tmp, { force: true });
    }
    const holder = holderOf(path);
    if (holder !== undefined && holder !== process.pid && alive(holder)) throw new StateFolderBusy(dir, holder);
    // Left by a process that is gone: move it aside (only one of several starters can) and try again.
    const aside = `${path}.stale.${process.pid}`;
    try {
      renameSync(path, aside);
      unlinkSync(aside);
    } catch {
      // Another starter moved it first; the next attempt meets that one's lock.
    }
  }
  throw new Error(`state folder ${dir}: could not take ${LOCK_FILE}`);
}

function release(path: string): void {
  if (holderOf(path) === process.pid) rmSync(path, { force: true });
}
