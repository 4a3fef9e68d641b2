import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from '../metrics/server-metrics.js';

/**
 * `GET /metrics` in Prometheus' text format. With `token` set, the scraper must send
 * `Authorization: Bearer <token>` (compared in constant time); without it, the endpoint is open,
 * as is usual behind a private network — the counts reveal traffic volume, no identities.
 */
export function registerMetrics(app: FastifyInstance, metrics: ServerMetrics, token: string | undefined): void {
  app.get('/metrics', async (request, reply) => {
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
      void reply.code(401).header('www-authenticate', 'Bearer realm="metrics"');
      return { error: 'unauthorized' };
    }
    void reply.header('cache-control', 'no-store').type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer +(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  return constantTimeEqual(presented, token);
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
