/**
 * Ignore entries that look valid but can never suppress anything, or that accept a risk for ever:
 * warned about, so that an accepted risk is never silently inert or silently permanent.
 */
import { isAbsolute } from 'node:path';
import type { Finding } from '../model/finding.js';
import type { IgnoreEntry } from './ignore.js';
import type { InputProblem } from './types.js';

const ID_SHAPE = /^DR[AB]-[0-9a-f]{16}$/;
const DAY = 86_400_000;

export interface LintedIgnores {
  /** The entries, with expiry dates beyond the allowed maximum brought back to it. */
  entries: IgnoreEntry[];
  warnings: InputProblem[];
}

export function lintIgnoreEntries(entries: readonly IgnoreEntry[], today: Date, maxExpiryMs: number): LintedIgnores {
  const warnings: InputProblem[] = [];
  const warn = (e: IgnoreEntry, message: string): void => void warnings.push({ file: e.source.file, line: e.source.line, message: `ignore entry: ${message}` });
  const latest = new Date(Math.floor(today.getTime() / DAY) * DAY + maxExpiryMs).toISOString().slice(0, 10);
  const out = entries.map((e) => {
    if (e.id !== undefined && !ID_SHAPE.test(e.id)) warn(e, `id "${e.id}" is not a finding id (DRB-… with 16 hex digits); it can never match`);
    if (e.id !== undefined && e.rule !== undefined) warn(e, 'has both "id" and "rule"; the id alone names one finding, and the entry matches only when both agree');
    if (e.location && (isAbsolute(e.location.file) || /^[A-Za-z]:[\\/]/.test(e.location.file))) {
      warn(e, `location "${e.location.raw}" is absolute; findings name files as given to audit, so write it relative`);
    }
    if (e.expires > latest) {
      warn(e, `expires ${e.expires} is beyond the allowed maximum (audit.maxIgnoreExpiry); it now expires ${latest}`);
      return { ...e, expires: latest };
    }
    return e;
  });
  return { entries: out, warnings };
}

/** Live entries with an id that suppressed nothing in this run: the finding is gone or the id is wrong. */
export function unusedIdEntries(entries: readonly IgnoreEntry[], suppressed: readonly { entry: IgnoreEntry }[], findings: readonly Finding[]): InputProblem[] {
  const used = new Set(suppressed.map((s) => s.entry));
  const ids = new Set(findings.map((f) => f.id));
  return entries
    .filter((e) => e.id !== undefined && !used.has(e) && !ids.has(e.id))
    .map((e) => ({ file: e.source.file, line: e.source.line, message: `ignore entry: id "${e.id}" matches no finding of this audit` }));
}
