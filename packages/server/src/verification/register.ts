import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { CsrfTokens, addCsrfGuard } from '../middleware/csrf.js';
import { addNoStore } from '../middleware/no-store.js';
import { addSecurityHeaders } from '../middleware/security-headers.js';
import { SessionCookies } from '../middleware/session.js';
import { STORE_RETRY_AFTER_SECONDS, StoreUnavailableError } from '../store/errors.js';
import { expiredPage } from '../views/expired-page.js';
import { failurePage } from '../views/failure-page.js';
import { registerCodeEntry } from './code-entry.js';
import { registerConsent } from './consent.js';
import { registerDone } from './done.js';
import { registerMfaEnrol } from './mfa-enrol.js';
import { registerMfaVerify } from './mfa-verify.js';
import { mfaSecrets } from '../mfa/secrets.js';
import { VERIFICATION_LIMITS, type VerificationLimits } from './limits.js';
import { registerNotFound } from './not-found.js';
import { registerSignIn } from './sign-in.js';
import { sendPage, type VerificationDeps } from './shared.js';
import { registerStylesheet } from './stylesheet.js';

/**
 * How these routes log a request: the path without its query string (a deep link carries the
 * user code in `?user_code=`). Bodies and cookies are never logged.
 */
function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    path: request.url.split('?', 1)[0],
    ip: request.ip,
    id: request.id,
  };
}

/**
 * Registers the user's side of the device flow as server-rendered pages: `GET/POST /device`
 * (code entry), `GET/POST /device/signin`, `GET/POST /device/mfa` (+ `/recovery`, `/enrol`: TOTP),
 * `GET/POST /device/consent`, `GET /device/done`, `GET /device/style.css`, and an HTML 404 for
 * any other `GET /device/…`.
 * The routes live in their own encapsulated scope with no-store, CSP and other security headers
 * on every response, a CSRF check before every POST, and query-free request logs.
 *
 * Expects `@fastify/formbody` and `@fastify/cookie` on `app` (see app.ts); the session cookie is
 * signed here with a key derived from `context.cookieSecret`.
 *
 * @param limits guessing budgets; the defaults until the server configuration exposes them.
 */
export function registerVerification(
  app: FastifyInstance,
  context: ServerContext,
  limits: VerificationLimits = VERIFICATION_LIMITS,
): void {
  const deps: VerificationDeps = {
    context,
    limits,
    sessions: new SessionCookies(context.cookieSecret),
    csrf: new CsrfTokens(context.cookieSecret),
  };
  void app.register((scope, _options, done) => {
    scope.addHook('onRoute', (route) => {
      route.logSerializers = { ...route.logSerializers, req: requestForLog };
    });
    addNoStore(scope);
    addSecurityHeaders(scope);
    addCsrfGuard(scope, {
      tokens: deps.csrf,
      session: (request) => deps.sessions.read(request, context.clock.now()),
      reject: (_request, reply) => sendPage(reply, 403, expiredPage()),
    });
    scope.setErrorHandler((error, request, reply) => {
      if (error instanceof StoreUnavailableError) {
        // The database is down for a moment: say so, and when to retry (the pool reconnects).
        request.log.warn({ err: { type: error.name, message: error.message } }, 'store unavailable');
        void reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
        return sendPage(reply, 503, failurePage());
      }
      const status =
        typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500;
      const code = status >= 400 && status < 600 ? status : 500;
      if (code >= 500) request.log.error({ err: error }, 'verification page failed');
      else request.log.info({ statusCode: code }, 'verification page rejected the request');
      return sendPage(reply, code, failurePage());
    });
    registerCodeEntry(scope, deps);
    registerSignIn(scope, deps);
    // MFA (TOTP): the boxes seal secrets at rest (mfaEncryptionSecret) and in the session.
    const secrets = mfaSecrets(context);
    registerMfaVerify(scope, deps, secrets);
    registerMfaEnrol(scope, deps, secrets);
    registerConsent(scope, deps);
    registerDone(scope, deps);
    registerStylesheet(scope);
    registerNotFound(scope);
    done();
  });
}
