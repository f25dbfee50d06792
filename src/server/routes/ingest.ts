/** POST /v1/ingest/k8s-audit and /v1/ingest/{format}: durable acceptance into the spool, then 200. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Arrivals } from '../arrivals.js';
import { BodyError, decodeBody, k8sAuditRecords, textRecords, type SpoolRecords } from '../ingest-body.js';
import type { ServerMetrics } from '../metrics.js';
import { SpoolFullError, type IngestSpool } from '../spool.js';
import { ingestFormatsSet } from './formats.js';

export interface IngestDeps {
  spool: IngestSpool;
  metrics: ServerMetrics;
  arrivals: Arrivals;
  bodyLimit: number;
}

/** Seconds a refused sender should wait: the pipeline drains the spool in about that time. */
const RETRY_AFTER_S = 5;

const acceptedSchema = {
  type: 'object',
  properties: { accepted: { type: 'integer', description: 'records written to the spool' } },
  required: ['accepted'],
} as const;

export function registerIngestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  const accept = async (format: string, records: SpoolRecords, started: number, reply: FastifyReply): Promise<FastifyReply> => {
    try {
      const at = Date.now();
      const range = deps.spool.append(format, records);
      deps.arrivals.note(range.file, range.start, range.end, at);
      // Answered only once the batch is on disk.
      await range.durable;
    } catch (e) {
      if (e instanceof SpoolFullError) {
        deps.metrics.batchesRefused.inc({ reason: 'backpressure' });
        return reply.code(503).header('retry-after', String(RETRY_AFTER_S)).send({ error: 'detection is behind; retry later', pendingBytes: e.pendingBytes });
      }
      throw e;
    }
    deps.metrics.recordsIn.inc({ format }, records.count);
    deps.metrics.ingestSeconds.observe((performance.now() - started) / 1000);
    return reply.code(200).send({ accepted: records.count });
  };
  const refuse = (e: unknown, reply: FastifyReply): FastifyReply => {
    if (!(e instanceof BodyError)) throw e;
    deps.metrics.batchesRefused.inc({ reason: e.status === 413 ? 'too_large' : 'invalid' });
    return reply.code(e.status).send({ error: e.message });
  };

  // Bodies are read as bytes here (gzip and any content type); other routes keep the JSON parser.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.post(
      '/v1/ingest/k8s-audit',
      {
        config: { scope: 'ingest' },
        schema: {
          summary: 'Kubernetes audit webhook backend',
          description: 'An audit.k8s.io/v1 EventList (as the API server webhook backend sends it, batch or blocking mode), one Event, or one Event per line; gzip accepted.',
          security: [{ bearer: [] }],
          response: { 200: acceptedSchema },
        },
      },
      async (req, reply) => {
        const started = performance.now();
        try {
          const body = decodeBody((req.body as Buffer | undefined) ?? Buffer.alloc(0), req.headers['content-encoding'], deps.bodyLimit);
          return await accept('k8s-audit', k8sAuditRecords(body), started, reply);
        } catch (e) {
          return refuse(e, reply);
        }
      },
    );

    scope.post<{ Params: { format: string } }>(
      '/v1/ingest/:format',
      {
        config: { scope: 'ingest' },
        schema: {
          summary: 'Log records of one format',
          description: 'Text lines or NDJSON, one record per line, in any format `detect --input-format` accepts; gzip accepted.',
          security: [{ bearer: [] }],
          params: { type: 'object', properties: { format: { type: 'string' } }, required: ['format'] },
          response: { 200: acceptedSchema },
        },
      },
      async (req, reply) => {
        const started = performance.now();
        const { format } = req.params;
        if (!ingestFormatsSet().has(format)) {
          return reply.code(404).send({ error: `unknown format "${format}" (known: ${[...ingestFormatsSet()].join(', ')})` });
        }
        try {
          const body = decodeBody((req.body as Buffer | undefined) ?? Buffer.alloc(0), req.headers['content-encoding'], deps.bodyLimit);
          const records = format === 'k8s-audit' ? k8sAuditRecords(body) : textRecords(body);
          return await accept(format, records, started, reply);
        } catch (e) {
          return refuse(e, reply);
        }
      },
    );
  });
}
