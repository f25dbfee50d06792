/**
 * `drawbridge detect`: a one-shot run over log files (or stdin), or — with --follow and/or --syslog — a
 * detector that runs until SIGINT/SIGTERM, streaming each alert as its batch commits.
 *
 * Output: in a one-shot run the --format output is printed at the end (json holds alerts, stats and
 * incidents). In a live run each alert is written as it comes: jsonl and ocsf one record a line, table
 * one block per alert; json cannot be streamed and means jsonl there. Sinks and webhooks receive
 * alerts as they come in both modes.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { DrawbridgeConfig } from '../config/schema.js';
import type { DetectOptions, DetectResult } from '../detect/pipeline/index.js';
import type { Incident } from '../detect/incidents.js';
import { DECODERS, decoderById } from '../detect/decoders/index.js';
import { stateDirOf } from '../detect/state/index.js';
import { addCommonOptions, collect, emit, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, outputFormat, packageVersion, resolveConfig, type CommonOptions } from './common.js';
import { wantColour } from '../io/format/table.js';
import type { OutputFormat } from '../io/format/index.js';
import { openAlertOutputs } from '../io/sinks/outputs.js';
import { webhookEventLine, webhookSummary } from '../io/sinks/webhook-report.js';
import { ProgressRenderer } from '../io/progress.js';
import type { ReceiverLimits, Receivers } from '../io/sources/syslog-receivers.js';
import { receiverSummary, writeReceiverMetrics } from '../io/sources/syslog-report.js';
import type { SyslogListen } from '../io/sources/syslog.js';
import { lockStateDir, StateFolderBusy, type StateLock } from '../io/state-lock.js';
import { atLeast, type Severity } from '../model/severity.js';
import { UsageError } from '../model/errors.js';
import { observationLine, type Observation } from '../detect/observations.js';
import type { SurfaceEndpoint } from '../surface/model.js';
import { warn } from './warn.js';
import { resolveLogInputs, unrecognisedInputs } from './log-inputs.js';

export interface DetectFlags extends CommonOptions {
  inputFormat?: string;
  fields?: string;
  fromStart?: boolean;
  inventory?: string[];
  threads?: string;
}

function threadCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads: "${text}" is not a whole number from 1 to 64`);
  return n;
}

interface SinkFlags {
  sink?: string[];
  webhook?: string[];
  slackWebhook?: string[];
}

interface LiveFlags {
  follow?: boolean;
  syslog?: string[];
  syslogAllowRemote?: boolean;
  metricsFile?: string;
}

/** Flags that tune detection, shared by `detect` and `learn`. */
export function addDetectOptions(cmd: Command): Command {
  return cmd
    .option('--input-format <id>', `log format instead of detecting it: ${DECODERS.map((d) => d.id).join(', ')}`)
    .option('--fields <list>', 'field list for header-less flow logs, e.g. "version account-id interface-id srcaddr …"')
    .option('--from-start', 'read the files from their start again, ignoring where an earlier run stopped')
    .option('--inventory <file>', 'management endpoints from "drawbridge probe|audit … --format json" output, added to the surface; repeatable', collect)
    .option('--threads <n>', 'threads to use: 2 or more decodes each log file in a worker thread of its own (default 1)');
}

/** The pipeline options the detection flags set. */
export async function pipelineFlags(flags: DetectFlags): Promise<Pick<DetectOptions, 'format' | 'fields' | 'fromStart' | 'inventory' | 'threads'>> {
  return {
    ...(flags.threads !== undefined ? { threads: threadCount(flags.threads) } : {}),
    ...(flags.inventory ? { inventory: await inventoryEndpoints(flags.inventory) } : {}),
    ...(flags.inputFormat ? { format: flags.inputFormat } : {}),
    ...(flags.fields ? { fields: flags.fields.split(/[\s,]+/).filter(Boolean) } : {}),
    ...(flags.fromStart ? { fromStart: true } : {}),
  };
}

