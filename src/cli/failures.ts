/**
 * Expected failures of the world outside (a store that does not answer, a folder that is not there)
 * become one line naming what failed and what to do, instead of a stack trace.
 */
import { RedisBridgeError } from '../detect/state/redis-bridge.js';
import { CorruptInputError } from '../io/sources/gzip.js';

const ERRNO_HINT: Record<string, string> = {
  ENOENT: 'no such file or folder; create the folder or choose another path',
  ENOTDIR: 'a part of the path is not a folder; choose another path',
  EACCES: 'permission denied; choose a path you can write or run with the right user',
  EPERM: 'operation not permitted; choose a path you can write',
  EROFS: 'read-only file system; choose a writable path',
  EISDIR: 'is a folder; name a file',
  ENOSPC: 'no space left on the device',
  EEXIST: 'already exists',
};

/** The one-line message for an expected failure, or undefined for a bug (which keeps its stack trace). */
export function describeFailure(e: unknown): string | undefined {
  if (e instanceof RedisBridgeError) {
    return `state store unavailable: ${e.message.replace(/\.$/, "")}; start the server or choose another store with --store (or the store key in drawbridge.yaml)`;
  }
  if (e instanceof CorruptInputError) return `${e.message}; recompress it or leave it out`;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.path === 'string' && ERRNO_HINT[err.code]) {
    const what = `cannot ${err.syscall ?? 'use'}`;
    return `${err.path}: ${what}: ${ERRNO_HINT[err.code]}`;
  }
  return undefined;
}

/**
 * A reader that closes the pipe early (`drawbridge … | head`) ends the run quietly: whatever is left
 * to print has nowhere to go.
 */
export function quietOnEpipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (c) => process.exit(c)): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    else throw e;
  });
}
