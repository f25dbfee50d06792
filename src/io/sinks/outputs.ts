/**
 * Where a detect run's alerts go, from the command line's sink flags: sinks with a file and webhooks are
 * durable (fed through the state store's outbox, at least once, by alert id); standard output — a sink
 * without a path, or the live run's own stream — takes each alert as it comes.
 */
import { resolve } from 'node:path';
import type { OutputFormat } from '../format/index.js';
import { openSink, openWebhookSink, parseSinkSpec, type SinkSpec } from './index.js';
import { MultiSink, type DurableSink, type Sink } from './types.js';
import type { WebhookEvent, WebhookSink, WebhookStats } from './webhook.js';
import { pushAll } from '../../util/arrays.js';

export interface OutputRequest {
  /** `--sink KIND[:PATH]` values. */
  sinks: readonly string[];
  /** `--webhook` and `--slack-webhook` URLs. */
  webhooks: readonly string[];
  slackWebhooks: readonly string[];
  /** The run's --format: what a live run writes on standard output. */
  format: OutputFormat;
  /** A live run (--follow, --syslog) writes each alert to standard output as it comes. */
  live: boolean;
  /** The state folder, where webhook spools live. */
  stateDir: string;
  colour: boolean;
  version: string;
  /** Each webhook event (deliveries, retries, failures), with the endpoint's URL. */
  onWebhookEvent?: (e: WebhookEvent, url: string) => void;
  /** Each webhook's totals once what can be delivered is delivered. */
  onWebhookClosed?: (url: string, stats: WebhookStats, pending: number) => void;
}

export interface AlertOutputs {
  /** Sinks fed through the outbox. */
  durable: DurableSink[];
  /** Write one alert to standard output (a no-op when nothing is written there as alerts come). */
  write(alert: Parameters<Sink['write']>[0]): Promise<void>;
  /** A sink took standard output over from the --format output. */
  sinkOnStdout: boolean;
  /** Deliver what webhooks can, then close every sink. */
  close(): Promise<void>;
}

/** One-line records for a live run's standard output: json cannot be streamed, so it means jsonl. */
function liveStdoutKind(format: OutputFormat): SinkSpec['kind'] {
  return format === 'table' ? 'terminal' : format === 'ocsf' ? 'ocsf' : 'jsonl';
}

/** Check every flag first (an Error names the bad one), then open the sinks. */
export async function openAlertOutputs(req: OutputRequest): Promise<AlertOutputs> {
  const specs = req.sinks.map(parseSinkSpec);
  const hooks = [...req.webhooks.map((u) => [u, 'json'] as const), ...req.slackWebhooks.map((u) => [u, 'slack'] as const)];
  for (const [url] of hooks) {
    if (!/^https?:\/\//.test(url)) throw new Error(`webhook: expected an http(s) URL (got "${url}")`);
  }
  const sinkOnStdout = specs.some((s) => s.path === undefined);
  if (req.live && !sinkOnStdout) specs.push({ kind: liveStdoutKind(req.format) });
  const sinkOpts = { colour: req.colour, version: req.version };
  const durable: DurableSink[] = [];
  const stdout: Sink[] = [];
  for (const s of specs) {
    const sink = openSink(s, sinkOpts);
    if (s.path === undefined) stdout.push(sink);
    else durable.push(Object.assign(sink, { name: `${s.kind}:${resolve(s.path)}` }));
  }
  const webhooks: WebhookSink[] = await Promise.all(hooks.map(([url, kind]) => openWebhookSink(url, kind, { stateDir: req.stateDir, onEvent: (e) => req.onWebhookEvent?.(e, url) })));
  pushAll(durable, webhooks);
  const out = new MultiSink(stdout);
  return {
    durable,
    sinkOnStdout,
    write: (alert) => out.write(alert),
    async close() {
      for (const w of webhooks) await w.flush();
      webhooks.forEach((w, i) => req.onWebhookClosed?.(hooks[i]![0], w.stats, w.pending));
      await new MultiSink([...stdout, ...durable]).close();
    },
  };
}
