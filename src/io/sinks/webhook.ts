/**
 * Alerts POSTed to an HTTP endpoint: the alert as JSON, or a Slack-compatible message ({text, blocks}).
 * Every alert is spooled on disk before it is sent and acknowledged in the spool once the endpoint
 * accepted it, so an unreachable endpoint loses nothing: the next run replays the spool first.
 * Deliveries retry with exponential backoff and jitter; when one exhausts its attempts the endpoint is
 * taken as down for a cool-down, during which alerts are only spooled; when it ends the spool is tried
 * again on its own (no new alert needed), the cool-down doubling while the endpoint stays down. Each request carries the
 * alert id (Idempotency-Key) so a receiver can drop the rare duplicate of a crash between its
 * acceptance and our ack.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Alert } from '../../model/finding.js';
import { locationKey } from '../../model/finding.js';
import { SUB_TECHNIQUES, TECHNIQUE } from '../../model/technique.js';
import { backoffDelay, DEFAULT_RETRY, retryAfterMs, sleep, type RetryPolicy } from './backoff.js';
import { Spool, type SpoolEntry, type SpoolReject } from './spool.js';
import type { DurableSink } from './types.js';

export type WebhookKind = 'json' | 'slack';

export type WebhookEvent =
  | { kind: 'delivered'; id: string; attempts: number }
  | { kind: 'retry'; id: string; attempt: number; reason: string; delayMs: number }
  | { kind: 'down'; id: string; reason: string }
  | { kind: 'rejected'; id: string; reason: string }
  | { kind: 'spool-corrupt'; reject: SpoolReject };

export interface WebhookOptions {
  url: string;
  kind?: WebhookKind;
  /** The spool file; see spoolPathFor(). */
  spoolPath: string;
  /** Alerts the endpoint refused for good (4xx other than 408/425/429), kept with the reason. Default: next to the spool. */
  rejectedPath?: string;
  retry?: Partial<RetryPolicy>;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** After a delivery exhausted its attempts, only spool for this long, then retry; doubles per failed retry. Default 60 s. */
  downCooldownMs?: number;
  /** Longest cool-down. Default 15 minutes. */
  maxCooldownMs?: number;
  headers?: Record<string, string>;
  onEvent?: (e: WebhookEvent) => void;
  /** Injection points for tests. */
  fetch?: typeof fetch;
  random?: () => number;
  now?: () => number;
}

export interface WebhookStats {
  delivered: number;
  retries: number;
  rejected: number;
  /** Alerts spooled in this run (replayed ones not included). */
  spooled: number;
  /** Entries found in the spool at start. */
  replayed: number;
}

/** An endpoint named by a hash, so the URL (a secret for Slack) never appears in a file name or the state. */
function endpointHash(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

/** One spool per endpoint. */
export function spoolPathFor(stateDir: string, url: string): string {
  return join(stateDir, `webhook-spool-${endpointHash(url)}.jsonl`);
}

/** Slack mrkdwn: &, < and > are control characters and must be escaped (attacker text reaches alerts). */
function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

/** Slack Block Kit message for one alert (header ≤150 chars, section text ≤3000, fields ≤2000). */
export function slackPayload(a: Alert): { text: string; blocks: Record<string, unknown>[] } {
  const sev = a.severity.toUpperCase();
  const field = (label: string, value: string): Record<string, unknown> => ({ type: 'mrkdwn', text: cut(`*${label}*\n${slackEscape(value)}`, 2000) });
  return {
    text: cut(`[${sev}] ${slackEscape(a.title)} (${slackEscape(a.asset)})`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(`${sev}: ${a.title}`, 150) } },
      {
        type: 'section',
        fields: [
          field('Rule', a.rule),
          field('Asset', a.asset),
          field('Sub-technique', `${SUB_TECHNIQUES[a.subTechnique]} (${TECHNIQUE})`),
          field('Time', a.time),
        ],
      },
      ...(a.remediation ? [{ type: 'section', text: { type: 'mrkdwn', text: cut(`*Fix*\n\`\`\`${slackEscape(a.remediation)}\`\`\``, 3000) } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: cut(slackEscape(`${a.id} · ${a.control} · ${locationKey(a.location)}`), 3000) }] },
    ],
  };
}

type Outcome = { ok: true; attempts: number } | { ok: false; permanent: boolean; reason: string };

