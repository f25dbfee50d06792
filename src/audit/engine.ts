import { statSync, type Dirent } from 'node:fs';
import type { DrawbridgeConfig } from '../config/schema.js';
import { globBase, readBoundedFile, ReadScope } from '../io/safe-read.js';
import { compareFindings, type Finding } from '../model/finding.js';
import { AUDITORS } from './registry.js';
import { canonicalPaths, stableFindingIds } from './id-root.js';
import { STDIN_NAME, type AuditContext, type AuditResult, type Auditor, type InputProblem } from './types.js';
import { globFiles, listDir, MAX_GLOB_MATCHES, walkFiles, type ListDir } from './walk.js';
import { pushAll } from '../util/arrays.js';

export interface AuditOptions {
  config: DrawbridgeConfig;
  auditors?: Auditor[];
  /** Reads standard input for the path `-` (injected so that tests need no real stdin). */
  readStdin?: () => Promise<string>;
  /** Larger files are reported as problems instead of read (default 8 MiB), counted on the bytes read. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export interface AuditedFile {
  file: string;
  auditor: string;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface EngineResult extends AuditResult {
  /** Files handed to an auditor, in order. */
  audited: AuditedFile[];
  /** Files found while walking a directory that were not audited, with the reason. */
  skipped: SkippedFile[];
  /** Inputs named on the command line (or `-`) that no auditor recognised: a usage error for the CLI. */
  unrecognised: string[];
  /** Files (and standard input) read, whatever became of them. */
  read: number;
}

export { STDIN_NAME };

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The real file system behind AuditContext: auditors never touch node:fs themselves. Within one
 * context, the latest directory listings, glob results and small file reads are remembered, because
 * the auditors of one directory ask for the same neighbours again and again (every .tf file of a
 * module reads its siblings); files are not expected to change during one audit run.
 */
export function fsContext(config: DrawbridgeConfig, scope?: ReadScope, maxBytes = DEFAULT_MAX_BYTES): AuditContext {
  const globs = new Map<string, string[]>();
  const reads = new Map<string, string | undefined>();
  const refused = new Map<string, string>();
  const refuse = (key: string, reason: string): undefined => {
    if (refused.size < MEMO_ENTRIES * 16) refused.set(key, reason);
    return undefined;
  };
  const listings = new Map<string, Dirent[]>();
  const list: ListDir = (dir) => {
    let hit = listings.get(dir);
    if (!hit) {
      hit = listDir(dir); // throws for an unreadable directory, as globFiles expects
      if (listings.size >= MEMO_ENTRIES) listings.delete(listings.keys().next().value as string);
      listings.set(dir, hit);
    }
    return hit;
  };
  return {
    config,
    readFile(path: string): string | undefined {
      if (reads.has(path)) return reads.get(path);
      const outside = scope?.refusal(path);
      if (outside !== undefined) return refuse(path, outside);
      const read = readBoundedFile(path, maxBytes);
      const text = read.ok ? read.text : refuse(path, read.reason);
      if (text === undefined || text.length <= READ_MEMO_MAX_CHARS) {
        if (reads.size >= MEMO_ENTRIES) reads.delete(reads.keys().next().value as string);
        reads.set(path, text);
      }
      return text;
    },
    glob(pattern: string): string[] {
      let hit = globs.get(pattern);
      if (!hit) {
        if (scope && !scope.mayList(globBase(pattern))) {
          refuse(pattern, `${globBase(pattern)} is outside the audited folders`);
          return [];
        }
        hit = globFiles(pattern, list, { truncated: () => refuse(pattern, `more than ${MAX_GLOB_MATCHES} matches; the rest were not read`) });
        if (globs.size >= MEMO_ENTRIES) globs.delete(globs.keys().next().value as string);
        globs.set(pattern, hit);
      }
      return [...hit];
    },
    refusal: (pathOrPattern) => refused.get(pathOrPattern),
  };
}

const MEMO_ENTRIES = 64;
const READ_MEMO_MAX_CHARS = 256 * 1024;

interface Candidate {
  file: string;
  /** Named on the command line (not found by walking): an unrecognised one is a problem. */
  explicit: boolean;
}