/** Endpoints from --inventory files; a bad file is a usage error naming it. The reader (and the probe signatures it names services by) loads only when a file is named. */
export async function inventoryEndpoints(files: readonly string[]): Promise<SurfaceEndpoint[]> {
  if (files.length === 0) return [];
  const { InventoryError, readInventory } = await import('../surface/inventory.js');
  try {
    return files.flatMap((f) => readInventory(f).endpoints);
  } catch (e) {
    if (e instanceof InventoryError) throw new UsageError(`--inventory: ${e.message}`);
    throw e;
  }
}

/** The observations digest after a table report. */
export function observationSummary(observations: readonly Observation[]): string {
  if (observations.length === 0) return '';
  return `\nObservations (first-seen sources that did nothing else; not alerts): ${observations.length}\n` + observations.map((o) => `  ${observationLine(o)}\n`).join('');
}

/** Take the state folder for this run: another detect or learn on it is a usage error naming its pid. */
export function holdStateDir(dir: string): StateLock {
  try {
    return lockStateDir(dir);
  } catch (e) {
    if (e instanceof StateFolderBusy) throw new UsageError(e.message, 'DRB-E-STATE-IN-USE');
    throw e;
  }
}

/** Files this run had already read to their end: say so, rather than silently reading nothing. */
export function printResumeNotes(result: DetectResult): void {
  for (const s of result.sources) {
    if (s.records === 0 && s.resumedAt !== undefined) {
      warn(`${s.name}: already read up to offset ${s.resumedAt}; --from-start to read again`);
    }
  }
}

export function checkDetectFlags(flags: DetectFlags): void {
  if (flags.inputFormat !== undefined && !decoderById(flags.inputFormat)) {
    throw new UsageError(`--input-format: unknown format "${flags.inputFormat}" (one of ${DECODERS.map((d) => d.id).join(', ')})`, 'DRB-E-FORMAT');
  }
}

export function printDetectSummary(result: DetectResult, deadLetter: string | undefined): void {
  const s = result.stats;
  process.stderr.write(
    `drawbridge: ${s.records} records, ${s.events} events, ${result.alerts.length} alerts, ${s.rejected} rejected, ${s.late} late\n`,
  );
  // The store's working set is bounded: say when the bound dropped keys (they are re-read from the file as needed).
  if (result.cache && result.cache.evicted > 0) {
    process.stderr.write(`drawbridge: state working set ${result.cache.cached} keys, ${result.cache.evicted} evicted to stay within its bound\n`);
  }
  if (s.rejected > 0) {
    for (const r of result.rejected.slice(0, 5)) warn(`${r.source}:${r.line}: rejected: ${r.reason}`);
    if (deadLetter) warn(`every rejected record is kept in ${deadLetter}`);
  }
}

/** Incidents at or above the --fail-on severity, for the end of a table report. */
export function incidentSummary(incidents: readonly Incident[], failOn: Severity): string {
  const shown = incidents.filter((i) => atLeast(i.severity, failOn));
  if (shown.length === 0) return '';
  const out = [`\nIncidents at or above ${failOn}: ${shown.length}`];
  for (const inc of shown) {
    out.push(`${inc.severity.toUpperCase().padEnd(8)} ${inc.id}  ${inc.title}${inc.fullChain ? ' (full chain)' : ''}`);
    for (const step of inc.timeline) out.push(`         ${step.time}  ${step.stage.padEnd(10)} ${step.rule.padEnd(24)} ${step.title}`);
  }
  return out.join('\n') + '\n';
}

/** The --syslog listeners; the receivers' module (sockets) loads only when there is one. */
async function parseListens(flags: LiveFlags): Promise<SyslogListen[]> {
  if (!flags.syslog || flags.syslog.length === 0) return [];
  const { isLoopbackHost, parseSyslogUrl } = await import('../io/sources/syslog.js');
  return flags.syslog.map((url) => {
    let listen: SyslogListen;
    try {
      listen = parseSyslogUrl(url);
    } catch (e) {
      throw new UsageError(`--syslog: ${(e as Error).message}`);
    }
    if (!flags.syslogAllowRemote && !isLoopbackHost(listen.host)) {
      throw new UsageError(`--syslog ${url}: ${listen.host} is not a loopback address; add --syslog-allow-remote to listen beyond this host`, 'DRB-E-LISTEN');
    }
    return listen;
  });
}

