import type { FastifyInstance } from 'fastify';

/**
 * Marks every response of the (encapsulated) scope uncacheable: pages carry CSRF tokens and
 * personal details and must not be kept by the browser, a proxy or the back/forward cache.
 */
export function addNoStore(scope: FastifyInstance): void {
  scope.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });
}
