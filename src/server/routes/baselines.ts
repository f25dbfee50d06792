/** Baselines: list (read), approve and forget (admin, recorded in the admin log). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DrawbridgeConfig } from '../../config/schema.js';
import { approveKeys, BASELINE_KINDS, BaselineKeyError, forgetKeys, listBaseline, resolveDetector, type BaselineTarget } from '../../detect/baseline.js';
import type { StateStore } from '../../detect/state/types.js';
import type { ServerDb } from '../server-db.js';

export interface BaselineDeps {
  store: StateStore;
  db: ServerDb;
  config: DrawbridgeConfig;
}

const detectors = BASELINE_KINDS.map((k) => k.detector);

const editBody = {
  type: 'object',
  required: ['detector', 'keys'],
  additionalProperties: false,
  properties: {
    detector: { type: 'string', enum: detectors },
    keys: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 1000 } },
  },
} as const;

type EditBody = { detector: string; keys: string[] };

function target(detector: string): BaselineTarget {
  return resolveDetector(detector);
}

export function registerBaselineRoutes(app: FastifyInstance, deps: BaselineDeps): void {
  const actor = (req: FastifyRequest): string => req.token?.origin ?? 'anonymous';
  const keyError = (e: unknown, reply: FastifyReply): FastifyReply => {
    if (e instanceof BaselineKeyError) return reply.code(400).send({ error: e.message });
    throw e;
  };

  app.get<{ Querystring: { detector?: string } }>(
    '/v1/baselines',
    {
      config: { scope: 'read' },
      schema: { summary: 'Baseline entries, per detector', security: [{ bearer: [] }], querystring: { type: 'object', properties: { detector: { type: 'string', enum: detectors } }, additionalProperties: false } },
    },
    async (req) => {
      const ns = req.query.detector ? target(req.query.detector).ns : undefined;
      return { entries: listBaseline(deps.store, ns).map((r) => ({ ...r, first: new Date(r.first).toISOString(), ...(r.last !== undefined ? { last: new Date(r.last).toISOString() } : {}) })) };
    },
  );

  app.post<{ Body: EditBody }>(
    '/v1/baselines/approve',
    { config: { scope: 'admin' }, schema: { summary: 'Approve keys: they never alert again', security: [{ bearer: [] }], body: editBody } },
    async (req, reply) => {
      try {
        const written = approveKeys(deps.store, target(req.body.detector), req.body.keys, deps.config, Date.now());
        deps.db.logAdmin({ time: new Date().toISOString(), actor: actor(req), action: 'baseline.approve', detail: { detector: req.body.detector, keys: req.body.keys, entries: written.length } });
        return { approved: written.length };
      } catch (e) {
        return keyError(e, reply);
      }
    },
  );

  app.post<{ Body: EditBody }>(
    '/v1/baselines/forget',
    { config: { scope: 'admin' }, schema: { summary: 'Forget keys: the next sighting is new again', security: [{ bearer: [] }], body: editBody } },
    async (req, reply) => {
      try {
        const r = forgetKeys(deps.store, target(req.body.detector), req.body.keys, deps.config);
        deps.db.logAdmin({ time: new Date().toISOString(), actor: actor(req), action: 'baseline.forget', detail: { detector: req.body.detector, keys: req.body.keys, forgotten: r.forgotten.length } });
        return { forgotten: r.forgotten.length, missing: r.missing };
      } catch (e) {
        return keyError(e, reply);
      }
    },
  );
}
