import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAlert, type Alert } from '../../../src/model/finding.js';
import { backoffDelay, retryAfterMs } from '../../../src/io/sinks/backoff.js';
import { openWebhookSink, spoolPathFor, slackPayload, WebhookSink } from '../../../src/io/sinks/index.js';
import type { WebhookEvent } from '../../../src/io/sinks/webhook.js';
import { eventually, tempDir } from '../sources/helpers.js';

const FAST = { attempts: 4, baseMs: 2, maxMs: 10 };

function alert(n: number, extra: Partial<Alert> = {}): Alert {
  return makeAlert({
    rule: 'unseen-credential',
    subTechnique: 'ssh-access',
    control: 'DS0002',
    severity: 'high',
    title: `Login with a key never seen for user${n}@bastion-1`,
    asset: `user${n}@bastion-1`,
    location: { source: 'auth.log', offset: n * 100 },
    time: '2026-03-04T09:15:02.000Z',
    evidence: { src: '203.0.113.9', user: `user${n}` },
    remediation: 'Verify the key with its owner.',
    ...extra,
  });
}

interface Received {
  id: string | undefined;
  body: unknown;
}

/** A loopback HTTP endpoint that answers `failures` requests with `failStatus`, then 200. */
class Endpoint {
  readonly received: Received[] = [];
  requests = 0;
  private server?: Server;
  constructor(
    public failures = 0,
    private readonly failStatus = 503,
  ) {}

  async start(port = 0): Promise<number> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        if (this.failures > 0) {
          this.failures--;
          res.writeHead(this.failStatus).end('try later');
          return;
        }
        this.received.push({ id: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  /** How often each alert id arrived. */
  counts(): Record<string, number> {
    const c: Record<string, number> = {};
    for (const r of this.received) c[r.id ?? '?'] = (c[r.id ?? '?'] ?? 0) + 1;
    return c;
  }
}

let dir: string;
let cleanup: () => void;
const endpoints: Endpoint[] = [];
beforeEach(() => {
  ({ dir, cleanup } = tempDir('webhook'));
});
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.stop()));
  cleanup();
});

async function endpoint(failures = 0, status = 503, port = 0): Promise<{ ep: Endpoint; url: string }> {
  const ep = new Endpoint(failures, status);
  endpoints.push(ep);
  const p = await ep.start(port);
  return { ep, url: `http://127.0.0.1:${p}/hook` };
}