/**
 * Audit files, directories and `-` (stdin). Each file goes to the first auditor that recognises it;
 * files another audit already read (sshd Include targets) are not audited twice. Nothing is thrown
 * for bad input: unreadable, oversized or unrecognised files become problems naming the file.
 */
export async function auditPaths(paths: string[], opts: AuditOptions): Promise<EngineResult> {
  const auditors = opts.auditors ?? AUDITORS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const scope = new ReadScope(
    paths.filter((p) => p !== '-'),
    opts.config.audit.allowedRoots,
  );
  const ctx = fsContext(opts.config, scope, maxBytes);
  const problems: InputProblem[] = [];
  const skipped: SkippedFile[] = [];
  const unrecognised: string[] = [];
  let read = 0;
  const results: { file: string; auditor: string; result: AuditResult }[] = [];

  const candidates: Candidate[] = [];
  for (const p of paths) {
    if (p === '-') {
      candidates.push({ file: STDIN_NAME, explicit: true });
      continue;
    }
    const walked = walkFiles(p);
    for (const e of walked.errors) problems.push({ file: e.path, message: `cannot read: ${e.message}` });
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      // reported by walkFiles
    }
    for (const f of walked.files) candidates.push({ file: f, explicit: !isDir });
  }

  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.file)) continue;
    seen.add(c.file);
    let text: string;
    try {
      if (c.file === STDIN_NAME) {
        text = await (opts.readStdin ?? readAllStdin)();
      } else {
        // Through the context: an auditor may already have read this file as a neighbour of another.
        const read = ctx.readFile(c.file);
        if (read === undefined) {
          problems.push({ file: c.file, message: ctx.refusal?.(c.file) ?? 'cannot read' });
          continue;
        }
        text = read;
      }
    } catch (e) {
      problems.push({ file: c.file, message: `cannot read: ${(e as Error).message}` });
      continue;
    }
    read++;
    if (text.slice(0, 8192).includes('\u0000')) {
      if (c.explicit) problems.push({ file: c.file, message: 'binary file; not audited' });
      else skipped.push({ file: c.file, reason: 'binary file' });
      continue;
    }
    const auditor = pickAuditor(auditors, c.file, text);
    if (!auditor) {
      if (c.explicit) {
        unrecognised.push(c.file);
        problems.push({ file: c.file, message: `not recognised as any supported config kind (${auditors.map((a) => a.id).join(', ')})` });
      } else skipped.push({ file: c.file, reason: 'not recognised as any supported config kind' });
      continue;
    }
    try {
      await auditor.prepare?.();
      results.push({ file: c.file, auditor: auditor.id, result: auditor.audit(c.file, text, ctx) });
    } catch (e) {
      problems.push({ file: c.file, message: `${auditor.id} auditor failed: ${(e as Error).message}` });
    }
  }

  // A file that another audit read as part of its config was covered there, with the right context.
  const consumed = new Set<string>();
  for (const r of results) for (const f of r.result.consumed ?? []) if (f !== r.file) consumed.add(f);
  const kept = results.filter((r) => !consumed.has(r.file));

  const raw = kept.flatMap((r) => r.result.findings);
  const spelled = new Set([...candidates.map((c) => c.file), ...raw.flatMap((f) => ('file' in f.location ? [f.location.file] : []))]);
  const findings: Finding[] = stableFindingIds(raw, canonicalPaths(paths, spelled)).sort(compareFindings);
  for (const r of kept) pushAll(problems, r.result.problems);
  return { findings, problems, audited: kept.map((r) => ({ file: r.file, auditor: r.auditor })), skipped, unrecognised, read };
}

/** The auditor a file goes to: the most confident one; on a tie, the earlier in the registry. */
export function pickAuditor(auditors: readonly Auditor[], file: string, text: string): Auditor | undefined {
  let best: Auditor | undefined;
  let bestScore = 0;
  for (const a of auditors) {
    const score = safeRecognise(a, file, text);
    if (score > bestScore) [best, bestScore] = [a, score];
  }
  return best;
}

function safeRecognise(a: Auditor, file: string, text: string): number {
  try {
    const score = a.recognise(text, file);
    return Number.isFinite(score) ? score : 0;
  } catch {
    return 0;
  }
}
