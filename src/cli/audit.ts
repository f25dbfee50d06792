import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { addCommonOptions, applyAdvisoryDirs, emit, outputFormat, reportProblems, resolveConfig, EXIT_USAGE, type CommonOptions } from './common.js';
import { UsageError } from '../model/errors.js';
import type { EngineResult } from '../audit/engine.js';
import { warn } from './warn.js';

interface AuditFlags extends CommonOptions {
  ignoreFile?: string;
  strict?: boolean;
  verbose?: boolean;
  save?: boolean;
}

export function registerAudit(program: Command): void {
  addCommonOptions(
    program
      .command('audit')
      .description('read configurations offline and report which management services they expose, to whom, without what protection')
      .argument('<path...>', 'files or folders to audit (folders are walked; - reads standard input)')
      .option('--ignore-file <file>', 'accepted findings with reason and expiry (default: ./.drawbridgeignore when present)')
      .option('--strict', 'exit 2 when any input could not be read or parsed')
      .option('-v, --verbose', 'after a folder audit, list the files that were skipped and why')
      .option('--save', 'keep the management endpoints the findings name in the state folder, for detect and "drawbridge surface" (replaces the last saved audit of the same paths)'),
    'audit',
  ).action(async (paths: string[], flags: AuditFlags) => {
    const config = resolveConfig(flags, 'audit');
    const format = outputFormat(flags, 'audit');
    for (const p of paths) {
      if (p !== '-' && !existsSync(p)) throw new UsageError(`${p}: no such file or folder`, 'DRB-E-INPUT-MISSING');
    }
    // Engines load on use, so that `--help` and the other commands start fast.
    await applyAdvisoryDirs(config);
    const { auditPaths } = await import('../audit/engine.js');
    const { applyIgnores, loadIgnoreFile } = await import('../audit/ignore.js');
    const ignorePath = flags.ignoreFile ?? (existsSync('.drawbridgeignore') ? '.drawbridgeignore' : undefined);
    const ignore = ignorePath !== undefined ? loadIgnoreFile(ignorePath) : undefined;
    if (ignore?.unusable) {
      // Going on without it would gate on findings the team has accepted, or hide that the file is broken.
      const p = ignore.problems[0]!;
      throw new UsageError(`ignore file ${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}; fix it or name another with --ignore-file`);
    }
    const result = await auditPaths(paths, { config });
    if (result.audited.length === 0 && result.problems.length === 0) {
      throw new UsageError(`nothing to audit in ${paths.join(', ')}: no file was recognised as a supported configuration`, 'DRB-E-INPUT-UNRECOGNISED');
    }
    if (paths.some(isFolder)) reportFolderSummary(result, flags.verbose === true);
    if (result.audited.length === 0 && result.unrecognised.length > 0) {
      reportProblems(result.problems.filter((p) => !result.unrecognised.includes(p.file)));
      throw new UsageError(`${result.unrecognised.join(', ')}: not recognised as any supported config kind; nothing audited`, 'DRB-E-INPUT-UNRECOGNISED');
    }
    let findings = result.findings;
    const extra: Record<string, unknown> = {};
    if (ignore) {
      reportProblems(ignore.problems);
      const { lintIgnoreEntries, unusedIdEntries } = await import('../audit/ignore-lint.js');
      const linted = lintIgnoreEntries(ignore.entries, new Date(), config.audit.maxIgnoreExpiry);
      reportProblems(linted.warnings);
      const outcome = applyIgnores(findings, linted.entries, new Date());
      reportProblems(unusedIdEntries(linted.entries.filter((e) => !outcome.expired.includes(e)), outcome.suppressed, result.findings));
      findings = outcome.kept;
      for (const e of outcome.expired) {
        warn(`${e.source.file}:${e.source.line}: ignore entry expired on ${e.expires} and no longer applies (${e.reason})`);
      }
      extra.suppressed = outcome.suppressed.map((s) => ({ id: s.finding.id, rule: s.finding.rule, reason: s.entry.reason, expires: s.entry.expires }));
      extra.expiredIgnores = outcome.expired.map((e) => ({ ...e }));
    }
    reportProblems(result.problems);
    if (flags.save) {
      const { saveRun } = await import('./save.js');
      saveRun(config, 'audit', paths, findings);
    }
    if (format === 'json') extra.problems = result.problems;
    const code = emit('audit', findings, format, config.failOn, format === 'json' ? extra : undefined);
    // An input named on the command line that is no known config must not pass a CI gate silently.
    process.exitCode = result.unrecognised.length > 0 || (flags.strict && result.problems.length > 0) ? EXIT_USAGE : code;
  });
}

function isFolder(p: string): boolean {
  try {
    return p !== '-' && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** How a folder audit went: files read, audited per kind, skipped (listed with the reason under -v). */
function reportFolderSummary(result: EngineResult, verbose: boolean): void {
  const perKind = new Map<string, number>();
  for (const a of result.audited) perKind.set(a.auditor, (perKind.get(a.auditor) ?? 0) + 1);
  const kinds = [...perKind].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  const hint = result.skipped.length > 0 && !verbose ? ' (-v lists them)' : '';
  process.stderr.write(`drawbridge: read ${result.read} file(s); audited ${result.audited.length}: ${kinds}; skipped ${result.skipped.length}${hint}\n`);
  if (verbose) for (const s of result.skipped) process.stderr.write(`drawbridge: skipped ${s.file}: ${s.reason}\n`);
}
