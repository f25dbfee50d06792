import { readNamedFile } from '../io/safe-read.js';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { runDetect } from '../detect/pipeline/index.js';
import {
  approveKeys,
  BASELINE_KINDS,
  BaselineKeyError,
  describeStoredAs,
  exportBaseline,
  forgetKeys,
  forgetOlderThan,
  importBaseline,
  listBaseline,
  parseBaselineExport,
  resolveDetector,
  type BaselineTarget,
} from '../detect/baseline.js';
import { stateDirOf, withStateStore } from '../detect/state/index.js';
import { baselineTable } from '../io/format/baseline-table.js';
import { addDetectOptions, checkDetectFlags, holdStateDir, pipelineFlags, printResumeNotes, type DetectFlags } from './detect.js';
import { addCommonOptions, EXIT_FINDINGS, flagDuration, reportProblems, resolveConfig } from './common.js';
import { UsageError } from '../model/errors.js';
import { organisationReport, organisationTable } from '../organisation/report.js';
import { resolveLogInputs, unrecognisedInputs } from './log-inputs.js';
import { DECODERS } from '../detect/decoders/index.js';

const KEY_HELP = `
Keys (KEY) name one baseline entry, per detector:
${BASELINE_KINDS.map((k) => `  ${k.detector}: ${k.syntax}`).join('\n')}
"baseline list" shows keys in the same syntax.`;

export interface StoreFlags {
  config?: string;
  stateDir?: string;
}

export function storeOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'drawbridge.yaml (default: ./drawbridge.yaml when present)')
    .option('--state-dir <dir>', 'where SQLite state lives (default: .drawbridge)')
    .option('--store <sqlite|redis://host:port>', 'the state store: the embedded SQLite file (default) or a Redis server');
}

function target(detector: string): BaselineTarget {
  try {
    return resolveDetector(detector);
  } catch (e) {
    throw new UsageError(`--detector: ${(e as Error).message}`);
  }
}

/** Key errors are usage errors (exit 2) naming the key. */
function keyed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BaselineKeyError) throw new UsageError(e.message);
    throw e;
  }
}

const iso = (t: number): string => new Date(t).toISOString();