export class WebhookSink implements DurableSink {
  /** The endpoint as the outbox knows it. */
  readonly name: string;
  readonly stats: WebhookStats = { delivered: 0, retries: 0, rejected: 0, spooled: 0, replayed: 0 };
  private readonly spool: Spool;
  private readonly retry: RetryPolicy;
  private readonly owed = new Map<string, SpoolEntry>();
  /** Delivered in this run: a repeated write of the same alert is not sent twice. */
  private readonly delivered = new Set<string>();
  private readonly stop = new AbortController();
  private running?: Promise<void>;
  private downUntil = -Infinity;
  /** Cool-downs in a row (reset by a delivery). */
  private downs = 0;
  private retryTimer?: NodeJS.Timeout;
  /** Spool writes and acks in order, one at a time. */
  private spoolChain: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: WebhookOptions) {
    const u = new URL(opts.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`webhook: only http(s) URLs are supported, not ${u.protocol}`);
    this.name = `webhook:${endpointHash(opts.url)}`;
    this.spool = new Spool(opts.spoolPath);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  /** Open the sink: load what an earlier run left in the spool and start delivering it. */
  static async open(opts: WebhookOptions): Promise<WebhookSink> {
    const sink = new WebhookSink(opts);
    const { entries, rejects } = await sink.spool.load();
    for (const r of rejects) {
      await sink.keepRejected({ reason: r.reason, text: r.text });
      opts.onEvent?.({ kind: 'spool-corrupt', reject: r });
    }
    for (const e of entries) sink.owed.set(e.id, e);
    sink.stats.replayed = entries.length;
    // Corrupt lines are kept aside; the spool itself is rewritten without them.
    if (rejects.length > 0) await sink.spool.rewrite(entries);
    sink.kick();
    return sink;
  }

  /** Alerts not yet acknowledged by the endpoint. */
  get pending(): number {
    return this.owed.size;
  }

  async write(alert: Alert): Promise<void> {
    if (this.delivered.has(alert.id) || this.owed.has(alert.id)) return;
    const entry: SpoolEntry = { id: alert.id, alert, spooled: new Date(this.now()).toISOString() };
    this.owed.set(alert.id, entry);
    this.stats.spooled++;
    await this.serial(() => this.spool.append(entry));
    this.kick();
  }

  /** Wait until everything owed is delivered, or the endpoint is down (what is left stays spooled). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stop: a retry wait in progress is cut short, the request in flight finishes; the rest stays spooled. */
  async close(): Promise<void> {
    this.stop.abort();
    clearTimeout(this.retryTimer);
    await this.flush();
    await this.spoolChain;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.spoolChain.then(fn);
    this.spoolChain = next.catch(() => undefined);
    return next;
  }

  private kick(): void {
    if (this.running || this.stop.signal.aborted || this.owed.size === 0) return;
    if (this.now() < this.downUntil) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      // Alerts written while the last delivery was finishing.
      if (this.owed.size > 0 && this.now() >= this.downUntil) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (!this.stop.signal.aborted) {
      const next = this.owed.values().next();
      if (next.done) return;
      const entry = next.value;
      const r = await this.deliver(entry);
      if (r.ok) {
        this.owed.delete(entry.id);
        this.delivered.add(entry.id);
        this.downs = 0;
        this.stats.delivered++;
        this.opts.onEvent?.({ kind: 'delivered', id: entry.id, attempts: r.attempts });
        const owed = [...this.owed.values()];
        await this.serial(() => this.spool.ack(entry.id, owed));
      } else if (r.permanent) {
        this.owed.delete(entry.id);
        this.stats.rejected++;
        this.opts.onEvent?.({ kind: 'rejected', id: entry.id, reason: r.reason });
        await this.keepRejected({ reason: `webhook refused alert ${entry.id}: ${r.reason}`, alert: entry.alert });
        const owed = [...this.owed.values()];
        await this.serial(() => this.spool.ack(entry.id, owed));
      } else {
        if (this.stop.signal.aborted) return;
        this.coolDown();
        this.opts.onEvent?.({ kind: 'down', id: entry.id, reason: r.reason });
        return;
      }
    }
  }

  /** Only spool for a while, then try the spool again on a timer of its own (it must not wait for a new alert). */
  private coolDown(): void {
    const base = this.opts.downCooldownMs ?? 60_000;
    const delay = Math.min(this.opts.maxCooldownMs ?? 900_000, base * 2 ** Math.min(this.downs, 20));
    this.downs++;
    this.downUntil = this.now() + delay;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.kick(), delay);
    // A pending retry alone must not keep a finished process alive.
    this.retryTimer.unref();
  }

  private body(a: Alert): string {
    return JSON.stringify(this.opts.kind === 'slack' ? slackPayload(a) : a);
  }

  private async deliver(entry: SpoolEntry): Promise<Outcome> {
    const doFetch = this.opts.fetch ?? fetch;
    const body = this.body(entry.alert);
    let reason: string;
    for (let attempt = 1; ; attempt++) {
      let wait: number | undefined;
      try {
        const res = await doFetch(this.opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': entry.id, 'user-agent': 'drawbridge', ...this.opts.headers },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
        // Drain the body so the connection can be reused.
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) return { ok: true, attempts: attempt };
        reason = `HTTP ${res.status}`;
        const transient = res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500;
        if (!transient) return { ok: false, permanent: true, reason };
        wait = retryAfterMs(res.headers.get('retry-after'), this.now(), this.retry.maxMs);
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        reason = `${err.cause?.code ?? err.name}: ${err.message}`;
      }
      if (attempt >= this.retry.attempts || this.stop.signal.aborted) return { ok: false, permanent: false, reason };
      const delayMs = wait ?? backoffDelay(attempt - 1, this.retry, this.opts.random);
      this.stats.retries++;
      this.opts.onEvent?.({ kind: 'retry', id: entry.id, attempt, reason, delayMs });
      await sleep(delayMs, this.stop.signal);
      if (this.stop.signal.aborted) return { ok: false, permanent: false, reason };
    }
  }

  private async keepRejected(record: Record<string, unknown>): Promise<void> {
    const path = this.opts.rejectedPath ?? this.opts.spoolPath.replace(/\.jsonl$/, '') + '.rejected.jsonl';
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await appendFile(path, JSON.stringify({ time: new Date(this.now()).toISOString(), ...record }) + '\n', { mode: 0o600 });
  }
}
