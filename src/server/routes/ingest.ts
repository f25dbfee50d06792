/** POST /v1/ingest/k8s-audit and /v1/ingest/{format}: durable acceptance into the spool, then 200. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Arrivals } from '../arrivals.js';
import { BodyError, decodeBody, k8sAuditRecords, textRecords, type SpoolRecords } from '../ingest-body.js';
import { SOURCE_MAX_LENGTH, SOURCE_PATTERN, sourceNameProblem } from '../ingest-source.js';
import type { ServerMetrics } from '../metrics.js';
import { SpoolFullError, TooManySourcesError, type IngestSpool } from '../spool.js';
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

const sourceQuery = {
  type: 'object',
  properties: {
    source: {
      type: 'string',
      pattern: SOURCE_PATTERN,
      maxLength: SOURCE_MAX_LENGTH,
      description:
        'the log the records come from (letters, digits, ".", "_", "-", starting with a letter or digit): each named source has its own event-time order, checkpoint and spool file `<format>@<source>.log`, which its alerts name as their location; without it, one source per format',
    },
  },
} as const;

type IngestRequest = FastifyRequest<{ Querystring: { source?: string } }>;

export function registerIngestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  const accept = async (format: string, records: SpoolRecords, source: string | undefined, started: number, reply: FastifyReply): Promise<FastifyReply> => {
    try {
      const at = Date.now();
      const range = deps.spool.append(format, records, source);
      if (range) {
        deps.arrivals.note(range.file, range.start, range.end, at);
        // Answered only once the batch is on disk.
        await range.durable;
      }
    } catch (e) {
      if (e instanceof SpoolFullError) {
        deps.metrics.batchesRefused.inc({ reason: 'backpressure' });
        return reply.code(503).header('retry-after', String(RETRY_AFTER_S)).send({ error: 'detection is behind; retry later', pendingBytes: e.pendingBytes });
      }
      if (e instanceof TooManySourcesError) throw new BodyError(400, `query parameter "source": ${e.message}; name fewer sources`);
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
  /** The named source, checked here so that a bad name gets a message that says what a name may be. */
  const sourceOf = (req: IngestRequest): string | undefined => {
    const raw = (req.query as Record<string, unknown>).source;
    if (raw === undefined) return undefined;
    const problem = sourceNameProblem(raw);
    if (problem) throw new BodyError(400, `query parameter "source": ${problem}`);
    return raw as string;
  };
  const ingest = async (format: string, req: IngestRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const started = performance.now();
    try {
      const source = sourceOf(req);
      const body = decodeBody((req.body as Buffer | undefined) ?? Buffer.alloc(0), req.headers['content-encoding'], deps.bodyLimit);
      return await accept(format, format === 'k8s-audit' ? k8sAuditRecords(body) : textRecords(body), source, started, reply);
    } catch (e) {
      return refuse(e, reply);
    }
  };

  // Bodies are read as bytes here (gzip and any content type); other routes keep the JSON parser.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.post<{ Querystring: { source?: string } }>(
      '/v1/ingest/k8s-audit',
      {
        config: { scope: 'ingest' },
        // The query is checked by the handler (sourceOf), whose message names the parameter and the rule.
        attachValidation: true,
        schema: {
          summary: 'Kubernetes audit webhook backend',
          description: 'An audit.k8s.io/v1 EventList (as the API server webhook backend sends it, batch or blocking mode), one Event, or one Event per line; gzip accepted.',
          security: [{ bearer: [] }],
          querystring: sourceQuery,
          response: { 200: acceptedSchema },
        },
      },
      (req, reply) => ingest('k8s-audit', req, reply),
    );

    scope.post<{ Params: { format: string }; Querystring: { source?: string } }>(
      '/v1/ingest/:format',
      {
        config: { scope: 'ingest' },
        attachValidation: true,
        schema: {
          summary: 'Log records of one format',
          description: 'Text lines or NDJSON, one record per line, in any format `detect --input-format` accepts; gzip accepted.',
          security: [{ bearer: [] }],
          params: { type: 'object', properties: { format: { type: 'string' } }, required: ['format'] },
          querystring: sourceQuery,
          response: { 200: acceptedSchema },
        },
      },
      async (req, reply) => {
        const { format } = req.params;
        if (!ingestFormatsSet().has(format)) {
          return reply.code(404).send({ error: `unknown format "${format}" (known: ${[...ingestFormatsSet()].join(', ')})` });
        }
        return ingest(format, req, reply);
      },
    );
  });
}
