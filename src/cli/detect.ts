import { accessSync, constants, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { DetectResult } from '../detect/engine.js';
import { DECODERS, decoderById } from '../detect/decoders/index.js';
import { addCommonOptions, emit, outputFormat, packageVersion, resolveConfig, type CommonOptions } from './common.js';
import { wantColour } from '../io/format/table.js';
import type { Alert } from '../model/finding.js';
import { UsageError } from './errors.js';

export interface DetectFlags extends CommonOptions {
  inputFormat?: string;
  fields?: string;
}

interface SinkFlags {
  sink?: string[];
  webhook?: string[];
  slackWebhook?: string[];
}

/** Flags that tune detection, shared by `detect` and `learn`. */
export function addDetectOptions(cmd: Command): Command {
  return cmd
    .option('--input-format <id>', `log format instead of detecting it: ${DECODERS.map((d) => d.id).join(', ')}`)
    .option('--fields <list>', 'field list for header-less flow logs, e.g. "version account-id interface-id srcaddr …"');
}

export function checkDetectFlags(flags: DetectFlags): void {
  if (flags.inputFormat !== undefined && !decoderById(flags.inputFormat)) {
    throw new UsageError(`--input-format: unknown format "${flags.inputFormat}" (one of ${DECODERS.map((d) => d.id).join(', ')})`);
  }
}

/** Every input must be a readable file (or - for stdin) before anything is read. */
export function checkInputs(inputs: string[]): void {
  for (const input of inputs) {
    if (input === '-') continue;
    try {
      if (!statSync(input).isFile()) throw new UsageError(`${input}: not a file`);
      accessSync(input, constants.R_OK);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`${input}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}

/** Hand alerts to the extra sinks; true when one of them took over standard output. */
async function deliver(alerts: readonly Alert[], flags: SinkFlags, stateDir: string): Promise<boolean> {
  const { openSink, openWebhookSink, parseSinkSpec, MultiSink } = await import('../io/sinks/index.js');
  const specs = (flags.sink ?? []).map((s) => {
    try {
      return parseSinkSpec(s);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });
  const hooks = [...(flags.webhook ?? []).map((u) => [u, 'json'] as const), ...(flags.slackWebhook ?? []).map((u) => [u, 'slack'] as const)];
  for (const [url] of hooks) {
    if (!/^https?:\/\//.test(url)) throw new UsageError(`webhook: expected an http(s) URL (got "${url}")`);
  }
  if (specs.length === 0 && hooks.length === 0) return false;
  const sinks = specs.map((s) => openSink(s, { colour: wantColour(process.stdout), version: packageVersion() }));
  const webhooks = await Promise.all(
    hooks.map(([url, kind]) => openWebhookSink(url, kind, { stateDir, onEvent: (e) => void process.stderr.write(`drawbridge: webhook: ${JSON.stringify(e)}\n`) })),
  );
  const all = new MultiSink([...sinks, ...webhooks]);
  for (const a of alerts) await all.write(a);
  for (const w of webhooks) await w.flush();
  await all.close();
  return specs.some((s) => s.path === undefined);
}

export function printDetectSummary(result: DetectResult, deadLetter: string | undefined): void {
  const s = result.stats;
  process.stderr.write(
    `drawbridge: ${s.records} records, ${s.events} events, ${result.alerts.length} alerts, ${s.rejected} rejected, ${s.late} late\n`,
  );
  if (s.rejected > 0) {
    for (const r of result.rejected.slice(0, 5)) process.stderr.write(`drawbridge: ${r.source}:${r.line}: rejected: ${r.reason}\n`);
    if (deadLetter) process.stderr.write(`drawbridge: every rejected record is kept in ${deadLetter}\n`);
  }
}

export function registerDetect(program: Command): void {
  addCommonOptions(
    addDetectOptions(
      program
        .command('detect')
        .description('watch logs for new sources, unseen credentials and rare creations on management services')
        .argument('<input...>', 'log files (- reads standard input)')
        .option('--sink <spec...>', 'also write alerts as terminal, jsonl, ocsf or ecs (KIND or KIND:PATH), to PATH or (without one) instead of the --format output')
        .option('--webhook <url...>', 'POST each alert as JSON (retried; spooled in the state folder while the endpoint is down)')
        .option('--slack-webhook <url...>', 'post each alert to a Slack-compatible incoming webhook (retried and spooled likewise)'),
    ),
    'detect',
  ).action(async (inputs: string[], flags: DetectFlags & SinkFlags) => {
    checkDetectFlags(flags);
    const config = resolveConfig(flags, 'detect');
    const format = outputFormat(flags, 'detect');
    checkInputs(inputs);
    const { runDetect } = await import('../detect/engine.js');
    const result = await runDetect(inputs, {
      config,
      ...(flags.inputFormat ? { format: flags.inputFormat } : {}),
      ...(flags.fields ? { fields: flags.fields.split(/[\s,]+/).filter(Boolean) } : {}),
    });
    printDetectSummary(result, `${config.stateDir}/dead-letter.jsonl`);
    const toStdout = await deliver(result.alerts, flags, config.stateDir);
    const code = emit('detect', result.alerts, format, config.failOn, format === 'json' ? { stats: result.stats } : undefined, !toStdout);
    process.exitCode = code;
  });
}
