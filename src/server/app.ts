/**
 * `drawbridge serve`: one process that ingests logs (Kubernetes audit webhook, NDJSON/text per format),
 * runs the detect pipeline over them, and serves the results (REST, SSE, Prometheus metrics, dashboard).
 *
 * Secure by default, because the server is itself a management interface: loopback unless told
 * otherwise, a Bearer token with a scope on every data route, TLS (optionally with required client
 * certificates) whenever it listens beyond loopback, body and rate limits, no CORS, a strict CSP, and
 * admin actions recorded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { DrawbridgeConfig } from '../config/schema.js';
import type { StateStore } from '../detect/state/types.js';
import type { DetectProgress } from '../detect/engine.js';
import type { Alert } from '../model/finding.js';
import { Arrivals } from './arrivals.js';
import { LiveDetect } from './live-detect.js';
import { ServerMetrics } from './metrics.js';
import { ObservationDigest } from '../detect/observations.js';
import { ServerDb } from './server-db.js';
import { IngestSpool } from './spool.js';
import { bearer, grants, type Scope, type TokenEntry, type TokenSet } from './tokens.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerReadRoutes } from './routes/read.js';
import { registerBaselineRoutes } from './routes/baselines.js';
import { registerStreamRoute, AlertBus } from './routes/stream.js';
import { registerDashboard } from './routes/dashboard.js';
import { ingestFormatsSet } from './routes/formats.js';
import { serveInputs } from './serve-inputs.js';
import { ServerRunner } from './runs.js';
import { registerRunRoutes } from './routes/runs.js';

export interface TlsFiles {
  cert: string;
  key: string;
  /** CA bundle that client certificates must chain to. */
  clientCa?: string;
  /** Refuse connections without a valid client certificate (M1037). */
  requireClientCert?: boolean;
}

export interface ServeOptions {
  config: DrawbridgeConfig;
  store: StateStore;
  /** Absolute state folder (spool and server.db live there). */
  stateDir: string;
  tokens: TokenSet;
  tls?: TlsFiles;
  /** Largest request body (after decompression), bytes. */
  bodyLimit?: number;
  /** Requests per minute per client (token, or address without one). */
  rateLimit?: number;
  /** Unprocessed spool bytes above which ingestion answers 503. */
  maxPendingBytes?: number;
  /** Named ingest sources (`?source=`) kept at most (default 256). */
  maxSources?: number;
  /** Read routes without a token: only for a lab, never the default (the server then reports itself open). */
  allowAnonymousRead?: boolean;
  /** Polling interval of the spool followers (ms). */
  pollMs?: number;
  /**
   * Quiet wall time (ms) after which a source is taken as caught up and stops holding event time back for
   * the others (default 1 s). Records that come later than that and older than detect.outOfOrderness
   * behind the others are late: processed, but out of order.
   */
  idleAfterMs?: number;
  /** Folder of the built dashboard; default dist/web of the package. */
  dashboardRoot?: string;
  /** For embedding and benchmarks: each committed alert, with ms since the request that carried its record. */
  onCommittedAlert?: (alert: Alert, latencyMs: number | undefined) => void;
  /** For embedding and benchmarks: detection's progress (totals since the server started). */
  onDetectProgress?: (p: DetectProgress) => void;
  logger?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one are public (health, OpenAPI, dashboard assets). */
    scope?: Scope;
  }
  interface FastifyRequest {
    token?: TokenEntry;
  }
}

