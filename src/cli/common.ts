import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Finding } from '../model/finding.js';
import { compareFindings } from '../model/finding.js';
import { atLeast, type Severity } from '../model/severity.js';
import { loadConfig } from '../config/load.js';
import type { DrawbridgeConfig } from '../config/schema.js';
import { parseDuration } from '../config/duration.js';
import { parseFormat, render, type OutputFormat } from '../io/format/index.js';
import type { Lens } from '../io/format/json.js';
import { wantColour } from '../io/format/table.js';
import { UsageError } from '../model/errors.js';
import { addConfigFlags, configOverrides } from './config-flags.js';
import { warn } from './warn.js';
import { packageJson } from './version.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export function packageVersion(): string {
  return packageJson().version;
}

/** The npm package's name (the command is `drawbridge` whatever it is). */
export function packageName(): string {
  return packageJson().name;
}

export interface CommonOptions {
  config?: string;
  format?: string;
}

/** Options every lens shares; flags override the config file. */
export function addCommonOptions(cmd: Command, lens: Lens): Command {
  const formats = lens === 'audit' ? 'table|json|jsonl|sarif|ocsf' : 'table|json|jsonl|ocsf';
  return addConfigFlags(cmd, lens)
    .option('-c, --config <file>', 'drawbridge.yaml (default: ./drawbridge.yaml when present)')
    .option('-f, --format <format>', `output format: ${formats} (default: table on a terminal, json otherwise)`)
    .addHelpText('after', '\nEvery flag below --format overrides the drawbridge.yaml key of the same meaning.');
}

/** Config from --config, else ./drawbridge.yaml if present, else defaults; flags override keys before validation. */
export function resolveConfig(opts: CommonOptions, lens: Lens = 'detect'): DrawbridgeConfig {
  const file = opts.config ?? (existsSync('drawbridge.yaml') ? 'drawbridge.yaml' : undefined);
  return loadConfig(file, configOverrides(opts as Record<string, unknown>, lens));
}

export function outputFormat(opts: CommonOptions, lens: Lens): OutputFormat {
  const f = opts.format ? parseFormat(opts.format) : process.stdout.isTTY ? 'table' : 'json';
  if (f === 'sarif' && lens !== 'audit') throw new UsageError('--format sarif is available for audit only', 'DRB-E-FORMAT');
  return f;
}

export function flagDuration(name: string, v: string): number {
  const ms = parseDuration(v);
  if (ms === undefined) throw new UsageError(`${name}: expected a duration such as 30s, 5m, 7d (got "${v}")`);
  return ms;
}

export function flagInt(name: string, v: string, min = 0): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name}: expected an integer ≥ ${min} (got "${v}")`);
  return n;
}

/** A proportion such as a precision or recall threshold: a number from 0 to 1. */
export function flagRatio(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${name}: expected a number from 0 to 1 (got "${v}")`);
  return n;
}

/** Print findings in the chosen format and return the exit code the --fail-on gate gives. */
export function emit(lens: Lens, items: Finding[], format: OutputFormat, failOn: Severity, extra?: Record<string, unknown>, print = true): number {
  const sorted = lens === 'detect' ? items : [...items].sort(compareFindings);
  if (print) {
    process.stdout.write(
      render(format, sorted, { lens, colour: wantColour(process.stdout), version: packageVersion(), baseDir: process.cwd(), extra }),
    );
  }
  return sorted.some((f) => atLeast(f.severity, failOn)) ? EXIT_FINDINGS : EXIT_OK;
}

/** Load the user's OSV folders into the advisory matcher before audit or probe run. */
export async function applyAdvisoryDirs(config: DrawbridgeConfig): Promise<void> {
  if (config.advisories.length === 0) return;
  for (const dir of config.advisories) if (!existsSync(dir)) throw new UsageError(`advisories: ${dir}: no such folder`, 'DRB-E-INPUT-MISSING');
  const { useAdvisoryDirs } = await import('../intel/advisories.js');
  reportProblems(useAdvisoryDirs(config.advisories));
}

/** Problems with input go to stderr, one per line, naming the place. */
export function reportProblems(problems: readonly { file?: string; line?: number; field?: string; message: string }[]): void {
  for (const p of problems) {
    const where = [p.file, p.line !== undefined ? String(p.line) : undefined].filter(Boolean).join(':');
    warn(`${where ? where + ': ' : ''}${p.field ? p.field + ': ' : ''}${p.message}`);
  }
}

/** Commander argParser for a repeatable single-value option: `--x a --x b` → [a, b], never swallowing later arguments. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
