/**
 * Named ingest sources (`POST /v1/ingest/{format}?source=NAME`), in-process on loopback with real SQLite:
 * two gateway logs of one format posted interleaved, one running two hours behind the other, are two
 * sources for detection: nothing is late and the alerts are the CLI's over the two files, whereas posted
 * as one source the lagging log's events come late. A source named before a restart is read on from its
 * checkpoint; bad names get a 400 that names the parameter.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { parseConfig } from '../../src/config/load.js';
import { runDetect } from '../../src/detect/engine.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import type { Alert } from '../../src/model/finding.js';
import { buildServer, type DrawbridgeServer } from '../../src/server/app.js';
import { parseTokenFile, TokenSet } from '../../src/server/tokens.js';

const READ = 'read-token-0123456789abcdefghijk';
const INGEST = 'ingest-token-0123456789abcdefghi';
const TOKENS = new TokenSet(parseTokenFile(`read:${READ}\ningest:${INGEST}\n`, 'tokens.txt'));
const CONFIG = 'organisation:\n  asns: [64500]\ndetect:\n  learningPeriod: 1d\n';
const auth = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

// nginx in front of the Docker Engine API with client certificates, JSON log_format with the
// ngx_http_ssl_module variables ($ssl_client_verify, $ssl_client_s_dn, $ssl_client_fingerprint).
const CERTS = ['a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', '0f1e2d3c4b5a69788796a5b4c3d2e1f001234567', '1111111111222222222233333333334444444444', '5555555555666666666677777777778888888888'];
const T0 = Date.parse('2026-11-02T00:00:00Z');
const HOUR = 3_600_000;

/** 60 hourly container creations through one gateway; now and then a certificate never seen, from outside. */
function gatewayLog(host: string, lagMs: number, cert: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 60; i++) {
    const odd = i >= 40 && i % 7 === 0;
    out.push(
      JSON.stringify({
        time_iso8601: new Date(T0 + i * HOUR - lagMs).toISOString().replace('.000Z', '+00:00'),
        remote_addr: odd ? `198.51.100.${i}` : '10.0.0.5',
        request: 'POST /v1.45/containers/create HTTP/1.1',
        status: 201,
        body_bytes_sent: 2,
        ssl_client_verify: 'SUCCESS',
        ssl_client_s_dn: odd ? `CN=ci-${i}` : 'CN=ci',
        ssl_client_fingerprint: CERTS[odd ? cert + 1 + (i % 2) : cert],
        server_port: '2376',
        host,
      }),
    );
  }
  return out;
}

// Gateway B's log runs twelve hours (and a second) behind gateway A's, more than a batch of ten spans:
// merged, its events are late.
const A = gatewayLog('docker-a', 0, 0);
const B = gatewayLog('docker-b', 12 * HOUR + 1_000, 1);

/** A source quiet this long is caught up: far more than the gap between two posts of this test. */
const IDLE_AFTER_MS = 4_000;

let dir: string;

interface Started {
  server: DrawbridgeServer;
  base: string;
  stop: () => Promise<void>;
}

async function start(state: string, extra: { maxSources?: number; maxPendingBytes?: number; rateLimit?: number } = {}): Promise<Started> {
  const config = parseConfig(CONFIG + `stateDir: ${state}\n`, 'drawbridge.yaml');
  const store = new SqliteStateStore(join(state, 'state.db'));
  const server = await buildServer({ config, store, stateDir: state, tokens: TOKENS, pollMs: 50, idleAfterMs: IDLE_AFTER_MS, ...extra });
  const base = (await server.listen('127.0.0.1', 0)).url;
  return {
    server,
    base,
    stop: async () => {
      await server.close();
      store.close();
    },
  };
}

async function post(base: string, lines: string[], source?: string): Promise<Response> {
  const q = source === undefined ? '' : `?source=${encodeURIComponent(source)}`;
  return fetch(`${base}/v1/ingest/nginx-access${q}`, { method: 'POST', headers: auth(INGEST), body: lines.join('\n') + '\n' });
}

/**
 * The two logs in batches of ten, the lagging one first: B1, A1, B2, A2, … Once the server's empty spool
 * files are caught up, as on a server that has run for a while (until then they hold every event back).
 */
async function postInterleaved(base: string, sources: [string, string] | undefined): Promise<void> {
  await new Promise((r) => setTimeout(r, IDLE_AFTER_MS + 500));
  for (let i = 0; i < A.length; i += 10) {
    for (const [log, source] of [[B, sources?.[1]], [A, sources?.[0]]] as const) {
      const r = await post(base, log.slice(i, i + 10), source);
      expect(r.status, await r.clone().text()).toBe(200);
    }
  }
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(base + '/metrics', { headers: auth(READ) })).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

