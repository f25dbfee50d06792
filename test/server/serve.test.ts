/**
 * drawbridge serve, in-process on a loopback port with a real SQLite store: authentication and scopes,
 * the Kubernetes audit webhook (EventList batches, gzip) giving the same alerts as the CLI on the same
 * events, the SSE stream, back-pressure, metrics, OpenAPI, baselines with the admin log, security headers.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { parseConfig } from '../../src/config/load.js';
import { runDetect } from '../../src/detect/engine.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import { emulate } from '../../src/emulate/index.js';
import type { Alert } from '../../src/model/finding.js';
import { buildServer, type DrawbridgeServer } from '../../src/server/app.js';
import { parseTokenFile, TokenSet } from '../../src/server/tokens.js';

const ADMIN = 'admin-token-0123456789abcdefghij';
const READ = 'read-token-0123456789abcdefghijk';
const INGEST = 'ingest-token-0123456789abcdefghi';
const TOKENS = new TokenSet(parseTokenFile(`admin:${ADMIN}\nread:${READ}\ningest:${INGEST}\n`, 'tokens.txt'));

let dir: string;
let emuDir: string;
let server: DrawbridgeServer;
let store: SqliteStateStore;
let base: string;
let configText: string;

const auth = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

async function getJson<T>(path: string, token = READ): Promise<T> {
  const r = await fetch(base + path, { headers: auth(token) });
  expect(r.status, `${path}: ${r.status}`).toBe(200);
  return (await r.json()) as T;
}

/** Comparable view of an alert: everything but where its record was stored. */
function view(a: Alert): string {
  return JSON.stringify([a.rule, a.severity, a.asset, a.time, a.title, a.subTechnique, a.control]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-serve-'));
  emuDir = join(dir, 'emu');
  await emulate({ outDir: emuDir, seed: 3, days: 6 });
  configText = readFileSync(join(emuDir, 'drawbridge.yaml'), 'utf8');
  const config = parseConfig(configText + `\nstateDir: ${join(dir, 'state')}\n`, 'drawbridge.yaml');
  store = new SqliteStateStore(join(dir, 'state', 'state.db'));
  server = await buildServer({ config, store, stateDir: join(dir, 'state'), tokens: TOKENS, pollMs: 50, maxPendingBytes: 64 * 1024 * 1024 });
  base = (await server.listen('127.0.0.1', 0)).url;
}, 120_000);

