/**
 * `drawbridge decode`: the normalised events Drawbridge reads from logs, as JSON lines on standard output,
 * and on standard error what was read, decoded, irrelevant and rejected (with the reasons) per input.
 */
import type { Command } from 'commander';
import { DECODERS } from '../detect/decoders/index.js';
import { addDetectOptions, checkDetectFlags, type DetectFlags } from './detect.js';
import { EXIT_OK, EXIT_USAGE } from './common.js';
import { resolveLogInputs } from './log-inputs.js';
import type { DecodeSummary } from '../detect/decode-only.js';

export function summaryLines(s: DecodeSummary): string[] {
  const head =
    `${s.source}: ${s.format ?? 'format not recognised'}: ${s.records} records read, ${s.decoded} decoded (${s.events} events), ` +
    `${s.irrelevant} irrelevant, ${s.rejected} rejected`;
  const reasons = s.reasons.slice(0, 5).map((r) => `  ${r.count} × ${r.reason} (first at line ${r.first.line}, offset ${r.first.offset})`);
  if (s.reasons.length > 5) reasons.push(`  … ${s.reasons.length - 5} more reasons`);
  return [head, ...reasons];
}

export function registerDecode(program: Command): void {
  addDetectOptions(
    program
      .command('decode')
      .description('print the normalised events read from logs, one JSON object a line; a summary of what was read on standard error')
      .argument('<input...>', 'log files or folders (- reads standard input)')
      .addHelpText(
        'after',
        '\nEach line holds kind, time, source, offset, line and format, then the event\'s own fields.\n' +
          'Exit status: 0, or 2 when an input cannot be read or its format is not recognised.',
      ),
  ).action(async (inputs: string[], flags: DetectFlags) => {
    checkDetectFlags(flags);
    const files = resolveLogInputs(inputs);
    const { decodeInputs, eventRecord } = await import('../detect/decode-only.js');
    const summaries = await decodeInputs(files, {
      ...(flags.inputFormat ? { format: flags.inputFormat } : {}),
      ...(flags.fields ? { fields: flags.fields.split(/[\s,]+/).filter(Boolean) } : {}),
      onEvent: (d) => void process.stdout.write(JSON.stringify(eventRecord(d)) + '\n'),
    });
    for (const s of summaries) for (const l of summaryLines(s)) process.stderr.write(`drawbridge: ${l}\n`);
    const unreadable = summaries.filter((s) => s.unreadable !== undefined);
    if (unreadable.length > 0) {
      process.stderr.write(
        `drawbridge: ${unreadable.map((s) => s.source).join(', ')}: log format not recognised from the first lines; name it with --input-format (one of ${DECODERS.map((d) => d.id).join(', ')})\n`,
      );
    }
    process.exitCode = unreadable.length > 0 ? EXIT_USAGE : EXIT_OK;
  });
}
