/**
 * `drawbridge detect`: a one-shot run over log files (or stdin), or — with --follow and/or --syslog — a
 * detector that runs until SIGINT/SIGTERM, streaming each alert as its batch commits.
 *
 * Output: in a one-shot run the --format output is printed at the end (json holds alerts, stats and
 * incidents). In a live run each alert is written as it comes: jsonl and ocsf one record a line, table
 * one block per alert; json cannot be streamed and means jsonl there. Sinks and webhooks receive
 * alerts as they come in both modes.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import type { DetectResult, LineSource } from '../detect/engine.js';
import type { Incident } from '../detect/incidents.js';
import { DECODERS, decoderById } from '../detect/decoders/index.js';
import { addCommonOptions, emit, EXIT_FINDINGS, EXIT_OK, outputFormat, packageVersion, resolveConfig, type CommonOptions } from './common.js';
import { wantColour } from '../io/format/table.js';
import type { OutputFormat } from '../io/format/index.js';
import type { Sink } from '../io/sinks/types.js';
import type { WebhookSink } from '../io/sinks/webhook.js';
import { webhookEventLine, webhookSummary } from '../io/sinks/webhook-report.js';
import { ProgressRenderer } from '../io/progress.js';
import { isLoopbackHost, parseSyslogUrl, type SyslogListen, type SyslogReceiver } from '../io/sources/syslog.js';
import type { Alert } from '../model/finding.js';
import { atLeast, type Severity } from '../model/severity.js';
import { UsageError } from './errors.js';
import { resolveLogInputs, unrecognisedInputs } from './log-inputs.js';

export interface DetectFlags extends CommonOptions {
  inputFormat?: string;
  fields?: string;
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

/** Where alerts go while detect runs: the extra sinks, webhooks and (in a live run) standard output. */
interface AlertOutputs {
  write(alert: Alert): Promise<void>;
  close(): Promise<void>;
  /** A sink took standard output over from the --format output. */
  sinkOnStdout: boolean;
}

/** One-line records for a live run's standard output: json cannot be streamed, so it means jsonl. */
function liveStdoutKind(format: OutputFormat): 'terminal' | 'jsonl' | 'ocsf' {
  return format === 'table' ? 'terminal' : format === 'ocsf' ? 'ocsf' : 'jsonl';
}