export function registerDetect(program: Command): void {
  addCommonOptions(
    addDetectOptions(
      program
        .command('detect')
        .description('watch logs for new sources, unseen credentials and rare creations on management services')
        .argument('[input...]', 'log files (- reads standard input)')
        .option('--follow', 'keep reading the files as they grow and rotate (like tail -F) until SIGINT/SIGTERM; alerts stream as they come')
        .option('--syslog <url>', 'receive syslog on udp://HOST:PORT or tcp://HOST:PORT (port 0 picks one) until SIGINT/SIGTERM; repeatable', collect)
        .option('--syslog-allow-remote', 'let --syslog listen on an address other than loopback (syslog is unauthenticated)')
        .option('--metrics-file <file>', 'write the syslog receivers\' counts (kernel drops included) as Prometheus text to FILE, every 10 s and at the end')
        .option('--sink <spec>', 'also write alerts as terminal, jsonl, ocsf or ecs (KIND or KIND:PATH), to PATH or (without one) instead of the --format output; repeatable', collect)
        .option('--webhook <url>', 'POST each alert as JSON (retried; spooled in the state folder while the endpoint is down); repeatable', collect)
        .option('--slack-webhook <url>', 'post each alert to a Slack-compatible incoming webhook (retried and spooled likewise); repeatable', collect)
        .addHelpText(
          'after',
          '\nWith --follow or --syslog, each alert is printed as it is raised (json means jsonl there: one alert a line);\n' +
            'SIGINT/SIGTERM stops reading, commits the state and exits 0, or 1 when an alert reached --fail-on.',
        ),
    ),
    'detect',
  ).action(async (inputs: string[], flags: DetectFlags & SinkFlags & LiveFlags) => {
    checkDetectFlags(flags);
    const config = resolveConfig(flags, 'detect');
    const format = outputFormat(flags, 'detect');
    const listens = await parseListens(flags);
    const live = flags.follow === true || listens.length > 0;
    if (inputs.length === 0 && listens.length === 0) throw new UsageError('detect: name log files (- for standard input) or --syslog URL');
    if (flags.metricsFile !== undefined && listens.length === 0) throw new UsageError('--metrics-file: the metrics are the syslog receivers\'; add --syslog URL');
    if (flags.follow && inputs.length === 0) throw new UsageError('--follow: name the files to follow');
    if (flags.follow && inputs.includes('-')) throw new UsageError('--follow: standard input cannot be followed (it is read to its end without --follow)');
    inputs = resolveLogInputs(inputs);
    const stateDir = stateDirOf(config);
    const deadLetter = join(stateDir, 'dead-letter.jsonl');
    const lock = holdStateDir(stateDir);
    try {
      await runDetectCommand(inputs, flags, { config, format, live, listens, stateDir, deadLetter });
    } finally {
      lock.release();
    }
  });
}

interface DetectRun {
  config: DrawbridgeConfig;
  format: OutputFormat;
  live: boolean;
  listens: SyslogListen[];
  stateDir: string;
  deadLetter: string;
}

