import { readNamedFile } from '../io/safe-read.js';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { isFileLocation, locationKey, type Finding } from '../model/finding.js';
import type { InputProblem } from './types.js';

/**
 * One accepted-risk entry of `.drawbridgeignore`: suppresses one finding (by id) or one rule at a
 * place (rule + "file[:line]"), for a stated reason, until a date.
 */
export interface IgnoreEntry {
  id?: string;
  rule?: string;
  location?: { file: string; line?: number; raw: string };
  reason: string;
  /** YYYY-MM-DD; the entry holds through that whole day (UTC). */
  expires: string;
  /** Where the entry is written, for messages. */
  source: { file: string; line: number };
}

export interface IgnoreFile {
  entries: IgnoreEntry[];
  /** Entries rejected (missing reason or expiry, bad date, …), each naming its line. */
  problems: InputProblem[];
  /** The file as a whole cannot be used (unreadable, invalid YAML, not a list): accepting nothing would fail open. */
  unusable?: boolean;
}

export interface IgnoreOutcome {
  kept: Finding[];
  suppressed: { finding: Finding; entry: IgnoreEntry }[];
  /** Entries past their date: they suppress nothing and should be reviewed. */
  expired: IgnoreEntry[];
}

const KEYS = new Set(['id', 'rule', 'location', 'reason', 'expires']);

function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function parseLocation(raw: string): { file: string; line?: number; raw: string } {
  const m = /^(.*):(\d+)$/.exec(raw);
  return m && m[1] ? { file: m[1], line: Number(m[2]), raw } : { file: raw, raw };
}

/** Parse `.drawbridgeignore` (a YAML list). Never throws: bad entries become problems. */
export function parseIgnoreFile(text: string, file: string): IgnoreFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const lineOf = (n: Node | null | undefined): number => (n?.range ? lc.linePos(n.range[0]).line : 1);
  const out: IgnoreFile = { entries: [], problems: [] };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    out.problems.push({ file, line: lc.linePos(e.pos[0]).line, message: `invalid YAML: ${e.message.split('\n')[0]}` });
    out.unusable = true;
    return out;
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return out;
  if (!isSeq(root)) {
    out.problems.push({ file, line: lineOf(root), message: 'expected a list of entries (each "- reason: …, expires: YYYY-MM-DD, …")' });
    out.unusable = true;
    return out;
  }
  for (const item of root.items) {
    const line = lineOf(item as Node);
    if (!isMap(item)) {
      out.problems.push({ file, line, message: 'entry must be a mapping with reason, expires and id or rule+location' });
      continue;
    }
    const fields: Record<string, string> = {};
    const errors: string[] = [];
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!KEYS.has(key)) {
        errors.push(`unknown field "${key}"`);
        continue;
      }
      const v = isScalar(pair.value) ? pair.value.value : undefined;
      if (v === undefined || v === null || typeof v === 'object') errors.push(`field "${key}" must be a single value`);
      else fields[key] = String(v);
    }
    if (!fields.reason?.trim()) errors.push('missing "reason" (say why the risk is accepted)');
    if (!fields.expires) errors.push('missing "expires" (YYYY-MM-DD)');
    else if (!isRealDate(fields.expires)) errors.push(`"expires" must be a date YYYY-MM-DD, not "${fields.expires}"`);
    if (!fields.id && !fields.rule) errors.push('needs "id", or "rule" with "location"');
    if (fields.rule && !fields.id && !fields.location) errors.push('"rule" needs a "location" ("file" or "file:line")');
    if (errors.length > 0) {
      out.problems.push({ file, line, message: `ignore entry rejected: ${errors.join('; ')}` });
      continue;
    }
    out.entries.push({
      ...(fields.id ? { id: fields.id } : {}),
      ...(fields.rule ? { rule: fields.rule } : {}),
      ...(fields.location ? { location: parseLocation(fields.location) } : {}),
      reason: fields.reason as string,
      expires: fields.expires as string,
      source: { file, line },
    });
  }
  return out;
}

export function loadIgnoreFile(path: string): IgnoreFile {
  let text: string;
  try {
    text = readNamedFile(path);
  } catch (e) {
    return { entries: [], problems: [{ file: path, message: `cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` }], unusable: true };
  }
  return parseIgnoreFile(text, path);
}

function norm(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** A relative path in the ignore file matches the same path under any directory the audit was run from. */
function sameFile(findingFile: string, entryFile: string): boolean {
  const a = norm(findingFile);
  const b = norm(entryFile);
  return a === b || a.endsWith(`/${b}`);
}

export function entryMatches(entry: IgnoreEntry, f: Finding): boolean {
  if (entry.id !== undefined && entry.id !== f.id) return false;
  if (entry.rule !== undefined && entry.rule !== f.rule) return false;
  if (entry.location) {
    const loc = f.location;
    if (isFileLocation(loc)) {
      if (!sameFile(loc.file, entry.location.file)) return false;
      if (entry.location.line !== undefined && entry.location.line !== loc.line) return false;
    } else if (locationKey(loc) !== entry.location.raw) {
      return false;
    }
  }
  return true;
}

/** Split findings into kept and suppressed; entries past `today` suppress nothing and are listed as expired. */
export function applyIgnores(findings: Finding[], entries: IgnoreEntry[], today: Date): IgnoreOutcome {
  const day = today.toISOString().slice(0, 10);
  const live = entries.filter((e) => e.expires >= day);
  const expired = entries.filter((e) => e.expires < day);
  const out: IgnoreOutcome = { kept: [], suppressed: [], expired };
  for (const f of findings) {
    const entry = live.find((e) => entryMatches(e, f));
    if (entry) out.suppressed.push({ finding: f, entry });
    else out.kept.push(f);
  }
  return out;
}
