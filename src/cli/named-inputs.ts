/**
 * A path named on the command line must be one drawbridge can read: a regular file it may open or a
 * folder it may list. Anything else is an error (exit 2) naming the path and why, checked before any
 * work starts. Devices, FIFOs and sockets are refused without being opened (a FIFO without a writer
 * would block the open).
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { UsageError } from './errors.js';

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'EACCES' || err.code === 'EPERM' ? `permission denied (${err.code})` : (err.code ?? err.message);
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function danglingTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

export function checkNamedInput(path: string): 'file' | 'folder' {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      const target = danglingTarget(path);
      throw new UsageError(target !== undefined ? `${path}: symbolic link to ${target}, which does not exist` : `${path}: no such file or folder`, 'DRB-E-INPUT-MISSING');
    }
    throw new UsageError(`${path}: cannot read: ${reason(e)}`, 'DRB-E-INPUT-READ');
  }
  try {
    if (st.isDirectory()) {
      readdirSync(path);
      return 'folder';
    }
    if (!st.isFile()) throw new UsageError(`${path}: cannot read: ${kindOf(st)}, not a regular file or folder`, 'DRB-E-INPUT-READ');
    closeSync(openSync(path, 'r'));
    return 'file';
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: cannot read: ${reason(e)}`, 'DRB-E-INPUT-READ');
  }
}

/** A file found inside a named folder: readable, or an error naming it. */
export function checkReadableFile(path: string): void {
  try {
    closeSync(openSync(path, 'r'));
  } catch (e) {
    throw new UsageError(`${path}: cannot read: ${reason(e)}`, 'DRB-E-INPUT-READ');
  }
}
