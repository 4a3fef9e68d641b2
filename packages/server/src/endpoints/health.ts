import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { STORE_RETRY_AFTER_SECONDS } from '../store/errors.js';

/**
 * `GET /healthz` (liveness: the process answers) and `GET /readyz` (readiness: the store answers
 * a query, so the instance can serve flows; 503 with Retry-After otherwise). Neither says why in
 * the body beyond `database: down`; the reason goes to the log.
 */
export function registerHealth(app: FastifyInstance, context: ServerContext): void {
  app.get('/healthz', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  app.get('/readyz', async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    try {
      await context.store.ping();
      return { status: 'ok', database: 'up' };
    } catch (error) {
      request.log.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'store not ready');
      void reply.code(503).header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
      return { status: 'unavailable', database: 'down' };
    }
  });
}
