/**
 * The same alert ids from `drawbridge serve` as from the CLI on the realistic emulation (a short seeded
 * one): its Kubernetes audit log goes to the webhook as EventList batches, its other logs (sshd, VPC flow,
 * the gateway's access logs, several of one format) to /v1/ingest/{format}?source=LOG, in event-time order
 * across logs as live shippers send them (each log keeping its own order); the CLI reads the same files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { decodeInputs } from '../../src/detect/decode-only.js';
import { runDetect } from '../../src/detect/engine.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import { emulate, type EmulationSummary } from '../../src/emulate/index.js';
import type { Alert } from '../../src/model/finding.js';
import { buildServer, type DrawbridgeServer } from '../../src/server/app.js';
import { parseTokenFile, TokenSet } from '../../src/server/tokens.js';

const READ = 'read-token-0123456789abcdefghijk';
const INGEST = 'ingest-token-0123456789abcdefghi';
const TOKENS = new TokenSet(parseTokenFile(`read:${READ}\ningest:${INGEST}\n`, 'tokens.txt'));

let dir: string;
let emu: EmulationSummary;
let server: DrawbridgeServer;
let store: SqliteStateStore;
let base: string;
let configText: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-serve-realistic-'));
  emu = await emulate({ outDir: join(dir, 'emu'), profile: 'realistic', seed: 5, scale: 0.02, historyDays: 3, liveDays: 2 });
  configText = readFileSync(emu.configPath, 'utf8');
  const state = join(dir, 'state');
  store = new SqliteStateStore(join(state, 'state.db'));
  server = await buildServer({ config: parseConfig(configText + `\nstateDir: ${state}\n`, 'drawbridge.yaml'), store, stateDir: state, tokens: TOKENS,
    pollMs: 100,
    rateLimit: 1_000_000,
    // A shipper that keeps delivering: no log is taken as caught up (and its order given up) in a pause of the replay.
    idleAfterMs: 30_000,
  });
  base = (await server.listen('127.0.0.1', 0)).url;
}, 120_000);

afterAll(async () => {
  await server?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Record {
  file: string;
  format: string;
  text: string;
  time: number;
}

/** Every line of the emulation with its format and event time (a line without an event keeps its file's time so far). */
async function timedRecords(files: string[]): Promise<Record[]> {
  const firstEvent = new Map<string, { format: string; time: number }>();
  await decodeInputs(files, {
    onEvent: ({ event, format }) => {
      const key = `${event.ref.source}\u0000${event.ref.line}`;
      const seen = firstEvent.get(key);
      if (!seen || event.time < seen.time) firstEvent.set(key, { format, time: event.time });
    },
  });
  const out: Record[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const format = [...firstEvent.entries()].find(([k]) => k.startsWith(file + '\u0000'))![1].format;
    let time = -Infinity;
    lines.forEach((text, i) => {
      const e = firstEvent.get(`${file}\u0000${i + 1}`);
      if (e && e.time > time) time = e.time;
      out.push({ file, format, text, time });
    });
  }
  // Stable: within a file, lines keep their order.
  return out.sort((a, b) => a.time - b.time);
}

describe('realistic emulation through the server and through files', () => {
  // Hundreds of requests in event-time order: generous on a loaded machine.
  it('gives the CLI’s alert ids, the Kubernetes audit log by the webhook and the other logs by /v1/ingest', { timeout: 300_000 }, async () => {
    // Every log, several access logs of the gateway among them: each posted as a source of its own.
    const files = emu.files.map((f) => join(emu.outDir, f.path));
    expect(files.some((f) => f.includes('kubernetes'))).toBe(true);
    expect(files.filter((f) => /edge-nginx|kong-proxy|kong-admin/.test(f)).length).toBeGreaterThanOrEqual(2);
    const records = await timedRecords(files);
    const formats = new Set(records.map((r) => r.format));
    expect([...formats].sort()).toEqual(expect.arrayContaining(['k8s-audit', 'sshd']));
    expect(formats.size).toBeLessThan(files.length);
    const sourceOf = (file: string): string => basename(file).replace(/[^A-Za-z0-9._-]/g, '-');

    // Runs of the same log become one request (at most 400 records), as a shipper batches.
    let i = 0;
    let requests = 0;
    while (i < records.length) {
      const { file, format } = records[i]!;
      const batch: string[] = [];
      while (i < records.length && records[i]!.file === file && batch.length < 400) batch.push(records[i++]!.text);
      const webhook = format === 'k8s-audit';
      const r = await fetch(`${base}/v1/ingest/${format}?source=${sourceOf(file)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${INGEST}`, 'content-type': webhook ? 'application/json' : 'text/plain' },
        body: webhook ? `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${batch.join(',')}]}` : batch.join('\n') + '\n',
      });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { accepted: number }).accepted).toBe(batch.length);
      requests++;
    }
    expect(requests).toBeGreaterThan(files.length);

    const cli = await runDetect(files, { config: parseConfig(configText + `\nstateDir: ${join(dir, 'cli-state')}\n`, 'drawbridge.yaml'), deadLetter: false });
    expect(cli.alerts.length).toBeGreaterThan(5);
    expect(new Set(cli.alerts.map((a) => a.location.source)).size).toBeGreaterThan(1);

    const served = await (async () => {
      const until = Date.now() + 120_000;
      for (;;) {
        const r = await fetch(`${base}/v1/alerts?limit=1000`, { headers: { authorization: `Bearer ${READ}` } });
        const got = (await r.json()) as { alerts: Alert[]; total: number };
        if (got.total >= cli.alerts.length || Date.now() > until) return got.alerts;
        await new Promise((ok) => setTimeout(ok, 250));
      }
    })();
    const view = (a: Alert): string => `${a.id} ${a.rule} ${a.severity} ${a.time}`;
    expect(served.map(view).sort()).toEqual(cli.alerts.map(view).sort());
  });
});