/** Wire the outputs and receivers to the pipeline, run it until its inputs end (or a signal), report. */
async function runDetectCommand(inputs: string[], flags: DetectFlags & SinkFlags & LiveFlags, run: DetectRun): Promise<void> {
  const { config, format, live, deadLetter } = run;
  const outputs = await openAlertOutputs({
    sinks: flags.sink ?? [],
    webhooks: flags.webhook ?? [],
    slackWebhooks: flags.slackWebhook ?? [],
    format,
    live,
    stateDir: run.stateDir,
    colour: wantColour(process.stdout),
    version: packageVersion(),
    onWebhookEvent: (e, url) => {
      const line = webhookEventLine(url, e);
      if (line) warn(line);
    },
    onWebhookClosed: (url, stats, pending) => void warn(webhookSummary(url, stats, pending)),
  }).catch((e: unknown) => {
    throw new UsageError((e as Error).message);
  });
  const { runDetect } = await import('../detect/pipeline/index.js');
  const progress = new ProgressRenderer(process.stderr);
  const stop = new AbortController();
  let syslog: Receivers | undefined;
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('drawbridge: stopping: committing what was read\n');
    // Receivers first: what they already accepted is read to the end, then followed files stop.
    void (syslog?.close() ?? Promise.resolve())
      .then(() => syslog?.drained)
      .finally(() => stop.abort());
  };
  let result: DetectResult;
  let metrics: NodeJS.Timeout | undefined;
  try {
    if (live) {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    }
    if (run.listens.length > 0) {
      const { startReceivers } = await import('../io/sources/syslog-receivers.js');
      syslog = await startReceivers(
        run.listens,
        flags.syslogAllowRemote === true,
        deadLetter,
        (name) => warn(`listening for syslog on ${name.slice('syslog+'.length)}`),
        receiverLimits(config),
      ).catch((e: unknown) => {
        throw new UsageError(`--syslog: ${(e as Error).message}`);
      });
    }
    if (syslog && flags.metricsFile) metrics = keepWritingMetrics(flags.metricsFile, syslog);
    result = await runDetect(inputs, {
      config,
      ...(await pipelineFlags(flags)),
      ...(live ? { signal: stop.signal } : {}),
      follow: flags.follow === true,
      lineSources: (syslog?.sources ?? []).map((s) => (flags.inputFormat ? { ...s, format: flags.inputFormat } : s)),
      sinks: outputs.durable,
      onSinkError: (sink, e) => void warn(`sink ${sink}: ${(e as Error).message} (kept; retried after the next batch)`),
      onAlert: async (a) => {
        progress.done();
        await outputs.write(a).catch((e: unknown) => void warn(`sink: ${(e as Error).message}`));
      },
      onProgress: (p) => progress.update(p),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.done();
    clearInterval(metrics);
    await syslog?.close();
    await outputs.close();
  }
  if (syslog && flags.metricsFile) await writeMetricsOrWarn(flags.metricsFile, syslog);
  printDetectSummary(result, deadLetter);
  if (!live) printResumeNotes(result);
  const unusable = unrecognisedInputs(result, DECODERS.map((d) => d.id));
  for (const r of syslog?.receivers ?? []) warn(receiverSummary(r.transport, r.stats));
  // An input that could not be read at all is an error (exit 2), whatever was found in the others.
  const unreadable = result.sources.filter((s) => s.unreadable !== undefined);
  const exitCode = (code: number): number => (unreadable.length > 0 ? EXIT_USAGE : code);
  if (live || outputs.sinkOnStdout) {
    // The alerts were streamed; a live table still ends with the incidents they form.
    if (live && !outputs.sinkOnStdout && format === 'table') process.stdout.write(incidentSummary(result.incidents, config.failOn) + observationSummary(result.observations));
    process.exitCode = exitCode(result.alerts.some((a) => atLeast(a.severity, config.failOn)) ? EXIT_FINDINGS : EXIT_OK);
    if (unusable) throw unusable;
    return;
  }
  const extra = format === 'json' ? { stats: result.stats, incidents: result.incidents, observations: result.observations } : undefined;
  process.exitCode = exitCode(emit('detect', result.alerts, format, config.failOn, extra));
  if (format === 'table') process.stdout.write(incidentSummary(result.incidents, config.failOn) + observationSummary(result.observations));
  if (unusable) throw unusable;
}

function receiverLimits(config: DrawbridgeConfig): ReceiverLimits {
  const s = config.detect.syslog;
  return {
    udpReceiveBufferBytes: s.udpReceiveBuffer,
    maxConnections: s.maxConnections,
    maxConnectionsPerSource: s.maxConnectionsPerSource,
    frameTimeoutMs: s.frameTimeout,
    idleTimeoutMs: s.idleTimeout,
  };
}

const METRICS_EVERY_MS = 10_000;

function writeMetricsOrWarn(path: string, syslog: Receivers): Promise<void> {
  return writeReceiverMetrics(path, syslog.named).catch((e: unknown) => void warn(`--metrics-file ${path}: ${(e as Error).message}`));
}

/** The metrics file, rewritten while the run lasts (the last write comes after the receivers close). */
function keepWritingMetrics(path: string, syslog: Receivers): NodeJS.Timeout {
  void writeMetricsOrWarn(path, syslog);
  const timer = setInterval(() => void writeMetricsOrWarn(path, syslog), METRICS_EVERY_MS);
  timer.unref();
  return timer;
}
