import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { addCommonOptions, applyAdvisoryDirs, emit, outputFormat, reportProblems, resolveConfig, EXIT_USAGE, type CommonOptions } from './common.js';
import { UsageError } from './errors.js';

interface AuditFlags extends CommonOptions {
  ignoreFile?: string;
  strict?: boolean;
}

export function registerAudit(program: Command): void {
  addCommonOptions(
    program
      .command('audit')
      .description('read configurations offline and report which management services they expose, to whom, without what protection')
      .argument('<path...>', 'files or folders to audit (folders are walked; - reads standard input)')
      .option('--ignore-file <file>', 'accepted findings with reason and expiry (default: ./.drawbridgeignore when present)')
      .option('--strict', 'exit 2 when any input could not be read or parsed'),
    'audit',
  ).action(async (paths: string[], flags: AuditFlags) => {
    const config = resolveConfig(flags, 'audit');
    const format = outputFormat(flags, 'audit');
    for (const p of paths) {
      if (p !== '-' && !existsSync(p)) throw new UsageError(`${p}: no such file or folder`);
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
      throw new UsageError(`nothing to audit in ${paths.join(', ')}: no file was recognised as a supported configuration`);
    }
    let findings = result.findings;
    const extra: Record<string, unknown> = {};
    if (ignore) {
      reportProblems(ignore.problems);
      const outcome = applyIgnores(findings, ignore.entries, new Date());
      findings = outcome.kept;
      for (const e of outcome.expired) {
        process.stderr.write(`drawbridge: ${e.source.file}:${e.source.line}: ignore entry expired on ${e.expires} and no longer applies (${e.reason})\n`);
      }
      extra.suppressed = outcome.suppressed.map((s) => ({ id: s.finding.id, rule: s.finding.rule, reason: s.entry.reason, expires: s.entry.expires }));
      extra.expiredIgnores = outcome.expired.map((e) => ({ ...e }));
    }
    reportProblems(result.problems);
    if (format === 'json') extra.problems = result.problems;
    const code = emit('audit', findings, format, config.failOn, format === 'json' ? extra : undefined);
    process.exitCode = flags.strict && result.problems.length > 0 ? EXIT_USAGE : code;
  });
}
