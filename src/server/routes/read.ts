/** Read routes: alerts, incidents, findings (GET and POST), the surface overview, the admin log. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DrawbridgeConfig } from '../../config/schema.js';
import { buildIncidents } from '../../detect/incidents.js';
import type { StateStore } from '../../detect/state/types.js';
import { toOcsfRecord } from '../../io/format/ocsf.js';
import type { Finding } from '../../model/finding.js';
import { SEVERITIES } from '../../model/severity.js';
import { buildOverview, lensOf } from '../overview.js';
import { listQuerySchema, page, QueryError, type ListQuery } from '../query.js';
import type { ServerDb } from '../server-db.js';
import { packageVersion } from '../../cli/common.js';
import type { ObservationDigest } from '../../detect/observations.js';
import { openAsnDatabase, type AsnLookup } from '../../intel/asn.js';

export interface ReadDeps {
  store: StateStore;
  db: ServerDb;
  config: DrawbridgeConfig;
  /** Observations: the digest detection folds into, kept in server.db across restarts. */
  observations: ObservationDigest;
}

const listQueryWithFormat = {
  ...listQuerySchema,
  properties: { ...listQuerySchema.properties, format: { type: 'string', enum: ['json', 'ocsf'], default: 'json' } },
} as const;

const readSecurity = [{ bearer: [] }];

function paged<T extends Parameters<typeof page>[0][number]>(reply: FastifyReply, all: readonly T[], q: ListQuery, key: string, map?: (x: T) => unknown): FastifyReply {
  try {
    const p = page(all, q);
    return reply.send({ [key]: map ? p.items.map(map) : p.items, total: p.total, ...(p.next ? { next: p.next } : {}) });
  } catch (e) {
    if (e instanceof QueryError) return reply.code(400).send({ error: e.message });
    throw e;
  }
}

export function registerReadRoutes(app: FastifyInstance, deps: ReadDeps): void {
  const version = packageVersion();

  app.get<{ Querystring: ListQuery & { format?: 'json' | 'ocsf' } }>(
    '/v1/alerts',
    { config: { scope: 'read' }, schema: { summary: 'Alerts, in commit order', security: readSecurity, querystring: listQueryWithFormat } },
    async (req, reply) => {
      const ocsf = req.query.format === 'ocsf';
      return paged(reply, deps.store.alerts(), req.query, 'alerts', ocsf ? (a) => toOcsfRecord(a, version, Date.now()) : undefined);
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/v1/incidents',
    { config: { scope: 'read' }, schema: { summary: 'Incidents with their timelines, most severe first', security: readSecurity, querystring: listQuerySchema } },
    async (req, reply) => {
      const incidents = buildIncidents(deps.store.alerts()).map((i) => ({ ...i, time: i.start, subTechnique: i.subTechniques[0]! }));
      const q = req.query;
      // An incident matches a sub-technique filter when any of its alerts does.
      const all = q.subTechnique ? incidents.filter((i) => i.subTechniques.includes(q.subTechnique!)) : incidents;
      return paged(reply, all, { ...q, subTechnique: undefined }, 'incidents', ({ time: _t, subTechnique: _s, ...i }) => i);
    },
  );

  app.get<{ Querystring: ListQuery & { lens?: 'audit' | 'probe' } }>(
    '/v1/findings',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Findings of audit and probe runs posted to the server',
        security: readSecurity,
        querystring: { ...listQuerySchema, properties: { ...listQuerySchema.properties, lens: { type: 'string', enum: ['audit', 'probe'] } } },
      },
    },
    async (req, reply) => {
      const { lens, ...q } = req.query;
      const all = deps.db.findings().filter((f) => !lens || f.lens === lens).map((f) => ({ ...f.finding, lens: f.lens, received: f.received }));
      return paged(reply, all, q, 'findings');
    },
  );

  app.post<{ Body: { findings: Finding[] } }>(
    '/v1/findings',
    {
      config: { scope: 'ingest' },
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        summary: 'Store the findings of an audit or probe run (its --format json output)',
        security: readSecurity,
        body: {
          type: 'object',
          required: ['findings'],
          properties: {
            findings: {
              type: 'array',
              maxItems: 100_000,
              items: {
                type: 'object',
                required: ['id', 'rule', 'subTechnique', 'control', 'severity', 'title', 'asset', 'location'],
                properties: {
                  id: { type: 'string', maxLength: 64 },
                  rule: { type: 'string', maxLength: 200 },
                  severity: { type: 'string', enum: [...SEVERITIES] },
                  title: { type: 'string', maxLength: 4000 },
                  asset: { type: 'string', maxLength: 1000 },
                  location: { type: 'object' },
                },
              },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const now = new Date().toISOString();
      const byLens = { audit: [] as Finding[], probe: [] as Finding[] };
      for (const f of req.body.findings) {
        const lens = lensOf(f);
        if (lens === 'detect') return reply.code(400).send({ error: `finding ${f.id} has a log location: post alerts through /v1/ingest` });
        byLens[lens].push(f);
      }
      deps.db.putFindings('audit', byLens.audit, now);
      deps.db.putFindings('probe', byLens.probe, now);
      return { stored: req.body.findings.length, audit: byLens.audit.length, probe: byLens.probe.length };
    },
  );

  let asn: AsnLookup | undefined;
  app.get<{ Querystring: { service?: string; since?: string } }>(
    '/v1/observations',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'The noise kept out of the alerts: first-seen sources that did nothing further, per service per period',
        security: readSecurity,
        querystring: {
          type: 'object',
          properties: { service: { type: 'string', maxLength: 200 }, since: { type: 'string', format: 'date-time' } },
          additionalProperties: false,
        },
      },
    },
    async (req) => {
      const list = deps.observations.list((asn ??= openAsnDatabase()));
      const since = req.query.since ? Date.parse(req.query.since) : undefined;
      return {
        observations: list.filter((o) => (!req.query.service || o.service === req.query.service) && (since === undefined || Date.parse(o.end) > since)),
      };
    },
  );

  app.get(
    '/v1/surface',
    { config: { scope: 'read' }, schema: { summary: 'The management surface: sub-technique × lens, and per asset', security: readSecurity } },
    async () => buildOverview(deps.db.findings().map((f) => f.finding), deps.store.alerts()),
  );

  app.get(
    '/v1/admin-log',
    { config: { scope: 'admin' }, schema: { summary: 'Admin actions (approve, forget) with the token that made them', security: readSecurity } },
    async () => ({ entries: deps.db.adminLog() }),
  );
}