export interface DrawbridgeServer {
  app: FastifyInstance;
  metrics: ServerMetrics;
  /** The syslog receivers' bound addresses (after listen). */
  receivers(): { transport: string; host: string; port: number }[];
  /** Start detection and listen. Resolves with the bound address. */
  listen(host: string, port: number): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export async function buildServer(opts: ServeOptions): Promise<DrawbridgeServer> {
  // Checked before anything is opened: a mistake names its key.
  const inputs = serveInputs(opts.config);
  const bodyLimit = opts.bodyLimit ?? 16 * MiB;
  const https = opts.tls
    ? {
        cert: readFileSync(opts.tls.cert),
        key: readFileSync(opts.tls.key),
        ...(opts.tls.clientCa ? { ca: readFileSync(opts.tls.clientCa), requestCert: true, rejectUnauthorized: opts.tls.requireClientCert === true } : {}),
      }
    : null;
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit, https, trustProxy: false, return503OnClosing: true }) as unknown as FastifyInstance;

  const metrics = new ServerMetrics();
  const db = new ServerDb(join(opts.stateDir, 'server.db'));
  const spool = new IngestSpool({
    dir: join(opts.stateDir, 'ingest'),
    formats: [...ingestFormatsSet()],
    maxPendingBytes: opts.maxPendingBytes ?? 256 * MiB,
    compactBytes: 64 * MiB,
    checkpoint: (file) => opts.store.checkpoint(file),
    maxSources: opts.maxSources ?? 256,
    // A source named for the first time: detection starts reading its file.
    onNewFile: (file) => live.add(file),
  });
  const arrivals = new Arrivals();
  const bus = new AlertBus();
  let ready = false;

  const onAlert = (a: Alert): void => {
    metrics.alerts.inc({ rule: a.rule, severity: a.severity });
    const at = arrivals.at(a.location.source, a.location.offset);
    const latencyMs = at === undefined ? undefined : Date.now() - at;
    if (latencyMs !== undefined) metrics.alertLatency.observe(latencyMs / 1000);
    opts.onCommittedAlert?.(a, latencyMs);
    bus.publish(a);
  };
  const observations = new ObservationDigest(opts.config.detect.observationPeriod);
  // Detection resumes after what it committed: the observations of those records come from server.db.
  observations.restore(db.observations());
  let observationsSaved = 0;
  const saveObservations = (): void => {
    observationsSaved = Date.now();
    db.putObservations(observations.takeChanged());
  };
  let seen: DetectProgress = { records: 0, alerts: 0, rejected: 0, late: 0, watermark: -Infinity };
  const live = new LiveDetect({
    config: opts.config,
    observations,
    store: opts.store,
    files: [...spool.inputs(), ...inputs.follow],
    syslog: inputs.syslog,
    syslogAllowRemote: opts.config.serve.syslogAllowRemote,
    pollMs: opts.pollMs,
    idleAfterMs: opts.idleAfterMs,
    onAlert,
    onProgress: (p) => {
      // At most once a second; and at close.
      if (Date.now() - observationsSaved >= 1_000) saveObservations();
      metrics.progress(seen, p);
      seen = p;
      opts.onDetectProgress?.(p);
    },
    onError: (e) => {
      metrics.detectErrors.inc();
      ready = false;
      app.log.error({ err: e }, 'detection stopped');
    },
  });

  const runner = new ServerRunner({
    config: opts.config,
    db,
    onRun: (o, actor) => db.logAdmin({ time: o.finished, actor, action: `run.${o.lens}`, detail: { findings: o.findings, problems: o.problems.length } }),
    onError: (lens, e) => app.log.error({ err: e, lens }, 'scheduled run failed'),
  });

  // Every response: the security headers; API responses are never cached.
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (req.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
    return payload;
  });
  // No CORS: a preflight gets no Access-Control-Allow-* headers, so browsers on other origins are refused.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'OPTIONS') return reply.code(403).send({ error: 'cross-origin requests are not allowed' });
    const scope = req.routeOptions.config?.scope;
    if (!scope) return;
    const presented = bearer(req.headers.authorization);
    const entry = presented ? opts.tokens.match(presented) : undefined;
    if (entry) req.token = entry;
    if (!entry && scope === 'read' && opts.allowAnonymousRead) return;
    if (!entry) return reply.code(401).header('www-authenticate', 'Bearer realm="drawbridge"').send({ error: 'a Bearer token is required' });
    if (!grants(entry.scope, scope)) return reply.code(403).send({ error: `this token's scope (${entry.scope}) does not allow ${scope}` });
  });

  await app.register(rateLimit, {
    global: true,
    max: opts.rateLimit ?? 1200,
    timeWindow: 60_000,
    // Per token when one is presented (its hash), else per address.
    keyGenerator: (req: FastifyRequest) => {
      const t = bearer(req.headers.authorization);
      return t ? `t:${opts.tokens.match(t)?.origin ?? 'unknown'}` : `a:${req.ip}`;
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Drawbridge API', version: '1', description: 'Ingest logs, read alerts, incidents, observations, findings, the management surface and baselines.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply: FastifyReply) => (ready ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' })));
  app.get('/metrics', { config: { scope: 'read' }, schema: { hide: true } }, async (_req, reply) => {
    metrics.queueBytes.set(spool.pendingBytes());
    metrics.spoolBytes.set(spool.sizeBytes());
    for (const r of live.receivers) {
      const name = `${r.transport}://${r.address.host.includes(':') ? `[${r.address.host}]` : r.address.host}:${r.address.port}`;
      for (const outcome of ['accepted', 'rejected', 'dropped'] as const) metrics.syslogMessages.set({ receiver: name, outcome }, r.stats[outcome]);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerIngestRoutes(app, { spool, metrics, arrivals, bodyLimit });
  registerReadRoutes(app, { store: opts.store, db, config: opts.config, observations });
  registerBaselineRoutes(app, { store: opts.store, db, config: opts.config });
  registerStreamRoute(app, { bus, metrics });
  registerRunRoutes(app, runner);
  registerDashboard(app, opts.dashboardRoot);

  return {
    app,
    metrics,
    receivers: () => live.receivers.map((r) => ({ transport: r.transport, ...r.address })),
    async listen(host, port) {
      await live.start();
      await app.listen({ host, port });
      ready = true;
      runner.start();
      const addr = app.server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      const shown = host.includes(':') ? `[${host}]` : host;
      return { host, port: bound, url: `${opts.tls ? 'https' : 'http'}://${shown}:${bound}` };
    },
    async close() {
      ready = false;
      bus.close();
      await app.close();
      await runner.stop();
      await live.stop();
      saveObservations();
      spool.close();
      db.close();
    },
  };
}
