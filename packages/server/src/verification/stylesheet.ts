import type { FastifyInstance } from 'fastify';
import { STYLESHEET } from '../views/styles.js';
import { PATHS } from './paths.js';

/** `GET /device/style.css`: the pages' one stylesheet (CSP `style-src 'self'`). */
export function registerStylesheet(scope: FastifyInstance): void {
  scope.get(PATHS.stylesheet, async (_request, reply) => reply.type('text/css; charset=utf-8').send(STYLESHEET));
}