async function openOutputs(flags: SinkFlags, format: OutputFormat, live: boolean, stateDir: string): Promise<AlertOutputs> {
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
  const sinkOnStdout = specs.some((s) => s.path === undefined);
  if (live && !sinkOnStdout) specs.push({ kind: liveStdoutKind(format) });
  const sinkOpts = { colour: wantColour(process.stdout), version: packageVersion() };
  const sinks: Sink[] = specs.map((s) => openSink(s, sinkOpts));
  const webhooks: WebhookSink[] = await Promise.all(
    hooks.map(([url, kind]) =>
      openWebhookSink(url, kind, {
        stateDir,
        onEvent: (e) => {
          const line = webhookEventLine(url, e);
          if (line) process.stderr.write(`drawbridge: ${line}\n`);
        },
      }),
    ),
  );
  const all = new MultiSink([...sinks, ...webhooks]);
  return {
    sinkOnStdout,
    async write(alert) {
      try {
        await all.write(alert);
      } catch (e) {
        // The alert is kept in the state store either way; one failing sink must not stop detection.
        process.stderr.write(`drawbridge: sink: ${(e as Error).message}\n`);
      }
    },
    async close() {
      for (const w of webhooks) await w.flush();
      hooks.forEach(([url], i) => process.stderr.write(`drawbridge: ${webhookSummary(url, webhooks[i]!.stats, webhooks[i]!.pending)}\n`));
      await all.close();
    },
  };
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

function parseListens(flags: LiveFlags): { url: string; listen: SyslogListen }[] {
  return (flags.syslog ?? []).map((url) => {
    let listen: SyslogListen;
    try {
      listen = parseSyslogUrl(url);
    } catch (e) {
      throw new UsageError(`--syslog: ${(e as Error).message}`);
    }
    if (!flags.syslogAllowRemote && !isLoopbackHost(listen.host)) {
      throw new UsageError(`--syslog ${url}: ${listen.host} is not a loopback address; add --syslog-allow-remote to listen beyond this host`);
    }
    return { url, listen };
  });
}

/** Receivers for --syslog, their lines read as sources; rejected messages go to the dead-letter file. */
async function startReceivers(listens: { url: string; listen: SyslogListen }[], allowRemote: boolean, deadLetter: string): Promise<{ receivers: SyslogReceiver[]; sources: LineSource[]; drained: Promise<void> }> {
  const { SyslogReceiver } = await import('../io/sources/syslog.js');
  const receivers: SyslogReceiver[] = [];
  const sources: LineSource[] = [];
  const ends: Promise<void>[] = [];
  try {
    for (const { listen } of listens) {
      const r = await SyslogReceiver.start({
        ...listen,
        allowNonLoopback: allowRemote,
        onReject: (x) => {
          mkdirSync(dirname(deadLetter), { recursive: true });
          appendFileSync(deadLetter, JSON.stringify({ source: `syslog+${x.transport}://${x.peer}`, reason: x.reason, text: x.text, received: new Date(x.received).toISOString() }) + '\n');
        },
      });
      receivers.push(r);
      const a = r.address;
      const name = `syslog+${listen.transport}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
      process.stderr.write(`drawbridge: listening for syslog on ${name.slice('syslog+'.length)}\n`);
      let ended!: () => void;
      ends.push(new Promise((ok) => (ended = ok)));
      // The receiver's envelope lines are what the sshd decoder reads (unless --input-format says otherwise).
      sources.push({ name, lines: untilEnd(r.lines(), ended), format: 'sshd' });
    }
  } catch (e) {
    await Promise.all(receivers.map((r) => r.close()));
    throw new UsageError(`--syslog: cannot listen: ${(e as Error).message}`);
  }
  return { receivers, sources, drained: Promise.all(ends).then(() => undefined) };
}

async function* untilEnd<T>(it: AsyncIterable<T>, onEnd: () => void): AsyncGenerator<T> {
  try {
    yield* it;
  } finally {
    onEnd();
  }
}

export function registerDetect(program: Command): void {
  addCommonOptions(
    addDetectOptions(
      program
        .command('detect')
        .description('watch logs for new sources, unseen credentials and rare creations on management services')
        .argument('[input...]', 'log files (- reads standard input)')
        .option('--follow', 'keep reading the files as they grow and rotate (like tail -F) until SIGINT/SIGTERM; alerts stream as they come')
        .option('--syslog <url...>', 'receive syslog on udp://HOST:PORT or tcp://HOST:PORT (port 0 picks one) until SIGINT/SIGTERM')
        .option('--syslog-allow-remote', 'let --syslog listen on an address other than loopback (syslog is unauthenticated)')
        .option('--sink <spec...>', 'also write alerts as terminal, jsonl, ocsf or ecs (KIND or KIND:PATH), to PATH or (without one) instead of the --format output')
        .option('--webhook <url...>', 'POST each alert as JSON (retried; spooled in the state folder while the endpoint is down)')
        .option('--slack-webhook <url...>', 'post each alert to a Slack-compatible incoming webhook (retried and spooled likewise)')
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
    const listens = parseListens(flags);
    const live = flags.follow === true || listens.length > 0;
    if (inputs.length === 0 && listens.length === 0) throw new UsageError('detect: name log files (- for standard input) or --syslog URL');
    if (flags.follow && inputs.length === 0) throw new UsageError('--follow: name the files to follow');
    if (flags.follow && inputs.includes('-')) throw new UsageError('--follow: standard input cannot be followed (it is read to its end without --follow)');
    inputs = resolveLogInputs(inputs);
    const stateDir = isAbsolute(config.stateDir) ? config.stateDir : join(process.cwd(), config.stateDir);
    const deadLetter = join(stateDir, 'dead-letter.jsonl');
    const outputs = await openOutputs(flags, format, live, config.stateDir);
    const { runDetect } = await import('../detect/engine.js');
    const progress = new ProgressRenderer(process.stderr);
    const stop = new AbortController();
    let syslog: Awaited<ReturnType<typeof startReceivers>> | undefined;
    let closing: Promise<void> | undefined;
    // Once: a receiver's close is not idempotent.
    const closeReceivers = (): Promise<void> => (closing ??= Promise.all((syslog?.receivers ?? []).map((r) => r.close())).then(() => undefined));
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) return;
      stopping = true;
      process.stderr.write('drawbridge: stopping: committing what was read\n');
      // Receivers first: what they already accepted is read to the end, then followed files stop.
      void closeReceivers()
        .then(() => syslog?.drained)
        .finally(() => stop.abort());
    };
    let result: DetectResult;
    try {
      if (live) {
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      syslog = listens.length > 0 ? await startReceivers(listens, flags.syslogAllowRemote === true, deadLetter) : undefined;
      result = await runDetect(inputs, {
        config,
        ...(flags.inputFormat ? { format: flags.inputFormat } : {}),
        ...(flags.fields ? { fields: flags.fields.split(/[\s,]+/).filter(Boolean) } : {}),
        ...(live ? { signal: stop.signal } : {}),
        follow: flags.follow === true,
        lineSources: (syslog?.sources ?? []).map((s) => (flags.inputFormat ? { ...s, format: flags.inputFormat } : s)),
        onAlert: async (a) => {
          progress.done();
          await outputs.write(a);
        },
        onProgress: (p) => progress.update(p),
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      progress.done();
      await closeReceivers();
      await outputs.close();
    }
    printDetectSummary(result, deadLetter);
    const unusable = unrecognisedInputs(result.unrecognised, DECODERS.map((d) => d.id));
    for (const r of syslog?.receivers ?? []) {
      const st = r.stats;
      process.stderr.write(`drawbridge: syslog ${r.transport}: ${st.received} messages, ${st.accepted} accepted, ${st.rejected} rejected (${st.dropped} dropped while busy)\n`);
    }
    if (live || outputs.sinkOnStdout) {
      // The alerts were streamed; a live table still ends with the incidents they form.
      if (live && !outputs.sinkOnStdout && format === 'table') process.stdout.write(incidentSummary(result.incidents, config.failOn));
      process.exitCode = result.alerts.some((a) => atLeast(a.severity, config.failOn)) ? EXIT_FINDINGS : EXIT_OK;
      if (unusable) throw unusable;
      return;
    }
    const extra = format === 'json' ? { stats: result.stats, incidents: result.incidents } : undefined;
    process.exitCode = emit('detect', result.alerts, format, config.failOn, extra);
    if (format === 'table') process.stdout.write(incidentSummary(result.incidents, config.failOn));
    if (unusable) throw unusable;
  });
}
