import type { FastifyInstance } from 'fastify';
import { donePage } from '../views/done-page.js';
import { PATHS } from './paths.js';
import { sendPage, type VerificationDeps } from './shared.js';

/** `GET /device/done`: after Allow, "return to your device"; after Deny, "nothing was granted". */
export function registerDone(scope: FastifyInstance, deps: VerificationDeps): void {
  scope.get(PATHS.done, async (request, reply) => {
    const session = deps.sessions.read(request, deps.context.clock.now());
    if (session?.outcome === undefined) return reply.redirect(PATHS.codeEntry, 303);
    return sendPage(reply, 200, donePage(session.outcome));
  });
}
