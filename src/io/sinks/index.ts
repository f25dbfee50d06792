/**
 * Choosing sinks from the command line: `--sink ecs|ocsf|jsonl|terminal[:PATH]` (stdout without a path),
 * `--webhook URL`, `--slack-webhook URL`.
 */
import { fileOutput, streamOutput, type WritableLike } from './output.js';
import { RecordSink, type RecordFormat } from './records.js';
import { TerminalSink } from './terminal.js';
import type { Sink } from './types.js';
import { spoolPathFor, WebhookSink, type WebhookOptions } from './webhook.js';

export { MultiSink, type Sink } from './types.js';
export { WebhookSink, spoolPathFor, slackPayload } from './webhook.js';

export const SINK_KINDS = ['terminal', 'jsonl', 'ocsf', 'ecs'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

export interface SinkSpec {
  kind: SinkKind;
  /** File to append to; stdout when absent. */
  path?: string;
}

export function parseSinkSpec(s: string): SinkSpec {
  const colon = s.indexOf(':');
  const kind = colon < 0 ? s : s.slice(0, colon);
  const path = colon < 0 ? undefined : s.slice(colon + 1);
  if (!(SINK_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`--sink: unknown sink "${kind}" (expected one of ${SINK_KINDS.join(', ')}, optionally followed by :PATH)`);
  }
  if (path === '') throw new Error(`--sink ${kind}: empty path after ":"`);
  return path === undefined ? { kind: kind as SinkKind } : { kind: kind as SinkKind, path };
}

export interface OpenSinkOptions {
  stdout?: WritableLike;
  /** Colour for the terminal sink (see wantColour in format/table). */
  colour?: boolean;
  /** Product version for OCSF metadata. */
  version?: string;
  now?: () => number;
}

export function openSink(spec: SinkSpec, opts: OpenSinkOptions = {}): Sink {
  const out = spec.path ? fileOutput(spec.path) : streamOutput(opts.stdout ?? process.stdout);
  if (spec.kind === 'terminal') return new TerminalSink(out, spec.path ? false : (opts.colour ?? false));
  return new RecordSink(spec.kind as RecordFormat, out, { version: opts.version, now: opts.now });
}

export interface OpenWebhookOptions extends Omit<WebhookOptions, 'url' | 'kind' | 'spoolPath'> {
  /** The state directory; the spool lives there (one file per endpoint). */
  stateDir: string;
}

/** `--webhook URL` (kind json) or `--slack-webhook URL` (kind slack). */
export function openWebhookSink(url: string, kind: 'json' | 'slack', opts: OpenWebhookOptions): Promise<WebhookSink> {
  return WebhookSink.open({ ...opts, url, kind, spoolPath: spoolPathFor(opts.stateDir, url) });
}