async function alertsOf(base: string): Promise<Alert[]> {
  const r = await fetch(base + '/v1/alerts?limit=1000', { headers: auth(READ) });
  return ((await r.json()) as { alerts: Alert[] }).alerts;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-serve-ingest-sources-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('named ingest sources', () => {
  it('keeps two interleaved gateway logs apart: none of their events late, the alerts of the CLI over the two files', async () => {
    const a = join(dir, 'gateway-a.log');
    const b = join(dir, 'gateway-b.log');
    writeFileSync(a, A.join('\n') + '\n');
    writeFileSync(b, B.join('\n') + '\n');
    const cli = await runDetect([a, b], { config: parseConfig(CONFIG + `stateDir: ${join(dir, 'cli')}\n`, 'x.yaml'), deadLetter: false, format: 'nginx-access' });
    expect(cli.stats.late).toBe(0);
    expect(cli.alerts.length).toBeGreaterThan(5);

    const state = join(dir, 'state-named');
    let s = await start(state);
    try {
      await postInterleaved(s.base, ['gw-a', 'gw-b']);
      const served = await waitFor('the alerts of both gateways', async () => {
        const got = await alertsOf(s.base);
        return got.length >= cli.alerts.length && (await metric(s.base, 'drawbridge_detect_records')) === A.length + B.length ? got : undefined;
      });
      expect(await metric(s.base, 'drawbridge_detect_late_total')).toBe(0);
      expect(served.map((x) => x.id).sort()).toEqual(cli.alerts.map((x) => x.id).sort());
      // Each alert names the source its record came by.
      const bySource = new Set(served.map((x) => x.location.source));
      expect(bySource).toEqual(new Set([join(state, 'ingest', 'nginx-access@gw-a.log'), join(state, 'ingest', 'nginx-access@gw-b.log')]));
      for (const x of served) expect(x.location.source.endsWith(x.asset.endsWith('docker-a') ? '@gw-a.log' : x.asset.endsWith('docker-b') ? '@gw-b.log' : '.log')).toBe(true);
    } finally {
      await s.stop();
    }

    // A batch of gw-b accepted just before a crash, not yet read: on the next start, the named sources are
    // found in the spool and read on from their checkpoints.
    const next = (log: string[], host: string): string => JSON.stringify({ ...(JSON.parse(log[log.length - 1]!) as object), time_iso8601: new Date(T0 + 61 * HOUR).toISOString().replace('.000Z', '+00:00'), host });
    appendFileSync(join(state, 'ingest', 'nginx-access@gw-b.log'), next(B, 'docker-b') + '\n');
    s = await start(state);
    try {
      expect((await post(s.base, [next(A, 'docker-a')], 'gw-a')).status).toBe(200);
      await waitFor('the two lines after the restart', async () => ((await metric(s.base, 'drawbridge_detect_records')) === 2 ? true : undefined));
      await new Promise((r) => setTimeout(r, 500));
      expect(await metric(s.base, 'drawbridge_detect_records')).toBe(2);
    } finally {
      await s.stop();
    }
  }, 120_000);

  it('posted as one source (no name), the lagging log’s events come late', async () => {
    const s = await start(join(dir, 'state-merged'));
    try {
      await postInterleaved(s.base, undefined);
      const late = await waitFor('every record read', async () => ((await metric(s.base, 'drawbridge_detect_records')) === A.length + B.length ? metric(s.base, 'drawbridge_detect_late_total') : undefined));
      expect(late).toBeGreaterThan(0);
    } finally {
      await s.stop();
    }
  }, 120_000);

  it('refuses a bad source name with a 400 that names the parameter, and more sources than the limit', async () => {
    const s = await start(join(dir, 'state-names'), { maxSources: 2 });
    try {
      const line = [A[0]!];
      for (const bad of ['', '../etc', 'a/b', '.hidden', '-x', 'a b', 'é', 'x'.repeat(65)]) {
        const r = await post(s.base, line, bad);
        expect(r.status, bad).toBe(400);
        expect(((await r.json()) as { error: string }).error, bad).toMatch(/^query parameter "source": /);
      }
      const twice = await fetch(`${s.base}/v1/ingest/nginx-access?source=a&source=b`, { method: 'POST', headers: auth(INGEST), body: line[0] + '\n' });
      expect(twice.status).toBe(400);
      expect(((await twice.json()) as { error: string }).error).toBe('query parameter "source": give it once');
      const k8s = await fetch(`${s.base}/v1/ingest/k8s-audit?source=a%2Fb`, { method: 'POST', headers: auth(INGEST), body: '{}' });
      expect(k8s.status).toBe(400);

      expect((await post(s.base, line, 'edge-1.eu_west')).status).toBe(200);
      expect((await post(s.base, line, 'x'.repeat(64))).status).toBe(200);
      const third = await post(s.base, line, 'third');
      expect(third.status).toBe(400);
      expect(((await third.json()) as { error: string }).error).toMatch(/^query parameter "source": this server keeps at most 2 named sources/);
      // Known sources still take batches; so does the default one.
      expect((await post(s.base, line, 'edge-1.eu_west')).status).toBe(200);
      expect((await post(s.base, line)).status).toBe(200);
    } finally {
      await s.stop();
    }
  }, 60_000);

  it('answers 503 with Retry-After while detection is behind by more than the limit, and 429 past the rate limit', async () => {
    const s = await start(join(dir, 'state-pressure'), { maxPendingBytes: 1 });
    try {
      // A large batch is accepted (nothing was pending); right after it, detection is still reading it.
      const big = Array.from({ length: 20_000 }, (_, i) => A[i % A.length]!);
      expect((await post(s.base, big, 'gw-a')).status).toBe(200);
      const refused = await post(s.base, [A[0]!], 'gw-b');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      // Once detection has processed all of it (the last events wait until the source is caught up), batches are accepted again.
      await waitFor('detection to catch up', async () => ((await metric(s.base, 'drawbridge_ingest_queue_bytes')) === 0 ? true : undefined));
      expect((await post(s.base, [A[1]!], 'gw-b')).status).toBe(200);
    } finally {
      await s.stop();
    }
    const r = await start(join(dir, 'state-rate'), { rateLimit: 2 });
    try {
      expect((await post(r.base, [A[0]!])).status).toBe(200);
      expect((await post(r.base, [A[1]!], 'gw-a')).status).toBe(200);
      const limited = await post(r.base, [A[2]!], 'gw-b');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await r.stop();
    }
  }, 60_000);
});
