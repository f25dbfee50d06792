/**
 * `drawbridge serve` over TLS with a required client certificate (M1037), with certificates made by
 * openssl for the test: a client without a certificate, or with one from another CA, gets no HTTP answer
 * at all; with one from the configured CA, ingestion and the API work.
 */
import { request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import { buildServer, type DrawbridgeServer } from '../../src/server/app.js';
import { parseTokenFile, TokenSet } from '../../src/server/tokens.js';
import { makePki, type TestPki } from './helpers/certs.js';

const READ = 'read-token-0123456789abcdefghijk';
const INGEST = 'ingest-token-0123456789abcdefghi';
const TOKENS = new TokenSet(parseTokenFile(`read:${READ}\ningest:${INGEST}\n`, 'tokens.txt'));

let dir: string;
let pki: TestPki;
let server: DrawbridgeServer;
let store: SqliteStateStore;
let port: number;

interface Answer {
  status: number;
  body: string;
}

/** One HTTPS request that trusts the test CA, with an optional client certificate. */
function call(path: string, opts: { method?: string; token?: string; body?: string; cert?: string; key?: string }): Promise<Answer> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        ca: readFileSync(pki.ca),
        ...(opts.cert ? { cert: readFileSync(opts.cert), key: readFileSync(opts.key!) } : {}),
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => ok({ status: res.statusCode!, body }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(opts.body);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-serve-tls-'));
  pki = makePki(dir);
  const state = join(dir, 'state');
  store = new SqliteStateStore(join(state, 'state.db'));
  server = await buildServer({
    config: { ...defaultConfig(), stateDir: state },
    store,
    stateDir: state,
    tokens: TOKENS,
    pollMs: 100,
    tls: { cert: pki.serverCert, key: pki.serverKey, clientCa: pki.ca, requireClientCert: true },
  });
  const bound = await server.listen('127.0.0.1', 0);
  expect(bound.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  port = bound.port;
}, 60_000);

afterAll(async () => {
  await server?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS with a required client certificate', () => {
  it('refuses a client without a certificate before any HTTP, even for the public routes', async () => {
    await expect(call('/healthz', {})).rejects.toThrow(/certificate|socket hang up|ECONNRESET/i);
  });

  it('refuses a client whose certificate another CA issued', async () => {
    await expect(call('/healthz', { cert: pki.strangerCert, key: pki.strangerKey })).rejects.toThrow(/certificate|unknown ca|socket hang up|ECONNRESET/i);
  });

  it('serves a client with a certificate of the configured CA: ingest, then the alert', async () => {
    const client = { cert: pki.clientCert, key: pki.clientKey };
    expect((await call('/healthz', client)).status).toBe(200);
    // The certificate authenticates the connection; the token still decides the scope.
    expect((await call('/v1/alerts', client)).status).toBe(401);
    const event = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Request',
      auditID: '00000000-0000-4000-8000-000000000001',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/default/pods',
      verb: 'create',
      user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
      sourceIPs: ['203.0.113.50'],
      objectRef: { resource: 'pods', namespace: 'default', name: 'miner', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      requestReceivedTimestamp: '2026-11-02T10:00:00.000000Z',
      stageTimestamp: '2026-11-02T10:00:00.100000Z',
    };
    const posted = await call('/v1/ingest/k8s-audit', { ...client, method: 'POST', token: INGEST, body: JSON.stringify({ kind: 'EventList', items: [event] }) });
    expect(posted.status).toBe(200);
    expect(JSON.parse(posted.body)).toEqual({ accepted: 1 });
    const until = Date.now() + 60_000;
    let rules: string[] = [];
    while (Date.now() < until) {
      const r = await call('/v1/alerts', { ...client, token: READ });
      rules = (JSON.parse(r.body) as { alerts: { rule: string }[] }).alerts.map((a) => a.rule);
      if (rules.length > 0) break;
      await new Promise((ok) => setTimeout(ok, 200));
    }
    expect(rules).toContain('unauthenticated-write');
  });
});
