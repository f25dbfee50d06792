import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

/**
 * Reading files named by untrusted input (an Include line, a symbolic link in an audited tree) without
 * disclosing what lies elsewhere on the host and without unbounded memory: every read is confined to
 * roots, refuses kernel pseudo-files and anything that is not a regular file, and stops at a byte cap
 * counted on the bytes actually read (a /proc file reports size 0 and then streams gigabytes).
 */

/** Pseudo file systems whose "files" are endless, blocking or have side effects when read. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

export type SafeReadResult = { ok: true; text: string } | { ok: false; reason: string };

const CHUNK = 64 * 1024;

function underDir(path: string, dir: string): boolean {
  if (dir === sep) return path.startsWith(sep);
  return path === dir || path.startsWith(dir + sep);
}

export function isPseudoFile(realPath: string): boolean {
  return PSEUDO_ROOTS.some((r) => underDir(realPath, r));
}

/**
 * Read a regular file as UTF-8, at most `maxBytes` bytes. Opened non-blocking so that a FIFO cannot
 * stall the run; the type is checked on the open descriptor, so a swap between check and read is moot.
 */
export function readBoundedFile(path: string, maxBytes: number): SafeReadResult {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    return { ok: false, reason: `cannot read: ${(e as Error).message}` };
  }
  if (isPseudoFile(real)) return { ok: false, reason: `refused: ${real} is a kernel pseudo-file` };
  return readRegularFile(real, maxBytes);
}

/** Read a regular file (no FIFO, device or socket: those are refused without blocking), at most `maxBytes`. */
export function readRegularFile(real: string, maxBytes: number): SafeReadResult {
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { ok: false, reason: `cannot read: ${(e as Error).message}` };
  }
  try {
    if (!fstatSync(fd).isFile()) return { ok: false, reason: 'refused: not a regular file' };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte past the cap tells "exactly at the limit" from "over it".
      const want = Math.min(CHUNK, maxBytes + 1 - total);
      const buf = Buffer.allocUnsafe(want);
      const n = readSync(fd, buf, 0, want, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) return { ok: false, reason: `over the ${maxBytes}-byte limit; not read` };
      chunks.push(n === want ? buf : buf.subarray(0, n));
    }
    return { ok: true, text: Buffer.concat(chunks, total).toString('utf8') };
  } catch (e) {
    return { ok: false, reason: `cannot read: ${(e as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/** Files a user names in a flag (config, ignore file, inventory, tokens): larger ones are refused. */
export const NAMED_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** A file named by the user, as text; an Error saying why it cannot be read (never a hang on a FIFO). */
export function readNamedFile(path: string, maxBytes = NAMED_FILE_MAX_BYTES): string {
  // stat first, so that a missing or forbidden file keeps its errno (callers word ENOENT and EACCES).
  if (!statSync(path).isFile()) throw new Error('not a regular file (a folder, FIFO, socket or device)');
  const r = readRegularFile(path, maxBytes);
  if (!r.ok) throw new Error(r.reason.replace(/^cannot read: /, ''));
  return r.text;
}

/**
 * The folders an audit may read. A folder argument grants itself; a file argument grants the file and,
 * when its folder is at least two levels deep (`/etc/ssh`, `repo/conf`), that folder's tree, so that
 * `audit /etc/ssh/sshd_config` reads `/etc/ssh/sshd_config.d/*` but `audit /etc/sshd_config` reads
 * nothing else of `/etc`. Everything is compared after resolving symbolic links.
 */
export class ReadScope {
  private readonly dirs: string[] = [];
  private readonly files = new Set<string>();

  constructor(paths: readonly string[], extraDirs: readonly string[] = []) {
    for (const p of paths) this.add(p, false);
    for (const d of extraDirs) this.add(d, true);
  }

  private add(path: string, asDir: boolean): void {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return;
    }
    let isDir = asDir;
    try {
      if (!asDir) {
        const fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
        try {
          isDir = fstatSync(fd).isDirectory();
        } finally {
          closeSync(fd);
        }
      }
    } catch {
      // unreadable: the caller reports it when it tries to read
    }
    if (isDir) {
      this.dirs.push(real);
      return;
    }
    this.files.add(real);
    const folder = dirname(real);
    if (folder.split(sep).filter(Boolean).length >= 2) this.dirs.push(folder);
  }

  /** Why `path` may not be read (outside every root, or a pseudo-file), or undefined when it may. */
  refusal(path: string): string | undefined {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      // Not there (yet): judge the path as written, so a missing file outside the roots is still refused.
      real = resolve(path);
    }
    if (isPseudoFile(real)) return `${real} is a kernel pseudo-file`;
    if (this.files.has(real) || this.dirs.some((d) => underDir(real, d))) return undefined;
    return real === resolve(path) ? `${path} is outside the audited folders` : `${path} leads to ${real}, outside the audited folders`;
  }

  /** Whether a glob whose literal leading folder is `dir` stays inside the roots (so may list it). */
  mayList(dir: string): boolean {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      real = resolve(dir);
    }
    return !isPseudoFile(real) && this.dirs.some((d) => underDir(real, d));
  }
}

/** The literal folder a glob pattern starts from: every segment before the first wildcard. */
export function globBase(pattern: string): string {
  const segments = pattern.split('/');
  const literal: string[] = [];
  for (const s of segments.slice(0, -1)) {
    if (/[*?[]/.test(s)) break;
    literal.push(s);
  }
  const base = literal.join('/');
  return base === '' ? (pattern.startsWith('/') ? '/' : '.') : base;
}
