import { dirname, isAbsolute, join } from 'node:path/posix';
import type { InputProblem } from '../types.js';
import { lookupKeyword } from './keywords.js';
import { parseMatchCondition, type MatchCondition } from './match.js';
import { tokenizeLine } from './tokenize.js';
import { isPlainWord, redactedExcerpt } from '../../io/redact.js';

/** One accepted `Keyword value…` line. `block` is -1 for the global section, else a Match block index. */
export interface SshdDirective {
  /** Canonical keyword spelling (aliases such as ChallengeResponseAuthentication are folded). */
  keyword: string;
  /** The keyword as written in the file. */
  written: string;
  args: string[];
  file: string;
  line: number;
  block: number;
}

export interface SshdMatchBlock {
  index: number;
  file: string;
  line: number;
  args: string[];
  condition: MatchCondition;
}

export interface SshdConfig {
  /** The main file (the one sshd is started with). */
  file: string;
  /** Directives in the order sshd reads them, Includes expanded in place. */
  directives: SshdDirective[];
  blocks: SshdMatchBlock[];
  /** Every file read, the main file first. */
  files: string[];
  problems: InputProblem[];
}

/** File access for Include; injected so that tests (and the engine) decide where files come from. */
export interface IncludeIO {
  readFile(path: string): string | undefined;
  /** Sorted matches of a glob pattern; a literal path yields itself when it exists. */
  glob(pattern: string): string[];
  /** Why a path or pattern was refused (outside the audited folders, a pseudo-file, too large). */
  refusal?(pathOrPattern: string): string | undefined;
}

const MAX_INCLUDE_DEPTH = 16; // sshd's READCONF_MAX_DEPTH
const SSH_DIR = '/etc/ssh';

const PERMIT_ROOT_VALUES = new Set(['yes', 'no', 'prohibit-password', 'without-password', 'forced-commands-only']);

/**
 * Parse sshd_config text the way sshd reads it. Bad lines never throw: they become problems naming the
 * file and line, and are left out of `directives` (sshd itself would refuse to start with most of them).
 */
export function parseSshdConfig(text: string, file: string, io?: IncludeIO): SshdConfig {
  const cfg: SshdConfig = { file, directives: [], blocks: [], files: [file], problems: [] };
  const sshDir = dirname(file.replace(/\\/g, '/'));
  const problem = (f: string, line: number, message: string, field?: string): void => {
    cfg.problems.push(field === undefined ? { file: f, line, message } : { file: f, line, field, message });
  };

  const parseText = (body: string, current: string, outerBlock: number, stack: string[]): void => {
    let block = outerBlock;
    const lines = body.split('\n');
    for (let n = 0; n < lines.length; n++) {
      const lineNo = n + 1;
      const tok = tokenizeLine((lines[n] as string).replace(/\r$/, ''));
      if (tok.kind === 'empty') continue;
      if (tok.kind === 'error') {
        problem(current, lineNo, tok.message);
        continue;
      }
      const found = lookupKeyword(tok.keyword);
      if (found.status === 'unknown') {
        // Only a short, masked excerpt: an Include of a secret file must not print the secret.
        const message = `unknown keyword ${redactedExcerpt(tok.keyword)} (sshd refuses to start with it)`;
        problem(current, lineNo, message, isPlainWord(tok.keyword) ? tok.keyword : undefined);
        continue;
      }
      if (found.status === 'ignored') {
        problem(current, lineNo, `deprecated keyword "${tok.keyword}": sshd ignores it`, tok.keyword);
        continue;
      }
      const info = found.info;
      if (info.name === 'Match') {
        const condition = parseMatchCondition(tok.args);
        if (condition.kind === 'invalid') problem(current, lineNo, `bad Match condition: ${condition.reason}`, 'Match');
        block = cfg.blocks.length;
        cfg.blocks.push({ index: block, file: current, line: lineNo, args: tok.args, condition });
        continue;
      }
      if (block >= 0 && !info.inMatch) {
        problem(current, lineNo, `"${info.name}" is not allowed inside a Match block (sshd refuses to start)`, info.name);
        continue;
      }
      if (tok.args.length === 0) {
        problem(current, lineNo, `"${info.name}" has no value`, info.name);
        continue;
      }
      const bad = validateArgs(info.name, info.kind, tok.args);
      if (bad) {
        problem(current, lineNo, bad, info.name);
        continue;
      }
      if (info.name === 'Include') {
        if (stack.length >= MAX_INCLUDE_DEPTH) {
          problem(current, lineNo, `Include nested deeper than ${MAX_INCLUDE_DEPTH} levels`, 'Include');
          continue;
        }
        for (const pattern of tok.args) {
          const { targets, refused } = io ? resolveInclude(pattern, current, sshDir, io) : { targets: [], refused: undefined };
          if (!io) problem(current, lineNo, `Include "${pattern}" not followed (no file access)`, 'Include');
          else if (refused !== undefined) problem(current, lineNo, `Include "${pattern}" refused: ${refused}`, 'Include');
          else if (targets.length === 0) problem(current, lineNo, `Include "${pattern}" matched no file; sshd skips it too`, 'Include');
          for (const target of targets) {
            if (stack.includes(target)) {
              problem(current, lineNo, `Include loop: ${target} includes itself`, 'Include');
              continue;
            }
            const body = io?.readFile(target);
            if (body === undefined) {
              const why = io?.refusal?.(target);
              problem(current, lineNo, why ? `Include "${target}" refused: ${why}` : `Include "${target}" cannot be read`, 'Include');
              continue;
            }
            if (!cfg.files.includes(target)) cfg.files.push(target);
            // A Match inside an included file ends with that file: the includer's block resumes.
            parseText(body, target, block, [...stack, target]);
          }
        }
        continue;
      }
      cfg.directives.push({ keyword: info.name, written: tok.keyword, args: tok.args, file: current, line: lineNo, block });
    }
  };

  parseText(text, file, -1, [file]);
  return cfg;
}