afterAll(async () => {
  await server?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('authentication and scopes', () => {
  it('refuses data routes without a token, with a Bearer challenge', async () => {
    for (const path of ['/v1/alerts', '/v1/incidents', '/v1/findings', '/v1/surface', '/v1/baselines', '/metrics']) {
      const r = await fetch(base + path);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="drawbridge"');
    }
  });

  it('refuses an unknown token and a token of the wrong scope', async () => {
    expect((await fetch(base + '/v1/alerts', { headers: auth('not-a-token-at-all-0123456789') })).status).toBe(401);
    expect((await fetch(base + '/v1/alerts', { headers: auth(INGEST) })).status).toBe(403);
    const post = await fetch(base + '/v1/ingest/sshd', { method: 'POST', headers: auth(READ), body: 'x\n' });
    expect(post.status).toBe(403);
    const approve = await fetch(base + '/v1/baselines/approve', { method: 'POST', headers: { ...auth(READ), 'content-type': 'application/json' }, body: JSON.stringify({ detector: 'new-source-range', keys: ['10.0.1.5:22=203.0.113.0/24'] }) });
    expect(approve.status).toBe(403);
  });

  it('serves health, readiness and OpenAPI without a token', async () => {
    expect((await fetch(base + '/healthz')).status).toBe(200);
    expect((await fetch(base + '/readyz')).status).toBe(200);
    const doc = (await (await fetch(base + '/openapi.json')).json()) as { info: { title: string }; paths: Record<string, unknown> };
    expect(doc.info.title).toBe('Drawbridge API');
    for (const p of ['/v1/ingest/k8s-audit', '/v1/ingest/{format}', '/v1/alerts', '/v1/incidents', '/v1/findings', '/v1/surface', '/v1/baselines', '/v1/stream']) {
      expect(Object.keys(doc.paths), p).toContain(p);
    }
  });

  it('sends the security headers and no CORS grant', async () => {
    const r = await fetch(base + '/healthz');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    const pre = await fetch(base + '/v1/alerts', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('Kubernetes audit webhook', () => {
  it('accepts EventList batches (gzip too) and raises the same alerts as the CLI on the same events', async () => {
    const file = join(emuDir, 'logs', 'kubernetes', 'audit.log');
    const events = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
    expect(events.length).toBeGreaterThan(300);

    // The SSE stream is open before anything is ingested: it must carry every alert.
    const controller = new AbortController();
    const stream = await fetch(base + '/v1/stream', { headers: auth(READ), signal: controller.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const streamed: string[] = [];
    const reading = (async () => {
      const dec = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
          buf += dec.decode(chunk, { stream: true });
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const msg = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const id = /^id: (.+)$/m.exec(msg);
            if (/^event: alert$/m.test(msg) && id) streamed.push(id[1]!);
          }
        }
      } catch {
        // aborted at the end of the test
      }
    })();

    // Batches of 100–500 events, as the API server's batch backend sends them; every other one gzip'd.
    let sent = 0;
    let n = 0;
    while (sent < events.length) {
      const size = 100 + ((n * 137) % 401);
      const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: events.slice(sent, sent + size) });
      const gz = n % 2 === 1;
      const r = await fetch(base + '/v1/ingest/k8s-audit', {
        method: 'POST',
        headers: { ...auth(INGEST), 'content-type': 'application/json', ...(gz ? { 'content-encoding': 'gzip' } : {}) },
        body: gz ? gzipSync(body) : body,
      });
      expect(r.status).toBe(200);
      const accepted = ((await r.json()) as { accepted: number }).accepted;
      expect(accepted).toBe(Math.min(size, events.length - sent));
      sent += accepted;
      n++;
    }

    // The CLI on the same file, with the same configuration, on a store of its own.
    const cliConfig = parseConfig(configText + `\nstateDir: ${join(dir, 'cli-state')}\n`, 'drawbridge.yaml');
    const cli = await runDetect([file], { config: cliConfig, deadLetter: false });
    expect(cli.alerts.length).toBeGreaterThan(0);

    const served = await waitFor('the served alerts', async () => {
      const got = await getJson<{ alerts: Alert[]; total: number }>('/v1/alerts?limit=1000');
      return got.total >= cli.alerts.length ? got.alerts : undefined;
    });
    expect(served.map(view).sort()).toEqual(cli.alerts.map(view).sort());
    // The same records give the same alert ids, whichever way they came in.
    expect(served.map((a) => a.id).sort()).toEqual(cli.alerts.map((a) => a.id).sort());
    await waitFor('the streamed alerts', async () => (streamed.length >= served.length ? true : undefined));
    expect([...streamed].sort()).toEqual(served.map((a) => a.id).sort());
    controller.abort();
    await reading;

    const metrics = await (await fetch(base + '/metrics', { headers: auth(READ) })).text();
    expect(metrics).toContain(`drawbridge_ingest_records_total{format="k8s-audit"} ${events.length}`);
    expect(metrics).toMatch(/drawbridge_alerts_total\{rule="[a-z-]+",severity="[a-z]+"\} \d+/);
    expect(metrics).toMatch(/drawbridge_alert_latency_seconds_count \d+/);

    // Incidents and the surface are built from the same alerts.
    const inc = await getJson<{ incidents: { id: string; timeline: unknown[] }[] }>('/v1/incidents');
    for (const i of inc.incidents) expect(i.timeline.length).toBeGreaterThan(0);
    const surface = await getJson<{ matrix: { subTechnique: string; detect: { count: number } }[] }>('/v1/surface');
    expect(surface.matrix.reduce((s, r) => s + r.detect.count, 0)).toBe(served.length);
  });

  it('refuses bodies it cannot read, with a reason', async () => {
    const bad = await fetch(base + '/v1/ingest/k8s-audit', { method: 'POST', headers: { ...auth(INGEST), 'content-encoding': 'gzip' }, body: 'not gzip' });
    expect(bad.status).toBe(400);
    const list = await fetch(base + '/v1/ingest/k8s-audit', { method: 'POST', headers: auth(INGEST), body: '{"kind":"EventList","items":5}' });
    expect(list.status).toBe(400);
    const unknown = await fetch(base + '/v1/ingest/no-such-format', { method: 'POST', headers: auth(INGEST), body: 'x\n' });
    expect(unknown.status).toBe(404);
  });

  it('keeps the spool private', () => {
    expect(statSync(join(dir, 'state', 'ingest', 'k8s-audit.log')).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'state', 'server.db')).mode & 0o077).toBe(0);
  });
});

describe('alerts API', () => {
  it('filters by severity and pages with a cursor that covers every alert once', async () => {
    const all = await getJson<{ alerts: Alert[]; total: number }>('/v1/alerts?limit=1000');
    const high = await getJson<{ alerts: Alert[] }>('/v1/alerts?limit=1000&severity=high');
    expect(high.alerts.every((a) => a.severity === 'high' || a.severity === 'critical')).toBe(true);
    expect(high.alerts.length).toBe(all.alerts.filter((a) => a.severity === 'high' || a.severity === 'critical').length);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await getJson<{ alerts: Alert[]; next?: string }>(`/v1/alerts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...p.alerts.map((a) => a.id));
      cursor = p.next;
    } while (cursor);
    expect(ids).toEqual(all.alerts.map((a) => a.id));
    const bad = await fetch(base + '/v1/alerts?severity=huge', { headers: auth(READ) });
    expect(bad.status).toBe(400);
  });

  it('serves OCSF on request', async () => {
    const o = await getJson<{ alerts: { class_uid: number }[] }>('/v1/alerts?limit=5&format=ocsf');
    expect(o.alerts.length).toBeGreaterThan(0);
    for (const a of o.alerts) expect(a.class_uid).toBe(2004);
  });
});

describe('findings and baselines', () => {
  it('stores posted audit and probe findings and shows them per lens in the surface', async () => {
    const finding = {
      id: 'DRB-0000000000000001',
      rule: 'sshd-password-authentication',
      technique: 'AT-GA003',
      subTechnique: 'ssh-access',
      control: 'M1026',
      severity: 'high',
      title: 'Password login is allowed',
      asset: 'sshd@bastion',
      location: { file: 'sshd_config', line: 3 },
      evidence: {},
      remediation: 'PasswordAuthentication no',
    };
    const probeFinding = { ...finding, id: 'DRB-0000000000000002', rule: 'ssh-password-offered', location: { host: '127.0.0.1', port: 22 } };
    const r = await fetch(base + '/v1/findings', { method: 'POST', headers: { ...auth(INGEST), 'content-type': 'application/json' }, body: JSON.stringify({ findings: [finding, probeFinding] }) });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ stored: 2, audit: 1, probe: 1 });
    const audit = await getJson<{ findings: { id: string }[] }>('/v1/findings?lens=audit');
    expect(audit.findings.map((f) => f.id)).toEqual([finding.id]);
    const surface = await getJson<{ matrix: { subTechnique: string; audit: { count: number; worst?: string }; probe: { count: number } }[] }>('/v1/surface');
    const ssh = surface.matrix.find((m) => m.subTechnique === 'ssh-access')!;
    expect(ssh.audit).toEqual({ count: 1, worst: 'high' });
    expect(ssh.probe.count).toBe(1);
  });

  it('approves and forgets baseline entries with an admin token, and records who did', async () => {
    const body = JSON.stringify({ detector: 'new-source-range', keys: ['10.0.1.5:22=203.0.113.0/24'] });
    const headers = { ...auth(ADMIN), 'content-type': 'application/json' };
    const ok = await fetch(base + '/v1/baselines/approve', { method: 'POST', headers, body });
    expect(ok.status).toBe(200);
    const list = await getJson<{ entries: { detector: string; key: string; approved: boolean }[] }>('/v1/baselines?detector=new-source-range');
    expect(list.entries).toContainEqual(expect.objectContaining({ key: '10.0.1.5:22=203.0.113.0/24', approved: true }));
    const gone = await fetch(base + '/v1/baselines/forget', { method: 'POST', headers, body });
    expect(await gone.json()).toEqual({ forgotten: 1, missing: [] });
    const log = await getJson<{ entries: { actor: string; action: string }[] }>('/v1/admin-log', ADMIN);
    expect(log.entries.map((e) => [e.actor, e.action])).toEqual([
      ['tokens.txt:1', 'baseline.approve'],
      ['tokens.txt:1', 'baseline.forget'],
    ]);
    const badKey = await fetch(base + '/v1/baselines/approve', { method: 'POST', headers, body: JSON.stringify({ detector: 'new-source-range', keys: ['nonsense'] }) });
    expect(badKey.status).toBe(400);
  });
});
