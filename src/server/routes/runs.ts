/** POST /v1/runs/audit and /v1/runs/probe (admin): the server audits or probes what it is configured to, now. */
import type { FastifyInstance } from 'fastify';
import { RunBusyError, RunUnconfiguredError, type RunLens, type ServerRunner } from '../runs.js';

const outcomeSchema = {
  type: 'object',
  properties: {
    lens: { type: 'string', enum: ['audit', 'probe'] },
    started: { type: 'string', format: 'date-time' },
    finished: { type: 'string', format: 'date-time' },
    findings: { type: 'integer', description: 'findings stored (GET /v1/findings?lens=…)' },
    problems: { type: 'array', items: { type: 'string' } },
  },
  required: ['lens', 'started', 'finished', 'findings', 'problems'],
} as const;

const errorSchema = { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] } as const;

export function registerRunRoutes(app: FastifyInstance, runner: ServerRunner): void {
  for (const lens of ['audit', 'probe'] as const satisfies readonly RunLens[]) {
    const what = lens === 'audit' ? 'the files and folders of serve.audit.paths' : 'the targets of serve.probe.targets (no others)';
    app.post(
      `/v1/runs/${lens}`,
      {
        config: { scope: 'admin' },
        schema: {
          summary: `Run ${lens} of ${what} now and store its findings`,
          description: 'Answers when the run is done. 409 while a run of the same lens is in progress; 404 when nothing is configured. Recorded in the admin log.',
          security: [{ bearer: [] }],
          response: { 200: outcomeSchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (req, reply) => {
        try {
          return await runner.run(lens, req.token?.origin ?? 'anonymous');
        } catch (e) {
          if (e instanceof RunBusyError) return reply.code(409).send({ error: e.message });
          if (e instanceof RunUnconfiguredError) return reply.code(404).send({ error: e.message });
          throw e;
        }
      },
    );
  }
}