function validateArgs(name: string, kind: string, args: string[]): string | undefined {
  if (kind === 'flag') {
    if (args.length > 1) return `"${name}" takes one value, got ${args.length}`;
    const v = (args[0] as string).toLowerCase();
    if (v !== 'yes' && v !== 'no') return `"${name}" must be yes or no, not ${redactedExcerpt(args[0] as string)}`;
  }
  if (name === 'PermitRootLogin') {
    if (args.length > 1) return `"${name}" takes one value, got ${args.length}`;
    if (!PERMIT_ROOT_VALUES.has((args[0] as string).toLowerCase())) return `"${name}" has an unsupported value ${redactedExcerpt(args[0] as string)}`;
  }
  if (kind === 'list' && args.length > 1) return `"${name}" takes one comma-separated list, got ${args.length} words`;
  return undefined;
}

/**
 * Where Include looks. sshd resolves relative patterns against /etc/ssh. The audited main file's own
 * directory stands in for /etc/ssh (the same thing when auditing the live host's /etc/ssh/sshd_config),
 * so that a copy in a repository or image tree reads its own drop-ins, never the auditing machine's:
 * absolute patterns under /etc/ssh/ are rebased there too. When that finds nothing, a relative pattern
 * is also tried against the including file's directory.
 */
export function resolveInclude(pattern: string, includingFile: string, sshDir: string, io: IncludeIO): { targets: string[]; refused?: string } {
  const candidates: string[] = [];
  if (pattern.startsWith(`${SSH_DIR}/`)) candidates.push(join(sshDir, pattern.slice(SSH_DIR.length + 1)));
  else if (isAbsolute(pattern)) candidates.push(pattern);
  else {
    candidates.push(join(sshDir, pattern));
    candidates.push(join(dirname(includingFile.replace(/\\/g, '/')), pattern));
  }
  let refused: string | undefined;
  for (const c of candidates) {
    const found = io.glob(c);
    // A glob cut at its match cap still returns what it found; the cap is reported with it.
    const why = io.refusal?.(c);
    if (found.length > 0) return why === undefined ? { targets: found } : { targets: found, refused: why };
    refused ??= why;
  }
  return refused === undefined ? { targets: [] } : { targets: [], refused };
}
