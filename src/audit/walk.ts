import { readdirSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { wildcardMatch } from './sshd/match.js';

/** Directories never worth auditing: dependencies and VCS data. */
const SKIP_DIRS = new Set(['node_modules', '.git']);

export interface WalkResult {
  files: string[];
  /** Paths that could not be listed, with the reason. */
  errors: { path: string; message: string }[];
}

/**
 * Every regular file under `root` (or `root` itself when it is a file), sorted for a stable order.
 * Symbolic links to directories are not followed, so a link loop cannot trap the walk.
 */
export function walkFiles(root: string): WalkResult {
  const out: WalkResult = { files: [], errors: [] };
  const followLink = (path: string): void => {
    try {
      if (statSync(path).isFile()) out.files.push(path);
    } catch (e) {
      out.errors.push({ path, message: `broken link: ${(e as Error).message}` });
    }
  };
  const visitDir = (path: string): void => {
    let entries: Dirent[];
    try {
      // Entry types come with the listing: no lstat per file.
      entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      out.errors.push({ path, message: (e as Error).message });
      return;
    }
    for (const e of entries) {
      if (SKIP_DIRS.has(e.name)) continue;
      const child = join(path, e.name);
      if (e.isSymbolicLink()) followLink(child);
      else if (e.isFile()) out.files.push(child);
      else if (e.isDirectory()) visitDir(child);
    }
  };
  let st;
  try {
    st = statSync(root);
  } catch (e) {
    out.errors.push({ path: root, message: (e as Error).message });
    return out;
  }
  if (st.isFile()) out.files.push(root);
  else if (st.isDirectory()) visitDir(root);
  return out;
}

const WILD = /[*?]/;

/**
 * Expand a path pattern on the real file system the way glob(3) does for sshd's Include: `*` and `?`
 * within one path segment, hidden names only when the segment itself starts with a dot, sorted output.
 */
/** A directory's entries; injectable so that one audit run can list a directory once for many patterns. */
export type ListDir = (dir: string) => Dirent[];

export const listDir: ListDir = (dir) => readdirSync(dir, { withFileTypes: true });

/** A glob stops growing at this many paths at any step (an Include of three wildcard levels from / would list the host). */
export const MAX_GLOB_MATCHES = 1024;

export function globFiles(pattern: string, list: ListDir = listDir, limits: { maxMatches?: number; truncated?: () => void } = {}): string[] {
  const cap = limits.maxMatches ?? MAX_GLOB_MATCHES;
  const absolute = isAbsolute(pattern);
  const segments = pattern.split('/').filter((s) => s !== '' && s !== '.');
  let current: string[] = [absolute ? '/' : '.'];
  for (let i = 0; i < segments.length; i++) {
    let seg = segments[i] as string;
    // A run of literal segments is one lookup: if the whole path resolves, every step was a directory.
    // Not across `..`, which join() would fold away together with the step before it.
    const literal = (s: string | undefined): boolean => s !== undefined && s !== '..' && !WILD.test(s);
    if (literal(seg)) while (literal(segments[i + 1])) seg = join(seg, segments[++i] as string);
    const last = i === segments.length - 1;
    const want = (st: { isFile(): boolean; isDirectory(): boolean }): boolean => (last ? st.isFile() : st.isDirectory());
    const next: string[] = [];
    let full = false;
    const add = (path: string): void => {
      if (next.length < cap) next.push(path);
      else if (!full) {
        full = true;
        limits.truncated?.();
      }
    };
    for (const base of current) {
      if (full) break;
      if (!WILD.test(seg)) {
        if (isA(join(base, seg), want)) add(join(base, seg));
        continue;
      }
      let entries: Dirent[];
      try {
        entries = list(base);
      } catch {
        continue;
      }
      for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (e.name.startsWith('.') && !seg.startsWith('.')) continue;
        if (!wildcardMatch(e.name, seg)) continue;
        // The listing already says what a plain entry is; links are followed as stat(2) would.
        const path = join(base, e.name);
        if (e.isSymbolicLink() ? isA(path, want) : want(e)) add(path);
        if (full) break;
      }
    }
    current = next;
  }
  return absolute ? current : current.map((p) => (p.startsWith('./') ? p.slice(2) : p));
}

function isA(path: string, want: (st: { isFile(): boolean; isDirectory(): boolean }) => boolean): boolean {
  try {
    return want(statSync(path));
  } catch {
    return false;
  }
}
