/**
 * Finding ids must not depend on how a path was spelled (relative, absolute, from another folder), or a
 * `.drawbridgeignore` `id:` entry stops matching. Ids are computed from the path relative to the
 * repository root when the file is in a git work tree, otherwise relative to the audited folder (or the
 * audited file's own folder).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { idParts, stableId, type Finding } from '../model/finding.js';

const repoRoots = new Map<string, string | undefined>();

/** The enclosing git work tree (a folder holding `.git`, a folder or a worktree's file), if any. */
export function repoRoot(dir: string): string | undefined {
  if (repoRoots.has(dir)) return repoRoots.get(dir);
  const parent = dirname(dir);
  const root = existsSync(resolve(dir, '.git')) ? dir : parent === dir ? undefined : repoRoot(parent);
  repoRoots.set(dir, root);
  return root;
}

function auditRoot(arg: string): string {
  const abs = resolve(arg);
  try {
    return statSync(abs).isDirectory() ? abs : dirname(abs);
  } catch {
    return dirname(abs);
  }
}

/** The stable spelling of each file under the audited paths: relative to its repository or audit root, with "/". */
export function canonicalPaths(args: readonly string[], files: Iterable<string>): Map<string, string> {
  const roots = args.filter((a) => a !== '-').map((a) => ({ abs: resolve(a), root: auditRoot(a) }));
  const out = new Map<string, string>();
  for (const file of files) {
    if (file === '-' || out.has(file)) continue;
    const abs = resolve(file);
    const arg = roots.find((r) => abs === r.abs || abs.startsWith(r.abs + sep)) ?? roots.find((r) => abs.startsWith(r.root + sep));
    const root = repoRoot(dirname(abs)) ?? arg?.root ?? dirname(abs);
    out.set(file, relative(root, abs).split(sep).join('/'));
  }
  return out;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Recompute each finding's id with every spelled path in its id parts (location, asset, key) replaced by
 * its stable spelling. What is printed keeps the paths as the user gave them.
 */
export function stableFindingIds(findings: Finding[], canonical: ReadonlyMap<string, string>): Finding[] {
  const spelled = [...canonical.keys()].sort((a, b) => b.length - a.length);
  if (spelled.length === 0) return findings;
  // One pass, longest path first, and only whole paths: a path inside another is not replaced twice.
  const pattern = new RegExp(`(?<![\\w./-])(?:${spelled.map(escape).join('|')})(?![\\w./-])`, 'g');
  return findings.map((f) => {
    const parts = idParts(f);
    if (!parts) return f;
    const stable = parts.map((p) => (typeof p === 'string' ? p.replace(pattern, (m) => canonical.get(m) ?? m) : p));
    return { ...f, id: stableId('DRB', stable) };
  });
}
