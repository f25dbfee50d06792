/**
 * The dashboard: static files built by Vite (`npm run build:web` → dist/web), served by the same
 * process. The files hold no data: the page asks the API with a read token the user pastes in, kept
 * in the tab's sessionStorage (no cookies, so no cross-site request can act for the user).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** dist/web beside the compiled server (dist/server/routes → dist/web), or the source tree's build. */
export function dashboardRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'web'), join(here, '..', '..', '..', 'dist', 'web')];
  return candidates.find((c) => existsSync(join(c, 'index.html')));
}

export function registerDashboard(app: FastifyInstance, rootDir?: string): void {
  const root = rootDir ?? dashboardRoot();
  if (!root) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply.code(503).type('text/plain').send('The dashboard is not built: run `npm run build:web` (the API works without it).\n'),
    );
    return;
  }
  void app.register(fastifyStatic, { root, prefix: '/', index: ['index.html'], dotfiles: 'deny', schemaHide: true, cacheControl: true, maxAge: 0 });
}
