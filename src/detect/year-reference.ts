/**
 * The time a source's records were written by, which gives RFC 3164 timestamps (no year) their year:
 * a file read once was last written at its mtime; live input (followed files, stdin, syslog) is
 * written now. A caller's fixed "now" (replays, tests) wins.
 */
import { statSync } from 'node:fs';

export function yearReference(file: string | undefined, opts: { now?: number; follow?: boolean }): () => number {
  if (opts.now !== undefined) {
    const now = opts.now;
    return () => now;
  }
  if (file !== undefined && !opts.follow) {
    try {
      const written = statSync(file).mtimeMs;
      return () => written;
    } catch {
      // Gone since it was opened: fall back to now.
    }
  }
  return () => Date.now();
}