describe('webhook sink', () => {
  it('retries a failing endpoint with backoff and delivers each alert once when it recovers', async () => {
    const { ep, url } = await endpoint(3, 503);
    const events: WebhookEvent[] = [];
    const sink = await openWebhookSink(url, 'json', { stateDir: dir, retry: FAST, onEvent: (e) => events.push(e) });
    const alerts = [alert(1), alert(2)];
    for (const a of alerts) await sink.write(a);
    await sink.flush();
    await sink.close();
    expect(ep.requests).toBe(5);
    expect(ep.received.map((r) => r.id)).toEqual(alerts.map((a) => a.id));
    expect(ep.received[0]!.body).toEqual(JSON.parse(JSON.stringify(alerts[0])));
    expect(sink.stats).toMatchObject({ delivered: 2, retries: 3, rejected: 0 });
    expect(events.filter((e) => e.kind === 'retry').map((e) => (e as { reason: string }).reason)).toEqual(['HTTP 503', 'HTTP 503', 'HTTP 503']);
    // Everything acknowledged: no spool left behind.
    expect(existsSync(spoolPathFor(dir, url))).toBe(false);
  });

  it('keeps alerts spooled while the endpoint is down and delivers them exactly once on the next run', async () => {
    // Reserve a loopback port, then free it: nothing listens there during the first run.
    const probe = await endpoint();
    const port = Number(new URL(probe.url).port);
    await probe.ep.stop();
    const url = probe.url;
    const alerts = [alert(1), alert(2), alert(3)];

    const first = await openWebhookSink(url, 'json', { stateDir: dir, retry: FAST });
    for (const a of alerts) await first.write(a);
    await first.flush();
    await first.close();
    expect(first.stats.delivered).toBe(0);
    expect(first.pending).toBe(3);
    const spool = spoolPathFor(dir, url);
    expect(readFileSync(spool, 'utf8').trim().split('\n')).toHaveLength(3);

    const { ep } = await endpoint(0, 503, port);
    const second = await openWebhookSink(url, 'json', { stateDir: dir, retry: FAST });
    expect(second.stats.replayed).toBe(3);
    // The engine re-raising the same alerts on a resumed run must not send them twice.
    for (const a of alerts) await second.write(a);
    await second.flush();
    await second.close();
    expect(ep.counts()).toEqual(Object.fromEntries(alerts.map((a) => [a.id, 1])));
    expect(existsSync(spool)).toBe(false);

    // A third run finds nothing owed.
    const third = await openWebhookSink(url, 'json', { stateDir: dir, retry: FAST });
    await third.flush();
    await third.close();
    expect(third.stats.replayed).toBe(0);
    expect(ep.received).toHaveLength(3);
  });

  it('retries the spool on its own schedule once the endpoint is back, with no new alert to wake it', async () => {
    const probe = await endpoint();
    const port = Number(new URL(probe.url).port);
    await probe.ep.stop();
    const events: WebhookEvent[] = [];
    const sink = await openWebhookSink(probe.url, 'json', { stateDir: dir, retry: FAST, downCooldownMs: 50, onEvent: (e) => events.push(e) });
    const a = alert(1);
    await sink.write(a);
    await eventually(() => events.some((e) => e.kind === 'down'), 'the endpoint taken as down');
    // Still down at the first scheduled retry: the cool-down doubles and the retry comes again.
    await eventually(() => events.filter((e) => e.kind === 'down').length >= 2, 'a second scheduled retry');
    const { ep } = await endpoint(0, 503, port);
    await eventually(() => ep.received.length === 1, 'the spooled alert delivered by a scheduled retry');
    await sink.close();
    expect(ep.received.map((r) => r.id)).toEqual([a.id]);
    expect(sink.pending).toBe(0);
    expect(existsSync(spoolPathFor(dir, probe.url))).toBe(false);
  });

  it('does not retry an alert the endpoint refuses for good, and keeps it with the reason', async () => {
    const { ep, url } = await endpoint(1, 400);
    const sink = await openWebhookSink(url, 'json', { stateDir: dir, retry: FAST });
    const a = alert(7);
    await sink.write(a);
    await sink.write(alert(8));
    await sink.flush();
    await sink.close();
    expect(ep.requests).toBe(2);
    expect(ep.received.map((r) => r.id)).toEqual([alert(8).id]);
    const rejected = readFileSync(spoolPathFor(dir, url).replace(/\.jsonl$/, '.rejected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; alert: Alert });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatch(/HTTP 400/);
    expect(rejected[0]!.alert.id).toBe(a.id);
  });

  it('replays a spool whose last line was cut off, keeping the broken line aside', async () => {
    const { ep, url } = await endpoint();
    const spool = spoolPathFor(dir, url);
    const a = alert(1);
    writeFileSync(spool, JSON.stringify({ id: a.id, alert: a, spooled: 'x' }) + '\n' + '{"id":"DRA-cut","alert":{"id"');
    const sink = await openWebhookSink(url, 'json', { stateDir: dir, retry: FAST });
    await sink.flush();
    await sink.close();
    expect(ep.received.map((r) => r.id)).toEqual([a.id]);
    const kept = readFileSync(spool.replace(/\.jsonl$/, '.rejected.jsonl'), 'utf8');
    expect(kept).toMatch(/:2: not JSON/);
  });

  it('posts Slack-compatible messages with the attacker-controllable text escaped', async () => {
    const { ep, url } = await endpoint();
    const sink = await WebhookSink.open({ url, kind: 'slack', spoolPath: join(dir, 'slack.jsonl'), retry: FAST });
    const a = alert(1, { title: 'Login for <!channel> & friends', asset: 'x>y' });
    await sink.write(a);
    await sink.flush();
    await sink.close();
    const body = ep.received[0]!.body as ReturnType<typeof slackPayload>;
    expect(body.text).toBe('[HIGH] Login for &lt;!channel&gt; &amp; friends (x&gt;y)');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'HIGH: Login for <!channel> & friends' } });
    expect(JSON.stringify(body.blocks)).toContain(a.id);
    expect(JSON.stringify(body.blocks)).not.toContain('<!channel>&');
  });

  it('refuses non-HTTP URLs', async () => {
    await expect(WebhookSink.open({ url: 'file:///etc/passwd', spoolPath: join(dir, 's.jsonl') })).rejects.toThrow(/only http\(s\)/);
  });
});

describe('backoff', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const p = { attempts: 10, baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, p, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, p, () => 0)).toBe(0);
  });

  it('reads Retry-After in seconds or as a date, capped', () => {
    expect(retryAfterMs('3', 0, 10_000)).toBe(3000);
    expect(retryAfterMs('999', 0, 10_000)).toBe(10_000);
    expect(retryAfterMs(new Date(5000).toUTCString(), 1000, 10_000)).toBe(4000);
    expect(retryAfterMs('soon', 0, 10_000)).toBeUndefined();
    expect(retryAfterMs(null, 0, 10_000)).toBeUndefined();
  });
});
