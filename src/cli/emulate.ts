import type { Command } from 'commander';
import { flagInt, flagRatio, EXIT_FINDINGS, EXIT_OK } from './common.js';
import { UsageError } from './errors.js';

export function registerEmulate(program: Command): void {
  program
    .command('emulate')
    .description('write labelled telemetry of an environment, with the technique\'s procedures planted, in every supported log format')
    .requiredOption('-o, --out <dir>', 'output folder (new, empty, or an earlier emulation)')
    .option('--seed <n>', 'random seed: the same seed writes the same bytes', '1')
    .option('--days <n>', 'days of activity (2–366)', '7')
    .action(async (flags: { out: string; seed: string; days: string }) => {
      const { emulate, renderEmulationSummary } = await import('../emulate/index.js');
      try {
        const summary = await emulate({ seed: flagInt('--seed', flags.seed), outDir: flags.out, days: flagInt('--days', flags.days, 2) });
        process.stdout.write(renderEmulationSummary(summary));
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`emulate: ${(e as Error).message}`);
      }
      process.exitCode = EXIT_OK;
    });

  program
    .command('evaluate')
    .description('run detect over an emulated folder and print precision and recall per detector and for incidents')
    .argument('<dir>', 'a folder written by drawbridge emulate')
    .option('--json', 'print the report as JSON')
    .option('--min-precision <p>', 'exit 1 when precision is below this (0–1)', '0.95')
    .option('--min-recall <r>', 'exit 1 when recall is below this (0–1)', '1')
    .action(async (dir: string, flags: { json?: boolean; minPrecision: string; minRecall: string }) => {
      const minP = flagRatio('--min-precision', flags.minPrecision);
      const minR = flagRatio('--min-recall', flags.minRecall);
      const { evaluate, renderEvaluation } = await import('../detect/evaluate.js');
      let report;
      try {
        report = await evaluate(dir);
      } catch (e) {
        throw new UsageError(`evaluate: ${dir}: ${(e as Error).message}`);
      }
      process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderEvaluation(report));
      const below = (v: number | null, min: number): boolean => v !== null && v < min;
      process.exitCode = below(report.precision, minP) || below(report.recall, minR) ? EXIT_FINDINGS : EXIT_OK;
    });
}
