/** GET /v1/stream: committed alerts as Server-Sent Events, as they come. */
import type { FastifyInstance } from 'fastify';
import type { Alert } from '../../model/finding.js';
import type { ServerMetrics } from '../metrics.js';

type Listener = (a: Alert) => void;

/** Fan-out of committed alerts to the open streams. */
export class AlertBus {
  private readonly listeners = new Set<Listener>();
  private readonly closers = new Set<() => void>();

  publish(a: Alert): void {
    for (const l of this.listeners) l(a);
  }

  subscribe(l: Listener, onClose: () => void): () => void {
    this.listeners.add(l);
    this.closers.add(onClose);
    return () => {
      this.listeners.delete(l);
      this.closers.delete(onClose);
    };
  }

  /** End every stream (server shutdown). */
  close(): void {
    for (const c of [...this.closers]) c();
    this.listeners.clear();
    this.closers.clear();
  }
}

/** A comment line keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** A client that reads slower than alerts arrive is dropped once this much is buffered for it. */
const MAX_BUFFERED = 4 * 1024 * 1024;

export function registerStreamRoute(app: FastifyInstance, deps: { bus: AlertBus; metrics: ServerMetrics }): void {
  app.get(
    '/v1/stream',
    { config: { scope: 'read' }, schema: { summary: 'Alerts as Server-Sent Events (event: alert, id: alert id)', security: [{ bearer: [] }] } },
    async (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      res.write(': drawbridge alert stream\n\n');
      deps.metrics.sseClients.inc();
      let open = true;
      const release = (): void => {
        if (!open) return;
        open = false;
        clearInterval(beat);
        unsubscribe();
        deps.metrics.sseClients.dec();
      };
      const end = (): void => {
        release();
        res.end();
      };
      const unsubscribe = deps.bus.subscribe((a) => {
        if (res.writableLength > MAX_BUFFERED) return end();
        res.write(`event: alert\nid: ${a.id}\ndata: ${JSON.stringify(a)}\n\n`);
      }, end);
      const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      req.raw.on('close', release);
    },
  );
}
