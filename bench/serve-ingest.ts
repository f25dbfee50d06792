/**
 * serve/ingest — the Kubernetes audit webhook of `drawbridge serve` against the CLI reading the same
 * events from a file, in the same run:
 *   file:    runDetect over the generated audit log (events/s)
 *   webhook: EventList batches of 100–500 events POSTed on loopback by autocannon (in a worker thread, as
 *            a sender is another process), as fast as the server answers; events/s counts until
 *            detection has read every accepted event
 *   half:    the same at half of the webhook's events/s; p99 of POST → committed alert
 * Target: webhook ≥ 0.8 × file events/s, and p99 < 1 s at half that rate.
 * Usage: npx tsx bench/serve-ingest.ts [--quick] [--events N] [--connections N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { defaultConfig } from '../src/config/load.js';
import { runDetect } from '../src/detect/engine.js';
import { SqliteStateStore } from '../src/detect/state/sqlite.js';
import { buildServer } from '../src/server/app.js';
import { parseTokenFile, TokenSet } from '../src/server/tokens.js';
import { intFlag, machineInfo, parseFlags, printMachine, printTable, round, writeResult } from './lib/common.js';
import { writeK8sAuditLog } from './lib/logs.js';
import type { PostJob } from './lib/post-worker.js';

const TOKEN = 'bench-ingest-token-0123456789abcdef';

interface WebhookRun {
  events: number;
  seconds: number;
  /** CPU time of the process (server and load generator): comparable when the machine is shared. */
  cpuSeconds: number;
  eventsPerSecond: number;
  requests: number;
  non2xx: number;
  alertLatencyMs: { p50: number; p99: number; count: number };
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** EventList bodies of 100–500 events, cycling through the corpus. */
function batches(lines: string[]): { body: string; events: number }[] {
  const out: { body: string; events: number }[] = [];
  let i = 0;
  let n = 0;
  while (i < lines.length) {
    const size = 100 + ((n++ * 137) % 401);
    const items = lines.slice(i, i + size);
    out.push({ body: `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${items.join(',')}]}`, events: items.length });
    i += size;
  }
  return out;
}

async function webhookRun(dir: string, bodies: { body: string; events: number }[], connections: number, rate?: number): Promise<WebhookRun> {
  const stateDir = mkdtempSync(join(dir, 'serve-'));
  const config = { ...defaultConfig(), stateDir };
  const store = new SqliteStateStore(join(stateDir, 'state.db'));
  const latencies: number[] = [];
  let processed = 0;
  const server = await buildServer({
    config,
    store,
    stateDir,
    tokens: new TokenSet(parseTokenFile(`ingest:${TOKEN}\n`, 'bench')),
    rateLimit: 1_000_000,
    onCommittedAlert: (_a, latencyMs) => latencyMs !== undefined && latencies.push(latencyMs),
    onDetectProgress: (p) => (processed = p.records),
  });
  const { url } = await server.listen('127.0.0.1', 0);
  const total = bodies.reduce((s, b) => s + b.events, 0);
  const job: PostJob = { url: `${url}/v1/ingest/k8s-audit`, token: TOKEN, bodies: bodies.map((b) => b.body), connections, ...(rate ? { rate } : {}) };
  // The worker loads TypeScript through tsx's API (loader flags do not reach workers on Node 20).
  const entry = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(new URL('./lib/post-worker.ts', import.meta.url).href)}); })`;
  const w = new Worker(entry, { eval: true, workerData: job });
  // The sender is started and holds its bodies before the clock starts: a sender is another process.
  await new Promise<void>((ok, fail) => {
    w.once('message', () => ok());
    w.once('error', fail);
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await new Promise<{ requests: number; non2xx: number }>((ok, fail) => {
    w.once('message', ok);
    w.once('error', fail);
    w.postMessage('go');
  });
  // Accepted is not processed: wait until detection has read every event.
  while (processed < total) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await server.close();
  store.close();
  return {
    events: total,
    seconds: round(seconds, 2),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
    eventsPerSecond: Math.round(total / seconds),
    requests: result.requests,
    non2xx: result.non2xx,
    alertLatencyMs: { p50: round(quantile(latencies, 0.5), 1), p99: round(quantile(latencies, 0.99), 1), count: latencies.length },
  };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const quick = flags.quick;
  const events = intFlag(flags, 'events', quick ? 20_000 : 200_000);
  const connections = intFlag(flags, 'connections', 8);
  printMachine(machineInfo());
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-bench-serve-'));
  try {
    const file = join(dir, 'k8s-audit.jsonl');
    writeK8sAuditLog(file, events);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

    const cliState = mkdtempSync(join(dir, 'cli-'));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const cli = await runDetect([file], { config: { ...defaultConfig(), stateDir: cliState }, deadLetter: false });
    const fileSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const fileCpu = round((cpu.user + cpu.system) / 1e6, 2);
    const fileRate = Math.round(cli.stats.records / fileSeconds);

    const bodies = batches(lines);
    const full = await webhookRun(dir, bodies, connections);
    // Half of the webhook's events/s, as requests/s of the average batch.
    const perBatch = events / bodies.length;
    const half = await webhookRun(dir, bodies, connections, Math.max(1, Math.round(full.eventsPerSecond / 2 / perBatch)));

    printTable([
      ['path', 'events', 'seconds', 'CPU s', 'events/s', 'ratio to file', 'alert p50 ms', 'alert p99 ms'],
      ['file (CLI runDetect)', cli.stats.records, round(fileSeconds, 2), fileCpu, fileRate, '1.00', '', ''],
      ['webhook, full speed', full.events, full.seconds, full.cpuSeconds, full.eventsPerSecond, round(full.eventsPerSecond / fileRate, 2), full.alertLatencyMs.p50, full.alertLatencyMs.p99],
      ['webhook, half rate', half.events, half.seconds, half.cpuSeconds, half.eventsPerSecond, round(half.eventsPerSecond / fileRate, 2), half.alertLatencyMs.p50, half.alertLatencyMs.p99],
    ]);
    const ok = full.eventsPerSecond >= 0.8 * fileRate && half.alertLatencyMs.p99 < 1000;
    console.log(`target (webhook ≥ 0.8 × file, p99 < 1 s at half rate): ${ok ? 'met' : 'NOT met'}`);
    console.log(`results: ${writeResult('serve-ingest', { events, connections, fileRate, fileCpu, full, half, ok })}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