function readInput(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readNamedFile(file);
  } catch (e) {
    throw new UsageError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function parseTime(name: string, v: string): number {
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw new UsageError(`${name}: expected an ISO time such as 2025-03-04T00:00:00Z (got "${v}")`);
  return t;
}

function registerLearn(program: Command): void {
  addCommonOptions(
    addDetectOptions(
      program
        .command('learn')
        .description('build baselines from historical logs: every event is learned, nothing alerts')
        .argument('<input...>', 'log files (- reads standard input)'),
    ),
    'detect',
  ).action(async (inputs: string[], flags: DetectFlags) => {
    checkDetectFlags(flags);
    const config = resolveConfig(flags, 'detect');
    inputs = resolveLogInputs(inputs);
    const lock = holdStateDir(stateDirOf(config));
    let result;
    try {
      result = await runDetect(inputs, { config, learnOnly: true, ...(await pipelineFlags(flags)) });
    } finally {
      lock.release();
    }
    printResumeNotes(result);
    const counts = new Map<string, number>();
    withStateStore(config, false, (store) => {
      for (const r of listBaseline(store)) counts.set(r.detector, (counts.get(r.detector) ?? 0) + 1);
    });
    const s = result.stats;
    process.stdout.write(
      `learned ${s.events} events from ${s.records} records (${s.rejected} rejected); baseline entries: ` +
        ([...counts].map(([d, n]) => `${d} ${n}`).join(', ') || 'none') +
        '\n',
    );
    for (const r of result.rejected.slice(0, 5)) process.stderr.write(`drawbridge: ${r.source}:${r.line}: rejected: ${r.reason}\n`);
    if (s.rejected > 0) process.stderr.write(`drawbridge: every rejected record is kept in ${config.stateDir}/dead-letter.jsonl\n`);
    const unusable = unrecognisedInputs(result, DECODERS.map((d) => d.id));
    if (unusable) throw unusable;
  });
}

function registerBaselineCommands(program: Command): void {
  const baseline = program
    .command('baseline')
    .description('list, approve, forget, export and import the learned baselines (SQLite store in the state dir)')
    .addHelpText('after', KEY_HELP);

  storeOptions(
    baseline
      .command('list')
      .description('show baseline entries')
      .option('--detector <id>', 'only this detector')
      .option('-f, --format <format>', 'table|json (default: table on a terminal, json otherwise)'),
  ).action((flags: StoreFlags & { detector?: string; format?: string }) => {
    const config = resolveConfig(flags);
    const format = flags.format ?? (process.stdout.isTTY ? 'table' : 'json');
    if (format !== 'table' && format !== 'json') throw new UsageError(`--format: expected table or json (got "${format}")`);
    const ns = flags.detector !== undefined ? target(flags.detector).ns : undefined;
    const rows = withStateStore(config, false, (store) => listBaseline(store, ns));
    if (format === 'table') process.stdout.write(baselineTable(rows));
    else {
      const out = rows.map((r) => ({ ...r, first: iso(r.first), ...(r.last !== undefined ? { last: iso(r.last) } : {}) }));
      process.stdout.write(JSON.stringify({ baseline: out }, null, 2) + '\n');
    }
  });

  storeOptions(
    baseline
      .command('organisation')
      .description('show the organisation as configured and learned: its networks (with how many identities and days) and each identity’s usual networks and hours')
      .option('-f, --format <format>', 'table|json (default: table on a terminal, json otherwise)'),
  ).action((flags: StoreFlags & { format?: string }) => {
    const config = resolveConfig(flags);
    const format = flags.format ?? (process.stdout.isTTY ? 'table' : 'json');
    if (format !== 'table' && format !== 'json') throw new UsageError(`--format: expected table or json (got "${format}")`);
    const report = withStateStore(config, false, (store) => organisationReport(store, config));
    process.stdout.write(format === 'table' ? organisationTable(report) : JSON.stringify({ organisation: report }, null, 2) + '\n');
  });

  storeOptions(
    baseline
      .command('export')
      .description('write the baseline as versioned JSON lines (a header line, then one entry a line)')
      .argument('<file>', 'output file (- writes standard output)')
      .option('--detector <id>', 'only this detector'),
  ).action((file: string, flags: StoreFlags & { detector?: string }) => {
    const config = resolveConfig(flags);
    const ns = flags.detector !== undefined ? target(flags.detector).ns : undefined;
    const text = withStateStore(config, false, (store) => exportBaseline(store, Date.now(), ns));
    if (file === '-') process.stdout.write(text);
    else {
      writeFileSync(file, text);
      process.stderr.write(`drawbridge: exported ${text.split('\n').length - 2} entries to ${file}\n`);
    }
  });

  storeOptions(
    baseline
      .command('import')
      .description('merge an exported baseline (validated first: any bad line imports nothing)')
      .argument('<file>', 'a file written by "baseline export" (- reads standard input)'),
  ).action((file: string, flags: StoreFlags) => {
    const config = resolveConfig(flags);
    const parsed = parseBaselineExport(readInput(file));
    if (parsed.problems.length > 0) {
      reportProblems(parsed.problems.map((p) => ({ file, ...p })));
      throw new UsageError(`${file}: ${parsed.problems.length} problem(s); nothing imported`);
    }
    const r = withStateStore(config, true, (store) => importBaseline(store, parsed.entries));
    process.stdout.write(`imported ${parsed.entries.length} entries: ${r.added} new, ${r.merged} merged\n`);
  });

  storeOptions(
    baseline
      .command('approve')
      .description('add keys to a baseline so they never alert again (they do not expire)')
      .requiredOption('--detector <id>', 'the detector whose baseline gets the keys')
      .argument('<key...>', 'keys in the detector’s syntax (see "drawbridge baseline --help")')
      .addHelpText('after', KEY_HELP),
  ).action((keys: string[], flags: StoreFlags & { detector: string }) => {
    const config = resolveConfig(flags);
    const t = target(flags.detector);
    const written = keyed(() => withStateStore(config, true, (store) => approveKeys(store, t, keys, config, Date.now())));
    for (const k of keys) {
      const note = describeStoredAs(t, k, config);
      if (note) process.stderr.write(`drawbridge: ${note}\n`);
    }
    process.stdout.write(`approved ${written.length} ${t.detector} entr${written.length === 1 ? 'y' : 'ies'}\n`);
  });

  storeOptions(
    baseline
      .command('forget')
      .description('remove keys from a baseline (they alert again when next seen), or everything not seen lately')
      .argument('[key...]', 'keys in the detector’s syntax; needs --detector')
      .option('--detector <id>', 'the detector whose baseline loses the keys')
      .option('--older-than <duration>', 'forget entries last seen longer ago than this, e.g. 30d (approved entries stay)')
      .option('--as-of <time>', 'reference time for --older-than (default: now); ISO time or epoch ms')
      .addHelpText('after', KEY_HELP + '\nExit status: 0 done, 1 some keys were not in the baseline, 2 usage error.'),
  ).action((keys: string[], flags: StoreFlags & { detector?: string; olderThan?: string; asOf?: string }) => {
    const config = resolveConfig(flags);
    if (keys.length === 0 && flags.olderThan === undefined) throw new UsageError('forget: give keys (with --detector) or --older-than');
    if (keys.length > 0 && flags.detector === undefined) throw new UsageError('forget: keys need --detector');
    if (flags.asOf !== undefined && flags.olderThan === undefined) throw new UsageError('--as-of: only with --older-than');
    const t = flags.detector !== undefined ? target(flags.detector) : undefined;
    const age = flags.olderThan !== undefined ? flagDuration('--older-than', flags.olderThan) : undefined;
    const asOf = flags.asOf !== undefined ? parseTime('--as-of', flags.asOf) : Date.now();
    const missing = keyed(() =>
      withStateStore(config, true, (store) => {
        let forgotten = 0;
        let missed: string[] = [];
        if (t && keys.length > 0) {
          const r = forgetKeys(store, t, keys, config);
          forgotten += r.forgotten.length;
          missed = r.missing;
        }
        if (age !== undefined) forgotten += forgetOlderThan(store, asOf - age, t?.ns).length;
        process.stdout.write(`forgot ${forgotten} entr${forgotten === 1 ? 'y' : 'ies'}\n`);
        return missed;
      }),
    );
    for (const k of missing) process.stderr.write(`drawbridge: not in the baseline: ${k}\n`);
    if (missing.length > 0) process.exitCode = EXIT_FINDINGS;
  });
}

/** `drawbridge learn` and `drawbridge baseline …`. */
export function registerBaseline(program: Command): void {
  registerLearn(program);
  registerBaselineCommands(program);
}
