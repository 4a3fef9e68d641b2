import type { FastifyInstance } from 'fastify';
import { notFoundPage } from '../views/not-found-page.js';
import { PATHS } from './paths.js';
import { sendPage } from './shared.js';

/**
 * `GET /device/<anything else>`: a page in the user's language with a link to code entry, rather
 * than the API's JSON 404 (a mistyped or truncated link is opened by a person in a browser).
 */
export function registerNotFound(scope: FastifyInstance): void {
  scope.get(`${PATHS.codeEntry}/*`, async (_request, reply) => sendPage(reply, 404, notFoundPage()));
}
