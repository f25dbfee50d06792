import { Option, type Command } from 'commander';
import { flagInt, flagRatio, EXIT_FINDINGS, EXIT_OK } from './common.js';
import { UsageError } from '../model/errors.js';

const PROFILES = ['basic', 'realistic'] as const;
type ProfileFlag = (typeof PROFILES)[number];

function flagProfile(v: string): ProfileFlag {
  if (!(PROFILES as readonly string[]).includes(v)) throw new UsageError(`--profile: expected ${PROFILES.join(' or ')} (got "${v}")`);
  return v as ProfileFlag;
}

function flagScale(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 4) throw new UsageError(`--scale: expected a number above 0 and at most 4 (got "${v}")`);
  return n;
}

interface RealisticFlags {
  seed: string;
  scale?: string;
  historyDays?: string;
  liveDays?: string;
}

/** The realistic profile's options from flags (only those given). */
function realisticOptions(flags: RealisticFlags): { scale?: number; historyDays?: number; liveDays?: number } {
  return {
    ...(flags.scale !== undefined ? { scale: flagScale(flags.scale) } : {}),
    ...(flags.historyDays !== undefined ? { historyDays: flagInt('--history-days', flags.historyDays, 1) } : {}),
    ...(flags.liveDays !== undefined ? { liveDays: flagInt('--live-days', flags.liveDays, 1) } : {}),
  };
}

export function registerEmulate(program: Command): void {
  program
    .command('emulate')
    .description('write labelled telemetry of an environment, with the technique\'s procedures planted (profile realistic: a month of an organisation\'s logs with real noise; basic: a week in every format)')
    .requiredOption('-o, --out <dir>', 'output folder (new, empty, or an earlier emulation)')
    .option('--profile <name>', 'realistic or basic', 'realistic')
    .option('--seed <n>', 'random seed: the same seed writes the same bytes', '1')
    .option('--days <n>', 'basic profile: days of activity (2–366)', '7')
    .option('--scale <f>', 'realistic profile: volume of the background traffic (1 = realistic size)')
    .option('--history-days <n>', 'realistic profile: days before the live days (the learning period)', '21')
    .option('--live-days <n>', 'realistic profile: days with planted procedures and benign new events', '7')
    .action(async (flags: RealisticFlags & { out: string; days: string; profile: string }) => {
      const profile = flagProfile(flags.profile);
      const seed = flagInt('--seed', flags.seed);
      const { emulate, renderEmulationSummary } = await import('../emulate/index.js');
      try {
        const summary =
          profile === 'realistic'
            ? await emulate({ seed, outDir: flags.out, profile, ...realisticOptions(flags) })
            : await emulate({ seed, outDir: flags.out, profile, days: flagInt('--days', flags.days, 2) });
        process.stdout.write(renderEmulationSummary(summary));
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`emulate: ${(e as Error).message}`);
      }
      process.exitCode = EXIT_OK;
    });

  program
    .command('evaluate')
    .description('run detect over an emulated folder (or a fresh realistic emulation) and report alerts and false highs per live day, each planted attack and benign event, and precision and recall per detector')
    .argument('[dir]', 'a folder written by drawbridge emulate; without it, a realistic emulation of --seed and --scale is written to a temporary folder')
    .option('-f, --format <format>', 'table or json', 'table')
    .addOption(new Option('--json', 'same as --format json').hideHelp())
    .option('--seed <n>', 'without DIR: the emulation\'s seed', '1')
    .option('--scale <f>', 'without DIR: volume of the background traffic (1 = realistic size)')
    .option('--min-precision <p>', 'exit 1 when precision is below this (0–1)', '0.95')
    .option('--min-recall <r>', 'exit 1 when recall is below this (0–1)', '1')
    .action(async (dir: string | undefined, flags: RealisticFlags & { format: string; json?: boolean; minPrecision: string; minRecall: string }) => {
      const format = flags.json ? 'json' : flags.format;
      if (format !== 'table' && format !== 'json') throw new UsageError(`--format: expected table or json (got "${format}")`);
      const minP = flagRatio('--min-precision', flags.minPrecision);
      const minR = flagRatio('--min-recall', flags.minRecall);
      const { evaluate, evaluateScenario, renderEvaluation } = await import('../evaluate/index.js');
      let report;
      try {
        report = dir !== undefined ? await evaluate(dir) : await evaluateScenario(flagInt('--seed', flags.seed), realisticOptions(flags).scale ?? 1);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`evaluate: ${dir ?? 'realistic emulation'}: ${(e as Error).message}`);
      }
      process.stdout.write(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderEvaluation(report));
      const below = (v: number | null, min: number): boolean => v !== null && v < min;
      process.exitCode = below(report.precision, minP) || below(report.recall, minR) ? EXIT_FINDINGS : EXIT_OK;
    });
}
